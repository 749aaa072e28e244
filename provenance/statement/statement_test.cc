#include "provenance/statement/statement.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/file.h"
#include "core/json.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::testing::ElementsAre;

constexpr char kSha256A[] = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr char kSha256B[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

testing::AssertionResult HasError(const Status& status, StatusCode code, std::string_view fragment) {
  if (status.code() == code && status.message().find(fragment) != std::string::npos) {
    return testing::AssertionSuccess();
  }
  return testing::AssertionFailure() << "expected " << StatusCodeName(code) << " containing '" << fragment << "', got "
                                     << status.ToString();
}

template <typename T>
testing::AssertionResult HasError(const Result<T>& result, StatusCode code, std::string_view fragment) {
  if (result.ok()) return testing::AssertionFailure() << "expected an error, got a value";
  return HasError(result.status(), code, fragment);
}

// A valid statement document; tests break one part of it at a time.
Json ValidDocument() {
  return Json::parse(R"({
    "_type": "https://in-toto.io/Statement/v1",
    "subject": [{"name": "function.fnb", "digest": {"sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}}],
    "predicateType": "https://slsa.dev/provenance/v1",
    "predicate": {"buildDefinition": {"buildType": "x"}}
  })");
}

Result<Statement> ParseDocument(const Json& doc) { return ParseStatement(doc.dump()); }

Statement ExampleStatement() {
  Statement statement;
  statement.subjects.push_back({"function.fnb", {{"sha256", kSha256A}}});
  statement.subjects.push_back({"layer.tar", {{"sha256", kSha256B}, {"sha512", std::string(128, 'f')}}});
  statement.predicate_type = kSlsaProvenanceV1;
  statement.predicate = {{"buildDefinition", {{"buildType", kFunctionBundleBuildType}}}};
  return statement;
}

// --- SerializeStatement / ParseStatement ---------------------------------------------------------

TEST(Statement, SerializesCompactlyWithSortedKeys) {
  Statement statement;
  statement.subjects.push_back({"a.fnb", {{"sha256", kSha256A}}});
  statement.predicate_type = "https://example.com/p";
  statement.predicate = {{"z", 1}, {"a", "\xc3\xa9"}};
  EXPECT_EQ(SerializeStatement(statement),
            std::string(R"({"_type":"https://in-toto.io/Statement/v1","predicate":{"a":"é","z":1},)") +
                R"("predicateType":"https://example.com/p","subject":[{"digest":{"sha256":")" + kSha256A +
                R"("},"name":"a.fnb"}]})");
}

TEST(Statement, RoundTripsThroughParse) {
  const Statement statement = ExampleStatement();
  const std::string json = SerializeStatement(statement);
  Result<Statement> parsed = ParseStatement(json);
  ASSERT_THAT(parsed, IsOk());
  ASSERT_EQ(parsed->subjects.size(), 2u);
  EXPECT_EQ(parsed->subjects[0].name, "function.fnb");
  EXPECT_EQ(parsed->subjects[0].digest, statement.subjects[0].digest);
  EXPECT_EQ(parsed->subjects[1].name, "layer.tar");
  EXPECT_EQ(parsed->subjects[1].digest, statement.subjects[1].digest);
  EXPECT_EQ(parsed->predicate_type, kSlsaProvenanceV1);
  EXPECT_EQ(parsed->predicate, statement.predicate);
  EXPECT_EQ(SerializeStatement(*parsed), json);
}

TEST(Statement, AcceptsEveryKnownDigestAlgorithm) {
  Json doc = ValidDocument();
  doc["subject"][0]["digest"] = {{"sha256", std::string(64, '0')},
                                 {"sha384", std::string(96, '1')},
                                 {"sha512", std::string(128, '2')},
                                 {"sha1", std::string(40, '3')},
                                 {"gitCommit", std::string(40, 'a')}};
  Result<Statement> parsed = ParseDocument(doc);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->subjects[0].digest.size(), 5u);
}

TEST(Statement, AcceptsAnEmptyPredicateObject) {
  Json doc = ValidDocument();
  doc["predicate"] = Json::object();
  Result<Statement> parsed = ParseDocument(doc);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->predicate, Json::object());
}

