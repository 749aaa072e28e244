#!/usr/bin/env bash
# Verification runs in memory bounded by documented constants, whatever a bundle claims: a small
# bundle whose attestations/ holds many large, compressible entries (the zip-bomb shape) is
# refused before they are buffered, and the peak RSS (measured by /usr/bin/time) stays within a
# fixed margin of verifying the plain example bundle. Also the count and per-file limits, and
# signing a large bundle in bounded memory.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
bundle=$PWD/examples/hello/hello_bundle.fnb
keys=$PWD/testdata/keys
work=${TEST_TMPDIR:-$(mktemp -d)}/cli-limits
rm -rf "$work" && mkdir -p "$work" && cd "$work"

# hostile OUT COUNT SIZE: the example bundle plus COUNT attestation entries of SIZE zero bytes,
# as a well-formed tar in a zstd frame that declares its content size.
hostile() {
  rm -rf b && mkdir b && zstd -q -d -c <"$bundle" | tar -x -C b -f -
  for i in $(seq -w 1 "$2"); do truncate -s "$3" "b/attestations/x$i.dsse.json"; done
  (cd b && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort) >list
  tar --format=ustar --mtime=@946684800 --owner=0 --group=0 --numeric-owner --no-recursion -C b -cf b.tar -T list
  zstd -q -f -1 b.tar -o "$1" && rm -f b.tar
}
# peak_rss_kb ARGS...: runs fnseal ARGS, prints its peak resident set in KiB.
peak_rss_kb() {
  /usr/bin/time -f '%M' -o rss.txt "$fnseal" "$@" >/dev/null 2>err.txt || true
  tail -n 1 rss.txt
}

cp "$bundle" signed.fnb && chmod u+w signed.fnb
"$fnseal" sign --quiet --key "$keys/ed25519.pem" signed.fnb
baseline=$(peak_rss_kb verify --key "$keys/ed25519.pub.pem" signed.fnb)

# 12 entries of 16 MiB - 1 (192 MiB held in memory before the fix): refused at the third, as
# the attestations together may hold 32 MiB.
hostile many-large.fnb 12 $((16 * 1024 * 1024 - 1))
expect_exit 3 "the bundle's attestations are over the limit of 33554432 bytes together" -- \
  "$fnseal" verify --key "$keys/ed25519.pub.pem" many-large.fnb
rss=$(peak_rss_kb verify --key "$keys/ed25519.pub.pem" many-large.fnb)
((rss < baseline + 48 * 1024)) || fail "verifying the hostile bundle peaked at $rss KiB, the plain one at $baseline KiB"

hostile one-too-large.fnb 1 $((16 * 1024 * 1024 + 1))
expect_exit 3 "is 16777217 bytes, over the limit of 16777216" -- \
  "$fnseal" verify --key "$keys/ed25519.pub.pem" one-too-large.fnb

hostile too-many.fnb 61 1  # 4 statements of the example + 61
expect_exit 3 "bundle holds more than 64 attestation files" -- \
  "$fnseal" verify --key "$keys/ed25519.pub.pem" too-many.fnb

# Signing streams the bundle's files (through a temporary directory next to the output): a
# bundle holding 256 MiB of zeros signs in memory bounded like verification (it held the whole
# bundle before), and leaves no temporary file.
rm -rf b && mkdir b && zstd -q -d -c <"$bundle" | tar -x -C b -f -
truncate -s $((256 * 1024 * 1024)) b/licenses/zeros
(cd b && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort) >list
tar --format=ustar --mtime=@946684800 --owner=0 --group=0 --numeric-owner --no-recursion -C b -cf b.tar -T list
zstd -q -f -1 b.tar -o big.fnb && rm -rf b b.tar
cp "$bundle" small.fnb && chmod u+w small.fnb
sign_baseline=$(peak_rss_kb sign --key "$keys/ed25519.pem" small.fnb)
sign_rss=$(peak_rss_kb sign --key "$keys/ed25519.pem" big.fnb)
[[ -s err.txt ]] && fail "signing the large bundle failed: $(cat err.txt)"
((sign_rss < sign_baseline + 64 * 1024)) || fail "signing 256 MiB peaked at $sign_rss KiB, a small bundle at $sign_baseline KiB"
zstd -q -d -c <big.fnb | tar -t -f - >big.list
grep -qx 'attestations/provenance.dsse.json' big.list || fail "the large bundle is not signed: $(cat big.list)"
[[ -z $(ls -A | grep -F .tmp-) ]] || fail "signing left temporary files: $(ls -A)"

finish "cli_limits_test: hostile attestations are refused before they are buffered (peak RSS $rss KiB, plain $baseline KiB); signing 256 MiB peaked at $sign_rss KiB (small: $sign_baseline KiB)"
