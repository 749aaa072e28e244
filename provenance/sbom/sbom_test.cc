#include "provenance/sbom/sbom.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "core/file.h"
#include "core/json.h"
#include "provenance/statement/statement.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

constexpr char kExampleDir[] = "testdata/sbom/example";

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

ComponentSet Example() {
  Result<ComponentSet> set = LoadComponentsFile(std::string(kExampleDir) + "/components.json", kExampleDir);
  EXPECT_THAT(set, IsOk());
  return set.ok() ? std::move(set).value() : ComponentSet{};
}

// The options of the golden files: a fixed time, one concluded license, and a catalogue that
// knows one of the two LicenseRefs (the other has a shipped text).
SbomOptions GoldenOptions() {
  SbomOptions options;
  options.created = "2026-06-01T12:00:00Z";
  options.concluded["//third_party/tinyjson:tinyjson"] = *ParseLicenseExpression("MIT");
  options.license_ref_resolver = [](std::string_view id) -> std::optional<LicenseRefInfo> {
    if (id != "LicenseRef-fnseal-sst2-terms") return std::nullopt;
    return LicenseRefInfo{"SST-2 terms of use", "https://nlp.stanford.edu/sentiment/", "research use", ""};
  };
  return options;
}

// "SPDXRef-" followed by one or more of [A-Za-z0-9.-] (SPDX 2.3 clause 3.2). No std::regex: GCC's
// -Wmaybe-uninitialized misfires inside it under the sanitizer build.
bool IsSpdxRef(const std::string& id) {
  if (id.rfind("SPDXRef-", 0) != 0 || id.size() == 8) return false;
  return id.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-", 8) ==
         std::string::npos;
}

// "urn:uuid:xxxxxxxx-xxxx-5xxx-[89ab]xxx-xxxxxxxxxxxx", lowercase hex.
bool IsV5ShapedUrnUuid(const std::string& s) {
  static constexpr char kShape[] = "urn:uuid:hhhhhhhh-hhhh-5hhh-vhhh-hhhhhhhhhhhh";
  if (s.size() != sizeof(kShape) - 1) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool hex = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f');
    if (kShape[i] == 'h'   ? !hex
        : kShape[i] == 'v' ? std::string("89ab").find(s[i]) == std::string::npos
                           : s[i] != kShape[i]) {
      return false;
    }
  }
  return true;
}

Json Parsed(const std::string& text) {
  Result<Json> json = ParseJsonStrict(text, "sbom");
  EXPECT_THAT(json, IsOk());
  return json.ok() ? *json : Json();
}

std::string Write(SbomFormat format, const ComponentSet& set, const SbomOptions& options) {
  Result<std::string> out = WriteSbom(format, set, options);
  EXPECT_THAT(out, IsOk());
  return out.ok() ? *out : "";
}

// Golden files are pretty-printed for review. To rewrite them on purpose (then review the diff):
//   FNSEAL_UPDATE_GOLDENS=1 bazel run //provenance/sbom:sbom_test
// `bazel run` sets BUILD_WORKSPACE_DIRECTORY, so the files land in the source tree.
TEST(SbomWriters, MatchTheGoldenFiles) {
  const ComponentSet set = Example();
  const char* update = std::getenv("FNSEAL_UPDATE_GOLDENS");
  const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
  for (SbomFormat format : {SbomFormat::kSpdx23, SbomFormat::kSpdx301, SbomFormat::kCycloneDx16}) {
    const std::string name = "testdata/sbom/golden." + std::string(SbomFormatName(format)) + ".json";
    const std::string actual = PrettyJsonDump(Parsed(Write(format, set, GoldenOptions())));
    if (update != nullptr && std::string(update) == "1") {
      ASSERT_NE(workspace, nullptr) << "run it with 'bazel run' to rewrite the goldens";
      ASSERT_THAT(WriteFileAtomic(std::string(workspace) + "/" + name, actual), IsOk());
      continue;
    }
    EXPECT_EQ(actual, ReadText(name)) << name << " differs; see the comment above to rewrite it on purpose";
  }
}

