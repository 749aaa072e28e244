#!/usr/bin/env bash
# End to end through the CLI: sign the example bundle built by the rules, verify it, and check
# that every kind of tampering is rejected with exit code 3 and a specific message. Tampered
# bundles are rebuilt with GNU tar and the zstd CLI, so they are well-formed archives and only
# the verifier's own checks can catch them.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
bundle=$PWD/examples/hello/hello_bundle.fnb
keys=$PWD/testdata/keys
work=${TEST_TMPDIR:-$(mktemp -d)}/cli
rm -rf "$work" && mkdir -p "$work" && cd "$work"



cp "$bundle" signed.fnb
chmod u+w signed.fnb
"$fnseal" sign --quiet --key "$keys/ed25519.pem" signed.fnb
expect_exit 0 "" -- "$fnseal" verify --key "$keys/ed25519.pub.pem" signed.fnb
grep -q "function    hello (entrypoint bootstrap)" out.txt || fail "verify summary: $(cat out.txt)"
expect_exit 0 "" -- "$fnseal" verify --json --key "$keys/ed25519.pub.pem" signed.fnb
grep -q '"verified": true' out.txt || fail "verify --json: $(cat out.txt)"

# unpack_to DIR: extracts signed.fnb into DIR with the independent tools.
unpack_to() { rm -rf "$1" && mkdir -p "$1" && zstd -q -d -c signed.fnb | tar -x -C "$1" -f -; }
# repack DIR OUT: a well-formed bundle from DIR (sorted ustar, zstd frame with content size).
# GNU tar would name entries "./x"; list plain names so only the tampering differs.
repack() {
  (cd "$1" && find . -mindepth 1 | sed 's|^\./||' | LC_ALL=C sort) > "$2.list"
  tar --format=ustar --mtime=@946684800 --owner=0 --group=0 --numeric-owner --no-recursion \
    -C "$1" -cf "$2.tar" -T "$2.list"
  zstd -q -f "$2.tar" -o "$2" && rm -f "$2.tar" "$2.list"
}

# The untouched repack still verifies: the tampering below is the only difference.
unpack_to same && repack same same.fnb
expect_exit 0 "" -- "$fnseal" verify --key "$keys/ed25519.pub.pem" same.fnb

unpack_to t && printf 'x' >> t/artifacts/hello.tar && repack t artifact.fnb
expect_exit 3 "bundle file 'artifacts/hello.tar' does not match its signed digest" -- \
  "$fnseal" verify --key "$keys/ed25519.pub.pem" artifact.fnb

unpack_to t && sed -i 's/"hello"/"hellp"/' t/manifest.json && repack t manifest.fnb
expect_exit 3 "bundle file 'manifest.json' does not match its signed digest" -- \
  "$fnseal" verify --key "$keys/ed25519.pub.pem" manifest.fnb

unpack_to t && echo 'extra' > t/artifacts/extra.txt && repack t extra.fnb
expect_exit 3 "bundle file 'artifacts/extra.txt' is not named by any signed statement" -- \
  "$fnseal" verify --key "$keys/ed25519.pub.pem" extra.fnb

unpack_to t && mkdir t/empty && repack t emptydir.fnb
expect_exit 3 "bundle directory 'empty' holds no signed file" -- \
  "$fnseal" verify --key "$keys/ed25519.pub.pem" emptydir.fnb

unpack_to t && rm t/artifacts/hello.tar && repack t missing.fnb
expect_exit 3 "bundle is missing 'artifacts/hello.tar', which a signed statement names" -- \
  "$fnseal" verify --key "$keys/ed25519.pub.pem" missing.fnb

unpack_to t && sed -i 's|"payloadType":"application/vnd.in-toto+json"|"payloadType":"application/vnd.in-toto+jsom"|' \
  t/attestations/provenance.dsse.json && repack t payloadtype.fnb
expect_exit 3 "no signature verifies with a trusted key" -- \
  "$fnseal" verify --key "$keys/ed25519.pub.pem" payloadtype.fnb

