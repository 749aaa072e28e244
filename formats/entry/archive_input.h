// What every archive writer (tar, zip, OCI layers) takes as input: one file's path in the
// archive, where its bytes come from and whether it is executable, and the fixed mtime of
// deterministic archives. Plain data, no behaviour; the path rules are in archive_path.h.
#ifndef FNSEAL_FORMATS_ENTRY_ARCHIVE_INPUT_H_
#define FNSEAL_FORMATS_ENTRY_ARCHIVE_INPUT_H_

#include <cstdint>
#include <optional>
#include <string>

namespace fnseal {

// 2000-01-01T00:00:00Z, the mtime of every entry unless the caller picks another.
inline constexpr int64_t kDefaultArchiveMtime = 946684800;

// One file to put in an archive: its bytes come from `content` or, if `source_path` is set,
// from that file on disk (streamed, never held in memory).
struct ArchiveInput {
  std::string path;         // path inside the archive, see ValidateArchivePath
  std::string source_path;  // file on disk; empty means `content`
  std::string content;
  bool executable = false;
  // The size of the regular file `source_path` when the caller stat'ed it already; the writer
  // stats the file otherwise. Either way, a file whose size changes before it is written is
  // refused.
  std::optional<uint64_t> source_size;
};

}  // namespace fnseal

#endif  // FNSEAL_FORMATS_ENTRY_ARCHIVE_INPUT_H_
