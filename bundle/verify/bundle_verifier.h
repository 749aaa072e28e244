// Verification of a signed fnseal bundle: the bundle format's SignedEntity (verifier.h), and the
// calls that verify a bundle file with trusted keys or under a trust policy.
//
// In order: the archive reads cleanly (one zstd frame, strict tar); every attestation is a DSSE
// envelope signed by at least `threshold` distinct trusted keys; its payload type is in-toto;
// the verified payload bytes parse as a Statement v1; then every file outside attestations/ is
// a subject with a matching sha256, every subject is a file of the bundle, and no directory is
// left unexplained; last, the digest-checked manifest names the function. Keys, key ids or hints
// inside the bundle never choose the verifying key. Thread-safe.
#ifndef FNSEAL_BUNDLE_VERIFY_BUNDLE_VERIFIER_H_
#define FNSEAL_BUNDLE_VERIFY_BUNDLE_VERIFIER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "core/status.h"
#include "provenance/signing/keys.h"
#include "provenance/verification/trust_policy.h"
#include "provenance/verification/verifier.h"

namespace fnseal {

// A read bundle as a SignedEntity of kind "bundle": its envelopes are the files under
// attestations/, named by their paths; its files are every other entry. Verification::function
// comes from manifest.json, parsed only after its digest matched. File contents are not kept.
class BundleEntity : public SignedEntity {
 public:
  // Reads the bundle at `path` (see ReadBundle). PermissionDenied if it holds no attestations;
  // DataLoss / InvalidArgument / ResourceExhausted for a corrupt or hostile archive; NotFound if
  // it does not exist.
  static Result<std::unique_ptr<BundleEntity>> Read(const std::string& path, const BundleLimits& limits = {});
  // A bundle already read (ReadBundle), or rebuilt from stored facts (the audit store replays
  // verification from its stored envelopes and digests). PermissionDenied without attestations.
  static Result<std::unique_ptr<BundleEntity>> FromContents(std::shared_ptr<const BundleContents> contents);

  std::string Kind() const override { return "bundle"; }
  size_t EnvelopeCount() const override { return names_.size(); }
  std::string EnvelopeName(size_t index) const override { return names_[index]; }
  // PermissionDenied for an unsigned statement or a file that is not a DSSE envelope.
  Result<DsseEnvelope> Envelope(size_t index) const override;
  // Every subject has a sha256, and no two statements disagree on one.
  Status CheckStatement(const VerifiedStatement& statement,
                        const std::vector<VerifiedStatement>& earlier) const override;
  // Coverage both ways (no file unsigned, no subject missing, no empty directory), then the
  // manifest's function name and entrypoint.
  Status CheckFiles(Verification* out) const override;
  bool RequiresProvenance() const override { return true; }

 private:
  explicit BundleEntity(std::shared_ptr<const BundleContents> contents);

  std::shared_ptr<const BundleContents> contents_;
  std::vector<std::string> names_;  // attestation paths, sorted
};

// Verifies the bundle at `bundle_path` with `trusted_keys`. Returns the verified facts (kind
// "bundle", one statement per attestation, files in archive order, the function), or an error
// naming the first check that failed: PermissionDenied for signature, digest and coverage
// failures; DataLoss / InvalidArgument / ResourceExhausted for a corrupt or hostile archive;
// NotFound if `bundle_path` does not exist.
Result<Verification> VerifyBundle(const std::string& bundle_path, const std::vector<PublicKey>& trusted_keys,
                                  int threshold, const BundleLimits& limits = {});

// VerifyWithPolicy (trust_policy.h) for the bundle at `bundle_path`: the policy's maxBundleBytes
// bounds the file and its decompressed contents, maxAttestationBytes each attestation, and a
// policy that accepts SLSA provenance requires the bundle to carry it.
Result<PolicyVerification> VerifyBundleWithPolicy(const std::string& bundle_path, const TrustPolicy& policy,
                                                  int64_t now_unix_seconds);

// The read limits under `policy`: its maxBundleBytes bounds the decompressed contents and its
// maxAttestationBytes each attestation.
BundleLimits BundleLimitsFor(const TrustPolicy& policy);
// ResourceExhausted when the file at `bundle_path` is larger than the policy's maxBundleBytes.
Status CheckBundleFileSize(const std::string& bundle_path, const TrustPolicy& policy);

// VerifyBundleWithPolicy for a bundle already read with BundleLimitsFor(policy) (after
// CheckBundleFileSize), for callers that keep what they read: the audit store stores the
// envelopes and digests that verified.
Result<PolicyVerification> VerifyBundleContentsWithPolicy(std::shared_ptr<const BundleContents> contents,
                                                          const TrustPolicy& policy, int64_t now_unix_seconds);

}  // namespace fnseal

#endif  // FNSEAL_BUNDLE_VERIFY_BUNDLE_VERIFIER_H_
