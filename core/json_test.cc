#include "core/json.h"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <string>
#include <vector>
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

std::string ReadRaw(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void ExpectRejected(std::string_view text, StatusCode code, const std::string& fragment, JsonLimits limits = {}) {
  auto r = ParseJsonStrict(text, "statement", limits);
  ASSERT_FALSE(r.ok()) << "parsed as " << r->dump();
  EXPECT_EQ(r.status().code(), code) << r.status().ToString();
  EXPECT_NE(r.status().message().find(fragment), std::string::npos) << r.status().ToString();
}

std::string NestedArrays(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

std::string NestedObjects(size_t depth) {
  std::string s;
  for (size_t i = 0; i < depth; ++i) s += "{\"a\":";
  s += "1";
  s += std::string(depth, '}');
  return s;
}

TEST(JsonStrict, AcceptsAValidDocument) {
  auto r = ParseJsonStrict(
      R"({"_type": "https://in-toto.io/Statement/v1",
          "subject": [{"name": "handler", "digest": {"sha256": "abc"}}],
          "n": -1.5e3, "ok": true, "none": null, "text": "caf\u00e9 \ud83d\ude00"})",
      "statement");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ((*r)["_type"], "https://in-toto.io/Statement/v1");
  EXPECT_EQ((*r)["subject"][0]["digest"]["sha256"], "abc");
  EXPECT_EQ((*r)["n"].get<double>(), -1500.0);
  EXPECT_EQ((*r)["ok"], true);
  EXPECT_TRUE((*r)["none"].is_null());
  EXPECT_EQ((*r)["text"].get<std::string>(), "caf\xc3\xa9 \xf0\x9f\x98\x80");
}

TEST(JsonStrict, AcceptsScalarsAtTheTopLevel) {
  for (const char* text : {"1", "\"s\"", "null", "[]", "{}", " \n\t{} \n"}) {
    auto r = ParseJsonStrict(text, "doc");
    EXPECT_THAT(r, IsOk()) << text << ": " << r.status().ToString();
  }
}

TEST(JsonStrict, AcceptsTheSameKeyInDifferentObjects) {
  auto r = ParseJsonStrict(R"({"a": {"a": 1}, "b": [{"a": 1}, {"a": 2}], "c": {"b": 1}})", "doc");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ((*r)["b"][1]["a"], 2);
}

TEST(JsonStrict, AcceptsAKeyAfterAClosedNestedObjectThatUsedIt) {
  auto r = ParseJsonStrict(R"({"x": {"k": 1}, "k": 2})", "doc");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ((*r)["k"], 2);
}

TEST(JsonStrict, RejectsADuplicateKeyAtTheTopLevel) {
  ExpectRejected(R"({"digest": "aaaa", "digest": "bbbb"})", StatusCode::kInvalidArgument,
                 "statement has the key 'digest' twice");
}

TEST(JsonStrict, RejectsADuplicateKeyInANestedObject) {
  ExpectRejected(R"({"subject": [{"name": "h", "digest": {"sha256": "1", "sha256": "2"}}]})",
                 StatusCode::kInvalidArgument, "statement has the key 'sha256' twice");
}

TEST(JsonStrict, RejectsADuplicateKeyAfterANestedObject) {
  ExpectRejected(R"({"a": 1, "b": {"c": 2}, "a": 3})", StatusCode::kInvalidArgument, "statement has the key 'a' twice");
}

TEST(JsonStrict, RejectsDuplicateKeysSpelledWithEscapes) {
  // "\u0061" is "a": the two keys are equal once decoded.
  ExpectRejected(R"({"a": 1, "\u0061": 2})", StatusCode::kInvalidArgument, "statement has the key 'a' twice");
}

TEST(JsonStrict, RejectsTenThousandNestedArraysWithoutCrashing) {
  ExpectRejected(NestedArrays(10000), StatusCode::kResourceExhausted, "statement nests deeper than the limit of 64");
}

