#!/usr/bin/env bash
# The provenance of a bundle built with `fnseal bundle --source` records the real commit of the
# checkout (a repository made here with the git CLI), marks a dirty tree with its paths, lists
# every input with the digest sha256sum computes, and names the fnseal binary by its sha256.
# --require-clean-source refuses a dirty checkout and writes nothing.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
work=${TEST_TMPDIR:-$(mktemp -d)}/provenance-source
rm -rf "$work" && mkdir -p "$work" && cd "$work"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
git() { command git -c user.name=fnseal -c user.email=test@fnseal.dev -c init.defaultBranch=main "$@"; }

git init -q repo
mkdir -p repo/fn
printf '#!/bin/sh\necho hello\n' >repo/fn/bootstrap
chmod 0755 repo/fn/bootstrap
echo "hello" >repo/fn/greeting.txt
git -C repo add -A
git -C repo commit -q -m "the function"
git -C repo remote add origin https://ci:token@example.com/org/functions.git
commit=$(git -C repo rev-parse HEAD)

"$fnseal" pack -q -o fn.tar --file bootstrap=repo/fn/bootstrap --file greeting.txt=repo/fn/greeting.txt

# provenance BUNDLE: the unsigned provenance statement's predicate, as JSON on stdout.
provenance() {
  rm -rf unpacked
  "$fnseal" unpack "$1" unpacked >/dev/null
  /usr/bin/python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1]))["predicate"], sort_keys=True))' \
    unpacked/attestations/provenance.statement.json
}
# field JSON PYTHON_EXPR: evaluates an expression on the parsed predicate `p`.
field() { /usr/bin/python3 -c "import json, sys; p = json.loads(sys.argv[1]); print($2)" "$1"; }

expect_exit 0 "" -- "$fnseal" bundle -q -o clean.fnb --name hello --artifact fn.tar --source repo/fn \
  --input fn/bootstrap=repo/fn/bootstrap --input fn/greeting.txt=repo/fn/greeting.txt
p=$(provenance clean.fnb)
deps='{d["name"]: d for d in p["buildDefinition"]["resolvedDependencies"]}'
[[ $(field "$p" "$deps[\"source\"][\"digest\"][\"gitCommit\"]") == "$commit" ]] || fail "source commit: $p"
[[ $(field "$p" "$deps[\"source\"][\"uri\"]") == "git+https://example.com/org/functions.git@refs/heads/main" ]] ||
  fail "source uri: $p"
[[ $(field "$p" 'p["buildDefinition"]["internalParameters"]["source"]["treeState"]') == clean ]] || fail "tree state: $p"
for input in bootstrap greeting.txt; do
  want=$(sha256sum "repo/fn/$input" | cut -d' ' -f1)
  [[ $(field "$p" "$deps[\"fn/$input\"][\"digest\"][\"sha256\"]") == "$want" ]] || fail "digest of $input: $p"
done
want=$(sha256sum "$fnseal" | cut -d' ' -f1)
[[ $(field "$p" 'p["runDetails"]["builder"]["builderDependencies"][0]["digest"]["sha256"]') == "$want" ]] ||
  fail "the fnseal binary's digest: $p"
[[ $p != *token* ]] || fail "the remote's token leaked into the provenance: $p"

# A dirty tree is marked, with the changed path; --require-clean-source refuses it.
echo "changed" >>repo/fn/greeting.txt
expect_exit 0 "" -- "$fnseal" bundle -q -o dirty.fnb --name hello --artifact fn.tar --source repo
p=$(provenance dirty.fnb)
[[ $(field "$p" 'p["buildDefinition"]["internalParameters"]["source"]["treeState"]') == dirty ]] || fail "dirty: $p"
[[ $(field "$p" 'p["buildDefinition"]["internalParameters"]["source"]["dirtyPaths"]') == "['fn/greeting.txt']" ]] ||
  fail "dirty paths: $p"
expect_exit 1 "--require-clean-source: the checkout at" -- \
  "$fnseal" bundle -q -o refused.fnb --name hello --artifact fn.tar --source repo --require-clean-source
[[ ! -e refused.fnb ]] || fail "a refused bundle was written"
expect_exit 1 "no git repository at or above" -- "$fnseal" bundle -q -o none.fnb --name hello --artifact fn.tar \
  --source "$work"

finish "provenance source checks passed"
