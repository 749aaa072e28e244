// Small string helpers used across fnseal: predicates, and the one way untrusted text is put
// into messages. Thread-safe.
#ifndef FNSEAL_CORE_STRINGS_H_
#define FNSEAL_CORE_STRINGS_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace fnseal {

inline bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

inline bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// `s` with ASCII letters in lower case; other bytes as they are.
inline std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// `s` made safe to print on a terminal: every C0 control byte (ESC, CR, BEL...) and DEL, every
// C1 control (U+0080..U+009F) and every byte that is not part of valid UTF-8 become "\xNN";
// printable ASCII and valid UTF-8 stay as they are. With `keep_newlines`, '\n' and '\t' stay too
// (for fnseal's own multi-line messages). A backslash is kept as is.
std::string EscapeForTerminal(std::string_view s, bool keep_newlines = false);

// Untrusted text for a message: single-quoted, cut after `max_bytes` bytes (then "..." ends it
// inside the quotes), escaped as EscapeForTerminal does, with a quote inside written "\x27".
std::string Quote(std::string_view s, size_t max_bytes = 120);

}  // namespace fnseal

#endif  // FNSEAL_CORE_STRINGS_H_