TEST(JsonStrict, RejectsTenThousandNestedObjectsWithoutCrashing) {
  ExpectRejected(NestedObjects(10000), StatusCode::kResourceExhausted, "statement nests deeper than the limit of 64");
}

TEST(JsonStrict, AcceptsNestingExactlyAtTheDepthLimit) {
  auto arrays = ParseJsonStrict(NestedArrays(64), "doc");
  EXPECT_THAT(arrays, IsOk());
  auto objects = ParseJsonStrict(NestedObjects(64), "doc");
  EXPECT_THAT(objects, IsOk());
  ExpectRejected(NestedArrays(65), StatusCode::kResourceExhausted, "nests deeper than the limit of 64");
}

TEST(JsonStrict, HonoursACustomDepthLimit) {
  JsonLimits limits;
  limits.max_depth = 2;
  EXPECT_THAT(ParseJsonStrict(R"({"a": [1]})", "doc", limits), IsOk());
  ExpectRejected(R"({"a": [{}]})", StatusCode::kResourceExhausted, "nests deeper than the limit of 2", limits);
}

TEST(JsonStrict, RejectsInputOverTheSizeLimit) {
  JsonLimits limits;
  limits.max_size = 10;
  ExpectRejected(R"({"a": "bcd"})", StatusCode::kResourceExhausted, "statement is 12 bytes, more than the limit of 10",
                 limits);
  EXPECT_THAT(ParseJsonStrict(R"({"a": "b"})", "doc", limits), IsOk());
}

TEST(JsonStrict, RejectsInputOverTheDefaultSizeLimitBeforeParsing) {
  std::string big = "\"" + std::string(16 << 20, 'x') + "\"";
  ExpectRejected(big, StatusCode::kResourceExhausted, "more than the limit of 16777216");
}

TEST(JsonStrict, ReportsWhatIsWrongAndWhere) {
  auto r = ParseJsonStrict("{\"a\": }", "manifest");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "manifest is not valid JSON: expected a value at byte 6");
  ExpectRejected("[1, 2", StatusCode::kInvalidArgument, "unexpected end of input; expected ',' or a closing bracket");
  ExpectRejected("\"a\\qb\"", StatusCode::kInvalidArgument, "invalid escape at byte 3");
  ExpectRejected("\"\\ud800\"", StatusCode::kInvalidArgument, "a high surrogate \\u escape without a low one");
  ExpectRejected("\"\\udc00\"", StatusCode::kInvalidArgument, "a low surrogate");
  ExpectRejected("1e400", StatusCode::kInvalidArgument, "number 1e400 is out of range");
}

// The parser must read every document exactly as nlohmann/json's own parser does - accept and
// reject the same, and give the same values and number types - except that it also refuses
// duplicate keys, and a NUL byte after the document (where nlohmann stops reading). Hand-written
// edge cases, then 30,000 deterministic mutations of them.
void ExpectSameAsReference(const std::string& text) {
  const Json reference = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  const Result<Json> ours = ParseJsonStrict(text, "doc");
  if (reference.is_discarded()) {
    EXPECT_FALSE(ours.ok()) << "accepted what nlohmann rejects: " << testing::PrintToString(text);
    return;
  }
  if (!ours.ok()) {
    if (text.find('\0') != std::string::npos) return;
    EXPECT_NE(ours.status().message().find("twice"), std::string::npos)
        << "rejected what nlohmann accepts: " << testing::PrintToString(text) << ": " << ours.status().ToString();
    return;
  }
  EXPECT_EQ(ours->dump(), reference.dump()) << testing::PrintToString(text);
}

