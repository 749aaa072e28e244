// A trust policy and its enforcement over any SignedEntity (verifier.h): which keys (with
// validity windows) and how many of them must sign, which predicate types, builders and source
// repositories are accepted, and how large a bundle or an attestation may be. The format is documented in docs/trust-policy.md and
// docs/trust-policy.schema.json.
//
// Trust comes only from the policy: key ids are computed from the policy's own public keys, and
// nothing inside the input selects a key. Every rejection names the rule that failed, as
// "policy rule '<rule>': ..." when an input is evaluated and "trust policy field '<path>': ..."
// when a policy is parsed. The clock is a parameter; nothing here reads the system time.
// Functions are thread-safe; a TrustPolicy is immutable once parsed and may be shared.
#ifndef FNSEAL_PROVENANCE_VERIFICATION_TRUST_POLICY_H_
#define FNSEAL_PROVENANCE_VERIFICATION_TRUST_POLICY_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "provenance/signing/keys.h"
#include "provenance/verification/attestation_verifier.h"
#include "provenance/verification/verifier.h"

namespace fnseal {

// The only policy format version this code reads.
inline constexpr int kTrustPolicyVersion = 1;

// A trusted key and the window in which it counts: valid_from <= now < valid_until.
struct PolicyKey {
  std::string name;
  PublicKey public_key;
  std::optional<int64_t> valid_from;   // seconds since the Unix epoch; none: no lower bound
  std::optional<int64_t> valid_until;  // seconds since the Unix epoch; none: no upper bound
};

// An accepted URI: equal to `value`, or (if `prefix`) starting with it.
struct UriPattern {
  std::string value;
  bool prefix = false;

  bool Matches(std::string_view uri) const;
};

struct TrustPolicy {
  std::vector<PolicyKey> keys;
  int threshold = 1;
  std::vector<std::string> predicate_types;
  std::vector<UriPattern> builders;             // empty only if SLSA provenance is not accepted
  std::vector<UriPattern> source_repositories;  // empty: not checked
  uint64_t max_bundle_bytes = 0;                // 0: the built-in limits only
  uint64_t max_attestation_bytes = 0;           // 0: the built-in limits only
};

// Parses and checks a policy document (at most 1 MiB, strict JSON: no duplicate keys). Keys must
// be inline ("publicKey"); a "publicKeyFile" needs LoadTrustPolicyFile. InvalidArgument naming
// the field path and the rule, ResourceExhausted beyond the size or depth limits.
Result<TrustPolicy> ParseTrustPolicy(std::string_view json);

// Reads and parses the policy file at `path`, resolving each "publicKeyFile" relative to the
// directory that holds it. NotFound if a file is missing; otherwise as ParseTrustPolicy.
Result<TrustPolicy> LoadTrustPolicyFile(const std::string& path);

// Parses "YYYY-MM-DDTHH:MM:SSZ" (RFC 3339, UTC, no fractional seconds) into seconds since the
// Unix epoch. InvalidArgument for anything else, including impossible dates.
Result<int64_t> ParseRfc3339Utc(std::string_view text);

// What a policy check adds to the verified facts.
struct PolicyFacts {
  int64_t verified_at = 0;               // the `now` the key windows were checked against
  std::vector<std::string> key_names;    // policy keys that signed every attestation, sorted
  std::vector<std::string> builder_ids;  // of each SLSA provenance statement, in order
  std::vector<std::string> source_uris;  // the dependency uris that matched sourceRepositories
};

struct PolicyVerification : PolicyFacts {
  Verification verified;  // the cryptographic and coverage facts
};

// Opens (reads) the entity to verify, or returns why it cannot: ResourceExhausted for a limit,
// DataLoss / InvalidArgument for a corrupt input, NotFound if it does not exist.
using SignedEntityOpener = std::function<Result<std::unique_ptr<SignedEntity>>()>;

// Checks the policy keys' validity windows at `now_unix_seconds`, then opens the entity, verifies
// it with Verify trusting only the keys valid then, and checks every verified statement against
// the policy. PermissionDenied "policy rule '<rule>': ..." when the entity is rejected
// (ResourceExhausted for 'limits', DataLoss / InvalidArgument for a corrupt 'archive'); NotFound
// passes through. `open` is called at most once, after the key windows were checked.
Result<PolicyVerification> VerifyWithPolicy(const SignedEntityOpener& open, const TrustPolicy& policy,
                                            int64_t now_unix_seconds);

// VerifyWithPolicy for a standalone attestation file (see attestation_verifier.h) and the
// artifacts it must cover. maxAttestationBytes bounds the whole file. Unlike a bundle, an
// attestation need not carry SLSA provenance when the policy accepts it; when it does, the
// builder rules apply.
Result<PolicyVerification> VerifyAttestationsWithPolicy(const std::string& attestation_path,
                                                        const std::vector<std::string>& artifact_paths,
                                                        const TrustPolicy& policy, int64_t now_unix_seconds);

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_VERIFICATION_TRUST_POLICY_H_
