// Verifies standalone attestations - one DSSE envelope, JSON Lines of envelopes (*.intoto.jsonl),
// or a Sigstore bundle v0.3 - against keys the caller trusts, and that given artifact files are
// subjects of the verified statements.
//
// The order is the bundle verifier's: every envelope is signed by at least `threshold` distinct
// trusted keys over its exact payload bytes, its payload type is in-toto, and only then is the
// payload parsed as a Statement v1. Artifacts are hashed as a stream, so memory does not grow
// with their size; an artifact is matched to a subject by its sha256, never by its name.
// Thread-safe.
#ifndef FNSEAL_PROVENANCE_VERIFICATION_ATTESTATION_VERIFIER_H_
#define FNSEAL_PROVENANCE_VERIFICATION_ATTESTATION_VERIFIER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "provenance/signing/dsse.h"
#include "provenance/signing/keys.h"
#include "provenance/signing/sigstore_bundle.h"
#include "provenance/statement/statement.h"

namespace fnseal {

// Limits on an untrusted attestation file; exceeding one is ResourceExhausted.
struct AttestationLimits {
  uint64_t max_file_size = 64 << 20;  // bytes of the whole file
  size_t max_envelopes = 64;          // lines of a JSON Lines file
  DsseLimits dsse;                    // per envelope
  SigstoreBundleLimits sigstore;
};

enum class AttestationFormat { kDsseEnvelope, kJsonLines, kSigstoreBundle };

// "dsse", "jsonl" or "sigstore-bundle".
std::string_view AttestationFormatName(AttestationFormat format);

struct AttestationFile {
  AttestationFormat format = AttestationFormat::kDsseEnvelope;
  std::vector<DsseEnvelope> envelopes;  // at least one
};

// Parses an attestation file: a JSON object with "mediaType" is a Sigstore bundle, any other
// single JSON object a DSSE envelope; otherwise each non-empty line must be one envelope (JSON
// Lines; errors name the line). InvalidArgument / ResourceExhausted; nothing is verified here.
Result<AttestationFile> ParseAttestationFile(std::string_view bytes, const AttestationLimits& limits = {});

// Reads and parses the file at `path`. NotFound if it does not exist.
Result<AttestationFile> ReadAttestationFile(const std::string& path, const AttestationLimits& limits = {});

// An artifact file and the signed subject it matched.
struct VerifiedArtifact {
  std::string path;
  std::string sha256;
  uint64_t size = 0;
  std::string subject_name;
};

struct AttestationVerification {
  AttestationFormat format = AttestationFormat::kDsseEnvelope;
  std::vector<std::string> statements;       // per envelope: the exact payload bytes verified
  std::vector<std::string> predicate_types;  // per envelope
  std::vector<Subject> subjects;             // of every statement, in order
  // Every trusted key whose signature verified on at least one envelope, sorted; each envelope
  // met the threshold on its own, and envelope_key_ids says which keys signed which.
  std::vector<std::string> key_ids;
  std::vector<std::vector<std::string>> envelope_key_ids;  // per envelope, sorted
  std::vector<VerifiedArtifact> artifacts;   // in the order given
};

// Verifies every envelope of `file`, then that each of `artifact_paths` has the sha256 of a
// verified subject (preferring a subject named like the file when several match). Returns the
// verified facts, or PermissionDenied naming the envelope (#N, 1-based) or artifact that
// failed; NotFound if an artifact does not exist.
Result<AttestationVerification> VerifyAttestations(const AttestationFile& file,
                                                   const std::vector<PublicKey>& trusted_keys, int threshold,
                                                   const std::vector<std::string>& artifact_paths);

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_VERIFICATION_ATTESTATION_VERIFIER_H_
