#include "provenance/signing/keys.h"

#include <stdio_ext.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ecdsa.h>

#include "core/encoding.h"
#include "core/file.h"
#include "core/sha256.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

using ::fnseal::test::IsOk;

namespace fnseal {
namespace {

using ::testing::HasSubstr;

// Key ids computed outside fnseal, with
// `openssl pkey -pubin -in KEY.pub.pem -outform DER | sha256sum` (see testdata/keys/README).
constexpr char kEd25519KeyId[] = "db8af6bbc7b9b8bc1dcd4bc76d27c7cdaad2858a6559acee5f9cac985a6bd216";
constexpr char kEd25519BKeyId[] = "ad6deabadc6c8dbe8f7f9b03e1d413e6893697ead0314bc68c868a42ba0752a3";
constexpr char kEcdsaP256KeyId[] = "3d098064b5bbc6df1b719af7792e7535367b4ee456a95261cf4ed3c08fb34269";
constexpr char kEncryptedKeyId[] = "b4aedec98ae2242b1c3fd94916d34adbc9f59dc83ca5c061d4f353c3724cfd78";
// `openssl pkey -pubin -in ed25519.pub.pem -outform DER | openssl dgst -sha256 -binary | base64`.
constexpr char kEd25519SigstoreHint[] = "24r2u8e5uLwdzUvHbSfHzarShYplWazuX5ysmFpr0hY=";
constexpr char kPassphrase[] = "correct horse battery staple";

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

PublicKey LoadPublic(const std::string& name) {
  Result<PublicKey> key = PublicKey::FromPem(ReadKeyFile(name));
  if (!key.ok()) {
    ADD_FAILURE() << name << ": " << key.status().ToString();
    std::abort();
  }
  return *key;
}

PrivateKey LoadPrivate(const std::string& name, std::string_view passphrase = {}) {
  Result<PrivateKey> key = PrivateKey::FromPem(ReadKeyFile(name), passphrase);
  if (!key.ok()) {
    ADD_FAILURE() << name << ": " << key.status().ToString();
    std::abort();
  }
  return *key;
}

// The DER bytes inside a single-block PEM file, decoded independently of OpenSSL.
std::string PemBody(const std::string& pem) {
  std::string b64;
  size_t begin = pem.find('\n') + 1;
  size_t end = pem.find("-----END");
  for (size_t i = begin; i < end; ++i) {
    if (pem[i] != '\n') b64.push_back(pem[i]);
  }
  Result<std::string> der = Base64Decode(b64);
  EXPECT_THAT(der, IsOk());
  return der.ok() ? *der : std::string();
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

TEST(KeyAlgorithm, HasStableNames) {
  EXPECT_EQ(KeyAlgorithmName(KeyAlgorithm::kEd25519), "ed25519");
  EXPECT_EQ(KeyAlgorithmName(KeyAlgorithm::kEcdsaP256Sha256), "ecdsa-p256-sha256");
}

TEST(PublicKey, KeyIdIsTheSha256OfTheDerSpkiComputedByOpenSslCli) {
  EXPECT_EQ(LoadPublic("ed25519.pub.pem").key_id(), kEd25519KeyId);
  EXPECT_EQ(LoadPublic("ed25519-b.pub.pem").key_id(), kEd25519BKeyId);
  EXPECT_EQ(LoadPublic("ecdsa-p256.pub.pem").key_id(), kEcdsaP256KeyId);
}

TEST(PublicKey, KeyIdIsTheSha256OfThePemBody) {
  for (const char* name : {"ed25519.pub.pem", "ed25519-b.pub.pem", "ecdsa-p256.pub.pem"}) {
    const std::string pem = ReadKeyFile(name);
    const std::string der = PemBody(pem);
    PublicKey key = LoadPublic(name);
    EXPECT_EQ(key.spki_der(), der) << name;
    EXPECT_EQ(key.key_id(), Sha256Hex(der)) << name;
  }
}

TEST(PublicKey, ACompressedEcPointGetsTheSameKeyIdAndDer) {
  PublicKey compressed = LoadPublic("ecdsa-p256-compressed.pub.pem");
  PublicKey uncompressed = LoadPublic("ecdsa-p256.pub.pem");
  EXPECT_EQ(compressed.key_id(), kEcdsaP256KeyId);
  EXPECT_EQ(compressed.spki_der(), uncompressed.spki_der());
  EXPECT_EQ(compressed.ToPem(), ReadKeyFile("ecdsa-p256.pub.pem"));
  Result<std::string> signature = LoadPrivate("ecdsa-p256.pem").Sign("m");
  ASSERT_THAT(signature, IsOk());
  EXPECT_THAT(compressed.Verify("m", *signature), IsOk());
}

// The same P-256 key written with explicit curve parameters (with and without the curve's seed)
// would get other key ids and count as other keys in a threshold; it is refused instead.
TEST(PublicKey, RefusesExplicitCurveParametersWithOrWithoutTheSeed) {
  for (const char* name : {"ecdsa-p256-explicit.pub.pem", "ecdsa-p256-explicit-noseed.pub.pem"}) {
    Result<PublicKey> key = PublicKey::FromPem(ReadKeyFile(name));
    EXPECT_TRUE(HasError(key, StatusCode::kInvalidArgument,
                         "ECDSA keys must name their curve (P-256); explicit curve parameters are refused"))
        << name;
  }
}

TEST(PublicKey, SigstoreHintIsTheBase64OfTheSameDigest) {
  PublicKey key = LoadPublic("ed25519.pub.pem");
  EXPECT_EQ(key.sigstore_hint(), kEd25519SigstoreHint);
  Result<std::string> digest = HexDecode(key.key_id());
  ASSERT_THAT(digest, IsOk());
  EXPECT_EQ(key.sigstore_hint(), Base64Encode(*digest));
  PublicKey ecdsa = LoadPublic("ecdsa-p256.pub.pem");
  Result<std::string> ecdsa_digest = HexDecode(kEcdsaP256KeyId);
  ASSERT_THAT(ecdsa_digest, IsOk());
  EXPECT_EQ(ecdsa.sigstore_hint(), Base64Encode(*ecdsa_digest));
}

TEST(PublicKey, ReportsItsAlgorithm) {
  EXPECT_EQ(LoadPublic("ed25519.pub.pem").algorithm(), KeyAlgorithm::kEd25519);
  EXPECT_EQ(LoadPublic("ecdsa-p256.pub.pem").algorithm(), KeyAlgorithm::kEcdsaP256Sha256);
}

TEST(PublicKey, ToPemReproducesTheOpenSslPemByteForByte) {
  for (const char* name : {"ed25519.pub.pem", "ecdsa-p256.pub.pem"}) {
    EXPECT_EQ(LoadPublic(name).ToPem(), ReadKeyFile(name)) << name;
  }
}

TEST(PublicKey, ToPemRoundTripsThroughFromPem) {
  PublicKey key = LoadPublic("ecdsa-p256.pub.pem");
  Result<PublicKey> again = PublicKey::FromPem(key.ToPem());
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->key_id(), key.key_id());
  EXPECT_EQ(again->spki_der(), key.spki_der());
}

TEST(PublicKey, RejectsAnEcdsaP384KeyNamingTheCurve) {
  Result<PublicKey> key = PublicKey::FromPem(ReadKeyFile("ecdsa-p384.pub.pem"));
  EXPECT_TRUE(HasError(key, StatusCode::kInvalidArgument, "ECDSA keys must use the P-256 curve, not 'secp384r1'"));
}

TEST(PublicKey, RejectsAnRsaKey) {
  Result<PublicKey> key = PublicKey::FromPem(ReadKeyFile("rsa.pub.pem"));
  EXPECT_TRUE(
      HasError(key, StatusCode::kInvalidArgument, "unsupported key type (fnseal signs with Ed25519 or ECDSA P-256)"));
}

TEST(PublicKey, RejectsTextThatIsNotPem) {
  EXPECT_TRUE(HasError(PublicKey::FromPem("hello"), StatusCode::kInvalidArgument, "not a PEM public key"));
}

TEST(PublicKey, RejectsEmptyInput) {
  EXPECT_TRUE(HasError(PublicKey::FromPem(""), StatusCode::kInvalidArgument, "not a PEM public key"));
  EXPECT_TRUE(HasError(PublicKey::FromPem(std::string_view()), StatusCode::kInvalidArgument, "empty"));
}

TEST(PublicKey, RejectsAPrivateKeyPem) {
  EXPECT_TRUE(
      HasError(PublicKey::FromPem(ReadKeyFile("ed25519.pem")), StatusCode::kInvalidArgument, "not a PEM public key"));
}

TEST(PublicKey, RejectsACorruptedPemBody) {
  std::string pem = ReadKeyFile("ed25519.pub.pem");
  size_t body = pem.find('\n') + 1;
  pem[body + 4] = '*';  // not a base64 character
  EXPECT_TRUE(HasError(PublicKey::FromPem(pem), StatusCode::kInvalidArgument, "not a PEM public key"));
}

TEST(PrivateKey, DerivesThePublicKeyOfItsPair) {
  PrivateKey ed = LoadPrivate("ed25519.pem");
  EXPECT_EQ(ed.public_key().key_id(), kEd25519KeyId);
  EXPECT_EQ(ed.public_key().algorithm(), KeyAlgorithm::kEd25519);
  EXPECT_EQ(ed.public_key().spki_der(), LoadPublic("ed25519.pub.pem").spki_der());
  PrivateKey ec = LoadPrivate("ecdsa-p256.pem");
  EXPECT_EQ(ec.public_key().key_id(), kEcdsaP256KeyId);
  EXPECT_EQ(ec.public_key().algorithm(), KeyAlgorithm::kEcdsaP256Sha256);
  EXPECT_EQ(ec.public_key().sigstore_hint(), LoadPublic("ecdsa-p256.pub.pem").sigstore_hint());
}

TEST(PrivateKey, LoadsAnEncryptedKeyWithItsPassphrase) {
  const std::string passphrase = ReadKeyFile("ed25519-encrypted.passphrase");
  ASSERT_EQ(passphrase, kPassphrase);
  PrivateKey key = LoadPrivate("ed25519-encrypted.pem", passphrase);
  EXPECT_EQ(key.public_key().key_id(), kEncryptedKeyId);
  EXPECT_EQ(key.public_key().key_id(), LoadPublic("ed25519-encrypted.pub.pem").key_id());
  Result<std::string> signature = key.Sign("message");
  ASSERT_THAT(signature, IsOk());
  EXPECT_THAT(LoadPublic("ed25519-encrypted.pub.pem").Verify("message", *signature), IsOk());
}

TEST(PrivateKey, RejectsAnEncryptedKeyWithoutAPassphrase) {
  Result<PrivateKey> key = PrivateKey::FromPem(ReadKeyFile("ed25519-encrypted.pem"));
  EXPECT_TRUE(HasError(key, StatusCode::kInvalidArgument, "private key is encrypted and no passphrase was given"));
}

TEST(PrivateKey, RejectsAnEncryptedKeyWithAWrongPassphrase) {
  Result<PrivateKey> key = PrivateKey::FromPem(ReadKeyFile("ed25519-encrypted.pem"), "incorrect horse");
  EXPECT_TRUE(HasError(key, StatusCode::kInvalidArgument, "cannot decrypt the private key (wrong passphrase?)"));
}

TEST(PrivateKey, RejectsAnEncryptedKeyWithAPassphraseThatOnlyStartsRight) {
  Result<PrivateKey> key = PrivateKey::FromPem(ReadKeyFile("ed25519-encrypted.pem"), "correct horse");
  EXPECT_TRUE(HasError(key, StatusCode::kInvalidArgument, "cannot decrypt the private key"));
}

TEST(PrivateKey, IgnoresAPassphraseForAnUnencryptedKey) {
  Result<PrivateKey> key = PrivateKey::FromPem(ReadKeyFile("ed25519.pem"), "unused");
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->public_key().key_id(), kEd25519KeyId);
}

// OpenSSL's fallback is to prompt on /dev/tty or stdin. In a child process without a controlling
// terminal whose stdin holds the right passphrase, a prompt would make the load succeed (or hang
// until the alarm fires); the loader must fail instead.
TEST(PrivateKey, NeverPromptsForAPassphrase) {
  const std::string legacy_path = test::TestTempPath("legacy-encrypted.pem");
  const std::string command =
      "openssl pkey -in testdata/keys/ecdsa-p256.pem -traditional -aes256 -passout 'pass:" + std::string(kPassphrase) +
      "' -out '" + legacy_path + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  const std::string pkcs8 = ReadKeyFile("ed25519-encrypted.pem");
  Result<std::string> legacy = ReadFile(legacy_path);
  ASSERT_THAT(legacy, IsOk());
  ASSERT_THAT(*legacy, HasSubstr("Proc-Type: 4,ENCRYPTED"));

  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string typed = std::string(kPassphrase) + "\n" + kPassphrase + "\n" + kPassphrase + "\n";
  ASSERT_EQ(::write(fds[1], typed.data(), typed.size()), static_cast<ssize_t>(typed.size()));
  ::close(fds[1]);
  pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::setsid();  // no controlling terminal: /dev/tty cannot be opened
    ::dup2(fds[0], STDIN_FILENO);
    // The stdin FILE may hold a sticky EOF or buffered bytes from before the fork.
    __fpurge(stdin);
    std::clearerr(stdin);
    ::alarm(20);
    int loaded = 0;
    loaded += PrivateKey::FromPem(pkcs8).ok();
    loaded += PrivateKey::FromPem(pkcs8, "wrong").ok();
    loaded += PrivateKey::FromPem(*legacy).ok();
    ::_exit(loaded == 0 ? 0 : 1);
  }
  ::close(fds[0]);
  int wstatus = 0;
  ASSERT_EQ(::waitpid(child, &wstatus, 0), child);
  ASSERT_TRUE(WIFEXITED(wstatus)) << "the child hung or crashed (signal " << WTERMSIG(wstatus) << ")";
  EXPECT_EQ(WEXITSTATUS(wstatus), 0) << "a key loaded with a passphrase read from stdin";
}

