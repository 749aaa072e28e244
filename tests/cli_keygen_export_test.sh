#!/usr/bin/env bash
# End to end through the CLI: `fnseal keygen` (file modes, encryption, refusing to overwrite,
# nothing left behind on failure), a keygen -> sign -> verify round trip of the example bundle,
# and `fnseal export --sigstore` (its JSON checked with jq-free greps and the openssl CLI).
set -euo pipefail
source "$PWD/tests/cli_lib.sh"

fnseal=$PWD/tools/fnseal/fnseal
bundle=$PWD/examples/hello/hello_bundle.fnb
keys=$PWD/testdata/keys
work=${TEST_TMPDIR:-$(mktemp -d)}/keygen
rm -rf "$work" && mkdir -p "$work" && cd "$work"
umask 022

# expect_mode FILE MODE: the octal permission bits of FILE.
expect_mode() {
  local got
  got=$(stat -c %a "$1")
  [[ $got == "$2" ]] || fail "$1 has mode $got, want $2"
}
# only_files NAME...: the work directory holds exactly these files besides our scratch files.
only_files() {
  local got want
  got=$(ls -A | grep -v -e '^out.txt$' -e '^err.txt$' | LC_ALL=C sort | tr '\n' ' ')
  want=$(printf '%s\n' "$@" | LC_ALL=C sort | tr '\n' ' ')
  [[ $got == "$want" ]] || fail "directory holds '$got', want '$want'"
}

export KEY_PASS='a passphrase for a test key'
printf '%s\n' "$KEY_PASS" > pass.txt

# --- keygen: encrypted by default, modes 0600 / 0644, key id printed ---------------------------
expect_exit 0 "" -- "$fnseal" keygen --algorithm ed25519 --output ed --passphrase-env KEY_PASS
expect_mode ed.pem 600
expect_mode ed.pub.pem 644
grep -qx -- '-----BEGIN ENCRYPTED PRIVATE KEY-----' <<<"$(head -1 ed.pem)" || fail "ed.pem is not encrypted: $(head -1 ed.pem)"
grep -qx -- '-----BEGIN PUBLIC KEY-----' <<<"$(head -1 ed.pub.pem)" || fail "ed.pub.pem is not SPKI PEM"
# The printed key id and hint are the sha256 of the DER SPKI, computed by openssl.
key_id=$(openssl pkey -pubin -in ed.pub.pem -outform DER | sha256sum | cut -c1-64)
hint=$(openssl pkey -pubin -in ed.pub.pem -outform DER | openssl dgst -sha256 -binary | base64)
grep -qF "key id         $key_id" out.txt || fail "keygen output lacks the key id $key_id: $(cat out.txt)"
grep -qF "sigstore hint  $hint" out.txt || fail "keygen output lacks the hint $hint: $(cat out.txt)"
grep -q "ed25519 private key, encrypted" out.txt || fail "keygen summary: $(cat out.txt)"
# openssl decrypts it with the passphrase, and the private half matches the public one.
openssl pkey -in ed.pem -passin env:KEY_PASS -pubout 2>/dev/null | cmp -s - ed.pub.pem ||
  fail "openssl cannot decrypt ed.pem or its public half differs from ed.pub.pem"
openssl pkey -in ed.pem -passin pass:wrong -noout 2>/dev/null && fail "openssl decrypted ed.pem with a wrong passphrase"

expect_exit 0 "" -- "$fnseal" keygen --json --algorithm ecdsa-p256 -o ec --passphrase-file pass.txt
expect_mode ec.pem 600
expect_mode ec.pub.pem 644
grep -q '"algorithm": "ecdsa-p256-sha256"' out.txt || fail "keygen --json algorithm: $(cat out.txt)"
grep -q '"encrypted": true' out.txt || fail "keygen --json encrypted: $(cat out.txt)"
ec_id=$(openssl pkey -pubin -in ec.pub.pem -outform DER | sha256sum | cut -c1-64)
grep -qF "\"keyId\": \"$ec_id\"" out.txt || fail "keygen --json keyId: $(cat out.txt)"
grep -q 'NIST CURVE: P-256' <<<"$(openssl pkey -in ec.pem -passin file:pass.txt -text -noout 2>/dev/null)" ||
  fail "ec.pem is not a P-256 key that openssl decrypts"

