#!/usr/bin/env bash
# End to end through the CLI: `fnseal sign` of any file, of envelope files and with a passphrase
# typed at a terminal; `fnseal verify` of .intoto.jsonl files and Sigstore bundles with
# --artifact, with --key and --threshold and under a trust policy; `fnseal export` of an envelope
# file. Every rejection is checked for its exit code and message.
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
keys=$PWD/testdata/keys
work=${TEST_TMPDIR:-$(mktemp -d)}/cli-attestation
rm -rf "$work" && mkdir -p "$work" && cd "$work"

head -c 300000 /dev/urandom >app.bin
echo "model weights" >model.bin
ed=(--key "$keys/ed25519.pub.pem")
ec=(--key "$keys/ecdsa-p256.pub.pem")

# Any file: a signed statement naming its sha256, written next to it.
expect_exit 0 "signed a statement over 'app.bin' in app.bin.intoto.jsonl with 1 key" -- \
  "$fnseal" sign --key "$keys/ed25519.pem" app.bin
expect_exit 0 "signed as 'app.bin'" -- "$fnseal" verify app.bin.intoto.jsonl --artifact app.bin "${ed[@]}"
expect_exit 0 "" -- "$fnseal" verify --json app.bin.intoto.jsonl --artifact app.bin "${ed[@]}"
report=$(cat out.txt)
want_sha=$(sha256sum app.bin | cut -d' ' -f1)
[[ $report == *"\"sha256\": \"$want_sha\""* ]] || fail "json report lacks the artifact's sha256: $report"
[[ $report == *'"kind": "dsse"'* ]] || fail "json report kind: $report"
[[ $report == *'"predicateType": "https://fnseal.dev/attestations/signed-file/v1"'* ]] || fail "predicate: $report"
lines=$(wc -l <app.bin.intoto.jsonl)
[[ $lines == 1 ]] || fail "a signed file gives one JSON line, got $lines"

# Nothing is overwritten; a second signature is added by signing the envelope file.
expect_exit 1 "already exists; to add a signature to it" -- "$fnseal" sign --key "$keys/ed25519.pem" app.bin
expect_exit 1 "already signed by key" -- "$fnseal" sign --key "$keys/ed25519.pem" app.bin.intoto.jsonl
expect_exit 0 "signed 1 envelope in app.bin.intoto.jsonl" -- "$fnseal" sign --key "$keys/ecdsa-p256.pem" app.bin.intoto.jsonl
expect_exit 0 "signed by   2 trusted keys" -- \
  "$fnseal" verify app.bin.intoto.jsonl --artifact app.bin "${ed[@]}" "${ec[@]}" --threshold 2
expect_exit 3 "signature threshold not met: 1 of 2 trusted keys signed" -- "$fnseal" verify app.bin.intoto.jsonl "${ed[@]}" --threshold 2

# One P-256 key written three ways, and its one signature copied three times, must not meet a
# threshold of 2: the explicit-parameter encodings are refused before anything is verified.
expect_exit 0 "" -- "$fnseal" sign --key "$keys/ecdsa-p256.pem" model.bin
/usr/bin/python3 - model.bin.intoto.jsonl copied.intoto.jsonl <<'PY'
import json, sys
envelope = json.loads(open(sys.argv[1]).read())
envelope["signatures"] = envelope["signatures"] * 3
open(sys.argv[2], "w").write(json.dumps(envelope) + "\n")
PY
for explicit in ecdsa-p256-explicit ecdsa-p256-explicit-noseed; do
  expect_exit 1 "explicit curve parameters are refused" -- "$fnseal" verify copied.intoto.jsonl "${ec[@]}" \
    --key "$keys/$explicit.pub.pem" --threshold 2
done
rm model.bin.intoto.jsonl

