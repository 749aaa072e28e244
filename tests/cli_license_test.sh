#!/usr/bin/env bash
# End to end through the CLI: `fnseal license parse` normalizes or rejects with the column (exit 1),
# `license check` exits 0 when the policy allows and 3 when it denies, naming the component and
# the rule, `license explain` prints one line per node, and a bad policy or usage is reported;
# `license models` lists the model-license catalogue and `license from-hf` converts Hugging Face
# card license ids (exit 2 for ids it cannot convert), and catalogued refs are judged by category;
# `license check --sbom` judges every component of a components file, SPDX or CycloneDX SBOM or
# in-toto statement (exit 3 if any is denied), also the SBOM attestations of a signed bundle (their
# signatures checked with --key), and `parse`/`check --batch` answer one line each.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
hostile=$PWD/testdata/hostile
bundle=$PWD/examples/hello/hello_bundle.fnb
keys=$PWD/testdata/keys
sbom=$PWD/testdata/sbom
work=${TEST_TMPDIR:-$(mktemp -d)}/cli-license
rm -rf "$work" && mkdir -p "$work" && cd "$work"

# parse
expect_exit 0 "" -- "$fnseal" license parse "mit or (apache-2.0 and bsd-3-clause)"
[[ $(cat out.txt) == "MIT OR Apache-2.0 AND BSD-3-Clause" ]] || fail "normalized: $(cat out.txt)"
expect_exit 0 "" -- "$fnseal" license parse --json "GPL-2.0+ WITH classpath-exception-2.0"
out=$(cat out.txt)
[[ $out == *'"normalized": "GPL-2.0+ WITH Classpath-exception-2.0"'* ]] || fail "parse --json normalized: $out"
[[ $out == *'"exceptionType": "exception"'* && $out == *'"plus": true'* ]] || fail "parse --json tree: $out"
expect_exit 1 "fnseal: invalid license expression: column 9: expected a license id after 'AND'" -- \
  "$fnseal" license parse "MIT AND "
expect_exit 1 "column 5: operator 'And' must be all upper or all lower case" -- "$fnseal" license parse "MIT And ISC"
expect_exit 1 "" -- "$fnseal" license parse --json "(MIT"
out=$(cat out.txt)
[[ $out == *'"valid": false'* && $out == *"column 5: expected ')' to close the '(' at column 1"* ]] ||
  fail "parse --json error: $out"
expect_exit 1 "parentheses nest deeper than 32" -- "$fnseal" license parse "$(cat "$hostile/license-deep-nesting.spdx")"
expect_exit 1 "more than the limit of 8192" -- "$fnseal" license parse "$(cat "$hostile/license-too-long.spdx")"
expect_exit 2 "" -- "$fnseal" license parse
expect_exit 2 "" -- "$fnseal" license

# check and explain
cat >policy.json <<'JSON'
{
  "version": 1,
  "allow": ["GPL-3.0-only", "LicenseRef-acme-eula"],
  "deny": ["AGPL-3.0-only"],
  "allowCategories": ["permissive"],
  "denyCategories": ["non-commercial"],
  "acceptedExceptions": ["Classpath-exception-2.0"],
  "categories": {"LicenseRef-llama-3": "non-commercial"}
}
JSON
expect_exit 0 "component 'libfoo': license 'MIT OR AGPL-3.0-only' is allowed (MIT: allowed by allowCategories: MIT is permissive)" -- \
  "$fnseal" license check --policy policy.json --component libfoo "MIT OR AGPL-3.0-only"
expect_exit 3 "fnseal: component 'libfoo': license 'MIT AND AGPL-3.0-only' is denied (AGPL-3.0-only: denied by deny[0] 'AGPL-3.0-only')" -- \
  "$fnseal" license check --policy policy.json --component libfoo "MIT AND AGPL-3.0-only"
expect_exit 0 "usable as GPL-3.0-only, which is allowed by allow[0] 'GPL-3.0-only', with Classpath-exception-2.0 in acceptedExceptions" -- \
  "$fnseal" license check --policy policy.json "GPL-2.0-or-later WITH Classpath-exception-2.0"
expect_exit 3 "LicenseRef-llama-3: denied by denyCategories: LicenseRef-llama-3 is non-commercial in the policy's categories" -- \
  "$fnseal" license check --policy policy.json --component model "LicenseRef-llama-3"
