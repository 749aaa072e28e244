# Shared set-up of the test scripts that tools/test runs outside `bazel test` (tests/interop,
# tests/sbom): how Bazel is called, pinned npm packages, and a scratch directory. Source it after
# setting `name` (the prefix of failure messages); it sets `root` (the checkout), `bazel` (the
# command, as an array), `work` (removed at exit) and defines die and npm_ci.
#
# Environment: BAZEL (default "bazel"), FNSEAL_BAZEL_OUTPUT_BASE (a separate output base, shut
# down at the end), CI (when set, the Bazel server is shut down at the end either way).

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bazel=(${BAZEL:-bazel})
if [[ -n ${FNSEAL_BAZEL_OUTPUT_BASE:-} ]]; then bazel+=(--output_base="$FNSEAL_BAZEL_OUTPUT_BASE"); fi
work=$(mktemp -d)
script_lib_cleanup() {
  rm -rf "$work"
  if [[ -n ${FNSEAL_BAZEL_OUTPUT_BASE:-} || -n ${CI:-} ]]; then
    (cd "$root" && "${bazel[@]}" shutdown) >/dev/null 2>&1 || true
  fi
}
trap script_lib_cleanup EXIT

# die MESSAGE: fails the script, loudly.
die() {
  echo "$name: FAIL: $*" >&2
  exit 1
}

# npm_ci DIR: installs DIR's npm packages, pinned by its package.json and package-lock.json, with
# `npm ci`; quiet and quick when a stamp says the same pins are already installed.
npm_ci() {
  local dir=$1 stamp want
  stamp=$dir/node_modules/.fnseal-installed
  want=$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -c1-64)
  if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
    echo "$name: installing npm packages into ${dir#"$root"/}/node_modules"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
    echo "$want" >"$stamp"
  fi
}
