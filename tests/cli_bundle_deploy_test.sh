#!/usr/bin/env bash
# fnseal bundle --deploy: the deployables made in the bundle's own process are byte for byte the
# ones 'fnseal pack --target' makes, ship under deployables/<target>/ and are written next to the
# bundle; the provenance's externalParameters record what shaped the bytes (configuration,
# compression level, per-target settings) and --toolchain is a resolved dependency with its
# digest, hashed or taken from --tool-digests; metadata comes from the commit, BUILD_EMBED_LABEL or SOURCE_DATE_EPOCH only when asked;
# bad specs and settings are refused before anything is
# written, and a later failure leaves the outputs as they were, old files included.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
static=$PWD/testdata/elf/static_hello.out
work=${TEST_TMPDIR:-$(mktemp -d)}/bundle-deploy
rm -rf "$work" && mkdir -p "$work" && cd "$work"

echo "hello" >greeting.txt
"$fnseal" pack -q -o fn.tar --file "bootstrap=$static" --file greeting.txt=greeting.txt
"$fnseal" pack -q --target aws_lambda --handler "$static" --function hello --file greeting.txt=greeting.txt \
  --memory 256 --timeout 30 -o want-lambda.zip
"$fnseal" pack -q --target azure_functions --handler "$static" --function hello --file greeting.txt=greeting.txt \
  --handler-name bootstrap --timeout 30 --target-option auth_level=anonymous -o want-azure.zip
"$fnseal" pack -q --target oci_image --handler "$static" --function hello --file greeting.txt=greeting.txt \
  -o want-oci.tar

deploy=(--handler "$static" --file greeting.txt=greeting.txt --memory 256 --timeout 30
  --deploy aws_lambda=out/aws_lambda.zip --deploy azure_functions=out/azure_functions.zip
  --deploy oci_image=out/oci_image.tar --deploy-option azure_functions:auth_level=anonymous)
mkdir out
cp "$static" cc-driver  # stands in for the compiler driver
expect_exit 0 "" -- "$fnseal" bundle -q -o b.fnb --name hello --artifact fn.tar --target //fn:hello_bundle \
  --level 5 --configuration compilationMode=opt --configuration cpu=k8 --toolchain cc=cc-driver "${deploy[@]}"
cmp -s out/aws_lambda.zip want-lambda.zip || fail "--deploy aws_lambda differs from pack --target aws_lambda"
cmp -s out/azure_functions.zip want-azure.zip || fail "--deploy azure_functions differs from pack --target"
cmp -s out/oci_image.tar want-oci.tar || fail "--deploy oci_image differs from pack --target oci_image"
mkdir x && zstd -q -d -c b.fnb | tar -x -C x -f -
cmp -s x/deployables/aws_lambda/aws_lambda.zip want-lambda.zip || fail "the shipped Lambda zip is not the one written"
cmp -s x/deployables/oci_image/oci_image.tar want-oci.tar || fail "the shipped OCI tar is not the one written"
/usr/bin/python3 - x "$(sha256sum cc-driver | cut -d' ' -f1)" <<'PY' || fail "externalParameters, toolchain or manifest"
import json, os, sys
root, driver_sha = sys.argv[1], sys.argv[2]
manifest = json.load(open(os.path.join(root, "manifest.json")))
assert {d["target"]: d["format"] for d in manifest["deployables"]} == {
    "aws_lambda": "zip", "azure_functions": "zip", "oci_image": "oci-tar"}, manifest["deployables"]
statement = json.load(open(os.path.join(root, "attestations/provenance.statement.json")))
external = statement["predicate"]["buildDefinition"]["externalParameters"]
linkage = {"linking": "static", "machine": "x86_64"}
assert external == {
    "function": "hello",
    "target": "//fn:hello_bundle",
    "compressionLevel": 5,
    "configuration": {"compilationMode": "opt", "cpu": "k8"},
    "deployables": {
        "aws_lambda": {"memoryMb": 256, "timeoutSeconds": 30, "handler": linkage},
        "azure_functions": {"timeoutSeconds": 30, "options": {"auth_level": "anonymous"}, "handler": linkage},
        "oci_image": {"handler": linkage},
    },
}, external
# How the handler is linked, as each target's check read it, in the manifest too.
assert {d["target"]: d["handler"] for d in manifest["deployables"]} == {
    "aws_lambda": linkage, "azure_functions": linkage, "oci_image": linkage}, manifest["deployables"]
