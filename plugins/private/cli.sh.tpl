#!/bin/bash
# Runs the fnseal that fnseal's rules run (exec configuration) from the directory bazel was run
# in: bazel run @fnseal//:fnseal -- COMMAND [ARGS]...
set -euo pipefail
fnseal="${RUNFILES_DIR:-$0.runfiles}/@@WORKSPACE@@/@@FNSEAL@@"
[[ -f "$fnseal" ]] || fnseal="$PWD/@@FNSEAL@@"
fnseal=$(readlink -f "$fnseal")
cd "${BUILD_WORKING_DIRECTORY:-.}"
exec "$fnseal" "$@"
