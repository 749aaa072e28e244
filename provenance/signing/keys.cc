#include "provenance/signing/keys.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
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

Result<PublicKey> PublicKey::FromPem(std::string_view pem) {
  ASSIGN_OR_RETURN(BioPtr bio, PemBio(pem).Annotate("not a PEM public key"));
  PkeyPtr pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (pkey == nullptr) return InvalidArgumentError("not a PEM public key: " + OpenSslReason());
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
  ASSIGN_OR_RETURN(rep->algorithm, AlgorithmOf(pkey.get()));
  // Derive the public key through its DER SPKI so both sides share one code path.
  unsigned char* der = nullptr;
  int length = i2d_PUBKEY(pkey.get(), &der);
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
  rep->pkey = std::move(pkey);
  return PrivateKey(std::move(rep), PublicKey(std::move(public_rep)));
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
