#include "provenance/sbom/sbom_licenses.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "core/file.h"
#include "provenance/licenses/policy.h"
#include "provenance/sbom/components.h"
#include "provenance/sbom/sbom.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

constexpr char kExample[] = "testdata/sbom/example/components.json";

std::string Error(const std::string& json, StatusCode code = StatusCode::kInvalidArgument,
                  const SbomReadLimits& limits = {}) {
  Result<SbomLicenses> sbom = ParseSbomLicenses(json, limits);
  EXPECT_FALSE(sbom.ok()) << json;
  if (sbom.ok()) return "";
  EXPECT_EQ(sbom.status().code(), code) << sbom.status().ToString();
  return sbom.status().message();
}

std::string Hostile(const std::string& name) {
  Result<std::string> text = ReadFile("testdata/hostile/" + name);
  EXPECT_THAT(text, IsOk()) << name;
  return text.ok() ? *text : "";
}

LicensePolicy Policy(const std::string& json) {
  Result<LicensePolicy> policy = ParseLicensePolicy(json);
  EXPECT_THAT(policy, IsOk());
  return policy.ok() ? *policy : LicensePolicy{};
}

// Verdicts by component ("allowed EXPR" or "denied EXPR"), with ids renamed through `rename`.
std::map<std::string, std::string> Verdicts(const LicensePolicy& policy, const SbomLicenses& sbom,
                                            const std::map<std::string, std::string>& rename = {}) {
  std::map<std::string, std::string> out;
  for (const SbomLicense& c : sbom.components) {
    LicenseVerdict v = EvaluateLicense(policy, c.license, c.component);
    auto it = rename.find(c.component);
    out[it == rename.end() ? c.component : it->second] = (v.allowed ? "allowed " : "denied ") + v.expression;
  }
  return out;
}

TEST(SbomLicenses, ReadsSpdxConcludedElseDeclared) {
  Result<SbomLicenses> sbom = ParseSbomLicenses(R"({"spdxVersion": "SPDX-2.3", "packages": [
    {"name": "a", "licenseConcluded": "MIT", "licenseDeclared": "GPL-3.0-only"},
    {"name": "b", "licenseConcluded": "NOASSERTION", "licenseDeclared": "apache-2.0"},
    {"name": "c"}]})");
  ASSERT_THAT(sbom, IsOk());
  EXPECT_EQ(sbom->format, "spdx-2.3");
  ASSERT_EQ(sbom->components.size(), 3u);
  EXPECT_EQ(sbom->components[0].source, "packages[0].licenseConcluded");
  EXPECT_EQ(ToString(sbom->components[0].license), "MIT");
  EXPECT_EQ(sbom->components[1].source, "packages[1].licenseDeclared");
  EXPECT_EQ(ToString(sbom->components[1].license), "Apache-2.0");
  EXPECT_EQ(ToString(sbom->components[2].license), "NOASSERTION");
  EXPECT_EQ(sbom->components[2].note, "no licenseConcluded or licenseDeclared");
}

TEST(SbomLicenses, AndsCycloneDxEntriesAndTreatsNamesAsUnknown) {
  Result<SbomLicenses> sbom = ParseSbomLicenses(R"({"bomFormat": "CycloneDX", "specVersion": "1.6",
    "metadata": {"component": {"bom-ref": "root", "name": "r", "licenses": [{"expression": "MIT OR ISC"}]}},
    "components": [
      {"bom-ref": "two", "licenses": [{"license": {"id": "MIT"}}, {"license": {"id": "Zlib"}}],
       "components": [{"name": "nested", "licenses": [{"license": {"name": "Acme EULA"}}]},
                      {"type": "file", "name": "lib.a"}]},
      {"name": "none"}]})");
  ASSERT_THAT(sbom, IsOk());
  EXPECT_EQ(sbom->format, "cyclonedx-1.6");
  ASSERT_EQ(sbom->components.size(), 4u);
  EXPECT_EQ(sbom->components[0].component, "root");
  EXPECT_EQ(sbom->components[0].source, "metadata.component.licenses");
  EXPECT_EQ(ToString(sbom->components[0].license), "MIT OR ISC");
  EXPECT_EQ(ToString(sbom->components[1].license), "MIT AND Zlib");
  EXPECT_EQ(sbom->components[2].component, "nested");
  EXPECT_EQ(sbom->components[2].source, "components[0].components[0].licenses");
  EXPECT_EQ(ToString(sbom->components[2].license), "NOASSERTION");
  EXPECT_EQ(sbom->components[2].note, "license name 'Acme EULA' is not an SPDX id");
  EXPECT_EQ(sbom->components[3].component, "none");
  EXPECT_EQ(sbom->components[3].note, "no licenses");
}

