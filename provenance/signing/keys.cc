#include "provenance/signing/keys.h"

#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <climits>
#include <cstring>

#include "core/c_handles.h"
#include "core/encoding.h"
#include "core/sha256.h"

namespace fnseal {
namespace {

using PkeyPtr = CHandle<EVP_PKEY, EVP_PKEY_free>;
using BioPtr = CHandle<BIO, BIO_free>;
using MdCtxPtr = CHandle<EVP_MD_CTX, EVP_MD_CTX_free>;
using EcdsaSigPtr = CHandle<ECDSA_SIG, ECDSA_SIG_free>;
using BignumPtr = CHandle<BIGNUM, BN_free>;
using Pkcs8InfoPtr = CHandle<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;  // cleanses on free
using X509SigPtr = CHandle<X509_SIG, X509_SIG_free>;
using X509AlgorPtr = CHandle<X509_ALGOR, X509_ALGOR_free>;

// The reason of the most recent OpenSSL error, lowercase, and clears the queue.
std::string OpenSslReason() {
  unsigned long code = ERR_peek_last_error();
  std::string reason = code != 0 && ERR_reason_error_string(code) != nullptr ? ERR_reason_error_string(code)
                                                                              : "unknown error";
  ERR_clear_error();
  return reason;
}

Result<KeyAlgorithm> AlgorithmOf(EVP_PKEY* pkey) {
  int id = EVP_PKEY_get_base_id(pkey);
  if (id == EVP_PKEY_ED25519) return KeyAlgorithm::kEd25519;
  if (id == EVP_PKEY_EC) {
    // Explicit curve parameters (with or without a seed) are another encoding of the same
    // point, and another DER SPKI - another key id - for the same key. They are refused, as
    // most verifiers refuse them, so one key can never count as several.
    char encoding[32] = {0};
    size_t encoding_length = 0;
    if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_ENCODING, encoding, sizeof(encoding),
                                       &encoding_length) != 1 ||
        std::strcmp(encoding, OSSL_PKEY_EC_ENCODING_GROUP) != 0) {
      ERR_clear_error();
      return InvalidArgumentError(
          "ECDSA keys must name their curve (P-256); explicit curve parameters are refused "
          "(convert with: openssl ec -pubin -in KEY -param_enc named_curve -pubout)");
    }
    char group[64] = {0};
    size_t length = 0;
    if (EVP_PKEY_get_group_name(pkey, group, sizeof(group), &length) == 1 &&
        std::strcmp(group, "prime256v1") == 0) {
      return KeyAlgorithm::kEcdsaP256Sha256;
    }
    return InvalidArgumentError(std::string("ECDSA keys must use the P-256 curve, not '") + group + "'");
  }
  return InvalidArgumentError("unsupported key type (fnseal signs with Ed25519 or ECDSA P-256)");
}

// Passphrase callback that never prompts: it hands over the given passphrase or fails.
int PassphraseCallback(char* buffer, int size, int /*rwflag*/, void* user) {
  const auto* passphrase = static_cast<const std::string_view*>(user);
  if (passphrase == nullptr || passphrase->empty() || passphrase->size() > static_cast<size_t>(size)) return -1;
  std::memcpy(buffer, passphrase->data(), passphrase->size());
  return static_cast<int>(passphrase->size());
}

// A read-only memory BIO over `pem`. BIO_new_mem_buf takes an int length and reads a negative
// one as "NUL-terminated" (strlen past the end of a string_view), and fails on a null pointer.
Result<BioPtr> PemBio(std::string_view pem) {
  if (pem.empty()) return InvalidArgumentError("the PEM text is empty");
  if (pem.size() > static_cast<size_t>(INT_MAX)) return InvalidArgumentError("the PEM text is too large");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return InternalError("cannot allocate a BIO: " + OpenSslReason());
  return Result<BioPtr>(std::move(bio));
}

// Converts a raw 64-byte r||s ECDSA P-256 signature to DER.
Result<std::string> RawEcdsaToDer(std::string_view raw) {
  EcdsaSigPtr sig(ECDSA_SIG_new());
  BignumPtr r(BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr));
  BignumPtr s(BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr));
  if (sig == nullptr || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) {
    return InternalError("cannot convert an ECDSA signature: " + OpenSslReason());
  }
  r.release();  // owned by sig now
  s.release();
  unsigned char* der = nullptr;
  int length = i2d_ECDSA_SIG(sig.get(), &der);
  if (length <= 0) return InternalError("cannot encode an ECDSA signature: " + OpenSslReason());
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

}  // namespace

std::string_view KeyAlgorithmName(KeyAlgorithm algorithm) {
  switch (algorithm) {
    case KeyAlgorithm::kEd25519: return "ed25519";
    case KeyAlgorithm::kEcdsaP256Sha256: return "ecdsa-p256-sha256";
  }
  return "unknown";
}

