#include "provenance/verification/report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace fnseal {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kKeyA(64, 'a');
const std::string kKeyB(64, 'b');

Verification BundleVerification() {
  Verification v;
  v.kind = "bundle";
  v.statements.push_back({"attestations/provenance.dsse.json", "{}", "https://slsa.dev/provenance/v1", {}, {kKeyA}});
  v.key_ids = {kKeyA};
  v.files.push_back({"artifacts/hello.tar", std::string(64, '1'), 10240, "artifacts/hello.tar"});
  v.files.push_back({"manifest.json", std::string(64, '2'), 300, "manifest.json"});
  v.function = VerifiedFunction{"hello", "bootstrap"};
  return v;
}

Verification JsonLinesVerification() {
  Verification v;
  v.kind = "jsonl";
  v.statements.push_back({"envelope #1", "{}", "https://example.com/p/v1", {{"app.bin", {{"sha256", "12ab"}}}}, {kKeyA}});
  v.statements.push_back({"envelope #2", "{}", "https://example.com/q/v1", {{"m.bin", {{"sha256", "34cd"}}}},
                          {kKeyA, kKeyB}});
  v.key_ids = {kKeyA, kKeyB};
  v.files.push_back({"dir/app.bin", "12ab", 7, "app.bin"});
  return v;
}

PolicyReport Policy() {
  PolicyReport policy;
  policy.file = "policy.json";
  policy.verified_at = 1780272000;  // 2026-06-01T00:00:00Z
  policy.facts.key_names = {"release"};
  policy.facts.builder_ids = {"https://builder.example/v1"};
  return policy;
}

TEST(VerificationReportJson, GivesABundleTheBundleShape) {
  EXPECT_EQ(PrettyJsonDump(VerificationReportJson("b.fnb", BundleVerification(), nullptr)),
            "{\n"
            "  \"attestationKeyIds\": [\n    [\n      \"" + kKeyA + "\"\n    ]\n  ],\n"
            "  \"attestations\": [\n    \"attestations/provenance.dsse.json\"\n  ],\n"
            "  \"entrypoint\": \"bootstrap\",\n"
            "  \"files\": [\n"
            "    {\n      \"path\": \"artifacts/hello.tar\",\n      \"sha256\": \"" + std::string(64, '1') +
                "\",\n      \"size\": 10240\n    },\n"
            "    {\n      \"path\": \"manifest.json\",\n      \"sha256\": \"" + std::string(64, '2') +
                "\",\n      \"size\": 300\n    }\n"
            "  ],\n"
            "  \"function\": \"hello\",\n"
            "  \"input\": \"b.fnb\",\n"
            "  \"keyIds\": [\n    \"" + kKeyA + "\"\n  ],\n"
            "  \"kind\": \"bundle\",\n"
            "  \"predicateTypes\": [\n    \"https://slsa.dev/provenance/v1\"\n  ],\n"
            "  \"verified\": true\n"
            "}\n");
}

TEST(VerificationReportJson, GivesAnAttestationFileTheAttestationShape) {
  Json report = VerificationReportJson("x.intoto.jsonl", JsonLinesVerification(), nullptr);
  EXPECT_EQ(report.dump(),
            "{\"artifacts\":[{\"path\":\"dir/app.bin\",\"sha256\":\"12ab\",\"size\":7,\"subject\":\"app.bin\"}],"
            "\"envelopeKeyIds\":[[\"" + kKeyA + "\"],[\"" + kKeyA + "\",\"" + kKeyB + "\"]],"
            "\"input\":\"x.intoto.jsonl\",\"keyIds\":[\"" + kKeyA + "\",\"" + kKeyB + "\"],\"kind\":\"jsonl\","
            "\"statements\":[{\"predicateType\":\"https://example.com/p/v1\"},"
            "{\"predicateType\":\"https://example.com/q/v1\"}],"
            "\"subjects\":[{\"digest\":{\"sha256\":\"12ab\"},\"name\":\"app.bin\"},"
            "{\"digest\":{\"sha256\":\"34cd\"},\"name\":\"m.bin\"}],\"verified\":true}");
}

