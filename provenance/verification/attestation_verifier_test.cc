#include "provenance/verification/attestation_verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/file.h"
#include "core/sha256.h"
#include "tests/support/test_support.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::fnseal::test::FreshTestDir;
using ::fnseal::test::TestPrivateKey;
using ::fnseal::test::TestPublicKey;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPredicate[] = "https://example.com/predicate/v1";

std::string StatementFor(const std::string& name, std::string_view content) {
  Statement statement;
  statement.subjects.push_back({name, {{"sha256", Sha256Hex(content)}}});
  statement.predicate_type = kPredicate;
  statement.predicate = Json::object();
  return SerializeStatement(statement);
}

DsseEnvelope Signed(const std::string& payload, const std::vector<std::string>& key_files,
                    const std::string& payload_type = kInTotoPayloadType) {
  DsseEnvelope envelope{payload_type, payload, {}};
  for (const std::string& file : key_files) {
    Status status = AddDsseSignature(&envelope, TestPrivateKey(file));
    EXPECT_THAT(status, IsOk());
  }
  return envelope;
}

class AttestationVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = FreshTestDir();
    artifact_ = dir_ + "/app.bin";
    ASSERT_THAT(WriteFileAtomic(artifact_, "the artifact's bytes"), IsOk());
    other_ = dir_ + "/other.bin";
    ASSERT_THAT(WriteFileAtomic(other_, "other bytes"), IsOk());
  }

  std::string Write(const std::string& name, const std::string& bytes) {
    std::string path = dir_ + "/" + name;
    EXPECT_THAT(WriteFileAtomic(path, bytes), IsOk());
    return path;
  }

  std::string dir_;
  std::string artifact_;
  std::string other_;
  PublicKey key_a_ = TestPublicKey("ed25519.pub.pem");
  PublicKey key_b_ = TestPublicKey("ecdsa-p256.pub.pem");
};

TEST_F(AttestationVerifierTest, VerifiesASingleEnvelopeAndItsArtifact) {
  DsseEnvelope envelope = Signed(StatementFor("app.bin", "the artifact's bytes"), {"ed25519.pem"});
  Result<AttestationFile> file = ParseAttestationFile(SerializeDsseEnvelope(envelope));
  ASSERT_THAT(file, IsOk());
  EXPECT_EQ(file->format, AttestationFormat::kDsseEnvelope);
  Result<Verification> v = VerifyAttestations(*file, {key_a_}, 1, {artifact_});
  ASSERT_THAT(v, IsOk());
  EXPECT_THAT(v->key_ids, ElementsAre(key_a_.key_id()));
  EXPECT_EQ(v->kind, "dsse");
  ASSERT_EQ(v->statements.size(), 1u);
  EXPECT_EQ(v->statements[0].name, "envelope #1");
  EXPECT_EQ(v->statements[0].predicate_type, kPredicate);
  EXPECT_EQ(v->statements[0].payload, envelope.payload);
  ASSERT_EQ(v->files.size(), 1u);
  EXPECT_EQ(v->files[0].subject_name, "app.bin");
  EXPECT_EQ(v->files[0].sha256, Sha256Hex("the artifact's bytes"));
  EXPECT_EQ(v->files[0].size, 20u);
}

TEST_F(AttestationVerifierTest, VerifiesJsonLinesWithBlankLinesAndCrLf) {
  std::string lines = SerializeDsseEnvelope(Signed(StatementFor("app.bin", "the artifact's bytes"), {"ed25519.pem"})) +
                      "\r\n\n" +
                      SerializeDsseEnvelope(Signed(StatementFor("other.bin", "other bytes"), {"ed25519.pem"})) + "\n";
  Result<AttestationFile> file = ParseAttestationFile(lines);
  ASSERT_THAT(file, IsOk());
  EXPECT_EQ(file->format, AttestationFormat::kJsonLines);
  ASSERT_EQ(file->envelopes.size(), 2u);
  Result<Verification> v = VerifyAttestations(*file, {key_a_}, 1, {other_, artifact_});
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(v->files[0].subject_name, "other.bin");
  EXPECT_EQ(v->files[1].subject_name, "app.bin");
  ASSERT_EQ(v->statements.size(), 2u);
  EXPECT_EQ(v->statements[0].subjects.size() + v->statements[1].subjects.size(), 2u);
}

