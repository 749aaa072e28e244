// Hex and base64 codecs. Pure functions, thread-safe.
#ifndef FNSEAL_CORE_ENCODING_H_
#define FNSEAL_CORE_ENCODING_H_

#include <string>
#include <string_view>

#include "core/status.h"

namespace fnseal {

// Lowercase hex of `bytes`.
std::string HexEncode(std::string_view bytes);

// Decodes hex (either case). InvalidArgument on an odd length or a non-hex character.
Result<std::string> HexDecode(std::string_view hex);

// True if `s` is exactly `length` lowercase hex characters.
bool IsLowercaseHex(std::string_view s, size_t length);

// Standard base64 (RFC 4648 section 4) with '=' padding.
std::string Base64Encode(std::string_view bytes);

// Decodes standard or URL-safe base64 (RFC 4648 sections 4 and 5), padded or not. Mixing the two
// alphabets, misplaced padding, whitespace and non-zero trailing bits are InvalidArgument.
Result<std::string> Base64Decode(std::string_view text);

}  // namespace fnseal

#endif  // FNSEAL_CORE_ENCODING_H_
