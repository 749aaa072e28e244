// Small string predicates used across fnseal. Header-only; thread-safe.
#ifndef FNSEAL_CORE_STRINGS_H_
#define FNSEAL_CORE_STRINGS_H_

#include <string_view>

namespace fnseal {

inline bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && s.compare(0, prefix.size(), prefix) == 0;
}

inline bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace fnseal

#endif  // FNSEAL_CORE_STRINGS_H_
