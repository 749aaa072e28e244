// Deterministic zip writing and strict zip reading.
//
// The writer's bytes depend only on entry paths, contents and executable bits: entries sorted by
// path with parent directories explicit, deflate (zlib, raw, fixed level) or stored, DOS time
// fixed at 1980-01-01 00:00, "version made by" Unix so modes survive (0755 / 0644, directories
// 0755), the UTF-8 name flag, sizes and CRC in the local header (no data descriptors), no extra
// fields except Zip64 when a size, an offset or the entry count needs it, no comments.
//
// The reader accepts only archives of that shape: the end record at the very end, a central
// directory that agrees with every local header, entries that tile the file without gaps or
// overlaps, methods stored and deflate only, no encryption, no data descriptors, no links, safe
// relative paths, no duplicates, CRCs and sizes that match. Limits are in ZipLimits. Objects are
// not thread-safe.
#ifndef FNSEAL_FORMATS_ZIP_ZIP_H_
#define FNSEAL_FORMATS_ZIP_ZIP_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/io.h"
#include "core/status.h"
#include "formats/entry/archive_input.h"

namespace fnseal {

struct ZipOptions {
  bool deflate = true;  // false: every entry stored
  int level = 6;        // zlib level 1..9 when deflating
};

// Writes `inputs` (see ArchiveInput in archive_input.h) as a zip to `out`. InvalidArgument for a bad or
// duplicate path; DataLoss if a source file changes while being read.
Status WriteZip(const std::vector<ArchiveInput>& inputs, ByteSink* out, const ZipOptions& options = {});

struct ZipLimits {
  uint64_t max_entries = 100000;
  uint64_t max_entry_size = uint64_t{8} << 30;   // uncompressed
  uint64_t max_total_size = uint64_t{16} << 30;  // uncompressed, all entries
  uint64_t max_ratio = 1000;                     // uncompressed / compressed, per entry
};

struct ZipEntryInfo {
  std::string path;  // without a trailing '/'
  bool is_directory = false;
  bool executable = false;
  uint32_t mode = 0;  // permission bits from the Unix external attributes
  uint64_t size = 0;  // uncompressed
  uint64_t compressed_size = 0;
  uint32_t crc32 = 0;
  bool deflated = false;
  uint64_t data_offset = 0;  // of the compressed data
};

class ZipReader {
 public:
  // Reads and checks the whole directory structure of `source` (borrowed) up front. DataLoss for
  // corrupt structure, InvalidArgument for entries fnseal never writes, ResourceExhausted beyond
  // the limits.
  static Result<std::unique_ptr<ZipReader>> Open(const RandomAccessSource* source, ZipLimits limits = {});
  ~ZipReader();

  // Entries in central directory order.
  const std::vector<ZipEntryInfo>& entries() const;

  // Streams entry `index`'s uncompressed content to `out`, checking its size and CRC.
  Status Extract(size_t index, ByteSink* out) const;

 private:
  struct Rep;
  explicit ZipReader(std::unique_ptr<Rep> rep);
  std::unique_ptr<Rep> rep_;
};

}  // namespace fnseal

#endif  // FNSEAL_FORMATS_ZIP_ZIP_H_
