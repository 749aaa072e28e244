#!/usr/bin/env bash
# Runs `bazel build` where it must fail, outside `bazel test` (Bazel cannot run inside a test):
# the bundle of tests/rules/violation ships a CC-BY-NC-4.0 model against a policy that denies
# non-commercial licenses, a model whose bytes do not match its declared sha256, a Lambda
# deployable whose dynamically linked handler needs a library Lambda lacks, a closure handler that
# needs a library neither built in the workspace nor the toolchain's, one whose shipped
# libstdc++.so.6 needs a newer glibc than Lambda's, a license id typo and a missing license under
# require_license. Checks what the user sees. Uses the workspace's Bazel server (or
# FNSEAL_BAZEL_OUTPUT_BASE), so fnseal is not rebuilt.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/cli_lib.sh

tmp=$(mktemp -d)
bazel=(bazel)
if [[ -n ${FNSEAL_BAZEL_OUTPUT_BASE:-} ]]; then bazel+=(--output_base="$FNSEAL_BAZEL_OUTPUT_BASE"); fi
trap 'rm -rf "$tmp"' EXIT
build() { "${bazel[@]}" build "$@" >"$tmp/out.txt" 2>&1; }

# expect_output WHAT FRAGMENT...: the last build's output has every FRAGMENT.
expect_output() {
  local what=$1 missing=()
  shift
  for fragment in "$@"; do grep -qF -- "$fragment" "$tmp/out.txt" || missing+=("$fragment"); done
  ((${#missing[@]} == 0)) || fail "$what lacks $(printf "'%s' " "${missing[@]}"): $(cat "$tmp/out.txt")"
}

if build //tests/rules/violation:bundle; then
  fail "the bundle that violates its policy built"
else
  expect_output "the policy failure" "license policy violation" "//tests/rules/violation:nc_model" "CC-BY-NC-4.0" \
    "non-commercial"
fi

if build //tests/rules/violation:wrong_digest; then
  fail "a model with the wrong sha256 built"
else
  expect_output "the digest failure" "sha256 mismatch for tests/rules/violation/nc-model.json" \
    "expected e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    "got 66ffdbacb0deb7a0e39f426fb3d017b9d120c7480f0b85406e7f9a690980e044"
fi

if build //tests/rules/violation:unshipped_library; then
  fail "a Lambda deployable whose handler needs libstdc++.so.6 built"
else
  expect_output "the linkage failure" "needs libstdc++.so.6, libgcc_s.so.1, which Lambda's provided.al2023 runtime does not provide" \
    'linkage = "static"'
fi

if build //tests/rules/violation:closure_missing_fn; then
  fail "a closure handler that needs libz.so.1 from the host built"
else
  expect_output "the closure failure" "'libz.so.1', needed by the executable, is none of the" \
    "the handler's own shared libraries and the toolchain's" "cc_import"
fi

if build //tests/rules/violation:closure_too_new_for_lambda; then
  fail "a Lambda deployable shipping a libstdc++.so.6 that needs glibc 2.36 built"
else
  expect_output "the shipped library's glibc need" \
    "needs a newer glibc than Lambda's provided.al2023 runtime (GLIBC_2.34): GLIBC_2.36 (arc4random, for libstdc++.so.6)"
fi

if build //tests/rules/violation:typo_fn; then
  fail "a declaration with the license id 'Apache2.0' built"
else
  expect_output "the typo failure" \
    "//tests/rules/violation:typo_license: license 'Apache2.0': unknown license id 'Apache2.0'; did you mean Apache-2.0?"
  grep -q "LicenseRef-" "$tmp/out.txt" && fail "the typo failure advises a LicenseRef-: $(cat "$tmp/out.txt")"
fi

if build //tests/rules/violation:license_required; then
  fail "a bundle with require_license and an unlicensed function built"
else
  expect_output "the missing license failure" \
    "//tests/rules/violation:license_required: no license declared for //tests/rules/violation:unlicensed_fn; add fn_license or default_applicable_licenses (require_license = True)"
  grep -q "NOASSERTION" "$tmp/out.txt" && fail "the missing license failure speaks of NOASSERTION: $(cat "$tmp/out.txt")"
fi

finish "violation_test: the policy violation, the digest mismatch, unmet library needs, an unresolvable closure, a license id typo and a missing required license fail bazel build with their messages"
