#include "core/encoding.h"

#include <array>
#include <cstdint>

namespace fnseal {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";
constexpr char kBase64Std[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Value of a base64 character, or -1. `alphabet` records which of '+/' or '-_' was seen:
// 0 none yet, 1 standard, 2 URL-safe.
int Base64Value(char c, int* alphabet) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  int kind = 0;
  int value = -1;
  if (c == '+' || c == '/') {
    kind = 1;
    value = c == '+' ? 62 : 63;
  } else if (c == '-' || c == '_') {
    kind = 2;
    value = c == '-' ? 62 : 63;
  } else {
    return -1;
  }
  if (*alphabet != 0 && *alphabet != kind) return -2;
  *alphabet = kind;
  return value;
}

}  // namespace

std::string HexEncode(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out.push_back(kHexDigits[b >> 4]);
    out.push_back(kHexDigits[b & 0xf]);
  }
  return out;
}

Result<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return InvalidArgumentError("hex string has an odd length");
  std::string out;
  out.reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    int hi = HexValue(hex[i]);
    int lo = HexValue(hex[i + 1]);
    if (hi < 0 || lo < 0) {
      return InvalidArgumentError("invalid hex character at offset " +
                                  std::to_string(hi < 0 ? i : i + 1));
    }
    out.push_back(static_cast<char>((hi << 4) | lo));
  }
  return out;
}

bool IsLowercaseHex(std::string_view s, size_t length) {
  if (s.size() != length) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                 static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(kBase64Std[(v >> 18) & 63]);
    out.push_back(kBase64Std[(v >> 12) & 63]);
    out.push_back(kBase64Std[(v >> 6) & 63]);
    out.push_back(kBase64Std[v & 63]);
  }
  size_t rest = bytes.size() - i;
  if (rest == 1) {
    uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
    out.push_back(kBase64Std[(v >> 18) & 63]);
    out.push_back(kBase64Std[(v >> 12) & 63]);
    out += "==";
  } else if (rest == 2) {
    uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out.push_back(kBase64Std[(v >> 18) & 63]);
    out.push_back(kBase64Std[(v >> 12) & 63]);
    out.push_back(kBase64Std[(v >> 6) & 63]);
    out.push_back('=');
  }
  return out;
}

namespace {

// Decodes `text` (padding removed) a character at a time: the reference for Base64Decode, and
// how it finds the first character in error.
Result<std::string> Base64DecodeOneByOne(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3 / 4);
  int alphabet = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    int v = Base64Value(text[i], &alphabet);
    if (v == -2) return InvalidArgumentError("base64 text mixes the standard and URL-safe alphabets");
    if (v < 0) return InvalidArgumentError("invalid base64 character at offset " + std::to_string(i));
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) {
    return InvalidArgumentError("base64 text has non-zero trailing bits");
  }
  return out;
}

// For each byte: its value (0..63), with bit 6 set for the standard alphabet's '+' and '/' and
// bit 7 for the URL-safe '-' and '_'; 0xFF for anything else. Valid characters of one alphabet
// OR to at most 0xBF, so a group containing an invalid character ORs to exactly 0xFF.
constexpr std::array<uint8_t, 256> kBase64Decode = [] {
  std::array<uint8_t, 256> table{};
  for (auto& v : table) v = 0xFF;
  for (int c = 0; c < 26; ++c) {
    table['A' + c] = static_cast<uint8_t>(c);
    table['a' + c] = static_cast<uint8_t>(26 + c);
  }
  for (int c = 0; c < 10; ++c) table['0' + c] = static_cast<uint8_t>(52 + c);
  table['+'] = 0x40 | 62;
  table['/'] = 0x40 | 63;
  table['-'] = 0x80 | 62;
  table['_'] = 0x80 | 63;
  return table;
}();

}  // namespace

Result<std::string> Base64Decode(std::string_view text) {
  size_t padding = 0;
  while (!text.empty() && text.back() == '=' && padding < 2) {
    text.remove_suffix(1);
    ++padding;
  }
  if (padding > 0 && (text.size() + padding) % 4 != 0) {
    return InvalidArgumentError("base64 padding does not complete a 4-character group");
  }
  const size_t rest = text.size() % 4;
  if (rest == 1) return InvalidArgumentError("base64 text has an impossible length");
  // Four characters at a time into three bytes; any invalid character or a mix of alphabets sends
  // the text to the one-by-one decoder, which names the first offending character.
  std::string out(text.size() / 4 * 3 + (rest == 0 ? 0 : rest - 1), '\0');
  const auto* in = reinterpret_cast<const unsigned char*>(text.data());
  uint8_t seen = 0;
  size_t o = 0;
  for (size_t i = 0; i + 4 <= text.size(); i += 4, o += 3) {
    const uint8_t a = kBase64Decode[in[i]], b = kBase64Decode[in[i + 1]], c = kBase64Decode[in[i + 2]],
                  d = kBase64Decode[in[i + 3]];
    const uint8_t all = a | b | c | d;
    if (all == 0xFF) return Base64DecodeOneByOne(text);
    seen |= all;
    const uint32_t v = (uint32_t{a & 63u} << 18) | (uint32_t{b & 63u} << 12) | (uint32_t{c & 63u} << 6) | (d & 63u);
    out[o] = static_cast<char>(v >> 16);
    out[o + 1] = static_cast<char>((v >> 8) & 0xff);
    out[o + 2] = static_cast<char>(v & 0xff);
  }
  if (rest > 0) {
    const size_t i = text.size() - rest;
    const uint8_t a = kBase64Decode[in[i]], b = kBase64Decode[in[i + 1]], c = rest == 3 ? kBase64Decode[in[i + 2]] : 0;
    if ((a | b | c) == 0xFF) return Base64DecodeOneByOne(text);
    seen |= a | b | c;
    const uint32_t v = (uint32_t{a & 63u} << 18) | (uint32_t{b & 63u} << 12) | (uint32_t{c & 63u} << 6);
    out[o] = static_cast<char>(v >> 16);
    if (rest == 3) out[o + 1] = static_cast<char>((v >> 8) & 0xff);
    if ((rest == 2 ? (b & 0x0f) : (c & 0x03)) != 0 && (seen & 0xC0) != 0xC0) {
      return InvalidArgumentError("base64 text has non-zero trailing bits");
    }
  }
  if ((seen & 0xC0) == 0xC0) return Base64DecodeOneByOne(text);
  return out;
}

}  // namespace fnseal
