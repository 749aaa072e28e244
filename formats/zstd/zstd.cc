#include "formats/zstd/zstd.h"

#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_getFrameHeader, ZSTD_frameHeader, ZSTD_customMem
#include <sys/mman.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "core/c_handles.h"

namespace fnseal {
namespace {

Status ZstdError(std::string_view what, size_t code) {
  return InternalError("zstd " + std::string(what) + ": " + ZSTD_getErrorName(code));
}

// zstd's allocations go through here. The multi-threaded compressor allocates tens of MiB of
// buffers (input ring, per-job output, match tables) and touches every page once: faulting them
// in 4 KiB at a time cost about a quarter of `fnseal pack`'s CPU. Blocks of at least
// kHugePage are mapped 2 MiB-aligned and offered to transparent huge pages (a hint: the
// kernel may decline, and the bytes written do not depend on it); smaller ones use malloc.
// A mapping ends at the block's last 4 KiB page, so a 2.1 MiB job output buffer is not
// rounded up to two huge pages that the prefault below would then zero.
// Every block starts kHeader bytes into its allocation, after a header saying how to free it.
constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kPage = 4096;
constexpr size_t kHeader = 64;  // keeps the block 64-byte aligned

struct BlockHeader {
  void* base;             // what to free or unmap
  size_t length;          // mapped length; 0 for a malloc'd block
  std::thread* prefault;  // faulting the mapping in, or nullptr; joined before the unmap
};
static_assert(sizeof(BlockHeader) <= kHeader);

void* AllocateBlock(void*, size_t size) {
  if (size > SIZE_MAX - kHeader - 2 * kHugePage) return nullptr;
  BlockHeader header{nullptr, 0, nullptr};
  char* start = nullptr;
  if (size < kHugePage) {
    header.base = std::malloc(size + kHeader);
    if (header.base == nullptr) return nullptr;
    start = static_cast<char*>(header.base);
  } else {
    const size_t length = (size + kHeader + kPage - 1) / kPage * kPage;
    void* mapped = ::mmap(nullptr, length + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mapped == MAP_FAILED) return nullptr;
    // Keep the `length` bytes from the first 2 MiB boundary inside the mapping; give back the ends.
    const uintptr_t raw = reinterpret_cast<uintptr_t>(mapped);
    const uintptr_t aligned = (raw + kHugePage - 1) / kHugePage * kHugePage;
    if (aligned > raw) ::munmap(mapped, aligned - raw);
    if (raw + kHugePage > aligned) ::munmap(reinterpret_cast<void*>(aligned + length), raw + kHugePage - aligned);
    start = reinterpret_cast<char*>(aligned);
    ::madvise(start, length, MADV_HUGEPAGE);  // advisory; failure only costs speed
    header = {start, length, nullptr};
    // Fresh pages are zeroed by the kernel on first touch, by whichever thread touches them:
    // for the input ring that is the thread feeding zstd, which then runs behind the workers.
    // A helper thread faults the mapping in ahead of it instead (Linux >= 5.14; elsewhere the
    // call fails and the pages fault in as they are used).
    try {
      header.prefault = new std::thread([start, length] { ::madvise(start, length, MADV_POPULATE_WRITE); });
    } catch (...) {
      header.prefault = nullptr;  // no thread: the pages fault in as they are used
    }
  }
  std::memcpy(start, &header, sizeof(header));
  return start + kHeader;
}

void FreeBlock(void*, void* block) {
  if (block == nullptr) return;
  BlockHeader header;
  std::memcpy(&header, static_cast<char*>(block) - kHeader, sizeof(header));
  if (header.length == 0) {
    std::free(header.base);
  } else {
    if (header.prefault != nullptr) {
      header.prefault->join();
      delete header.prefault;
    }
    ::munmap(header.base, header.length);
  }
}

constexpr ZSTD_customMem kBlockAllocator{AllocateBlock, FreeBlock, nullptr};

// The multi-threaded compressor's job size for `level` and an input of `content_size` bytes:
// one window where a job re-reads only an eighth of a window from the previous job (the fast
// strategies zstd picks up to lazy), zstd's own four windows otherwise. zstd's default makes the
// first job wait for four windows of input and leaves one worker compressing a whole job alone
// at the end; at level 3 that is 8 MiB, about 30 ms. One window costs about 0.1% of ratio.
// It depends only on the level and size, never on the worker count.
int JobSize(int level, uint64_t content_size) {
  const ZSTD_compressionParameters params = ZSTD_getCParams(level, content_size, 0);
  if (params.strategy > ZSTD_lazy) return 0;  // 0: zstd's default
  return std::max(1 << 20, 1 << params.windowLog);
}

}  // namespace

struct ZstdWriter::Rep {
  ByteSink* out = nullptr;
  CHandle<ZSTD_CCtx, ZSTD_freeCCtx> ctx;
  uint64_t content_size = 0;
  uint64_t written = 0;
  std::string buffer;
  bool finished = false;
};

ZstdWriter::ZstdWriter(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
ZstdWriter::~ZstdWriter() = default;

Status ValidateZstdOptions(const ZstdOptions& options) {
  if (options.level < 1 || options.level > ZSTD_maxCLevel()) {
    return InvalidArgumentError("zstd level " + std::to_string(options.level) + " is outside 1.." +
                                std::to_string(ZSTD_maxCLevel()));
  }
  if (options.level > 19 && !options.long_window) {
    return InvalidArgumentError("zstd levels above 19 need the long window");
  }
  if (options.workers < 1 || options.workers > 256) {
    return InvalidArgumentError("zstd worker count " + std::to_string(options.workers) + " is outside 1..256");
  }
  return OkStatus();
}

Result<std::unique_ptr<ZstdWriter>> ZstdWriter::Create(ByteSink* out, uint64_t content_size,
                                                       const ZstdOptions& options) {
  RETURN_IF_ERROR(ValidateZstdOptions(options));
  auto rep = std::make_unique<Rep>();
  rep->out = out;
  rep->content_size = content_size;
  rep->ctx.reset(ZSTD_createCCtx_advanced(kBlockAllocator));
  if (rep->ctx == nullptr) return InternalError("zstd: cannot allocate a compression context");
  ZSTD_CCtx* c = rep->ctx.get();
  size_t rc;
  if (ZSTD_isError(rc = ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, options.level)) ||
      ZSTD_isError(rc = ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)) ||
      ZSTD_isError(rc = ZSTD_CCtx_setParameter(c, ZSTD_c_contentSizeFlag, 1)) ||
      ZSTD_isError(rc = ZSTD_CCtx_setParameter(c, ZSTD_c_nbWorkers, options.workers)) ||
      ZSTD_isError(rc = ZSTD_CCtx_setPledgedSrcSize(c, content_size))) {
    return ZstdError("setup", rc);
  }
  if (options.long_window) {
    if (ZSTD_isError(rc = ZSTD_CCtx_setParameter(c, ZSTD_c_enableLongDistanceMatching, 1)) ||
        ZSTD_isError(rc = ZSTD_CCtx_setParameter(c, ZSTD_c_windowLog, 27))) {
      return ZstdError("setup", rc);
    }
  } else if (ZSTD_isError(rc = ZSTD_CCtx_setParameter(c, ZSTD_c_jobSize, JobSize(options.level, content_size)))) {
    return ZstdError("setup", rc);
  }
  rep->buffer.resize(ZSTD_CStreamOutSize());
  return std::unique_ptr<ZstdWriter>(new ZstdWriter(std::move(rep)));
}