TEST(SbomWriters, SameInputGivesSameBytesWhateverTheComponentOrder) {
  ComponentSet set = Example();
  ComponentSet reversed = set;
  std::reverse(reversed.components.begin(), reversed.components.end());
  for (SbomFormat format : {SbomFormat::kSpdx23, SbomFormat::kSpdx301, SbomFormat::kCycloneDx16}) {
    const std::string first = Write(format, set, GoldenOptions());
    EXPECT_FALSE(first.empty());
    EXPECT_EQ(first, Write(format, set, GoldenOptions()));
    EXPECT_EQ(first, Write(format, reversed, GoldenOptions())) << SbomFormatName(format);
  }
}

TEST(SbomWriters, NamespaceAndSerialNumberFollowTheContent) {
  ComponentSet set = Example();
  SbomOptions later = GoldenOptions();
  later.created = "2026-06-02T12:00:00Z";
  const Json spdx_a = Parsed(Write(SbomFormat::kSpdx23, set, GoldenOptions()));
  const Json spdx_b = Parsed(Write(SbomFormat::kSpdx23, set, later));
  EXPECT_NE(spdx_a["documentNamespace"], spdx_b["documentNamespace"]);
  EXPECT_EQ(spdx_b["creationInfo"]["created"], "2026-06-02T12:00:00Z");
  const Json cdx_a = Parsed(Write(SbomFormat::kCycloneDx16, set, GoldenOptions()));
  set.components[1].files[0].sha256 = std::string(64, '0');
  const Json cdx_b = Parsed(Write(SbomFormat::kCycloneDx16, set, GoldenOptions()));
  EXPECT_NE(cdx_a["serialNumber"], cdx_b["serialNumber"]);
  EXPECT_TRUE(IsV5ShapedUrnUuid(cdx_a["serialNumber"].get<std::string>())) << cdx_a["serialNumber"];
  EXPECT_FALSE(IsV5ShapedUrnUuid("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79"));  // a v4 UUID
  const Json default_time = Parsed(Write(SbomFormat::kCycloneDx16, set, {}));
  EXPECT_EQ(default_time["metadata"]["timestamp"], kDefaultSbomCreated);
}

TEST(SbomWriters, LicenseRefTextsComeFromFilesThenTheResolverThenAPlaceholder) {
  const ComponentSet set = Example();
  const Json doc = Parsed(Write(SbomFormat::kSpdx23, set, GoldenOptions()));
  const Json& infos = doc["hasExtractedLicensingInfos"];
  ASSERT_EQ(infos.size(), 2u);
  EXPECT_EQ(infos[0]["licenseId"], "LicenseRef-fnseal-OpenRAIL-M");
  EXPECT_EQ(infos[0]["extractedText"],
            ReadText(std::string(kExampleDir) + "/sentiment/LicenseRef-fnseal-OpenRAIL-M.txt"));
  EXPECT_FALSE(infos[0].contains("comment"));
  EXPECT_EQ(infos[1]["licenseId"], "LicenseRef-fnseal-sst2-terms");
  EXPECT_EQ(infos[1]["name"], "SST-2 terms of use");
  EXPECT_EQ(infos[1]["seeAlsos"], Json::array({"https://nlp.stanford.edu/sentiment/"}));
  const std::string placeholder = infos[1]["extractedText"];
  EXPECT_NE(placeholder.find("was not provided"), std::string::npos) << placeholder;
  EXPECT_NE(placeholder.find("https://nlp.stanford.edu/sentiment/"), std::string::npos) << placeholder;

  SbomOptions with_text = GoldenOptions();
  with_text.license_ref_resolver = [](std::string_view) -> std::optional<LicenseRefInfo> {
    return LicenseRefInfo{"", "", "", "catalogue text"};
  };
  const Json resolved = Parsed(Write(SbomFormat::kSpdx23, set, with_text));
  EXPECT_EQ(resolved["hasExtractedLicensingInfos"][1]["extractedText"], "catalogue text");
  // A shipped file wins over the catalogue.
  EXPECT_EQ(resolved["hasExtractedLicensingInfos"][0]["extractedText"], infos[0]["extractedText"]);

  SbomOptions no_resolver;
  const Json bare = Parsed(Write(SbomFormat::kSpdx23, set, no_resolver));
  EXPECT_EQ(bare["hasExtractedLicensingInfos"][1]["extractedText"],
            "The text of LicenseRef-fnseal-sst2-terms was not provided to fnseal when this document was made.");
}