TEST(PrivateKey, RejectsAnEcdsaP384KeyNamingTheCurve) {
  Result<PrivateKey> key = PrivateKey::FromPem(ReadKeyFile("ecdsa-p384.pem"));
  EXPECT_TRUE(HasError(key, StatusCode::kInvalidArgument, "ECDSA keys must use the P-256 curve, not 'secp384r1'"));
}

TEST(PrivateKey, RejectsAPublicKeyPem) {
  Result<PrivateKey> key = PrivateKey::FromPem(ReadKeyFile("ed25519.pub.pem"));
  EXPECT_TRUE(HasError(key, StatusCode::kInvalidArgument, "not a PKCS#8 PEM private key"));
}

TEST(PrivateKey, RejectsEmptyInput) {
  EXPECT_TRUE(HasError(PrivateKey::FromPem(""), StatusCode::kInvalidArgument, "not a PKCS#8 PEM private key"));
  EXPECT_TRUE(HasError(PrivateKey::FromPem(std::string_view()), StatusCode::kInvalidArgument, "empty"));
}

TEST(Ed25519, SignsAndVerifies) {
  PrivateKey key = LoadPrivate("ed25519.pem");
  Result<std::string> signature = key.Sign("attack at dawn");
  ASSERT_THAT(signature, IsOk());
  EXPECT_EQ(signature->size(), 64u);
  EXPECT_THAT(LoadPublic("ed25519.pub.pem").Verify("attack at dawn", *signature), IsOk());
}