Status ZstdWriter::Write(std::string_view bytes) {
  Rep& r = *rep_;
  if (r.finished) return FailedPreconditionError("zstd write after finish");
  r.written += bytes.size();
  if (r.written > r.content_size) {
    return InternalError("zstd input exceeds the declared content size of " + std::to_string(r.content_size));
  }
  ZSTD_inBuffer in{bytes.data(), bytes.size(), 0};
  while (in.pos < in.size) {
    ZSTD_outBuffer out{r.buffer.data(), r.buffer.size(), 0};
    size_t rc = ZSTD_compressStream2(r.ctx.get(), &out, &in, ZSTD_e_continue);
    if (ZSTD_isError(rc)) return ZstdError("compression", rc);
    if (out.pos > 0) RETURN_IF_ERROR(r.out->Write(std::string_view(r.buffer.data(), out.pos)));
  }
  return OkStatus();
}

Status ZstdWriter::Finish() {
  Rep& r = *rep_;
  if (r.finished) return FailedPreconditionError("zstd frame finished twice");
  r.finished = true;
  if (r.written != r.content_size) {
    return InternalError("zstd input is " + std::to_string(r.written) + " bytes, not the declared " +
                         std::to_string(r.content_size));
  }
  ZSTD_inBuffer in{nullptr, 0, 0};
  for (;;) {
    ZSTD_outBuffer out{r.buffer.data(), r.buffer.size(), 0};
    size_t remaining = ZSTD_compressStream2(r.ctx.get(), &out, &in, ZSTD_e_end);
    if (ZSTD_isError(remaining)) return ZstdError("compression", remaining);
    if (out.pos > 0) RETURN_IF_ERROR(r.out->Write(std::string_view(r.buffer.data(), out.pos)));
    if (remaining == 0) break;
  }
  return OkStatus();
}

struct ZstdReader::Rep {
  ByteSource* in = nullptr;
  ZstdLimits limits;
  CHandle<ZSTD_DCtx, ZSTD_freeDCtx> ctx;
  std::string input;  // buffered compressed bytes
  size_t input_pos = 0;
  bool started = false;
  bool frame_done = false;
  bool input_eof = false;
  uint64_t content_size = 0;
  uint64_t produced = 0;
};

ZstdReader::ZstdReader(ByteSource* in, ZstdLimits limits) : rep_(std::make_unique<Rep>()) {
  rep_->in = in;
  rep_->limits = limits;
}

