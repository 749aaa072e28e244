#include "provenance/verification/trust_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "core/file.h"
#include "core/json.h"
#include "core/sha256.h"
#include "provenance/signing/dsse.h"
#include "provenance/statement/statement.h"
#include "provenance/verification/test_policy.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::fnseal::test::BasePolicyJson;
using ::fnseal::test::PolicyKeyJson;

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr const char* kBuilder = test::kTestBuilder;
constexpr char kSourceUri[] = "git+https://github.com/example/hello@refs/heads/main";
constexpr int64_t k2026_01_01 = 1767225600;
constexpr int64_t k2026_06_01 = 1780272000;  // "now" in the evaluation tests
constexpr int64_t k2027_01_01 = 1798761600;

std::string ReadTestFile(const std::string& path) {
  Result<std::string> bytes = ReadFile(path);
  EXPECT_THAT(bytes, IsOk());
  return bytes.ok() ? *bytes : std::string();
}

PrivateKey LoadKey(const std::string& name) {
  Result<PrivateKey> key = PrivateKey::FromPem(ReadTestFile("testdata/keys/" + name));
  EXPECT_THAT(key, IsOk());
  return std::move(key).value();
}


void ExpectParseError(const Json& doc, StatusCode code, const std::string& fragment) {
  Result<TrustPolicy> policy = ParseTrustPolicy(doc.dump());
  ASSERT_FALSE(policy.ok()) << "the policy parsed: " << doc.dump();
  EXPECT_EQ(policy.status().code(), code) << policy.status().ToString();
  EXPECT_THAT(policy.status().message(), HasSubstr(fragment));
}

void ExpectParseError(const Json& doc, const std::string& fragment) {
  ExpectParseError(doc, StatusCode::kInvalidArgument, fragment);
}

// --- ParseRfc3339Utc ----------------------------------------------------------------------------

