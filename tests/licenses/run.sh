#!/usr/bin/env bash
# Differential test of fnseal's SPDX license expressions against the reference npm packages
# spdx-expression-parse and spdx-satisfies (tests/licenses/differential.js): every expression of
# corpus.json, parse validity, tree and satisfies() verdicts. Disagreements must be listed, with
# a reason, in known-differences.json. Installs the pinned npm packages with `npm ci`
# (tools/licenses/install.sh, idempotent) and builds fnseal.
#
# Environment: BAZEL (default "bazel"), FNSEAL_BAZEL_OUTPUT_BASE (a separate output base, shut
# down at the end), CI (when set, the Bazel server is shut down at the end either way).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bazel=(${BAZEL:-bazel})
if [[ -n ${FNSEAL_BAZEL_OUTPUT_BASE:-} ]]; then bazel+=(--output_base="$FNSEAL_BAZEL_OUTPUT_BASE"); fi
cleanup() {
  if [[ -n ${FNSEAL_BAZEL_OUTPUT_BASE:-} || -n ${CI:-} ]]; then
    (cd "$root" && "${bazel[@]}" shutdown) >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

die() { echo "licenses: FAIL: $*" >&2; exit 1; }

"$root/tools/licenses/install.sh" || die "npm ci failed"
cd "$root"
"${bazel[@]}" build --symlink_prefix=/ //tools/fnseal || die "bazel build failed"
bin=$("${bazel[@]}" info --symlink_prefix=/ bazel-bin 2>/dev/null)
[[ -x $bin/tools/fnseal/fnseal ]] || die "fnseal not found under $bin"
node "$here/differential.js" "$bin/tools/fnseal/fnseal" || die "fnseal and the reference packages disagree (see above)"
