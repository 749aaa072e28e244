#include "core/archive_path.h"

#include <string>

namespace fnseal {
namespace {

Status Bad(std::string_view path, std::string_view why) {
  std::string shown(path.substr(0, 200));
  return InvalidArgumentError("archive entry '" + shown + "' " + std::string(why));
}

}  // namespace

Status ValidateArchivePath(std::string_view path, bool allow_trailing_slash) {
  if (path.empty()) return InvalidArgumentError("archive entry has an empty path");
  if (path.size() > kMaxArchivePathLength) {
    return Bad(path, "is longer than " + std::to_string(kMaxArchivePathLength) + " bytes");
  }
  if (path.front() == '/') return Bad(path, "is an absolute path");
  std::string_view rest = path;
  if (allow_trailing_slash && rest.size() > 1 && rest.back() == '/') rest.remove_suffix(1);
  for (char c : rest) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return Bad(path, "contains a control character");
    if (c == '\\') return Bad(path, "contains a backslash");
  }
  size_t start = 0;
  while (start <= rest.size()) {
    size_t end = rest.find('/', start);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view component = rest.substr(start, end - start);
    if (component.empty()) return Bad(path, "has an empty path component");
    if (component == ".") return Bad(path, "has a '.' path component");
    if (component == "..") return Bad(path, "escapes the destination");
    start = end + 1;
  }
  return OkStatus();
}

}  // namespace fnseal
