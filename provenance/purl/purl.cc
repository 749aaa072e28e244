#include "provenance/purl/purl.h"

#include <utility>
#include <vector>

#include "core/strings.h"

namespace fnseal {
namespace {

Status Invalid(const std::string& what) { return InvalidArgumentError("purl: " + what); }

bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsAlpha(c) || IsDigit(c); }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Whether `s` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool IsUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n;
    unsigned int cp;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xc2 && c <= 0xdf) {
      n = 1;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (n > s.size() - i - 1) return false;
    for (size_t k = 1; k <= n; ++k) {
      const unsigned char b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += n + 1;
  }
  return true;
}

// A decoded component: UTF-8, no control characters, no leading or trailing space (packageurl-js
// trims names and qualifier values, so such a value would not survive a round trip).
Status CheckDecoded(std::string_view value, const std::string& what, const PackageUrlLimits& limits) {
  if (value.size() > limits.max_length) {
    return ResourceExhaustedError("purl: " + what + " is longer than " + std::to_string(limits.max_length) + " bytes");
  }
  for (char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return Invalid(what + " contains a control character");
  }
  if (!IsUtf8(value)) return Invalid(what + " is not valid UTF-8");
  if (!value.empty() && (value.front() == ' ' || value.back() == ' ')) {
    return Invalid(what + " starts or ends with a space");
  }
  return OkStatus();
}

// Decodes %HH escapes (either case); every other byte stands for itself.
Result<std::string> Decode(std::string_view text, const std::string& what, const PackageUrlLimits& limits) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return Invalid(what + " has a truncated percent-escape");
    const int hi = HexValue(text[i + 1]);
    const int lo = HexValue(text[i + 2]);
    if (hi < 0 || lo < 0)
      return Invalid(what + " has a malformed percent-escape '" + std::string(text.substr(i, 3)) + "'");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  RETURN_IF_ERROR(CheckDecoded(out, what, limits));
  return out;
}