expect_exit 3 "" -- "$fnseal" license check --json --policy policy.json "CC-BY-NC-4.0"
out=$(cat out.txt)
[[ $out == *'"allowed": false'* && $out == *'"reason": "denied by denyCategories: CC-BY-NC-4.0 is non-commercial"'* ]] ||
  fail "check --json: $out"
expect_exit 0 "" -- "$fnseal" license explain --policy policy.json "ISC AND (LGPL-2.1-only OR BSD-2-Clause)"
out=$(cat out.txt)
[[ $out == *"ALLOW ISC AND (LGPL-2.1-only OR BSD-2-Clause): allowed: AND needs every operand, and all are allowed"* ]] ||
  fail "explain root: $out"
[[ $out == *"    DENY  LGPL-2.1-only: denied: no rule allows LGPL-2.1-only (category weak-copyleft)"* ]] ||
  fail "explain leaf: $out"
expect_exit 3 "" -- "$fnseal" license explain --policy policy.json "AGPL-3.0-only"
[[ $(cat out.txt) == "DENY  AGPL-3.0-only: denied by deny[0] 'AGPL-3.0-only'" ]] || fail "explain denied: $(cat out.txt)"

# models and from-hf
expect_exit 0 "" -- "$fnseal" license models
out=$(cat out.txt)
[[ $out == *"LicenseRef-fnseal-Llama-3.1"*"proprietary"*"Llama 3.1 Community License Agreement"*"https://www.llama.com/llama3_1/license/"* ]] ||
  fail "models: $out"
[[ $out == *"LicenseRef-fnseal-DeepFloyd-IF"*"non-commercial"* ]] || fail "models category: $out"
(($(wc -l <out.txt) >= 20)) || fail "models lists $(wc -l <out.txt) licenses"
expect_exit 0 "" -- "$fnseal" license models --json
out=$(cat out.txt)
[[ $out == *'"id": "LicenseRef-fnseal-Gemma"'* && $out == *'"url": "https://ai.google.dev/gemma/terms"'* &&
  $out == *'"summary": "'* ]] || fail "models --json: $out"
expect_exit 0 "" -- "$fnseal" license from-hf llama3.1
[[ $(cat out.txt) == "LicenseRef-fnseal-Llama-3.1" ]] || fail "from-hf llama3.1: $(cat out.txt)"
expect_exit 0 "" -- "$fnseal" license from-hf Apache-2.0
[[ $(cat out.txt) == "Apache-2.0" ]] || fail "from-hf apache-2.0: $(cat out.txt)"
expect_exit 0 "" -- "$fnseal" license from-hf odbl
[[ $(cat out.txt) == "ODbL-1.0" ]] || fail "from-hf odbl: $(cat out.txt)"
expect_exit 0 "" -- "$fnseal" license from-hf other --license-name "coqui public model license" \
  --license-link https://coqui.ai/cpml --json
out=$(cat out.txt)
[[ $out == *'"expression": "LicenseRef-coqui-public-model-license"'* && $out == *'"source": "other"'* &&
  $out == *'"licenseLink": "https://coqui.ai/cpml"'* ]] || fail "from-hf other --json: $out"
expect_exit 2 "fnseal: unknown hugging face license id 'llama-3'" -- "$fnseal" license from-hf llama-3
expect_exit 2 "hugging face license 'gpl' names the GNU General Public Licenses, not one license" -- \
  "$fnseal" license from-hf gpl
expect_exit 2 "needs the card's license_name" -- "$fnseal" license from-hf other
expect_exit 2 "" -- "$fnseal" license from-hf
# The converted expression goes straight into a policy check; catalogued refs have categories.
if_license=$("$fnseal" license from-hf deepfloyd-if-license)
expect_exit 3 "LicenseRef-fnseal-DeepFloyd-IF is non-commercial in fnseal's model-license catalogue" -- \
  "$fnseal" license check --policy policy.json --component if-weights "$if_license"
expect_exit 0 "allowed by allowCategories: MIT is permissive" -- \
  "$fnseal" license check --policy policy.json "LicenseRef-fnseal-Llama-3.3 OR MIT"

# check --sbom: the example's components file and the SBOMs written from it
cat >sbom-policy.json <<'JSON'
{"version": 1, "allow": ["Apache-2.0", "CC-BY-4.0", "LicenseRef-fnseal-OpenRAIL-M", "LicenseRef-fnseal-sst2-terms"],
 "acceptedExceptions": ["LLVM-exception"]}
