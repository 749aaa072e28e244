#!/usr/bin/env bash
# One check per row of the "Bounded resources" table in docs/bundle.md: every command that reads
# untrusted input refuses what is over its limits (at the header that claims it, before
# buffering), and its peak RSS (measured by /usr/bin/time) stays within the table's margin of the
# same command's baseline. Inputs claim far more than they hold (tests/hostile_inputs.py), so the
# test stays small on disk. verify and sign of whole bundles: tests/cli_limits_test.sh.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
hostile=$PWD/tests/hostile_inputs.py
bundle=$PWD/examples/hello/hello_bundle.fnb
pub=$PWD/testdata/keys/ed25519.pub.pem
work=${TEST_TMPDIR:-$(mktemp -d)}/cli-bounds
rm -rf "$work" && mkdir -p "$work" && cd "$work"
MiB=$((1024 * 1024))
GiB=$((1024 * MiB))

# rss_kb ARGS...: runs fnseal ARGS, prints its peak resident set in KiB (output in out.txt, err.txt).
# Under ASan, freed memory waits in a quarantine (256 MiB by default) before it is reused; a small
# one keeps the measure about fnseal's own memory, as in the plain build.
rss_kb() {
  ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8 \
    /usr/bin/time -f '%M' -o rss.txt "$fnseal" "$@" >out.txt 2>err.txt || true
  tail -n 1 rss.txt
}
# bounded ROW MARGIN_MIB BASELINE_KIB ARGS...: fnseal ARGS peaks within MARGIN_MIB of BASELINE_KIB.
bounded() {
  local row=$1 margin=$2 baseline=$3 rss
  shift 3
  rss=$(rss_kb "$@")
  ((rss < baseline + margin * 1024)) || fail "$row: peaked at $rss KiB, baseline $baseline KiB, margin $margin MiB"
  echo "$row: $rss KiB (baseline $baseline KiB)"
}

echo small >small.txt
"$fnseal" pack -q -o small.tar.zst --file small.txt=small.txt
baseline=$(rss_kb inspect small.tar.zst)

# inspect / unpack / diff: the archive readers. A zstd frame claiming 17 GiB, a tar entry claiming
# 8 GiB + 1 (in a pax header), 100,001 entries and a deflate entry expanding 1,026 times are each
# refused at their header.
python3 "$hostile" zstd-claim claim.tar.zst $((17 * GiB)) 20
python3 "$hostile" tar-claim entry.tar.zst big $((8 * GiB + 1))
python3 "$hostile" tar-many many.tar 100001
python3 "$hostile" zip-ratio ratio.zip $((64 * MiB))
for command in inspect unpack; do
  dest=()
  [[ $command == unpack ]] && dest=(out)
  expect_exit 1 "zstd frame declares 18253611008 bytes, more than the limit of 17179869184" -- \
    "$fnseal" "$command" claim.tar.zst "${dest[@]}"
  expect_exit 1 "archive entry 'big' is larger than the limit of 8589934592 bytes" -- \
    "$fnseal" "$command" entry.tar.zst "${dest[@]}"
  expect_exit 1 "tar archive has more than 100000 entries" -- "$fnseal" "$command" many.tar "${dest[@]}"
  expect_exit 1 "archive entry 'zeros' expands more than 1000 times" -- "$fnseal" "$command" ratio.zip "${dest[@]}"
  [[ ! -e out ]] || fail "a refused unpack left its destination"
done
bounded "inspect, a header claiming 8 GiB" 4 "$baseline" inspect entry.tar.zst

# inspect keeps one attestation (at most 32 MiB) at a time: a bundle with 12 of nearly 16 MiB.
rm -rf b && mkdir b && zstd -q -d -c <"$bundle" | tar -x -C b -f -
for i in $(seq -w 1 12); do truncate -s $((16 * MiB - 1)) "b/attestations/x$i.dsse.json"; done
(cd b && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort) >list
tar --format=ustar --mtime=@946684800 --owner=0 --group=0 --numeric-owner --no-recursion -C b -cf b.tar -T list
zstd -q -f -1 b.tar -o attestations.fnb && rm -rf b b.tar
bounded "inspect, 12 attestations of 16 MiB" 64 "$baseline" inspect attestations.fnb
grep -q "x12.dsse.json" out.txt || fail "inspect did not list the bundle: $(cat err.txt)"

