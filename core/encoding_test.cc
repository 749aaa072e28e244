#include "core/encoding.h"

#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

std::string AllBytes() {
  std::string s;
  for (int i = 0; i < 256; ++i) s.push_back(static_cast<char>(i));
  return s;
}

void ExpectInvalid(const Result<std::string>& r, const std::string& fragment) {
  ASSERT_FALSE(r.ok()) << "decoded to '" << r.value() << "'";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().ToString();
}

// ---- hex ----

TEST(Hex, EncodesLowercase) {
  EXPECT_EQ(HexEncode(""), "");
  EXPECT_EQ(HexEncode(std::string("\x00\xff\x10\xab", 4)), "00ff10ab");
  EXPECT_EQ(HexEncode("foobar"), "666f6f626172");  // RFC 4648 section 10
}

TEST(Hex, DecodesEitherCase) {
  auto lower = HexDecode("deadbeef");
  ASSERT_THAT(lower, IsOk());
  EXPECT_EQ(*lower, "\xde\xad\xbe\xef");
  auto upper = HexDecode("DEADBEEF");
  ASSERT_THAT(upper, IsOk());
  EXPECT_EQ(*upper, "\xde\xad\xbe\xef");
  auto mixed = HexDecode("666F6f626172");
  ASSERT_THAT(mixed, IsOk());
  EXPECT_EQ(*mixed, "foobar");
}

TEST(Hex, DecodesEmptyInputToEmptyOutput) {
  auto r = HexDecode("");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, "");
}

TEST(Hex, RoundTripsEveryByteValue) {
  std::string bytes = AllBytes();
  std::string hex = HexEncode(bytes);
  EXPECT_EQ(hex.size(), 512u);
  EXPECT_TRUE(IsLowercaseHex(hex, 512));
  auto back = HexDecode(hex);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(*back, bytes);
}

TEST(Hex, RejectsOddLength) { ExpectInvalid(HexDecode("abc"), "odd length"); }

TEST(Hex, RejectsNonHexCharacterAndNamesItsOffset) {
  ExpectInvalid(HexDecode("0g"), "invalid hex character at offset 1");
  ExpectInvalid(HexDecode("g0"), "invalid hex character at offset 0");
  ExpectInvalid(HexDecode("0011 2"), "invalid hex character at offset 4");
  ExpectInvalid(HexDecode("0x12"), "invalid hex character at offset 1");
}

TEST(Hex, IsLowercaseHexChecksLengthAndAlphabet) {
  EXPECT_TRUE(IsLowercaseHex("0123456789abcdef", 16));
  EXPECT_TRUE(IsLowercaseHex("", 0));
  EXPECT_FALSE(IsLowercaseHex("0123456789abcdef", 15));
  EXPECT_FALSE(IsLowercaseHex("0123456789ABCDEF", 16));
  EXPECT_FALSE(IsLowercaseHex("0123456789abcdeg", 16));
}

// ---- base64 ----

// RFC 4648 section 10.
const std::vector<std::pair<std::string, std::string>> kRfc4648Vectors = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

TEST(Base64, EncodesRfc4648Vectors) {
  for (const auto& [plain, encoded] : kRfc4648Vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded) << "input '" << plain << "'";
  }
}

TEST(Base64, DecodesRfc4648Vectors) {
  for (const auto& [plain, encoded] : kRfc4648Vectors) {
    auto r = Base64Decode(encoded);
    ASSERT_THAT(r, IsOk()) << encoded << ": " << r.status().ToString();
    EXPECT_EQ(*r, plain) << "input '" << encoded << "'";
  }
}

TEST(Base64, DecodesUnpaddedInput) {
  for (const auto& [plain, encoded] : kRfc4648Vectors) {
    std::string unpadded = encoded.substr(0, encoded.find('='));
    auto r = Base64Decode(unpadded);
    ASSERT_THAT(r, IsOk()) << unpadded << ": " << r.status().ToString();
    EXPECT_EQ(*r, plain) << "input '" << unpadded << "'";
  }
}

TEST(Base64, EncodesWithTheStandardAlphabet) {
  EXPECT_EQ(Base64Encode("\xfb\xff"), "+/8=");
  EXPECT_EQ(Base64Encode("\xfb\xef\xbe"), "++++");
  EXPECT_EQ(Base64Encode("\xff\xff\xff"), "////");
}

TEST(Base64, DecodesStandardAlphabet) {
  auto r = Base64Decode("+/8=");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, "\xfb\xff");
}

