#!/usr/bin/env bash
# The examples of README.md and docs/*.md: every shell and JSON block is marked run, file= or
# illustrative (tests/docs/md_blocks.sh); the trust policy of docs/trust-policy.md accepts every
# example bundle signed with keys at the paths it names, and the license policy of
# docs/licensing.md accepts every example bundle's SBOMs. Both policies are taken from the
# Markdown as written.
set -uo pipefail
source tests/cli_lib.sh
fnseal=$PWD/tools/fnseal/fnseal
blocks=$PWD/tests/docs/md_blocks.sh
bundles=(examples/checksum/checksum_bundle.fnb examples/hello/hello_bundle.fnb
  examples/http/http_bundle.fnb examples/sentiment/sentiment_bundle.fnb)
work=${TEST_TMPDIR:?}/work
mkdir -p "$work"

# The documents that a test reads: getting-started.md (tests/consumer/run.sh) and the two below.
expect_exit 0 "" -- "$blocks" check --tested docs/getting-started.md --tested docs/trust-policy.md \
  --tested docs/licensing.md README.md docs/*.md
# ...and the check fails on an unmarked block.
printf '# t\n\n```sh\nls\n```\n' >"$work/unmarked.md"
expect_exit 1 "a sh block needs run, file=PATH or illustrative" -- "$blocks" check "$work/unmarked.md"

# Trust policy: the keys it names by file, made here; each example bundle signed by the first.
policy_dir=$work/trust
mkdir -p "$policy_dir"
expect_exit 0 "" -- "$blocks" files docs/trust-policy.md "$policy_dir"
[[ -f $policy_dir/trust-policy.json ]] || fail "docs/trust-policy.md has no file=trust-policy.json block"
mapfile -t key_files < <(grep -o '"publicKeyFile": *"[^"]*"' "$policy_dir/trust-policy.json" | sed 's/.*: *"\(.*\)"/\1/')
((${#key_files[@]} > 0)) || fail "the trust policy example names no publicKeyFile"
for pub in "${key_files[@]}"; do
  mkdir -p "$(dirname "$policy_dir/$pub")"
  expect_exit 0 "" -- "$fnseal" keygen --no-passphrase --output "$policy_dir/${pub%.pub.pem}"
done
signing_key=$policy_dir/${key_files[0]%.pub.pem}.pem
# A time inside the first key's window in the example.
at=$(grep -o '"validFrom": *"[^"]*"' "$policy_dir/trust-policy.json" | head -1 | sed 's/.*: *"\(.*\)"/\1/')
at_args=()
[[ -n $at ]] && at_args=(--at "$at")
for bundle in "${bundles[@]}"; do
  name=$(basename "$bundle")
  expect_exit 3 "policy rule 'signatures'" -- "$fnseal" verify "$bundle" --policy "$policy_dir/trust-policy.json" "${at_args[@]}"
  expect_exit 0 "" -- "$fnseal" sign "$bundle" --key "$signing_key" -o "$work/$name"
  expect_exit 0 "" -- "$fnseal" verify "$work/$name" --policy "$policy_dir/trust-policy.json" "${at_args[@]}"
done

# License policy: every SBOM of every example bundle that fnseal reads (SPDX 2.3, CycloneDX).
license_dir=$work/licenses
mkdir -p "$license_dir"
expect_exit 0 "" -- "$blocks" files docs/licensing.md "$license_dir"
[[ -f $license_dir/licenses.json ]] || fail "docs/licensing.md has no file=licenses.json block"
for bundle in "${bundles[@]}"; do
  name=$(basename "$bundle" .fnb)
  expect_exit 0 "" -- "$fnseal" unpack "$bundle" "$work/$name"
  checked=0
  for sbom in "$work/$name"/attestations/sbom.spdx-2.3.statement.json "$work/$name"/attestations/sbom.cyclonedx-1.6.statement.json; do
    [[ -f $sbom ]] || continue
    checked=$((checked + 1))
    expect_exit 0 "" -- "$fnseal" license check --policy "$license_dir/licenses.json" --sbom "$sbom"
  done
  ((checked == 2)) || fail "$bundle: expected the SPDX 2.3 and CycloneDX statements, found $checked"
done

finish "the docs' examples are marked, and their trust and license policies accept every example bundle"