void WipeString(std::string* secret) {
  if (!secret->empty()) OPENSSL_cleanse(secret->data(), secret->size());
  secret->clear();
}

struct PublicKey::Rep {
  PkeyPtr pkey;
  KeyAlgorithm algorithm;
  std::string spki_der;
  std::string key_id;
};

namespace {

// One key, one encoding: an EC point given compressed is re-encoded uncompressed, so the DER
// SPKI - and the key id computed from it - does not depend on how the key was written, and a
// policy or threshold can never count one key twice under two ids.
Status UseUncompressedPoints(EVP_PKEY* pkey) {
  if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_EC) return OkStatus();
  if (EVP_PKEY_set_utf8_string_param(pkey, OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                     OSSL_PKEY_EC_POINT_CONVERSION_FORMAT_UNCOMPRESSED) != 1) {
    return InternalError("cannot set the EC point format: " + OpenSslReason());
  }
  return OkStatus();
}

}  // namespace

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  ASSIGN_OR_RETURN(BioPtr bio, PemBio(pem).Annotate("not a PEM public key"));
  PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (pkey == nullptr) return InvalidArgumentError("not a PEM public key: " + OpenSslReason());
  RETURN_IF_ERROR(UseUncompressedPoints(pkey.get()));
  unsigned char* der = nullptr;
  int length = i2d_PUBKEY(pkey.get(), &der);
  if (length <= 0) return InvalidArgumentError("cannot encode the public key: " + OpenSslReason());
  auto rep = std::make_shared<Rep>();
  rep->spki_der.assign(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  ASSIGN_OR_RETURN(rep->algorithm, AlgorithmOf(pkey.get()));
  rep->key_id = Sha256Hex(rep->spki_der);
  rep->pkey = std::move(pkey);
  return PublicKey(std::move(rep));
}

KeyAlgorithm PublicKey::algorithm() const { return rep_->algorithm; }
const std::string& PublicKey::key_id() const { return rep_->key_id; }
const std::string& PublicKey::spki_der() const { return rep_->spki_der; }

std::string PublicKey::sigstore_hint() const {
  Sha256 h;
  h.Update(rep_->spki_der);
  return Base64Encode(h.Finish());
}

std::string PublicKey::ToPem() const {
  std::string b64 = Base64Encode(rep_->spki_der);
  std::string pem = "-----BEGIN PUBLIC KEY-----\n";
  for (size_t i = 0; i < b64.size(); i += 64) pem += b64.substr(i, 64) + "\n";
  pem += "-----END PUBLIC KEY-----\n";
  return pem;
}

Status PublicKey::Verify(std::string_view message, std::string_view signature) const {
  std::string der;
  if (rep_->algorithm == KeyAlgorithm::kEcdsaP256Sha256 && signature.size() == 64) {
    ASSIGN_OR_RETURN(der, RawEcdsaToDer(signature));
    signature = der;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) return InternalError("cannot allocate a digest context");
  const EVP_MD* md = rep_->algorithm == KeyAlgorithm::kEd25519 ? nullptr : EVP_sha256();
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, rep_->pkey.get()) != 1) {
    return InternalError("cannot start signature verification: " + OpenSslReason());
  }
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                            reinterpret_cast<const unsigned char*>(message.data()), message.size());
  ERR_clear_error();
  if (rc != 1) return PermissionDeniedError("signature does not verify with key " + rep_->key_id.substr(0, 16));
  return OkStatus();
}

struct PrivateKey::Rep {
  PkeyPtr pkey;
  KeyAlgorithm algorithm;
};

Result<PrivateKey> PrivateKey::FromPem(std::string_view pem, std::string_view passphrase) {
  ASSIGN_OR_RETURN(BioPtr bio, PemBio(pem).Annotate("not a PKCS#8 PEM private key"));
  bool encrypted = pem.find("ENCRYPTED PRIVATE KEY") != std::string_view::npos;
  if (encrypted && passphrase.empty()) {
    return InvalidArgumentError("private key is encrypted and no passphrase was given");
  }
  PkeyPtr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, PassphraseCallback, &passphrase));
  if (pkey == nullptr) {
    std::string reason = OpenSslReason();
    if (encrypted) return InvalidArgumentError("cannot decrypt the private key (wrong passphrase?): " + reason);
    return InvalidArgumentError("not a PKCS#8 PEM private key: " + reason);
  }
  auto rep = std::make_shared<Rep>();
  rep->pkey = std::move(pkey);
  return FromRep(std::move(rep));
}