TEST(Ed25519, SignaturesAreDeterministic) {
  PrivateKey key = LoadPrivate("ed25519.pem");
  Result<std::string> first = key.Sign("same message");
  Result<std::string> second = key.Sign("same message");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first, *second);
}

TEST(Ed25519, RejectsASignatureOverAnotherMessage) {
  Result<std::string> signature = LoadPrivate("ed25519.pem").Sign("attack at dawn");
  ASSERT_THAT(signature, IsOk());
  Status status = LoadPublic("ed25519.pub.pem").Verify("attack at dusk", *signature);
  EXPECT_TRUE(HasError(status, StatusCode::kPermissionDenied,
                       std::string("signature does not verify with key ") + std::string(kEd25519KeyId, 16)));
}

TEST(Ed25519, RejectsASignatureByAnotherKey) {
  Result<std::string> signature = LoadPrivate("ed25519-b.pem").Sign("attack at dawn");
  ASSERT_THAT(signature, IsOk());
  EXPECT_TRUE(HasError(LoadPublic("ed25519.pub.pem").Verify("attack at dawn", *signature),
                       StatusCode::kPermissionDenied, "signature does not verify"));
}

TEST(Ed25519, RejectsAFlippedSignatureBit) {
  Result<std::string> signature = LoadPrivate("ed25519.pem").Sign("attack at dawn");
  ASSERT_THAT(signature, IsOk());
  std::string bad = *signature;
  bad[10] = static_cast<char>(bad[10] ^ 0x01);
  EXPECT_TRUE(HasError(LoadPublic("ed25519.pub.pem").Verify("attack at dawn", bad), StatusCode::kPermissionDenied,
                       "signature does not verify"));
}