TEST(SbomWriters, Spdx23MapsPackagesFilesAndRelationships) {
  const Json doc = Parsed(Write(SbomFormat::kSpdx23, Example(), GoldenOptions()));
  EXPECT_EQ(doc["spdxVersion"], "SPDX-2.3");
  ASSERT_EQ(doc["packages"].size(), 5u);
  std::map<std::string, Json> by_name;
  for (const Json& p : doc["packages"]) {
    EXPECT_TRUE(IsSpdxRef(p["SPDXID"].get<std::string>())) << p["SPDXID"];
    by_name[p["name"]] = p;
  }
  EXPECT_EQ(by_name["hello"]["primaryPackagePurpose"], "APPLICATION");
  EXPECT_EQ(by_name["tinyjson"]["primaryPackagePurpose"], "LIBRARY");
  EXPECT_EQ(by_name["tinyjson"]["licenseConcluded"], "MIT");
  EXPECT_EQ(by_name["hello"]["licenseConcluded"], "NOASSERTION");
  EXPECT_EQ(by_name["tiny-sentiment"]["primaryPackagePurpose"], "OTHER");
  EXPECT_EQ(by_name["tiny-sentiment"]["licenseDeclared"], "LicenseRef-fnseal-OpenRAIL-M");
  EXPECT_EQ(by_name["hello"]["supplier"], "Organization: Example Corp");
  std::multiset<std::string> types;
  for (const Json& r : doc["relationships"]) types.insert(r["relationshipType"].get<std::string>());
  EXPECT_EQ(types.count("DESCRIBES"), 1u);
  EXPECT_EQ(types.count("DEPENDS_ON"), 3u);
  EXPECT_EQ(types.count("CONTAINS"), 5u);
  EXPECT_EQ(types.count("DESCENDANT_OF"), 1u);
  EXPECT_EQ(types.count("GENERATED_FROM"), 1u);
  ASSERT_EQ(doc["files"].size(), 5u);
  EXPECT_EQ(doc["files"][0]["checksums"][0]["algorithm"], "SHA1");
  EXPECT_EQ(doc["files"][0]["checksums"][0]["checksumValue"], "9db6f074fca0a903137b91c7c866b21d4e7205a7");
  EXPECT_EQ(doc["files"][0]["checksums"][1]["algorithm"], "SHA256");
}

TEST(SbomWriters, Spdx3UsesTheAiAndDatasetProfiles) {
  const Json doc = Parsed(Write(SbomFormat::kSpdx301, Example(), GoldenOptions()));
  EXPECT_EQ(doc["@context"], "https://spdx.org/rdf/3.0.1/spdx-context.jsonld");
  std::map<std::string, Json> by_name;
  std::map<std::string, std::vector<Json>> relationships;
  for (const Json& e : doc["@graph"]) {
    if (e.contains("name")) by_name[e["name"]] = e;
    if (e["type"] == "Relationship") relationships[e["relationshipType"]].push_back(e);
  }
  EXPECT_EQ(by_name["tiny-sentiment"]["type"], "ai_AIPackage");
  EXPECT_EQ(by_name["tiny-sentiment"]["software_primaryPurpose"], "model");
  EXPECT_EQ(by_name["tiny-sentiment"]["comment"], "trained on: imdb-reviews");
  EXPECT_EQ(by_name["sst2"]["type"], "dataset_DatasetPackage");
  EXPECT_EQ(by_name["tinyjson"]["type"], "software_Package");
  ASSERT_EQ(relationships["trainedOn"].size(), 1u);
  EXPECT_EQ(relationships["trainedOn"][0]["from"], by_name["tiny-sentiment"]["spdxId"]);
  EXPECT_EQ(relationships["trainedOn"][0]["to"], Json::array({by_name["sst2"]["spdxId"]}));
  EXPECT_EQ(relationships["hasDeclaredLicense"].size(), 5u);
  EXPECT_EQ(relationships["hasConcludedLicense"].size(), 1u);
  EXPECT_EQ(relationships["descendantOf"].size(), 1u);
  EXPECT_EQ(doc["@graph"][1]["type"], "SpdxDocument");
  EXPECT_EQ(doc["@graph"][1]["profileConformance"],
            Json::array({"core", "software", "ai", "dataset", "simpleLicensing"}));
}

