#include "provenance/signing/sigstore_bundle.h"

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/encoding.h"
#include "core/file.h"
#include "core/json.h"
#include "tests/support/status_matchers.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

// `openssl pkey -pubin -in KEY.pub.pem -outform DER | openssl dgst -sha256 -binary | base64`.
constexpr char kEd25519Hint[] = "24r2u8e5uLwdzUvHbSfHzarShYplWazuX5ysmFpr0hY=";
constexpr char kPayloadType[] = "application/vnd.in-toto+json";
constexpr char kPayload[] = R"({"_type":"https://in-toto.io/Statement/v1","predicate":{}})";

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
  if (!data.ok()) {
    ADD_FAILURE() << data.status().ToString();
    std::abort();
  }
  return *data;
}

PublicKey Public(const std::string& name) {
  Result<PublicKey> key = PublicKey::FromPem(ReadKeyFile(name + ".pub.pem"));
  if (!key.ok()) std::abort();
  return *key;
}

PrivateKey Private(const std::string& name) {
  Result<PrivateKey> key = PrivateKey::FromPem(ReadKeyFile(name + ".pem"));
  if (!key.ok()) std::abort();
  return *key;
}

// An envelope over kPayload signed by each key named, in order.
DsseEnvelope SignedBy(const std::vector<std::string>& names) {
  DsseEnvelope envelope{kPayloadType, kPayload, {}};
  for (const std::string& name : names) {
    Status s = AddDsseSignature(&envelope, Private(name));
    EXPECT_THAT(s, IsOk());
  }
  return envelope;
}

Json Exported(const DsseEnvelope& envelope, const PublicKey& key) {
  Result<std::string> json = ExportSigstoreBundle(envelope, key);
  EXPECT_THAT(json, IsOk());
  Result<Json> doc = ParseJsonStrict(json.ok() ? *json : "{}", "test");
  EXPECT_THAT(doc, IsOk());
  return doc.ok() ? *doc : Json::object();
}

// The bundle for the ed25519 test key, as JSON to modify.
Json GoodBundle() { return Exported(SignedBy({"ed25519"}), Public("ed25519")); }

Result<DsseEnvelope> Import(const Json& doc) { return ImportSigstoreBundle(doc.dump()); }

TEST(ExportSigstoreBundle, WritesTheV03LayoutWithTheKeyHint) {
  DsseEnvelope envelope = SignedBy({"ed25519"});
  Json doc = Exported(envelope, Public("ed25519"));
  EXPECT_EQ(doc["mediaType"], "application/vnd.dev.sigstore.bundle.v0.3+json");
  EXPECT_EQ(doc["verificationMaterial"],
            Json({{"publicKey", {{"hint", kEd25519Hint}}}, {"tlogEntries", Json::array()}}));
  const Json& dsse = doc["dsseEnvelope"];
  EXPECT_EQ(dsse["payloadType"], kPayloadType);
  EXPECT_EQ(dsse["payload"], Base64Encode(kPayload));
  ASSERT_EQ(dsse["signatures"].size(), 1u);
  EXPECT_EQ(dsse["signatures"][0]["keyid"], kEd25519Hint);
  EXPECT_EQ(dsse["signatures"][0]["sig"], Base64Encode(envelope.signatures[0].signature));
  EXPECT_EQ(doc.size(), 3u);
  EXPECT_EQ(dsse.size(), 3u);
  EXPECT_EQ(dsse["signatures"][0].size(), 2u);
}

TEST(ExportSigstoreBundle, IsCompactSortedJsonWithoutATrailingNewline) {
  Result<std::string> json = ExportSigstoreBundle(SignedBy({"ed25519"}), Public("ed25519"));
  ASSERT_THAT(json, IsOk());
  EXPECT_EQ(json->rfind("{\"dsseEnvelope\":{\"payload\":\"", 0), 0u) << *json;
  EXPECT_NE(json->back(), '\n');
  EXPECT_EQ(json->find(' '), std::string::npos);
}

TEST(ExportSigstoreBundle, PicksTheSignatureThatVerifiesNotTheOneWhoseKeyidMatches) {
  DsseEnvelope envelope = SignedBy({"ed25519-b", "ecdsa-p256", "ed25519"});
  // Lying keyids: the first signature claims to be ed25519's.
  envelope.signatures[0].keyid = Public("ed25519").key_id();
  envelope.signatures[2].keyid = "someone else";
  Json doc = Exported(envelope, Public("ed25519"));
  EXPECT_EQ(doc["dsseEnvelope"]["signatures"][0]["sig"], Base64Encode(envelope.signatures[2].signature));
  Json ecdsa = Exported(envelope, Public("ecdsa-p256"));
  EXPECT_EQ(ecdsa["dsseEnvelope"]["signatures"][0]["sig"], Base64Encode(envelope.signatures[1].signature));
  EXPECT_EQ(ecdsa["verificationMaterial"]["publicKey"]["hint"], Public("ecdsa-p256").sigstore_hint());
}

