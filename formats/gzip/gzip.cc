#include "formats/gzip/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <string>

namespace fnseal {

struct GzipWriter::Rep {
  ~Rep() {
    if (initialized) deflateEnd(&z);
  }
  // Runs deflate over `in` with `flush` and writes what it produces to `out`.
  Status Deflate(std::string_view in, int flush) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    for (;;) {
      z.next_out = reinterpret_cast<Bytef*>(buffer.data());
      z.avail_out = static_cast<uInt>(buffer.size());
      int rc = deflate(&z, flush);
      if (rc == Z_STREAM_ERROR) return InternalError("zlib deflate failed");
      size_t produced = buffer.size() - z.avail_out;
      if (produced > 0) RETURN_IF_ERROR(out->Write(std::string_view(buffer.data(), produced)));
      if (flush == Z_FINISH ? rc == Z_STREAM_END : (z.avail_in == 0 && z.avail_out != 0)) break;
    }
    return OkStatus();
  }

  ByteSink* out = nullptr;
  z_stream z{};
  bool initialized = false;
  bool failed = false;
  bool finished = false;
  uLong crc = crc32(0, nullptr, 0);
  uint64_t size = 0;
  std::string buffer = std::string(1 << 16, '\0');
};

GzipWriter::GzipWriter(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
GzipWriter::~GzipWriter() = default;

Result<std::unique_ptr<GzipWriter>> GzipWriter::Create(ByteSink* out, const GzipOptions& options) {
  if (options.level < 1 || options.level > 9) {
    return InvalidArgumentError("gzip level " + std::to_string(options.level) + " is outside 1..9");
  }
  auto rep = std::make_unique<Rep>();
  rep->out = out;
  // Raw deflate (negative window bits): the header and trailer are ours, so zlib's own gzip
  // header (whose OS and XFL bytes vary with the platform and level) never appears.
  if (deflateInit2(&rep->z, options.level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return InternalError("zlib deflateInit2 failed");
  }
  rep->initialized = true;
  RETURN_IF_ERROR(out->Write(std::string_view(kGzipHeader, sizeof(kGzipHeader))));
  return std::unique_ptr<GzipWriter>(new GzipWriter(std::move(rep)));
}

Status GzipWriter::Write(std::string_view bytes) {
  Rep& r = *rep_;
  if (r.failed || r.finished) return FailedPreconditionError("write to a finished gzip stream");
  // deflate counts in uInt: feed at most 1 GiB at a time.
  constexpr size_t kMaxChunk = size_t{1} << 30;
  while (!bytes.empty()) {
    std::string_view chunk = bytes.substr(0, std::min(bytes.size(), kMaxChunk));
    r.crc = crc32(r.crc, reinterpret_cast<const Bytef*>(chunk.data()), static_cast<uInt>(chunk.size()));
    r.size += chunk.size();
    Status s = r.Deflate(chunk, Z_NO_FLUSH);
    if (!s.ok()) {
      r.failed = true;
      return s;
    }
    bytes.remove_prefix(chunk.size());
  }
  return OkStatus();
}

Status GzipWriter::Finish() {
  Rep& r = *rep_;
  if (r.failed || r.finished) return FailedPreconditionError("gzip stream finished twice or after an error");
  r.finished = true;
  RETURN_IF_ERROR(r.Deflate(std::string_view(), Z_FINISH));
  // Trailer: CRC-32 and the input size modulo 2^32, both little-endian.
  char trailer[8];
  const uint32_t crc = static_cast<uint32_t>(r.crc);
  const uint32_t isize = static_cast<uint32_t>(r.size);
  for (int i = 0; i < 4; ++i) {
    trailer[i] = static_cast<char>((crc >> (8 * i)) & 0xff);
    trailer[4 + i] = static_cast<char>((isize >> (8 * i)) & 0xff);
  }
  return r.out->Write(std::string_view(trailer, sizeof(trailer)));
}

Result<std::string> GzipCompress(std::string_view data, const GzipOptions& options) {
  StringSink sink;
  ASSIGN_OR_RETURN(auto writer, GzipWriter::Create(&sink, options));
  RETURN_IF_ERROR(writer->Write(data));
  RETURN_IF_ERROR(writer->Finish());
  return sink.Release();
}

}  // namespace fnseal
