// Verifies a signed fnseal bundle against keys the caller trusts.
//
// In order: the archive reads cleanly (one zstd frame, strict tar); every attestation is a DSSE
// envelope signed by at least `threshold` distinct trusted keys; its payload type is in-toto;
// the verified payload bytes parse as a Statement v1; then every file outside attestations/ is
// a subject with a matching sha256, every subject is a file of the bundle, and no directory is
// left unexplained. Keys, key ids or hints inside the bundle never choose the verifying key.
// Thread-safe.
#ifndef FNSEAL_PROVENANCE_VERIFICATION_BUNDLE_VERIFIER_H_
#define FNSEAL_PROVENANCE_VERIFICATION_BUNDLE_VERIFIER_H_

#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "core/status.h"
#include "provenance/signing/keys.h"

namespace fnseal {

struct BundleVerification {
  std::string function_name;
  std::string entrypoint;
  std::vector<BundleFile> files;           // verified files (contents not kept)
  std::vector<std::string> attestations;   // envelope paths
  std::vector<std::string> statements;     // per attestation: the exact payload bytes verified
  std::vector<std::string> predicate_types;
  // The bundle's signers: every trusted key whose signature verified on at least one attestation,
  // sorted. Each attestation met the threshold on its own; attestation_key_ids says which keys
  // signed which (the answer to "which bundles did key X sign" is every bundle listing X here).
  std::vector<std::string> key_ids;
  std::vector<std::vector<std::string>> attestation_key_ids;  // per attestation, sorted
};

// Returns the verified facts, or an error naming the first check that failed: PermissionDenied
// for signature, digest and coverage failures; DataLoss / InvalidArgument / ResourceExhausted
// for a corrupt or hostile archive; NotFound if `bundle_path` does not exist.
Result<BundleVerification> VerifyBundle(const std::string& bundle_path, const std::vector<PublicKey>& trusted_keys,
                                        int threshold, const BundleLimits& limits = {});

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_VERIFICATION_BUNDLE_VERIFIER_H_