TEST_F(AttestationVerifierTest, VerifiesASigstoreBundleWithTheTrustedKeyOnly) {
  DsseEnvelope envelope = Signed(StatementFor("app.bin", "the artifact's bytes"), {"ed25519.pem"});
  Result<std::string> bundle = ExportSigstoreBundle(envelope, key_a_);
  ASSERT_THAT(bundle, IsOk());
  Result<AttestationFile> file = ParseAttestationFile(*bundle);
  ASSERT_THAT(file, IsOk());
  EXPECT_EQ(file->format, AttestationFormat::kSigstoreBundle);
  EXPECT_THAT(VerifyAttestations(*file, {key_a_}, 1, {artifact_}), IsOk());
  Result<Verification> other_key = VerifyAttestations(*file, {key_b_}, 1, {artifact_});
  ASSERT_FALSE(other_key.ok());
  EXPECT_EQ(other_key.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(other_key.status().message(), HasSubstr("sigstore bundle"));
}

TEST_F(AttestationVerifierTest, RejectsAnArtifactThatIsNoSubject) {
  AttestationFile file{AttestationFormat::kDsseEnvelope,
                       {Signed(StatementFor("app.bin", "the artifact's bytes"), {"ed25519.pem"})}};
  Result<Verification> v = VerifyAttestations(file, {key_a_}, 1, {other_});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(v.status().message(), HasSubstr("artifact '" + other_ + "'"));
  EXPECT_THAT(v.status().message(), HasSubstr("is not a subject of any verified statement"));
}

TEST_F(AttestationVerifierTest, MatchesArtifactsByDigestNotByName) {
  // A subject named like the file but with other bytes does not vouch for it.
  AttestationFile file{AttestationFormat::kDsseEnvelope, {Signed(StatementFor("app.bin", "old bytes"), {"ed25519.pem"})}};
  Result<Verification> v = VerifyAttestations(file, {key_a_}, 1, {artifact_});
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("is not a subject"));
  // A file with the signed bytes under another name is the signed artifact.
  std::string renamed = Write("renamed.bin", "old bytes");
  Result<Verification> ok = VerifyAttestations(file, {key_a_}, 1, {renamed});
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->files[0].subject_name, "app.bin");
}

TEST_F(AttestationVerifierTest, ReportsAMissingArtifactAsNotFound) {
  AttestationFile file{AttestationFormat::kDsseEnvelope,
                       {Signed(StatementFor("app.bin", "the artifact's bytes"), {"ed25519.pem"})}};
  Result<Verification> v = VerifyAttestations(file, {key_a_}, 1, {dir_ + "/missing.bin"});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kNotFound);
}

TEST_F(AttestationVerifierTest, NamesTheEnvelopeThatFailsAndStopsThere) {
  AttestationFile file{AttestationFormat::kJsonLines,
                       {Signed(StatementFor("app.bin", "the artifact's bytes"), {"ed25519.pem"}),
                        Signed(StatementFor("other.bin", "other bytes"), {"ed25519-b.pem"})}};
  Result<Verification> v = VerifyAttestations(file, {key_a_}, 1, {});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(v.status().message(), HasSubstr("envelope #2"));
}

// The signers are every trusted key that signed an envelope (for "which files did key X sign"),
// and each envelope's own signers are reported with it.
TEST_F(AttestationVerifierTest, ReportsEveryKeyThatSignedAndWhichSignedWhich) {
  AttestationFile file{AttestationFormat::kJsonLines,
                       {Signed(StatementFor("app.bin", "the artifact's bytes"), {"ed25519.pem", "ecdsa-p256.pem"}),
                        Signed(StatementFor("other.bin", "other bytes"), {"ed25519.pem"})}};
  Result<Verification> v = VerifyAttestations(file, {key_a_, key_b_}, 1, {});
  ASSERT_THAT(v, IsOk());
  std::vector<std::string> both = {key_a_.key_id(), key_b_.key_id()};
  std::sort(both.begin(), both.end());
  EXPECT_EQ(v->key_ids, both);
  ASSERT_EQ(v->statements.size(), 2u);
  EXPECT_EQ(v->statements[0].key_ids, both);
  EXPECT_THAT(v->statements[1].key_ids, ElementsAre(key_a_.key_id()));
  Result<Verification> two = VerifyAttestations(file, {key_a_, key_b_}, 2, {});
  ASSERT_FALSE(two.ok());
  EXPECT_THAT(two.status().message(), HasSubstr("envelope #2"));
}