TEST(VerificationReportJson, AddsTheAcceptingPolicysFacts) {
  PolicyReport policy = Policy();
  Json report = VerificationReportJson("b.fnb", BundleVerification(), &policy);
  EXPECT_EQ(report["policy"].dump(),
            "{\"accepted\":true,\"builderIds\":[\"https://builder.example/v1\"],\"file\":\"policy.json\","
            "\"keys\":[\"release\"],\"sourceUris\":[],\"verifiedAt\":\"2026-06-01T00:00:00Z\"}");
}

TEST(RejectionReportJson, SaysWhyAndNamesOnlyThePolicysFileAndTime) {
  PolicyReport policy = Policy();
  Json report = RejectionReportJson("b.fnb", PermissionDeniedError("policy rule 'keys': no"), &policy);
  EXPECT_EQ(report.dump(),
            "{\"error\":\"policy rule 'keys': no\",\"input\":\"b.fnb\",\"policy\":{\"accepted\":false,"
            "\"file\":\"policy.json\",\"verifiedAt\":\"2026-06-01T00:00:00Z\"},\"verified\":false}");
  EXPECT_EQ(RejectionReportJson("b.fnb", DataLossError("cut"), nullptr).dump(),
            "{\"error\":\"cut\",\"input\":\"b.fnb\",\"verified\":false}");
}

TEST(VerificationReportText, DescribesABundle) {
  EXPECT_EQ(VerificationReportText("b.fnb", BundleVerification(), nullptr),
            "verified b.fnb\n"
            "  function    hello (entrypoint bootstrap)\n"
            "  files       2, each matching its signed sha256\n"
            "              1111111111111111  artifacts/hello.tar\n"
            "              2222222222222222  manifest.json\n"
            "  signed by   1 trusted key: aaaaaaaaaaaaaaaa\n");
}

TEST(VerificationReportText, SaysWhichEnvelopeEachKeySignedWhenTheyDiffer) {
  EXPECT_EQ(VerificationReportText("x.intoto.jsonl", JsonLinesVerification(), nullptr),
            "verified x.intoto.jsonl (jsonl, 2 statements)\n"
            "  predicate   https://example.com/p/v1\n"
            "  predicate   https://example.com/q/v1\n"
            "  artifact    12ab  dir/app.bin (signed as 'app.bin')\n"
            "  signed by   2 trusted keys: aaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbb\n"
            "              envelope #1: aaaaaaaaaaaaaaaa\n"
            "              envelope #2: aaaaaaaaaaaaaaaa bbbbbbbbbbbbbbbb\n");
}

TEST(VerificationReportText, SaysWhenNoArtifactWasChecked) {
  Verification v = JsonLinesVerification();
  v.files.clear();
  EXPECT_THAT(VerificationReportText("x", v, nullptr),
              HasSubstr("  artifacts   none checked (give --artifact FILE to check one)\n"));
}

TEST(VerificationReportText, EscapesTextTheSignerChoseForTheTerminal) {
  Verification v = BundleVerification();
  v.function->name = "evil\x1b]0;title\x07";
  v.statements[0].predicate_type = "p\x1b[2J";
  std::string text = VerificationReportText("b.fnb", v, nullptr);
  EXPECT_THAT(text, Not(HasSubstr("\x1b")));
  EXPECT_THAT(text, HasSubstr("function    evil\\x1b]0;title\\x07 (entrypoint bootstrap)"));
}

TEST(VerificationReportText, EndsWithThePolicysFacts) {
  PolicyReport policy = Policy();
  std::string text = VerificationReportText("b.fnb", BundleVerification(), &policy);
  EXPECT_THAT(text, HasSubstr("  signed by   1 trusted key: aaaaaaaaaaaaaaaa\n"
                              "  policy      policy.json, accepted at 2026-06-01T00:00:00Z\n"
                              "  policy keys release\n"
                              "  builder     https://builder.example/v1\n"));
}

}  // namespace
}  // namespace fnseal