cp "$bundle" other.fnb && chmod u+w other.fnb
"$fnseal" sign --quiet --key "$keys/ed25519-b.pem" other.fnb
expect_exit 3 "no signature verifies with a trusted key" -- \
  "$fnseal" verify --key "$keys/ed25519.pub.pem" other.fnb

head -c $(($(stat -c %s signed.fnb) / 2)) signed.fnb > truncated.fnb
expect_exit 3 "zstd frame is truncated" -- "$fnseal" verify --key "$keys/ed25519.pub.pem" truncated.fnb

expect_exit 3 "bundle is not signed" -- "$fnseal" verify --key "$keys/ed25519.pub.pem" "$bundle"

# A manifest with fields of the wrong type, or with terminal control sequences, in an unsigned
# bundle (inspect) and in a validly signed one (verify): reports and exit codes by contract,
# never a crash, and no control byte reaches the terminal. with_manifest OUT PYTHON: the unsigned
# example bundle with its manifest changed by PYTHON (on `m`) and the provenance subject updated.
with_manifest() {
  rm -rf u && mkdir u && zstd -q -d -c <"$bundle" | tar -x -C u -f -  # zstd ignores symlinks given by name
  /usr/bin/python3 - u "$2" <<'PY'
import hashlib, json, sys
root, change = sys.argv[1], sys.argv[2]
m = json.load(open(root + "/manifest.json"))
exec(change)
data = json.dumps(m, indent=2).encode()
open(root + "/manifest.json", "wb").write(data)
path = root + "/attestations/provenance.statement.json"
statement = json.load(open(path))
for subject in statement["subject"]:
    if subject["name"] == "manifest.json":
        subject["digest"]["sha256"] = hashlib.sha256(data).hexdigest()
open(path, "w").write(json.dumps(statement))
PY
  repack u "$1"
}
with_manifest fn-string.fnb 'm["function"] = "x"'
expect_exit 0 "" -- "$fnseal" inspect fn-string.fnb
with_manifest fn-name-number.fnb 'm["function"] = {"name": 5}'
expect_exit 0 "function ?, entrypoint ?, runtime ?" -- "$fnseal" inspect fn-name-number.fnb
with_manifest fn-escape.fnb 'm["function"]["name"] = "x\x1b[1A\x1b[2K\rverified\x07"'
expect_exit 0 'function x\x1b[1A\x1b[2K\x0dverified\x07, entrypoint bootstrap' -- "$fnseal" inspect fn-escape.fnb
grep -q $'\x1b' out.txt && fail "inspect printed an ESC byte: $(cat -v out.txt)"
with_manifest media-number.fnb 'm["mediaType"] = 5'
"$fnseal" sign --quiet --key "$keys/ed25519.pem" media-number.fnb
expect_exit 3 "" -- "$fnseal" verify --json --key "$keys/ed25519.pub.pem" media-number.fnb
/usr/bin/python3 -c 'import json,sys; r = json.load(open("out.txt")); assert r["verified"] is False, r' ||
  fail "verify --json gave no report: $(cat out.txt)"
expect_exit 3 "manifest mediaType is not" -- "$fnseal" verify --key "$keys/ed25519.pub.pem" media-number.fnb

