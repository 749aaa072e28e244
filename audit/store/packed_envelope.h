// How the store keeps signed envelopes: each as one zstd frame that records its content size,
// about a fifth of the envelope (its payload is base64 of JSON), and read back byte for byte.
#ifndef FNSEAL_AUDIT_STORE_PACKED_ENVELOPE_H_
#define FNSEAL_AUDIT_STORE_PACKED_ENVELOPE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace fnseal {

// The largest envelope the store unpacks: the bundle format's limit on one attestation file.
inline constexpr uint64_t kMaxPackedEnvelopeBytes = 16 << 20;

// Internal if compression fails (out of memory).
Result<std::string> PackEnvelope(std::string_view envelope);

// DataLoss for anything but one whole frame, ResourceExhausted beyond kMaxPackedEnvelopeBytes.
Result<std::string> UnpackEnvelope(std::string_view packed);

}  // namespace fnseal

#endif  // FNSEAL_AUDIT_STORE_PACKED_ENVELOPE_H_