TEST(SbomWriters, NoneAndNoAssertionAreIndividualsInSpdx3AndAbsentInCycloneDx) {
  ComponentSet set = Example();
  set.components[0].license = *ParseLicenseExpression("NONE");         // the root
  set.components[1].license = *ParseLicenseExpression("NOASSERTION");  // tinyjson
  const Json doc = Parsed(Write(SbomFormat::kSpdx301, set, {}));
  std::set<std::string> targets;
  for (const Json& e : doc["@graph"]) {
    if (e["type"] == "Relationship" && e["relationshipType"] == "hasDeclaredLicense") targets.insert(e["to"][0]);
  }
  EXPECT_EQ(targets.count("expandedlicensing_NoneLicense"), 1u);
  EXPECT_EQ(targets.count("expandedlicensing_NoAssertionLicense"), 1u);
  const Json spdx2 = Parsed(Write(SbomFormat::kSpdx23, set, {}));
  EXPECT_EQ(spdx2["packages"][0]["licenseDeclared"], "NONE");
  const Json bom = Parsed(Write(SbomFormat::kCycloneDx16, set, {}));
  EXPECT_FALSE(bom["metadata"]["component"].contains("licenses"));
}

TEST(SbomWriters, CycloneDxWritesModelCardsAndTheDependencyGraph) {
  const Json bom = Parsed(Write(SbomFormat::kCycloneDx16, Example(), GoldenOptions()));
  EXPECT_EQ(bom["specVersion"], "1.6");
  EXPECT_EQ(bom["metadata"]["component"]["bom-ref"], "//examples/hello:hello");
  EXPECT_EQ(bom["metadata"]["component"]["licenses"][0]["license"]["id"], "Apache-2.0");
  std::map<std::string, Json> by_ref;
  for (const Json& c : bom["components"]) by_ref[c["bom-ref"]] = c;
  const Json& model = by_ref["//examples/sentiment:model"];
  EXPECT_EQ(model["type"], "machine-learning-model");
  EXPECT_EQ(model["modelCard"]["modelParameters"]["datasets"],
            Json::parse(R"([{"ref": "//examples/sentiment:sst2"}, {"type": "dataset", "name": "imdb-reviews"}])"));
  EXPECT_EQ(model["licenses"][0]["expression"], "LicenseRef-fnseal-OpenRAIL-M");
  EXPECT_EQ(model["pedigree"]["ancestors"][0]["name"], "distilbert-base-uncased");
  EXPECT_EQ(by_ref["//examples/sentiment:sst2"]["type"], "data");
  EXPECT_EQ(by_ref["//third_party/tinyjson:tinyjson"]["components"][0]["hashes"][0]["alg"], "SHA-256");
  ASSERT_EQ(bom["dependencies"].size(), 5u);
  for (const Json& d : bom["dependencies"]) {
    if (d["ref"] == "//examples/hello:hello") {
      EXPECT_EQ(d["dependsOn"], Json::array({"//third_party/tinyjson:tinyjson", "//examples/sentiment:model"}));
    }
  }
}

TEST(SbomWriters, RefusesUnloadedFilesBadTimesAndUnknownConcludedIds) {
  Result<ComponentSet> parsed = ParseComponentsFile(ReadText(std::string(kExampleDir) + "/components.json"));
  ASSERT_THAT(parsed, IsOk());
  Result<std::string> unloaded = WriteSbom(SbomFormat::kSpdx23, *parsed);
  ASSERT_FALSE(unloaded.ok());
  EXPECT_EQ(unloaded.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(unloaded.status().message().find("has not been read"), std::string::npos);
  const ComponentSet set = Example();
  for (const char* bad : {"2026-06-01", "2026-06-01T12:00:00+01:00", "2026-13-01T12:00:00Z", ""}) {
    SbomOptions options;
    options.created = bad;
    Result<std::string> out = WriteSbom(SbomFormat::kCycloneDx16, set, options);
    ASSERT_FALSE(out.ok()) << bad;
    EXPECT_NE(out.status().message().find("is not RFC 3339 UTC"), std::string::npos) << bad;
  }
  SbomOptions options;
  options.concluded["//nope"] = *ParseLicenseExpression("MIT");
  Result<std::string> out = WriteSbom(SbomFormat::kSpdx301, set, options);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("'//nope', which is not a component"), std::string::npos);
}

TEST(SbomStatement, WrapsTheDocumentWithItsPredicateType) {
  const ComponentSet set = Example();
  Subject subject{"hello.fnb", {{"sha256", std::string(64, 'a')}}};
  for (SbomFormat format : {SbomFormat::kSpdx23, SbomFormat::kSpdx301, SbomFormat::kCycloneDx16}) {
    Result<SbomStatement> wrapped = SbomAsStatement(format, set, {subject}, GoldenOptions());
    ASSERT_THAT(wrapped, IsOk());
    EXPECT_EQ(wrapped->predicate_type, SbomPredicateType(format));
    Result<Statement> statement = ParseStatement(wrapped->bytes);
    ASSERT_THAT(statement, IsOk());
    EXPECT_EQ(statement->predicate_type, SbomPredicateType(format));
    EXPECT_EQ(statement->subjects[0].name, "hello.fnb");
    EXPECT_EQ(CanonicalJsonDump(statement->predicate), Write(format, set, GoldenOptions()));
  }
  EXPECT_EQ(SbomPredicateType(SbomFormat::kSpdx23), "https://spdx.dev/Document/v2.3");
  EXPECT_EQ(SbomPredicateType(SbomFormat::kSpdx301), "https://spdx.dev/Document/v3");
  EXPECT_EQ(SbomPredicateType(SbomFormat::kCycloneDx16), "https://cyclonedx.org/bom");
  Result<SbomStatement> none = SbomAsStatement(SbomFormat::kSpdx23, set, {});
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.status().message().find("at least one subject"), std::string::npos);
  Result<SbomStatement> bad = SbomAsStatement(SbomFormat::kSpdx23, set, {Subject{"x", {{"sha256", "ABC"}}}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("subject 'x' has no lowercase hex sha256"), std::string::npos);
}

TEST(SbomFormat, ParsesTheThreeNames) {
  for (SbomFormat format : {SbomFormat::kSpdx23, SbomFormat::kSpdx301, SbomFormat::kCycloneDx16}) {
    Result<SbomFormat> parsed = ParseSbomFormat(SbomFormatName(format));
    ASSERT_THAT(parsed, IsOk());
    EXPECT_EQ(*parsed, format);
  }
  Result<SbomFormat> bad = ParseSbomFormat("spdx");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("unknown SBOM format 'spdx' (spdx-2.3, spdx-3.0.1 or cyclonedx-1.6)"),
            std::string::npos);
}

TEST(ModelLicenseCatalogueRef, DescribesCataloguedModelLicensesOnly) {
  std::optional<LicenseRefInfo> llama = ModelLicenseCatalogueRef("LicenseRef-fnseal-Llama-3.1");
  ASSERT_TRUE(llama.has_value());
  EXPECT_NE(llama->name.find("Llama 3.1"), std::string::npos) << llama->name;
  EXPECT_FALSE(llama->url.empty());
  EXPECT_FALSE(llama->summary.empty());
  EXPECT_TRUE(llama->text.empty());  // the catalogue holds no license texts
  EXPECT_FALSE(ModelLicenseCatalogueRef("LicenseRef-acme-eula").has_value());
  EXPECT_FALSE(ModelLicenseCatalogueRef("MIT").has_value());
}

}  // namespace
}  // namespace fnseal