JSON
for doc in "$sbom/example/components.json" "$sbom/golden.cyclonedx-1.6.json"; do
  expect_exit 0 "" -- "$fnseal" license check --policy sbom-policy.json --sbom "$doc"
  (($(wc -l <out.txt) == 5)) || fail "check --sbom $doc: $(cat out.txt)"
  grep -qF "ALLOW component '//third_party/tinyjson:tinyjson': license 'MIT OR Apache-2.0 WITH LLVM-exception' is allowed" \
    out.txt || fail "check --sbom $doc tinyjson: $(cat out.txt)"
done
# The SPDX golden concludes tinyjson's license as MIT, which this policy does not allow.
expect_exit 3 "fnseal: 1 of 5 components of $sbom/golden.spdx-2.3.json are denied by the policy" -- \
  "$fnseal" license check --policy sbom-policy.json --sbom "$sbom/golden.spdx-2.3.json"
grep -qF "DENY  component 'tinyjson': license 'MIT' is denied (MIT: denied: no rule allows MIT (category permissive)) (from packages[4].licenseConcluded)" \
  out.txt || fail "check --sbom spdx: $(cat out.txt)"
grep -qF "ALLOW component 'sst2': license 'LicenseRef-fnseal-sst2-terms AND CC-BY-4.0' is allowed" out.txt ||
  fail "check --sbom spdx sst2: $(cat out.txt)"
statement_of() {
  printf '{"_type": "https://in-toto.io/Statement/v1", "subject": [], "predicateType": "https://cyclonedx.org/bom", "predicate": %s}' \
    "$(cat "$1")"
}
statement_of "$sbom/golden.cyclonedx-1.6.json" >statement.json
expect_exit 3 "" -- "$fnseal" license check --json --policy policy.json --sbom statement.json
out=$(cat out.txt)
[[ $out == *'"allowed": false'* && $out == *'"format": "cyclonedx-1.6"'* && $out == *'"inToto": true'* &&
  $out == *'"source": "components[1].licenses"'* && $out == *'"component": "//examples/sentiment:sst2"'* ]] ||
  fail "check --sbom --json: $out"
expect_exit 1 "packages[1].licenseConcluded: column" -- \
  "$fnseal" license check --policy policy.json --sbom "$hostile/sbom-spdx-bad-license.json"
expect_exit 1 "more than the limit of 10000 components" -- \
  "$fnseal" license check --policy policy.json --sbom "$hostile/sbom-too-many-packages.json"
expect_exit 1 "SPDX 3 JSON-LD, which fnseal cannot read yet" -- \
  "$fnseal" license check --policy policy.json --sbom "$sbom/golden.spdx-3.0.1.json"
expect_exit 1 "missing.spdx.json" -- "$fnseal" license check --policy policy.json --sbom missing.spdx.json
# An expression is never read as a file name, even when a file of that name exists.
echo '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "x"}]}' >MIT
expect_exit 0 "license 'MIT' is allowed" -- "$fnseal" license check --policy policy.json MIT
expect_exit 3 "" -- "$fnseal" license check --policy policy.json --sbom MIT
expect_exit 2 "give exactly one of an expression, --sbom FILE or --batch" -- \
  "$fnseal" license check --policy policy.json --sbom MIT MIT
expect_exit 2 "" -- "$fnseal" license explain --policy policy.json --sbom MIT