TEST(ExportSigstoreBundle, FailsWhenTheKeyMadeNoSignature) {
  DsseEnvelope envelope = SignedBy({"ed25519-b"});
  envelope.signatures[0].keyid = Public("ed25519").key_id();  // a keyid proves nothing
  EXPECT_TRUE(HasError(ExportSigstoreBundle(envelope, Public("ed25519")), StatusCode::kFailedPrecondition,
                       "no signature in the envelope verifies with key db8af6bbc7b9b8bc"));
  EXPECT_TRUE(HasError(ExportSigstoreBundle(DsseEnvelope{kPayloadType, kPayload, {}}, Public("ed25519")),
                       StatusCode::kFailedPrecondition, "no signature in the envelope verifies"));
}

TEST(ExportSigstoreBundle, FailsWhenTheSignatureIsOverOtherBytes) {
  DsseEnvelope envelope = SignedBy({"ed25519"});
  envelope.payload += " ";
  EXPECT_TRUE(HasError(ExportSigstoreBundle(envelope, Public("ed25519")), StatusCode::kFailedPrecondition,
                       "no signature in the envelope verifies"));
}

TEST(ImportSigstoreBundle, RoundTripsAnExportAndVerifiesWithTheTrustedKey) {
  for (const char* name : {"ed25519", "ecdsa-p256"}) {
    DsseEnvelope original = SignedBy({name});
    Result<std::string> json = ExportSigstoreBundle(original, Public(name));
    ASSERT_THAT(json, IsOk());
    Result<DsseEnvelope> envelope = ImportSigstoreBundle(*json);
    ASSERT_THAT(envelope, IsOk());
    EXPECT_EQ(envelope->payload_type, kPayloadType);
    EXPECT_EQ(envelope->payload, kPayload);
    ASSERT_EQ(envelope->signatures.size(), 1u);
    EXPECT_EQ(envelope->signatures[0].keyid, Public(name).sigstore_hint());
    EXPECT_EQ(envelope->signatures[0].signature, original.signatures[0].signature);
    Result<VerifiedPayload> verified = VerifyDsseEnvelope(*envelope, {Public(name)}, 1);
    ASSERT_THAT(verified, IsOk());
    EXPECT_EQ(verified->payload, kPayload);
  }
}

TEST(ImportSigstoreBundle, TheHintNeverSelectsTheKey) {
  // Signed by ed25519, but the bundle claims ed25519-b in both places the spec has a hint.
  Json doc = GoodBundle();
  const std::string other_hint = Public("ed25519-b").sigstore_hint();
  doc["verificationMaterial"]["publicKey"]["hint"] = other_hint;
  doc["dsseEnvelope"]["signatures"][0]["keyid"] = other_hint;
  Result<DsseEnvelope> envelope = Import(doc);
  ASSERT_THAT(envelope, IsOk());
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(*envelope, {Public("ed25519-b")}, 1), StatusCode::kPermissionDenied,
                       "no signature verifies with a trusted key"));
  EXPECT_THAT(VerifyDsseEnvelope(*envelope, {Public("ed25519")}, 1), IsOk());
}

TEST(ImportSigstoreBundle, ATamperedPayloadImportsButDoesNotVerify) {
  Json doc = GoodBundle();
  std::string payload = kPayload;
  payload[2] = '-';
  doc["dsseEnvelope"]["payload"] = Base64Encode(payload);
  Result<DsseEnvelope> envelope = Import(doc);
  ASSERT_THAT(envelope, IsOk());
  EXPECT_TRUE(HasError(VerifyDsseEnvelope(*envelope, {Public("ed25519")}, 1), StatusCode::kPermissionDenied,
                       "no signature verifies with a trusted key"));
}

TEST(ImportSigstoreBundle, AcceptsTheEarlierMediaTypesTheSpecRequires) {
  for (const char* media_type : {"application/vnd.dev.sigstore.bundle+json;version=0.3",
                                 "application/vnd.dev.sigstore.bundle+json;version=0.2",
                                 "application/vnd.dev.sigstore.bundle+json;version=0.1"}) {
    Json doc = GoodBundle();
    doc["mediaType"] = media_type;
    EXPECT_THAT(Import(doc), IsOk()) << media_type;
  }
}

