// Reading facts from verified statements, including statements a compromised or careless signer
// could produce: wrong types, unknown references, more than the limits.
#include "audit/store/facts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/file.h"
#include "core/json.h"
#include "provenance/statement/statement.h"
#include "tests/support/status_matchers.h"

namespace fnseal {
namespace {

using ::fnseal::test::IsOk;
using ::fnseal::test::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr char kManifest[] = R"({"function": {"name": "fn", "entrypoint": "bootstrap", "runtime": "provided.al2023"}})";

// The statement's predicate, as Verify keeps it for the later checks.
Json Predicate(const std::string& statement) {
  Result<Json> parsed = ParseJsonStrict(statement, "statement");
  const Json* predicate = parsed.ok() ? FindMember(*parsed, "predicate") : nullptr;
  return predicate != nullptr ? *predicate : Json();
}

Verification With(const std::string& predicate_type, const std::string& payload) {
  Verification v;
  v.kind = "bundle";
  v.function = VerifiedFunction{"fn", "bootstrap"};
  VerifiedStatement s;
  s.name = "attestations/x.dsse.json";
  s.predicate_type = predicate_type;
  s.payload = payload;
  s.predicate = Predicate(payload);
  v.statements.push_back(s);
  return v;
}

Verification Bom(const std::string& predicate) {
  return With("https://cyclonedx.org/bom",
              R"({"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://cyclonedx.org/bom",
                  "subject": [], "predicate": )" + predicate + "}");
}

TEST(FactsTest, ReadsTheSeedStatements) {
  auto sbom = ReadFile("testdata/fuzz/bundle_facts/sentiment-cyclonedx.json");
  auto provenance = ReadFile("testdata/fuzz/bundle_facts/sentiment-provenance.json");
  ASSERT_THAT(sbom, IsOk());
  ASSERT_THAT(provenance, IsOk());
  Verification v = With("https://slsa.dev/provenance/v1", provenance->substr(1));
  v.statements.push_back(Bom("{}").statements[0]);
  v.statements[1].payload = sbom->substr(1);
  v.statements[1].predicate = Predicate(v.statements[1].payload);
  auto facts = ExtractBundleFacts(v, kManifest);
  ASSERT_THAT(facts, IsOk());
  EXPECT_EQ(facts->builder_id, "https://fnseal.dev/builders/bazel/v1");
  EXPECT_EQ(facts->bazel_target, "//examples/sentiment:sentiment_bundle");
  EXPECT_EQ(facts->fnseal_version, "0.1.0");
  EXPECT_EQ(facts->runtime, "provided.al2023");
  ASSERT_EQ(facts->components.size(), 10u);
  EXPECT_TRUE(facts->components[0].root);
  const ComponentFact* model = nullptr;
  for (const ComponentFact& c : facts->components) {
    if (c.kind == "model") model = &c;
  }
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(model->url, "https://huggingface.co/example/tiny-sentiment");
  EXPECT_THAT(model->edges, ::testing::Contains(Pair("derived-from", "distilbert-base-uncased")));
  EXPECT_THAT(model->edges, ::testing::Contains(Pair("trained-on", "//examples/sentiment:sst2_sample")));
  ASSERT_EQ(model->licenses.size(), 1u);
  EXPECT_TRUE(model->licenses[0].model_license);
}

TEST(FactsTest, LicensesAreSplitIntoClassifiedLeaves) {
  auto facts = ExtractBundleFacts(
      Bom(R"({"components": [{"bom-ref": "a", "name": "a", "type": "library",
              "licenses": [{"expression": "MIT OR GPL-2.0-only WITH Classpath-exception-2.0"}]},
             {"bom-ref": "b", "name": "b", "type": "library", "licenses": [{"license": {"id": "Apache-2.0"}},
              {"license": {"id": "CC-BY-NC-4.0"}}]},
             {"bom-ref": "c", "name": "c", "type": "library", "licenses": [{"expression": "not a license ((("}]}]})"),
      kManifest);
  ASSERT_THAT(facts, IsOk());
  ASSERT_EQ(facts->components.size(), 3u);
  std::vector<std::string> a, b;
  for (const auto& l : facts->components[0].licenses) a.push_back(l.license_id + "=" + l.category);
  for (const auto& l : facts->components[1].licenses) b.push_back(l.license_id + "=" + l.category);
  EXPECT_THAT(a, ::testing::UnorderedElementsAre("MIT=permissive",
                                                 "GPL-2.0-only WITH Classpath-exception-2.0=strong-copyleft"));
  EXPECT_EQ(facts->components[1].license, "(Apache-2.0) AND (CC-BY-NC-4.0)");
  EXPECT_THAT(b, ::testing::UnorderedElementsAre("Apache-2.0=permissive", "CC-BY-NC-4.0=non-commercial"));
  // What does not parse is kept as written and classified unknown, not dropped.
  ASSERT_EQ(facts->components[2].licenses.size(), 1u);
  EXPECT_EQ(facts->components[2].licenses[0].category, "unknown");
}

