#include "provenance/verification/verifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/sha256.h"
#include "tests/support/test_support.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::fnseal::test::TestPrivateKey;
using ::fnseal::test::TestPublicKey;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPredicate[] = "https://example.com/predicate/v1";

DsseEnvelope Signed(const std::string& subject, const std::vector<std::string>& key_files,
                    const std::string& payload_type = kInTotoPayloadType) {
  Statement statement;
  statement.subjects.push_back({subject, {{"sha256", Sha256Hex(subject)}}});
  statement.predicate_type = kPredicate;
  DsseEnvelope envelope{payload_type, SerializeStatement(statement), {}};
  for (const std::string& file : key_files) {
    Status status = AddDsseSignature(&envelope, TestPrivateKey(file));
    EXPECT_THAT(status, IsOk());
  }
  return envelope;
}

// An entity held in memory that records what Verify asked of it.
class FakeEntity : public SignedEntity {
 public:
  explicit FakeEntity(std::vector<DsseEnvelope> envelopes) : envelopes_(std::move(envelopes)) {}

  std::string Kind() const override { return "fake"; }
  size_t EnvelopeCount() const override { return envelopes_.size(); }
  std::string EnvelopeName(size_t index) const override { return "fake #" + std::to_string(index + 1); }
  Result<DsseEnvelope> Envelope(size_t index) const override {
    envelopes_read_.push_back(index);
    return envelopes_[index];
  }
  Status CheckStatement(const VerifiedStatement& statement,
                        const std::vector<VerifiedStatement>& earlier) const override {
    earlier_counts_.push_back(earlier.size());
    return statement.subjects[0].name == "refused" ? PermissionDeniedError("refused by the entity") : OkStatus();
  }
  Status CheckFiles(Verification* out) const override {
    ++check_files_calls_;
    out->files.push_back({"file", "", 0, out->statements[0].subjects[0].name});
    return OkStatus();
  }

  mutable std::vector<size_t> envelopes_read_;
  mutable std::vector<size_t> earlier_counts_;
  mutable int check_files_calls_ = 0;

 private:
  std::vector<DsseEnvelope> envelopes_;
};

class VerifierTest : public ::testing::Test {
 protected:
  PublicKey key_a_ = TestPublicKey("ed25519.pub.pem");
  PublicKey key_b_ = TestPublicKey("ecdsa-p256.pub.pem");
};

TEST_F(VerifierTest, VerifiesEveryEnvelopeInOrderThenTheFiles) {
  FakeEntity entity({Signed("a", {"ed25519.pem", "ecdsa-p256.pem"}), Signed("b", {"ed25519.pem"})});
  Result<Verification> v = Verify(entity, {key_a_, key_b_}, 1);
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(v->kind, "fake");
  ASSERT_EQ(v->statements.size(), 2u);
  EXPECT_EQ(v->statements[0].name, "fake #1");
  EXPECT_EQ(v->statements[0].predicate_type, kPredicate);
  EXPECT_EQ(v->statements[1].subjects[0].name, "b");
  EXPECT_THAT(v->statements[1].key_ids, ElementsAre(key_a_.key_id()));
  EXPECT_EQ(v->statements[0].key_ids.size(), 2u);
  EXPECT_EQ(v->key_ids, v->statements[0].key_ids);  // the union, sorted
  EXPECT_THAT(entity.earlier_counts_, ElementsAre(0u, 1u));
  EXPECT_EQ(entity.check_files_calls_, 1);
  ASSERT_EQ(v->files.size(), 1u);
  EXPECT_EQ(v->files[0].subject_name, "a");
  EXPECT_FALSE(v->function.has_value());
}

TEST_F(VerifierTest, HandsBackTheExactSignedPayloadBytes) {
  DsseEnvelope envelope = Signed("a", {"ed25519.pem"});
  FakeEntity entity({envelope});
  Result<Verification> v = Verify(entity, {key_a_}, 1);
  ASSERT_THAT(v, IsOk());
  EXPECT_EQ(v->statements[0].payload, envelope.payload);
}

TEST_F(VerifierTest, StopsAtTheFirstEnvelopeBelowTheThreshold) {
  FakeEntity entity({Signed("a", {"ed25519.pem"}), Signed("b", {"ed25519.pem"})});
  Result<Verification> v = Verify(entity, {key_a_, key_b_}, 2);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(v.status().message(), HasSubstr("fake #1: signature threshold not met"));
  EXPECT_THAT(entity.envelopes_read_, ElementsAre(0u));
  EXPECT_EQ(entity.check_files_calls_, 0);
}

TEST_F(VerifierTest, RejectsAPayloadTypeThatIsNotInToto) {
  FakeEntity entity({Signed("a", {"ed25519.pem"}), Signed("b", {"ed25519.pem"}, "text/plain")});
  Result<Verification> v = Verify(entity, {key_a_}, 1);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(v.status().message(), HasSubstr("fake #2: payload type 'text/plain' is not"));
  EXPECT_EQ(entity.check_files_calls_, 0);
}

TEST_F(VerifierTest, NeverTrustsAKeyTheCallerDidNotGive) {
  FakeEntity entity({Signed("a", {"ecdsa-p256.pem"})});
  Result<Verification> v = Verify(entity, {key_a_}, 1);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(v.status().message(), HasSubstr("fake #1"));
}

TEST_F(VerifierTest, PassesOnTheEntitysStatementCheck) {
  FakeEntity entity({Signed("refused", {"ed25519.pem"})});
  Result<Verification> v = Verify(entity, {key_a_}, 1);
  ASSERT_FALSE(v.ok());
  EXPECT_THAT(v.status().message(), HasSubstr("refused by the entity"));
  EXPECT_EQ(entity.check_files_calls_, 0);
}

TEST_F(VerifierTest, RejectsAnEntityWithNothingSigned) {
  FakeEntity entity({});
  Result<Verification> v = Verify(entity, {key_a_}, 1);
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(v.status().message(), HasSubstr("fake holds no signed envelope"));
}

TEST_F(VerifierTest, RejectsNoKeysAndAThresholdBelowOne) {
  FakeEntity entity({Signed("a", {"ed25519.pem"})});
  Result<Verification> no_keys = Verify(entity, {}, 1);
  EXPECT_EQ(no_keys.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(no_keys.status().message(), HasSubstr("no trusted key given"));
  Result<Verification> zero = Verify(entity, {key_a_}, 0);
  EXPECT_EQ(zero.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(zero.status().message(), HasSubstr("threshold must be at least 1"));
  EXPECT_TRUE(entity.envelopes_read_.empty());
}

}  // namespace
}  // namespace fnseal
