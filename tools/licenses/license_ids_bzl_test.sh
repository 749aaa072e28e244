#!/usr/bin/env bash
# The checked-in plugins/private/license_ids.bzl ($2) equals what the license data generates ($1).
set -euo pipefail
if ! diff -u "$2" "$1"; then
  echo "plugins/private/license_ids.bzl is out of date; regenerate it:" >&2
  sed -n 's/^  *\(bazel build\|cp \)/\1/p' "$1" >&2
  exit 1
fi
echo "license_ids.bzl matches the license data"
