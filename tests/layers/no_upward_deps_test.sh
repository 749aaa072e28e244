#!/bin/bash
# Usage: no_upward_deps_test.sh LAYER QUERY_OUTPUT
# Fails if QUERY_OUTPUT (a genquery listing the targets of higher layers that LAYER's libraries
# depend on) names any target, and prints them.
set -euo pipefail
layer="$1"
edges="$2"
if [[ ! -f "${edges}" ]]; then
  echo "no_upward_deps_test: missing query output '${edges}'" >&2
  exit 1
fi
if [[ -s "${edges}" ]]; then
  echo "the ${layer} layer depends on targets of a higher layer (see docs/development.md):" >&2
  sed 's/^/  /' "${edges}" >&2
  echo "move the code down a layer, or the dependency up" >&2
  exit 1
fi
echo "${layer}: no dependency on a higher layer"
