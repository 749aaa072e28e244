#include "core/json.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace fnseal {
namespace {

// Builds the document from nlohmann's SAX events, refusing duplicate keys and nesting beyond the
// limit as they are read. (nlohmann's own callback parser rescans the enclosing container after
// every value, which is quadratic in the length of an array of objects: a 100,000-subject
// statement would take minutes to verify.) Pointers into `root_` stay valid: only the innermost
// open container ever grows, and object members are map nodes.
class StrictDomBuilder : public nlohmann::json_sax<Json> {
 public:
  StrictDomBuilder(std::string name, const JsonLimits& limits) : name_(std::move(name)), limits_(limits) {}

  bool null() override { return Add(nullptr) != nullptr; }
  bool boolean(bool v) override { return Add(v) != nullptr; }
  bool number_integer(number_integer_t v) override { return Add(v) != nullptr; }
  bool number_unsigned(number_unsigned_t v) override { return Add(v) != nullptr; }
  bool number_float(number_float_t v, const string_t& /*text*/) override { return Add(v) != nullptr; }
  bool string(string_t& v) override { return Add(std::move(v)) != nullptr; }
  bool binary(binary_t& /*v*/) override { return Reject(InvalidArgumentError(name_ + " holds binary data")); }

  bool start_object(std::size_t /*elements*/) override { return Open(Json::object()); }
  bool start_array(std::size_t /*elements*/) override { return Open(Json::array()); }
  bool end_object() override { return Close(); }
  bool end_array() override { return Close(); }
  bool key(string_t& key) override {
    if (!keys_.back().insert(key).second) {
      return Reject(InvalidArgumentError(name_ + " has the key '" + key.substr(0, 64) + "' twice"));
    }
    pending_key_ = std::move(key);
    return true;
  }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& e) override {
    std::string detail = e.what();
    // nlohmann messages look like "[json.exception.parse_error.101] parse error at line 1, ...".
    if (size_t bracket = detail.find("] "); bracket != std::string::npos) detail = detail.substr(bracket + 2);
    return Reject(InvalidArgumentError(name_ + " is not valid JSON: " + detail));
  }

  Json& root() { return root_; }
  const Status& status() const { return status_; }

 private:
  // Places `value` in the innermost open container (or as the root); nullptr never happens for
  // a well-formed event sequence, which nlohmann's parser guarantees.
  Json* Add(Json value) {
    if (open_.empty()) {
      root_ = std::move(value);
      return &root_;
    }
    Json* top = open_.back();
    if (top->is_array()) {
      top->push_back(std::move(value));
      return &top->back();
    }
    Json& slot = (*top)[pending_key_];
    slot = std::move(value);
    return &slot;
  }
  bool Open(Json container) {
    if (open_.size() >= limits_.max_depth) {
      return Reject(
          ResourceExhaustedError(name_ + " nests deeper than the limit of " + std::to_string(limits_.max_depth)));
    }
    Json* slot = Add(std::move(container));
    open_.push_back(slot);
    keys_.emplace_back();
    return true;
  }
  bool Close() {
    open_.pop_back();
    keys_.pop_back();
    return true;
  }
  bool Reject(Status status) {
    if (status_.ok()) status_ = std::move(status);
    return false;
  }

  std::string name_;
  JsonLimits limits_;
  Json root_;
  std::vector<Json*> open_;                  // the open containers, outermost first
  std::vector<std::set<std::string>> keys_;  // keys seen, per open container (empty for arrays)
  std::string pending_key_;
  Status status_;
};

}  // namespace

Result<Json> ParseJsonStrict(std::string_view text, std::string_view what, JsonLimits limits) {
  const std::string name(what);
  if (text.size() > limits.max_size) {
    return ResourceExhaustedError(name + " is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                                  std::to_string(limits.max_size));
  }
  StrictDomBuilder builder(name, limits);
  bool ok = false;
  try {
    ok = Json::sax_parse(text.begin(), text.end(), &builder);
  } catch (const Json::exception& e) {
    return InvalidArgumentError(name + " is not valid JSON: " + e.what());
  }
  if (!ok) {
    if (!builder.status().ok()) return builder.status();
    return InvalidArgumentError(name + " is not valid JSON");
  }
  return std::move(builder.root());
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

const Json* FindMember(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

const std::string* FindString(const Json& object, std::string_view key) {
  const Json* member = FindMember(object, key);
  return member != nullptr && member->is_string() ? member->get_ptr<const std::string*>() : nullptr;
}

const Json* FindObject(const Json& object, std::string_view key) {
  const Json* member = FindMember(object, key);
  return member != nullptr && member->is_object() ? member : nullptr;
}

const std::string* FirstUnknownMember(const Json& object, std::initializer_list<std::string_view> allowed) {
  if (!object.is_object()) return nullptr;
  for (auto it = object.begin(); it != object.end(); ++it) {
    if (std::find(allowed.begin(), allowed.end(), it.key()) == allowed.end()) return &it.key();
  }
  return nullptr;
}

Result<std::string> NonEmptyString(const Json& value) {
  if (!value.is_string()) return InvalidArgumentError(std::string("must be a string, not ") + value.type_name());
  const std::string& s = value.get_ref<const std::string&>();
  if (s.empty()) return InvalidArgumentError("must not be empty");
  return s;
}

}  // namespace fnseal
