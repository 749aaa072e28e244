#!/bin/bash
# Signs a bundle built by function_bundle: bazel run //pkg:name.sign -- --key release.pem [-o OUT]
# The key is read by fnseal from where bazel was run; it never enters the build.
set -euo pipefail
runfiles="${RUNFILES_DIR:-$0.runfiles}/@@WORKSPACE@@"
fnseal="$runfiles/@@FNSEAL@@"
bundle="$runfiles/@@BUNDLE@@"
[[ -f "$fnseal" ]] || fnseal="$PWD/@@FNSEAL@@"
[[ -f "$bundle" ]] || bundle="$PWD/@@BUNDLE@@"
fnseal=$(readlink -f "$fnseal")
bundle=$(readlink -f "$bundle")
cd "${BUILD_WORKING_DIRECTORY:-.}"
output=()
has_output=0
for arg in "$@"; do
  case "$arg" in
    -o | --output | --output=* | -o?*) has_output=1 ;;
  esac
done
if [[ $has_output == 0 ]]; then
  output=(-o "@@OUTPUT@@")
fi
exec "$fnseal" sign "${output[@]}" "$@" "$bundle"
