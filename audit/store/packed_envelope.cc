#include "audit/store/packed_envelope.h"

#include <zstd.h>

#include "formats/zstd/zstd.h"

namespace fnseal {

Result<std::string> PackEnvelope(std::string_view envelope) {
  // zstd's one-shot API, single-threaded (envelopes are small and packed on ingest's workers),
  // with one context per thread: creating one per envelope cost more than compressing it. Level 1:
  // base64 payloads pack as small at level 3, more slowly.
  struct Context {
    ZSTD_CCtx* cctx = ZSTD_createCCtx();
    ~Context() { ZSTD_freeCCtx(cctx); }
  };
  thread_local Context context;
  if (context.cctx == nullptr) return ResourceExhaustedError("zstd: cannot create a compression context");
  std::string out(ZSTD_compressBound(envelope.size()), '\0');
  const size_t size = ZSTD_compressCCtx(context.cctx, out.data(), out.size(), envelope.data(), envelope.size(), 1);
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
