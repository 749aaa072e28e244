#!/usr/bin/env bash
# The <bundle>.sign target: run as `bazel run` would (BUILD_WORKING_DIRECTORY set), it signs the
# built bundle with a key named at run time, writes the signed copy in the working directory and
# leaves Bazel's output unsigned.
set -uo pipefail
source tests/cli_lib.sh
fnseal=$PWD/tools/fnseal/fnseal
keys=$PWD/testdata/keys
sign=$PWD/examples/hello/hello_bundle.sign
built=$PWD/examples/hello/hello_bundle.fnb
work=${TEST_TMPDIR:?}/work
mkdir -p "$work" && cp "$keys/ed25519.pem" "$work/release.pem"

expect_exit 0 "" -- env BUILD_WORKING_DIRECTORY="$work" "$sign" --quiet --key release.pem
[[ -f $work/hello_bundle.fnb ]] || fail "no signed hello_bundle.fnb in the working directory"
expect_exit 0 "" -- "$fnseal" verify --key "$keys/ed25519.pub.pem" "$work/hello_bundle.fnb"
expect_exit 3 "" -- "$fnseal" verify --key "$keys/ed25519.pub.pem" "$built"

# -o is passed through.
expect_exit 0 "" -- env BUILD_WORKING_DIRECTORY="$work" "$sign" --quiet --key release.pem -o other.fnb
[[ -f $work/other.fnb ]] || fail "-o other.fnb was not honoured"

finish "sign target checked"
