#!/usr/bin/env bash
# The CLI's top level: `fnseal --help` lists every command; each command declares its options
# only when it is the one run, so every command's --help and options must still work; an unknown
# command exits 2 and says so; "@file" arguments expand; libgit2 is loaded only by the commands
# that read a checkout, never at start; and --no-sync leaves out every fsync, nothing else.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
work=${TEST_TMPDIR:-$(mktemp -d)}/cli-main
rm -rf "$work" && mkdir -p "$work" && cd "$work"

commands=(pack targets bundle attest sign verify keygen export inspect unpack diff source-status license sbom
  digest version simulate)
expect_exit 0 "Run 'fnseal <command> --help'" -- "$fnseal" --help
for command in "${commands[@]}"; do
  grep -qE "^  $command " out.txt || fail "fnseal --help does not list '$command': $(cat out.txt)"
done
for command in "${commands[@]}"; do
  expect_exit 0 "Usage: fnseal $command" -- "$fnseal" "$command" --help
  grep -qF -- "-h,--help" out.txt || fail "'$command --help' shows no options: $(cat out.txt)"
done
expect_exit 0 "--output" -- "$fnseal" pack --help
expect_exit 0 "0.1.0" -- "$fnseal" --version

expect_exit 2 "unknown command 'nope'" -- "$fnseal" nope --json
expect_exit 2 "A subcommand is required" -- "$fnseal"
expect_exit 2 "--output is required" -- "$fnseal" pack
expect_exit 2 "cannot read the argument file" -- "$fnseal" @missing.params

printf 'hello\n' >hello.txt
printf 'digest\nhello.txt\n' >digest.params
expect_exit 0 "hello.txt" -- "$fnseal" @digest.params
[[ $(cat out.txt) == "$(sha256sum hello.txt)" ]] || fail "@digest.params: $(cat out.txt)"

# The dynamic loader's record (LD_DEBUG=files) names each shared object as it is loaded.
LD_DEBUG=files "$fnseal" version >/dev/null 2>ld-version.txt
grep -q "file=libcrypto" ld-version.txt || fail "LD_DEBUG=files recorded no libraries: $(head -5 ld-version.txt)"
! grep -q "file=libgit2" ld-version.txt || fail "fnseal version loaded libgit2"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
git -c init.defaultBranch=main init -q repo
git -C repo -c user.name=fnseal -c user.email=test@fnseal.dev commit -q --allow-empty -m first
LD_DEBUG=files "$fnseal" source-status repo >/dev/null 2>ld-source.txt
grep -q "file=libgit2" ld-source.txt || fail "fnseal source-status did not load libgit2"

# --no-sync (what the Bazel rules pass): the same bytes, written by rename, without one fsync.
# fsyncs NAME COMMAND...: the number of fsync calls COMMAND makes, or -1 if it fails. LeakSanitizer
# cannot run under ptrace, so the ASan configuration's leak check is off for these runs only.
fsyncs() {
  ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -f -qq -e trace=fsync,fdatasync \
    -o "$1.strace" "${@:2}" >/dev/null 2>"$1.err" || { echo -1; return; }
  grep -c sync "$1.strace" || true
}
mkdir -p src && printf 'a\n' >src/a.txt
synced=$(fsyncs synced "$fnseal" pack -q -o synced.tar.zst --dir src)
unsynced=$(fsyncs unsynced "$fnseal" pack -q --no-sync -o unsynced.tar.zst --dir src)
((synced >= 2)) || fail "pack made $synced fsync call(s), want the file's and its directory's"
((unsynced == 0)) || fail "pack --no-sync made $unsynced fsync call(s): $(cat unsynced.strace)"
cmp -s synced.tar.zst unsynced.tar.zst || fail "pack --no-sync wrote other bytes"
[[ $(ls) != *.tmp-* ]] || fail "a temporary file was left: $(ls)"
unsynced=$(fsyncs digest "$fnseal" digest --no-sync --json -o digests.json hello.txt)
((unsynced == 0)) || fail "digest --no-sync made $unsynced fsync call(s)"
grep -qF '"path": "hello.txt"' digests.json || fail "digest --no-sync -o: $(cat digests.json)"
# The option reaches every writer a command calls: an OCI layout's files and directories, a bundle.
mkdir -p fn && printf '#!/bin/sh\n' >fn/bootstrap && chmod 0755 fn/bootstrap
unsynced=$(fsyncs oci "$fnseal" pack -q --no-sync --format oci -o img --dir fn)
((unsynced == 0)) || fail "pack --format oci --no-sync made $unsynced fsync call(s): $(cat oci.err oci.strace)"
"$fnseal" pack -q --no-sync -o fn.tar --dir fn
unsynced=$(fsyncs bundle "$fnseal" bundle -q --no-sync -o b.fnb --name hello --artifact fn.tar)
((unsynced == 0)) || fail "bundle --no-sync made $unsynced fsync call(s): $(cat bundle.err bundle.strace)"
[[ -s b.fnb ]] || fail "bundle --no-sync wrote no bundle"

finish "top-level CLI checks passed"
