#include "core/json.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace fnseal {
namespace {

// Builds the document from the parser's events, refusing duplicate keys and nesting beyond the
// limit as they are read. Pointers into `root_` stay valid: only the innermost open container
// ever grows, and object members are map nodes.
class StrictDomBuilder {
 public:
  StrictDomBuilder(std::string name, const JsonLimits& limits) : name_(std::move(name)), limits_(limits) {}

  bool Value(Json v) { return Add(std::move(v)) != nullptr; }
  bool StartObject() { return Open(Json::object()); }
  bool StartArray() { return Open(Json::array()); }
  bool End() { return Close(); }
  bool Key(std::string& key) {
    if (!keys_.back().insert(key).second) {
      return Reject(InvalidArgumentError(name_ + " has the key '" + key.substr(0, 64) + "' twice"));
    }
    pending_key_ = std::move(key);
    return true;
  }
  bool SyntaxError(const std::string& what, size_t offset) {
    return Reject(InvalidArgumentError(name_ + " is not valid JSON: " + what + " at byte " + std::to_string(offset)));
  }

  Json& root() { return root_; }
  const Status& status() const { return status_; }

 private:
  // Places `value` in the innermost open container (or as the root); nullptr never happens for
  // a well-formed event sequence, which the parser guarantees.
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

// RFC 8259 JSON, read in one pass without recursion: runs of plain string bytes are copied at
// once (the documents fnseal verifies are mostly long base64 strings), and UTF-8 is validated as
// Unicode's table 3-7 defines it (no overlong forms, surrogates or code points past U+10FFFF).
// Numbers become int64 (negative), uint64 or, with a fraction, an exponent or too many digits,
// a finite double. A leading UTF-8 byte order mark is skipped.
class StrictParser {
 public:
  StrictParser(std::string_view text, StrictDomBuilder* out)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()), out_(out) {}

  bool Run() {
    if (end_ - p_ >= 3 && std::string_view(p_, 3) == "\xEF\xBB\xBF") p_ += 3;
    std::vector<char> open;  // '{' or '[' per open container
    bool need_value = true;
    for (;;) {
      SkipSpace();
      if (need_value) {
        if (p_ == end_) return Error("unexpected end of input; expected a value");
        const char c = *p_;
        if (c == '{' || c == '[') {
          ++p_;
          if (!(c == '{' ? out_->StartObject() : out_->StartArray())) return false;
          SkipSpace();
          if (p_ < end_ && *p_ == (c == '{' ? '}' : ']')) {
            ++p_;
            if (!out_->End()) return false;
            need_value = false;
            continue;
          }
          open.push_back(c);
          if (c == '{' && !Key()) return false;
          continue;
        }
        if (!Scalar()) return false;
        need_value = false;
        continue;
      }
      if (open.empty()) {
        if (p_ != end_) return Error("unexpected content after the document");
        return true;
      }
      if (p_ == end_) return Error("unexpected end of input; expected ',' or a closing bracket");
      if (*p_ == ',') {
        ++p_;
        need_value = true;
        if (open.back() == '{') {
          SkipSpace();
          if (!Key()) return false;
        }
        continue;
      }
      if (*p_ != (open.back() == '{' ? '}' : ']')) return Error("expected ',' or a closing bracket");
      ++p_;
      open.pop_back();
      if (!out_->End()) return false;
    }
  }

 private:
  bool Error(const std::string& what) { return out_->SyntaxError(what, static_cast<size_t>(p_ - begin_)); }

  void SkipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }

  // A member name and its ':'.
  bool Key() {
    if (p_ == end_ || *p_ != '"') return Error("expected a member name");
    ++p_;
    std::string key;
    if (!String(&key) || !out_->Key(key)) return false;
    SkipSpace();
    if (p_ == end_ || *p_ != ':') return Error("expected ':' after a member name");
    ++p_;
    return true;
  }

  bool Scalar() {
    const char c = *p_;
    if (c == '"') {
      ++p_;
      std::string s;
      return String(&s) && out_->Value(std::move(s));
    }
    if (c == '-' || (c >= '0' && c <= '9')) return Number();
    for (const auto& [word, value] : {std::pair<std::string_view, Json>{"true", true}, {"false", false}, {"null", nullptr}}) {
      if (static_cast<size_t>(end_ - p_) >= word.size() && std::string_view(p_, word.size()) == word) {
        p_ += word.size();
        return out_->Value(value);
      }
    }
    return Error("expected a value");
  }

  static bool Digit(char c) { return c >= '0' && c <= '9'; }