ZstdReader::~ZstdReader() = default;

uint64_t ZstdReader::content_size() const { return rep_->content_size; }

namespace {

// Refills `input` from `in` when everything buffered was consumed. Sets *eof at end of stream.
Status Refill(ByteSource* in, std::string* input, size_t* pos, bool* eof) {
  if (*pos < input->size() || *eof) return OkStatus();
  input->resize(ZSTD_DStreamInSize());
  ASSIGN_OR_RETURN(size_t n, in->Read(input->data(), input->size()));
  input->resize(n);
  *pos = 0;
  if (n == 0) *eof = true;
  return OkStatus();
}

}  // namespace

Result<size_t> ZstdReader::Read(void* data, size_t size) {
  Rep& r = *rep_;
  if (!r.started) {
    r.started = true;
    // Read enough for the largest frame header before decompressing anything.
    r.input.resize(ZSTD_FRAMEHEADERSIZE_MAX);
    size_t have = 0;
    while (have < r.input.size()) {
      ASSIGN_OR_RETURN(size_t n, r.in->Read(r.input.data() + have, r.input.size() - have));
      if (n == 0) break;
      have += n;
    }
    r.input.resize(have);
    ZSTD_frameHeader header;
    size_t rc = ZSTD_getFrameHeader(&header, r.input.data(), r.input.size());
    if (ZSTD_isError(rc)) return DataLossError("not a zstd frame");
    if (rc > 0) return DataLossError("zstd frame header is truncated");
    if (header.frameType != ZSTD_frame) return DataLossError("zstd skippable frames are not accepted");
    if (header.frameContentSize == ZSTD_CONTENTSIZE_UNKNOWN) {
      return DataLossError("zstd frame does not declare its content size");
    }
    if (header.frameContentSize > r.limits.max_content_size) {
      return ResourceExhaustedError("zstd frame declares " + std::to_string(header.frameContentSize) +
                                    " bytes, more than the limit of " + std::to_string(r.limits.max_content_size));
    }
    if (header.windowSize > (uint64_t{1} << r.limits.max_window_log)) {
      return ResourceExhaustedError("zstd frame window of " + std::to_string(header.windowSize) +
                                    " bytes exceeds the limit of 2^" + std::to_string(r.limits.max_window_log));
    }
    r.content_size = header.frameContentSize;
    r.ctx.reset(ZSTD_createDCtx());
    if (r.ctx == nullptr) return InternalError("zstd: cannot allocate a decompression context");
    rc = ZSTD_DCtx_setParameter(r.ctx.get(), ZSTD_d_windowLogMax, r.limits.max_window_log);
    if (ZSTD_isError(rc)) return ZstdError("setup", rc);
  }
  if (r.frame_done || size == 0) return size_t{0};
  ZSTD_outBuffer out{data, size, 0};
  while (out.pos == 0) {
    RETURN_IF_ERROR(Refill(r.in, &r.input, &r.input_pos, &r.input_eof));
    ZSTD_inBuffer in{r.input.data(), r.input.size(), r.input_pos};
    size_t rc = ZSTD_decompressStream(r.ctx.get(), &out, &in);
    r.input_pos = in.pos;
    if (ZSTD_isError(rc)) {
      if (ZSTD_getErrorCode(rc) == ZSTD_error_frameParameter_windowTooLarge) {
        return ResourceExhaustedError("zstd frame window exceeds the limit");
      }
      return DataLossError(std::string("corrupt zstd frame: ") + ZSTD_getErrorName(rc));
    }
    r.produced += out.pos;
    if (r.produced > r.content_size) {
      return DataLossError("zstd frame holds more data than its declared content size");
    }
    if (rc == 0) {
      r.frame_done = true;
      if (r.produced != r.content_size) {
        return DataLossError("zstd frame holds " + std::to_string(r.produced) + " bytes, not the declared " +
                             std::to_string(r.content_size));
      }
      // Nothing may follow the frame.
      RETURN_IF_ERROR(Refill(r.in, &r.input, &r.input_pos, &r.input_eof));
      if (!r.input_eof) return DataLossError("zstd stream has trailing data after its frame");
      break;
    }
    if (out.pos == 0 && r.input_eof) return DataLossError("zstd frame is truncated");
  }
  return out.pos;
}

Result<std::string> ZstdCompress(std::string_view data, const ZstdOptions& options) {
  StringSink sink;
  ASSIGN_OR_RETURN(auto writer, ZstdWriter::Create(&sink, data.size(), options));
  RETURN_IF_ERROR(writer->Write(data));
  RETURN_IF_ERROR(writer->Finish());
  return sink.Release();
}

Result<std::string> ZstdDecompress(std::string_view frame, ZstdLimits limits) {
  StringSource source(frame);
  ZstdReader reader(&source, limits);
  std::string out;
  std::string buffer(1 << 16, '\0');
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, reader.Read(buffer.data(), buffer.size()));
    if (n == 0) break;
    out.append(buffer.data(), n);
  }
  return out;
}

}  // namespace fnseal
