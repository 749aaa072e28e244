// One way to read any archive fnseal writes — tar, tar.zst (including .fnb bundles) and zip —
// through the strict readers, and safe extraction into a new directory. Thread-safe functions.
#ifndef FNSEAL_FORMATS_ARCHIVE_ARCHIVE_H_
#define FNSEAL_FORMATS_ARCHIVE_ARCHIVE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "core/io.h"
#include "core/status.h"
#include "formats/tar/tar.h"
#include "formats/zip/zip.h"
#include "formats/zstd/zstd.h"

namespace fnseal {

enum class ArchiveFormat { kTar, kTarZstd, kZip };

// "tar", "tar.zst" or "zip".
std::string_view ArchiveFormatName(ArchiveFormat format);

// Tells the format from the first bytes: the zstd magic, a zip local header or end record, else
// tar. NotFound if the file does not exist.
Result<ArchiveFormat> DetectArchiveFormat(const std::string& path);

struct ArchiveEntry {
  std::string path;  // without a trailing '/'
  bool is_directory = false;
  uint32_t mode = 0;  // permission bits
  uint64_t size = 0;
  int64_t mtime = 0;  // tar only; 0 for zip
};

// Streams the current entry's content to a sink; at most once per entry.
using ContentReader = std::function<Status(ByteSink*)>;
using EntryVisitor = std::function<Status(const ArchiveEntry&, const ContentReader&)>;

struct ArchiveLimits {
  TarLimits tar;
  ZipLimits zip;
  ZstdLimits zstd;
};

// Calls `visit` for every entry in archive order. A visitor error stops the walk and is returned.
Status ForEachArchiveEntry(const std::string& path, const EntryVisitor& visit, const ArchiveLimits& limits = {});

// Extracts `archive` into `destination`, which must not exist. Everything is written into a new
// temporary directory next to it, which is renamed to `destination` only when the whole archive
// was read and checked; on any failure it is removed, so no partial destination is ever left.
// Files get mode 0755 or 0644, directories 0755; nothing is written outside the destination.
Status ExtractArchive(const std::string& archive, const std::string& destination, const ArchiveLimits& limits = {});

}  // namespace fnseal

#endif  // FNSEAL_FORMATS_ARCHIVE_ARCHIVE_H_
