#!/usr/bin/env bash
# Issue 17's option orders, end to end: an option takes one value, so the input may follow or
# precede the options (`--key K bundle.fnb --json` once failed with "input is required").
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
bundle=$PWD/examples/hello/hello_bundle.fnb
keys=$PWD/testdata/keys
work=${TEST_TMPDIR:-$(mktemp -d)}/option_order
rm -rf "$work" && mkdir -p "$work" && cd "$work"

cp "$bundle" c.fnb && chmod u+w c.fnb
V=$(cat "$keys/ed25519-encrypted.passphrase")
export V
expect_exit 0 "signed the attestations of bundle c.fnb" -- \
  "$fnseal" sign --key "$keys/ed25519-encrypted.pem" c.fnb --passphrase-env V
expect_exit 0 '"verified": true' -- "$fnseal" verify --key "$keys/ed25519-encrypted.pub.pem" c.fnb --json
expect_exit 0 "verified c.fnb" -- "$fnseal" verify --key "$keys/ed25519-encrypted.pub.pem" c.fnb --threshold 1
expect_exit 0 "verified c.fnb" -- "$fnseal" verify --key "$keys/ed25519-encrypted.pub.pem" -- c.fnb

# Two keys, the second signature added with the input first; the threshold needs both.
expect_exit 0 "" -- "$fnseal" sign c.fnb --key "$keys/ecdsa-p256.pem" -q
expect_exit 0 "signed by   2 trusted keys" -- "$fnseal" verify --key "$keys/ed25519-encrypted.pub.pem" c.fnb \
  --key "$keys/ecdsa-p256.pub.pem" --threshold 2
# An option given several values at once is a usage error, not a swallowed input.
expect_exit 2 "not expected" -- "$fnseal" verify --key "$keys/ed25519.pub.pem" c.fnb other.fnb

finish "option orders: ok"