TEST(JsonStrict, ReadsEveryDocumentAsNlohmannDoes) {
  const std::vector<std::string> seeds = {
      "{\"a\": [1, -2, 3.5, -0, 0, 1e3, 1E-3, 2.5e+2, -0.0], \"b\": {\"c\": null, \"d\": true, \"e\": false}}",
      "[\"\\u0041\\u00e9\\u20ac\\ud83d\\ude00\\n\\t\\r\\b\\f\\/\\\\\\\"\", \"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"]",
      "[18446744073709551615, 18446744073709551616, -9223372036854775808, -9223372036854775809, 123456789012345678901234]",
      "\xEF\xBB\xBF {\"bom\": 1}",
      " \t\r\n[ ] ",
      "\"\\u0000\"",
      "{\"\": \"\", \"k\": [[], {}, [{}], {\"x\": []}]}",
      "[1.7976931348623157e308, 4.9e-324, 1e-400, 0.1, 100000000000000000000.5]",
      "\"\xed\x9f\xbf\xee\x80\x80\xf4\x8f\xbf\xbf\"",
      "\"\xe0\xa0\x80\xf0\x90\x80\x80\"",
  };
  for (const std::string& seed : seeds) ExpectSameAsReference(seed);
  for (const char* bad : {"\"\xc0\xaf\"", "\"\xe0\x80\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"", "\"\xf5\"",
                          "\"\x7f\"", "[01]", "[1.]", "[.5]", "[1e]", "[-]", "[+1]", "tru", "nul", "[true false]",
                          "{\"a\":1,}", "[,1]", "{,}", "\"\\u12\"", "\"\\ud800\\u0041\"", "\xEF\xBB", "\xEF\xBB\xBF"}) {
    ExpectSameAsReference(bad);
  }
  std::mt19937 random(20261207);
  const std::string alphabet = "\"\\{}[],:0123456789-+.eEu aftrnl\x80\xbf\xc3\xe0\xed\xf0\xf4\xff\x01\x7f";
  for (int i = 0; i < 30000; ++i) {
    std::string text = seeds[random() % seeds.size()];
    for (int edits = 1 + static_cast<int>(random() % 3); edits > 0 && !text.empty(); --edits) {
      const size_t at = random() % text.size();
      switch (random() % 4) {
        case 0: text[at] = alphabet[random() % alphabet.size()]; break;
        case 1: text.insert(at, 1, alphabet[random() % alphabet.size()]); break;
        case 2: text.erase(at, 1 + random() % 4); break;
        default: text.insert(at, text.substr(random() % text.size(), 1 + random() % 8)); break;
      }
    }
    ExpectSameAsReference(text);
    if (HasFailure()) break;
  }
}

TEST(JsonStrict, RejectsMalformedDocuments) {
  for (const char* text :
       {"", "{", "[1,]", "{\"a\" 1}", "{'a': 1}", "{} {}", "[1] x", "/* c */ {}", "{\"a\": 01}", "NaN", "\"\x01\""}) {
    ExpectRejected(text, StatusCode::kInvalidArgument, "statement is not valid JSON");
  }
}

// nlohmann/json stops reading at a NUL byte and would accept "null" followed by anything after
// one; two readers of a signed document must not disagree like that.
TEST(JsonStrict, RejectsANulByteAfterTheDocument) {
  ExpectRejected(std::string("null\0garbage", 12), StatusCode::kInvalidArgument, "unexpected content after the document");
  ExpectRejected(std::string("{}\0", 3), StatusCode::kInvalidArgument, "at byte 2");
}

TEST(JsonStrict, RejectsInvalidUtf8InStrings) {
  ExpectRejected("\"\xff\"", StatusCode::kInvalidArgument, "statement is not valid JSON");
  ExpectRejected("{\"\xc3\x28\": 1}", StatusCode::kInvalidArgument, "statement is not valid JSON");
}

