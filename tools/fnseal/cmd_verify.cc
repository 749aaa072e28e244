// fnseal verify: checks a signed bundle, or standalone attestations and the artifacts they name,
// against trusted public keys or a trust policy.
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "bundle/verify/bundle_verifier.h"
#include "core/json.h"
#include "provenance/verification/attestation_verifier.h"
#include "provenance/verification/report.h"
#include "provenance/verification/trust_policy.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/key_loading.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string bundle;  // the input: a bundle or an attestation file
  std::vector<std::string> artifacts;
  std::vector<std::string> keys;
  int threshold = 1;
  std::string policy;
  std::string at;
  bool json = false;
};

// Prints the report of an accepted input (readable or --json).
Outcome Accepted(const Options& o, const Verification& v, const PolicyReport* policy) {
  const std::string report =
      o.json ? PrettyJsonDump(VerificationReportJson(o.bundle, v, policy)) : VerificationReportText(o.bundle, v, policy);
  std::fputs(report.c_str(), stdout);
  return OkStatus();
}

Outcome Rejected(const Options& o, const Status& status, const PolicyReport* policy) {
  if (status.code() == StatusCode::kNotFound) return status;
  if (o.json) std::fputs(PrettyJsonDump(RejectionReportJson(o.bundle, status, policy)).c_str(), stdout);
  return Outcome::VerificationFailed(status.Annotate("verification failed"));
}

Outcome RunWithKeys(const Options& o, bool bundle) {
  ASSIGN_OR_RETURN(std::vector<PublicKey> keys, LoadPublicKeys(o.keys));
  if (o.threshold < 1) return Outcome::Usage("--threshold must be at least 1");
  Result<Verification> result = [&]() -> Result<Verification> {
    if (bundle) return VerifyBundle(o.bundle, keys, o.threshold);
    ASSIGN_OR_RETURN(AttestationFile file, ReadAttestationFile(o.bundle));
    return VerifyAttestations(file, keys, o.threshold, o.artifacts);
  }();
  if (!result.ok()) return Rejected(o, result.status(), nullptr);
  return Accepted(o, *result, nullptr);
}

Outcome RunWithPolicy(const Options& o, bool bundle) {
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (!o.at.empty()) {
    Result<int64_t> at = ParseRfc3339Utc(o.at);
    if (!at.ok()) return Outcome::Usage("--at: " + at.status().message());
    now = *at;
  }
  ASSIGN_OR_RETURN(TrustPolicy policy, LoadTrustPolicyFile(o.policy));
  PolicyReport report{o.policy, now, {}};
  Result<PolicyVerification> result = bundle ? VerifyBundleWithPolicy(o.bundle, policy, now)
                                             : VerifyAttestationsWithPolicy(o.bundle, o.artifacts, policy, now);
  if (!result.ok()) return Rejected(o, result.status(), &report);
  report.facts = *result;
  return Accepted(o, result->verified, &report);
}

}  // namespace

Action SetupVerify(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Verify a signed bundle: each attestation's DSSE signatures against the trusted keys (the\n"
      "bundle never chooses the key), its statement, and that every file in the bundle is a signed\n"
      "subject with a matching sha256 - no file extra, none missing.\n"
      "Or verify standalone attestations - a DSSE envelope, JSON Lines of envelopes (.intoto.jsonl)\n"
      "or a Sigstore bundle v0.3 - and, with --artifact, that each artifact's sha256 (read as a\n"
      "stream) is a signed subject. With --policy the keys, their validity windows, the threshold,\n"
      "the accepted predicate types, builders and source repositories come from a trust policy\n"
      "(docs/trust-policy.md). Exits 3 when verification fails.");
  app->add_option("input", o->bundle, "Bundle (.fnb) or attestation file to verify")->required();
  app->add_option("--artifact", o->artifacts, "File that must be a signed subject (repeatable; attestations only)");
  CLI::Option* key = app->add_option("--key", o->keys, "Trusted public key, SPKI PEM (repeatable)");
  CLI::Option* threshold =
      app->add_option("--threshold", o->threshold, "Distinct trusted keys that must have signed (with --key)")
          ->capture_default_str();
  CLI::Option* policy =
      app->add_option("--policy", o->policy, "Trust policy JSON file (instead of --key and --threshold)");
  policy->excludes(key)->excludes(threshold);
  app->add_option("--at", o->at, "Check key validity windows at this RFC 3339 UTC time, not now (audits)")
      ->needs(policy);
  app->add_flag("--json", o->json, "Print a JSON report");
  return [o]() -> Outcome {
    if (o->policy.empty() && o->keys.empty()) return Outcome::Usage("verify needs --key or --policy");
    Result<bool> bundle = LooksLikeBundle(o->bundle);
    if (!bundle.ok()) return bundle.status();
    if (*bundle && !o->artifacts.empty()) {
      return Outcome::Usage("--artifact is for attestation files; a bundle holds its own artifacts");
    }
    return o->policy.empty() ? RunWithKeys(*o, *bundle) : RunWithPolicy(*o, *bundle);
  };
}

}  // namespace fnseal::cli
