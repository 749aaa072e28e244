#!/usr/bin/env bash
# Installs the pinned SPDX npm packages (package.json + package-lock.json) into
# tools/licenses/node_modules with `npm ci`. Idempotent: quiet and quick when they are already there.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
stamp=$here/node_modules/.fnseal-installed
want=$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -c1-64)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "licenses: installing npm packages into tools/licenses/node_modules"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" >"$stamp"
fi