// A statement may name 100,000 subjects: parsing must stay linear in the length of an array of
// objects (nlohmann's callback parser was quadratic there, minutes for this input).
TEST(JsonStrict, ParsesAHundredThousandObjectsInOneArray) {
  std::string text = "[";
  for (int i = 0; i < 100000; ++i) {
    text +=
        (i == 0 ? "" : ",") + std::string("{\"name\":\"f") + std::to_string(i) + "\",\"digest\":{\"sha256\":\"00\"}}";
  }
  text += "]";
  Result<Json> parsed = ParseJsonStrict(text, "subjects", {64, 64 << 20});
  ASSERT_THAT(parsed, IsOk());
  ASSERT_EQ(parsed->size(), 100000u);
  EXPECT_EQ((*parsed)[99999]["name"], "f99999");
  EXPECT_EQ((*parsed)[0]["digest"]["sha256"], "00");
}

TEST(JsonStrict, KeepsMembersAndOrderOfNestedContainers) {
  Result<Json> parsed = ParseJsonStrict(R"({"a":[1,{"b":[true,null,2.5,-3]},"x"],"c":{}})", "doc");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->dump(), R"({"a":[1,{"b":[true,null,2.5,-3]},"x"],"c":{}})");
}

TEST(JsonDump, CanonicalFormIsCompactWithSortedKeys) {
  auto r = ParseJsonStrict(R"({"b": 1, "a": [1, 2, {"z": null, "y": "caf\u00e9"}]})", "doc");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(CanonicalJsonDump(*r), "{\"a\":[1,2,{\"y\":\"caf\xc3\xa9\",\"z\":null}],\"b\":1}");
}

TEST(JsonDump, CanonicalFormRoundTrips) {
  std::string canonical = R"({"a":{"b":[true,false,null,1,-2,"x"]},"c":""})";
  auto r = ParseJsonStrict(canonical, "doc");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(CanonicalJsonDump(*r), canonical);
}

TEST(JsonDump, PrettyFormIndentsTwoSpacesAndEndsInANewline) {
  auto r = ParseJsonStrict(R"({"b": 1, "a": [2]})", "doc");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(PrettyJsonDump(*r), "{\n  \"a\": [\n    2\n  ],\n  \"b\": 1\n}\n");
}

// The checked-in corpus (testdata/hostile, see its README).

TEST(HostileJsonFiles, DuplicateKeyFileIsRejected) {
  std::string text = ReadRaw("testdata/hostile/json-duplicate-key.json");
  ASSERT_FALSE(text.empty());
  ExpectRejected(text, StatusCode::kInvalidArgument, "statement has the key 'digest' twice");
}

TEST(HostileJsonFiles, NestedDuplicateKeyFileIsRejected) {
  std::string text = ReadRaw("testdata/hostile/json-duplicate-key-nested.json");
  ASSERT_FALSE(text.empty());
  ExpectRejected(text, StatusCode::kInvalidArgument, "statement has the key 'sha256' twice");
}

TEST(HostileJsonFiles, DeepNestingFileIsRejected) {
  std::string text = ReadRaw("testdata/hostile/json-deep-nesting.json");
  ASSERT_FALSE(text.empty());
  ExpectRejected(text, StatusCode::kResourceExhausted, "statement nests deeper than the limit of 64");
}

TEST(StrictFields, FirstUnknownMemberNamesTheFirstFieldNotAllowed) {
  const Json doc = Json::parse(R"({"allow": [], "deny": [], "zeta": 1, "alpha": 2})");
  const std::string* unknown = FirstUnknownMember(doc, {"allow", "deny"});
  ASSERT_NE(unknown, nullptr);
  EXPECT_EQ(*unknown, "alpha");  // key order
  EXPECT_EQ(FirstUnknownMember(doc, {"allow", "deny", "zeta", "alpha"}), nullptr);
  EXPECT_EQ(FirstUnknownMember(Json::array({1}), {}), nullptr);
}

TEST(StrictFields, NonEmptyStringSaysWhatIsWrong) {
  Result<std::string> ok = NonEmptyString(Json("x"));
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(*ok, "x");
  EXPECT_EQ(NonEmptyString(Json(5)).status().message(), "must be a string, not number");
  EXPECT_EQ(NonEmptyString(Json("")).status().message(), "must not be empty");
  EXPECT_EQ(NonEmptyString(Json()).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace fnseal
