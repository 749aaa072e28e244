// DSSE (Dead Simple Signing Envelope) v1: pre-authentication encoding, envelope JSON, signing,
// and threshold verification.
//
// The signature covers PAE(payloadType, payload) over the exact payload bytes. Verification
// tries every trusted key against every signature (the keyid is only a hint and never selects
// a key), counts unique trusted keys, and returns the payload bytes it verified — callers parse
// those, never a re-serialization. Functions are thread-safe.
#ifndef FNSEAL_PROVENANCE_SIGNING_DSSE_H_
#define FNSEAL_PROVENANCE_SIGNING_DSSE_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "provenance/signing/keys.h"

namespace fnseal {

// Limits on untrusted envelopes; exceeding one is ResourceExhausted.
struct DsseLimits {
  size_t max_envelope_size = 32 << 20;  // bytes of envelope JSON
  size_t max_signatures = 16;
};

struct DsseSignature {
  std::string keyid;      // hint only
  std::string signature;  // raw bytes (decoded from base64)
};

struct DsseEnvelope {
  std::string payload_type;
  std::string payload;  // raw bytes (decoded from base64)
  std::vector<DsseSignature> signatures;
};

// "DSSEv1" SP len(type) SP type SP len(body) SP body, lengths in decimal bytes.
std::string PreAuthEncoding(std::string_view payload_type, std::string_view payload);

// Parses envelope JSON strictly: the three fields with the right types, base64 in either
// alphabet, no duplicate keys, no unknown top-level fields. InvalidArgument / ResourceExhausted.
Result<DsseEnvelope> ParseDsseEnvelope(std::string_view json, const DsseLimits& limits = {});

// Envelope JSON with padded standard base64, keys in a fixed order, no trailing newline.
std::string SerializeDsseEnvelope(const DsseEnvelope& envelope);

// Signs PAE(payload_type, payload) with `signer` and appends the signature (keyid = its public
// key's id). FailedPrecondition if the envelope already carries a signature by the same key;
// the signer's own error, with the envelope unchanged, if it cannot sign.
Status AddDsseSignature(DsseEnvelope* envelope, const Signer& signer);

struct VerifiedPayload {
  std::string payload_type;
  std::string payload;                // the exact bytes the signatures cover
  std::vector<std::string> key_ids;   // unique trusted keys with a valid signature, sorted
};

// Verifies that at least `threshold` (>= 1) distinct keys among `trusted` made a valid signature.
// PermissionDenied otherwise, saying how many were found and needed.
Result<VerifiedPayload> VerifyDsseEnvelope(const DsseEnvelope& envelope, const std::vector<PublicKey>& trusted,
                                           int threshold);

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_SIGNING_DSSE_H_
