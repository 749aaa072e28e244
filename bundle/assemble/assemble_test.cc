#include "bundle/assemble/assemble.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "core/file.h"
#include "core/json.h"
#include "formats/tar/tar.h"
#include "provenance/licenses/expression.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_support.h"

namespace fnseal {
namespace {

using ::fnseal::test::IsOk;
using ::fnseal::test::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const CloudTarget& Target(const char* name) {
  const CloudTarget* target = FindCloudTarget(name);
  EXPECT_NE(target, nullptr) << name;
  if (target == nullptr) std::abort();
  return *target;
}

Component MakeComponent(const std::string& id, const std::string& license, ComponentKind kind) {
  Component c;
  c.id = id;
  c.name = id;
  c.kind = kind;
  Result<LicenseExpression> parsed = ParseLicenseExpression(license);
  EXPECT_THAT(parsed, IsOk());
  c.license = std::move(parsed).value();
  return c;
}

LicensePolicy Policy(const std::string& json) {
  Result<LicensePolicy> policy = ParseLicensePolicy(json);
  EXPECT_THAT(policy, IsOk());
  return std::move(policy).value();
}

TEST(LicenseFolder, KeepsSafeCharactersAndReplacesTheRest) {
  EXPECT_EQ(LicenseFolder("//third_party/zlib:zlib"), "third_party_zlib_zlib");
  EXPECT_EQ(LicenseFolder("pkg:npm/left-pad@1.3.0"), "pkg_npm_left-pad_1.3.0");
  EXPECT_EQ(LicenseFolder("Model.v2_final-1"), "Model.v2_final-1");
}

TEST(LicenseFolder, NeverStartsWithADotOrUnderscore) {
  EXPECT_EQ(LicenseFolder("../etc"), "etc");
  EXPECT_EQ(LicenseFolder("._x"), "x");
  EXPECT_EQ(LicenseFolder("/.."), "component");
  EXPECT_EQ(LicenseFolder(""), "component");
}

TEST(ShippedDeployable, ShipsUnderTheFileNameInTheTargetsFormat) {
  BundleDeployable zip = ShippedDeployable(Target("aws_lambda"), "out/dir/hello.zip");
  EXPECT_EQ(zip.target, "aws_lambda");
  EXPECT_EQ(zip.format, "zip");
  EXPECT_EQ(zip.file_name, "hello.zip");
  EXPECT_EQ(zip.source_path, "out/dir/hello.zip");
  BundleDeployable oci = ShippedDeployable(Target("oci_image"), "hello.oci.tar");
  EXPECT_EQ(oci.format, "oci-tar");
  EXPECT_EQ(oci.file_name, "hello.oci.tar");
}

TEST(PrebuiltDeployable, RefusesAnArchiveOfAnotherKind) {
  const std::string path = test::FreshTestDir() + "/hello.tar";
  std::vector<ArchiveInput> inputs(1);
  inputs[0].path = "bootstrap";
  inputs[0].content = "#!/bin/sh\n";
  Result<TarPlan> plan = PlanTar(inputs);
  ASSERT_THAT(plan, IsOk());
  StringSink tar;
  ASSERT_THAT(WriteTar(*plan, &tar), IsOk());
  ASSERT_THAT(WriteFileAtomic(path, tar.data()), IsOk());
  EXPECT_THAT(PrebuiltDeployable(Target("aws_lambda"), path),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("is a tar archive, not a zip")));
}

TEST(ExternalParameters, HoldsOnlyWhatWasGiven) {
  BundleParameters parameters;
  parameters.function = "hello";
  parameters.compression_level = 19;
  EXPECT_EQ(ExternalParameters(parameters, {}, {}), Json({{"function", "hello"}, {"compressionLevel", 19}}));
}

TEST(ExternalParameters, RecordsTheTargetConfigurationAndHowEachDeployableWasMade) {
  BundleParameters parameters;
  parameters.function = "hello";
  parameters.target = "//fn:hello_bundle";
  parameters.configuration = {{"compilationMode", "opt"}};
  DeployablePlan made;
  made.target = &Target("azure_functions");
  made.spec.memory_mb = 512;
  made.spec.options = {{"auth_level", "anonymous"}};
  made.handler = {{"linking", "static"}};
  DeployablePlan bare;
  bare.target = &Target("oci_image");
  const Json got = ExternalParameters(parameters, {ShippedDeployable(Target("aws_lambda"), "hello.zip")}, {made, bare});
  EXPECT_EQ(got, Json::parse(R"({
    "function": "hello", "compressionLevel": 3, "target": "//fn:hello_bundle",
    "configuration": {"compilationMode": "opt"},
    "deployables": {
      "aws_lambda": {"prebuilt": true},
      "azure_functions": {"memoryMb": 512, "options": {"auth_level": "anonymous"},
                          "handler": {"linking": "static"}},
      "oci_image": {}
    }
  })"));
}

TEST(GiveSource, GivesEveryPlanTheRecordedCheckout) {
  ProvenanceFacts facts;
  facts.resolved_dependencies.push_back({"source", "git+https://example.com/fn.git@refs/heads/main", "", "abc123"});
  std::vector<DeployablePlan> plans(2);
  GiveSource(facts, &plans);
  for (const DeployablePlan& plan : plans) {
    EXPECT_EQ(plan.spec.source_url, "https://example.com/fn.git");
    EXPECT_EQ(plan.spec.source_revision, "abc123");
  }
}

TEST(GiveSource, LeavesPlansAloneWithoutASource) {
  ProvenanceFacts facts;
  facts.resolved_dependencies.push_back({"license-policy", "", std::string(64, 'a'), ""});
  std::vector<DeployablePlan> plans(1);
  GiveSource(facts, &plans);
  EXPECT_EQ(plans[0].spec.source_url, "");
  EXPECT_EQ(plans[0].spec.source_revision, "");
}

TEST(JudgeLicenses, WritesTheVerdictFileAndNamesThePolicy) {
  ComponentSet set;
  set.function = "hello";
  set.components = {MakeComponent("hello", "MIT", ComponentKind::kCode),
                    MakeComponent("weights", "Apache-2.0", ComponentKind::kModel)};
  const LicensePolicy policy = Policy(R"({"version": 1, "allow": ["MIT", "Apache-2.0"]})");
  BundleSpec spec;
  ASSERT_THAT(JudgeLicenses(policy, std::string(64, 'b'), set, &spec), IsOk());
  ASSERT_EQ(spec.license_files.size(), 1u);
  EXPECT_EQ(spec.license_files[0].path, "verdict.json");
  Json verdict = Json::parse(spec.license_files[0].content);
  Json want_components = Json::array();
  for (const Component& c : set.components) {
    Json j = ToJson(EvaluateLicense(policy, c.license, c.id));
    j["kind"] = ComponentKindName(c.kind);
    want_components.push_back(j);
  }
  EXPECT_EQ(verdict, Json({{"allowed", true},
                           {"function", "hello"},
                           {"policy", {{"sha256", std::string(64, 'b')}}},
                           {"components", want_components}}));
  EXPECT_EQ(verdict["components"][1]["kind"], "model");
  EXPECT_EQ(spec.license_files[0].content, PrettyJsonDump(verdict));
  ASSERT_EQ(spec.provenance.resolved_dependencies.size(), 1u);
  EXPECT_EQ(spec.provenance.resolved_dependencies[0].name, "license-policy");
  EXPECT_EQ(spec.provenance.resolved_dependencies[0].sha256, std::string(64, 'b'));
}

TEST(JudgeLicenses, ADeniedComponentFailsWithEveryExplanationAndAddsNothing) {
  ComponentSet set;
  set.function = "hello";
  set.components = {MakeComponent("a", "GPL-3.0-only", ComponentKind::kCode),
                    MakeComponent("b", "MIT", ComponentKind::kCode),
                    MakeComponent("c", "AGPL-3.0-only", ComponentKind::kCode)};
  BundleSpec spec;
  EXPECT_THAT(JudgeLicenses(Policy(R"({"version": 1, "allow": ["MIT"]})"), std::string(64, 'b'), set, &spec),
              StatusIs(StatusCode::kPermissionDenied,
                       ::testing::AllOf(HasSubstr("license policy violation: "), HasSubstr("GPL-3.0-only"),
                                        HasSubstr("; "), HasSubstr("AGPL-3.0-only"))));
  EXPECT_TRUE(spec.license_files.empty());
  EXPECT_TRUE(spec.provenance.resolved_dependencies.empty());
}

TEST(AddComponents, ShipsLicenseTextsPerComponentAndThreeSboms) {
  auto set = std::make_shared<ComponentSet>();
  set->function = "hello";
  set->components = {MakeComponent("//third_party/zlib:zlib", "Zlib", ComponentKind::kCode)};
  ComponentFile text;
  text.name = "LICENSE";
  text.text = "zlib license\n";
  set->components[0].license_texts.push_back(text);
  BundleSpec spec;
  AddComponents(set, &spec);
  ASSERT_EQ(spec.license_files.size(), 1u);
  EXPECT_EQ(spec.license_files[0].path, "third_party_zlib_zlib/LICENSE");
  EXPECT_EQ(spec.license_files[0].content, "zlib license\n");
  std::vector<std::string> names;
  for (const BundleAttestation& a : spec.attestations) names.push_back(a.name);
  EXPECT_THAT(names, ElementsAre("sbom.spdx-2.3", "sbom.spdx-3.0.1", "sbom.cyclonedx-1.6"));
}

}  // namespace
}  // namespace fnseal
