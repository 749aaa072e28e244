#!/usr/bin/env bash
# fnseal bundle with cloud deployables and a stamped source: the deployables ship under
# deployables/<target>/, the manifest lists them, the provenance names every file the bundle
# ships, the source commit comes from a Bazel workspace status file, and bad deployables are
# refused with exit 2 before anything is written. Checked with GNU tar, zstd and Debian's Python.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
static=$PWD/testdata/elf/static_hello.out
keys=$PWD/testdata/keys
work=${TEST_TMPDIR:-$(mktemp -d)}/bundle-contents
rm -rf "$work" && mkdir -p "$work" && cd "$work"

echo "hello" >greeting.txt
"$fnseal" pack -q -o fn.tar --file "bootstrap=$static" --file greeting.txt=greeting.txt
"$fnseal" pack -q --target aws_lambda --handler "$static" --function hello --file greeting.txt=greeting.txt \
  -o hello.zip
"$fnseal" pack -q --target azure_functions --handler "$static" --function hello -o hello-azure.zip
"$fnseal" pack -q --target oci_image --handler "$static" --function hello -o hello.oci.tar
tar -tf hello.oci.tar >oci.list
grep -qx "index.json" oci.list || fail "oci_image to a .tar path is not an OCI layout tar: $(cat oci.list)"

commit=$(printf 'c%.0s' {1..40})
cat >stable-status.txt <<EOF
BUILD_EMBED_LABEL
BUILD_HOST somehost
STABLE_FNSEAL_GIT_BRANCH main
STABLE_FNSEAL_GIT_COMMIT $commit
STABLE_FNSEAL_GIT_COMMIT_TIME 1700000000
STABLE_FNSEAL_GIT_REMOTE_URL https://user:token@example.com/fn.git
STABLE_FNSEAL_GIT_TAGS v1
STABLE_FNSEAL_GIT_TREE_STATE clean
BUILD_USER someone
EOF

expect_exit 0 "" -- "$fnseal" bundle -q -o b.fnb --name hello --artifact fn.tar \
  --deployable aws_lambda=hello.zip --deployable azure_functions=hello-azure.zip \
  --deployable oci_image=hello.oci.tar --workspace-status stable-status.txt
mkdir x && zstd -q -d -c b.fnb | tar -x -C x -f -
for f in deployables/aws_lambda/hello.zip deployables/azure_functions/hello-azure.zip \
  deployables/oci_image/hello.oci.tar; do
  [[ -f x/$f ]] || fail "bundle lacks $f"
done
cmp -s x/deployables/aws_lambda/hello.zip hello.zip || fail "the shipped Lambda zip differs from the input"
/usr/bin/python3 - x "$commit" <<'EOF' || fail "manifest or provenance of the bundle"
import hashlib, json, os, sys
root, commit = sys.argv[1], sys.argv[2]
manifest = json.load(open(os.path.join(root, "manifest.json")))
listed = {d["target"]: d for d in manifest["deployables"]}
assert set(listed) == {"aws_lambda", "azure_functions", "oci_image"}, listed
assert listed["oci_image"]["format"] == "oci-tar" and listed["aws_lambda"]["format"] == "zip", listed
for d in listed.values():
    assert hashlib.sha256(open(os.path.join(root, d["path"]), "rb").read()).hexdigest() == d["sha256"], d
statement = json.load(open(os.path.join(root, "attestations/provenance.statement.json")))
subjects = {s["name"]: s["digest"]["sha256"] for s in statement["subject"]}
shipped = set()
for dirpath, _, names in os.walk(root):
    for n in names:
        rel = os.path.relpath(os.path.join(dirpath, n), root)
        if not rel.startswith("attestations/"):
            shipped.add(rel)
assert set(subjects) == shipped, (sorted(subjects), sorted(shipped))
for name, digest in subjects.items():
    assert hashlib.sha256(open(os.path.join(root, name), "rb").read()).hexdigest() == digest, name
assert [s["name"] for s in statement["subject"]] == sorted(subjects), "subjects are not sorted"
pred = statement["predicate"]
source = [d for d in pred["buildDefinition"]["resolvedDependencies"] if d["name"] == "source"]
assert source == [{"name": "source", "digest": {"gitCommit": commit},
                   "uri": "git+https://example.com/fn.git@refs/heads/main"}], source
assert pred["buildDefinition"]["internalParameters"]["source"] == {"treeState": "clean", "tags": ["v1"]}
text = json.dumps(statement)
assert "somehost" not in text and "someone" not in text and "token" not in text, "host data leaked"
EOF

# Signed, it verifies; a changed deployable does not.
cp b.fnb signed.fnb
"$fnseal" sign -q --key "$keys/ed25519.pem" signed.fnb
expect_exit 0 "" -- "$fnseal" verify --key "$keys/ed25519.pub.pem" signed.fnb
rm -rf t && mkdir t && zstd -q -d -c signed.fnb | tar -x -C t -f -
printf 'x' >>t/deployables/aws_lambda/hello.zip
(cd t && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort) >list
tar --format=ustar --mtime=@946684800 --owner=0 --group=0 --numeric-owner --no-recursion -C t -cf t.tar -T list
zstd -q -f t.tar -o tampered.fnb
expect_exit 3 "bundle file 'deployables/aws_lambda/hello.zip' does not match its signed digest" -- \
  "$fnseal" verify --key "$keys/ed25519.pub.pem" tampered.fnb

