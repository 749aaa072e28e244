// Streaming gzip (RFC 1952) compression with a fixed header, for OCI image layers.
//
// The output depends only on the input bytes, the level and the zlib version: the 10-byte
// header is always 1f 8b 08 00 00000000 00 ff (deflate, no flags, no mtime, no file name, XFL 0
// at every level, OS 255 "unknown"), followed by one raw deflate stream (window 2^15, memory
// level 8, default strategy) and the CRC-32 and size trailer. One member only. See
// docs/formats.md. There is no gzip reader here: fnseal never reads gzip it did not write; tests
// check the output with zlib's own gzip decoder and the gzip CLI. Objects are not thread-safe.
#ifndef FNSEAL_FORMATS_GZIP_GZIP_H_
#define FNSEAL_FORMATS_GZIP_GZIP_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/io.h"
#include "core/status.h"

namespace fnseal {

// The header every GzipWriter stream starts with.
inline constexpr char kGzipHeader[10] = {'\x1f', '\x8b', '\x08', '\x00', '\x00',
                                         '\x00', '\x00', '\x00', '\x00', '\xff'};

struct GzipOptions {
  int level = 6;  // zlib level 1..9
};

// A sink that compresses into `out` (borrowed). Finish() must be called after the last Write;
// an unfinished stream is incomplete. After an error the writer is unusable.
class GzipWriter : public ByteSink {
 public:
  // InvalidArgument for a level outside 1..9.
  static Result<std::unique_ptr<GzipWriter>> Create(ByteSink* out, const GzipOptions& options = {});
  ~GzipWriter() override;
  GzipWriter(const GzipWriter&) = delete;
  GzipWriter& operator=(const GzipWriter&) = delete;

  Status Write(std::string_view bytes) override;
  // Ends the deflate stream and writes the trailer. Must be called once.
  Status Finish();

 private:
  struct Rep;
  explicit GzipWriter(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

// One-shot helper over GzipWriter.
Result<std::string> GzipCompress(std::string_view data, const GzipOptions& options = {});

}  // namespace fnseal

#endif  // FNSEAL_FORMATS_GZIP_GZIP_H_