# unpack and diff stream entry contents: 256 MiB of zeros in one entry.
truncate -s $((256 * MiB)) zeros
"$fnseal" pack -q -o zeros.tar.zst --file zeros=zeros
printf x | dd of=zeros bs=1 seek=$((128 * MiB)) conv=notrunc status=none
"$fnseal" pack -q -o zeros-x.tar.zst --file zeros=zeros && rm -f zeros
bounded "unpack, a 256 MiB entry" 16 "$baseline" unpack zeros.tar.zst unpacked
[[ $(stat -c %s unpacked/zeros) == $((256 * MiB)) ]] || fail "unpack did not write the entry: $(cat err.txt)"
rm -rf unpacked
bounded "diff, 256 MiB entries" 16 "$baseline" diff zeros.tar.zst zeros-x.tar.zst
grep -q "zeros" out.txt || fail "diff did not report the entry: $(cat out.txt err.txt)"

# export and simulate read a bundle as verify does: over-limit attestations are refused before
# they are buffered.
for args in "export --sigstore --key $pub -o export.json attestations.fnb" "simulate attestations.fnb"; do
  # shellcheck disable=SC2086
  expect_exit 1 "the bundle's attestations are over the limit of 33554432 bytes together" -- "$fnseal" $args
  # shellcheck disable=SC2086
  bounded "${args%% *}, 12 attestations of 16 MiB" 48 "$baseline" $args
done

# verify of an attestation file: 64 MiB and 64 envelopes.
truncate -s $((64 * MiB + 1)) huge.json
expect_exit 3 "is larger than the limit of 67108864 bytes" -- "$fnseal" verify --key "$pub" huge.json
bounded "verify, a 64 MiB + 1 attestation file" 4 "$baseline" verify --key "$pub" huge.json
python3 "$hostile" envelopes envelopes.jsonl 65
expect_exit 3 "attestation file has more than 64 envelopes" -- "$fnseal" verify --key "$pub" envelopes.jsonl

# verify --policy: the policy (1 MiB) and its key files (64 KiB).
mkdir policy
truncate -s $((1 * MiB + 1)) policy/huge.json
expect_exit 1 "is larger than the limit of 1048576 bytes" -- "$fnseal" verify --policy policy/huge.json "$bundle"
truncate -s $((64 * 1024 + 1)) policy/key.pem
cat >policy/policy.json <<'EOF'
{"version": 1, "keys": [{"name": "k", "publicKeyFile": "key.pem"}], "threshold": 1}
EOF
expect_exit 1 "is larger than the limit of 65536 bytes" -- "$fnseal" verify --policy policy/policy.json "$bundle"

# license check --sbom and sbom: 10,000 components; the documents' sizes.
echo '{"version": 1, "allow": ["MIT"]}' >license-policy.json
python3 "$hostile" components components.json 10001
expect_exit 1 "more than the limit of 10000" -- "$fnseal" license check --policy license-policy.json --sbom components.json
expect_exit 1 "more than the limit of 10000" -- "$fnseal" sbom --components components.json --format spdx-2.3 -o sbom.json
truncate -s $((16 * MiB + 1)) huge-sbom.json
expect_exit 1 "is larger than the limit of 16777216 bytes" -- \
  "$fnseal" license check --policy license-policy.json --sbom huge-sbom.json
bounded "license check --sbom, a 16 MiB + 1 document" 4 "$baseline" \
  license check --policy license-policy.json --sbom huge-sbom.json
truncate -s $((4 * MiB + 1)) huge-components.json
expect_exit 1 "is larger than the limit of 4194304 bytes" -- \
  "$fnseal" sbom --components huge-components.json --format spdx-2.3 -o sbom.json
[[ ! -e sbom.json ]] || fail "a refused sbom wrote its output"

# license parse|check --batch: a stdin line over 1 MiB is reported and skipped, not buffered.
{ head -c $((64 * MiB)) /dev/zero | tr '\0' a; printf '\n"MIT"\n'; } >long-line.txt
batch_rss=$(ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=8 \
  /usr/bin/time -f '%M' -o rss.txt "$fnseal" license parse --batch <long-line.txt >out.txt 2>err.txt && tail -n 1 rss.txt)
# 8 MiB: the 1 MiB kept of the line, and under ASan the freed buffers its quarantine holds; a
# buffered 64 MiB line would be far above.
((batch_rss < baseline + 8 * 1024)) || fail "license parse --batch of a 64 MiB line peaked at $batch_rss KiB"
grep -q '"error":"batch line is longer than 1048576 bytes","line":1' out.txt || fail "no error for the long line: $(head -c 300 out.txt)"
grep -q '"line":2' out.txt || grep -q '"MIT"' out.txt || fail "the line after the long one was not parsed: $(head -c 300 out.txt)"
echo "license parse --batch, a 64 MiB line: $batch_rss KiB (baseline $baseline KiB)"

finish "cli_bounds_test: every command refuses input over its limits in bounded memory"
