// Deterministic tar writing and strict tar reading.
//
// The writer's bytes depend only on entry paths, contents and executable bits: entries sorted by
// path, parent directories emitted explicitly, ustar headers with a fixed mtime, uid/gid 0, empty
// user and group names, modes 0755 (directories and executables) or 0644, and pax extended
// headers only for paths over 100 bytes or sizes of 8 GiB and more. See docs/formats.md.
//
// The reader accepts only what such a writer could produce: regular files and directories with
// safe relative paths (see archive_path.h), no links or devices, no setuid, setgid or sticky
// bits, no duplicate names, headers with valid checksums, and nothing but zero padding after
// the end-of-archive marker. Limits are in TarLimits. Objects are not thread-safe.
#ifndef FNSEAL_FORMATS_TAR_TAR_H_
#define FNSEAL_FORMATS_TAR_TAR_H_

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/io.h"
#include "core/status.h"
#include "formats/entry/archive_input.h"

namespace fnseal {

struct TarEntryInfo {
  std::string path;  // without a trailing '/'
  bool is_directory = false;
  bool executable = false;  // mode 0755 (files); directories are always 0755
  uint64_t size = 0;
  int64_t mtime = 0;
  uint32_t mode = 0;
};

// A validated, sorted archive ready to be written; built by PlanTar.
struct TarPlan {
  std::vector<TarEntryInfo> entries;        // in archive order, directories included
  std::vector<const ArchiveInput*> inputs;  // parallel to entries; nullptr for directories
  uint64_t archive_size = 0;                // exact size of the tar stream WriteTar will produce
};

// Validates paths (InvalidArgument on a bad or duplicate path, or a path that is both a file
// and a directory), stats source files (NotFound...), sorts, and adds parent directories.
// `inputs` must outlive the plan.
Result<TarPlan> PlanTar(const std::vector<ArchiveInput>& inputs, int64_t mtime = kDefaultArchiveMtime);

// Writes the planned archive to `out`. DataLoss if a source file changed size meanwhile.
// If `sha256s` is given it receives, parallel to plan.entries, each file's lowercase hex sha256
// (empty for directories), computed from the bytes as they are written.
Status WriteTar(const TarPlan& plan, ByteSink* out, std::vector<std::string>* sha256s = nullptr);

// Limits a TarReader enforces; exceeding one is ResourceExhausted.
struct TarLimits {
  uint64_t max_entries = 100000;
  uint64_t max_entry_size = uint64_t{8} << 30;   // 8 GiB
  uint64_t max_total_size = uint64_t{16} << 30;  // sum of entry sizes, 16 GiB
};

class TarReader {
 public:
  explicit TarReader(ByteSource* in, TarLimits limits = {});
  ~TarReader();
  TarReader(const TarReader&) = delete;
  TarReader& operator=(const TarReader&) = delete;

  // Advances to the next entry, skipping what is left of the current one. Returns false at a
  // well-formed end of archive; DataLoss for corrupt or truncated input; InvalidArgument for an
  // entry fnseal never writes (links, devices, unsafe or duplicate paths).
  Result<bool> Next(TarEntryInfo* entry);

  // Reads the current entry's content; returns 0 at its end.
  Result<size_t> Read(void* data, size_t size);

  // Reads the rest of the current entry into a string; ResourceExhausted above `max_size`.
  Result<std::string> ReadAll(uint64_t max_size);

 private:
  struct Rep;
  std::unique_ptr<Rep> rep_;
};

}  // namespace fnseal

#endif  // FNSEAL_FORMATS_TAR_TAR_H_