// Percent-encodes every byte outside [A-Za-z0-9] and `keep`, with uppercase hex digits.
std::string Encode(std::string_view value, std::string_view keep) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : value) {
    if (IsAlnum(c) || keep.find(c) != std::string_view::npos) {
      out += c;
    } else {
      const unsigned char u = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

// What packageurl-js leaves unencoded: encodeURIComponent's set for paths and names, plus ':'
// in a namespace and ':' and '+' in a version; the form-urlencoded set for qualifier values.
constexpr std::string_view kUriComponent = "-_.!~*'()";
constexpr std::string_view kNamespace = "-_.!~*'():";
constexpr std::string_view kVersion = "-_.!~*'():+";
constexpr std::string_view kQualifierValue = "*-._";

std::vector<std::string_view> Split(std::string_view s, char separator) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (true) {
    const size_t at = s.find(separator, start);
    out.push_back(s.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return out;
    start = at + 1;
  }
}

// Checks a '/'-separated decoded path (namespace or subpath): no empty segments, and for a
// subpath no '.' or '..'.
Status CheckSegments(const std::string& path, const char* what, bool subpath, const PackageUrlLimits& limits) {
  if (path.empty()) return OkStatus();
  const std::vector<std::string_view> segments = Split(path, '/');
  if (segments.size() > limits.max_segments) {
    return ResourceExhaustedError(std::string("purl: ") + what + " has more than " +
                                  std::to_string(limits.max_segments) + " segments");
  }
  for (std::string_view segment : segments) {
    if (segment.empty()) return Invalid(std::string(what) + " has an empty segment");
    if (subpath && (segment == "." || segment == "..")) {
      return Invalid(std::string(what) + " has a '" + std::string(segment) + "' segment");
    }
    RETURN_IF_ERROR(CheckDecoded(segment, what, limits));
  }
  return OkStatus();
}

// The type-specific rules of the purl types fnseal knows (those packageurl-js 2.0.1 applies):
// which components are case-insensitive, and which are required or forbidden.
struct TypeRule {
  std::string_view type;
  bool lower_namespace;
  bool lower_name;
  bool lower_version;
  bool needs_namespace;
  bool needs_version;
  bool no_namespace;
};

// clang-format off
constexpr TypeRule kTypeRules[] = {
    // {type, lowercase namespace, name, version, needs a namespace, needs a version, has no namespace}
    {"alpm", true, true, false, false, false, false},
    {"apk", true, true, false, false, false, false},
    {"bitbucket", true, true, false, false, false, false},
    {"bitnami", false, true, false, false, false, false},
    {"composer", true, true, false, false, false, false},
    {"cran", false, false, false, false, true, false},
    {"deb", true, true, false, true, false, false},
    {"github", true, true, false, false, false, false},
    {"gitlab", true, true, false, false, false, false},
    {"hex", true, true, false, false, false, false},
    {"huggingface", false, false, true, false, false, false},
    {"luarocks", false, false, true, false, false, false},
    {"maven", false, false, false, true, false, false},
    {"mlflow", false, false, false, false, false, true},
    {"npm", true, true, false, false, false, false},
    {"oci", false, true, false, false, false, true},
    {"pypi", true, true, false, false, false, false},
    {"qpkg", true, false, false, false, false, false},
    {"rpm", true, false, false, false, false, false},
    {"swift", false, false, false, true, true, false},
};
// clang-format on

const TypeRule* FindTypeRule(std::string_view type) {
  for (const TypeRule& rule : kTypeRules) {
    if (rule.type == type) return &rule;
  }
  return nullptr;
}

// Checks every component and applies the normalization in place.
Status Normalize(PackageUrl* purl, const PackageUrlLimits& limits) {
  purl->type = AsciiLower(purl->type);
  if (purl->type.empty()) return Invalid("the type is empty");
  if (!IsAlpha(purl->type[0])) return Invalid("the type " + Quote(purl->type, 64) + " does not start with a letter");
  for (char c : purl->type) {
    if (!IsAlnum(c) && c != '.' && c != '-') {
      return Invalid("the type " + Quote(purl->type, 64) + " has a character other than letters, digits, '.' and '-'");
    }
  }
  if (purl->type.size() > 64) return Invalid("the type is longer than 64 bytes");
  if (purl->name.empty()) return Invalid("the name is empty");
  RETURN_IF_ERROR(CheckDecoded(purl->name, "the name", limits));
  RETURN_IF_ERROR(CheckSegments(purl->namespace_path, "the namespace", false, limits));
  RETURN_IF_ERROR(CheckDecoded(purl->version, "the version", limits));
  RETURN_IF_ERROR(CheckSegments(purl->subpath, "the subpath", true, limits));
  if (purl->qualifiers.size() > limits.max_qualifiers) {
    return ResourceExhaustedError("purl: more than " + std::to_string(limits.max_qualifiers) + " qualifiers");
  }
  std::map<std::string, std::string> qualifiers;
  for (const auto& [raw_key, value] : purl->qualifiers) {
    const std::string key = AsciiLower(raw_key);
    if (key.empty()) return Invalid("a qualifier key is empty");
    if (key.size() > 64) return Invalid("a qualifier key is longer than 64 bytes");
    if (IsDigit(key[0])) return Invalid("qualifier key " + Quote(key, 64) + " starts with a digit");
    for (char c : key) {
      if (!IsAlnum(c) && c != '.' && c != '-' && c != '_') {
        return Invalid("qualifier key " + Quote(key, 64) +
                       " has a character other than letters, digits, '.', '-' and '_'");
      }
    }
    if (value.empty()) return Invalid("qualifier " + Quote(key, 64) + " has an empty value");
    RETURN_IF_ERROR(CheckDecoded(value, "qualifier " + Quote(key, 64), limits));
    if (!qualifiers.emplace(key, value).second) return Invalid("qualifier " + Quote(key, 64) + " is given twice");
  }
  purl->qualifiers = std::move(qualifiers);
  if (const TypeRule* rule = FindTypeRule(purl->type)) {
    if (rule->lower_namespace) purl->namespace_path = AsciiLower(purl->namespace_path);
    if (rule->lower_name) purl->name = AsciiLower(purl->name);
    if (rule->lower_version) purl->version = AsciiLower(purl->version);
    if (purl->type == "pypi") {
      for (char& c : purl->name) c = c == '_' ? '-' : c;
    }
    if (rule->needs_namespace && purl->namespace_path.empty()) {
      return Invalid("a '" + purl->type + "' purl needs a namespace");
    }
    if (rule->needs_version && purl->version.empty()) return Invalid("a '" + purl->type + "' purl needs a version");
    if (rule->no_namespace && !purl->namespace_path.empty()) {
      return Invalid("a '" + purl->type + "' purl has no namespace");
    }
  }
  return OkStatus();
}

// Decodes a '/'-separated path segment by segment; a segment must not decode to a '/' (the
// canonical form could not tell it from a separator).
Result<std::string> DecodePath(std::string_view text, const std::string& what, const PackageUrlLimits& limits) {
  std::string out;
  const std::vector<std::string_view> segments = Split(text, '/');
  if (segments.size() > limits.max_segments) {
    return ResourceExhaustedError("purl: " + what + " has more than " + std::to_string(limits.max_segments) +
                                  " segments");
  }
  for (size_t i = 0; i < segments.size(); ++i) {
    if (segments[i].empty()) return Invalid(what + " has an empty segment");
    ASSIGN_OR_RETURN(std::string segment, Decode(segments[i], what, limits));
    if (segment.find('/') != std::string::npos) return Invalid(what + " has a segment with an encoded '/'");
    if (i > 0) out += '/';
    out += segment;
  }
  return out;
}

}  // namespace

Result<PackageUrl> ParsePackageUrl(std::string_view text, const PackageUrlLimits& limits) {
  if (text.size() > limits.max_length) {
    return ResourceExhaustedError("purl is " + std::to_string(text.size()) + " bytes, more than the limit of " +
                                  std::to_string(limits.max_length));
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c <= 0x20 || c >= 0x7f) {
      return Invalid("byte " + std::to_string(i) + " must be percent-encoded (a purl is printable ASCII)");
    }
    if (c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' || c == '|' || c == '}') {
      return Invalid(std::string("'") + static_cast<char>(c) + "' at byte " + std::to_string(i) +
                     " must be percent-encoded");
    }
  }
  if (!StartsWith(text, "pkg:")) return Invalid("does not start with the scheme 'pkg:'");
  std::string_view rest = text.substr(4);
  while (!rest.empty() && rest.front() == '/') rest.remove_prefix(1);  // "pkg://" is read as "pkg:"

  PackageUrl purl;
  if (const size_t hash = rest.find('#'); hash != std::string_view::npos) {
    const std::string_view subpath = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
    if (subpath.find_first_of("#?") != std::string_view::npos)
      return Invalid("the subpath has an unencoded '#' or '?'");
    if (subpath.empty()) return Invalid("the subpath after '#' is empty");
    ASSIGN_OR_RETURN(purl.subpath, DecodePath(subpath, "the subpath", limits));
  }
  if (const size_t question = rest.find('?'); question != std::string_view::npos) {
    const std::string_view query = rest.substr(question + 1);
    rest = rest.substr(0, question);
    if (query.find('?') != std::string_view::npos) return Invalid("the qualifiers have an unencoded '?'");
    if (query.empty()) return Invalid("the qualifiers after '?' are empty");
    const std::vector<std::string_view> pairs = Split(query, '&');
    if (pairs.size() > limits.max_qualifiers) {
      return ResourceExhaustedError("purl: more than " + std::to_string(limits.max_qualifiers) + " qualifiers");
    }
    for (std::string_view pair : pairs) {
      const size_t equals = pair.find('=');
      if (pair.empty()) return Invalid("the qualifiers have an empty 'key=value' pair");
      if (equals == std::string_view::npos) {
        return Invalid("qualifier " + Quote(pair, 64) + " has no '='");
      }
      const std::string_view raw_key = pair.substr(0, equals);
      if (raw_key.find('%') != std::string_view::npos) return Invalid("a qualifier key must not be percent-encoded");
      const std::string key = AsciiLower(raw_key);
      // Form decoding (packageurl-js) reads '+' as a space, the purl specification as '+'.
      if (pair.find('+', equals) != std::string_view::npos) {
        return Invalid("qualifier " + Quote(key, 64) + " has an unencoded '+' (write %2B, or %20 for a space)");
      }
      ASSIGN_OR_RETURN(std::string value, Decode(pair.substr(equals + 1), "qualifier " + Quote(key, 64), limits));
      if (value.empty()) return Invalid("qualifier " + Quote(key, 64) + " has an empty value");
      if (!purl.qualifiers.emplace(key, std::move(value)).second) {
        return Invalid("qualifier " + Quote(key, 64) + " is given twice");
      }
    }
  }
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return Invalid("has no '/' after the type");
  const std::string_view type = rest.substr(0, slash);
  if (type.find('%') != std::string_view::npos) return Invalid("the type must not be percent-encoded");
  purl.type = std::string(type);
  rest = rest.substr(slash + 1);
  if (const size_t at = rest.rfind('@'); at != std::string_view::npos) {
    const std::string_view version = rest.substr(at + 1);
    if (version.find('/') != std::string_view::npos) {
      return Invalid("has an unencoded '@' before the name (write it as %40)");
    }
    if (version.empty()) return Invalid("the version after '@' is empty");
    ASSIGN_OR_RETURN(purl.version, Decode(version, "the version", limits));
    rest = rest.substr(0, at);
  }
  const size_t last_slash = rest.rfind('/');
  const std::string_view name = last_slash == std::string_view::npos ? rest : rest.substr(last_slash + 1);
  if (name.empty()) return Invalid("the name is empty");
  ASSIGN_OR_RETURN(purl.name, Decode(name, "the name", limits));
  if (last_slash != std::string_view::npos) {
    ASSIGN_OR_RETURN(purl.namespace_path, DecodePath(rest.substr(0, last_slash), "the namespace", limits));
  }
  RETURN_IF_ERROR(Normalize(&purl, limits));
  return purl;
}

