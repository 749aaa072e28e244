#!/usr/bin/env bash
# pack, inspect, unpack and diff through the CLI, with GNU tar, bsdtar, unzip/zipinfo and the
# zstd CLI as independent judges of what fnseal writes, and the hostile corpus for unpack.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
hostile=$PWD/testdata/hostile
work=${TEST_TMPDIR:-$(mktemp -d)}/archive
rm -rf "$work" && mkdir -p "$work" && cd "$work"


mkdir -p src/lib/deep
printf '#!/bin/sh\necho hi\n' >src/bootstrap
chmod 0700 src/bootstrap  # odd source modes must not leak into the archive
echo "library" >src/lib/deep/x.txt
chmod 0600 src/lib/deep/x.txt
head -c 100000 /dev/urandom >src/lib/random.bin

for f in out.tar out.tar.zst out.zip; do
  expect_exit 0 "" -- "$fnseal" pack -q -o "$f" --dir src
done
# Same bytes whatever the umask and the order the tree is read in.
(umask 077 && "$fnseal" pack -q -o again.tar --file lib/random.bin=src/lib/random.bin \
  --file lib/deep/x.txt=src/lib/deep/x.txt --file bootstrap=src/bootstrap)
cmp -s out.tar again.tar || fail "pack output depends on the input order or umask"
SOURCE_DATE_EPOCH=1700000000 "$fnseal" pack -q -o epoch.tar --dir src
grep -q "2023-11-14" <<<"$(tar -tvf epoch.tar)" || fail "SOURCE_DATE_EPOCH not honoured: $(tar -tvf epoch.tar)"

tar -tvf out.tar >listing.txt || fail "GNU tar rejects our tar"
grep -q '^-rwxr-xr-x 0/0 .* bootstrap$' listing.txt || fail "bootstrap mode in tar: $(cat listing.txt)"
grep -q '^-rw-r--r-- 0/0 .* lib/deep/x.txt$' listing.txt || fail "x.txt mode in tar: $(cat listing.txt)"
grep -q '^drwxr-xr-x 0/0 .* lib/$' listing.txt || fail "explicit directory in tar: $(cat listing.txt)"
bsdtar -tf out.tar >/dev/null || fail "bsdtar rejects our tar"
zstd -q -t out.tar.zst || fail "zstd -t rejects our frame"
zstd -q -d -c out.tar.zst | cmp -s - out.tar || fail "tar.zst does not hold the tar"
unzip -tq out.zip >/dev/null || fail "unzip -t rejects our zip"
zipinfo out.zip >zipinfo.txt
grep -q '^-rwxr-xr-x .* bootstrap$' zipinfo.txt || fail "bootstrap mode in zip: $(cat zipinfo.txt)"
grep -q '^-rw-r--r-- .* lib/deep/x.txt$' zipinfo.txt || fail "x.txt mode in zip: $(cat zipinfo.txt)"

# --digests: each file's sha256, as sha256sum computes it.
"$fnseal" pack -q -o digests.tar.zst --dir src --digests digests.json
for f in bootstrap lib/deep/x.txt lib/random.bin; do
  want=$(sha256sum "src/$f" | cut -d' ' -f1)
  grep -q "\"sha256\": \"$want\"" digests.json || fail "--digests lacks $f's sha256 $want: $(cat digests.json)"
done
cmp -s digests.tar.zst out.tar.zst || fail "--digests changed the archive bytes"
# The list is JSON with exactly the files, in archive order, names escaped (a quote, non-ASCII).
mkdir -p named/sub && echo q >'named/sub/say "hi" ü.txt' && : >named/empty
"$fnseal" pack -q -o named.tar --dir named --digests named.json
python3 - named.json <<'PY' || fail "--digests list is wrong: $(cat named.json)"
import hashlib, json, sys
text = open(sys.argv[1], encoding="utf-8").read()
got = json.loads(text)
want = [{"mode": 420, "path": p, "sha256": hashlib.sha256(open("named/" + p, "rb").read()).hexdigest(),
         "size": len(open("named/" + p, "rb").read())} for p in ["empty", 'sub/say "hi" ü.txt']]
assert got == want, got
assert text == json.dumps(want, indent=2, ensure_ascii=False) + "\n", text
PY

