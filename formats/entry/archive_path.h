// The rules every path inside an fnseal archive (tar, zip, bundle) obeys, shared by writers
// (which refuse to produce anything else) and strict readers (which refuse to accept anything
// else). Pure functions, thread-safe.
#ifndef FNSEAL_FORMATS_ENTRY_ARCHIVE_PATH_H_
#define FNSEAL_FORMATS_ENTRY_ARCHIVE_PATH_H_

#include <string_view>

#include "core/status.h"

namespace fnseal {

// Longest path accepted in an archive, in bytes.
inline constexpr size_t kMaxArchivePathLength = 4096;

// OK if `path` is relative, '/'-separated, non-empty, at most kMaxArchivePathLength bytes, and
// is valid UTF-8, and has no empty, "." or ".." component, no backslash and no control character. A single trailing
// '/' is allowed when `allow_trailing_slash` (directory entries). Otherwise InvalidArgument
// naming the path and the rule it breaks.
Status ValidateArchivePath(std::string_view path, bool allow_trailing_slash = false);

}  // namespace fnseal

#endif  // FNSEAL_FORMATS_ENTRY_ARCHIVE_PATH_H_
