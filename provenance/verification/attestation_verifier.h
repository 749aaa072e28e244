// Standalone attestations - one DSSE envelope, JSON Lines of envelopes (*.intoto.jsonl), or a
// Sigstore bundle v0.3 - read from their file formats, and verified (with verifier.h's Verify)
// against keys the caller trusts, together with artifact files that must be subjects of the
// verified statements. Artifacts are hashed as a stream, so memory does not grow with their size;
// an artifact is matched to a subject by its sha256, never by its name. Thread-safe.
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
#include "provenance/verification/verifier.h"

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

// A SignedEntity over a parsed attestation file and the artifact files that must be subjects
// of its statements. Envelopes are named "envelope #N" (1-based), or "sigstore bundle". Each
// artifact is hashed as a stream and matched by its sha256, preferring a subject named like the
// file when several match; the matches come back as Verification::files, in the order given.
// Holds references: `file` and `artifact_paths` must outlive it.
class AttestationEntity : public SignedEntity {
 public:
  AttestationEntity(const AttestationFile& file, const std::vector<std::string>& artifact_paths)
      : file_(file), artifact_paths_(artifact_paths) {}

  std::string Kind() const override;
  size_t EnvelopeCount() const override { return file_.envelopes.size(); }
  std::string EnvelopeName(size_t index) const override;
  Result<DsseEnvelope> Envelope(size_t index) const override { return file_.envelopes[index]; }
  // PermissionDenied naming an artifact that is not a subject; NotFound if it does not exist.
  Status CheckFiles(Verification* out) const override;

 private:
  const AttestationFile& file_;
  const std::vector<std::string>& artifact_paths_;
};

// Verifies every envelope of `file`, then that each of `artifact_paths` has the sha256 of a
// verified subject (see AttestationEntity and Verify). PermissionDenied naming the envelope or
// artifact that failed; NotFound if an artifact does not exist.
Result<Verification> VerifyAttestations(const AttestationFile& file, const std::vector<PublicKey>& trusted_keys,
                                        int threshold, const std::vector<std::string>& artifact_paths);

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_VERIFICATION_ATTESTATION_VERIFIER_H_
