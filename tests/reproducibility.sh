#!/usr/bin/env bash
# Builds every bundle (.fnb) under //examples/... here and in a copy of the source tree at another
# path, with its own output base, another umask and another time zone, and checks that each copy's
# .fnb is bit-identical to this tree's. Prints each bundle's digest; names every bundle that
# differs. The copy is built by tests/cacheability.sh, from nothing (new output base, empty disk
# cache, every action sandboxed), then rebuilt after `bazel clean` from the disk cache, which
# must run no fnseal action: one build from scratch proves both reproducibility and
# cacheability. The copy has no user.bazelrc, so its first build's actions really run.
set -euo pipefail
cd "$(dirname "$0")/.."

scratch=$(mktemp -d)
dir=$scratch/b/some/other/checkout
ob=$scratch/ob-b
cleanup() {
  bazel --output_base="$ob" shutdown >/dev/null 2>&1 || true
  chmod -R u+w "$scratch" 2>/dev/null || true  # Bazel leaves read-only files behind
  rm -rf "$scratch"
}
trap cleanup EXIT

# Another umask and time zone than this build's, whatever this build's are.
mask=077
[[ $(umask) == 0077 ]] && mask=002
tz=Asia/Kolkata
[[ ${TZ:-} == "$tz" ]] && tz=America/St_Johns

# bundles: "LABEL EXEC_ROOT_RELATIVE_PATH" of every .fnb that //examples/... builds.
bundles() {
  bazel cquery //examples/... --output=starlark \
    --starlark:expr='"\n".join([str(target.label) + " " + f.path for f in target.files.to_list() if f.path.endswith(".fnb")])' \
    2>/dev/null | grep .
}

mapfile -t here < <(bundles)
if ((${#here[@]} == 0)); then
  echo "no .fnb under //examples/...: nothing to compare" >&2
  exit 1
fi
labels=()
for line in "${here[@]}"; do labels+=("${line%% *}"); done
bazel build "${labels[@]}"
root=$(bazel info execution_root 2>/dev/null)

# Copies the files git knows about (tracked and new, not ignored) to $dir.
rm -rf "$dir"
mkdir -p "$dir"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$dir"
(
  cd "$dir"
  umask "$mask"
  TZ=$tz tests/cacheability.sh "$ob"
)
copy_root=$(cd "$dir" && bazel --output_base="$ob" info execution_root 2>/dev/null)

status=0
differ=()
for line in "${here[@]}"; do
  path=${line#* }
  want=$(sha256sum <"$root/$path" | cut -d' ' -f1)
  have=$(sha256sum <"$copy_root/$path" | cut -d' ' -f1)
  printf '%s  %s  (this checkout)\n' "$want" "$path"
  printf '%s  %s  (copy at another path and output base, umask %s, TZ=%s)\n' "$have" "$path" "$mask" "$tz"
  if [[ $have != "$want" ]]; then
    differ+=("${line%% *} ($path)")
    status=1
  fi
done
if ((status != 0)); then
  printf 'not reproducible: %s differs between the two checkouts\n' "${differ[@]}" >&2
else
  echo "reproducible: ${#here[@]} bundle(s) bit-identical"
fi
exit $status
