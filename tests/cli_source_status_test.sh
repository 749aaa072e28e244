#!/usr/bin/env bash
# End to end through the CLI: `fnseal source-status` on a real repository made with the git CLI
# reports the commit git reports, a clean then a dirty tree, and Bazel workspace status lines;
# outside a repository it fails with exit 1 and says so.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
work=${TEST_TMPDIR:-$(mktemp -d)}/cli-source-status
rm -rf "$work" && mkdir -p "$work" && cd "$work"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
git() { command git -c user.name=fnseal -c user.email=test@fnseal.dev -c init.defaultBranch=main "$@"; }

git init -q repo
echo 'int main() {}' >repo/handler.cc
git -C repo add -A
git -C repo commit -q -m first
git -C repo tag v1.0
git -C repo remote add origin https://bot:ghp_secret@example.com/org/functions.git
commit=$(git -C repo rev-parse HEAD)

expect_exit 0 "commit      $commit" -- "$fnseal" source-status repo
grep -qF "tree        clean" out.txt || fail "a fresh commit is not clean: $(cat out.txt)"
expect_exit 0 "" -- "$fnseal" source-status --workspace-status repo
status=$(cat out.txt)
[[ $status == *"STABLE_FNSEAL_GIT_COMMIT $commit"* ]] || fail "workspace status commit: $status"
[[ $status == *"STABLE_FNSEAL_GIT_TAGS v1.0"* ]] || fail "workspace status tags: $status"
[[ $status == *"STABLE_FNSEAL_GIT_REMOTE_URL https://example.com/org/functions.git"* ]] || fail "remote: $status"
[[ $status != *ghp_secret* ]] || fail "the token leaked into the workspace status: $status"

echo '// changed' >>repo/handler.cc
expect_exit 0 "" -- "$fnseal" source-status --json repo
json=$(cat out.txt)
[[ $json == *'"treeState": "dirty"'* ]] || fail "a changed file is not dirty: $json"
[[ $json == *'"handler.cc"'* ]] || fail "the dirty path is not named: $json"
[[ $json == *"\"commit\": \"$commit\""* ]] || fail "json commit: $json"

mkdir -p nowhere
expect_exit 1 "no git repository at or above" -- "$fnseal" source-status "$PWD/nowhere"
expect_exit 2 "choose one of --json and --workspace-status" -- "$fnseal" source-status --json --workspace-status repo

finish "source-status CLI checks passed"