TEST(Statement, RejectsAnotherType) {
  Json doc = ValidDocument();
  doc["_type"] = "https://in-toto.io/Statement/v0.1";
  EXPECT_TRUE(HasError(ParseDocument(doc), StatusCode::kInvalidArgument,
                       "statement '_type' is not https://in-toto.io/Statement/v1"));
}

TEST(Statement, RejectsAMissingOrNonStringType) {
  Json doc = ValidDocument();
  doc.erase("_type");
  EXPECT_TRUE(HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "statement '_type' is not"));
  doc["_type"] = Json::array({kStatementType});
  EXPECT_TRUE(HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "statement '_type' is not"));
}

TEST(Statement, RejectsNoSubjects) {
  Json doc = ValidDocument();
  doc["subject"] = Json::array();
  EXPECT_TRUE(HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "statement has no subjects"));
}

TEST(Statement, RejectsAMissingSubjectArray) {
  Json doc = ValidDocument();
  doc.erase("subject");
  EXPECT_TRUE(
      HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "statement 'subject' is missing or not an array"));
  doc["subject"] = ValidDocument()["subject"][0];
  EXPECT_TRUE(
      HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "statement 'subject' is missing or not an array"));
}

TEST(Statement, RejectsASubjectThatIsNotAnObject) {
  Json doc = ValidDocument();
  doc["subject"].push_back("function.fnb");
  EXPECT_TRUE(HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "statement subject is not an object"));
}

TEST(Statement, RejectsASubjectWithoutName) {
  Json doc = ValidDocument();
  doc["subject"][0].erase("name");
  EXPECT_TRUE(HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "statement subject has no 'name'"));
}

TEST(Statement, RejectsASubjectWithoutDigest) {
  Json doc = ValidDocument();
  doc["subject"][0].erase("digest");
  EXPECT_TRUE(
      HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "statement subject 'function.fnb' has no digest"));
}

TEST(Statement, RejectsASubjectWithAnEmptyDigest) {
  Json doc = ValidDocument();
  doc["subject"][0]["digest"] = Json::object();
  EXPECT_TRUE(
      HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "statement subject 'function.fnb' has no digest"));
}

TEST(Statement, RejectsAnUppercaseHexDigest) {
  Json doc = ValidDocument();
  doc["subject"][0]["digest"]["sha256"] = "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD";
  EXPECT_TRUE(HasError(ParseDocument(doc), StatusCode::kInvalidArgument,
                       "statement subject 'function.fnb' has a malformed sha256 digest"));
}

TEST(Statement, RejectsADigestOfTheWrongLength) {
  Json doc = ValidDocument();
  doc["subject"][0]["digest"]["sha256"] = std::string(kSha256A).substr(0, 63);
  EXPECT_TRUE(HasError(ParseDocument(doc), StatusCode::kInvalidArgument,
                       "statement subject 'function.fnb' has a malformed sha256 digest"));
  doc["subject"][0]["digest"]["sha256"] = std::string(kSha256A) + "0";
  EXPECT_TRUE(HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "has a malformed sha256 digest"));
  // A sha256-length value under sha512 is wrong too.
  doc["subject"][0]["digest"] = {{"sha512", kSha256A}};
  EXPECT_TRUE(HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "has a malformed sha512 digest"));
}

TEST(Statement, RejectsANonHexOrNonStringDigest) {
  Json doc = ValidDocument();
  doc["subject"][0]["digest"]["sha256"] = std::string(63, 'a') + "g";
  EXPECT_TRUE(HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "has a malformed sha256 digest"));
  doc["subject"][0]["digest"]["sha256"] = 12;
  EXPECT_TRUE(HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "has a malformed sha256 digest"));
}

TEST(Statement, RejectsAnUnknownDigestAlgorithm) {
  Json doc = ValidDocument();
  doc["subject"][0]["digest"]["md5"] = "d41d8cd98f00b204e9800998ecf8427e";
  EXPECT_TRUE(HasError(ParseDocument(doc), StatusCode::kInvalidArgument,
                       "statement subject 'function.fnb' uses the unknown digest 'md5'"));
}