TEST(Ed25519, RejectsSignaturesOfTheWrongLength) {
  PublicKey key = LoadPublic("ed25519.pub.pem");
  Result<std::string> signature = LoadPrivate("ed25519.pem").Sign("m");
  ASSERT_THAT(signature, IsOk());
  EXPECT_TRUE(HasError(key.Verify("m", ""), StatusCode::kPermissionDenied, "signature does not verify"));
  EXPECT_TRUE(
      HasError(key.Verify("m", signature->substr(0, 63)), StatusCode::kPermissionDenied, "signature does not verify"));
  EXPECT_TRUE(HasError(key.Verify("m", *signature + "x"), StatusCode::kPermissionDenied, "signature does not verify"));
}

TEST(EcdsaP256, SignsWithDerAndVerifies) {
  PrivateKey key = LoadPrivate("ecdsa-p256.pem");
  Result<std::string> signature = key.Sign("attack at dawn");
  ASSERT_THAT(signature, IsOk());
  ASSERT_GE(signature->size(), 8u);
  EXPECT_EQ(static_cast<unsigned char>((*signature)[0]), 0x30) << "not a DER SEQUENCE";
  EXPECT_THAT(LoadPublic("ecdsa-p256.pub.pem").Verify("attack at dawn", *signature), IsOk());
}

