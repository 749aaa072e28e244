#!/usr/bin/env bash
# Builds //examples/... in a new output base with a new, empty --disk_cache and every action in
# the sandbox (--spawn_strategy=sandboxed, no fallback to unsandboxed local execution), then
# `bazel clean` and builds again with the same disk cache, and reads both execution logs
# (--execution_log_json_file). Fails unless the first build ran fnseal's actions (mnemonics
# Fnseal*) in a sandbox and the second ran none of them: all came from the cache. The second
# build runs no compiler either, so it costs seconds; the first builds fnseal once from scratch.
# Prints the counts.
#
# Usage: tests/cacheability.sh [OUTPUT_BASE]. Given an output base (which must not exist yet),
# the build is left there for the caller, who shuts its server down and removes it:
# tests/reproducibility.sh runs this script in its copy of the tree and then compares that build's
# bundles with this checkout's, so one build from scratch serves both checks.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d)
ob=${1:-$work/output_base}
if [[ -n ${1:-} && -e $ob ]]; then
  echo "cacheability: output base $ob already exists; the first build must start from nothing" >&2
  exit 2
fi
cleanup() {
  [[ -n ${1:-} ]] || bazel --output_base="$ob" shutdown >/dev/null 2>&1 || true
  chmod -R u+w "$work" 2>/dev/null || true  # Bazel leaves read-only files behind
  rm -rf "$work"
}
trap 'cleanup "${1:-}"' EXIT

flags=(
  --disk_cache="$work/disk_cache"
  --spawn_strategy=sandboxed
  --noincompatible_legacy_local_fallback
)

# summary LOG: one line per mnemonic group, "<group> <executed> <cached> <runners>", for the
# Fnseal* spawns and for all spawns. A spawn served by the disk cache has remoteCacheHit true.
summary() {
  jq -rs '
    def executed: map(select(.remoteCacheHit | not));
    def runners: executed | map(.runner | gsub(" "; "_")) | unique | join(",") | if . == "" then "-" else . end;
    def line(name): [name, (executed | length), (map(select(.remoteCacheHit)) | length), runners] | join(" ");
    (map(select(.mnemonic | startswith("Fnseal"))) | line("fnseal")), line("all")' "$1"
}

SECONDS=0
bazel --output_base="$ob" build "${flags[@]}" --execution_log_json_file="$work/first.json" //examples/...
first_seconds=$SECONDS
bazel --output_base="$ob" clean
SECONDS=0
bazel --output_base="$ob" build "${flags[@]}" --execution_log_json_file="$work/second.json" //examples/...
second_seconds=$SECONDS

read -r _ first_ours_run first_ours_cached first_ours_runners < <(summary "$work/first.json" | sed -n 1p)
read -r _ first_all_run first_all_cached first_all_runners < <(summary "$work/first.json" | sed -n 2p)
read -r _ second_ours_run second_ours_cached _ < <(summary "$work/second.json" | sed -n 1p)
read -r _ second_all_run second_all_cached _ < <(summary "$work/second.json" | sed -n 2p)
printf 'first build %d s, rebuild after bazel clean %d s\n' "$first_seconds" "$second_seconds"
printf '%-28s %8s %8s  %s\n' "" executed cached "runners of executed"
printf '%-28s %8d %8d  %s\n' "first build, Fnseal*" "$first_ours_run" "$first_ours_cached" "$first_ours_runners"
printf '%-28s %8d %8d  %s\n' "first build, all actions" "$first_all_run" "$first_all_cached" "$first_all_runners"
printf '%-28s %8d %8d\n' "after clean, Fnseal*" "$second_ours_run" "$second_ours_cached"
printf '%-28s %8d %8d\n' "after clean, all actions" "$second_all_run" "$second_all_cached"

status=0
if ((first_ours_run == 0)); then
  echo "not cacheable? the first build with an empty cache ran no Fnseal action; nothing was checked" >&2
  status=1
fi
for runner in ${first_all_runners//,/ }; do
  if [[ $runner != *sandbox ]]; then
    echo "not every action ran in a sandbox: the first build's runners are $first_all_runners" >&2
    status=1
  fi
done
if ((second_ours_run != 0)); then
  echo "not cacheable: after bazel clean, $second_ours_run Fnseal action(s) executed" \
    "instead of coming from the disk cache:" >&2
  jq -r 'select((.mnemonic | startswith("Fnseal")) and (.remoteCacheHit | not))
         | "  \(.mnemonic) \(.listedOutputs[0])"' "$work/second.json" >&2
  status=1
fi
if ((second_ours_cached != first_ours_run)); then
  echo "after bazel clean, $second_ours_cached Fnseal action(s) came from the cache, want $first_ours_run" >&2
  status=1
fi
((status == 0)) && echo "cacheable: every Fnseal action of the rebuild came from the disk cache"
exit $status
