#!/usr/bin/env bash
# Interop: an independent verifier must accept what fnseal exports, and reject it once tampered.
#
# Builds the example bundle, signs it with the Ed25519 and the ECDSA P-256 test keys, exports each
# signature as a Sigstore bundle v0.3 (`fnseal export --sigstore`) and verifies it with the npm
# package @sigstore/verify (sigstore_verify.mjs: the public key only, all log/timestamp
# thresholds 0). Then checks that the verifier rejects a flipped payload byte, a flipped
# signature byte and the wrong key. Exits non-zero, loudly, if any of that does not hold.
#
# Environment: BAZEL (default "bazel"), FNSEAL_BAZEL_OUTPUT_BASE (a separate output base, shut
# down at the end), CI (when set, the Bazel server is shut down at the end either way).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
bazel=(${BAZEL:-bazel})
if [[ -n ${FNSEAL_BAZEL_OUTPUT_BASE:-} ]]; then bazel+=(--output_base="$FNSEAL_BAZEL_OUTPUT_BASE"); fi
work=$(mktemp -d)
cleanup() {
  rm -rf "$work"
  if [[ -n ${FNSEAL_BAZEL_OUTPUT_BASE:-} || -n ${CI:-} ]]; then
    (cd "$root" && "${bazel[@]}" shutdown) >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

die() { echo "interop: FAIL: $*" >&2; exit 1; }

# --- npm packages, pinned by package.json and package-lock.json; quiet when already there --------
stamp=$here/node_modules/.fnseal-installed
want=$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -c1-64)
if [[ ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
  echo "interop: installing npm packages into tests/interop/node_modules"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  echo "$want" > "$stamp"
fi

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
