#!/usr/bin/env bash
# bench/verify: a whole-process `fnseal verify FILE.intoto.jsonl --artifact FILE --key PUB` of a
# signed file against the same work done by the openssl CLI - `openssl dgst -sha256` of the file
# plus `openssl pkeyutl -verify` of the signature over the DSSE PAE - in the same run, on the
# same data. Prints median wall times, the ratio (target <= 1.2) and peak RSS for a small and a
# large file (target: fnseal's peak memory does not grow with the file).
# Usage: bench/verify/run.sh [MEGABYTES] [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/../.."

megabytes=${1:-50}
rounds=${2:-7}
bazel build -c opt --symlink_prefix=/ //tools/fnseal
fnseal="$(bazel info -c opt bazel-bin 2>/dev/null)/tools/fnseal/fnseal"
keys=testdata/keys

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -c "$((megabytes * 1024 * 1024))" /dev/urandom >"$work/data.bin"
head -c "$((1024 * 1024))" /dev/urandom >"$work/small.bin"
for f in data small; do "$fnseal" sign -q --key "$keys/ed25519.pem" "$work/$f.bin"; done
# The PAE and raw signature that openssl checks: the same bytes fnseal verifies.
node -e '
  const fs = require("fs");
  const [input, dir] = process.argv.slice(1);
  const e = JSON.parse(fs.readFileSync(input, "utf8"));
  const payload = Buffer.from(e.payload, "base64");
  const type = Buffer.from(e.payloadType, "utf8");
  fs.writeFileSync(dir + "/pae.bin", Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]));
  fs.writeFileSync(dir + "/sig.bin", Buffer.from(e.signatures[0].sig, "base64"));
' "$work/data.bin.intoto.jsonl" "$work"

ours() { "$fnseal" verify "$work/$1.bin.intoto.jsonl" --artifact "$work/$1.bin" --key "$keys/ed25519.pub.pem" >/dev/null; }
theirs() {
  openssl dgst -sha256 -binary "$work/data.bin" >"$work/digest.bin"
  openssl pkeyutl -verify -pubin -inkey "$keys/ed25519.pub.pem" -rawin -in "$work/pae.bin" \
    -sigfile "$work/sig.bin" >/dev/null
}
ours data && theirs || { echo "bench/verify: a verification failed" >&2; exit 1; }

now() { date +%s%N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
cat "$work/data.bin" >/dev/null  # both start from a warm page cache
ours_us=()
theirs_us=()
for ((r = 0; r < rounds; r++)); do  # alternate, so drift on a shared machine hits both
  t0=$(now)
  ours data
  t1=$(now)
  theirs
  t2=$(now)
  ours_us+=($(((t1 - t0) / 1000)))
  theirs_us+=($(((t2 - t1) / 1000)))
done
ours_med=$(printf '%s\n' "${ours_us[@]}" | median)
theirs_med=$(printf '%s\n' "${theirs_us[@]}" | median)
peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
peak_small=$(peak "$fnseal" verify "$work/small.bin.intoto.jsonl" --artifact "$work/small.bin" --key "$keys/ed25519.pub.pem")
peak_large=$(peak "$fnseal" verify "$work/data.bin.intoto.jsonl" --artifact "$work/data.bin" --key "$keys/ed25519.pub.pem")

printf 'signed file: %d MiB (Ed25519), median of %d rounds, warm page cache\n' "$megabytes" "$rounds"
divide() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.3f", a / b}'; }
printf '%-58s %9s ms\n' "fnseal verify --artifact (whole process)" "$(divide "$ours_med" 1000)"
printf '%-58s %9s ms\n' "openssl dgst -sha256 + openssl pkeyutl -verify" "$(divide "$theirs_med" 1000)"
printf 'ratio (fnseal / openssl): %s  (target <= 1.2)\n' "$(divide "$ours_med" "$theirs_med")"
printf 'fnseal peak RSS: %d KiB verifying 1 MiB, %d KiB verifying %d MiB\n' "$peak_small" "$peak_large" "$megabytes"