# Components: license texts, SBOMs and the policy verdict.
mkdir -p c
echo "Apache License 2.0 (text)" >c/LICENSE
echo "model weights" >c/model.bin
echo "MIT License (text)" >c/LICENSE.tinyjson
cp "$static" c/bootstrap
cat >components.json <<'EOF'
{
  "fnsealComponents": 1,
  "function": "hello",
  "root": "//fn:hello",
  "components": [
    {"id": "//fn:hello", "kind": "code", "name": "hello", "license": "Apache-2.0",
     "licenseTexts": [{"name": "LICENSE", "path": "c/LICENSE"}],
     "files": [{"name": "bootstrap", "path": "c/bootstrap"}],
     "dependsOn": ["//third_party/tinyjson:tinyjson", "//models:tiny"]},
    {"id": "//third_party/tinyjson:tinyjson", "kind": "code", "name": "tinyjson", "license": "MIT",
     "licenseTexts": [{"name": "LICENSE", "path": "c/LICENSE.tinyjson"}]},
    {"id": "//models:tiny", "kind": "model", "name": "tiny", "license": "LicenseRef-fnseal-BigScience-OpenRAIL-M",
     "files": [{"name": "model.bin", "path": "c/model.bin"}], "datasets": ["//data:set"]},
    {"id": "//data:set", "kind": "dataset", "name": "set", "license": "CC-BY-4.0"}
  ]
}
EOF
echo '{"version": 1, "allowCategories": ["permissive"], "allow": ["LicenseRef-fnseal-BigScience-OpenRAIL-M"]}' \
  >allow.json
expect_exit 0 "" -- "$fnseal" bundle -q -o comp.fnb --name hello --artifact fn.tar --deployable aws_lambda=hello.zip \
  --components components.json --license-policy allow.json
rm -rf y && mkdir y && zstd -q -d -c comp.fnb | tar -x -C y -f -
cmp -s y/licenses/fn_hello/LICENSE c/LICENSE || fail "the function's license text is not at licenses/fn_hello/LICENSE"
cmp -s y/licenses/third_party_tinyjson_tinyjson/LICENSE c/LICENSE.tinyjson || fail "tinyjson's license text"
/usr/bin/python3 - y "$(sha256sum allow.json | cut -d' ' -f1)" "$(sha256sum components.json | cut -d' ' -f1)" \
  <<'EOF' || fail "SBOM attestations or verdict"
import json, os, sys
root, policy_sha, components_sha = sys.argv[1], sys.argv[2], sys.argv[3]
att = os.path.join(root, "attestations")
assert sorted(os.listdir(att)) == ["provenance.statement.json", "sbom.cyclonedx-1.6.statement.json",
                                  "sbom.spdx-2.3.statement.json", "sbom.spdx-3.0.1.statement.json"], os.listdir(att)
types = {}
for name in os.listdir(att):
    st = json.load(open(os.path.join(att, name)))
    types[name] = st["predicateType"]
    if name.startswith("sbom."):
        subjects = sorted(s["name"] for s in st["subject"])
        assert subjects == ["artifacts/hello.tar", "deployables/aws_lambda/hello.zip"], (name, subjects)
assert types["sbom.spdx-2.3.statement.json"].startswith("https://spdx.dev/Document"), types
assert types["sbom.cyclonedx-1.6.statement.json"].startswith("https://cyclonedx.org/bom"), types
verdict = json.load(open(os.path.join(root, "licenses/verdict.json")))
assert verdict["allowed"] is True and verdict["policy"]["sha256"] == policy_sha, verdict
assert sorted(c["component"] for c in verdict["components"]) == ["//data:set", "//fn:hello", "//models:tiny",
                                                                "//third_party/tinyjson:tinyjson"], verdict
prov = json.load(open(os.path.join(att, "provenance.statement.json")))
names = {s["name"] for s in prov["subject"]}
for f in ("licenses/verdict.json", "licenses/fn_hello/LICENSE", "licenses/third_party_tinyjson_tinyjson/LICENSE"):
    assert f in names, (f, sorted(names))
deps = {d["name"]: d for d in prov["predicate"]["buildDefinition"]["resolvedDependencies"]}
assert deps["license-policy"]["digest"]["sha256"] == policy_sha, deps
byproducts = prov["predicate"]["runDetails"]["byproducts"]
assert byproducts == [{"name": "components.json", "digest": {"sha256": components_sha}}], byproducts
EOF
cp comp.fnb comp-signed.fnb
"$fnseal" sign -q --key "$keys/ed25519.pem" comp-signed.fnb
expect_exit 0 "" -- "$fnseal" verify --key "$keys/ed25519.pub.pem" comp-signed.fnb