TEST(Statement, RejectsADigestAlgorithmNameInAnotherCase) {
  Json doc = ValidDocument();
  doc["subject"][0]["digest"] = {{"SHA256", kSha256A}};
  EXPECT_TRUE(HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "uses the unknown digest 'SHA256'"));
}

TEST(Statement, RejectsAMissingPredicateType) {
  Json doc = ValidDocument();
  doc.erase("predicateType");
  EXPECT_TRUE(
      HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "statement 'predicateType' is missing or empty"));
}

TEST(Statement, RejectsAnEmptyOrNonStringPredicateType) {
  Json doc = ValidDocument();
  doc["predicateType"] = "";
  EXPECT_TRUE(
      HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "statement 'predicateType' is missing or empty"));
  doc["predicateType"] = 1;
  EXPECT_TRUE(
      HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "statement 'predicateType' is missing or empty"));
}

TEST(Statement, RejectsAMissingPredicate) {
  Json doc = ValidDocument();
  doc.erase("predicate");
  EXPECT_TRUE(
      HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "statement 'predicate' is missing or not an object"));
}

TEST(Statement, RejectsAPredicateThatIsNotAnObject) {
  Json doc = ValidDocument();
  doc["predicate"] = nullptr;
  EXPECT_TRUE(
      HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "statement 'predicate' is missing or not an object"));
  doc["predicate"] = Json::array();
  EXPECT_TRUE(
      HasError(ParseDocument(doc), StatusCode::kInvalidArgument, "statement 'predicate' is missing or not an object"));
}

TEST(Statement, RejectsAPayloadThatIsNotJson) {
  EXPECT_TRUE(HasError(ParseStatement("not json"), StatusCode::kInvalidArgument, "statement is not valid JSON"));
  EXPECT_TRUE(HasError(ParseStatement(""), StatusCode::kInvalidArgument, "statement is not valid JSON"));
  // Invalid UTF-8 inside a string.
  EXPECT_TRUE(
      HasError(ParseStatement("{\"_type\":\"\xff\"}"), StatusCode::kInvalidArgument, "statement is not valid JSON"));
}

TEST(Statement, RejectsJsonThatIsNotAnObject) {
  EXPECT_TRUE(HasError(ParseStatement("[]"), StatusCode::kInvalidArgument, "statement is not a JSON object"));
}

TEST(Statement, RejectsADuplicateTopLevelKey) {
  const std::string json = R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":")" +
                           std::string(kSha256A) + R"("}}],"predicateType":"p","predicate":{},"predicateType":"q"})";
  EXPECT_TRUE(
      HasError(ParseStatement(json), StatusCode::kInvalidArgument, "statement has the key 'predicateType' twice"));
}

TEST(Statement, RejectsADuplicateDigestAlgorithm) {
  const std::string json = R"({"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a","digest":{"sha256":")" +
                           std::string(kSha256A) + R"(","sha256":")" + kSha256B +
                           R"("}}],"predicateType":"p","predicate":{}})";
  EXPECT_TRUE(HasError(ParseStatement(json), StatusCode::kInvalidArgument, "statement has the key 'sha256' twice"));
}

TEST(Statement, RejectsMoreSubjectsThanTheLimit) {
  Json doc = ValidDocument();
  doc["subject"].push_back(doc["subject"][0]);
  doc["subject"].push_back(doc["subject"][0]);
  StatementLimits limits;
  limits.max_subjects = 2;
  EXPECT_TRUE(HasError(ParseStatement(doc.dump(), limits), StatusCode::kResourceExhausted,
                       "statement has 3 subjects, more than the limit of 2"));
  limits.max_subjects = 3;
  EXPECT_THAT(ParseStatement(doc.dump(), limits), IsOk());
}

TEST(Statement, RejectsAStatementLargerThanTheLimit) {
  const std::string json = ValidDocument().dump();
  StatementLimits limits;
  limits.max_size = json.size() - 1;
  EXPECT_TRUE(HasError(ParseStatement(json, limits), StatusCode::kResourceExhausted,
                       "statement is " + std::to_string(json.size()) + " bytes, more than the limit of"));
}