TEST_F(AttestationVerifierTest, RejectsAPayloadTypeOtherThanInToto) {
  AttestationFile file{AttestationFormat::kDsseEnvelope,
                       {Signed(StatementFor("app.bin", "x"), {"ed25519.pem"}), }};
  file.envelopes[0] = Signed(file.envelopes[0].payload, {"ed25519.pem"}, "application/json");
  Result<Verification> v = VerifyAttestations(file, {key_a_}, 1, {});
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("payload type 'application/json' is not application/vnd.in-toto+json"));
}

TEST_F(AttestationVerifierTest, RejectsASignedPayloadThatIsNotAStatement) {
  AttestationFile file{AttestationFormat::kDsseEnvelope, {Signed("not json", {"ed25519.pem"})}};
  Result<Verification> v = VerifyAttestations(file, {key_a_}, 1, {});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(v.status().message(), HasSubstr("envelope #1"));
}

TEST_F(AttestationVerifierTest, RejectsAnEnvelopeWithoutSignatures) {
  AttestationFile file{AttestationFormat::kDsseEnvelope, {Signed(StatementFor("app.bin", "x"), {})}};
  Result<Verification> v = VerifyAttestations(file, {key_a_}, 1, {});
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kPermissionDenied);
}

TEST(ParseAttestationFile, NamesTheLineOfABadEnvelope) {
  std::string good = SerializeDsseEnvelope({kInTotoPayloadType, "{}", {}});
  Result<AttestationFile> file = ParseAttestationFile(good + "\n" + good + "\n{\"payload\": 1}\n");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(file.status().message(), HasSubstr("line 3"));
}

TEST(ParseAttestationFile, ReportsASingleMalformedDocumentAsJson) {
  Result<AttestationFile> file = ParseAttestationFile("{\"payload\": ");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(file.status().message(), HasSubstr("attestation"));
}

TEST(ParseAttestationFile, RejectsAnEmptyFile) {
  Result<AttestationFile> file = ParseAttestationFile("\n\n");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
}

TEST(ParseAttestationFile, RejectsDuplicateKeysInAnEnvelope) {
  Result<AttestationFile> file =
      ParseAttestationFile(R"({"payload":"e30=","payload":"e30=","payloadType":"x","signatures":[]})");
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(file.status().message(), HasSubstr("'payload' twice"));
}

TEST(ParseAttestationFile, EnforcesTheFileSizeAndEnvelopeCountLimits) {
  AttestationLimits limits;
  limits.max_file_size = 100;
  Result<AttestationFile> big = ParseAttestationFile(std::string(101, ' '), limits);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), StatusCode::kResourceExhausted);

  limits = AttestationLimits();
  limits.max_envelopes = 2;
  std::string line = SerializeDsseEnvelope({kInTotoPayloadType, "{}", {}}) + "\n";
  EXPECT_THAT(ParseAttestationFile(line + line, limits), IsOk());
  Result<AttestationFile> many = ParseAttestationFile(line + line + line, limits);
  ASSERT_FALSE(many.ok());
  EXPECT_EQ(many.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(many.status().message(), HasSubstr("more than 2 envelopes"));
}

TEST(ParseAttestationFile, SurvivesTenThousandLevelsOfNesting) {
  std::string deep = std::string(10000, '[') + std::string(10000, ']');
  Result<AttestationFile> file = ParseAttestationFile(deep);
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kResourceExhausted);
}

TEST(ParseAttestationFile, TakesAnObjectWithMediaTypeAsASigstoreBundle) {
  Result<AttestationFile> file = ParseAttestationFile(R"({"mediaType":"text/plain"})");
  ASSERT_FALSE(file.ok());
  EXPECT_THAT(file.status().message(), HasSubstr("mediaType"));
}

}  // namespace
}  // namespace fnseal