TEST(EcdsaP256, VerifiesARawRConcatenatedWithSSignature) {
  Result<std::string> der = LoadPrivate("ecdsa-p256.pem").Sign("attack at dawn");
  ASSERT_THAT(der, IsOk());
  const std::string raw = DerToRawEcdsa(*der);
  ASSERT_EQ(raw.size(), 64u);
  PublicKey key = LoadPublic("ecdsa-p256.pub.pem");
  EXPECT_THAT(key.Verify("attack at dawn", raw), IsOk());
  EXPECT_TRUE(HasError(key.Verify("attack at dusk", raw), StatusCode::kPermissionDenied, "signature does not verify"));
  std::string bad = raw;
  bad[40] = static_cast<char>(bad[40] ^ 0x80);  // inside s
  EXPECT_TRUE(HasError(key.Verify("attack at dawn", bad), StatusCode::kPermissionDenied, "signature does not verify"));
}

TEST(EcdsaP256, RejectsARawSignatureWithTheHalvesSwapped) {
  Result<std::string> der = LoadPrivate("ecdsa-p256.pem").Sign("attack at dawn");
  ASSERT_THAT(der, IsOk());
  const std::string raw = DerToRawEcdsa(*der);
  ASSERT_EQ(raw.size(), 64u);
  EXPECT_TRUE(HasError(LoadPublic("ecdsa-p256.pub.pem").Verify("attack at dawn", raw.substr(32) + raw.substr(0, 32)),
                       StatusCode::kPermissionDenied, "signature does not verify"));
}

