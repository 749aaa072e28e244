#!/usr/bin/env bash
# Interop: independent verifiers must accept what fnseal signs and exports, and reject it once
# tampered; fnseal must accept what they sign.
#
# 1. Sigstore: builds the example bundle, signs it with the Ed25519 and the ECDSA P-256 test keys, exports each
# signature as a Sigstore bundle v0.3 (`fnseal export --sigstore`) and verifies it with the npm
# package @sigstore/verify (sigstore_verify.mjs: the public key only, all log/timestamp
# thresholds 0). Then checks that the verifier rejects a flipped payload byte, a flipped
# signature byte and the wrong key.
# 2. securesystemslib (Debian's python3-securesystemslib, through /usr/bin/python3): verifies
# fnseal's Ed25519 and ECDSA signatures over a PAE it builds itself, and signs one that fnseal
# must verify (securesystemslib_interop.py).
# 3. The openssl CLI: `openssl pkeyutl -verify` checks fnseal's raw signatures over the PAE.
# Exits non-zero, loudly, if any of that does not hold.
#
# Environment: BAZEL (default "bazel"), FNSEAL_BAZEL_OUTPUT_BASE (a separate output base, shut
# down at the end), CI (when set, the Bazel server is shut down at the end either way).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
name=interop
source "$here/../script_lib.sh"
npm_ci "$here"

# --- build fnseal and the example bundle ---------------------------------------------------------
cd "$root"
"${bazel[@]}" build --symlink_prefix=/ //tools/fnseal //examples/hello:hello_bundle ||
  die "bazel build failed"
bin=$("${bazel[@]}" info --symlink_prefix=/ bazel-bin 2>/dev/null)
fnseal=$bin/tools/fnseal/fnseal
bundle=$bin/examples/hello/hello_bundle.fnb
[[ -x $fnseal && -f $bundle ]] || die "built outputs not found under $bin"

keys=$root/testdata/keys
verify=("node" "$here/sigstore_verify.mjs")

# expect_rejected WHAT BUNDLE KEY: the verifier must refuse.
expect_rejected() {
  if "${verify[@]}" "$2" "$3" 2>"$work/err.txt"; then
    die "@sigstore/verify ACCEPTED $1 ($2)"
  fi
  echo "interop: rejected as expected, $1: $(cat "$work/err.txt")"
}

# tamper FIELD IN OUT: flips one bit of the decoded bytes of dsseEnvelope.payload or of the sig.
tamper() {
  node -e '
    const fs = require("fs");
    const [field, input, output] = process.argv.slice(1);
    const b = JSON.parse(fs.readFileSync(input, "utf8"));
    const holder = field === "payload" ? b.dsseEnvelope : b.dsseEnvelope.signatures[0];
    const key = field === "payload" ? "payload" : "sig";
    const bytes = Buffer.from(holder[key], "base64");
    bytes[Math.floor(bytes.length / 2)] ^= 0x01;
    holder[key] = bytes.toString("base64");
    fs.writeFileSync(output, JSON.stringify(b));
  ' "$@"
}

for key in ed25519 ecdsa-p256; do
  signed=$work/$key.fnb
  exported=$work/$key.sigstore.json
  cp "$bundle" "$signed" && chmod u+w "$signed"
  "$fnseal" sign --quiet --key "$keys/$key.pem" "$signed" || die "fnseal sign with $key failed"
  "$fnseal" export --sigstore --quiet --key "$keys/$key.pub.pem" "$signed" -o "$exported" ||
    die "fnseal export with $key failed"
  "${verify[@]}" "$exported" "$keys/$key.pub.pem" || die "@sigstore/verify rejected the $key export"

  tamper payload "$exported" "$work/$key.payload.json"
  expect_rejected "$key export with a flipped payload byte" "$work/$key.payload.json" "$keys/$key.pub.pem"
  tamper sig "$exported" "$work/$key.sig.json"
  expect_rejected "$key export with a flipped signature byte" "$work/$key.sig.json" "$keys/$key.pub.pem"
done
expect_rejected "ed25519 export checked with another Ed25519 key" "$work/ed25519.sigstore.json" \
  "$keys/ed25519-b.pub.pem"
expect_rejected "ed25519 export checked with the ECDSA key" "$work/ed25519.sigstore.json" "$keys/ecdsa-p256.pub.pem"

echo "interop: all Sigstore checks passed (2 verified, 6 rejected as expected)"

# --- securesystemslib, both directions -------------------------------------------------------------
/usr/bin/python3 "$here/securesystemslib_interop.py" "$fnseal" "$keys" "$work" || die "securesystemslib interop failed"

# --- openssl pkeyutl on fnseal's raw signatures ------------------------------------------------------
echo "signed by fnseal, checked by openssl" >"$work/openssl.txt"
"$fnseal" sign --quiet --key "$keys/ed25519.pem" "$work/openssl.txt"
"$fnseal" sign --quiet --key "$keys/ecdsa-p256.pem" "$work/openssl.txt.intoto.jsonl"
# Writes the PAE and each signature's raw bytes (sig0.bin, sig1.bin) from the envelope.
node -e '
  const fs = require("fs");
  const [input, dir] = process.argv.slice(1);
  const e = JSON.parse(fs.readFileSync(input, "utf8"));
  const payload = Buffer.from(e.payload, "base64");
  const type = Buffer.from(e.payloadType, "utf8");
  fs.writeFileSync(dir + "/pae.bin", Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]));
  e.signatures.forEach((s, i) => fs.writeFileSync(`${dir}/sig${i}.bin`, Buffer.from(s.sig, "base64")));
' "$work/openssl.txt.intoto.jsonl" "$work"
pkeyutl_ed=(openssl pkeyutl -verify -pubin -inkey "$keys/ed25519.pub.pem" -rawin -sigfile "$work/sig0.bin")
pkeyutl_ec=(openssl pkeyutl -verify -pubin -inkey "$keys/ecdsa-p256.pub.pem" -rawin -digest sha256 -sigfile "$work/sig1.bin")
"${pkeyutl_ed[@]}" -in "$work/pae.bin" >/dev/null || die "openssl pkeyutl rejected fnseal's Ed25519 signature"
"${pkeyutl_ec[@]}" -in "$work/pae.bin" >/dev/null || die "openssl pkeyutl rejected fnseal's ECDSA signature"
printf 'x' >>"$work/pae.bin"
if "${pkeyutl_ed[@]}" -in "$work/pae.bin" >/dev/null 2>&1; then die "openssl accepted an Ed25519 signature over a changed PAE"; fi
if "${pkeyutl_ec[@]}" -in "$work/pae.bin" >/dev/null 2>&1; then die "openssl accepted an ECDSA signature over a changed PAE"; fi
echo "interop: openssl pkeyutl verified fnseal's Ed25519 and ECDSA signatures and rejected a changed PAE"
