#!/usr/bin/env bash
# Builds the example bundles in two copies of the source tree at different paths, with their own
# output bases, umasks and time zones, and checks that every .fnb is bit-identical to the one
# built in this tree. Prints the digests. The copies' output bases persist under ~/.cache so a
# second run only rebuilds what changed (Bazel's cache is keyed by content, not path or time).
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(//examples/hello:hello_bundle)
bundles=(examples/hello/hello_bundle.fnb)

scratch="${XDG_CACHE_HOME:-$HOME/.cache}/fnseal-repro/$(pwd | sha256sum | cut -c1-16)"
cleanup() {
  for ob in "$scratch"/ob-*; do
    [[ -d $ob ]] && bazel --output_base="$ob" shutdown >/dev/null 2>&1 || true
  done
}
trap cleanup EXIT

# Copies the files git knows about (tracked and new, not ignored) to $1.
copy_tree() {
  rm -rf "$1"
  mkdir -p "$1"
  git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$1"
}

digests() {  # $1: bazel-bin directory
  for b in "${bundles[@]}"; do sha256sum "$1/$b" | cut -d' ' -f1; done
}

bazel build "${targets[@]}"
reference=$(digests "$(bazel info bazel-bin 2>/dev/null)")

status=0
for variant in "a/fnseal 022 UTC" "b/some/other/checkout 077 Asia/Kolkata"; do
  read -r dir mask tz <<<"$variant"
  copy_tree "$scratch/$dir"
  ob="$scratch/ob-${dir%%/*}"
  (
    cd "$scratch/$dir"
    umask "$mask"
    TZ=$tz bazel --output_base="$ob" build "${targets[@]}"
  )
  got=$(digests "$(cd "$scratch/$dir" && bazel --output_base="$ob" info bazel-bin 2>/dev/null)")
  bazel --output_base="$ob" shutdown >/dev/null 2>&1 || true
  for i in "${!bundles[@]}"; do
    want=$(sed -n "$((i + 1))p" <<<"$reference")
    have=$(sed -n "$((i + 1))p" <<<"$got")
    printf '%s  %s  (%s, umask %s, TZ=%s)\n' "$have" "${bundles[$i]}" "$dir" "$mask" "$tz"
    if [[ $have != "$want" ]]; then
      echo "not reproducible: ${bundles[$i]} is $have in $dir, $want here" >&2
      status=1
    fi
  done
done
printf '%s  %s  (this checkout)\n' "$(head -1 <<<"$reference")" "${bundles[0]}"
exit $status
