// Verification of anything that holds signed in-toto attestations and the files they name: a
// bundle, one DSSE envelope, JSON Lines of envelopes, a Sigstore bundle. The format lives above
// this layer and implements SignedEntity; Verify runs the one algorithm and returns one result
// type for every kind of input (as sigstore-go's verify package does over its SignedEntity).
//
// The order is fixed: every envelope is signed by at least `threshold` distinct trusted keys over
// its exact payload bytes, its payload type is in-toto, and only then is the payload parsed as a
// Statement v1; once every envelope has verified, the entity checks its files against the signed
// subjects. Keys come only from the caller, never from the entity. Verify is thread-safe when
// the entity's methods are.
#ifndef FNSEAL_PROVENANCE_VERIFICATION_VERIFIER_H_
#define FNSEAL_PROVENANCE_VERIFICATION_VERIFIER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "provenance/signing/dsse.h"
#include "provenance/signing/keys.h"
#include "provenance/statement/statement.h"

namespace fnseal {

// One envelope that verified, and the statement it carries.
struct VerifiedStatement {
  std::string name;                   // the entity's name for the envelope, used in every message
  std::string payload;                // the exact payload bytes the signatures cover
  std::string predicate_type;
  std::vector<Subject> subjects;
  std::vector<std::string> key_ids;   // trusted keys whose signature verified, sorted
  Json predicate = Json::object();    // parsed once from `payload`, for every later check
};

// A file the entity holds (or was given) and the signed subject it matched.
struct VerifiedFile {
  std::string path;
  std::string sha256;  // lowercase hex
  uint64_t size = 0;
  std::string subject_name;
};

// What a function bundle's verified manifest says it deploys.
struct VerifiedFunction {
  std::string name;
  std::string entrypoint;
};

// The facts that verified, for every kind of entity.
struct Verification {
  std::string kind;                           // SignedEntity::Kind()
  std::vector<VerifiedStatement> statements;  // in the entity's order
  // Every trusted key whose signature verified on at least one envelope, sorted. Each envelope
  // met the threshold on its own; VerifiedStatement::key_ids says which keys signed which.
  std::vector<std::string> key_ids;
  std::vector<VerifiedFile> files;            // as SignedEntity::CheckFiles returns them
  std::optional<VerifiedFunction> function;   // set by an entity that describes a function
};

// Something that holds signed envelopes and files that their subjects must match. Implementations
// report failures as PermissionDenied with a message that names the envelope or file.
class SignedEntity {
 public:
  virtual ~SignedEntity() = default;

  // What the entity is, for reports and messages: "bundle", "dsse", "jsonl", "sigstore-bundle".
  virtual std::string Kind() const = 0;

  // The number of envelopes, and each one's name (its path, or "envelope #N").
  virtual size_t EnvelopeCount() const = 0;
  virtual std::string EnvelopeName(size_t index) const = 0;

  // The envelope at `index` (< EnvelopeCount()), parsed; an error rejects the entity and should
  // name the envelope. Called once per index, in order, only after the previous one verified.
  virtual Result<DsseEnvelope> Envelope(size_t index) const = 0;

  // Called when `statement` has verified, with the statements verified before it; an error
  // rejects the entity (e.g. a subject without a sha256, or two statements that disagree).
  virtual Status CheckStatement(const VerifiedStatement& statement,
                                const std::vector<VerifiedStatement>& earlier) const {
    (void)statement;
    (void)earlier;
    return OkStatus();
  }

  // Called once every envelope has verified: checks the files the entity holds against the
  // subjects of `out->statements`, fills `out->files` (and `out->function` when the entity
  // describes one), or returns the error that rejects the entity.
  virtual Status CheckFiles(Verification* out) const = 0;

  // Whether a policy that accepts SLSA provenance requires this entity to carry it (a bundle is
  // built by a builder; a standalone attestation may carry any accepted predicate alone).
  virtual bool RequiresProvenance() const { return false; }
};

// InvalidArgument unless `trusted_keys` is non-empty and `threshold` at least 1.
Status CheckTrustedKeys(const std::vector<PublicKey>& trusted_keys, int threshold);

// Verifies every envelope of `entity` with `trusted_keys` (at least `threshold` distinct keys on
// each), then its files. Returns the verified facts, or the first failure: InvalidArgument for
// bad arguments, PermissionDenied "<envelope name>: ..." for a signature, payload type or
// statement, or the entity's own error.
Result<Verification> Verify(const SignedEntity& entity, const std::vector<PublicKey>& trusted_keys, int threshold);

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_VERIFICATION_VERIFIER_H_