# Rejections: another key, changed artifact bytes, a changed signed payload.
expect_exit 3 "verification failed" -- "$fnseal" verify app.bin.intoto.jsonl --key "$keys/ed25519-b.pub.pem"
cp app.bin changed.bin
printf 'x' >>changed.bin
expect_exit 3 "artifact 'changed.bin' (sha256" -- "$fnseal" verify app.bin.intoto.jsonl --artifact changed.bin "${ed[@]}"
expect_exit 1 "cannot open" -- "$fnseal" verify app.bin.intoto.jsonl --artifact missing.bin "${ed[@]}"
/usr/bin/python3 - app.bin.intoto.jsonl tampered.intoto.jsonl <<'PY'
import base64, json, sys
envelope = json.loads(open(sys.argv[1]).read())
statement = json.loads(base64.b64decode(envelope["payload"]))
statement["subject"][0]["name"] = "other.bin"
envelope["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
open(sys.argv[2], "w").write(json.dumps(envelope) + "\n")
PY
expect_exit 3 "envelope #1" -- "$fnseal" verify tampered.intoto.jsonl "${ed[@]}"

# JSON Lines with two envelopes, each artifact matched to its own subject.
expect_exit 0 "" -- "$fnseal" sign --key "$keys/ed25519.pem" model.bin
cat app.bin.intoto.jsonl model.bin.intoto.jsonl >both.intoto.jsonl
expect_exit 0 "(jsonl, 2 statements)" -- "$fnseal" verify both.intoto.jsonl --artifact model.bin --artifact app.bin "${ed[@]}"
grep -qF "signed as 'model.bin'" out.txt || fail "model.bin subject: $(cat out.txt)"

# Sigstore bundle export of an envelope file, verified back with the artifact.
expect_exit 1 "holds 2 envelopes; choose one with --envelope N" -- \
  "$fnseal" export --sigstore "${ed[@]}" -o both.sigstore.json both.intoto.jsonl
expect_exit 0 "" -- "$fnseal" export --sigstore "${ed[@]}" --envelope 2 -o model.sigstore.json both.intoto.jsonl
expect_exit 0 "(sigstore-bundle, 1 statement)" -- "$fnseal" verify model.sigstore.json --artifact model.bin "${ed[@]}"
expect_exit 3 "sigstore bundle" -- "$fnseal" verify model.sigstore.json "${ec[@]}"
expect_exit 1 "is a Sigstore bundle, which holds exactly one signature" -- \
  "$fnseal" sign --as envelope --key "$keys/ecdsa-p256.pem" model.sigstore.json

# --as file signs even an envelope file as plain bytes.
expect_exit 0 "signed a statement over 'both.intoto.jsonl'" -- \
  "$fnseal" sign --as file --key "$keys/ed25519.pem" -o meta.intoto.jsonl both.intoto.jsonl
expect_exit 0 "" -- "$fnseal" verify meta.intoto.jsonl --artifact both.intoto.jsonl "${ed[@]}"

# A trust policy: keys, threshold and the accepted predicate types apply to attestations too.
cat >policy.json <<JSON
{"version": 1, "threshold": 1,
 "keys": [{"name": "release", "publicKeyFile": "$keys/ed25519.pub.pem"}],
 "predicateTypes": ["https://fnseal.dev/attestations/signed-file/v1"]}
JSON
sed 's|https://fnseal.dev/attestations/signed-file/v1|https://example.com/other/v1|' policy.json >other-type.json
cp "$keys/ed25519.pub.pem" .
sed -i "s|$keys/ed25519.pub.pem|ed25519.pub.pem|" policy.json other-type.json
expect_exit 0 "policy keys release" -- "$fnseal" verify --policy policy.json app.bin.intoto.jsonl --artifact app.bin
expect_exit 3 "policy rule 'predicateTypes'" -- "$fnseal" verify --policy other-type.json app.bin.intoto.jsonl
expect_exit 3 "policy rule 'signatures'" -- "$fnseal" verify --policy policy.json app.bin.intoto.jsonl --artifact changed.bin

# Usage errors.
touch empty.fnb
expect_exit 2 "--artifact is for attestation files" -- "$fnseal" verify "${ed[@]}" --artifact app.bin empty.fnb

# An encrypted key with no passphrase source: refused without a terminal, asked for with one.
expect_exit 1 "is encrypted: give its passphrase" -- \
  "$fnseal" sign --key "$keys/ed25519-encrypted.pem" -o prompt.intoto.jsonl model.bin </dev/null
passphrase=$(cat "$keys/ed25519-encrypted.passphrase")
expect_exit 0 "Passphrase for signing key" -- script -qec \
  "'$fnseal' sign --key '$keys/ed25519-encrypted.pem' -o prompt.intoto.jsonl model.bin" /dev/null \
  < <(printf '%s\n' "$passphrase")
expect_exit 0 "" -- "$fnseal" verify prompt.intoto.jsonl --artifact model.bin --key "$keys/ed25519-encrypted.pub.pem"
expect_exit 1 "wrong passphrase" -- script -qec \
  "'$fnseal' sign --key '$keys/ed25519-encrypted.pem' -o wrong.intoto.jsonl model.bin" /dev/null \
  < <(printf 'not the passphrase\n')
[[ ! -e wrong.intoto.jsonl ]] || fail "a failed sign left wrong.intoto.jsonl behind"

# keygen asks twice at a terminal and writes nothing when the answers differ.
expect_exit 0 "encrypted" -- script -qec "'$fnseal' keygen -o typed" /dev/null < <(printf 'pass one\npass one\n')
PASS="pass one" expect_exit 0 "" -- "$fnseal" sign --key typed.pem --passphrase-env PASS -o typed.intoto.jsonl model.bin
expect_exit 1 "the two passphrases differ" -- script -qec "'$fnseal' keygen -o typo" /dev/null < <(printf 'a1\na2\n')
[[ ! -e typo.pem && ! -e typo.pub.pem ]] || fail "keygen left files after differing passphrases"

finish "attestation CLI checks passed"