TEST(FactsTest, HostileShapesAreRefusedWithTheField) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"components": {"not": "an array"}})", "components: not an array"},
      {R"({"components": [7]})", "components[]: not an object"},
      {R"({"components": [{"bom-ref": 5, "name": "x"}]})", "bom-ref: not a string"},
      {R"({"components": [{"type": "library"}]})", "no bom-ref and no name"},
      {R"({"components": [{"bom-ref": "a", "name": "a"}, {"bom-ref": "a", "name": "b"}]})", "two components are 'a'"},
      {R"({"components": [{"bom-ref": "a", "name": "a"}], "dependencies": [{"ref": "b", "dependsOn": []}]})",
       "'b' is not a component"},
      {R"({"components": [{"bom-ref": "a", "name": "a"}], "dependencies": [{"ref": "a", "dependsOn": [1]}]})",
       "not a string"},
      {R"({"components": [{"bom-ref": "a", "name": "a", "licenses": "MIT"}]})", "licenses: not an array"},
      {R"({"components": [{"bom-ref": "a", "name": ")" + std::string(9000, 'x') + R"("}]})", "longer than the limit"},
      {R"("a string")", "predicate: not an object"},
  };
  for (const auto& [predicate, message] : cases) {
    EXPECT_THAT(ExtractBundleFacts(Bom(predicate), kManifest),
                StatusIs(StatusCode::kInvalidArgument, HasSubstr(message)))
        << predicate.substr(0, 80);
  }
  EXPECT_THAT(ExtractBundleFacts(With("https://cyclonedx.org/bom", "{not json"), kManifest),
              StatusIs(StatusCode::kInvalidArgument, ::testing::_));
}

TEST(FactsTest, LimitsAreResourceExhausted) {
  std::string many = R"({"components": [)";
  for (int i = 0; i < 20; ++i) many += std::string(i ? "," : "") + R"({"bom-ref": "c)" + std::to_string(i) + R"("})";
  many += "]}";
  FactsLimits limits;
  limits.max_components = 10;
  EXPECT_THAT(ExtractBundleFacts(Bom(many), kManifest, limits),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("more than 10 components")));
  std::string edges = R"({"components": [{"bom-ref": "a"}], "dependencies": [{"ref": "a", "dependsOn": [)";
  for (int i = 0; i < 20; ++i) edges += std::string(i ? "," : "") + "\"x" + std::to_string(i) + "\"";
  edges += "]}]}";
  limits.max_edges = 10;
  EXPECT_THAT(ExtractBundleFacts(Bom(edges), kManifest, limits),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("too many edges")));
  // Facts read the predicate Verify parsed: deep nesting never gets here, it stops at the
  // statement parser's depth limit.
  EXPECT_THAT(ParseStatement(R"({"_type": "https://in-toto.io/Statement/v1", "predicateType": "t",
                                 "subject": [{"name": "a", "digest": {"sha256": ")" +
                             std::string(64, 'a') + R"("}}], "predicate": )" + std::string(100, '[') +
                             std::string(100, ']') + "}"),
              StatusIs(StatusCode::kResourceExhausted, HasSubstr("nests deeper")));
}

TEST(FactsTest, ProvenanceGivesSourceAndBuilder) {
  auto facts = ExtractBundleFacts(
      With("https://slsa.dev/provenance/v1",
           R"({"predicate": {"buildDefinition": {"buildType": "t", "externalParameters": {"target": "//a:b"},
               "internalParameters": {"source": {"treeState": "dirty"}},
               "resolvedDependencies": [{"name": "source", "uri": "git+https://h/r@refs/heads/main",
                 "digest": {"gitCommit": "0123456789012345678901234567890123456789"}},
                {"name": "f", "digest": {"sha256": "aa"}}]},
               "runDetails": {"builder": {"id": "https://b", "version": {"fnseal": "9.9"}}}}})"),
      kManifest);
  ASSERT_THAT(facts, IsOk());
  EXPECT_EQ(facts->source_uri, "git+https://h/r@refs/heads/main");
  EXPECT_EQ(facts->source_commit, "0123456789012345678901234567890123456789");
  EXPECT_EQ(facts->tree_state, "dirty");
  EXPECT_EQ(facts->builder_id, "https://b");
  EXPECT_EQ(facts->fnseal_version, "9.9");
  EXPECT_EQ(facts->dependencies.size(), 2u);
  EXPECT_THAT(ExtractBundleFacts(With("https://slsa.dev/provenance/v1", R"({"predicate": {"runDetails": {}}})"),
                                 kManifest),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("no buildDefinition")));
}

}  // namespace
}  // namespace fnseal
