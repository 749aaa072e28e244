// Signing and verification keys: Ed25519 and ECDSA P-256, loaded from PEM.
//
// Private keys are PKCS#8 PEM ("PRIVATE KEY" or "ENCRYPTED PRIVATE KEY"); public keys are SPKI
// PEM ("PUBLIC KEY"). A key's id is the lowercase hex sha256 of its DER SubjectPublicKeyInfo;
// the Sigstore hint is the standard base64 of the same digest. Key objects are immutable after
// loading and safe to share between threads. New keys come from PrivateKey::Generate and are
// stored with ToPkcs8Pem, encrypted at rest unless the caller explicitly chooses otherwise.
#ifndef FNSEAL_PROVENANCE_SIGNING_KEYS_H_
#define FNSEAL_PROVENANCE_SIGNING_KEYS_H_

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace fnseal {

enum class KeyAlgorithm { kEd25519, kEcdsaP256Sha256 };

// "ed25519" or "ecdsa-p256-sha256".
std::string_view KeyAlgorithmName(KeyAlgorithm algorithm);

class PublicKey {
 public:
  // Parses an SPKI PEM public key. InvalidArgument for malformed PEM or another algorithm.
  static Result<PublicKey> FromPem(std::string_view pem);

  KeyAlgorithm algorithm() const;
  const std::string& key_id() const;       // hex sha256 of the DER SPKI
  std::string sigstore_hint() const;       // base64 sha256 of the DER SPKI
  const std::string& spki_der() const;
  std::string ToPem() const;

  // OK if `signature` is valid over `message`. ECDSA signatures may be DER or raw r||s.
  // PermissionDenied otherwise.
  Status Verify(std::string_view message, std::string_view signature) const;

 private:
  struct Rep;
  explicit PublicKey(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}
  std::shared_ptr<const Rep> rep_;
  friend class PrivateKey;
};

// What signs: a private key held in this process (PrivateKey), or a key held elsewhere (a KMS,
// an HSM) behind the same two calls. Implementations must be safe to call from several threads.
class Signer {
 public:
  virtual ~Signer() = default;

  // The public key that verifies this signer's signatures; its key_id() names them.
  virtual const PublicKey& public_key() const = 0;

  // Signs `message` as public_key().algorithm() says: pure Ed25519, or ECDSA P-256 over
  // SHA-256 with a DER signature. An error (Unavailable for a signing service that cannot be
  // reached) means no signature was made.
  virtual Result<std::string> Sign(std::string_view message) const = 0;
};

class PrivateKey final : public Signer {
 public:
  // Parses a PKCS#8 PEM private key, decrypting it with `passphrase` if it is encrypted.
  // InvalidArgument for malformed PEM, another algorithm, an encrypted key without a
  // passphrase, or a wrong passphrase. Never prompts.
  static Result<PrivateKey> FromPem(std::string_view pem, std::string_view passphrase = {});

  // Generates a fresh key from the operating system's CSPRNG (through OpenSSL). Internal if
  // OpenSSL cannot make one.
  static Result<PrivateKey> Generate(KeyAlgorithm algorithm);

  // PKCS#8 PEM of this key. With a non-empty `passphrase`: "ENCRYPTED PRIVATE KEY", PBES2 with
  // PBKDF2-HMAC-SHA256 (kPkcs8Pbkdf2Iterations rounds, random salt) and AES-256-CBC; with an
  // empty one: unencrypted "PRIVATE KEY". The result holds secret material: callers should
  // WipeString it when done. OpenSSL's own buffers are cleansed before they are freed.
  Result<std::string> ToPkcs8Pem(std::string_view passphrase) const;

  // PBKDF2 rounds for encrypted keys: OWASP's 2023 figure for HMAC-SHA256. (OpenSSL's default,
  // 2048, which PEM_write_bio_PKCS8PrivateKey uses, is too few for a key at rest.)
  static constexpr int kPkcs8Pbkdf2Iterations = 600000;

  const PublicKey& public_key() const override;
  Result<std::string> Sign(std::string_view message) const override;

 private:
  struct Rep;
  // Completes a key whose `rep` holds an OpenSSL key: checks its algorithm, derives the public key.
  static Result<PrivateKey> FromRep(std::shared_ptr<Rep> rep);
  PrivateKey(std::shared_ptr<const Rep> rep, PublicKey public_key)
      : rep_(std::move(rep)), public_key_(std::move(public_key)) {}
  std::shared_ptr<const Rep> rep_;
  PublicKey public_key_;
};

// Overwrites `secret` with zeros (not optimized away) and clears it.
void WipeString(std::string* secret);

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_SIGNING_KEYS_H_
