#include "provenance/signing/dsse.h"

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include "core/encoding.h"
#include "core/file.h"
#include "provenance/signing/keys.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::testing::ElementsAre;

constexpr char kInTotoType[] = "application/vnd.in-toto+json";
constexpr char kPayload[] = R"({"_type":"https://in-toto.io/Statement/v1","subject":[]})";

testing::AssertionResult HasError(const Status& status, StatusCode code, std::string_view fragment) {
  if (status.code() == code && status.message().find(fragment) != std::string::npos) {
    return testing::AssertionSuccess();
  }
  return testing::AssertionFailure() << "expected " << StatusCodeName(code) << " containing '" << fragment << "', got "
                                     << status.ToString();
}

template <typename T>
testing::AssertionResult HasError(const Result<T>& result, StatusCode code, std::string_view fragment) {
  if (result.ok()) return testing::AssertionFailure() << "expected an error, got a value";
  return HasError(result.status(), code, fragment);
}

std::string ReadKeyFile(const std::string& name) {
  Result<std::string> data = ReadFile("testdata/keys/" + name);
  EXPECT_THAT(data, IsOk());
  return data.ok() ? *data : std::string();
}

// Converts a DER ECDSA signature to the raw 64-byte r||s form, with OpenSSL's ECDSA_SIG.
std::string DerToRawEcdsa(const std::string& der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  EXPECT_NE(sig, nullptr);
  if (sig == nullptr) return "";
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig, &r, &s);
  std::string raw(64, '\0');
  EXPECT_EQ(BN_bn2binpad(r, reinterpret_cast<unsigned char*>(raw.data()), 32), 32);
  EXPECT_EQ(BN_bn2binpad(s, reinterpret_cast<unsigned char*>(raw.data()) + 32, 32), 32);
  ECDSA_SIG_free(sig);
  return raw;
}

// Standard base64 re-encoded in the URL-safe alphabet without padding.
std::string ToUrlSafeBase64(std::string_view bytes) {
  std::string b64 = Base64Encode(bytes);
  while (!b64.empty() && b64.back() == '=') b64.pop_back();
  for (char& c : b64) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return b64;
}

// Loads the test keys once per test; a load failure aborts the test binary.
class DsseTest : public testing::Test {
 protected:
  static PrivateKey Private(const std::string& name) {
    Result<PrivateKey> key = PrivateKey::FromPem(ReadKeyFile(name));
    if (!key.ok()) {
      ADD_FAILURE() << name << ": " << key.status().ToString();
      std::abort();
    }
    return *key;
  }

  static PublicKey Public(const std::string& name) {
    Result<PublicKey> key = PublicKey::FromPem(ReadKeyFile(name));
    if (!key.ok()) {
      ADD_FAILURE() << name << ": " << key.status().ToString();
      std::abort();
    }
    return *key;
  }

  // An envelope over kPayload signed by `key`.
  static DsseEnvelope Signed(const PrivateKey& key) {
    DsseEnvelope envelope{kInTotoType, kPayload, {}};
    Status status = AddDsseSignature(&envelope, key);
    EXPECT_THAT(status, IsOk());
    return envelope;
  }

  PrivateKey ed_a_ = Private("ed25519.pem");
  PrivateKey ed_b_ = Private("ed25519-b.pem");
  PrivateKey ec_ = Private("ecdsa-p256.pem");
  PublicKey ed_a_pub_ = Public("ed25519.pub.pem");
  PublicKey ed_b_pub_ = Public("ed25519-b.pub.pem");
  PublicKey ec_pub_ = Public("ecdsa-p256.pub.pem");
};

// A signer whose key lives elsewhere, as a KMS's would: it signs through the key it wraps, or
// fails as an unreachable service does.
class RemoteSigner : public Signer {
 public:
  RemoteSigner(PrivateKey key, bool reachable) : key_(std::move(key)), reachable_(reachable) {}
  const PublicKey& public_key() const override { return key_.public_key(); }
  Result<std::string> Sign(std::string_view message) const override {
    if (!reachable_) return UnavailableError("kms.example.com: connection refused");
    return key_.Sign(message);
  }

 private:
  PrivateKey key_;
  bool reachable_;
};

