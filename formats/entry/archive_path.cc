#include "formats/entry/archive_path.h"

#include <cstdint>
#include <string>

namespace fnseal {
namespace {

Status Bad(std::string_view path, std::string_view why) {
  std::string shown(path.substr(0, 200));
  return InvalidArgumentError("archive entry '" + shown + "' " + std::string(why));
}

// True if `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t length;
    uint32_t code;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      length = 2;
      code = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      length = 3;
      code = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      length = 4;
      code = c & 0x07;
    } else {
      return false;
    }
    if (i + length > s.size()) return false;
    for (size_t k = 1; k < length; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      code = (code << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < kMinimum[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return false;
    i += length;
  }
  return true;
}

}  // namespace

Status ValidateArchivePath(std::string_view path, bool allow_trailing_slash) {
  if (path.empty()) return InvalidArgumentError("archive entry has an empty path");
  if (path.size() > kMaxArchivePathLength) {
    return Bad(path, "is longer than " + std::to_string(kMaxArchivePathLength) + " bytes");
  }
  if (path.front() == '/') return Bad(path, "is an absolute path");
  if (!IsValidUtf8(path)) return InvalidArgumentError("archive entry path is not valid UTF-8");
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