# Who signed: every trusted key that signed an attestation, and which signed which. mixed OUT A B:
# the example bundle with its provenance from a copy signed by keys A and its SBOMs from one
# signed by keys B (comma-separated key names); the payloads are the same bytes in both.
mixed() {
  local out=$1 name
  for side in a b; do
    cp "$bundle" "mix-$side.fnb" && chmod u+w "mix-$side.fnb"
    local keys_flags=()
    IFS=, read -r -a names <<<"$([[ $side == a ]] && echo "$2" || echo "$3")"
    for name in "${names[@]}"; do keys_flags+=(--key "$keys/$name.pem"); done
    "$fnseal" sign --quiet "${keys_flags[@]}" "mix-$side.fnb"
    rm -rf "mix-$side" && mkdir "mix-$side" && zstd -q -d -c <"mix-$side.fnb" | tar -x -C "mix-$side" -f -
  done
  cp mix-b/attestations/sbom.* mix-a/attestations/
  repack mix-a "$out"
}
all_keys=(--key "$keys/ed25519.pub.pem" --key "$keys/ed25519-b.pub.pem" --key "$keys/ecdsa-p256.pub.pem")
mixed mixed-2.fnb ed25519,ed25519-b ed25519,ecdsa-p256
expect_exit 0 "signed by   3 trusted keys" -- "$fnseal" verify "${all_keys[@]}" --threshold 2 mixed-2.fnb
grep -q "attestations/provenance.dsse.json:" out.txt || fail "no per-attestation signers: $(cat out.txt)"
expect_exit 0 "" -- "$fnseal" verify --json "${all_keys[@]}" --threshold 2 mixed-2.fnb
/usr/bin/python3 - out.txt <<'PY' || fail "verify --json signers: $(cat out.txt)"
import json, sys
r = json.load(open(sys.argv[1]))
assert len(r["keyIds"]) == 3, r["keyIds"]
per = dict(zip(r["attestations"], r["attestationKeyIds"]))
assert len(per["attestations/provenance.dsse.json"]) == 2 and len(per["attestations/sbom.spdx-2.3.dsse.json"]) == 2, per
assert per["attestations/provenance.dsse.json"] != per["attestations/sbom.spdx-2.3.dsse.json"], per
PY
mixed mixed-1.fnb ed25519 ed25519-b
expect_exit 0 "signed by   2 trusted keys" -- "$fnseal" verify "${all_keys[@]}" mixed-1.fnb
expect_exit 3 "signature threshold not met" -- "$fnseal" verify "${all_keys[@]}" --threshold 2 mixed-1.fnb

# In-place signing through a symbolic link signs the file it points at and keeps the link; the
# file keeps its mode.
cp "$bundle" target.fnb && chmod 0600 target.fnb && ln -sf target.fnb link.fnb
expect_exit 0 "" -- "$fnseal" sign --key "$keys/ed25519.pem" link.fnb
[[ -L link.fnb ]] || fail "signing through a link replaced the link with a file"
[[ $(stat -c %a target.fnb) == 600 ]] || fail "a 0600 bundle came back $(stat -c %a target.fnb)"
expect_exit 0 "" -- "$fnseal" verify --key "$keys/ed25519.pub.pem" target.fnb

# Concurrent signers with different keys take turns: every run keeps both signatures.
for run in 1 2 3 4 5 6 7 8; do
  cp "$bundle" race.fnb && chmod u+w race.fnb
  "$fnseal" sign --quiet --key "$keys/ed25519.pem" race.fnb & first=$!
  "$fnseal" sign --quiet --key "$keys/ecdsa-p256.pem" race.fnb & second=$!
  wait "$first" && wait "$second" || fail "run $run: a concurrent signer failed"
  expect_exit 0 "signed by   2 trusted keys" -- "$fnseal" verify --key "$keys/ed25519.pub.pem" \
    --key "$keys/ecdsa-p256.pub.pem" --threshold 2 race.fnb
done

# Usage and plain failures have their own exit codes.
expect_exit 2 "" -- "$fnseal" verify signed.fnb
expect_exit 2 "" -- "$fnseal" no-such-command
expect_exit 1 "no-such.fnb" -- "$fnseal" verify --key "$keys/ed25519.pub.pem" no-such.fnb
expect_exit 0 "" -- "$fnseal" verify --help

# Signing refuses to leave a half-written bundle: a failed sign leaves the input untouched.
cp signed.fnb before.fnb
expect_exit 1 "already signed" -- "$fnseal" sign --key "$keys/ed25519.pem" signed.fnb
cmp -s before.fnb signed.fnb || fail "a failed sign changed the bundle"
grep -q 'tmp-' <<<"$(ls)" && fail "a failed sign left a temporary file: $(ls)"

finish "all CLI bundle checks passed"