TEST_F(DsseTest, SignsThroughAnySignerAndKeepsTheEnvelopeWhenTheSignerFails) {
  DsseEnvelope envelope{kInTotoType, kPayload, {}};
  ASSERT_THAT(AddDsseSignature(&envelope, RemoteSigner(ed_b_, true)), IsOk());
  Result<VerifiedPayload> verified = VerifyDsseEnvelope(envelope, {ed_b_pub_}, 1);
  ASSERT_THAT(verified, IsOk());
  EXPECT_THAT(verified->key_ids, ElementsAre(ed_b_pub_.key_id()));

  Status failed = AddDsseSignature(&envelope, RemoteSigner(ec_, false));
  EXPECT_TRUE(HasError(failed, StatusCode::kUnavailable, "kms.example.com: connection refused"));
  EXPECT_EQ(envelope.signatures.size(), 1u);
}

// --- Pre-authentication encoding ---------------------------------------------------------------

TEST(Pae, MatchesTheDssePublishedTestVector) {
  EXPECT_EQ(PreAuthEncoding("http://example.com/HelloWorld", "hello world"),
            "DSSEv1 29 http://example.com/HelloWorld 11 hello world");
}

// The whole test vector of the DSSE protocol text: its envelope, verbatim, with a raw r||s
// ECDSA signature, verifies with the text's key and yields the payload "hello world".
TEST(DsseProtocolTestVector, VerifiesTheEnvelopePrintedInTheSpec) {
  Result<std::string> json = ReadFile("testdata/dsse-spec/envelope.json");
  Result<std::string> pem = ReadFile("testdata/dsse-spec/ecdsa-p256.pub.pem");
  ASSERT_TRUE(json.ok() && pem.ok());
  Result<PublicKey> key = PublicKey::FromPem(*pem);
  ASSERT_THAT(key, IsOk());
  Result<DsseEnvelope> envelope = ParseDsseEnvelope(*json);
  ASSERT_THAT(envelope, IsOk());
  EXPECT_EQ(envelope->signatures[0].signature.size(), 64u);  // raw r||s, not DER
  Result<VerifiedPayload> verified = VerifyDsseEnvelope(*envelope, {*key}, 1);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->payload, "hello world");
  EXPECT_EQ(verified->payload_type, "http://example.com/HelloWorld");

  DsseEnvelope changed = *envelope;
  changed.payload = "hello world!";
  EXPECT_FALSE(VerifyDsseEnvelope(changed, {*key}, 1).ok());
}

TEST(Pae, EncodesEmptyTypeAndPayload) { EXPECT_EQ(PreAuthEncoding("", ""), "DSSEv1 0  0 "); }

TEST(Pae, EncodesTheInTotoPayloadType) {
  EXPECT_EQ(PreAuthEncoding(kInTotoType, "{}"), "DSSEv1 28 application/vnd.in-toto+json 2 {}");
}

TEST(Pae, CountsLengthsInBytesNotCharacters) {
  // "é" is two bytes in UTF-8, "€" three.
  EXPECT_EQ(PreAuthEncoding("\xc3\xa9", "\xc3\xa9\xe2\x82\xac"), "DSSEv1 2 \xc3\xa9 5 \xc3\xa9\xe2\x82\xac");
}

TEST(Pae, KeepsBinaryPayloadBytesIncludingNul) {
  const std::string payload("a\0b\xff", 4);
  EXPECT_EQ(PreAuthEncoding("t", payload), std::string("DSSEv1 1 t 4 a\0b\xff", 17));
}

TEST(Pae, WritesMultiDigitLengthsInDecimal) {
  const std::string payload(1234, 'x');
  EXPECT_EQ(PreAuthEncoding(std::string(100, 't'), payload),
            "DSSEv1 100 " + std::string(100, 't') + " 1234 " + payload);
}

// --- Envelope JSON -------------------------------------------------------------------------------

TEST(DsseEnvelopeJson, SerializesWithPaddedStandardBase64AndFixedKeyOrder) {
  DsseEnvelope envelope{"http://example.com/HelloWorld", "hello world", {{"k1", std::string("\xfb\xff", 2)}}};
  EXPECT_EQ(SerializeDsseEnvelope(envelope),
            R"({"payload":"aGVsbG8gd29ybGQ=","payloadType":"http://example.com/HelloWorld",)"
            R"("signatures":[{"keyid":"k1","sig":"+/8="}]})");
}

TEST(DsseEnvelopeJson, SerializesAnUnsignedEnvelopeWithAnEmptySignatureList) {
  DsseEnvelope envelope{"t", "", {}};
  EXPECT_EQ(SerializeDsseEnvelope(envelope), R"({"payload":"","payloadType":"t","signatures":[]})");
}