Result<PrivateKey> PrivateKey::FromRep(std::shared_ptr<Rep> rep) {
  ASSIGN_OR_RETURN(rep->algorithm, AlgorithmOf(rep->pkey.get()));
  // Derive the public key through its DER SPKI so both sides share one code path.
  RETURN_IF_ERROR(UseUncompressedPoints(rep->pkey.get()));
  unsigned char* der = nullptr;
  int length = i2d_PUBKEY(rep->pkey.get(), &der);
  if (length <= 0) return InternalError("cannot derive the public key: " + OpenSslReason());
  const unsigned char* p = der;
  PkeyPtr public_pkey(d2i_PUBKEY(nullptr, &p, length));
  auto public_rep = std::make_shared<PublicKey::Rep>();
  public_rep->spki_der.assign(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  if (public_pkey == nullptr) return InternalError("cannot derive the public key: " + OpenSslReason());
  public_rep->algorithm = rep->algorithm;
  public_rep->key_id = Sha256Hex(public_rep->spki_der);
  public_rep->pkey = std::move(public_pkey);
  return PrivateKey(std::move(rep), PublicKey(std::move(public_rep)));
}

Result<PrivateKey> PrivateKey::Generate(KeyAlgorithm algorithm) {
  PkeyPtr pkey;
  switch (algorithm) {
    case KeyAlgorithm::kEd25519:
      pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
      break;
    case KeyAlgorithm::kEcdsaP256Sha256: {
      char curve[] = "P-256";  // EVP_PKEY_Q_keygen reads a char* through its varargs
      pkey.reset(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", curve));
      break;
    }
  }
  if (pkey == nullptr) {
    return InternalError(std::string("cannot generate an ") + std::string(KeyAlgorithmName(algorithm)) +
                         " key: " + OpenSslReason());
  }
  auto rep = std::make_shared<Rep>();
  rep->pkey = std::move(pkey);
  return FromRep(std::move(rep));
}

Result<std::string> PrivateKey::ToPkcs8Pem(std::string_view passphrase) const {
  // FromPem hands the passphrase to OpenSSL through a PEM_BUFSIZE buffer: a longer one could
  // encrypt a key that no one can load again.
  if (passphrase.size() > PEM_BUFSIZE) {
    return InvalidArgumentError("the passphrase is longer than " + std::to_string(PEM_BUFSIZE) + " bytes");
  }
  // A secure-heap memory BIO: its buffer is cleansed when the BIO is freed.
  BioPtr bio(BIO_new(BIO_s_secmem()));
  if (bio == nullptr) return InternalError("cannot allocate a BIO: " + OpenSslReason());
  if (passphrase.empty()) {
    if (PEM_write_bio_PKCS8PrivateKey(bio.get(), rep_->pkey.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
      return InternalError("cannot encode the private key: " + OpenSslReason());
    }
  } else {
    Pkcs8InfoPtr info(EVP_PKEY2PKCS8(rep_->pkey.get()));
    if (info == nullptr) return InternalError("cannot encode the private key: " + OpenSslReason());
    // Random salt (saltlen 0 = default length) and IV; PBKDF2 with HMAC-SHA256.
    X509AlgorPtr pbe(PKCS5_pbe2_set_iv(EVP_aes_256_cbc(), kPkcs8Pbkdf2Iterations, nullptr, 0, nullptr,
                                       NID_hmacWithSHA256));
    if (pbe == nullptr) return InternalError("cannot set up key encryption: " + OpenSslReason());
    X509SigPtr encrypted(
        PKCS8_set0_pbe(passphrase.data(), static_cast<int>(passphrase.size()), info.get(), pbe.get()));
    if (encrypted == nullptr) return InternalError("cannot encrypt the private key: " + OpenSslReason());
    pbe.release();  // owned by `encrypted` now
    if (PEM_write_bio_PKCS8(bio.get(), encrypted.get()) != 1) {
      return InternalError("cannot encode the encrypted private key: " + OpenSslReason());
    }
  }
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  if (length <= 0 || data == nullptr) return InternalError("cannot encode the private key: empty output");
  return std::string(data, static_cast<size_t>(length));
}

const PublicKey& PrivateKey::public_key() const { return public_key_; }

Result<std::string> PrivateKey::Sign(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (ctx == nullptr) return InternalError("cannot allocate a digest context");
  const EVP_MD* md = rep_->algorithm == KeyAlgorithm::kEd25519 ? nullptr : EVP_sha256();
  if (EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, rep_->pkey.get()) != 1) {
    return InternalError("cannot start signing: " + OpenSslReason());
  }
  size_t length = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(message.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &length, data, message.size()) != 1) {
    return InternalError("cannot size the signature: " + OpenSslReason());
  }
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                     message.size()) != 1) {
    return InternalError("cannot sign: " + OpenSslReason());
  }
  signature.resize(length);
  return signature;
}

}  // namespace fnseal
