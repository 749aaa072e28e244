#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan) in their own Bazel output base and runs
# each for a short smoke: FUZZ_SECONDS (default 15) seconds from the seeds in testdata/fuzz/<name>
# and testdata/hostile. Any crash, leak or sanitizer report fails the run and leaves the
# reproducer in the printed directory.
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${FUZZ_SECONDS:-15}
targets=(tar_reader_fuzzer zstd_reader_fuzzer dsse_envelope_fuzzer statement_fuzzer json_fuzzer trust_policy_fuzzer zip_reader_fuzzer
  sigstore_bundle_fuzzer attestation_file_fuzzer elf_info_fuzzer
  license_expression_fuzzer license_policy_fuzzer components_file_fuzzer purl_fuzzer hf_license_fuzzer sbom_licenses_fuzzer
  work_request_fuzzer http_request_fuzzer bundle_fuzzer bundle_facts_fuzzer)
output_base="${XDG_CACHE_HOME:-$HOME/.cache}/fnseal-fuzz/$(pwd | sha256sum | cut -c1-16)"
work=$(mktemp -d)
trap 'bazel --output_base="$output_base" shutdown >/dev/null 2>&1 || true' EXIT

if ! bazel --output_base="$output_base" build --config=fuzz --symlink_prefix=/ "${targets[@]/#///tests/fuzz:}" >"$work/build.log" 2>&1; then
  grep -v 'Cannot export local symbol' "$work/build.log" >&2
  exit 1
fi
bin=$(bazel --output_base="$output_base" info --config=fuzz bazel-bin 2>/dev/null)/tests/fuzz

status=0
for target in "${targets[@]}"; do
  name=${target%_fuzzer}
  corpus="$work/$name"
  mkdir -p "$corpus"
  if "$bin/$target" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/$name-" "$corpus" "testdata/fuzz/$name" testdata/hostile \
    >"$work/$name.log" 2>&1; then
    runs=$(grep -o 'Done [0-9]* runs' "$work/$name.log" | tail -1)
    echo "fuzz $target: ${runs:-done}, no findings"
  else
    echo "fuzz $target: FAILED; log and reproducer in $work" >&2
    tail -40 "$work/$name.log" >&2
    status=1
  fi
done
((status == 0)) && rm -rf "$work"
exit $status