TEST(SbomLicenses, ReadsTheSbomInsideAnInTotoStatement) {
  EXPECT_NE(Error(R"({"_type": "https://in-toto.io/Statement/v1", "subject": [],
    "predicateType": "https://cyclonedx.org/bom",
    "predicate": {"bomFormat": "CycloneDX", "specVersion": "1.6",
                  "components": [{"name": "x", "licenses": [{"license": {"id": "MIT AND"}}]}]}})")
                .find("predicate.components[0].licenses[0].license.id: column"),
            std::string::npos);
  Result<SbomLicenses> sbom = ParseSbomLicenses(R"({"_type": "https://in-toto.io/Statement/v1", "subject": [],
    "predicateType": "https://spdx.dev/Document/v2.3",
    "predicate": {"spdxVersion": "SPDX-2.3", "packages": [{"name": "p", "licenseDeclared": "BSD-3-Clause"}]}})");
  ASSERT_THAT(sbom, IsOk());
  EXPECT_TRUE(sbom->in_toto);
  EXPECT_EQ(ToString(sbom->components[0].license), "BSD-3-Clause");
}

TEST(SbomLicenses, RefusesOtherDocumentsAndSpdx3) {
  EXPECT_NE(Error(R"({"hello": 1})").find("is not a fnseal components file"), std::string::npos);
  EXPECT_NE(Error(R"({"spdxVersion": "SPDX-2.2"})").find("spdxVersion is 'SPDX-2.2', not SPDX-2.3"), std::string::npos);
  EXPECT_NE(Error(R"({"bomFormat": "CycloneDX", "specVersion": "1.2"})").find("not 1.4, 1.5 or 1.6"),
            std::string::npos);
  EXPECT_NE(Error(R"({"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"})", StatusCode::kUnimplemented)
                .find("SPDX 3"),
            std::string::npos);
  EXPECT_NE(Error(R"({"_type": "https://in-toto.io/Statement/v1", "predicateType": "https://slsa.dev/provenance/v1",
                      "predicate": {}})")
                .find("is not an SBOM predicate type"),
            std::string::npos);
  EXPECT_NE(Error("[1]").find("must be a JSON object"), std::string::npos);
}

TEST(SbomLicenses, RefusesHostileInputsNamingTheField) {
  EXPECT_NE(Error(Hostile("sbom-spdx-bad-license.json")).find("packages[1].licenseConcluded: column"),
            std::string::npos);
  EXPECT_NE(Error(Hostile("sbom-spdx-license-not-string.json")).find("packages[0].licenseDeclared must be a string"),
            std::string::npos);
  EXPECT_NE(Error(Hostile("sbom-spdx-duplicate-license.json")).find("licenseConcluded"), std::string::npos);
  Error(Hostile("sbom-cyclonedx-deep-components.json"), StatusCode::kResourceExhausted);
  EXPECT_NE(Error(Hostile("sbom-cyclonedx-too-many-licenses.json"), StatusCode::kResourceExhausted)
                .find("components[0].licenses has 65 entries, more than the limit of 64"),
            std::string::npos);
  EXPECT_NE(Error(Hostile("sbom-cyclonedx-expression-and-license.json"))
                .find("components[0].licenses[0] has both expression and license"),
            std::string::npos);
  EXPECT_NE(Error(Hostile("sbom-statement-predicate-mismatch.json")).find("predicate is cyclonedx-1.6"),
            std::string::npos);
  EXPECT_NE(Error(Hostile("sbom-too-many-packages.json"), StatusCode::kResourceExhausted)
                .find("more than the limit of 10000 components"),
            std::string::npos);
  EXPECT_NE(Error(Hostile("components-bad-license.json")).find("component '//g'"), std::string::npos);
}

