#include "core/json.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
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

TEST(JsonStrict, ReportsInvalidJsonWithoutTheLibraryPrefix) {
  auto r = ParseJsonStrict("{\"a\": }", "manifest");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message().rfind("manifest is not valid JSON: parse error at line 1", 0), 0u)
      << r.status().ToString();
  EXPECT_EQ(r.status().message().find("[json.exception"), std::string::npos) << r.status().ToString();
}

TEST(JsonStrict, RejectsMalformedDocuments) {
  for (const char* text :
       {"", "{", "[1,]", "{\"a\" 1}", "{'a': 1}", "{} {}", "[1] x", "/* c */ {}", "{\"a\": 01}", "NaN", "\"\x01\""}) {
    ExpectRejected(text, StatusCode::kInvalidArgument, "statement is not valid JSON");
  }
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
