#!/usr/bin/env bash
# End to end: tools/workspace_status, run the way Bazel runs it (from the workspace root), prints
# the STABLE_FNSEAL_GIT_* lines of a real repository made with the git CLI using $FNSEAL or the
# workspace's bazel-bin fnseal, and without either fails saying how to build one.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
status_command=$PWD/tools/workspace_status
work=${TEST_TMPDIR:-$(mktemp -d)}/workspace-status
rm -rf "$work" && mkdir -p "$work" && cd "$work"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
git() { command git -c user.name=fnseal -c user.email=test@fnseal.dev -c init.defaultBranch=main "$@"; }

git init -q ws
touch ws/WORKSPACE
echo 'cc_binary(name = "handler", srcs = ["handler.cc"])' >ws/BUILD.bazel
echo 'int main() {}' >ws/handler.cc
git -C ws add -A
git -C ws commit -q -m first
git -C ws tag v2.1
commit=$(git -C ws rev-parse HEAD)
cd ws

unset FNSEAL
expect_exit 1 "run 'bazel build //tools/fnseal'" -- "$status_command"
[[ ! -s out.txt ]] || fail "printed status lines without a fnseal: $(cat out.txt)"

expect_exit 0 "" -- env FNSEAL="$fnseal" "$status_command"
status=$(cat out.txt)
[[ $status == *"STABLE_FNSEAL_GIT_COMMIT $commit"* ]] || fail "FNSEAL: commit is not $commit: $status"
[[ $status == *"STABLE_FNSEAL_GIT_TAGS v2.1"* ]] || fail "FNSEAL: tags: $status"
[[ $status == *"STABLE_FNSEAL_GIT_BRANCH main"* ]] || fail "FNSEAL: branch: $status"
bad=$(grep -v '^STABLE_FNSEAL_GIT_[A-Z_]* ' out.txt || true)
[[ -z $bad ]] || fail "lines Bazel would not take as stable status keys: $bad"

expect_exit 1 "is not an executable file" -- env FNSEAL="$PWD/handler.cc" "$status_command"

# A fnseal built in the workspace (bazel-bin is a symlink into the output base), then one built
# as the external repository @fnseal.
mkdir -p ../out/bin/tools/fnseal
ln -s "$fnseal" ../out/bin/tools/fnseal/fnseal
ln -s ../out/bin bazel-bin
expect_exit 0 "STABLE_FNSEAL_GIT_COMMIT $commit" -- "$status_command"
rm -r ../out/bin/tools && mkdir -p ../out/bin/external/fnseal/tools/fnseal
ln -s "$fnseal" ../out/bin/external/fnseal/tools/fnseal/fnseal
expect_exit 0 "STABLE_FNSEAL_GIT_COMMIT $commit" -- "$status_command"

# Ignored by git, bazel-bin (and the output files) do not make the tree dirty; a new commit is reported once made.
printf 'bazel-*\n*.txt\n' >.gitignore  # bazel-bin; expect_exit's out.txt, err.txt
git add .gitignore && git commit -q -m ignore
expect_exit 0 "STABLE_FNSEAL_GIT_TREE_STATE clean" -- "$status_command"
grep -qF "STABLE_FNSEAL_GIT_COMMIT $(git rev-parse HEAD)" out.txt || fail "stale commit: $(cat out.txt)"

cd "$work"
mkdir -p plain/bazel-bin/tools/fnseal
ln -s "$fnseal" plain/bazel-bin/tools/fnseal/fnseal
cd plain
expect_exit 1 "no git repository" -- "$status_command"
finish "workspace status command checks passed"
