// Strict JSON parsing for untrusted, signed metadata into nlohmann/json values. Thread-safe.
//
// Beyond RFC 8259 validity it enforces: no duplicate keys in any object (two parsers must never
// disagree on what a signed document says), a maximum nesting depth, and a maximum input size.
// Nothing throws: every failure is a Status naming the byte offset where the input went wrong.
#ifndef FNSEAL_CORE_JSON_H_
#define FNSEAL_CORE_JSON_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace fnseal {

using Json = nlohmann::json;

struct JsonLimits {
  size_t max_depth = 64;
  uint64_t max_size = 16 << 20;  // 16 MiB
};

// Parses `text`. InvalidArgument for malformed JSON or a duplicate key (message names the key),
// ResourceExhausted beyond the limits. `what` names the document in messages ("statement").
Result<Json> ParseJsonStrict(std::string_view text, std::string_view what, JsonLimits limits = {});

// Serializes `value` compactly with keys sorted (nlohmann's default object order), so the same
// value always gives the same bytes. Never throws: invalid UTF-8 in a string becomes U+FFFD.
std::string CanonicalJsonDump(const Json& value);

// Serializes `value` for people: two-space indent, sorted keys, trailing newline.
std::string PrettyJsonDump(const Json& value);

// Typed, checked access to untrusted JSON, which never throws (nlohmann's value(), get<T>() and
// operator[] throw or abort on a wrong type). Each returns nullptr when `object` is not an
// object, has no member `key`, or the member is of another type.
const Json* FindMember(const Json& object, std::string_view key);
const std::string* FindString(const Json& object, std::string_view key);
const Json* FindObject(const Json& object, std::string_view key);

// For strict readers of a documented format, which refuse what they do not know and say where.
// The name of the first member of `object` (in key order) that is not in `allowed`; nullptr when
// every member is allowed or `object` is not an object.
const std::string* FirstUnknownMember(const Json& object, std::initializer_list<std::string_view> allowed);
// `value` as a non-empty string; otherwise InvalidArgument "must be a string, not <type>" or
// "must not be empty", for the caller to prefix with the field's path.
Result<std::string> NonEmptyString(const Json& value);

}  // namespace fnseal

#endif  // FNSEAL_CORE_JSON_H_