TEST(DsseEnvelopeJson, RoundTripsThroughParse) {
  DsseEnvelope envelope{"application/x-\xc3\xa9",
                        std::string("\x00\x01\xfe\xff payload", 12),
                        {{"k1", "sig-one"}, {"", std::string("\x00\xff", 2)}}};
  Result<DsseEnvelope> parsed = ParseDsseEnvelope(SerializeDsseEnvelope(envelope));
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->payload_type, envelope.payload_type);
  EXPECT_EQ(parsed->payload, envelope.payload);
  ASSERT_EQ(parsed->signatures.size(), 2u);
  EXPECT_EQ(parsed->signatures[0].keyid, "k1");
  EXPECT_EQ(parsed->signatures[0].signature, "sig-one");
  EXPECT_EQ(parsed->signatures[1].keyid, "");
  EXPECT_EQ(parsed->signatures[1].signature, std::string("\x00\xff", 2));
  EXPECT_EQ(SerializeDsseEnvelope(*parsed), SerializeDsseEnvelope(envelope));
}

TEST(DsseEnvelopeJson, AcceptsUrlSafeUnpaddedBase64) {
  Result<DsseEnvelope> parsed =
      ParseDsseEnvelope(R"({"payload":"-_8","payloadType":"t","signatures":[{"keyid":"k","sig":"_-8"}]})");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->payload, std::string("\xfb\xff", 2));
  EXPECT_EQ(parsed->signatures[0].signature, std::string("\xff\xef", 2));
}

TEST(DsseEnvelopeJson, AcceptsASignatureWithoutKeyid) {
  Result<DsseEnvelope> parsed = ParseDsseEnvelope(R"({"payload":"","payloadType":"t","signatures":[{"sig":"AA=="}]})");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->signatures[0].keyid, "");
  EXPECT_EQ(parsed->signatures[0].signature, std::string(1, '\0'));
}

TEST(DsseEnvelopeJson, AcceptsFieldsInAnyOrderWithWhitespace) {
  Result<DsseEnvelope> parsed = ParseDsseEnvelope(
      "{ \"signatures\" : [ { \"sig\" : \"AA==\" , \"keyid\" : \"k\" } ] ,\n \"payloadType\":\"t\", "
      "\"payload\":\"aGk=\" }\n");
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->payload, "hi");
  EXPECT_EQ(parsed->signatures[0].keyid, "k");
}

TEST(DsseEnvelopeJson, RejectsAnUnknownTopLevelField) {
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payload":"","payloadType":"t","signatures":[],"payloadHash":"x"})"),
                       StatusCode::kInvalidArgument, "envelope has the unknown field 'payloadHash'"));
}

TEST(DsseEnvelopeJson, RejectsAnUnknownSignatureField) {
  EXPECT_TRUE(
      HasError(ParseDsseEnvelope(R"({"payload":"","payloadType":"t","signatures":[{"sig":"AA==","cert":"x"}]})"),
               StatusCode::kInvalidArgument, "envelope signature has the unknown field 'cert'"));
}

TEST(DsseEnvelopeJson, RejectsADuplicateTopLevelKey) {
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payload":"YQ==","payloadType":"t","payload":"Yg==","signatures":[]})"),
                       StatusCode::kInvalidArgument, "envelope has the key 'payload' twice"));
}

TEST(DsseEnvelopeJson, RejectsADuplicateKeyInsideASignature) {
  EXPECT_TRUE(
      HasError(ParseDsseEnvelope(R"({"payload":"","payloadType":"t","signatures":[{"sig":"AA==","sig":"AQ=="}]})"),
               StatusCode::kInvalidArgument, "envelope has the key 'sig' twice"));
}

TEST(DsseEnvelopeJson, RejectsMoreSignaturesThanTheLimit) {
  DsseLimits limits;
  limits.max_signatures = 2;
  const std::string sig = R"({"keyid":"k","sig":"AA=="})";
  const std::string two = R"({"payload":"","payloadType":"t","signatures":[)" + sig + "," + sig + "]}";
  const std::string three = R"({"payload":"","payloadType":"t","signatures":[)" + sig + "," + sig + "," + sig + "]}";
  EXPECT_THAT(ParseDsseEnvelope(two, limits), IsOk());
  EXPECT_TRUE(HasError(ParseDsseEnvelope(three, limits), StatusCode::kResourceExhausted,
                       "envelope has 3 signatures, more than the limit of 2"));
}

