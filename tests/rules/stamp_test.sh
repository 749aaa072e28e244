#!/usr/bin/env bash
# Stamping end to end, outside `bazel test` (it runs Bazel): an unstamped bundle names no source
# checkout; with --stamp and a workspace status command printing `fnseal source-status
# --workspace-status`, the same bundle's provenance records the checkout's commit, the commit's
# time as startedOn/finishedOn and --embed_label as invocationId; stamp = 0 wins over --stamp; and a
# bundle action that runs uses fnseal's persistent worker. Uses the workspace's Bazel server (or
# FNSEAL_BAZEL_OUTPUT_BASE). A stamped bundle's OCI image is annotated with the commit too.
set -uo pipefail
cd "$(dirname "$0")/../.."
source tests/cli_lib.sh

tmp=$(mktemp -d)
bazel=(bazel)
if [[ -n ${FNSEAL_BAZEL_OUTPUT_BASE:-} ]]; then bazel+=(--output_base="$FNSEAL_BAZEL_OUTPUT_BASE"); fi
trap 'rm -rf "$tmp"' EXIT
bazel_() { "${bazel[@]}" "$@" 2>"$tmp/err.txt"; }

bazel_ build //tools/fnseal || { fail "cannot build fnseal: $(cat "$tmp/err.txt")"; finish ""; }
fnseal=$(bazel_ info bazel-bin)/tools/fnseal/fnseal
cp "$fnseal" "$tmp/fnseal"
printf '#!/bin/sh\nexec "%s" source-status --workspace-status "%s"\n' "$tmp/fnseal" "$PWD" >"$tmp/status.sh"
chmod +x "$tmp/status.sh"
commit=$(git rev-parse HEAD)
bin=$(bazel_ info bazel-bin)

# provenance TARGET: the bundle's provenance statement, unpacked.
provenance() {
  rm -rf "$tmp/u" && "$tmp/fnseal" unpack --quiet "$bin/tests/rules/$1.fnb" "$tmp/u" && cat "$tmp/u"/attestations/*provenance*
}

# image_annotation NAME: org.opencontainers.image.NAME of the last unpacked bundle's OCI image, or empty.
image_annotation() {
  tar -xOf "$tmp/u/deployables/oci_image/oci_image.tar" index.json |
    jq -r --arg key "org.opencontainers.image.$1" '.manifests[0].annotations[$key] // empty'
}

if bazel_ build //tests/rules:default_stamp_bundle; then
  provenance default_stamp_bundle | grep -q "$commit" && fail "the unstamped bundle names the commit $commit"
else
  fail "unstamped build failed: $(cat "$tmp/err.txt")"
fi

if bazel_ build --stamp --workspace_status_command="$tmp/status.sh" --embed_label=https://ci.example.com/runs/7 \
  //tests/rules:default_stamp_bundle //tests/rules:never_stamped_bundle; then
  provenance default_stamp_bundle | grep -q "$commit" || fail "the stamped bundle does not name the commit $commit"
  provenance never_stamped_bundle | grep -q "$commit" && fail "stamp = 0 bundle names the commit under --stamp"
  # The metadata of a stamped bundle: the commit's time, and the invocation from --embed_label.
  when=$(date -u -d "@$(git log -1 --format=%ct HEAD)" +%Y-%m-%dT%H:%M:%SZ)
  metadata=$(provenance default_stamp_bundle | jq -c .predicate.runDetails.metadata)
  want="{\"invocationId\":\"https://ci.example.com/runs/7\",\"startedOn\":\"$when\",\"finishedOn\":\"$when\"}"
  [[ $(jq -S -c . <<<"$metadata") == $(jq -S -c . <<<"$want") ]] ||
    fail "stamped metadata is $metadata, want $want"
  [[ $(provenance never_stamped_bundle | jq -c .predicate.runDetails.metadata) == "{}" ]] ||
    fail "the stamp = 0 bundle has metadata"
  # The stamped image names the commit it was built from (org.opencontainers.image.revision), and
  # the repository when the checkout has a remote; the unstamped one names neither.
  revision=$(provenance default_stamp_bundle >/dev/null && image_annotation revision)
  [[ $revision == "$commit" ]] || fail "the stamped image's revision annotation is '$revision', want $commit"
  source=$(image_annotation source)
  if git remote | grep -q .; then
    [[ -n $source ]] || fail "the stamped image has no source annotation although the checkout has a remote"
  else
    [[ -z $source ]] || fail "the stamped image names source '$source' although the checkout has no remote"
  fi
  provenance never_stamped_bundle >/dev/null
  [[ -z $(image_annotation revision)$(image_annotation source) ]] || fail "the stamp = 0 image names a source or revision"
else
  fail "stamped build failed: $(cat "$tmp/err.txt")"
fi

# A label never used before changes the stable status, so this bundle action runs rather than
# coming from a cache: by default it runs in fnseal's persistent worker (plugins/private/worker.bzl).
label="worker-check-$(date +%s%N)"
if bazel_ build --stamp --workspace_status_command="$tmp/status.sh" --embed_label="$label" \
  --execution_log_json_file="$tmp/exec.json" //tests/rules:default_stamp_bundle; then
  runners=$(jq -rs 'map(select(.mnemonic == "FnsealBundle" and (.remoteCacheHit | not)) | .runner) | unique | join(",")' \
    "$tmp/exec.json")
  [[ $runners == worker ]] || fail "the FnsealBundle action ran in '$runners', not in fnseal's persistent worker"
  provenance default_stamp_bundle | grep -qF "$label" || fail "the worker's bundle does not name the label $label"
else
  fail "stamped build with a new label failed: $(cat "$tmp/err.txt")"
fi

finish "stamp_test: bundles name the source commit only when stamped; the bundle action runs in the worker"