TEST(Statement, SurvivesDeepNestingInThePredicate) {
  const std::string json = R"({"_type":"https://in-toto.io/Statement/v1","predicate":)" + std::string(10000, '[') +
                           std::string(10000, ']') + "}";
  EXPECT_TRUE(
      HasError(ParseStatement(json), StatusCode::kResourceExhausted, "statement nests deeper than the limit of 32"));
}

// --- BuildSlsaProvenance -------------------------------------------------------------------------

ProvenanceFacts ExampleFacts() {
  ProvenanceFacts facts;
  facts.external_parameters = {{"target", "//fn:hello"}};
  facts.builder_id = "https://fnseal.dev/builders/bazel";
  facts.resolved_dependencies = {
      {"rules_go", "https://example.com/rules_go.tar.gz", kSha256B, ""},
      {"abseil", "", kSha256A, ""},
      {"musl", "https://example.com/musl.tar.gz", kSha256A, ""},
  };
  return facts;
}

TEST(SlsaProvenance, BuildsTheV1Shape) {
  ProvenanceFacts facts = ExampleFacts();
  facts.builder_version = {{"bazel", "7.4.1"}};
  facts.invocation_id = "build-42";
  facts.started_on = "2000-01-01T00:00:00Z";
  facts.finished_on = "2000-01-01T00:01:00Z";
  const Json predicate = BuildSlsaProvenance(facts);
  const Json expected = Json::parse(std::string(R"({
    "buildDefinition": {
      "buildType": "https://fnseal.dev/build-types/function-bundle/v1",
      "externalParameters": {"target": "//fn:hello"},
      "internalParameters": {},
      "resolvedDependencies": [
        {"name": "abseil", "digest": {"sha256": ")") +
                                    kSha256A + R"("}},
        {"name": "musl", "uri": "https://example.com/musl.tar.gz", "digest": {"sha256": ")" +
                                    kSha256A + R"("}},
        {"name": "rules_go", "uri": "https://example.com/rules_go.tar.gz", "digest": {"sha256": ")" +
                                    kSha256B + R"("}}
      ]
    },
    "runDetails": {
      "builder": {"id": "https://fnseal.dev/builders/bazel", "version": {"bazel": "7.4.1"}},
      "metadata": {"invocationId": "build-42", "startedOn": "2000-01-01T00:00:00Z", "finishedOn": "2000-01-01T00:01:00Z"}
    }
  })");
  EXPECT_EQ(predicate, expected) << predicate.dump(2);
}

TEST(SlsaProvenance, SortsDependenciesByName) {
  const Json predicate = BuildSlsaProvenance(ExampleFacts());
  std::vector<std::string> names;
  for (const Json& d : predicate["buildDefinition"]["resolvedDependencies"]) names.push_back(d["name"]);
  EXPECT_THAT(names, ElementsAre("abseil", "musl", "rules_go"));
}

TEST(SlsaProvenance, DoesNotDependOnDependencyInputOrder) {
  ProvenanceFacts forward = ExampleFacts();
  // Two entries with the same name must still come out in one order.
  forward.resolved_dependencies.push_back({"musl", "https://mirror.example.com/musl.tar.gz", kSha256B, ""});
  forward.resolved_dependencies.push_back({"musl", "https://example.com/musl.tar.gz", kSha256B, ""});
  ProvenanceFacts backward = forward;
  std::reverse(backward.resolved_dependencies.begin(), backward.resolved_dependencies.end());
  EXPECT_EQ(CanonicalJsonDump(BuildSlsaProvenance(forward)), CanonicalJsonDump(BuildSlsaProvenance(backward)));
  for (size_t rotation = 1; rotation < forward.resolved_dependencies.size(); ++rotation) {
    ProvenanceFacts rotated = forward;
    std::rotate(rotated.resolved_dependencies.begin(), rotated.resolved_dependencies.begin() + rotation,
                rotated.resolved_dependencies.end());
    EXPECT_EQ(CanonicalJsonDump(BuildSlsaProvenance(forward)), CanonicalJsonDump(BuildSlsaProvenance(rotated)))
        << rotation;
  }
}