TEST(DsseEnvelopeJson, RejectsSeventeenSignaturesByDefault) {
  std::string json = R"({"payload":"","payloadType":"t","signatures":[)";
  for (int i = 0; i < 17; ++i) json += std::string(i == 0 ? "" : ",") + R"({"sig":"AA=="})";
  json += "]}";
  EXPECT_TRUE(HasError(ParseDsseEnvelope(json), StatusCode::kResourceExhausted,
                       "envelope has 17 signatures, more than the limit of 16"));
}

TEST(DsseEnvelopeJson, RejectsAnEnvelopeLargerThanTheLimit) {
  DsseLimits limits;
  limits.max_envelope_size = 64;
  const std::string json =
      R"({"payload":")" + Base64Encode(std::string(60, 'x')) + R"(","payloadType":"t","signatures":[]})";
  EXPECT_TRUE(HasError(ParseDsseEnvelope(json, limits), StatusCode::kResourceExhausted,
                       "envelope is " + std::to_string(json.size()) + " bytes, more than the limit of 64"));
}

TEST(DsseEnvelopeJson, SurvivesTenThousandLevelsOfNesting) {
  const std::string arrays = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_TRUE(HasError(ParseDsseEnvelope(arrays), StatusCode::kResourceExhausted, "envelope nests deeper than"));
  std::string objects;
  for (int i = 0; i < 10000; ++i) objects += R"({"a":)";
  objects += "1" + std::string(10000, '}');
  EXPECT_TRUE(HasError(ParseDsseEnvelope(objects), StatusCode::kResourceExhausted, "envelope nests deeper than"));
  const std::string inside = R"({"payload":"","payloadType":"t","signatures":)" + arrays + "}";
  EXPECT_TRUE(HasError(ParseDsseEnvelope(inside), StatusCode::kResourceExhausted, "envelope nests deeper than"));
}

TEST(DsseEnvelopeJson, RejectsInvalidBase64InThePayload) {
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payload":"aGVsbG8*","payloadType":"t","signatures":[]})"),
                       StatusCode::kInvalidArgument, "envelope field 'payload': invalid base64 character at offset 7"));
}

TEST(DsseEnvelopeJson, RejectsBase64MixingBothAlphabets) {
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payload":"+_8=","payloadType":"t","signatures":[]})"),
                       StatusCode::kInvalidArgument, "mixes the standard and URL-safe alphabets"));
}

TEST(DsseEnvelopeJson, RejectsInvalidBase64InASignature) {
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payload":"","payloadType":"t","signatures":[{"keyid":"k","sig":"A"}]})"),
                       StatusCode::kInvalidArgument, "envelope signature 'sig': base64 text has an impossible length"));
}

TEST(DsseEnvelopeJson, RejectsASignatureWithoutSig) {
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payload":"","payloadType":"t","signatures":[{"keyid":"k"}]})"),
                       StatusCode::kInvalidArgument, "envelope signature has no 'sig'"));
}

TEST(DsseEnvelopeJson, RejectsMissingOrMistypedFields) {
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payloadType":"t","signatures":[]})"), StatusCode::kInvalidArgument,
                       "envelope field 'payload' is missing or not a string"));
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payload":1,"payloadType":"t","signatures":[]})"),
                       StatusCode::kInvalidArgument, "envelope field 'payload' is missing or not a string"));
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payload":"","signatures":[]})"), StatusCode::kInvalidArgument,
                       "envelope field 'payloadType' is missing or not a string"));
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payload":"","payloadType":null,"signatures":[]})"),
                       StatusCode::kInvalidArgument, "envelope field 'payloadType' is missing or not a string"));
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payload":"","payloadType":"t"})"), StatusCode::kInvalidArgument,
                       "envelope field 'signatures' is missing or not an array"));
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payload":"","payloadType":"t","signatures":{}})"),
                       StatusCode::kInvalidArgument, "envelope field 'signatures' is missing or not an array"));
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payload":"","payloadType":"t","signatures":["AA=="]})"),
                       StatusCode::kInvalidArgument, "envelope signature is not a JSON object"));
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payload":"","payloadType":"t","signatures":[{"keyid":7,"sig":"AA=="}]})"),
                       StatusCode::kInvalidArgument, "envelope signature 'keyid' is not a string"));
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payload":"","payloadType":"t","signatures":[{"sig":[]}]})"),
                       StatusCode::kInvalidArgument, "envelope signature 'sig' is not a string"));
}