toolchains = [d for d in statement["predicate"]["buildDefinition"]["resolvedDependencies"]
              if d["name"].startswith("toolchain:")]
assert toolchains == [{"name": "toolchain:cc", "digest": {"sha256": driver_sha},
                       "annotations": {"path": "cc-driver"}}], toolchains
PY

# A deployable made beforehand is recorded as such; the level alone is always there.
expect_exit 0 "" -- "$fnseal" bundle -q -o given.fnb --name hello --artifact fn.tar \
  --deployable aws_lambda=want-lambda.zip
mkdir g && zstd -q -d -c given.fnb | tar -x -C g -f -
/usr/bin/python3 - g/attestations/provenance.statement.json <<'PY' || fail "externalParameters of --deployable"
import json, sys
external = json.load(open(sys.argv[1]))["predicate"]["buildDefinition"]["externalParameters"]
assert external == {"function": "hello", "compressionLevel": 3, "deployables": {"aws_lambda": {"prebuilt": True}}}, \
    external
PY

# The same inputs give the same bytes; another level or configuration gives other bytes.
expect_exit 0 "" -- "$fnseal" bundle -q -o again.fnb --name hello --artifact fn.tar --target //fn:hello_bundle \
  --level 5 --configuration cpu=k8 --configuration compilationMode=opt --toolchain cc=cc-driver "${deploy[@]}"
cmp -s b.fnb again.fnb || fail "the same inputs gave another bundle"
expect_exit 0 "" -- "$fnseal" bundle -q -o dbg.fnb --name hello --artifact fn.tar --target //fn:hello_bundle \
  --level 5 --configuration compilationMode=dbg --configuration cpu=k8 --toolchain cc=cc-driver "${deploy[@]}"
cmp -s b.fnb dbg.fnb && fail "another configuration gave the same provenance"
printf 'x' >>cc-driver
expect_exit 0 "" -- "$fnseal" bundle -q -o other-cc.fnb --name hello --artifact fn.tar --target //fn:hello_bundle \
  --level 5 --configuration compilationMode=opt --configuration cpu=k8 --toolchain cc=cc-driver "${deploy[@]}"
cmp -s b.fnb other-cc.fnb && fail "another compiler gave the same provenance"

# --tool-digests: digests computed once (fnseal digest --json) stand in for hashing this fnseal
# binary (matched by file) and a toolchain (matched by path). They are taken as given, which
# digests that are not the files' show; malformed files are refused before anything is written.
"$fnseal" digest --json -o tools.json "$fnseal" cc-driver
expect_exit 0 "" -- "$fnseal" bundle -q -o hashed.fnb --name hello --artifact fn.tar --toolchain cc=cc-driver
expect_exit 0 "" -- "$fnseal" bundle -q -o known.fnb --name hello --artifact fn.tar --toolchain cc=cc-driver \
  --tool-digests tools.json
cmp -s hashed.fnb known.fnb || fail "--tool-digests with the true digests changed the bundle"
/usr/bin/python3 -c '
import json, sys
entries = json.load(open("tools.json"))
for e, fill in zip(entries, "ab"):
    e["sha256"] = fill * 64
json.dump(entries, open("fake-tools.json", "w"))'
expect_exit 0 "" -- "$fnseal" bundle -q -o fake.fnb --name hello --artifact fn.tar --toolchain cc=cc-driver \
  --tool-digests fake-tools.json
mkdir f && zstd -q -d -c fake.fnb | tar -x -C f -f -
jq -e '.predicate.runDetails.builder.builderDependencies[0].digest.sha256 == ("a" * 64) and
  ([.predicate.buildDefinition.resolvedDependencies[] | select(.name == "toolchain:cc") | .digest.sha256]
   == ["b" * 64])' f/attestations/provenance.statement.json >/dev/null ||
  fail "--tool-digests not used: $(jq -c .predicate.runDetails.builder f/attestations/provenance.statement.json)"
# A file that names neither this binary nor a toolchain changes nothing.
"$fnseal" digest --json -o other-tools.json greeting.txt
expect_exit 0 "" -- "$fnseal" bundle -q -o other.fnb --name hello --artifact fn.tar --toolchain cc=cc-driver \
  --tool-digests other-tools.json
