#!/usr/bin/env bash
# End to end through the CLI: `fnseal verify --policy` accepts the signed example bundle under a
# trust policy, rejects it with exit code 3 and the failing rule when a key is outside its
# validity window or the builder is not accepted, and treats --policy with --key as a usage error.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
bundle=$PWD/examples/hello/hello_bundle.fnb
keys=$PWD/testdata/keys
work=${TEST_TMPDIR:-$(mktemp -d)}/cli-policy
rm -rf "$work" && mkdir -p "$work/keys" && cd "$work"



# policy FILE NAME FROM UNTIL BUILDER: a one-key policy whose key file sits next to it; it accepts
# the provenance and the three SBOM predicate types the example bundle carries.
policy() {
  cat >"$1" <<JSON
{
  "version": 1,
  "keys": [{"name": "$2", "publicKeyFile": "keys/ed25519.pub.pem", "validFrom": "$3", "validUntil": "$4"}],
  "threshold": 1,
  "predicateTypes": ["https://slsa.dev/provenance/v1", "https://spdx.dev/Document/v2.3", "https://spdx.dev/Document/v3",
                     "https://cyclonedx.org/bom"],
  "builders": [{"id": "$5"}]
}
JSON
}

cp "$keys/ed25519.pub.pem" keys/
cp "$bundle" signed.fnb
chmod u+w signed.fnb
"$fnseal" sign --quiet --key "$keys/ed25519.pem" signed.fnb
builder=https://fnseal.dev/builders/bazel/v1

# Accepted, at an audit time and (with a window around it) at the system clock's time.
policy accept.json release-2026 2026-01-01T00:00:00Z 2027-01-01T00:00:00Z "$builder"
expect_exit 0 "" -- "$fnseal" verify --policy accept.json --at 2026-06-01T00:00:00Z signed.fnb
grep -q "policy      accept.json, accepted at 2026-06-01T00:00:00Z" out.txt || fail "policy summary: $(cat out.txt)"
grep -q "policy keys release-2026" out.txt || fail "policy keys: $(cat out.txt)"
expect_exit 0 "" -- "$fnseal" verify --json --policy accept.json --at 2026-06-01T00:00:00Z signed.fnb
grep -q '"accepted": true' out.txt || fail "verify --json --policy: $(cat out.txt)"
grep -q '"release-2026"' out.txt || fail "verify --json --policy keys: $(cat out.txt)"
policy always.json release 2000-01-01T00:00:00Z 2100-01-01T00:00:00Z "$builder"
expect_exit 0 "" -- "$fnseal" verify --policy always.json signed.fnb

# An expired key does not count: exit 3, and the message says which key expired when.
policy expired.json release-2025 2025-01-01T00:00:00Z 2026-01-01T00:00:00Z "$builder"
expect_exit 3 "policy rule 'keys': 0 of 1 keys are valid at 2026-06-01T00:00:00Z but the threshold is 1: key 'release-2025' expired at 2026-01-01T00:00:00Z" -- \
  "$fnseal" verify --policy expired.json --at 2026-06-01T00:00:00Z signed.fnb
expect_exit 3 "key 'release-2025' expired at 2026-01-01T00:00:00Z" -- \
  "$fnseal" verify --json --policy expired.json --at 2026-06-01T00:00:00Z signed.fnb
grep -q '"verified": false' out.txt || fail "verify --json on an expired key: $(cat out.txt)"
policy old.json release-2000 2000-01-01T00:00:00Z 2001-01-01T00:00:00Z "$builder"
expect_exit 3 "key 'release-2000' expired at 2001-01-01T00:00:00Z" -- "$fnseal" verify --policy old.json signed.fnb
expect_exit 3 "key 'release-2026' is not valid until 2026-01-01T00:00:00Z" -- \
  "$fnseal" verify --policy accept.json --at 2025-12-31T23:59:59Z signed.fnb

# Other policy rules: exit 3 naming the rule.
policy builder.json release 2000-01-01T00:00:00Z 2100-01-01T00:00:00Z https://ci.example.com/builder
expect_exit 3 "policy rule 'builders': attestations/provenance.dsse.json: builder id '$builder' is not accepted" -- \
  "$fnseal" verify --policy builder.json signed.fnb
expect_exit 3 "policy rule 'signatures': bundle is not signed" -- "$fnseal" verify --policy always.json "$bundle"

# Usage errors exit 2: --policy with --key or --threshold, --at without --policy, a bad --at.
expect_exit 2 "excludes" -- "$fnseal" verify --policy accept.json --key "$keys/ed25519.pub.pem" signed.fnb
expect_exit 2 "" -- "$fnseal" verify --policy accept.json --threshold 2 signed.fnb
expect_exit 2 "" -- "$fnseal" verify --key "$keys/ed25519.pub.pem" --at 2026-06-01T00:00:00Z signed.fnb
expect_exit 2 "--at: '2026-06-01' is not an RFC 3339 UTC time" -- \
  "$fnseal" verify --policy accept.json --at 2026-06-01 signed.fnb
expect_exit 2 "verify needs --key or --policy" -- "$fnseal" verify signed.fnb

# A policy that does not parse is a plain failure (exit 1) naming the field.
sed 's/"threshold": 1/"threshold": 1, "trustAll": true/' accept.json >unknown.json
expect_exit 1 "trust policy: unknown field 'trustAll'" -- "$fnseal" verify --policy unknown.json signed.fnb
expect_exit 1 "no-such.json" -- "$fnseal" verify --policy no-such.json signed.fnb

finish "all CLI policy checks passed"