TEST(DsseEnvelopeJson, RejectsJsonThatIsNotAnObject) {
  EXPECT_TRUE(HasError(ParseDsseEnvelope("[]"), StatusCode::kInvalidArgument, "envelope is not a JSON object"));
  EXPECT_TRUE(
      HasError(ParseDsseEnvelope(R"("payload")"), StatusCode::kInvalidArgument, "envelope is not a JSON object"));
}

TEST(DsseEnvelopeJson, RejectsTextThatIsNotJson) {
  EXPECT_TRUE(HasError(ParseDsseEnvelope("{\"payload\":"), StatusCode::kInvalidArgument, "envelope is not valid JSON"));
  EXPECT_TRUE(HasError(ParseDsseEnvelope(""), StatusCode::kInvalidArgument, "envelope is not valid JSON"));
  EXPECT_TRUE(HasError(ParseDsseEnvelope(R"({"payload":"","payloadType":"t","signatures":[]} {})"),
                       StatusCode::kInvalidArgument, "envelope is not valid JSON"));
}

// --- Signing and verification --------------------------------------------------------------------

TEST_F(DsseTest, SignsAndVerifiesWithEd25519) {
  DsseEnvelope envelope = Signed(ed_a_);
  ASSERT_EQ(envelope.signatures.size(), 1u);
  EXPECT_EQ(envelope.signatures[0].keyid, ed_a_pub_.key_id());
  Result<VerifiedPayload> verified = VerifyDsseEnvelope(envelope, {ed_a_pub_}, 1);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->payload_type, kInTotoType);
  EXPECT_EQ(verified->payload, kPayload);
  EXPECT_THAT(verified->key_ids, ElementsAre(ed_a_pub_.key_id()));
}

TEST_F(DsseTest, SignsAndVerifiesWithEcdsaP256) {
  DsseEnvelope envelope = Signed(ec_);
  ASSERT_EQ(envelope.signatures.size(), 1u);
  EXPECT_EQ(envelope.signatures[0].keyid, ec_pub_.key_id());
  EXPECT_THAT(ec_pub_.Verify(PreAuthEncoding(kInTotoType, kPayload), envelope.signatures[0].signature), IsOk());
  Result<VerifiedPayload> verified = VerifyDsseEnvelope(envelope, {ec_pub_}, 1);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->payload, kPayload);
  EXPECT_THAT(verified->key_ids, ElementsAre(ec_pub_.key_id()));
}

TEST_F(DsseTest, SignsThePreAuthEncodingNotThePayload) {
  DsseEnvelope envelope = Signed(ed_a_);
  EXPECT_THAT(ed_a_pub_.Verify(PreAuthEncoding(kInTotoType, kPayload), envelope.signatures[0].signature), IsOk());
  EXPECT_FALSE(ed_a_pub_.Verify(kPayload, envelope.signatures[0].signature).ok());
}

TEST_F(DsseTest, VerifiesAnEcdsaSignatureInRawRsForm) {
  DsseEnvelope envelope = Signed(ec_);
  envelope.signatures[0].signature = DerToRawEcdsa(envelope.signatures[0].signature);
  ASSERT_EQ(envelope.signatures[0].signature.size(), 64u);
  Result<VerifiedPayload> verified = VerifyDsseEnvelope(envelope, {ec_pub_}, 1);
  ASSERT_THAT(verified, IsOk());
  EXPECT_THAT(verified->key_ids, ElementsAre(ec_pub_.key_id()));
}

TEST_F(DsseTest, VerifiesAnEnvelopeWrittenInUrlSafeBase64) {
  DsseEnvelope envelope = Signed(ed_a_);
  const std::string json = R"({"payload":")" + ToUrlSafeBase64(envelope.payload) + R"(","payloadType":")" +
                           kInTotoType + R"(","signatures":[{"keyid":"","sig":")" +
                           ToUrlSafeBase64(envelope.signatures[0].signature) + R"("}]})";
  Result<DsseEnvelope> parsed = ParseDsseEnvelope(json);
  ASSERT_THAT(parsed, IsOk());
  Result<VerifiedPayload> verified = VerifyDsseEnvelope(*parsed, {ed_a_pub_}, 1);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->payload, kPayload);
}

TEST_F(DsseTest, VerifiesASignedEnvelopeAfterAJsonRoundTrip) {
  DsseEnvelope envelope = Signed(ed_a_);
  ASSERT_THAT(AddDsseSignature(&envelope, ec_), IsOk());
  Result<DsseEnvelope> parsed = ParseDsseEnvelope(SerializeDsseEnvelope(envelope));
  ASSERT_THAT(parsed, IsOk());
  Result<VerifiedPayload> verified = VerifyDsseEnvelope(*parsed, {ed_a_pub_, ec_pub_}, 2);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->key_ids.size(), 2u);
}