cmp -s hashed.fnb other.fnb || fail "--tool-digests naming other files changed the bundle"
printf '{"path": "x", "sha256": "%s"}' "$(printf 'a%.0s' {1..64})" >td-object.json
printf '[{"path": "x", "sha256": "ABC"}]' >td-hex.json
printf '[{"path": "x", "sha256": "%s", "size": 1}]' "$(printf 'a%.0s' {1..64})" >td-key.json
printf '[{"path": "x", "sha256": "%s"}, {"path": "x", "sha256": "%s"}]' "$(printf 'a%.0s' {1..64})" \
  "$(printf 'b%.0s' {1..64})" >td-twice.json
head -c 70000 /dev/zero | tr '\0' ' ' >td-big.json
for bad in "2:td-object.json:is not a JSON array" "2:td-hex.json:entry 0 has a sha256 that is not 64 lowercase hex" \
  "2:td-key.json:entry 0 is not" "2:td-twice.json:entry 1 names 'x' again" \
  "1:td-big.json:is larger than the limit of 65536 bytes" "1:td-missing.json:td-missing.json"; do
  IFS=: read -r code file message <<<"$bad"
  expect_exit "$code" "$message" -- "$fnseal" bundle -q -o td.fnb --name hello --artifact fn.tar --tool-digests "$file"
  [[ ! -e td.fnb ]] || fail "a refused --tool-digests ($file) left td.fnb"
done

# Metadata of a stamped build: the commit's time with --times-from-commit, the invocation from
# BUILD_EMBED_LABEL; explicit values win; nothing without being asked.
{
  echo "BUILD_EMBED_LABEL https://ci.example.com/runs/42"
  echo "STABLE_FNSEAL_GIT_COMMIT $(printf 'c%.0s' {1..40})"
  echo "STABLE_FNSEAL_GIT_COMMIT_TIME 1700000000"
  echo "STABLE_FNSEAL_GIT_TREE_STATE clean"
} >stable-status.txt
metadata() {
  rm -rf m && mkdir m && zstd -q -d -c "$1" | tar -x -C m -f - &&
    jq -S -c .predicate.runDetails.metadata m/attestations/provenance.statement.json
}
expect_exit 0 "" -- "$fnseal" bundle -q -o stamped.fnb --name hello --artifact fn.tar \
  --workspace-status stable-status.txt --times-from-commit
want='{"finishedOn":"2023-11-14T22:13:20Z","invocationId":"https://ci.example.com/runs/42","startedOn":"2023-11-14T22:13:20Z"}'
[[ $(metadata stamped.fnb) == "$want" ]] || fail "stamped metadata: $(metadata stamped.fnb)"
expect_exit 0 "" -- "$fnseal" bundle -q -o explicit.fnb --name hello --artifact fn.tar \
  --workspace-status stable-status.txt --times-from-commit --invocation-id run-1 --finished-on 2023-11-14T22:20:00Z
want='{"finishedOn":"2023-11-14T22:20:00Z","invocationId":"run-1","startedOn":"2023-11-14T22:13:20Z"}'
[[ $(metadata explicit.fnb) == "$want" ]] || fail "explicit metadata: $(metadata explicit.fnb)"
expect_exit 0 "" -- env SOURCE_DATE_EPOCH=946684800 "$fnseal" bundle -q -o sde.fnb --name hello --artifact fn.tar \
  --times-from-source-date-epoch
want='{"finishedOn":"2000-01-01T00:00:00Z","startedOn":"2000-01-01T00:00:00Z"}'
[[ $(metadata sde.fnb) == "$want" ]] || fail "SOURCE_DATE_EPOCH metadata: $(metadata sde.fnb)"
[[ $(metadata given.fnb) == '{}' ]] || fail "metadata without being asked: $(metadata given.fnb)"
expect_exit 2 "--times-from-commit needs --source or --workspace-status" -- "$fnseal" bundle -q -o r15.fnb \
  --name hello --artifact fn.tar --times-from-commit
expect_exit 2 "--started-on" -- "$fnseal" bundle -q -o r16.fnb --name hello --artifact fn.tar --started-on yesterday
grep -v COMMIT_TIME stable-status.txt >no-time.txt
expect_exit 1 "no commit time" -- "$fnseal" bundle -q -o r17.fnb --name hello --artifact fn.tar \
  --workspace-status no-time.txt --times-from-commit

# Refusals before anything is written: exit 2 for a malformed command line, 1 for a setting the
# target refuses.
rm -rf out && mkdir out
expect_exit 2 "--deploy needs --handler" -- "$fnseal" bundle -q -o r1.fnb --name hello --artifact fn.tar \
  --deploy aws_lambda=out/a.zip