TEST(EcdsaP256, RejectsASignatureOverAnotherMessage) {
  Result<std::string> signature = LoadPrivate("ecdsa-p256.pem").Sign("attack at dawn");
  ASSERT_THAT(signature, IsOk());
  EXPECT_TRUE(HasError(LoadPublic("ecdsa-p256.pub.pem").Verify("attack at dusk", *signature),
                       StatusCode::kPermissionDenied,
                       std::string("signature does not verify with key ") + std::string(kEcdsaP256KeyId, 16)));
}

TEST(EcdsaP256, RejectsADerSignatureWithTrailingBytes) {
  Result<std::string> signature = LoadPrivate("ecdsa-p256.pem").Sign("attack at dawn");
  ASSERT_THAT(signature, IsOk());
  PublicKey key = LoadPublic("ecdsa-p256.pub.pem");
  ASSERT_THAT(key.Verify("attack at dawn", *signature), IsOk());
  EXPECT_TRUE(HasError(key.Verify("attack at dawn", *signature + std::string(1, '\0')), StatusCode::kPermissionDenied,
                       "signature does not verify"));
}

TEST(EcdsaP256, RejectsGarbageOfEveryLength) {
  PublicKey key = LoadPublic("ecdsa-p256.pub.pem");
  for (size_t size : {0, 1, 8, 63, 64, 65, 72}) {
    EXPECT_TRUE(HasError(key.Verify("m", std::string(size, '\x01')), StatusCode::kPermissionDenied,
                         "signature does not verify"))
        << size;
  }
}

TEST(EcdsaP256, RejectsAnEd25519Signature) {
  Result<std::string> signature = LoadPrivate("ed25519.pem").Sign("m");
  ASSERT_THAT(signature, IsOk());
  EXPECT_TRUE(HasError(LoadPublic("ecdsa-p256.pub.pem").Verify("m", *signature), StatusCode::kPermissionDenied,
                       "signature does not verify"));
}

TEST(EcdsaP256, VerifiesASignatureMadeByTheOpenSslCli) {
  const std::string message_path = test::TestTempPath("ecdsa-message");
  const std::string signature_path = test::TestTempPath("ecdsa-signature");
  ASSERT_THAT(WriteFileAtomic(message_path, "signed by the openssl CLI"), IsOk());
  const std::string command = "openssl pkeyutl -sign -rawin -digest sha256 -inkey testdata/keys/ecdsa-p256.pem -in '" +
                              message_path + "' -out '" + signature_path + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  Result<std::string> signature = ReadFile(signature_path);
  ASSERT_THAT(signature, IsOk());
  PublicKey key = LoadPublic("ecdsa-p256.pub.pem");
  EXPECT_THAT(key.Verify("signed by the openssl CLI", *signature), IsOk());
  EXPECT_TRUE(HasError(key.Verify("signed by someone else", *signature), StatusCode::kPermissionDenied,
                       "signature does not verify"));
}