# A policy that denies non-commercial licenses refuses a CC-BY-NC model: exit 3, nothing written.
sed 's/LicenseRef-fnseal-BigScience-OpenRAIL-M"/CC-BY-NC-4.0"/' components.json >nc.json
echo '{"version": 1, "allowCategories": ["permissive"], "denyCategories": ["non-commercial"]}' >deny-nc.json
expect_exit 3 "license policy violation: " -- "$fnseal" bundle -q -o nc.fnb --name hello --artifact fn.tar \
  --components nc.json --license-policy deny-nc.json
for fragment in "//models:tiny" "CC-BY-NC-4.0" "denyCategories"; do
  grep -qF -- "$fragment" err.txt || fail "the violation does not name '$fragment': $(cat err.txt)"
done
[[ ! -e nc.fnb ]] || fail "a bundle was written despite the license policy violation"
expect_exit 2 "--license-policy needs --components" -- "$fnseal" bundle -q -o r9.fnb --name hello --artifact fn.tar \
  --license-policy deny-nc.json
sed 's/"function": "hello"/"function": "other"/' components.json >other.json
expect_exit 2 "describes function 'other', not 'hello'" -- "$fnseal" bundle -q -o r10.fnb --name hello \
  --artifact fn.tar --components other.json
sed 's/"license": "MIT"/"license": "MIT AND"/' components.json >bad-expr.json
expect_exit 2 "//third_party/tinyjson:tinyjson" -- "$fnseal" bundle -q -o r11.fnb --name hello --artifact fn.tar \
  --components bad-expr.json
# A typo names the id meant and the file once (issue 17).
sed 's/"license": "MIT"/"license": "Apache2.0"/' components.json >typo.json
expect_exit 2 "fnseal: --components: typo.json: component '//third_party/tinyjson:tinyjson': license: column 1: unknown license id 'Apache2.0'; did you mean Apache-2.0?" -- \
  "$fnseal" bundle -q -o r12.fnb --name hello --artifact fn.tar --components typo.json
(($(grep -o "typo.json" err.txt | wc -l) == 1)) || fail "the components path is printed more than once: $(cat err.txt)"
for r in r9 r10 r11 r12; do [[ ! -e $r.fnb ]] || fail "$r.fnb was written despite the refusal"; done

# The same inputs in another order give the same bytes.
expect_exit 0 "" -- "$fnseal" bundle -q -o again.fnb --name hello --artifact fn.tar \
  --deployable oci_image=hello.oci.tar --deployable azure_functions=hello-azure.zip \
  --deployable aws_lambda=hello.zip --workspace-status stable-status.txt
cmp -s b.fnb again.fnb || fail "deployable order changed the bundle's bytes"

# Refusals: exit 2, a message naming the problem, no output file.
expect_exit 2 "no cloud target 'gcp_functions' (known: aws_lambda" -- \
  "$fnseal" bundle -q -o r1.fnb --name hello --artifact fn.tar --deployable gcp_functions=hello.zip
expect_exit 2 "is not TARGET=PATH" -- "$fnseal" bundle -q -o r2.fnb --name hello --artifact fn.tar --deployable hello.zip
expect_exit 2 "is a tar archive, not a zip" -- \
  "$fnseal" bundle -q -o r3.fnb --name hello --artifact fn.tar --deployable aws_lambda=hello.oci.tar
expect_exit 2 "is a zip archive, not an OCI image layout tar" -- \
  "$fnseal" bundle -q -o r4.fnb --name hello --artifact fn.tar --deployable oci_image=hello.zip
expect_exit 2 "" -- "$fnseal" bundle -q -o r5.fnb --name hello --artifact fn.tar --source . \
  --workspace-status stable-status.txt
grep -q "excludes" err.txt || fail "--source with --workspace-status: $(cat err.txt)"
grep -v STABLE_FNSEAL_GIT_COMMIT stable-status.txt >no-commit.txt
expect_exit 1 "no STABLE_FNSEAL_GIT_COMMIT" -- \
  "$fnseal" bundle -q -o r6.fnb --name hello --artifact fn.tar --workspace-status no-commit.txt
sed 's/TREE_STATE clean/TREE_STATE dirty/' stable-status.txt >dirty.txt
expect_exit 1 "is dirty" -- "$fnseal" bundle -q -o r7.fnb --name hello --artifact fn.tar \
  --workspace-status dirty.txt --require-clean-source
expect_exit 2 "needs --source or --workspace-status" -- \
  "$fnseal" bundle -q -o r8.fnb --name hello --artifact fn.tar --require-clean-source
for r in r1 r2 r3 r4 r5 r6 r7 r8; do [[ ! -e $r.fnb ]] || fail "$r.fnb was written despite the refusal"; done
left=$(ls -A | grep 'tmp' || true)
[[ -z $left ]] || fail "temporary files left behind: $left"

finish "bundle contents: deployables, stamping and refusals checked"