expect_exit 2 "no cloud target 'gcp_functions'" -- "$fnseal" bundle -q -o r2.fnb --name hello --artifact fn.tar \
  --handler "$static" --deploy gcp_functions=out/a.zip
expect_exit 2 "is not TARGET=OUTPUT" -- "$fnseal" bundle -q -o r3.fnb --name hello --artifact fn.tar \
  --handler "$static" --deploy out/a.zip
expect_exit 2 "cloud target 'aws_lambda' is given twice (--deployable and --deploy)" -- \
  "$fnseal" bundle -q -o r4.fnb --name hello --artifact fn.tar --deployable aws_lambda=want-lambda.zip \
  --handler "$static" --deploy aws_lambda=out/a.zip
expect_exit 2 "names no --deploy target" -- "$fnseal" bundle -q -o r5.fnb --name hello --artifact fn.tar \
  --handler "$static" --deploy aws_lambda=out/a.zip --deploy-option azure_functions:auth_level=anonymous
expect_exit 2 "is not TARGET:KEY=VALUE" -- "$fnseal" bundle -q -o r6.fnb --name hello --artifact fn.tar \
  --handler "$static" --deploy azure_functions=out/a.zip --deploy-option auth_level=anonymous
expect_exit 2 "--memory: none of the --deploy targets takes such a setting" -- \
  "$fnseal" bundle -q -o r7.fnb --name hello --artifact fn.tar --handler "$static" --memory 256 \
  --deploy oci_image=out/a.tar
expect_exit 2 "--file applies only with --deploy" -- "$fnseal" bundle -q -o r8.fnb --name hello --artifact fn.tar \
  --file greeting.txt=greeting.txt
expect_exit 2 "--configuration 'opt' is not KEY=VALUE" -- "$fnseal" bundle -q -o r9.fnb --name hello \
  --artifact fn.tar --configuration opt
expect_exit 2 "--toolchain 'cc' is not NAME=PATH" -- "$fnseal" bundle -q -o r13.fnb --name hello \
  --artifact fn.tar --toolchain cc
expect_exit 1 "no-such-compiler" -- "$fnseal" bundle -q -o r14.fnb --name hello --artifact fn.tar \
  --toolchain cc=no-such-compiler
expect_exit 1 "aws_lambda memory must be 128 to 10240 MB; got 64" -- "$fnseal" bundle -q -o r10.fnb --name hello \
  --artifact fn.tar --handler "$static" --memory 64 --deploy aws_lambda=out/a.zip
expect_exit 1 "azure_functions" -- "$fnseal" bundle -q -o r11.fnb --name hello --artifact fn.tar \
  --handler "$static" --deploy azure_functions=out/a.zip --deploy-option azure_functions:colour=blue
expect_exit 1 "missing.txt" -- "$fnseal" bundle -q -o r12.fnb --name hello --artifact fn.tar \
  --handler "$static" --file data.txt=missing.txt --deploy aws_lambda=out/a.zip
for r in r1 r2 r3 r4 r5 r6 r7 r8 r9 r10 r11 r12 r13 r14 r15 r16 r17; do
  [[ ! -e $r.fnb ]] || fail "$r.fnb was written despite the refusal"
done
[[ -z $(ls -A out) ]] || fail "a refused bundle left deployables: $(ls -A out)"

# A failure after the deployables were made leaves nothing new: here the bundle's own output
# directory does not exist.
expect_exit 1 "" -- "$fnseal" bundle -q -o no-such-dir/b.fnb --name hello --artifact fn.tar "${deploy[@]}"
[[ -z $(ls -A out) ]] || fail "a failed bundle left deployables: $(ls -A out)"
# ... and leaves what was there before as it was (it used to delete an existing output).
echo "an older lambda.zip" >out/lambda.zip
expect_exit 1 "" -- "$fnseal" bundle -q -o no-such-dir/b.fnb --name hello --artifact fn.tar --handler "$static" \
  --deploy aws_lambda=out/lambda.zip
[[ $(cat out/lambda.zip 2>/dev/null) == "an older lambda.zip" ]] || fail "a failed bundle changed or removed out/lambda.zip"
[[ $(ls -A out) == lambda.zip ]] || fail "a failed bundle left files: $(ls -A out)"

finish "bundle --deploy: deployables made in-process, recorded and refused as documented"