class GeneratedKey : public testing::TestWithParam<KeyAlgorithm> {};

TEST_P(GeneratedKey, HasTheRequestedAlgorithmAndSignsVerifiably) {
  Result<PrivateKey> key = PrivateKey::Generate(GetParam());
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->public_key().algorithm(), GetParam());
  EXPECT_TRUE(IsLowercaseHex(key->public_key().key_id(), 64));
  Result<std::string> signature = key->Sign("generated");
  ASSERT_THAT(signature, IsOk());
  EXPECT_THAT(key->public_key().Verify("generated", *signature), IsOk());
}

TEST_P(GeneratedKey, TwoGeneratedKeysDiffer) {
  Result<PrivateKey> a = PrivateKey::Generate(GetParam());
  Result<PrivateKey> b = PrivateKey::Generate(GetParam());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->public_key().key_id(), b->public_key().key_id());
}

TEST_P(GeneratedKey, RoundTripsThroughUnencryptedPkcs8Pem) {
  Result<PrivateKey> key = PrivateKey::Generate(GetParam());
  ASSERT_THAT(key, IsOk());
  Result<std::string> pem = key->ToPkcs8Pem("");
  ASSERT_THAT(pem, IsOk());
  EXPECT_EQ(pem->rfind("-----BEGIN PRIVATE KEY-----\n", 0), 0u) << *pem;
  Result<PrivateKey> again = PrivateKey::FromPem(*pem);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->public_key().key_id(), key->public_key().key_id());
  Result<std::string> signature = again->Sign("round trip");
  ASSERT_THAT(signature, IsOk());
  EXPECT_THAT(key->public_key().Verify("round trip", *signature), IsOk());
}

TEST_P(GeneratedKey, RoundTripsThroughEncryptedPkcs8Pem) {
  Result<PrivateKey> key = PrivateKey::Generate(GetParam());
  ASSERT_THAT(key, IsOk());
  Result<std::string> pem = key->ToPkcs8Pem(kPassphrase);
  ASSERT_THAT(pem, IsOk());
  EXPECT_EQ(pem->rfind("-----BEGIN ENCRYPTED PRIVATE KEY-----\n", 0), 0u) << *pem;
  Result<PrivateKey> again = PrivateKey::FromPem(*pem, kPassphrase);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->public_key().key_id(), key->public_key().key_id());
  Result<std::string> signature = again->Sign("round trip");
  ASSERT_THAT(signature, IsOk());
  EXPECT_THAT(key->public_key().Verify("round trip", *signature), IsOk());
}

TEST_P(GeneratedKey, EncryptedPemRejectsAWrongOrMissingPassphrase) {
  Result<PrivateKey> key = PrivateKey::Generate(GetParam());
  ASSERT_THAT(key, IsOk());
  Result<std::string> pem = key->ToPkcs8Pem(kPassphrase);
  ASSERT_THAT(pem, IsOk());
  EXPECT_TRUE(HasError(PrivateKey::FromPem(*pem, "incorrect horse battery staple"), StatusCode::kInvalidArgument,
                       "cannot decrypt the private key (wrong passphrase?)"));
  EXPECT_TRUE(HasError(PrivateKey::FromPem(*pem), StatusCode::kInvalidArgument,
                       "private key is encrypted and no passphrase was given"));
}

TEST_P(GeneratedKey, PublicPemRoundTrips) {
  Result<PrivateKey> key = PrivateKey::Generate(GetParam());
  ASSERT_THAT(key, IsOk());
  Result<PublicKey> pub = PublicKey::FromPem(key->public_key().ToPem());
  ASSERT_THAT(pub, IsOk());
  EXPECT_EQ(pub->key_id(), key->public_key().key_id());
  EXPECT_EQ(pub->algorithm(), GetParam());
}