TEST_F(DsseTest, ReturnsTheExactSignedPayloadBytes) {
  const std::string payload = "{ \"b\":1,\n  \"a\":2 }";  // not canonical: must come back unchanged
  DsseEnvelope envelope{kInTotoType, payload, {}};
  ASSERT_THAT(AddDsseSignature(&envelope, ed_a_), IsOk());
  Result<DsseEnvelope> parsed = ParseDsseEnvelope(SerializeDsseEnvelope(envelope));
  ASSERT_THAT(parsed, IsOk());
  Result<VerifiedPayload> verified = VerifyDsseEnvelope(*parsed, {ed_a_pub_}, 1);
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->payload, payload);
}

TEST_F(DsseTest, RejectsAChangedPayload) {
  DsseEnvelope envelope = Signed(ed_a_);
  envelope.payload[2] = 'X';
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ed_a_pub_}, 1), StatusCode::kPermissionDenied,
                       "no signature verifies with a trusted key"));
}

TEST_F(DsseTest, RejectsAPayloadWithAnAppendedByte) {
  DsseEnvelope envelope = Signed(ec_);
  envelope.payload += ' ';
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ec_pub_}, 1), StatusCode::kPermissionDenied,
                       "no signature verifies with a trusted key"));
}

TEST_F(DsseTest, RejectsAChangedPayloadType) {
  DsseEnvelope envelope = Signed(ed_a_);
  envelope.payload_type = "application/vnd.in-toto+jsonl";
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ed_a_pub_}, 1), StatusCode::kPermissionDenied,
                       "no signature verifies with a trusted key"));
}

TEST_F(DsseTest, RejectsAPayloadTypeWithACyrillicLookAlike) {
  DsseEnvelope envelope = Signed(ed_a_);
  // "\xd0\xb0" is CYRILLIC SMALL LETTER A, which renders like the Latin 'a' of "application".
  envelope.payload_type = "\xd0\xb0pplication/vnd.in-toto+json";
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ed_a_pub_}, 1), StatusCode::kPermissionDenied,
                       "no signature verifies with a trusted key"));
}

TEST_F(DsseTest, RejectsAChangedSignature) {
  DsseEnvelope envelope = Signed(ed_a_);
  envelope.signatures[0].signature[5] = static_cast<char>(envelope.signatures[0].signature[5] ^ 0x40);
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ed_a_pub_}, 1), StatusCode::kPermissionDenied,
                       "no signature verifies with a trusted key"));
}

TEST_F(DsseTest, RejectsAChangedEcdsaSignature) {
  DsseEnvelope envelope = Signed(ec_);
  std::string& sig = envelope.signatures[0].signature;
  sig[sig.size() - 1] = static_cast<char>(sig[sig.size() - 1] ^ 0x01);
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ec_pub_}, 1), StatusCode::kPermissionDenied,
                       "no signature verifies with a trusted key"));
}

TEST_F(DsseTest, TriesEveryTrustedKeyWhenTheKeyidNamesAnother) {
  DsseEnvelope envelope = Signed(ed_a_);
  envelope.signatures[0].keyid = ed_b_pub_.key_id();  // a hint that points at the wrong trusted key
  Result<VerifiedPayload> verified = VerifyDsseEnvelope(envelope, {ed_b_pub_, ed_a_pub_}, 1);
  ASSERT_THAT(verified, IsOk());
  EXPECT_THAT(verified->key_ids, ElementsAre(ed_a_pub_.key_id()));
}

TEST_F(DsseTest, AKeyidNeverMakesTheNamedKeyCount) {
  DsseEnvelope envelope = Signed(ed_a_);
  envelope.signatures[0].keyid = ed_b_pub_.key_id();
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ed_b_pub_}, 1), StatusCode::kPermissionDenied,
                       "no signature verifies with a trusted key"));
}

TEST_F(DsseTest, RejectsASignatureByAnUntrustedKey) {
  DsseEnvelope envelope = Signed(ed_b_);
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ed_a_pub_, ec_pub_}, 1), StatusCode::kPermissionDenied,
                       "no signature verifies with a trusted key"));
}

TEST_F(DsseTest, RejectsAnUntrustedSignatureClaimingATrustedKeyid) {
  DsseEnvelope envelope = Signed(ed_b_);
  envelope.signatures[0].keyid = ed_a_pub_.key_id();
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ed_a_pub_}, 1), StatusCode::kPermissionDenied,
                       "no signature verifies with a trusted key"));
}