# --batch: one JSON string per line in, one JSON object per line out
printf '%s\n' '"mit"' '"MIT AND"' 'not json' '"MIT\nOR ISC"' >batch.txt
expect_exit 0 "" -- "$fnseal" license parse --batch <batch.txt
mapfile -t lines <out.txt
((${#lines[@]} == 4)) || fail "parse --batch: $(cat out.txt)"
[[ ${lines[0]} == '{"input":"mit","licenseListVersion":"'*'","normalized":"MIT","tree":{"license":"MIT","type":"license"},"valid":true}' ]] ||
  fail "parse --batch valid: ${lines[0]}"
[[ ${lines[1]} == *'"error":"invalid license expression: column 8: expected a license id after '"'AND'"'"'*'"valid":false'* ]] ||
  fail "parse --batch invalid: ${lines[1]}"
[[ ${lines[2]} == '{"error":"batch line is not valid JSON:'*'"line":3}' ]] || fail "parse --batch not json: ${lines[2]}"
[[ ${lines[3]} == *'unexpected byte 0x0a'*'"input":"MIT\nOR ISC"'* ]] || fail "parse --batch newline: ${lines[3]}"
printf '%s\n' '"MIT OR AGPL-3.0-only"' '"AGPL-3.0-only"' '"Foo"' >batch.txt
expect_exit 0 "" -- "$fnseal" license check --batch --policy policy.json --component c <batch.txt
mapfile -t lines <out.txt
((${#lines[@]} == 3)) || fail "check --batch: $(cat out.txt)"
[[ ${lines[0]} == '{"allowed":true,"component":"c",'*'"input":"MIT OR AGPL-3.0-only"}' ]] || fail "check --batch: ${lines[0]}"
[[ ${lines[1]} == *'"allowed":false'*"denied by deny[0] 'AGPL-3.0-only'"* ]] || fail "check --batch denied: ${lines[1]}"
[[ ${lines[2]} == '{"error":"invalid license expression: column 1: unknown license id '"'Foo'"*'","input":"Foo"}' ]] ||
  fail "check --batch error: ${lines[2]}"
expect_exit 2 "give exactly one of an expression or --batch" -- "$fnseal" license parse --batch MIT

# bad input: exit 1 for a bad expression or policy, 2 for usage
expect_exit 1 "invalid license expression: column 1: unknown license id 'Foo'" -- \
  "$fnseal" license check --policy policy.json "Foo"
echo '{"version": 1, "allow": ["MIT"], "allow_categories": []}' >typo.json
expect_exit 1 "typo.json: license policy: unknown field 'allow_categories'" -- \
  "$fnseal" license check --policy typo.json "MIT"
expect_exit 1 "license policy has the key 'allow' twice" -- \
  "$fnseal" license check --policy "$hostile/license-policy-duplicate-key.json" "MIT"
expect_exit 1 "'MIT OR AGPL-3.0-only' must be a single license" -- \
  "$fnseal" license check --policy "$hostile/license-policy-compound-rule.json" "AGPL-3.0-only"
# A typo names the id meant, never advising a LicenseRef- (issue 17).
expect_exit 1 "fnseal: invalid license expression: column 8: unknown license id 'Apache2.0'; did you mean Apache-2.0?" -- \
  "$fnseal" license parse "MIT OR Apache2.0"
grep -q "LicenseRef" err.txt && fail "the typo advises a LicenseRef-: $(cat err.txt)"
expect_exit 1 "did you mean LicenseRef-fnseal-Llama-3.1?" -- "$fnseal" license check --policy policy.json "Llama-3.1"
echo '{"version": 1, "allow": ["MIT", "LicenseRef-fnseal-Llama3.1"]}' >typo-policy.json
expect_exit 1 "license policy field 'allow[1]': unknown license id 'LicenseRef-fnseal-Llama3.1'; did you mean LicenseRef-fnseal-Llama-3.1?" -- \
  "$fnseal" license check --policy typo-policy.json "LicenseRef-fnseal-Llama-3.1"
echo '{"version": 1, "allow": ["MIT"], "deny": ["Apache2.0"]}' >typo-policy.json
expect_exit 1 "license policy field 'deny[0]': 'Apache2.0': column 1: unknown license id 'Apache2.0'; did you mean Apache-2.0?" -- \
  "$fnseal" license check --policy typo-policy.json "MIT"
expect_exit 1 "missing.json" -- "$fnseal" license check --policy missing.json "MIT"
expect_exit 2 "" -- "$fnseal" license check "MIT"

# check --sbom of a signed bundle's SBOM attestations (DSSE envelopes of in-toto statements)
cp "$bundle" signed.fnb && chmod u+w signed.fnb
"$fnseal" sign -q --key "$keys/ed25519.pem" signed.fnb
"$fnseal" unpack -q signed.fnb unpacked
echo '{"version": 1, "allow": ["Apache-2.0"], "allowCategories": ["permissive", "weak-copyleft"], "acceptedExceptions": ["GCC-exception-3.1"], "categories": {"GPL-3.0-only": "weak-copyleft"}}' >hello-policy.json
for doc in unpacked/attestations/sbom.spdx-2.3.dsse.json unpacked/attestations/sbom.cyclonedx-1.6.dsse.json; do
  expect_exit 0 "signature not checked (give --key" -- "$fnseal" license check --policy hello-policy.json --sbom "$doc"
  grep -qF "license 'Apache-2.0 AND BSL-1.0 AND MIT' is allowed" out.txt || fail "check --sbom $doc: $(cat out.txt)"
  expect_exit 0 "signature verified" -- \
    "$fnseal" license check --policy hello-policy.json --sbom "$doc" --key "$keys/ed25519.pub.pem"
  expect_exit 3 "signature check failed: $doc: envelope #1: no signature verifies" -- \
    "$fnseal" license check --policy hello-policy.json --sbom "$doc" --key "$keys/ecdsa-p256.pub.pem"
done
expect_exit 0 "" -- "$fnseal" license check --json --policy hello-policy.json \
  --sbom unpacked/attestations/sbom.cyclonedx-1.6.dsse.json --key "$keys/ed25519.pub.pem"
out=$(cat out.txt)
[[ $out == *'"signature": "verified"'* && $out == *'"inToto": true'* && $out == *'"format": "cyclonedx-1.6"'* ]] ||
  fail "check --sbom signed --json: $out"
# The policy still judges what the signed SBOM says.
expect_exit 3 "4 of 7 components of unpacked/attestations/sbom.spdx-2.3.dsse.json are denied" -- \
  "$fnseal" license check --policy sbom-policy.json --sbom unpacked/attestations/sbom.spdx-2.3.dsse.json
# A changed payload no longer verifies, but is read without --key: the flag is what makes it trusted.
signed_sbom=unpacked/attestations/sbom.spdx-2.3.dsse.json
payload=$(sed 's/.*"payload":"\([^"]*\)".*/\1/' "$signed_sbom" | base64 -d | sed 's/BSL-1.0/MIT/g' | base64 -w0)
sed "s|\"payload\":\"[^\"]*\"|\"payload\":\"$payload\"|" "$signed_sbom" >tampered.dsse.json
expect_exit 0 "license 'Apache-2.0 AND MIT AND MIT' is allowed" -- \
  "$fnseal" license check --policy hello-policy.json --sbom tampered.dsse.json
expect_exit 3 "signature check failed" -- \
  "$fnseal" license check --policy hello-policy.json --sbom tampered.dsse.json --key "$keys/ed25519.pub.pem"
expect_exit 1 "provenance.dsse.json holds 0 SBOM statements, not one (predicate types: 'https://slsa.dev/provenance/v1')" -- \
  "$fnseal" license check --policy hello-policy.json --sbom unpacked/attestations/provenance.dsse.json
printf '%s\n' "$(cat "$signed_sbom")" "$(cat unpacked/attestations/sbom.cyclonedx-1.6.dsse.json)" >two.intoto.jsonl
expect_exit 1 "two.intoto.jsonl holds 2 SBOM statements, not one" -- \
  "$fnseal" license check --policy hello-policy.json --sbom two.intoto.jsonl
printf '%s\n' "$(cat unpacked/attestations/provenance.dsse.json)" "$(cat unpacked/attestations/sbom.cyclonedx-1.6.dsse.json)" >mixed.intoto.jsonl
expect_exit 0 "" -- "$fnseal" license check --policy hello-policy.json --sbom mixed.intoto.jsonl
# Hostile envelopes: another payload type, a payload that is not a statement, not an envelope.
printf '{"payload": "%s", "payloadType": "text/plain", "signatures": []}' "$(base64 -w0 <"$sbom/golden.spdx-2.3.json")" >plain.dsse.json
expect_exit 1 "plain.dsse.json: envelope #1 has payload type 'text/plain', not application/vnd.in-toto+json" -- \
  "$fnseal" license check --policy hello-policy.json --sbom plain.dsse.json
printf '{"payload": "%s", "payloadType": "application/vnd.in-toto+json", "signatures": []}' "$(base64 -w0 <"$sbom/golden.spdx-2.3.json")" >bare.dsse.json
expect_exit 1 "bare.dsse.json: envelope #1:" -- "$fnseal" license check --policy hello-policy.json --sbom bare.dsse.json
for _ in $(seq 65); do cat unpacked/attestations/sbom.cyclonedx-1.6.dsse.json; echo; done >many.intoto.jsonl
expect_exit 1 "attestation file has more than 64 envelopes" -- "$fnseal" license check --policy hello-policy.json --sbom many.intoto.jsonl
cp "$hostile/json-duplicate-key.json" dup.dsse.json
expect_exit 1 "dup.dsse.json" -- "$fnseal" license check --policy hello-policy.json --sbom dup.dsse.json
expect_exit 2 "--key is for an SBOM in a signed attestation file" -- \
  "$fnseal" license check --policy hello-policy.json --sbom "$sbom/golden.spdx-2.3.json" --key "$keys/ed25519.pub.pem"

finish "cli_license_test: all checks passed"
