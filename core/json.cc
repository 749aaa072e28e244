#include "core/json.h"

#include <set>
#include <vector>

namespace fnseal {
namespace {

// Thrown from the parser callback to abort parsing; caught below, never escapes.
struct JsonRejected {
  Status status;
};

}  // namespace

Result<Json> ParseJsonStrict(std::string_view text, std::string_view what, JsonLimits limits) {
  const std::string name(what);
  if (text.size() > limits.max_size) {
    return ResourceExhaustedError(name + " is " + std::to_string(text.size()) +
                                  " bytes, more than the limit of " + std::to_string(limits.max_size));
  }
  // One key set per open object; arrays push an empty marker so depth counts both.
  std::vector<std::set<std::string>> keys;
  std::vector<bool> is_object;
  auto callback = [&](int /*depth*/, Json::parse_event_t event, Json& parsed) -> bool {
    switch (event) {
      case Json::parse_event_t::object_start:
      case Json::parse_event_t::array_start:
        if (is_object.size() >= limits.max_depth) {
          throw JsonRejected{ResourceExhaustedError(name + " nests deeper than the limit of " +
                                                    std::to_string(limits.max_depth))};
        }
        is_object.push_back(event == Json::parse_event_t::object_start);
        keys.emplace_back();
        break;
      case Json::parse_event_t::object_end:
      case Json::parse_event_t::array_end:
        is_object.pop_back();
        keys.pop_back();
        break;
      case Json::parse_event_t::key: {
        const std::string& key = parsed.get_ref<const std::string&>();
        if (!keys.back().insert(key).second) {
          throw JsonRejected{InvalidArgumentError(name + " has the key '" + key.substr(0, 64) + "' twice")};
        }
        break;
      }
      case Json::parse_event_t::value:
        break;
    }
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true,
                       /*ignore_comments=*/false);
  } catch (const JsonRejected& rejected) {
    return rejected.status;
  } catch (const Json::exception& e) {
    std::string detail = e.what();
    // nlohmann messages look like "[json.exception.parse_error.101] parse error at line 1, ...".
    if (size_t bracket = detail.find("] "); bracket != std::string::npos) detail = detail.substr(bracket + 2);
    return InvalidArgumentError(name + " is not valid JSON: " + detail);
  }
}

// Invalid UTF-8 in a string is replaced with U+FFFD rather than thrown: callers validate the
// strings they sign (archive paths are checked by ValidateArchivePath), and no exception may
// leave the library.
std::string CanonicalJsonDump(const Json& value) {
  return value.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

std::string PrettyJsonDump(const Json& value) {
  return value.dump(2, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace) + "\n";
}

}  // namespace fnseal
