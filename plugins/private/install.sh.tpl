#!/bin/bash
# Copies the fnseal that fnseal's rules run (exec configuration) into DIR, which must already be
# on PATH: bazel run @fnseal//:install -- DIR. Adding a directory to PATH would change the action
# environment Bazel gives every action (unless --incompatible_strict_action_env), and the next
# build would run them all again.
set -euo pipefail
fnseal="${RUNFILES_DIR:-$0.runfiles}/@@WORKSPACE@@/@@FNSEAL@@"
[[ -f "$fnseal" ]] || fnseal="$PWD/@@FNSEAL@@"
fnseal=$(readlink -f "$fnseal")
cd "${BUILD_WORKING_DIRECTORY:-.}"
if (($# != 1)); then
  echo "usage: bazel run @fnseal//:install -- DIR   (DIR: a directory already on PATH)" >&2
  exit 2
fi
dir=$(readlink -f "$1")
case ":$PATH:" in
  *":$dir:"* | *":$dir/:"*) ;;
  *)
    echo "fnseal install: $1 is not on PATH; adding it to PATH would make the next bazel build run every action again: pick one of: ${PATH//:/ }" >&2
    exit 2
    ;;
esac
install -m 0755 "$fnseal" "$dir/fnseal.tmp-$$"
mv -f "$dir/fnseal.tmp-$$" "$dir/fnseal"
echo "installed $dir/fnseal"
