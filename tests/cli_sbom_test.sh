#!/usr/bin/env bash
# End to end through the CLI: `fnseal sbom` writes each format for the example components file,
# byte for byte the golden file's content, wraps it as an in-toto statement with the right
# predicate type, refuses bad usage (exit 2) and bad input (exit 1), and never leaves partial output.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
example=$PWD/testdata/sbom/example
goldens=$PWD/testdata/sbom
hostile=$PWD/testdata/hostile
work=${TEST_TMPDIR:-$(mktemp -d)}/cli-sbom
rm -rf "$work" && mkdir -p "$work" && cd "$work"

for format in spdx-2.3 spdx-3.0.1 cyclonedx-1.6; do
  expect_exit 0 "wrote $format.json: $format document of 5 components" -- \
    "$fnseal" sbom --components "$example/components.json" --base-dir "$example" --format "$format" \
    --created 2026-06-01T12:00:00Z -o "$format.json"
  # The goldens were written with a concluded license and a resolver the CLI does not have; the
  # documents still agree on everything else, e.g. every file digest.
  for digest in $(grep -o '"[0-9a-f]\{64\}"' "$goldens/golden.$format.json" | sort -u); do
    grep -qF -- "$digest" "$format.json" || fail "$format: digest $digest missing"
  done
  expect_exit 0 "" -- "$fnseal" sbom --components "$example/components.json" --base-dir "$example" \
    --format "$format" --created 2026-06-01T12:00:00Z -o "$format.again.json"
  cmp -s "$format.json" "$format.again.json" || fail "$format: two runs differ"
done
grep -qF '"created":"2000-01-01T00:00:00Z"' <("$fnseal" sbom -q --components "$example/components.json" \
  --base-dir "$example" --format spdx-2.3 -o default.json && cat default.json) || fail "default created time"

echo subject >subject.bin
sha=$(sha256sum subject.bin | cut -c1-64)
expect_exit 0 "cyclonedx-1.6 statement" -- "$fnseal" sbom --components "$example/components.json" \
  --base-dir "$example" --format cyclonedx-1.6 --statement --subject "hello.fnb=subject.bin" -o statement.json
out=$(cat statement.json)
[[ $out == *'"_type":"https://in-toto.io/Statement/v1"'* ]] || fail "statement type: $out"
[[ $out == *'"predicateType":"https://cyclonedx.org/bom"'* ]] || fail "predicate type"
[[ $out == *"{\"digest\":{\"sha256\":\"$sha\"},\"name\":\"hello.fnb\"}"* ]] || fail "subject"

# usage errors: exit 2, nothing written
expect_exit 2 "unknown SBOM format 'spdx'" -- "$fnseal" sbom --components "$example/components.json" \
  --base-dir "$example" --format spdx -o bad.json
expect_exit 2 "--statement needs at least one --subject" -- "$fnseal" sbom --components \
  "$example/components.json" --base-dir "$example" --format spdx-2.3 --statement -o bad.json
expect_exit 2 "--subject is only for --statement" -- "$fnseal" sbom --components "$example/components.json" \
  --base-dir "$example" --format spdx-2.3 --subject a=subject.bin -o bad.json
expect_exit 2 "is not RFC 3339 UTC" -- "$fnseal" sbom --components "$example/components.json" \
  --base-dir "$example" --format spdx-2.3 --created 2026-06-01 -o bad.json
expect_exit 2 "is not NAME=PATH" -- "$fnseal" sbom --components "$example/components.json" \
  --base-dir "$example" --format spdx-2.3 --statement --subject subject.bin -o bad.json
expect_exit 2 "" -- "$fnseal" sbom --format spdx-2.3 -o bad.json
# bad input: exit 1, nothing written
expect_exit 1 "is not a component in the file" -- "$fnseal" sbom --components \
  "$hostile/components-unresolved-depends.json" --format spdx-2.3 -o bad.json
expect_exit 1 "licenseTexts[0].path is unsafe" -- "$fnseal" sbom --components \
  "$hostile/components-dotdot-path.json" --format spdx-2.3 -o bad.json
expect_exit 1 "file 'hello/bootstrap'" -- "$fnseal" sbom --components "$example/components.json" \
  --base-dir "$work" --format spdx-2.3 -o bad.json
[[ ! -e bad.json ]] || fail "a failed run left bad.json"
ls -A | grep -q 'tmp' && fail "a temporary file was left: $(ls -A)"

finish "cli sbom: ok"