# --dir holds regular files only: a symlink or a fifo anywhere below is refused, and nothing is written.
mkdir -p odd/sub && echo a >odd/sub/a && ln -s a odd/sub/link
expect_exit 1 "'odd/sub/link' is a symbolic link" -- "$fnseal" pack -q -o odd.tar --dir odd
rm odd/sub/link && mkfifo odd/sub/fifo
expect_exit 1 "'odd/sub/fifo' is not a regular file or directory" -- "$fnseal" pack -q -o odd.tar --dir odd
expect_exit 1 "cannot open directory 'odd/sub/a'" -- "$fnseal" pack -q -o odd.tar --dir odd/sub/a
[[ ! -e odd.tar ]] || fail "a refused pack left odd.tar"

expect_exit 0 "lib/deep/x.txt" -- "$fnseal" inspect out.zip
expect_exit 0 '"format": "zip"' -- "$fnseal" inspect --json out.zip

# unpack: each format gives the same tree; refusals leave nothing behind.
for f in out.tar out.tar.zst out.zip; do
  expect_exit 0 "" -- "$fnseal" unpack -q "$f" "tree-$f"
  diff -r src "tree-$f" >/dev/null || fail "unpacked $f differs from the source"
  [[ $(stat -c %a "tree-$f/bootstrap") == 755 ]] || fail "unpacked bootstrap mode from $f"
  [[ $(stat -c %a "tree-$f/lib/deep/x.txt") == 644 ]] || fail "unpacked x.txt mode from $f"
done
expect_exit 1 "already exists" -- "$fnseal" unpack out.tar tree-out.tar
for h in tar-path-traversal tar-absolute-path tar-symlink tar-hardlink tar-device tar-pax-path-traversal \
  tar-duplicate-name; do
  expect_exit 1 "" -- "$fnseal" unpack "$hostile/$h.tar" "dest-$h"
  [[ ! -e "dest-$h" ]] || fail "unpack of $h left its destination"
done
grep -q 'tmp-' <<<"$(ls)" && fail "unpack left a temporary directory: $(ls)"
[[ ! -e ../x && ! -e x ]] || fail "unpack wrote outside its destination"

# diff: identical, then a nested change named down to the inner entry.
expect_exit 0 "identical" -- "$fnseal" diff out.tar again.tar
echo "changed" >src/lib/deep/x.txt
"$fnseal" pack -q -o changed.tar --dir src
expect_exit 4 "lib/deep/x.txt" -- "$fnseal" diff out.tar changed.tar
expect_exit 4 "mtime" -- "$fnseal" diff out.tar epoch.tar
"$fnseal" pack -q -o outer-a.tar.zst --file inner.tar=out.tar
"$fnseal" pack -q -o outer-b.tar.zst --file inner.tar=changed.tar
expect_exit 4 "inner.tar!/lib/deep/x.txt" -- "$fnseal" diff outer-a.tar.zst outer-b.tar.zst
expect_exit 4 '"kind": "content"' -- "$fnseal" diff --json outer-a.tar.zst outer-b.tar.zst
"$fnseal" pack -q --level 19 -o level19.tar.zst --dir src
expect_exit 2 "zstd level 23 is outside" -- "$fnseal" pack -q --level 23 --long -o bad-level.tar.zst --dir src
expect_exit 2 "above 19 need the long window" -- "$fnseal" pack -q --level 21 -o bad-level.tar.zst --dir src
[[ ! -e bad-level.tar.zst ]] || fail "a refused zstd level left an output"
"$fnseal" pack -q -o level3.tar.zst --dir src
expect_exit 4 "same entries, different bytes" -- "$fnseal" diff level3.tar.zst level19.tar.zst

# Progress: on a terminal pack reports it on stderr (and clears the line before the result);
# with stderr not a terminal, or with --quiet, nothing.
head -c 3000000 /dev/urandom >src/big.bin
expect_exit 0 "packing progress.tar.zst: " -- script -qec "'$fnseal' pack -o progress.tar.zst --dir src" /dev/null
grep -q "(100%)" out.txt || fail "progress does not reach 100%: $(cat -v out.txt)"
grep -q $'\r\033\[Kpacked ' out.txt || fail "the progress line is not cleared before the result: $(cat -v out.txt)"
expect_exit 0 "" -- script -qec "'$fnseal' pack -q -o quiet.tar.zst --dir src" /dev/null
[[ ! -s out.txt ]] || fail "pack -q printed on a terminal: $(cat -v out.txt)"
"$fnseal" pack -o piped.tar.zst --dir src 2>piped.err >/dev/null
[[ ! -s piped.err ]] || fail "progress printed to a non-terminal stderr: $(cat -v piped.err)"
cmp -s progress.tar.zst piped.tar.zst || fail "progress changed the archive's bytes"

finish "all CLI archive checks passed"
