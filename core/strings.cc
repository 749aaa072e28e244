#include "core/strings.h"

#include <cstdint>
#include <cstdio>

namespace fnseal {
namespace {

void AppendHex(unsigned char c, std::string* out) {
  char hex[5];
  std::snprintf(hex, sizeof(hex), "\\x%02x", c);
  out->append(hex);
}

// The length of the valid UTF-8 sequence at s[i] (1 to 4), or 0 if there is none. Overlong
// forms, surrogates and code points above U+10FFFF are not valid.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  size_t length = 0;
  uint32_t min = 0;
  uint32_t code = 0;
  if (c < 0x80) return 1;
  if ((c & 0xe0) == 0xc0) {
    length = 2, min = 0x80, code = c & 0x1f;
  } else if ((c & 0xf0) == 0xe0) {
    length = 3, min = 0x800, code = c & 0x0f;
  } else if ((c & 0xf8) == 0xf0) {
    length = 4, min = 0x10000, code = c & 0x07;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  for (size_t k = 1; k < length; ++k) {
    const unsigned char next = static_cast<unsigned char>(s[i + k]);
    if ((next & 0xc0) != 0x80) return 0;
    code = (code << 6) | (next & 0x3f);
  }
  if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
  if (code >= 0x80 && code <= 0x9f) return 0;  // C1 controls: CSI (U+009B) moves cursors too
  return length;
}

}  // namespace

std::string EscapeForTerminal(std::string_view s, bool keep_newlines) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      if (keep_newlines && (c == '\n' || c == '\t')) {
        out.push_back(static_cast<char>(c));
      } else {
        AppendHex(c, &out);
      }
      ++i;
      continue;
    }
    const size_t length = Utf8SequenceLength(s, i);
    if (length == 0) {
      AppendHex(c, &out);
      ++i;
      continue;
    }
    out.append(s.substr(i, length));
    i += length;
  }
  return out;
}

std::string Quote(std::string_view s, size_t max_bytes) {
  const bool clipped = s.size() > max_bytes;
  std::string out = "'";
  for (char c : EscapeForTerminal(clipped ? s.substr(0, max_bytes) : s)) {
    if (c == '\'') {
      out.append("\\x27");
    } else {
      out.push_back(c);
    }
  }
  if (clipped) out.append("...");
  out.push_back('\'');
  return out;
}

}  // namespace fnseal