Result<std::string> FormatPackageUrl(const PackageUrl& value, const PackageUrlLimits& limits) {
  PackageUrl purl = value;
  RETURN_IF_ERROR(Normalize(&purl, limits));
  std::string out = "pkg:" + purl.type + "/";
  if (!purl.namespace_path.empty()) {
    for (std::string_view segment : Split(purl.namespace_path, '/')) out += Encode(segment, kNamespace) + "/";
  }
  out += Encode(purl.name, kUriComponent);
  if (!purl.version.empty()) out += "@" + Encode(purl.version, kVersion);
  char separator = '?';
  for (const auto& [key, v] : purl.qualifiers) {
    out += separator + key + "=" + Encode(v, kQualifierValue);
    separator = '&';
  }
  if (!purl.subpath.empty()) {
    out += '#';
    bool first = true;
    for (std::string_view segment : Split(purl.subpath, '/')) {
      if (!first) out += '/';
      out += Encode(segment, kUriComponent);
      first = false;
    }
  }
  if (out.size() > limits.max_length) {
    return ResourceExhaustedError("purl is " + std::to_string(out.size()) + " bytes, more than the limit of " +
                                  std::to_string(limits.max_length));
  }
  return out;
}

Result<std::string> CanonicalPackageUrl(std::string_view text, const PackageUrlLimits& limits) {
  ASSIGN_OR_RETURN(PackageUrl purl, ParsePackageUrl(text, limits));
  return FormatPackageUrl(purl, limits);
}

}  // namespace fnseal