TEST_F(DsseTest, RejectsWhenNoKeyIsTrusted) {
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(Signed(ed_a_), {}, 1), StatusCode::kPermissionDenied,
                       "no signature verifies with a trusted key"));
}

TEST_F(DsseTest, RejectsThresholdTwoWithOneSigningKey) {
  DsseEnvelope envelope = Signed(ed_a_);
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ed_a_pub_, ed_b_pub_}, 2), StatusCode::kPermissionDenied,
                       "signature threshold not met: 1 of 2 trusted keys signed"));
}

TEST_F(DsseTest, MeetsThresholdTwoWithTwoDistinctKeysAndSortsTheirIds) {
  DsseEnvelope envelope = Signed(ed_a_);
  ASSERT_THAT(AddDsseSignature(&envelope, ed_b_), IsOk());
  ASSERT_THAT(AddDsseSignature(&envelope, ec_), IsOk());
  Result<VerifiedPayload> verified = VerifyDsseEnvelope(envelope, {ed_a_pub_, ed_b_pub_}, 2);
  ASSERT_THAT(verified, IsOk());
  // ad6d... < db8a...: sorted, not in signing order.
  EXPECT_THAT(verified->key_ids, ElementsAre(ed_b_pub_.key_id(), ed_a_pub_.key_id()));
}

TEST_F(DsseTest, CountsTheSameSignatureTwiceOnlyOnce) {
  DsseEnvelope envelope = Signed(ed_a_);
  envelope.signatures.push_back(envelope.signatures[0]);
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ed_a_pub_, ed_b_pub_}, 2), StatusCode::kPermissionDenied,
                       "signature threshold not met: 1 of 2 trusted keys signed"));
}

TEST_F(DsseTest, CountsTheSameKeyOnceTowardTheThreshold) {
  // ECDSA signatures are randomized: two different valid signatures by one key.
  DsseEnvelope envelope = Signed(ec_);
  Result<std::string> second = ec_.Sign(PreAuthEncoding(envelope.payload_type, envelope.payload));
  ASSERT_THAT(second, IsOk());
  ASSERT_NE(*second, envelope.signatures[0].signature);
  envelope.signatures.push_back({"another-hint", *second});
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ec_pub_, ed_a_pub_}, 2), StatusCode::kPermissionDenied,
                       "signature threshold not met: 1 of 2 trusted keys signed"));
}

TEST_F(DsseTest, CountsAKeyTrustedTwiceOnlyOnce) {
  DsseEnvelope envelope = Signed(ed_a_);
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ed_a_pub_, ed_a_pub_}, 2), StatusCode::kPermissionDenied,
                       "signature threshold not met: 1 of 2 trusted keys signed"));
}

TEST_F(DsseTest, CountsOneEcKeyWrittenTwoWaysOnlyOnce) {
  Result<std::string> pem = ReadFile("testdata/keys/ecdsa-p256-compressed.pub.pem");
  ASSERT_THAT(pem, IsOk());
  Result<PublicKey> compressed = PublicKey::FromPem(*pem);
  ASSERT_THAT(compressed, IsOk());
  DsseEnvelope envelope = Signed(ec_);
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ec_pub_, *compressed}, 2), StatusCode::kPermissionDenied,
                       "signature threshold not met: 1 of 2 trusted keys signed"));
}

TEST_F(DsseTest, CountsASignatureRepeatedUnderAnotherKeyidOnce) {
  DsseEnvelope envelope = Signed(ed_a_);
  envelope.signatures.push_back({ed_b_pub_.key_id(), envelope.signatures[0].signature});
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ed_a_pub_, ed_b_pub_}, 2), StatusCode::kPermissionDenied,
                       "signature threshold not met: 1 of 2 trusted keys signed"));
}

TEST_F(DsseTest, IgnoresInvalidSignaturesNextToAValidOne) {
  DsseEnvelope envelope = Signed(ed_a_);
  envelope.signatures.insert(envelope.signatures.begin(), DsseSignature{ed_a_pub_.key_id(), std::string(64, '\0')});
  Result<VerifiedPayload> verified = VerifyDsseEnvelope(envelope, {ed_a_pub_}, 1);
  ASSERT_THAT(verified, IsOk());
  EXPECT_THAT(verified->key_ids, ElementsAre(ed_a_pub_.key_id()));
}