TEST(ParseRfc3339Utc, ParsesUtcTimes) {
  EXPECT_EQ(*ParseRfc3339Utc("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(*ParseRfc3339Utc("2000-01-01T00:00:00Z"), 946684800);
  EXPECT_EQ(*ParseRfc3339Utc("2000-02-29T23:59:59Z"), 951868799);
  EXPECT_EQ(*ParseRfc3339Utc("2026-01-01T00:00:00Z"), k2026_01_01);
  EXPECT_EQ(*ParseRfc3339Utc("2038-01-19T03:14:08Z"), 2147483648);
  EXPECT_EQ(*ParseRfc3339Utc("1969-12-31T23:59:59Z"), -1);
}

TEST(ParseRfc3339Utc, RoundTripsWithRfc3339Utc) {
  for (int64_t t : {int64_t{0}, int64_t{951782400}, k2026_06_01, int64_t{4102444799}}) {
    EXPECT_EQ(*ParseRfc3339Utc(Rfc3339Utc(t)), t) << t;
  }
}

TEST(ParseRfc3339Utc, RejectsOtherShapesAndImpossibleDates) {
  for (const char* text :
       {"", "2026-01-01", "2026-01-01 00:00:00Z", "2026-01-01T00:00:00", "2026-01-01T00:00:00z", "2026-01-01t00:00:00Z",
        "2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00.5Z", "2026-1-01T00:00:00Z", "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z",
        "2026-01-01T24:00:00Z", "2026-01-01T00:60:00Z", "2026-12-31T23:59:60Z", "+026-01-01T00:00:00Z"}) {
    Result<int64_t> t = ParseRfc3339Utc(text);
    ASSERT_FALSE(t.ok()) << "'" << text << "' parsed";
    EXPECT_EQ(t.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(t.status().message(), HasSubstr("is not an RFC 3339 UTC time"));
  }
  EXPECT_THAT(ParseRfc3339Utc("2024-02-29T00:00:00Z"), IsOk());
  EXPECT_THAT(ParseRfc3339Utc("2000-02-29T00:00:00Z"), IsOk());
}

// --- ParseTrustPolicy ---------------------------------------------------------------------------

TEST(ParseTrustPolicy, ParsesEveryField) {
  Json doc = BasePolicyJson();
  doc["$schema"] = "https://fnseal.dev/schemas/trust-policy.schema.json";
  doc["keys"].push_back(PolicyKeyJson("release-2027", "ed25519-b.pub.pem", "2026-12-01T00:00:00Z"));
  doc["threshold"] = 2;
  doc["builders"].push_back({{"idPrefix", "https://ci.example.com/"}});
  doc["sourceRepositories"] = {{{"uri", kSourceUri}}, {{"uriPrefix", "git+https://github.com/example/"}}};
  doc["limits"] = {{"maxBundleBytes", 1 << 20}, {"maxAttestationBytes", 4096}};
  Result<TrustPolicy> policy = ParseTrustPolicy(doc.dump());
  ASSERT_THAT(policy, IsOk());
  ASSERT_EQ(policy->keys.size(), 2u);
  EXPECT_EQ(policy->keys[0].name, "release-2026");
  EXPECT_EQ(policy->keys[0].public_key.key_id(), LoadKey("ed25519.pem").public_key().key_id());
  EXPECT_EQ(policy->keys[0].valid_from, k2026_01_01);
  EXPECT_EQ(policy->keys[0].valid_until, k2027_01_01);
  EXPECT_EQ(policy->keys[1].valid_until, std::nullopt);
  EXPECT_EQ(policy->threshold, 2);
  EXPECT_THAT(policy->predicate_types, ElementsAre(kSlsaProvenanceV1));
  ASSERT_EQ(policy->builders.size(), 2u);
  EXPECT_FALSE(policy->builders[0].prefix);
  EXPECT_TRUE(policy->builders[1].prefix);
  EXPECT_TRUE(policy->builders[1].Matches("https://ci.example.com/runner/7"));
  EXPECT_FALSE(policy->builders[1].Matches("https://ci.example.com.evil.net/"));
  EXPECT_TRUE(policy->builders[0].Matches(kBuilder));
  EXPECT_FALSE(policy->builders[0].Matches(std::string(kBuilder) + "/v2"));
  ASSERT_EQ(policy->source_repositories.size(), 2u);
  EXPECT_EQ(policy->max_bundle_bytes, uint64_t{1} << 20);
  EXPECT_EQ(policy->max_attestation_bytes, 4096u);
}

TEST(ParseTrustPolicy, RejectsAnUnknownTopLevelField) {
  Json doc = BasePolicyJson();
  doc["trustEverything"] = true;
  ExpectParseError(doc, "trust policy: unknown field 'trustEverything'");
}

TEST(ParseTrustPolicy, QuotesAHostileFieldNameEscapedAndClipped) {
  Json doc = BasePolicyJson();
  doc["it's\x1b[2K"] = true;
  ExpectParseError(doc, "trust policy: unknown field 'it\\x27s\\x1b[2K'");
  Json long_name = BasePolicyJson();
  long_name[std::string(200, 'k')] = true;
  ExpectParseError(long_name, "trust policy: unknown field '" + std::string(120, 'k') + "...'");
}

TEST(ParseTrustPolicy, RejectsUnknownNestedFieldsByTheirPath) {
  Json key = BasePolicyJson();
  key["keys"][0]["keyId"] = "abc";
  ExpectParseError(key, "trust policy: unknown field 'keys[0].keyId'");
  Json builder = BasePolicyJson();
  builder["builders"].push_back({{"idPrefix", "https://ci.example.com/"}, {"trusted", true}});
  ExpectParseError(builder, "trust policy: unknown field 'builders[1].trusted'");
  Json limits = BasePolicyJson();
  limits["limits"] = {{"maxBundleSize", 10}};
  ExpectParseError(limits, "trust policy: unknown field 'limits.maxBundleSize'");
  Json source = BasePolicyJson();
  source["sourceRepositories"] = {{{"uri", kSourceUri}, {"ref", "main"}}};
  ExpectParseError(source, "trust policy: unknown field 'sourceRepositories[0].ref'");
}

TEST(ParseTrustPolicy, RejectsThresholdZeroAndNegative) {
  Json doc = BasePolicyJson();
  doc["threshold"] = 0;
  ExpectParseError(doc, "trust policy field 'threshold': must be at least 1, not '0'");
  doc["threshold"] = -1;
  ExpectParseError(doc, "trust policy field 'threshold': must be at least 1, not '-1'");
  doc["threshold"] = 1.0;
  ExpectParseError(doc, "trust policy field 'threshold': must be an integer");
  doc.erase("threshold");
  ExpectParseError(doc, "trust policy field 'threshold': is required");
}

TEST(ParseTrustPolicy, RejectsThresholdAboveTheNumberOfKeys) {
  Json doc = BasePolicyJson();
  doc["threshold"] = 2;
  ExpectParseError(doc, "trust policy field 'threshold': '2' is more than the 1 key(s) the policy lists");
  doc["threshold"] = uint64_t{1} << 40;
  ExpectParseError(doc, "is more than the 1 key(s)");
}

TEST(ParseTrustPolicy, RejectsTheSameKeyTwiceUnderAnotherName) {
  Json doc = BasePolicyJson();
  doc["keys"].push_back(PolicyKeyJson("release-2026-copy", "ed25519.pub.pem"));
  ExpectParseError(doc, "trust policy field 'keys[1]': key 'release-2026-copy' is the same key as 'release-2026'");
}

TEST(ParseTrustPolicy, RejectsOneEcKeyWrittenWithACompressedPointToo) {
  Json doc = BasePolicyJson();
  doc["keys"] = {PolicyKeyJson("ec", "ecdsa-p256.pub.pem"), PolicyKeyJson("ec-compressed", "ecdsa-p256-compressed.pub.pem")};
  ExpectParseError(doc, "trust policy field 'keys[1]': key 'ec-compressed' is the same key as 'ec'");
}

// "policy keys alice bob carol" from one P-256 key: the explicit-parameter encodings are refused,
// so a threshold of 3 can never be met by one signature copied three times.
TEST(ParseTrustPolicy, RejectsOneEcKeyWrittenWithExplicitCurveParameters) {
  Json doc = BasePolicyJson();
  doc["threshold"] = 3;
  doc["keys"] = {PolicyKeyJson("alice", "ecdsa-p256.pub.pem"), PolicyKeyJson("bob", "ecdsa-p256-explicit.pub.pem"),
                 PolicyKeyJson("carol", "ecdsa-p256-explicit-noseed.pub.pem")};
  ExpectParseError(doc, "explicit curve parameters are refused");
}

TEST(ParseTrustPolicy, RejectsADuplicateKeyName) {
  Json doc = BasePolicyJson();
  doc["keys"].push_back(PolicyKeyJson("release-2026", "ed25519-b.pub.pem"));
  ExpectParseError(doc, "trust policy field 'keys[1]': key name 'release-2026' is already used by keys[0]");
}

TEST(ParseTrustPolicy, RejectsBadTimeFormats) {
  for (const char* text : {"2026-01-01", "2026-01-01T00:00:00+01:00", "2026-02-30T00:00:00Z", "tomorrow"}) {
    Json doc = BasePolicyJson();
    doc["keys"][0]["validFrom"] = text;
    ExpectParseError(doc,
                     std::string("trust policy field 'keys[0].validFrom': '") + text + "' is not an RFC 3339 UTC time");
  }
  Json number = BasePolicyJson();
  number["keys"][0]["validUntil"] = 1798761600;
  ExpectParseError(number, "trust policy field 'keys[0].validUntil': must be a string, not number");
}

TEST(ParseTrustPolicy, RejectsValidFromNotBeforeValidUntil) {
  Json equal = BasePolicyJson();
  equal["keys"][0]["validUntil"] = "2026-01-01T00:00:00Z";
  ExpectParseError(equal,
                   "trust policy field 'keys[0]': key 'release-2026' has validFrom 2026-01-01T00:00:00Z "
                   "not before validUntil 2026-01-01T00:00:00Z");
  Json reversed = BasePolicyJson();
  reversed["keys"][0]["validFrom"] = "2027-06-01T00:00:00Z";
  ExpectParseError(reversed, "has validFrom 2027-06-01T00:00:00Z not before validUntil 2027-01-01T00:00:00Z");
}

TEST(ParseTrustPolicy, RejectsDuplicateJsonKeys) {
  std::string text = BasePolicyJson().dump();
  text.insert(1, "\"threshold\":1,");
  Result<TrustPolicy> policy = ParseTrustPolicy(text);
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(policy.status().message(), HasSubstr("trust policy has the key 'threshold' twice"));
  // Nested objects too: two public keys in one entry must not let parsers disagree.
  std::string nested = BasePolicyJson().dump();
  nested.insert(nested.find("\"name\":"), "\"name\":\"shadow\",");
  EXPECT_THAT(ParseTrustPolicy(nested).status().message(), HasSubstr("has the key 'name' twice"));
}

TEST(ParseTrustPolicy, RejectsDeepNesting) {
  std::string text = "{\"version\":1,\"keys\":" + std::string(100, '[') + std::string(100, ']') + "}";
  Result<TrustPolicy> policy = ParseTrustPolicy(text);
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(policy.status().message(), HasSubstr("trust policy nests deeper than the limit of 16"));
}

TEST(ParseTrustPolicy, RejectsAnOversizedDocument) {
  std::string text = BasePolicyJson().dump();
  text.append((1 << 20) + 1 - text.size() + 1, ' ');
  EXPECT_EQ(ParseTrustPolicy(text).status().code(), StatusCode::kResourceExhausted);
}

TEST(ParseTrustPolicy, RequiresVersionOne) {
  Json doc = BasePolicyJson();
  doc["version"] = 2;
  ExpectParseError(doc, "trust policy field 'version': must be 1, not '2'");
  doc.erase("version");
  ExpectParseError(doc, "trust policy field 'version': is required");
}

TEST(ParseTrustPolicy, RejectsMissingOrEmptyLists) {
  Json no_keys = BasePolicyJson();
  no_keys["keys"] = Json::array();
  ExpectParseError(no_keys, "trust policy field 'keys': must not be empty");
  Json no_types = BasePolicyJson();
  no_types.erase("predicateTypes");
  ExpectParseError(no_types, "trust policy field 'predicateTypes': is required");
  Json no_builders = BasePolicyJson();
  no_builders.erase("builders");
  ExpectParseError(no_builders, "trust policy field 'builders': is required");
  Json empty_sources = BasePolicyJson();
  empty_sources["sourceRepositories"] = Json::array();
  ExpectParseError(empty_sources, "trust policy field 'sourceRepositories': must not be empty");
  Json twice = BasePolicyJson();
  twice["predicateTypes"].push_back(kSlsaProvenanceV1);
  ExpectParseError(twice, "trust policy field 'predicateTypes[1]': 'https://slsa.dev/provenance/v1' is listed twice");
}

TEST(ParseTrustPolicy, RejectsBuildersWhenSlsaProvenanceIsNotAccepted) {
  Json doc = BasePolicyJson();
  doc["predicateTypes"] = Json::array({"https://spdx.dev/Document"});
  ExpectParseError(doc, "trust policy field 'builders': applies only to SLSA provenance");
}

TEST(ParseTrustPolicy, RejectsMalformedPatterns) {
  Json both = BasePolicyJson();
  both["builders"][0]["idPrefix"] = "https://fnseal.dev/";
  ExpectParseError(both, "trust policy field 'builders[0]': needs exactly one of 'id' and 'idPrefix'");
  Json open_prefix = BasePolicyJson();
  open_prefix["builders"] = {{{"idPrefix", "https://ci.example.com"}}};
  ExpectParseError(
      open_prefix,
      "trust policy field 'builders[0].idPrefix': prefix 'https://ci.example.com' must end with '/' or '@'");
  Json empty_id = BasePolicyJson();
  empty_id["builders"] = {{{"id", ""}}};
  ExpectParseError(empty_id, "trust policy field 'builders[0].id': must not be empty");
}

TEST(ParseTrustPolicy, RejectsBadKeys) {
  Json both = BasePolicyJson();
  both["keys"][0]["publicKeyFile"] = "ed25519.pub.pem";
  ExpectParseError(both, "key 'release-2026' needs exactly one of 'publicKey' and 'publicKeyFile'");
  Json garbage = BasePolicyJson();
  garbage["keys"][0]["publicKey"] = "-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n";
  ExpectParseError(garbage, "trust policy field 'keys[0].publicKey': ");
  Json file = BasePolicyJson();
  file["keys"][0].erase("publicKey");
  file["keys"][0]["publicKeyFile"] = "ed25519.pub.pem";
  ExpectParseError(file,
                   "trust policy field 'keys[0].publicKeyFile': key files are resolved only when the policy "
                   "is loaded from a file");
}

TEST(ParseTrustPolicy, RejectsNonPositiveLimits) {
  Json doc = BasePolicyJson();
  doc["limits"] = {{"maxBundleBytes", 0}};
  ExpectParseError(doc, "trust policy field 'limits.maxBundleBytes': must be at least 1");
  doc["limits"] = {{"maxAttestationBytes", "10"}};
  ExpectParseError(doc, "trust policy field 'limits.maxAttestationBytes': must be an integer, not string");
}

TEST(ParseTrustPolicy, NeverThrowsOnWrongTypes) {
  for (const char* text :
       {"[]", "1", "null", "{\"version\":\"1\"}", "{\"version\":1,\"keys\":{}}", "{\"version\":1,\"keys\":[1]}",
        "{\"version\":1,\"keys\":[{\"name\":1}]}", "{\"version\":1e400}"}) {
    EXPECT_EQ(ParseTrustPolicy(text).status().code(), StatusCode::kInvalidArgument) << text;
  }
}

// --- LoadTrustPolicyFile ------------------------------------------------------------------------

TEST(LoadTrustPolicyFile, ResolvesKeyFilesNextToThePolicy) {
  const std::string dir = test::TestTempPath("policy-files");
  ASSERT_EQ(std::system(("rm -rf '" + dir + "' && mkdir -p '" + dir + "/keys'").c_str()), 0);
  ASSERT_THAT(WriteFileAtomic(dir + "/keys/a.pub.pem", ReadTestFile("testdata/keys/ed25519.pub.pem")), IsOk());
  Json doc = BasePolicyJson();
  doc["keys"][0].erase("publicKey");
  doc["keys"][0]["publicKeyFile"] = "keys/a.pub.pem";
  ASSERT_THAT(WriteFileAtomic(dir + "/policy.json", doc.dump(2)), IsOk());
  Result<TrustPolicy> policy = LoadTrustPolicyFile(dir + "/policy.json");
  ASSERT_THAT(policy, IsOk());
  EXPECT_EQ(policy->keys[0].public_key.key_id(), LoadKey("ed25519.pem").public_key().key_id());

  doc["keys"][0]["publicKeyFile"] = "keys/missing.pem";
  ASSERT_THAT(WriteFileAtomic(dir + "/policy.json", doc.dump(2)), IsOk());
  Result<TrustPolicy> missing = LoadTrustPolicyFile(dir + "/policy.json");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("trust policy field 'keys[0].publicKeyFile'"));
  EXPECT_THAT(missing.status().message(), HasSubstr("keys/missing.pem"));

  doc["keys"][0]["publicKeyFile"] = "/etc/key.pem";
  ASSERT_THAT(WriteFileAtomic(dir + "/policy.json", doc.dump(2)), IsOk());
  EXPECT_THAT(LoadTrustPolicyFile(dir + "/policy.json").status().message(),
              HasSubstr("'/etc/key.pem' must be relative to the policy file's directory"));
  EXPECT_EQ(LoadTrustPolicyFile(dir + "/nope.json").status().code(), StatusCode::kNotFound);
}

TEST(LoadTrustPolicyFile, RefusesKeyFilesOutsideThePolicysDirectory) {
  const std::string dir = test::TestTempPath("policy-parent");
  ASSERT_EQ(std::system(("rm -rf '" + dir + "' && mkdir -p '" + dir + "/policies/keys'").c_str()), 0);
  const std::string pem = ReadTestFile("testdata/keys/ed25519.pub.pem");
  ASSERT_THAT(WriteFileAtomic(dir + "/outside.pub.pem", pem), IsOk());
  ASSERT_THAT(WriteFileAtomic(dir + "/policies/keys/a.pub.pem", pem), IsOk());
  Json doc = BasePolicyJson();
  doc["keys"][0].erase("publicKey");
  for (const char* escaping : {"../outside.pub.pem", "keys/../../outside.pub.pem", "keys/..", ".."}) {
    doc["keys"][0]["publicKeyFile"] = escaping;
    ASSERT_THAT(WriteFileAtomic(dir + "/policies/policy.json", doc.dump(2)), IsOk());
    Result<TrustPolicy> policy = LoadTrustPolicyFile(dir + "/policies/policy.json");
    ASSERT_FALSE(policy.ok()) << escaping;
    EXPECT_EQ(policy.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(policy.status().message(), HasSubstr("must stay inside the policy file's directory (no '..')"));
  }
  // ".." inside a name is not a parent directory.
  ASSERT_THAT(WriteFileAtomic(dir + "/policies/keys/a..b.pem", pem), IsOk());
  for (const char* inside : {"keys/a.pub.pem", "./keys/a.pub.pem", "keys/a..b.pem"}) {
    doc["keys"][0]["publicKeyFile"] = inside;
    ASSERT_THAT(WriteFileAtomic(dir + "/policies/policy.json", doc.dump(2)), IsOk());
    Result<TrustPolicy> policy = LoadTrustPolicyFile(dir + "/policies/policy.json");
    EXPECT_THAT(policy, IsOk()) << inside << ": " << policy.status().ToString();
  }
}

// --- Standalone attestations --------------------------------------------------------------------

class PolicyVerificationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::FreshTestDir();
  }

  static TrustPolicy Policy(const Json& doc) {
    Result<TrustPolicy> policy = ParseTrustPolicy(doc.dump());
    EXPECT_THAT(policy, IsOk());
    return std::move(policy).value();
  }

  PrivateKey key_a_ = LoadKey("ed25519.pem");
  PrivateKey key_b_ = LoadKey("ed25519-b.pem");
  std::string dir_;
};

template <typename T>
void ExpectDenied(const Result<T>& result, StatusCode code, const std::string& fragment) {
  ASSERT_FALSE(result.ok()) << "the attestation was accepted";
  EXPECT_EQ(result.status().code(), code) << result.status().ToString();
  EXPECT_THAT(result.status().message(), HasSubstr(fragment));
}

class AttestationPolicyTest : public PolicyVerificationTest {
 protected:
  void SetUp() override {
    PolicyVerificationTest::SetUp();
    artifact_ = dir_ + "/app.zip";
    ASSERT_THAT(WriteFileAtomic(artifact_, "zip bytes"), IsOk());
  }

  // A signed-file statement over the artifact, signed by `keys`, written as JSON Lines.
  std::string Attestation(const std::vector<const PrivateKey*>& keys, const std::string& predicate_type,
                          const Json& predicate = Json::object()) {
    Statement statement;
    statement.subjects.push_back({"app.zip", {{"sha256", Sha256Hex("zip bytes")}}});
    statement.predicate_type = predicate_type;
    statement.predicate = predicate;
    DsseEnvelope envelope{kInTotoPayloadType, SerializeStatement(statement), {}};
    for (const PrivateKey* key : keys) EXPECT_THAT(AddDsseSignature(&envelope, *key), IsOk());
    std::string path = dir_ + "/attestation-" + std::to_string(count_++) + ".intoto.jsonl";
    EXPECT_THAT(WriteFileAtomic(path, SerializeDsseEnvelope(envelope) + "\n"), IsOk());
    return path;
  }

  static Json SignedFilePolicy() {
    Json doc = BasePolicyJson();
    doc["predicateTypes"] = {kSignedFilePredicateType};
    doc.erase("builders");
    return doc;
  }

  std::string artifact_;
  int count_ = 0;
};

TEST_F(AttestationPolicyTest, AcceptsASignedFileWhosePredicateTypeIsAccepted) {
  Result<PolicyVerification> v = VerifyAttestationsWithPolicy(
      Attestation({&key_a_}, kSignedFilePredicateType), {artifact_}, Policy(SignedFilePolicy()), k2026_06_01);
  ASSERT_THAT(v, IsOk());
  EXPECT_THAT(v->key_names, ElementsAre("release-2026"));
  EXPECT_EQ(v->verified.files[0].subject_name, "app.zip");
  EXPECT_TRUE(v->builder_ids.empty());
}

TEST_F(AttestationPolicyTest, RejectsAKeyOutsideItsWindow) {
  ExpectDenied(VerifyAttestationsWithPolicy(Attestation({&key_a_}, kSignedFilePredicateType), {artifact_},
                                            Policy(SignedFilePolicy()), k2027_01_01),
               StatusCode::kPermissionDenied, "policy rule 'keys': 0 of 1 keys are valid");
}

TEST_F(AttestationPolicyTest, RejectsAKeyThePolicyDoesNotList) {
  ExpectDenied(VerifyAttestationsWithPolicy(Attestation({&key_b_}, kSignedFilePredicateType), {artifact_},
                                            Policy(SignedFilePolicy()), k2026_06_01),
               StatusCode::kPermissionDenied, "policy rule 'signatures': envelope #1");
}

TEST_F(AttestationPolicyTest, RejectsAPredicateTypeThePolicyDoesNotAccept) {
  ExpectDenied(VerifyAttestationsWithPolicy(Attestation({&key_a_}, kSignedFilePredicateType), {artifact_},
                                            Policy(BasePolicyJson()), k2026_06_01),
               StatusCode::kPermissionDenied, "policy rule 'predicateTypes': envelope #1");
}

TEST_F(AttestationPolicyTest, AppliesTheBuilderRulesToProvenance) {
  ProvenanceFacts facts;
  facts.builder_id = "https://evil.example/builder";
  ExpectDenied(VerifyAttestationsWithPolicy(Attestation({&key_a_}, kSlsaProvenanceV1, BuildSlsaProvenance(facts)),
                                            {artifact_}, Policy(BasePolicyJson()), k2026_06_01),
               StatusCode::kPermissionDenied, "policy rule 'builders': envelope #1: builder id");
  facts.builder_id = kBuilder;
  EXPECT_THAT(VerifyAttestationsWithPolicy(Attestation({&key_a_}, kSlsaProvenanceV1, BuildSlsaProvenance(facts)),
                                           {artifact_}, Policy(BasePolicyJson()), k2026_06_01), IsOk());
}

TEST_F(AttestationPolicyTest, RequiresTheThresholdOfDistinctKeys) {
  Json doc = SignedFilePolicy();
  doc["keys"].push_back(PolicyKeyJson("second", "ed25519-b.pub.pem"));
  doc["threshold"] = 2;
  ExpectDenied(VerifyAttestationsWithPolicy(Attestation({&key_a_}, kSignedFilePredicateType), {artifact_},
                                            Policy(doc), k2026_06_01),
               StatusCode::kPermissionDenied, "policy rule 'signatures': envelope #1: signature threshold not met");
  Result<PolicyVerification> both = VerifyAttestationsWithPolicy(
      Attestation({&key_a_, &key_b_}, kSignedFilePredicateType), {artifact_}, Policy(doc), k2026_06_01);
  ASSERT_THAT(both, IsOk());
  EXPECT_THAT(both->key_names, ElementsAre("release-2026", "second"));
}

TEST_F(AttestationPolicyTest, AppliesMaxAttestationBytesToTheWholeFile) {
  Json doc = SignedFilePolicy();
  doc["limits"] = {{"maxAttestationBytes", 100}};
  ExpectDenied(VerifyAttestationsWithPolicy(Attestation({&key_a_}, kSignedFilePredicateType), {artifact_},
                                            Policy(doc), k2026_06_01),
               StatusCode::kResourceExhausted, "policy rule 'limits': ");
}

TEST_F(AttestationPolicyTest, RejectsAnArtifactThatIsNotASubject) {
  ASSERT_THAT(WriteFileAtomic(artifact_, "other bytes"), IsOk());
  ExpectDenied(VerifyAttestationsWithPolicy(Attestation({&key_a_}, kSignedFilePredicateType), {artifact_},
                                            Policy(SignedFilePolicy()), k2026_06_01),
               StatusCode::kPermissionDenied, "policy rule 'signatures': artifact");
}

TEST_F(AttestationPolicyTest, ReportsAMissingAttestationAsNotFound) {
  ExpectDenied(VerifyAttestationsWithPolicy(dir_ + "/none.intoto.jsonl", {}, Policy(SignedFilePolicy()), k2026_06_01),
               StatusCode::kNotFound, "none.intoto.jsonl");
}

}  // namespace
}  // namespace fnseal
