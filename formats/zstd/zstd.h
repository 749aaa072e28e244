// Streaming zstd compression and strict decompression.
//
// Compression is deterministic: the same input, level and long-window setting give the same
// frame for any worker count >= 1 (zstd's multi-threaded mode is always used, with at least one
// worker). Every frame records its content size and a checksum.
//
// Decompression accepts exactly one frame that declares its content size, whose window fits the
// limit, whose output matches the declared size, and that is followed by nothing. Objects are
// not thread-safe.
#ifndef FNSEAL_FORMATS_ZSTD_ZSTD_H_
#define FNSEAL_FORMATS_ZSTD_ZSTD_H_

#include <cstdint>
#include <memory>

#include "core/io.h"
#include "core/status.h"

namespace fnseal {

struct ZstdOptions {
  int level = 3;             // 1..19 (20..22 need long_window)
  bool long_window = false;  // 128 MiB window (window log 27)
  int workers = 1;           // >= 1; does not change the output
};

// InvalidArgument naming the setting when `options` is outside the ranges above.
Status ValidateZstdOptions(const ZstdOptions& options);

// A sink that compresses into `out` (borrowed). The exact input size must be known up front;
// writing more or fewer bytes than `content_size` makes Finish() fail.
class ZstdWriter : public ByteSink {
 public:
  static Result<std::unique_ptr<ZstdWriter>> Create(ByteSink* out, uint64_t content_size,
                                                    const ZstdOptions& options = {});
  ~ZstdWriter() override;
  Status Write(std::string_view bytes) override;
  // Ends the frame. Must be called once, after the last Write.
  Status Finish();

 private:
  struct Rep;
  explicit ZstdWriter(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

struct ZstdLimits {
  int max_window_log = 27;                         // 128 MiB, the most fnseal writes
  uint64_t max_content_size = uint64_t{16} << 30;  // 16 GiB
};

// A source that decompresses one frame from `in` (borrowed). Read() fails with DataLoss on a
// corrupt or truncated frame or trailing data, ResourceExhausted beyond the limits.
class ZstdReader : public ByteSource {
 public:
  explicit ZstdReader(ByteSource* in, ZstdLimits limits = {});
  ~ZstdReader() override;
  Result<size_t> Read(void* data, size_t size) override;
  // The content size from the frame header; valid after the first Read.
  uint64_t content_size() const;

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

// One-shot helpers over the streaming classes.
Result<std::string> ZstdCompress(std::string_view data, const ZstdOptions& options = {});
Result<std::string> ZstdDecompress(std::string_view frame, ZstdLimits limits = {});

}  // namespace fnseal

#endif  // FNSEAL_FORMATS_ZSTD_ZSTD_H_