  bool Number() {
    const char* start = p_;
    const bool negative = *p_ == '-';
    if (negative) ++p_;
    if (p_ == end_ || !Digit(*p_)) return Error("expected a digit");
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && Digit(*p_)) ++p_;
    }
    bool integer = true;
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !Digit(*p_)) return Error("expected a digit after '.'");
      while (p_ < end_ && Digit(*p_)) ++p_;
      integer = false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !Digit(*p_)) return Error("expected a digit in the exponent");
      while (p_ < end_ && Digit(*p_)) ++p_;
      integer = false;
    }
    const std::string token(start, p_);
    if (integer) {
      errno = 0;
      char* stop = nullptr;
      if (negative) {
        const long long v = std::strtoll(token.c_str(), &stop, 10);
        if (errno == 0) return out_->Value(static_cast<int64_t>(v));
      } else {
        const unsigned long long v = std::strtoull(token.c_str(), &stop, 10);
        if (errno == 0) return out_->Value(static_cast<uint64_t>(v));
      }
    }
    // The decimal point of the "C" locale, which fnseal never changes.
    const double v = std::strtod(token.c_str(), nullptr);
    if (!std::isfinite(v)) return Error("number " + token.substr(0, 32) + " is out of range");
    return out_->Value(v);
  }

  static int HexDigit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }

  // The four hex digits of a \u escape (p_ after the 'u').
  bool Hex4(uint32_t* out) {
    if (end_ - p_ < 4) return Error("unexpected end of input in a \\u escape");
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const int d = HexDigit(p_[i]);
      if (d < 0) return Error("expected four hex digits after \\u");
      v = v * 16 + static_cast<uint32_t>(d);
    }
    p_ += 4;
    *out = v;
    return true;
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  bool Escape(std::string* out) {
    if (p_ == end_) return Error("unexpected end of input in an escape");
    const char c = *p_++;
    switch (c) {
      case '"': out->push_back('"'); return true;
      case '\\': out->push_back('\\'); return true;
      case '/': out->push_back('/'); return true;
      case 'b': out->push_back('\b'); return true;
      case 'f': out->push_back('\f'); return true;
      case 'n': out->push_back('\n'); return true;
      case 'r': out->push_back('\r'); return true;
      case 't': out->push_back('\t'); return true;
      case 'u': break;
      default: --p_; return Error("invalid escape");
    }
    uint32_t cp = 0;
    if (!Hex4(&cp)) return false;
    if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("a low surrogate \\u escape without a high one");
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (end_ - p_ < 2 || p_[0] != '\\' || p_[1] != 'u') return Error("a high surrogate \\u escape without a low one");
      p_ += 2;
      uint32_t low = 0;
      if (!Hex4(&low)) return false;
      if (low < 0xDC00 || low > 0xDFFF) return Error("a high surrogate \\u escape without a low one");
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendUtf8(cp, out);
    return true;
  }

  // One UTF-8 sequence of two to four bytes (p_ at its lead byte), copied to `out`.
  bool Utf8(std::string* out) {
    const auto byte = [&](ptrdiff_t i) { return static_cast<unsigned char>(p_[i]); };
    const unsigned char lead = byte(0);
    int length = 0;
    unsigned char low = 0x80, high = 0xBF;  // the second byte's range (Unicode table 3-7)
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return Error("invalid UTF-8 in a string");
    }
    if (end_ - p_ < length) return Error("invalid UTF-8 in a string");
    if (byte(1) < low || byte(1) > high) return Error("invalid UTF-8 in a string");
    for (int i = 2; i < length; ++i) {
      if (byte(i) < 0x80 || byte(i) > 0xBF) return Error("invalid UTF-8 in a string");
    }
    out->append(p_, static_cast<size_t>(length));
    p_ += length;
    return true;
  }

  // The rest of a string (p_ after its opening quote), unescaped into `out`.
  bool String(std::string* out) {
    for (;;) {
      const char* run = p_;
      while (p_ < end_) {
        const unsigned char c = static_cast<unsigned char>(*p_);
        if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\') break;
        ++p_;
      }
      out->append(run, static_cast<size_t>(p_ - run));
      if (p_ == end_) return Error("unterminated string");
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        ++p_;
        return true;
      }
      if (c == '\\') {
        ++p_;
        if (!Escape(out)) return false;
      } else if (c < 0x20) {
        return Error("a control character in a string");
      } else if (!Utf8(out)) {
        return false;
      }
    }
  }

  const char* begin_;
  const char* p_;
  const char* end_;
  StrictDomBuilder* out_;
};

}  // namespace

Result<Json> ParseJsonStrict(std::string_view text, std::string_view what, JsonLimits limits) {
  const std::string name(what);
  if (text.size() > limits.max_size) {
    return ResourceExhaustedError(name + " is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                                  std::to_string(limits.max_size));
  }
  StrictDomBuilder builder(name, limits);
  if (!StrictParser(text, &builder).Run()) {
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