TEST(ImportSigstoreBundle, RejectsOtherMediaTypes) {
  for (const char* media_type : {"application/vnd.dev.sigstore.bundle.v0.4+json", "application/json", "",
                                 "application/vnd.dev.sigstore.bundle.v0.3+json; charset=utf-8"}) {
    Json doc = GoodBundle();
    doc["mediaType"] = media_type;
    EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "not a sigstore bundle: mediaType")) << media_type;
  }
  Json doc = GoodBundle();
  doc.erase("mediaType");
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "mediaType '' is not"));
  doc["mediaType"] = 3;
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "'mediaType' is not a string"));
}

TEST(ImportSigstoreBundle, AcceptsProtoFieldNamesNullsAndUrlSafeBase64AsProto3JsonDoes) {
  Json good = GoodBundle();
  const Json& dsse = good["dsseEnvelope"];
  std::string sig = dsse["signatures"][0]["sig"];
  for (char& c : sig) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!sig.empty() && sig.back() == '=') sig.pop_back();
  Json doc = {
      {"media_type", good["mediaType"]},
      {"verification_material",
       {{"public_key", {{"hint", kEd25519Hint}}}, {"tlog_entries", nullptr}, {"timestamp_verification_data", nullptr},
        {"certificate", nullptr}}},
      {"dsse_envelope",
       {{"payload", dsse["payload"]},
        {"payload_type", dsse["payloadType"]},
        {"signatures", Json::array({Json{{"sig", sig}, {"keyid", kEd25519Hint}}})}}},
      {"message_signature", nullptr},
  };
  Result<DsseEnvelope> envelope = Import(doc);
  ASSERT_THAT(envelope, IsOk());
  EXPECT_THAT(VerifyDsseEnvelope(*envelope, {Public("ed25519")}, 1), IsOk());
}

TEST(ImportSigstoreBundle, AcceptsLogEntriesAndTimestampsAsOpaqueUnverifiedData) {
  Json doc = GoodBundle();
  doc["verificationMaterial"]["tlogEntries"] = Json::array({Json{{"logIndex", "7"}}});
  doc["verificationMaterial"]["timestampVerificationData"] = {{"rfc3161Timestamps", Json::array()}};
  EXPECT_THAT(Import(doc), IsOk());
  doc["verificationMaterial"]["tlogEntries"] = Json::array({1});
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "tlog entry is not a JSON object"));
  doc["verificationMaterial"]["tlogEntries"] = Json::object();
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "'verificationMaterial.tlogEntries' is not an array"));
  doc["verificationMaterial"]["tlogEntries"] = Json::array();
  doc["verificationMaterial"]["timestampVerificationData"] = "now";
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "timestampVerificationData' is not a JSON object"));
}

TEST(ImportSigstoreBundle, RejectsUnknownFieldsAtEveryLevel) {
  struct Case {
    Json::json_pointer where;
    const char* path;
  };
  for (const Case& c : {Case{Json::json_pointer("/extra"), "'extra'"},
                        Case{Json::json_pointer("/verificationMaterial/extra"), "'verificationMaterial.extra'"},
                        Case{Json::json_pointer("/verificationMaterial/publicKey/rawBytes"),
                             "'verificationMaterial.publicKey.rawBytes'"},
                        Case{Json::json_pointer("/dsseEnvelope/extra"), "'dsseEnvelope.extra'"},
                        Case{Json::json_pointer("/dsseEnvelope/signatures/0/extra"),
                             "'dsseEnvelope.signatures[0].extra'"}}) {
    Json doc = GoodBundle();
    doc[c.where] = "x";
    EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, std::string("unknown field ") + c.path))
        << c.path;
  }
}

TEST(ImportSigstoreBundle, RejectsAFieldGivenUnderBothNames) {
  Json doc = GoodBundle();
  doc["media_type"] = doc["mediaType"];
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "is given twice (mediaType and media_type)"));
}

TEST(ImportSigstoreBundle, RejectsDuplicateKeys) {
  Result<std::string> json = ExportSigstoreBundle(SignedBy({"ed25519"}), Public("ed25519"));
  ASSERT_THAT(json, IsOk());
  std::string doubled = *json;
  doubled.insert(1, "\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\",");
  EXPECT_TRUE(HasError(ImportSigstoreBundle(doubled), StatusCode::kInvalidArgument, "has the key 'mediaType' twice"));
}

TEST(ImportSigstoreBundle, RequiresExactlyOneSignature) {
  Json doc = GoodBundle();
  Json& signatures = doc["dsseEnvelope"]["signatures"];
  signatures.push_back(signatures[0]);
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "has 2 signatures; the spec requires exactly one"));
  signatures = Json::array();
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "has 0 signatures"));
  doc["dsseEnvelope"].erase("signatures");
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "has 0 signatures"));
}