INSTANTIATE_TEST_SUITE_P(BothAlgorithms, GeneratedKey,
                         testing::Values(KeyAlgorithm::kEd25519, KeyAlgorithm::kEcdsaP256Sha256),
                         [](const testing::TestParamInfo<KeyAlgorithm>& info) {
                           return info.param == KeyAlgorithm::kEd25519 ? std::string("Ed25519")
                                                                       : std::string("EcdsaP256");
                         });

// The encryption is standard PKCS#8 that the openssl CLI reads, with the parameters we promise.
TEST(ToPkcs8Pem, EncryptsWithPbkdf2Sha256AndAes256CbcThatOpenSslReads) {
  Result<PrivateKey> key = PrivateKey::Generate(KeyAlgorithm::kEcdsaP256Sha256);
  ASSERT_THAT(key, IsOk());
  Result<std::string> pem = key->ToPkcs8Pem(kPassphrase);
  ASSERT_THAT(pem, IsOk());
  const std::string key_path = test::TestTempPath("generated-encrypted.pem");
  const std::string pass_path = test::TestTempPath("generated.passphrase");
  const std::string out_path = test::TestTempPath("generated-asn1.txt");
  ASSERT_THAT(WriteFileAtomic(key_path, *pem, 0600), IsOk());
  ASSERT_THAT(WriteFileAtomic(pass_path, kPassphrase, 0600), IsOk());
  const std::string asn1 = "openssl asn1parse -in '" + key_path + "' > '" + out_path + "'";
  ASSERT_EQ(std::system(asn1.c_str()), 0) << asn1;
  Result<std::string> parsed = ReadFile(out_path);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_THAT(*parsed, HasSubstr("PBES2"));
  EXPECT_THAT(*parsed, HasSubstr("PBKDF2"));
  EXPECT_THAT(*parsed, HasSubstr("hmacWithSHA256"));
  EXPECT_THAT(*parsed, HasSubstr("aes-256-cbc"));
  EXPECT_THAT(*parsed, HasSubstr("INTEGER           :0927C0"));  // 600000 rounds
  const std::string decrypt = "openssl pkey -in '" + key_path + "' -passin 'file:" + pass_path +
                              "' -pubout -outform DER 2>/dev/null | sha256sum > '" + out_path + "'";
  ASSERT_EQ(std::system(decrypt.c_str()), 0) << decrypt;
  Result<std::string> digest = ReadFile(out_path);
  ASSERT_THAT(digest, IsOk());
  EXPECT_EQ(digest->substr(0, 64), key->public_key().key_id());
}

TEST(ToPkcs8Pem, ReEncodesAnUnencryptedTestKeyByteForByte) {
  PrivateKey key = LoadPrivate("ed25519.pem");
  Result<std::string> pem = key.ToPkcs8Pem("");
  ASSERT_THAT(pem, IsOk());
  EXPECT_EQ(*pem, ReadKeyFile("ed25519.pem"));  // Ed25519 PKCS#8 has one encoding
}

TEST(ToPkcs8Pem, RefusesAPassphraseThatCouldNotBeReadBack) {
  Result<PrivateKey> key = PrivateKey::Generate(KeyAlgorithm::kEd25519);
  ASSERT_THAT(key, IsOk());
  EXPECT_TRUE(HasError(key->ToPkcs8Pem(std::string(1025, 'p')), StatusCode::kInvalidArgument,
                       "the passphrase is longer than 1024 bytes"));
  const std::string longest(1024, 'p');
  Result<std::string> pem = key->ToPkcs8Pem(longest);
  ASSERT_THAT(pem, IsOk());
  Result<PrivateKey> again = PrivateKey::FromPem(*pem, longest);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->public_key().key_id(), key->public_key().key_id());
}

TEST(WipeString, ZeroesAndClears) {
  std::string secret = "hunter2";
  WipeString(&secret);
  EXPECT_TRUE(secret.empty());
  std::string empty;
  WipeString(&empty);
  EXPECT_TRUE(empty.empty());
}

}  // namespace
}  // namespace fnseal
