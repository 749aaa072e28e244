#!/usr/bin/env bash
# A new user's first hour, exactly as docs/getting-started.md tells it: a fresh workspace made
# from the doc's `file=` blocks (fnseal copied in as third_party/fnseal, no .bazelrc, Bazel's
# default flags, its own output base, offline), then the doc's `run` blocks in order in one
# shell: build, keygen, sign outside bazel-bin, verify with the doc's trust policy, export,
# inspect. Then what the doc promises about them: the signed bundle is outside bazel-bin and
# bazel-bin's stays unsigned; running fnseal through @fnseal//:fnseal and installing it with
# @fnseal//:install into a directory on PATH leave the next build with nothing to do.
set -euo pipefail
cd "$(dirname "$0")/../.."

doc=docs/getting-started.md
real_bazel=$(command -v bazel)
scratch=$(mktemp -d)
ws=$scratch/consumer
ob=$scratch/output-base
bin=$scratch/bin
cleanup() {
  "$real_bazel" --output_base="$ob" shutdown >/dev/null 2>&1 || true
  chmod -R u+w "$scratch" 2>/dev/null || true  # Bazel leaves read-only files behind
  rm -rf "$scratch"
}
trap cleanup EXIT

die() {
  echo "consumer: FAIL: $*" >&2
  exit 1
}

# The consumer workspace: the doc's files, and fnseal's files as git knows them.
mkdir -p "$ws/third_party/fnseal" "$bin"
git ls-files -z --cached --others --exclude-standard | xargs -0 cp --parents -t "$ws/third_party/fnseal"
tests/docs/md_blocks.sh files "$doc" "$ws"
[[ -f $ws/WORKSPACE ]] || die "$doc has no file=WORKSPACE block"
# The doc's commands, each block announced with the seconds elapsed so far.
tests/docs/md_blocks.sh run "$doc" | sed 's|^# \(docs/.*\)$|echo "== \1 (at ${SECONDS}s)"|' >"$scratch/doc.sh"
grep -q '^bazel build' "$scratch/doc.sh" || die "$doc has no bazel build in a run block"

# `bazel` is the user's Bazel with this test's own output base; $bin stays on PATH throughout,
# so PATH is the same for every build below.
cat >"$bin/bazel" <<WRAPPER
#!/bin/sh
exec "$real_bazel" --output_base="$ob" --max_idle_secs=300 "\$@"
WRAPPER
chmod +x "$bin/bazel"
export PATH=$bin:$PATH

# actions LOG: how many processes a build's execution log records.
actions() {
  jq -s length "$1"
}

cd "$ws"
echo "consumer: running the run blocks of $doc in a fresh workspace"
start=$SECONDS
bash -euo pipefail "$scratch/doc.sh" || die "a run block of $doc failed"
echo "consumer: the doc's commands took $((SECONDS - start))s"

signed=release-out/hello_bundle.fnb
[[ -f $signed && -f release-out/hello.sigstore.json ]] || die "no signed bundle or Sigstore bundle in release-out/"

bazel build --execution_log_json_file="$scratch/after-doc.json" //fn:hello_bundle 2>/dev/null
n=$(actions "$scratch/after-doc.json")
((n == 0)) || die "the build after the doc's fnseal commands ran $n actions, expected none"

# @fnseal//:install refuses a directory not on PATH, and installs into one that is.
if bazel run @fnseal//:install -- "$scratch" 2>/dev/null; then die "@fnseal//:install accepted a directory not on PATH"; fi
bazel run @fnseal//:install -- "$bin" 2>/dev/null
[[ $(command -v fnseal) == "$bin/fnseal" ]] || die "@fnseal//:install did not put fnseal on PATH"
fnseal verify "$signed" --policy trust-policy.json >/dev/null || die "the installed fnseal rejects the signed bundle"
set +e
fnseal verify bazel-bin/fn/hello_bundle.fnb --policy trust-policy.json >/dev/null 2>&1
status=$?
set -e
((status == 3)) || die "bazel-bin's bundle should be unsigned (verify exit 3), got exit $status"

bazel build --execution_log_json_file="$scratch/after-install.json" //fn:hello_bundle 2>/dev/null
n=$(actions "$scratch/after-install.json")
((n == 0)) || die "the build after installing fnseal ran $n actions, expected none"

echo "consumer: getting-started works as written; nothing rebuilt after running or installing fnseal"