expect_exit 0 "" -- "$fnseal" keygen -o plain --no-passphrase
expect_mode plain.pem 600
grep -qx -- '-----BEGIN PRIVATE KEY-----' <<<"$(head -1 plain.pem)" || fail "plain.pem is not unencrypted PKCS#8"
grep -q "NOT encrypted" out.txt || fail "keygen --no-passphrase does not say so: $(cat out.txt)"

# A restrictive umask only takes bits away.
(umask 077 && "$fnseal" keygen -o tight --no-passphrase >/dev/null)
expect_mode tight.pem 600
expect_mode tight.pub.pem 600

# --- keygen refuses: no passphrase source, several, empty, a passphrase argument ---------------
only_files ed.pem ed.pub.pem ec.pem ec.pub.pem plain.pem plain.pub.pem tight.pem tight.pub.pem pass.txt
expect_exit 2 "give its passphrase with --passphrase-env VAR or --passphrase-file FILE" -- \
  "$fnseal" keygen -o nopass
expect_exit 2 "choose one of" -- "$fnseal" keygen -o both --passphrase-env KEY_PASS --no-passphrase
expect_exit 2 "" -- "$fnseal" keygen -o arg --passphrase "$KEY_PASS"
expect_exit 2 "" -- "$fnseal" keygen -o rsa --algorithm rsa --no-passphrase
EMPTY_PASS='' expect_exit 1 "the passphrase is empty" -- "$fnseal" keygen -o empty --passphrase-env EMPTY_PASS
expect_exit 1 "environment variable NO_SUCH_VAR is not set" -- \
  "$fnseal" keygen -o unset --passphrase-env NO_SUCH_VAR
expect_exit 1 "passphrase file" -- "$fnseal" keygen -o nofile --passphrase-file no-such-file
only_files ed.pem ed.pub.pem ec.pem ec.pub.pem plain.pem plain.pub.pem tight.pem tight.pub.pem pass.txt

# --- keygen never overwrites, and leaves nothing behind when it refuses ------------------------
cp ed.pem ed.pem.before && cp ed.pub.pem ed.pub.pem.before
expect_exit 1 "'ed.pem' already exists; refusing to overwrite it" -- \
  "$fnseal" keygen -o ed --passphrase-env KEY_PASS
cmp -s ed.pem ed.pem.before || fail "a refused keygen changed ed.pem"
cmp -s ed.pub.pem ed.pub.pem.before || fail "a refused keygen changed ed.pub.pem"
rm ed.pem.before ed.pub.pem.before
# Only the public half exists: the private file must not be left behind either.
echo 'not mine' > half.pub.pem
expect_exit 1 "'half.pub.pem' already exists" -- "$fnseal" keygen -o half --passphrase-env KEY_PASS
[[ -e half.pem ]] && fail "a refused keygen left half.pem behind"
grep -qx 'not mine' half.pub.pem || fail "a refused keygen changed half.pub.pem"
rm half.pub.pem
# A dangling symlink is a name that exists too: never write through it.
ln -s "$work/elsewhere.pem" link.pem
expect_exit 1 "'link.pem' already exists" -- "$fnseal" keygen -o link --no-passphrase
[[ -e elsewhere.pem ]] && fail "keygen wrote through a symlink"
rm link.pem
# An unwritable directory: fails, and nothing is left.
mkdir ro && chmod 555 ro
if [[ $(id -u) != 0 ]]; then
  expect_exit 1 "" -- "$fnseal" keygen -o ro/key --no-passphrase
  [[ -z $(ls -A ro) ]] || fail "a failed keygen left files in ro/: $(ls -A ro)"
fi
chmod 755 ro && rmdir ro
grep -q 'tmp-' <<<"$(ls -A)" && fail "keygen left a temporary file: $(ls -A)"
only_files ed.pem ed.pub.pem ec.pem ec.pub.pem plain.pem plain.pub.pem tight.pem tight.pub.pem pass.txt

# --- keygen -> sign -> verify the example bundle -----------------------------------------------
cp "$bundle" hello.fnb && chmod u+w hello.fnb
expect_exit 1 "is encrypted: give its passphrase" -- "$fnseal" sign --key ed.pem hello.fnb
WRONG_PASS=nope expect_exit 1 "cannot decrypt the private key" -- \
  "$fnseal" sign --key ed.pem --passphrase-env WRONG_PASS hello.fnb