TEST(Base64, DecodesUrlSafeAlphabet) {
  auto padded = Base64Decode("-_8=");
  ASSERT_THAT(padded, IsOk());
  EXPECT_EQ(*padded, "\xfb\xff");
  auto unpadded = Base64Decode("-_8");
  ASSERT_THAT(unpadded, IsOk());
  EXPECT_EQ(*unpadded, "\xfb\xff");
  auto dashes = Base64Decode("----");
  ASSERT_THAT(dashes, IsOk());
  EXPECT_EQ(*dashes, "\xfb\xef\xbe");
  auto underscores = Base64Decode("____");
  ASSERT_THAT(underscores, IsOk());
  EXPECT_EQ(*underscores, "\xff\xff\xff");
}

TEST(Base64, RoundTripsEveryByteValueAndLength) {
  std::string bytes = AllBytes();
  for (size_t n = 0; n <= bytes.size(); ++n) {
    std::string input = bytes.substr(bytes.size() - n);
    std::string encoded = Base64Encode(input);
    EXPECT_EQ(encoded.size(), (n + 2) / 3 * 4);
    auto decoded = Base64Decode(encoded);
    ASSERT_THAT(decoded, IsOk()) << encoded << ": " << decoded.status().ToString();
    EXPECT_EQ(*decoded, input);
  }
}

TEST(Base64, RejectsMixedAlphabets) {
  ExpectInvalid(Base64Decode("+_8="), "mixes the standard and URL-safe alphabets");
  ExpectInvalid(Base64Decode("-/8="), "mixes the standard and URL-safe alphabets");
  ExpectInvalid(Base64Decode("AAA+AAA_"), "mixes the standard and URL-safe alphabets");
}

TEST(Base64, RejectsPaddingThatDoesNotCompleteAGroup) {
  ExpectInvalid(Base64Decode("Zg="), "padding does not complete a 4-character group");
  ExpectInvalid(Base64Decode("Zm9v="), "padding does not complete a 4-character group");
  ExpectInvalid(Base64Decode("Zm8=="), "padding does not complete a 4-character group");
  ExpectInvalid(Base64Decode("="), "padding does not complete a 4-character group");
  ExpectInvalid(Base64Decode("=="), "padding does not complete a 4-character group");
}

TEST(Base64, RejectsTooMuchPadding) {
  ExpectInvalid(Base64Decode("Zg==="), "padding does not complete a 4-character group");
  ExpectInvalid(Base64Decode("Z==="), "invalid base64 character at offset 1");
}

TEST(Base64, RejectsPaddingInTheMiddle) {
  ExpectInvalid(Base64Decode("Zg==Zg=="), "invalid base64 character at offset 2");
  ExpectInvalid(Base64Decode("=Zm9"), "invalid base64 character at offset 0");
}

TEST(Base64, RejectsImpossibleLength) {
  ExpectInvalid(Base64Decode("Z"), "impossible length");
  ExpectInvalid(Base64Decode("Zm9vY"), "impossible length");
}

TEST(Base64, RejectsNonZeroTrailingBits) {
  // "Zg==" is "f"; "Zh==" encodes the same byte with a stray low bit set.
  ExpectInvalid(Base64Decode("Zh=="), "non-zero trailing bits");
  ExpectInvalid(Base64Decode("Zh"), "non-zero trailing bits");
  // "Zm8=" is "fo"; "Zm9=" sets a trailing bit.
  ExpectInvalid(Base64Decode("Zm9="), "non-zero trailing bits");
  ExpectInvalid(Base64Decode("-_9"), "non-zero trailing bits");
}

TEST(Base64, NamesTheFirstBadCharacterAtAnyOffset) {
  // The decoder reads four characters at a time; the offset must still be exact, wherever the
  // character falls in its group, and a second alphabet is caught however far apart the two are.
  const std::string good = Base64Encode(std::string(60, '\x5a'));
  for (size_t at = 0; at < good.size(); ++at) {
    std::string bad = good;
    bad[at] = '*';
    ExpectInvalid(Base64Decode(bad), "invalid base64 character at offset " + std::to_string(at));
    std::string mixed = good;
    mixed[0] = '+';
    mixed[at == 0 ? 1 : at] = '_';
    ExpectInvalid(Base64Decode(mixed), "mixes the standard and URL-safe alphabets");
  }
}

TEST(Base64, RejectsWhitespaceAndOtherCharacters) {
  ExpectInvalid(Base64Decode("Zm9v Yg"), "invalid base64 character at offset 4");
  ExpectInvalid(Base64Decode("Zm9v\nYg"), "invalid base64 character at offset 4");
  ExpectInvalid(Base64Decode("Zm9vYmE "), "invalid base64 character at offset 7");
  ExpectInvalid(Base64Decode("Zm9v*mFy"), "invalid base64 character at offset 4");
  ExpectInvalid(Base64Decode(std::string("Zm\0v", 4)), "invalid base64 character at offset 2");
}

}  // namespace
}  // namespace fnseal