TEST(ImportSigstoreBundle, RequiresTheKeyidToEqualTheHint) {
  Json doc = GoodBundle();
  doc["dsseEnvelope"]["signatures"][0]["keyid"] = Public("ed25519").key_id();  // hex, not the hint
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument,
                       "keyid does not equal verificationMaterial.publicKey.hint"));
  doc["verificationMaterial"]["publicKey"].erase("hint");  // no hint: nothing to compare
  EXPECT_THAT(Import(doc), IsOk());
}

TEST(ImportSigstoreBundle, RejectsCertificatesAndMessageSignaturesAsUnimplemented) {
  Json doc = GoodBundle();
  doc["verificationMaterial"].erase("publicKey");
  doc["verificationMaterial"]["certificate"] = {{"rawBytes", "MIIB"}};
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kUnimplemented, "identifies its signer by a certificate"));
  doc["verificationMaterial"].erase("certificate");
  doc["verificationMaterial"]["x509CertificateChain"] = {{"certificates", Json::array()}};
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kUnimplemented, "identifies its signer by a certificate"));
  doc["verificationMaterial"]["publicKey"] = {{"hint", kEd25519Hint}};
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "sets more than one of its content fields"));

  Json message = GoodBundle();
  message.erase("dsseEnvelope");
  message["messageSignature"] = {{"signature", "AAAA"}};
  EXPECT_TRUE(HasError(Import(message), StatusCode::kUnimplemented, "fnseal imports DSSE envelopes only"));
  message["dsseEnvelope"] = GoodBundle()["dsseEnvelope"];
  EXPECT_TRUE(HasError(Import(message), StatusCode::kInvalidArgument, "both dsseEnvelope and messageSignature"));
}

TEST(ImportSigstoreBundle, RejectsMissingOrMalformedParts) {
  Json doc = GoodBundle();
  doc.erase("verificationMaterial");
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "has no verificationMaterial"));
  doc = GoodBundle();
  doc["verificationMaterial"].erase("publicKey");
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "'verificationMaterial' has no publicKey"));
  doc = GoodBundle();
  doc.erase("dsseEnvelope");
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "has no dsseEnvelope"));
  doc = GoodBundle();
  doc["dsseEnvelope"]["payload"] = "not base64!";
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "field 'dsseEnvelope.payload'"));
  doc = GoodBundle();
  doc["dsseEnvelope"]["payload"] = "";
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "DSSE payload is empty"));
  doc = GoodBundle();
  doc["dsseEnvelope"].erase("payloadType");
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "DSSE payloadType is empty"));
  doc = GoodBundle();
  doc["dsseEnvelope"]["signatures"][0]["sig"] = "";
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "DSSE signature is empty"));
  doc = GoodBundle();
  doc["dsseEnvelope"]["signatures"][0]["keyid"] = 5;
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "'dsseEnvelope.signatures[0].keyid' is not a string"));
  doc = GoodBundle();
  doc["verificationMaterial"] = Json::array();
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kInvalidArgument, "'verificationMaterial' is not a JSON object"));
  EXPECT_TRUE(HasError(ImportSigstoreBundle("[]"), StatusCode::kInvalidArgument, "is not a JSON object"));
  EXPECT_TRUE(HasError(ImportSigstoreBundle("{"), StatusCode::kInvalidArgument, "sigstore bundle"));
}

TEST(ImportSigstoreBundle, EnforcesItsLimits) {
  Result<std::string> json = ExportSigstoreBundle(SignedBy({"ed25519"}), Public("ed25519"));
  ASSERT_THAT(json, IsOk());
  SigstoreBundleLimits small;
  small.max_bundle_size = json->size() - 1;
  EXPECT_TRUE(HasError(ImportSigstoreBundle(*json, small), StatusCode::kResourceExhausted, ""));
  Json doc = GoodBundle();
  doc["verificationMaterial"]["tlogEntries"] = Json::array();
  for (int i = 0; i < 65; ++i) doc["verificationMaterial"]["tlogEntries"].push_back(Json::object());
  EXPECT_TRUE(HasError(Import(doc), StatusCode::kResourceExhausted, "65 tlog entries, more than the limit of 64"));
  std::string deep = "{\"mediaType\":";
  for (int i = 0; i < 40; ++i) deep += "[";
  EXPECT_TRUE(HasError(ImportSigstoreBundle(deep), StatusCode::kResourceExhausted, ""));
}

}  // namespace
}  // namespace fnseal
