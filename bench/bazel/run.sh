#!/usr/bin/env bash
# bench/bazel: N generated functions built and packaged with fnseal's rules, against the same tree
# packaged the way a team without fnseal would, in the same run.
#
# Each function is a package functions/fnNNN: a small cc_binary handler and two data files.
#   fnseal:   serverless_function + function_bundle -> fnNNN.tar (FnsealPack) and fnNNN_bundle.fnb
#             (FnsealBundle: artifact, deploy manifest, SLSA provenance over every input); where
#             function_bundle has a `targets` attribute, also a deployable per cloud target
#             (aws_lambda, oci_image, azure_functions; made in the FnsealBundle action since
#             rules that have `fnseal bundle --deploy`), the SBOMs and license verdict in the .fnb.
#   baseline: a genrule running tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner
#             -cf - ... | zstd -3 -> fnNNN.tar.zst, and a genrule running Bazel's built-in
#             @bazel_tools//tools/zip:zipper -> fnNNN.zip (what AWS Lambda takes).
# Both are separate workspaces generated from the same tree; the fnseal one uses this checkout as
# local_repository(name = "fnseal") with the same shims as its WORKSPACE.
#
# What is timed: each round, for each side in alternating order, a new output base, where an
# untimed warm-up builds the side's tools in the exec configuration (fnseal from a bench-private
# disk cache after the first round; the zipper ships prebuilt with Bazel) by packaging one extra
# function; on the fnseal side that includes the once-per-build digests of fnseal and the
# compiler (FnsealToolDigests). Then two timed builds: (1) the N handlers (identical on both sides), (2) everything
# else, i.e. the packaging. The sources of each (round, side) carry a salt, so no handler or
# packaging action comes from a cache. Prints the medians of the packaging time and of the total
# (handlers + packaging) for each side and the ratios fnseal/baseline (target <= 1.0).
# Usage: bench/bazel/run.sh [N] [ROUNDS]
# Environment: FNSEAL_BENCH_DISK_CACHE, a disk cache for the warm-ups to keep across runs (only
# the tools come from it: the salted functions never hit). FNSEAL_BENCH_TARGETS, the cloud targets
# each function is bundled for (comma-separated; default aws_lambda, the deployable the baseline
# makes too; "aws_lambda,oci_image,azure_functions" makes fnseal do three clouds' worth).
# FNSEAL_BENCH_PROFILE, a directory for the JSON profile of each timed packaging build
# (r<ROUND>-<SIDE>.profile.gz, for `bazel analyze-profile` or chrome://tracing).
set -euo pipefail
cd "$(dirname "$0")/../.."
checkout=$PWD

n=${1:-50}
# Rules that make per-cloud deployables take the targets; older ones make the artifact only.
bundle_targets=
if grep -q '"targets": attr.string_list' plugins/private/bundle.bzl; then
  targets=${FNSEAL_BENCH_TARGETS:-aws_lambda}
  bundle_targets="    targets = [\"${targets//,/\", \"}\"],"