TEST_F(DsseTest, RejectsAThresholdBelowOne) {
  DsseEnvelope envelope = Signed(ed_a_);
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ed_a_pub_}, 0), StatusCode::kInvalidArgument,
                       "signature threshold must be at least 1"));
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ed_a_pub_}, -1), StatusCode::kInvalidArgument,
                       "signature threshold must be at least 1"));
}

TEST_F(DsseTest, RejectsAnEnvelopeWithoutSignatures) {
  DsseEnvelope envelope{kInTotoType, kPayload, {}};
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ed_a_pub_}, 1), StatusCode::kPermissionDenied,
                       "envelope has no signatures"));
}

TEST_F(DsseTest, RefusesToSignTwiceWithTheSameKey) {
  DsseEnvelope envelope = Signed(ed_a_);
  EXPECT_TRUE(HasError(AddDsseSignature(&envelope, ed_a_), StatusCode::kFailedPrecondition,
                       "the envelope is already signed by key " + ed_a_pub_.key_id().substr(0, 16)));
  EXPECT_EQ(envelope.signatures.size(), 1u);
}

TEST_F(DsseTest, RefusesToSignTwiceWithTheSameEcdsaKey) {
  DsseEnvelope envelope = Signed(ec_);
  EXPECT_TRUE(HasError(AddDsseSignature(&envelope, ec_), StatusCode::kFailedPrecondition,
                       "the envelope is already signed by key " + ec_pub_.key_id().substr(0, 16)));
  EXPECT_EQ(envelope.signatures.size(), 1u);
}

TEST_F(DsseTest, AddsASecondSignatureByAnotherKey) {
  DsseEnvelope envelope = Signed(ed_a_);
  ASSERT_THAT(AddDsseSignature(&envelope, ed_b_), IsOk());
  ASSERT_EQ(envelope.signatures.size(), 2u);
  EXPECT_EQ(envelope.signatures[1].keyid, ed_b_pub_.key_id());
}

// --- Interoperability with the openssl CLI -------------------------------------------------------

TEST_F(DsseTest, OpenSslCliVerifiesOurEd25519SignatureOverThePae) {
  DsseEnvelope envelope = Signed(ed_a_);
  const std::string pae_path = test::TestTempPath("our-pae");
  const std::string sig_path = test::TestTempPath("our-sig");
  ASSERT_THAT(WriteFileAtomic(pae_path, PreAuthEncoding(envelope.payload_type, envelope.payload)), IsOk());
  ASSERT_THAT(WriteFileAtomic(sig_path, envelope.signatures[0].signature), IsOk());
  const std::string verify = "openssl pkeyutl -verify -rawin -pubin -inkey testdata/keys/ed25519.pub.pem -in '" +
                             pae_path + "' -sigfile '" + sig_path + "' >/dev/null";
  EXPECT_EQ(std::system(verify.c_str()), 0) << verify;
  // The CLI must also reject it over other bytes, or the check above proves nothing.
  ASSERT_THAT(WriteFileAtomic(pae_path, envelope.payload), IsOk());
  EXPECT_NE(std::system((verify + " 2>/dev/null").c_str()), 0) << verify;
}

TEST_F(DsseTest, VerifiesAnEd25519SignatureMadeByTheOpenSslCli) {
  const std::string pae = PreAuthEncoding(kInTotoType, kPayload);
  const std::string pae_path = test::TestTempPath("cli-pae");
  const std::string sig_path = test::TestTempPath("cli-sig");
  ASSERT_THAT(WriteFileAtomic(pae_path, pae), IsOk());
  const std::string sign =
      "openssl pkeyutl -sign -rawin -inkey testdata/keys/ed25519.pem -in '" + pae_path + "' -out '" + sig_path + "'";
  ASSERT_EQ(std::system(sign.c_str()), 0) << sign;
  Result<std::string> signature = ReadFile(sig_path);
  ASSERT_THAT(signature, IsOk());
  EXPECT_THAT(ed_a_pub_.Verify(pae, *signature), IsOk());
  DsseEnvelope envelope{kInTotoType, kPayload, {{"", *signature}}};
  Result<VerifiedPayload> verified = VerifyDsseEnvelope(envelope, {ed_a_pub_}, 1);
  ASSERT_THAT(verified, IsOk());
  EXPECT_THAT(verified->key_ids, ElementsAre(ed_a_pub_.key_id()));
  envelope.payload_type = "application/json";
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(envelope, {ed_a_pub_}, 1), StatusCode::kPermissionDenied,
                       "no signature verifies with a trusted key"));
}

}  // namespace
}  // namespace fnseal
