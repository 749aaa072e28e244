#!/usr/bin/env bash
# End to end through the CLI: `fnseal license parse` normalizes or rejects with the column (exit 1),
# `license check` exits 0 when the policy allows and 3 when it denies, naming the component and
# the rule, `license explain` prints one line per node, and a bad policy or usage is reported;
# `license models` lists the model-license catalogue and `license from-hf` converts Hugging Face
# card license ids (exit 2 for ids it cannot convert), and catalogued refs are judged by category.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
hostile=$PWD/testdata/hostile
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
expect_exit 1 "missing.json" -- "$fnseal" license check --policy missing.json "MIT"
expect_exit 2 "" -- "$fnseal" license check "MIT"

finish "cli_license_test: all checks passed"