TEST(SlsaProvenance, OmitsEmptyMetadataFields) {
  const Json predicate = BuildSlsaProvenance(ExampleFacts());
  EXPECT_EQ(predicate["runDetails"]["metadata"], Json::object());
  EXPECT_FALSE(predicate["runDetails"]["builder"].contains("version"));
  ProvenanceFacts facts = ExampleFacts();
  facts.started_on = "2000-01-01T00:00:00Z";
  const Json partial = BuildSlsaProvenance(facts);
  EXPECT_EQ(partial["runDetails"]["metadata"], Json({{"startedOn", "2000-01-01T00:00:00Z"}}));
}

TEST(SlsaProvenance, OmitsAnEmptyUri) {
  const Json predicate = BuildSlsaProvenance(ExampleFacts());
  const Json& abseil = predicate["buildDefinition"]["resolvedDependencies"][0];
  ASSERT_EQ(abseil["name"], "abseil");
  EXPECT_FALSE(abseil.contains("uri"));
}

TEST(SlsaProvenance, RecordsASourceRevisionByItsGitCommit) {
  ProvenanceFacts facts = ExampleFacts();
  facts.resolved_dependencies.push_back(
      {"source", "git+https://example.com/org/fn@refs/heads/main", "", std::string(40, 'c')});
  const Json predicate = BuildSlsaProvenance(facts);
  const Json* source = nullptr;
  for (const Json& d : predicate["buildDefinition"]["resolvedDependencies"]) {
    if (d["name"] == "source") source = &d;
  }
  ASSERT_NE(source, nullptr);
  EXPECT_EQ((*source)["digest"], Json({{"gitCommit", std::string(40, 'c')}}));
  EXPECT_EQ((*source)["uri"], "git+https://example.com/org/fn@refs/heads/main");
}

TEST(SlsaProvenance, WritesBuilderDependenciesOnlyWhenGiven) {
  ProvenanceFacts facts = ExampleFacts();
  EXPECT_FALSE(BuildSlsaProvenance(facts)["runDetails"]["builder"].contains("builderDependencies"));
  facts.builder_dependencies.push_back({"fnseal", "", std::string(64, 'f'), ""});
  const Json builder = BuildSlsaProvenance(facts)["runDetails"]["builder"];
  EXPECT_EQ(builder["builderDependencies"],
            Json::array({{{"name", "fnseal"}, {"digest", {{"sha256", std::string(64, 'f')}}}}}));
}

TEST(SlsaProvenance, IsByteForByteReproducible) {
  EXPECT_EQ(CanonicalJsonDump(BuildSlsaProvenance(ExampleFacts())),
            CanonicalJsonDump(BuildSlsaProvenance(ExampleFacts())));
}

TEST(SlsaProvenance, MakesAStatementThatParses) {
  Statement statement;
  statement.subjects.push_back({"function.fnb", {{"sha256", kSha256A}}});
  statement.predicate_type = kSlsaProvenanceV1;
  statement.predicate = BuildSlsaProvenance(ExampleFacts());
  Result<Statement> parsed = ParseStatement(SerializeStatement(statement));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->predicate, statement.predicate);
}

// --- Rfc3339Utc ----------------------------------------------------------------------------------

TEST(Rfc3339Utc, FormatsTheMillennium) { EXPECT_EQ(Rfc3339Utc(946684800), "2000-01-01T00:00:00Z"); }

TEST(Rfc3339Utc, FormatsTheEpoch) { EXPECT_EQ(Rfc3339Utc(0), "1970-01-01T00:00:00Z"); }

TEST(Rfc3339Utc, FormatsALeapDayAndTheLastSecondOfADay) {
  EXPECT_EQ(Rfc3339Utc(951782400), "2000-02-29T00:00:00Z");
  EXPECT_EQ(Rfc3339Utc(951868799), "2000-02-29T23:59:59Z");
}

TEST(Rfc3339Utc, FormatsTimesPastTwentyThirtyEight) {
  EXPECT_EQ(Rfc3339Utc(2147483648), "2038-01-19T03:14:08Z");
  EXPECT_EQ(Rfc3339Utc(253402300799), "9999-12-31T23:59:59Z");
}

