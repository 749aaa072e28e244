#include "audit/store/packed_envelope.h"

#include <zstd.h>

#include "formats/zstd/zstd.h"

namespace fnseal {

Result<std::string> PackEnvelope(std::string_view envelope) {
  // zstd's one-shot API, single-threaded: envelopes are small and packed on ingest's workers.
  std::string out(ZSTD_compressBound(envelope.size()), '\0');
  const size_t size = ZSTD_compress(out.data(), out.size(), envelope.data(), envelope.size(), 3);
  if (ZSTD_isError(size)) return InternalError(std::string("zstd: ") + ZSTD_getErrorName(size));
  out.resize(size);
  return out;
}

Result<std::string> UnpackEnvelope(std::string_view packed) {
  ZstdLimits limits;
  limits.max_content_size = kMaxPackedEnvelopeBytes;
  return ZstdDecompress(packed, limits).Annotate("stored envelope");
}

}  // namespace fnseal
