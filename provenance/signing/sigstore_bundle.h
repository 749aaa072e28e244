// Sigstore bundle v0.3 (protobuf-specs dev.sigstore.bundle.v1.Bundle, proto3 JSON): export a
// DSSE envelope so that Sigstore verifiers accept it with a public key, and import one back.
//
// An exported bundle carries the key only as a hint, base64(sha256(DER SPKI)), with no
// transparency log entries and no timestamps, so verifiers must be configured with the public
// key and their log/timestamp thresholds at 0:
//
//   {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
//    "verificationMaterial": {"publicKey": {"hint": H}, "tlogEntries": []},
//    "dsseEnvelope": {"payload": B64, "payloadType": T, "signatures": [{"sig": B64, "keyid": H}]}}
//
// Importing never trusts the bundle: the hint is checked for consistency only and never selects
// a key; callers verify the returned envelope against keys from their policy (VerifyDsseEnvelope).
// Functions are thread-safe.
#ifndef FNSEAL_PROVENANCE_SIGNING_SIGSTORE_BUNDLE_H_
#define FNSEAL_PROVENANCE_SIGNING_SIGSTORE_BUNDLE_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"
#include "provenance/signing/dsse.h"
#include "provenance/signing/keys.h"

namespace fnseal {

inline constexpr char kSigstoreBundleV03MediaType[] = "application/vnd.dev.sigstore.bundle.v0.3+json";

// Bundle JSON for the one signature in `envelope` made by `key`, found by verifying each
// signature over the PAE (keyids are not trusted for this). The signature's keyid becomes the
// key's Sigstore hint, as the spec requires. FailedPrecondition if `key` made no signature.
// Compact JSON with sorted keys, no trailing newline.
Result<std::string> ExportSigstoreBundle(const DsseEnvelope& envelope, const PublicKey& key);

// Limits on untrusted bundles; exceeding one is ResourceExhausted.
struct SigstoreBundleLimits {
  size_t max_bundle_size = 32 << 20;  // bytes of bundle JSON
  size_t max_tlog_entries = 64;
};

// Parses bundle JSON strictly and returns its DSSE envelope (keyid = the bundle's hint).
//  - mediaType: v0.3, or one of the earlier forms the spec says clients must accept
//    ("application/vnd.dev.sigstore.bundle+json;version=0.1|0.2|0.3"); anything else is
//    InvalidArgument.
//  - Fields as proto3 JSON maps them: lowerCamelCase or the proto field name (not both), null
//    the same as absent, unknown fields rejected (the proto3 JSON default, as sigstore-go does).
//  - Exactly one DSSE signature (the spec's MUST); a non-empty payload and signature; a DSSE
//    keyid equal to verificationMaterial.publicKey.hint when the hint is set.
//  - Certificate-based ("keyless") material and message signatures are Unimplemented: fnseal
//    verifies only with keys from its trust policy.
//  - tlogEntries and timestampVerificationData are checked for shape only, then dropped: fnseal
//    does not verify transparency logs or timestamps, and nothing in them is returned.
Result<DsseEnvelope> ImportSigstoreBundle(std::string_view json, const SigstoreBundleLimits& limits = {});

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_SIGNING_SIGSTORE_BUNDLE_H_