// A stamped function bundle build with every field fnseal writes: the shape auditors and
// verifiers rely on, pinned byte for byte. The golden is pretty-printed for review; to rewrite it
// on purpose (then review the diff): FNSEAL_UPDATE_GOLDENS=1 bazel run //provenance/statement:statement_test
TEST(SlsaProvenance, MatchesTheGoldenStatementOfAFixedBundleBuild) {
  ProvenanceFacts facts;
  facts.external_parameters = {{"function", "hello"},
                               {"target", "//examples/hello:hello_bundle"},
                               {"compressionLevel", 3},
                               {"configuration", {{"compilationMode", "opt"}, {"cpu", "k8"}}},
                               {"deployables", {{"aws_lambda", {{"memoryMb", 256}, {"timeoutSeconds", 30}}}}}};
  facts.internal_parameters = {{"entrypoint", "bootstrap"},
                               {"runtime", "provided.al2023"},
                               {"source", {{"treeState", "clean"}, {"tags", {"v1.0.0"}}}}};
  facts.resolved_dependencies = {
      {"source", "git+https://example.com/monorepo.git@refs/heads/main", "", std::string(40, 'c')},
      {"examples/hello/handler", "", std::string(64, 'a'), ""},
      {"examples/hello/greeting.txt", "", std::string(64, 'b'), ""},
      {"license-policy", "", std::string(64, 'd'), ""},
      {"toolchain:cc", "", std::string(64, '9'), "", {{"path", "/usr/bin/gcc"}}},
  };
  facts.builder_id = "https://fnseal.dev/builders/bazel/v1";
  facts.builder_version = {{"fnseal", "0.1.0"}};
  facts.builder_dependencies = {{"fnseal", "", std::string(64, 'e'), ""}};
  facts.byproducts = {{"hello_bundle.components.json", "", std::string(64, 'f'), ""}};
  facts.invocation_id = "https://ci.example.com/runs/42";
  facts.started_on = Rfc3339Utc(1700000000);
  facts.finished_on = Rfc3339Utc(1700000060);
  Statement statement;
  statement.predicate_type = kSlsaProvenanceV1;
  statement.predicate = BuildSlsaProvenance(facts);
  statement.subjects = {{"artifacts/hello.tar", {{"sha256", std::string(64, '1')}}},
                        {"manifest.json", {{"sha256", std::string(64, '2')}}}};
  const std::string serialized = SerializeStatement(statement);
  ASSERT_THAT(ParseStatement(serialized), IsOk());
  Result<Json> parsed = ParseJsonStrict(serialized, "statement");
  ASSERT_THAT(parsed, IsOk());
  const std::string actual = PrettyJsonDump(*parsed);
  const std::string name = "testdata/provenance/golden.statement.json";
  const char* update = std::getenv("FNSEAL_UPDATE_GOLDENS");
  if (update != nullptr && std::string(update) == "1") {
    const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
    ASSERT_NE(workspace, nullptr) << "run it with 'bazel run' to rewrite the golden";
    ASSERT_THAT(WriteFileAtomic(std::string(workspace) + "/" + name, actual), IsOk());
    return;
  }
  Result<std::string> golden = ReadFile(name);
  ASSERT_THAT(golden, IsOk());
  EXPECT_EQ(actual, *golden) << name << " differs; see the comment above to rewrite it on purpose";
}

TEST(SlsaProvenance, WritesByproductsOnlyWhenThereAreSome) {
  ProvenanceFacts facts;
  facts.builder_id = "https://fnseal.dev/builders/bazel/v1";
  EXPECT_FALSE(BuildSlsaProvenance(facts)["runDetails"].contains("byproducts"));
  facts.byproducts = {{"b.log", "", std::string(64, 'f'), ""}, {"a.json", "", std::string(64, 'e'), ""}};
  const Json byproducts = BuildSlsaProvenance(facts)["runDetails"]["byproducts"];
  ASSERT_EQ(byproducts.size(), 2u);
  EXPECT_EQ(byproducts[0]["name"], "a.json");  // sorted
  EXPECT_EQ(byproducts[1]["digest"]["sha256"], std::string(64, 'f'));
}

}  // namespace
}  // namespace fnseal