fi
rounds=${2:-3}
work=$(mktemp -d)
disk_cache=${FNSEAL_BENCH_DISK_CACHE:-$work/disk_cache}
[[ -z ${FNSEAL_BENCH_PROFILE:-} ]] || mkdir -p "$FNSEAL_BENCH_PROFILE"
output_bases=()
cleanup() {
  for ob in "${output_bases[@]}"; do bazel --output_base="$ob" shutdown >/dev/null 2>&1 || true; done
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# workspace DIR SIDE SALT: generates the workspace of SIDE (fnseal or baseline) with N functions
# and the warm-up function.
workspace() {
  local ws=$1 side=$2 salt=$3
  mkdir -p "$ws/functions"
  # This checkout's WORKSPACE, its relative shim paths made absolute, plus @fnseal itself.
  {
    echo 'workspace(name = "bench")'
    echo
    printf 'local_repository(\n    name = "fnseal",\n    path = "%s",\n)\n' "$checkout"
    sed -e '/^workspace(/d' -e "s|path = \"\\([^/\"][^\"]*\\)\"|path = \"$checkout/\\1\"|" WORKSPACE
  } >"$ws/WORKSPACE"
  # The same flags as this checkout (C++17, warnings as errors, strict action environment).
  printf 'import %s/.bazelrc\nbuild --disk_cache=%s\n' "$checkout" "$disk_cache" >"$ws/.bazelrc"
  touch "$ws/BUILD.bazel" "$ws/functions/BUILD.bazel"
  local i
  for ((i = 0; i <= n; i++)); do
    local name
    name=$(printf 'fn%03d' "$i")
    ((i == 0)) && name=warmup
    function_package "$ws/functions/$name" "$name" "$side" "$salt"
  done
}

function_package() {
  local dir=$1 name=$2 side=$3 salt=$4
  mkdir -p "$dir"
  cat >"$dir/handler.cc" <<EOF
// Function $name: answers with its greeting and the size of its configuration.
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>

namespace {
std::string Slurp(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}
}  // namespace

int main() {
  const std::string config = Slurp("config.json");
  const std::string greeting = Slurp("data/greeting.txt");
  std::printf("{\"function\": \"$name\", \"build\": \"$salt\", \"configBytes\": %zu, \"greeting\": \"%s\"}\n",
              config.size(), greeting.c_str());
  return 0;
}
EOF
  printf '{"function": "%s", "memoryMb": 128, "timeoutSeconds": 10, "build": "%s"}\n' "$name" "$salt" \
    >"$dir/config.json"
  mkdir -p "$dir/data"
  printf 'Hello from %s (%s)\n' "$name" "$salt" >"$dir/data/greeting.txt"
  if [[ $side == fnseal ]]; then
    cat >"$dir/BUILD.bazel" <<EOF
load("@fnseal//plugins:defs.bzl", "function_bundle", "serverless_function")

cc_binary(
    name = "handler",
    srcs = ["handler.cc"],
)

serverless_function(
    name = "$name",
    data = [
        "config.json",
        "data/greeting.txt",
    ],
    handler = ":handler",
)

function_bundle(
    name = "${name}_bundle",
    function = ":$name",
$bundle_targets
)
EOF
  else
    cat >"$dir/BUILD.bazel" <<EOF
cc_binary(
    name = "handler",
    srcs = ["handler.cc"],
)

_FILES = {
    "bootstrap": ":handler",
    "config.json": "config.json",
    "data/greeting.txt": "data/greeting.txt",
}

# The function's tree staged with its paths, then a deterministic tar compressed with zstd.
genrule(
    name = "${name}_tar",
    srcs = _FILES.values(),
    outs = ["$name.tar.zst"],
    cmd = " && ".join(
        ["stage=\$(@D)/$name.stage", "rm -rf \$\$stage"] + [
            "mkdir -p \$\$stage/\$\$(dirname %s) && cp \$(location %s) \$\$stage/%s" % (path, src, path)
            for path, src in _FILES.items()
        ] + [
            "chmod 0755 \$\$stage/bootstrap",
            "tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -C \$\$stage -cf - . | zstd -q -3 -o \$@",
            "rm -rf \$\$stage",
        ],
    ),
)

genrule(
    name = "${name}_zip",
    srcs = _FILES.values(),
    outs = ["$name.zip"],
    cmd = "\$(location @bazel_tools//tools/zip:zipper) c \$@ " +
          " ".join(["%s=\$(location %s)" % (path, src) for path, src in _FILES.items()]),
    tools = ["@bazel_tools//tools/zip:zipper"],
)
EOF
  fi
}

now() { date +%s%N; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
# made BAZEL_BIN FIND_TESTS...: count and total size of the functions' outputs matching the tests.
made() {
  find "$1/functions" -type f -path '*/fn[0-9]*' \( "${@:2}" \) -printf '%s\n' |
    awk '{n++; s += $1} END {printf "%d files, %d bytes", n, s}'
}
handlers=()
for ((i = 1; i <= n; i++)); do handlers+=("$(printf '//functions/fn%03d:handler' "$i")"); done

declare -A pack_ms total_ms outputs
for ((r = 0; r < rounds; r++)); do
  sides=(fnseal baseline)
  ((r % 2 == 1)) && sides=(baseline fnseal)  # alternate, so drift on a shared machine hits both
  for side in "${sides[@]}"; do
    ws=$work/r$r-$side/workspace
    ob=$work/r$r-$side/output_base
    output_bases+=("$ob")
    workspace "$ws" "$side" "r$r-$side-$$"
    (cd "$ws" && bazel --output_base="$ob" build //functions/warmup/...)
    t0=$(now)
    (cd "$ws" && bazel --output_base="$ob" build "${handlers[@]}")
    t1=$(now)
    profile=()
    [[ -n ${FNSEAL_BENCH_PROFILE:-} ]] &&
      profile=("--profile=$FNSEAL_BENCH_PROFILE/r$r-$side.profile.gz" --experimental_profile_additional_tasks=skyfunction)
    (cd "$ws" && bazel --output_base="$ob" build "${profile[@]}" //functions/...)
    t2=$(now)
    pack_ms[$side]+="$(((t2 - t1) / 1000000)) "
    total_ms[$side]+="$(((t2 - t0) / 1000000)) "
    bin=$(cd "$ws" && bazel --output_base="$ob" info bazel-bin 2>/dev/null)
    if [[ $side == fnseal ]]; then
      outputs[$side]="$(made "$bin" -name '*.fnb' -o -name 'fn[0-9][0-9][0-9].tar' -o -path '*.deployables/*.zip' \
        -o -path '*.deployables/*.tar')"
      outputs[$side]+=" (.tar + .fnb per function${bundle_targets:+, and a deployable for each of ${targets}})"
    else
      outputs[$side]="$(made "$bin" -name '*.tar.zst' -o -name '*.zip') (.tar.zst + .zip per function)"
    fi
    # What was made is what each side claims to make.
    f=$bin/functions/fn001
    if [[ $side == fnseal ]]; then
      zstd -q -t "$f/fn001_bundle.fnb" && tar -tf "$f/fn001.tar" | grep -x bootstrap >/dev/null ||
        { echo "bench: fnseal's fn001 bundle or artifact is broken" >&2; exit 1; }
      if [[ -n $bundle_targets ]]; then
        unzip -Z1 "$f/fn001_bundle.deployables/aws_lambda.zip" | grep -x bootstrap >/dev/null ||
          { echo "bench: fnseal's fn001 Lambda zip lacks bootstrap" >&2; exit 1; }
      fi
    else
      zstd -q -dc "$f/fn001.tar.zst" | tar -t | grep -x ./bootstrap >/dev/null &&
        unzip -Z1 "$f/fn001.zip" | grep -x bootstrap >/dev/null ||
        { echo "bench: the baseline's fn001 tar.zst or zip lacks bootstrap" >&2; exit 1; }
    fi
    bazel --output_base="$ob" shutdown >/dev/null 2>&1 || true
    chmod -R u+w "$work/r$r-$side" && rm -rf "$work/r$r-$side"
  done
done

printf '%d functions, median of %d rounds, new output base per side and round, tools prebuilt (untimed)\n' "$n" \
  "$rounds"
for side in fnseal baseline; do
  printf '%-9s packaging %7d ms   handlers + packaging %7d ms   %s\n' "$side" "$(median <<<"${pack_ms[$side]}")" \
    "$(median <<<"${total_ms[$side]}")" "${outputs[$side]}"
done
awk -v a="$(median <<<"${pack_ms[fnseal]}")" -v b="$(median <<<"${pack_ms[baseline]}")" \
  -v c="$(median <<<"${total_ms[fnseal]}")" -v d="$(median <<<"${total_ms[baseline]}")" \
  'BEGIN {printf "ratio fnseal/baseline: packaging %.2f, handlers + packaging %.2f (target <= 1.0)\n", a / b, c / d}'
