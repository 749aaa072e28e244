#!/usr/bin/env bash
# Determinism of `fnseal pack`: the same content gives the same bytes, for tar, tar.zst and zip,
# whatever else differs on the way in - the order files were created in (so directory listing
# order), the order of --file arguments, mtimes, permission bits other than "executable", owner
# and group, the umask, TZ, the checkout path and the zstd worker count. And the mtime is
# 2000-01-01 by default, SOURCE_DATE_EPOCH or --mtime when given. Prints the digests.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
work=${TEST_TMPDIR:-$(mktemp -d)}/determinism
rm -rf "$work" && mkdir -p "$work" && cd "$work"

files=(bootstrap lib/libfn.so data/model.bin data/vocab.txt config/app.json "docs/read me.md" z/last.txt)
# make_tree DIR ORDER...: writes the same content, creating files in the given index order.
make_tree() {
  local dir=$1
  shift
  for i in "$@"; do
    local path=$dir/${files[$i]}
    mkdir -p "$(dirname "$path")"
    case ${files[$i]} in
      data/model.bin) head -c 200000 /dev/zero | tr '\0' '\7' >"$path" ;;
      *) printf 'content of %s\n%.0s' "${files[$i]}" {1..200} >"$path" ;;
    esac
  done
  chmod 0755 "$dir/bootstrap" "$dir/lib/libfn.so"
}

make_tree a 0 1 2 3 4 5 6
# b: another path, reverse creation order, odd modes (group/other bits, exec for owner only),
# random mtimes, another owner when we may chown.
mkdir -p elsewhere/deeper
make_tree elsewhere/deeper/b 6 5 4 3 2 1 0
chmod 0700 elsewhere/deeper/b/bootstrap
chmod 0710 elsewhere/deeper/b/lib/libfn.so
chmod 0600 elsewhere/deeper/b/data/vocab.txt
chmod 0666 elsewhere/deeper/b/config/app.json
touch -d '1999-12-31 23:59:59' elsewhere/deeper/b/data/model.bin
touch -d '2031-05-05 05:05:05' elsewhere/deeper/b/z/last.txt
# Inside Bazel's sandbox (a user namespace) other owners may not be mapped; then only the
# current owner is tested, and the line below says so.
if chown -R 65534:65534 elsewhere/deeper/b 2>/dev/null; then
  echo "tree b is owned by 65534:65534"
else
  echo "tree b keeps its owner: this sandbox cannot chown"
fi
b=elsewhere/deeper/b

# pack OUT DIR [extra args]: the tree given with --file arguments in the order of `ls -U`.
pack_files() {
  local out=$1 dir=$2
  shift 2
  local args=()
  while IFS= read -r -d '' f; do args+=(--file "${f#"$dir"/}=$f"); done < <(find "$dir" -type f -print0)
  "$fnseal" pack -q -o "$out" "${args[@]}" "$@"
}

for format in tar tar.zst zip; do
  (umask 022 && TZ=UTC "$fnseal" pack -q -o "ref.$format" --dir a)
  (umask 077 && TZ=Asia/Kolkata "$fnseal" pack -q -o "b-dir.$format" --dir "$b")
  (umask 002 && TZ=America/Los_Angeles pack_files "b-files.$format" "$b")
  for variant in b-dir b-files; do
    if cmp -s "ref.$format" "$variant.$format"; then
      printf '%s  %s (same as %s)\n' "$(sha256sum <"$variant.$format" | cut -d' ' -f1)" "$variant.$format" "ref.$format"
    else
      fail "$variant.$format differs from ref.$format"
      "$fnseal" diff "ref.$format" "$variant.$format" >&2 || true
    fi
  done
done

# zstd worker counts, levels and the long window: the same bytes for any number of threads.
for args in "--level 3" "--level 19" "--level 9 --long"; do
  # shellcheck disable=SC2086
  "$fnseal" pack -q -o t1.tar.zst --threads 1 $args --dir a
  for threads in 2 4 7; do
    # shellcheck disable=SC2086
    "$fnseal" pack -q -o "t$threads.tar.zst" --threads "$threads" $args --dir "$b"
    cmp -s t1.tar.zst "t$threads.tar.zst" || fail "tar.zst with $args differs between 1 and $threads threads"
  done
  zstd -q -t t1.tar.zst || fail "zstd -t rejects the $args output"
done

# The mtime: 2000-01-01 by default, SOURCE_DATE_EPOCH when set, --mtime over both.
listing() { TZ=UTC tar -tvf "$1" --full-time | awk '{print $4, $5}' | sort -u; }
"$fnseal" pack -q -o default.tar --dir a
[[ $(listing default.tar) == "2000-01-01 00:00:00" ]] || fail "default mtime: $(listing default.tar)"
SOURCE_DATE_EPOCH=1700000000 "$fnseal" pack -q -o epoch.tar --dir a
[[ $(listing epoch.tar) == "2023-11-14 22:13:20" ]] || fail "SOURCE_DATE_EPOCH mtime: $(listing epoch.tar)"
SOURCE_DATE_EPOCH=1700000000 "$fnseal" pack -q -o flag.tar --mtime 86400 --dir a
[[ $(listing flag.tar) == "1970-01-02 00:00:00" ]] || fail "--mtime over SOURCE_DATE_EPOCH: $(listing flag.tar)"
cmp -s default.tar ref.tar || fail "the default mtime differs from the reference"
if cmp -s default.tar epoch.tar; then fail "SOURCE_DATE_EPOCH did not change the archive"; fi

# Owner, group and modes inside: root, no names, 0755 for executables, 0644 otherwise.
modes=$(tar -tvf ref.tar | awk '{print $1, $2}' | sort | uniq -c | awk '{print $2, $3, $1}')
[[ $modes == *"-rwxr-xr-x 0/0 2"* && $modes == *"-rw-r--r-- 0/0 5"* ]] || fail "modes and owners: $modes"

finish "determinism checks passed"
