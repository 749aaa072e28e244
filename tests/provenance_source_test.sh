#!/usr/bin/env bash
# The provenance of a bundle built with `fnseal bundle --source` records the real commit of the
# checkout (a repository made here with the git CLI), marks a dirty tree with its paths, lists
# every input with the digest sha256sum computes, and names the fnseal binary by its sha256.
# --require-clean-source refuses a dirty checkout and writes nothing.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
keys=$PWD/testdata/keys
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

# fnseal attest: provenance for any build's outputs, signed later by fnseal sign.
git -C repo checkout -q -- .
expect_exit 0 "unsigned (sign it with 'fnseal sign')" -- "$fnseal" attest -o fn.intoto.jsonl --subject fn.tar \
  --subject renamed.tar=fn.tar --input fn/bootstrap=repo/fn/bootstrap --source repo --require-clean-source \
  --external target=//fn:hello --internal compiler=gcc-12 --builder-id https://ci.example.com/builders/v1
statement=$(/usr/bin/python3 -c 'import base64, json, sys; print(base64.b64decode(json.load(open(sys.argv[1]))["payload"]).decode())' \
  fn.intoto.jsonl)
want=$(sha256sum fn.tar | cut -d' ' -f1)
[[ $statement == *"{\"digest\":{\"sha256\":\"$want\"},\"name\":\"fn.tar\"}"* ]] || fail "subject fn.tar: $statement"
[[ $statement == *'"name":"renamed.tar"'* ]] || fail "subject renamed.tar: $statement"
[[ $statement == *"\"gitCommit\":\"$commit\""* ]] || fail "attest source commit: $statement"
[[ $statement == *'"externalParameters":{"target":"//fn:hello"}'* ]] || fail "external parameters: $statement"
[[ $statement != *startedOn* ]] || fail "timestamps written without being asked for: $statement"
expect_exit 3 "verification failed" -- "$fnseal" verify fn.intoto.jsonl --key "$keys/ed25519.pub.pem"
expect_exit 0 "" -- "$fnseal" sign --key "$keys/ed25519.pem" fn.intoto.jsonl
expect_exit 0 "signed as 'fn.tar'" -- "$fnseal" verify fn.intoto.jsonl --artifact fn.tar --key "$keys/ed25519.pub.pem"
SOURCE_DATE_EPOCH=1700000000 expect_exit 0 "" -- "$fnseal" attest -q -o timed.intoto.jsonl --subject fn.tar \
  --times-from-source-date-epoch
timed=$(/usr/bin/python3 -c 'import base64, json, sys; print(base64.b64decode(json.load(open(sys.argv[1]))["payload"]).decode())' \
  timed.intoto.jsonl)
[[ $timed == *'"startedOn":"2023-11-14T22:13:20Z"'* ]] || fail "startedOn from SOURCE_DATE_EPOCH: $timed"
expect_exit 2 "give at least one --subject" -- "$fnseal" attest -o none.intoto.jsonl
expect_exit 2 "--external 'oops' is not KEY=VALUE" -- "$fnseal" attest -o x.intoto.jsonl --subject fn.tar --external oops
expect_exit 2 "--started-on: 'yesterday' is not an RFC 3339 UTC time" -- \
  "$fnseal" attest -o x.intoto.jsonl --subject fn.tar --started-on yesterday
[[ ! -e none.intoto.jsonl && ! -e x.intoto.jsonl ]] || fail "a refused attest wrote a file"

finish "provenance source checks passed"