TEST(SbomLicenses, EnforcesStringAndSizeLimits) {
  SbomReadLimits limits;
  limits.max_string = 8;
  EXPECT_NE(Error(R"({"spdxVersion": "SPDX-2.3", "packages": [{"name": "a-long-name"}]})",
                  StatusCode::kResourceExhausted, limits)
                .find("packages[0].name is 11 bytes"),
            std::string::npos);
  limits = {};
  limits.max_file_size = 10;
  Error(R"({"spdxVersion": "SPDX-2.3"})", StatusCode::kResourceExhausted, limits);
  EXPECT_NE(Error(R"({"spdxVersion": "SPDX-2.3", "packages": [{"name": "a\u0001"}]})")
                .find("packages[0].name contains a control character"),
            std::string::npos);
}

// The SBOMs fnseal writes from the example give each component the verdict its components file does.
TEST(SbomLicenses, WrittenSbomsGiveTheComponentsFileVerdicts) {
  Result<ComponentSet> set = LoadComponentsFile(kExample, "testdata/sbom/example");
  ASSERT_THAT(set, IsOk());
  Result<SbomLicenses> from_file = LoadSbomLicensesFile(kExample);
  ASSERT_THAT(from_file, IsOk());
  EXPECT_EQ(from_file->format, "fnsealComponents");
  ASSERT_EQ(from_file->components.size(), 5u);
  std::map<std::string, std::string> id_to_name;
  for (const Component& c : set->components) id_to_name[c.id] = c.name;

  const LicensePolicy policy = Policy(R"({"version": 1, "allow": ["Apache-2.0", "CC-BY-4.0",
    "LicenseRef-fnseal-OpenRAIL-M"], "acceptedExceptions": ["LLVM-exception"]})");
  const std::map<std::string, std::string> expected = Verdicts(policy, *from_file, id_to_name);
  EXPECT_EQ(expected.at("tinyjson"), "allowed MIT OR Apache-2.0 WITH LLVM-exception");
  EXPECT_EQ(expected.at("sst2"), "denied LicenseRef-fnseal-sst2-terms AND CC-BY-4.0");

  for (SbomFormat format : {SbomFormat::kSpdx23, SbomFormat::kCycloneDx16}) {
    Result<std::string> document = WriteSbom(format, *set);
    ASSERT_THAT(document, IsOk());
    Result<SbomLicenses> sbom = ParseSbomLicenses(*document);
    ASSERT_THAT(sbom, IsOk());
    EXPECT_EQ(Verdicts(policy, *sbom, id_to_name), expected) << SbomFormatName(format);

    Result<SbomStatement> statement =
        SbomAsStatement(format, *set, {Subject{"hello.fnb", {{"sha256", std::string(64, 'a')}}}});
    ASSERT_THAT(statement, IsOk());
    sbom = ParseSbomLicenses(statement->bytes);
    ASSERT_THAT(sbom, IsOk());
    EXPECT_TRUE(sbom->in_toto);
    EXPECT_EQ(Verdicts(policy, *sbom, id_to_name), expected) << SbomFormatName(format) << " statement";
  }

  // The goldens: the CycloneDX one as written; the SPDX one was written with tinyjson concluded
  // "MIT" (sbom_test.cc), which the reader prefers over the declared license.
  Result<SbomLicenses> cyclonedx = LoadSbomLicensesFile("testdata/sbom/golden.cyclonedx-1.6.json");
  ASSERT_THAT(cyclonedx, IsOk());
  EXPECT_EQ(Verdicts(policy, *cyclonedx, id_to_name), expected);
  Result<SbomLicenses> spdx = LoadSbomLicensesFile("testdata/sbom/golden.spdx-2.3.json");
  ASSERT_THAT(spdx, IsOk());
  std::map<std::string, std::string> concluded = expected;
  concluded["tinyjson"] = "denied MIT";
  EXPECT_EQ(Verdicts(policy, *spdx), concluded);
}

}  // namespace
}  // namespace fnseal
