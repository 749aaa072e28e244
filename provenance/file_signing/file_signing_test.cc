#include "provenance/file_signing/file_signing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <string>
#include <vector>

#include "core/file.h"
#include "core/sha256.h"
#include "provenance/signing/dsse.h"
#include "provenance/signing/sigstore_bundle.h"
#include "provenance/verification/attestation_verifier.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_support.h"

namespace fnseal {
namespace {

using ::fnseal::test::IsOk;
using ::fnseal::test::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class FileSigningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::FreshTestDir();
    file_ = dir_ + "/app.bin";
    ASSERT_THAT(WriteFileAtomic(file_, "the bytes\n"), IsOk());
  }

  Result<Verification> Verify(const std::string& attestations, const std::vector<PublicKey>& keys, int threshold) {
    ASSIGN_OR_RETURN(AttestationFile file, ReadAttestationFile(attestations));
    return VerifyAttestations(file, keys, threshold, {file_});
  }

  std::string dir_;
  std::string file_;
  PrivateKey ed_ = test::TestPrivateKey("ed25519.pem");
  PrivateKey ec_ = test::TestPrivateKey("ecdsa-p256.pem");
};

TEST_F(FileSigningTest, TheStatementNamesTheFileByBaseNameAndSha256) {
  Result<Statement> statement = SignedFileStatement(file_);
  ASSERT_THAT(statement, IsOk());
  ASSERT_EQ(statement->subjects.size(), 1u);
  EXPECT_EQ(statement->subjects[0].name, "app.bin");
  Result<std::string> sha256 = Sha256FileHex(file_);
  ASSERT_THAT(sha256, IsOk());
  EXPECT_EQ(statement->subjects[0].digest.at("sha256"), *sha256);
  EXPECT_EQ(statement->predicate_type, kSignedFilePredicateType);
}

TEST_F(FileSigningTest, ASignedFileVerifiesWithEverySignersKey) {
  const std::string out = file_ + ".intoto.jsonl";
  ASSERT_THAT(SignFile(file_, {&ed_, &ec_}, out), IsOk());
  Result<std::string> bytes = ReadFile(out);
  ASSERT_THAT(bytes, IsOk());
  EXPECT_EQ(bytes->find('\n'), bytes->size() - 1) << "one JSON line";
  Result<Verification> verified = Verify(out, {ed_.public_key(), ec_.public_key()}, 2);
  ASSERT_THAT(verified, IsOk());
  ASSERT_EQ(verified->statements.size(), 1u);
  EXPECT_EQ(verified->statements[0].predicate_type, kSignedFilePredicateType);
}

TEST_F(FileSigningTest, NeverReplacesASignedFile) {
  const std::string out = file_ + ".intoto.jsonl";
  ASSERT_THAT(WriteFileAtomic(out, "kept\n"), IsOk());
  EXPECT_THAT(SignFile(file_, {&ed_}, out), StatusIs(StatusCode::kAlreadyExists, HasSubstr("already exists")));
  EXPECT_EQ(ReadFile(out).value(), "kept\n");
}

TEST_F(FileSigningTest, AnAttestationFileGainsASignatureInPlaceWithTheGivenMode) {
  const std::string out = file_ + ".intoto.jsonl";
  ASSERT_THAT(SignFile(file_, {&ed_}, out), IsOk());
  Result<size_t> count = SignAttestationFile(out, {&ec_}, out, 0640);
  ASSERT_THAT(count, IsOk());
  EXPECT_EQ(*count, 1u);
  struct stat st;
  ASSERT_EQ(::stat(out.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);
  Result<Verification> verified = Verify(out, {ed_.public_key(), ec_.public_key()}, 2);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->statements[0].key_ids.size(), 2u);
}

TEST_F(FileSigningTest, SigningAnEnvelopeTwiceWithOneKeyFailsAndWritesNothing) {
  const std::string out = file_ + ".intoto.jsonl";
  ASSERT_THAT(SignFile(file_, {&ed_}, out), IsOk());
  const std::string before = ReadFile(out).value();
  EXPECT_THAT(SignAttestationFile(out, {&ed_}, out),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("envelope #1")));
  EXPECT_EQ(ReadFile(out).value(), before);
}

TEST_F(FileSigningTest, ASigstoreBundleIsNotSignedAgain) {
  Result<Statement> statement = SignedFileStatement(file_);
  ASSERT_THAT(statement, IsOk());
  DsseEnvelope envelope{kInTotoPayloadType, SerializeStatement(*statement), {}};
  ASSERT_THAT(AddDsseSignature(&envelope, ed_), IsOk());
  Result<std::string> bundle = ExportSigstoreBundle(envelope, ed_.public_key());
  ASSERT_THAT(bundle, IsOk());
  const std::string path = dir_ + "/app.sigstore.json";
  ASSERT_THAT(WriteFileAtomic(path, *bundle), IsOk());
  EXPECT_THAT(SignAttestationFile(path, {&ec_}, path),
              StatusIs(StatusCode::kInvalidArgument, HasSubstr("holds exactly one signature")));
}

}  // namespace
}  // namespace fnseal