expect_exit 0 "" -- "$fnseal" sign --quiet --key ed.pem --passphrase-env KEY_PASS hello.fnb
expect_exit 0 "" -- "$fnseal" sign --quiet --key ec.pem --passphrase-file pass.txt hello.fnb
expect_exit 0 "" -- "$fnseal" verify --threshold 2 --key ed.pub.pem --key ec.pub.pem hello.fnb
grep -q "signed by   2 trusted keys" out.txt || fail "verify summary: $(cat out.txt)"
expect_exit 3 "no signature verifies with a trusted key" -- "$fnseal" verify --key plain.pub.pem hello.fnb

# --- export --sigstore ----------------------------------------------------------------------------
expect_exit 0 "" -- "$fnseal" export --sigstore --key ed.pub.pem hello.fnb -o ed.sigstore.json
grep -q "signature by key ${key_id:0:16}" out.txt || fail "export summary: $(cat out.txt)"
expect_mode ed.sigstore.json 644
json=$(cat ed.sigstore.json)
[[ $json == *'"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json"'* ]] || fail "export mediaType: $json"
[[ $json == *"\"verificationMaterial\":{\"publicKey\":{\"hint\":\"$hint\"},\"tlogEntries\":[]}"* ]] ||
  fail "export verificationMaterial: $json"
[[ $json == *"\"keyid\":\"$hint\""* ]] || fail "export keyid is not the hint: $json"
[[ $(grep -o '"sig":' ed.sigstore.json | wc -l) == 1 ]] || fail "export does not hold exactly one signature"
# The payload is the bundle's statement, byte for byte.
zstd -q -d -c hello.fnb | tar -x -O -f - attestations/provenance.dsse.json > envelope.json
payload=$(sed 's/.*"payload":"\([^"]*\)".*/\1/' envelope.json)
[[ $json == *"\"payload\":\"$payload\""* ]] || fail "export payload differs from the bundle's envelope"
# The exported signature verifies with openssl over the PAE it covers.
sig=$(sed 's/.*"sig":"\([^"]*\)".*/\1/' ed.sigstore.json)
type=application/vnd.in-toto+json
printf '%s' "$payload" | base64 -d > body.bin
{ printf 'DSSEv1 %d %s %d ' ${#type} "$type" "$(stat -c %s body.bin)"; cat body.bin; } > pae.bin
printf '%s' "$sig" | base64 -d > sig.bin
openssl pkeyutl -verify -pubin -inkey ed.pub.pem -rawin -in pae.bin -sigfile sig.bin >/dev/null ||
  fail "openssl does not verify the exported signature over the PAE"

expect_exit 0 "" -- "$fnseal" export --sigstore --quiet --key ec.pub.pem hello.fnb -o ec.sigstore.json
[[ ! -s out.txt ]] || fail "export --quiet printed: $(cat out.txt)"
grep -qF "\"keyid\":\"$(openssl pkey -pubin -in ec.pub.pem -outform DER | openssl dgst -sha256 -binary | base64)\"" \
  ec.sigstore.json || fail "ecdsa export keyid"

expect_exit 1 "no signature in the envelope verifies with key" -- \
  "$fnseal" export --sigstore --key plain.pub.pem hello.fnb -o plain.sigstore.json
[[ -e plain.sigstore.json ]] && fail "a failed export left its output"
expect_exit 1 "the bundle is not signed; run 'fnseal sign' first" -- \
  "$fnseal" export --sigstore --key ed.pub.pem "$bundle" -o unsigned.sigstore.json
expect_exit 2 "choose an export format: --sigstore" -- "$fnseal" export --key ed.pub.pem hello.fnb -o x.json
expect_exit 2 "" -- "$fnseal" export --sigstore hello.fnb -o x.json
expect_exit 1 "no signed attestation 'attestations/sbom.dsse.json'" -- \
  "$fnseal" export --sigstore --attestation sbom --key ed.pub.pem hello.fnb -o x.json
grep -q 'tmp-' <<<"$(ls -A)" && fail "export left a temporary file: $(ls -A)"
expect_exit 0 "" -- "$fnseal" keygen --help
grep -q "never an argument" out.txt || fail "keygen --help lacks its footer"
expect_exit 0 "" -- "$fnseal" export --help

finish "all CLI keygen and export checks passed"
