// fnseal verify: checks a signed bundle, or standalone attestations and the artifacts they name,
// against trusted public keys or a trust policy.
#include <cstdio>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/strings.h"
#include "provenance/statement/statement.h"
#include "provenance/verification/attestation_verifier.h"
#include "provenance/verification/bundle_verifier.h"
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

// The policy facts to report next to the bundle's, when verifying with --policy.
struct PolicyReport {
  std::string file;
  std::string verified_at;
  std::vector<std::string> key_names;
  std::vector<std::string> builder_ids;
  std::vector<std::string> source_uris;
};

Json PolicyJson(const PolicyReport& p, bool accepted) {
  Json out = {{"file", p.file}, {"verifiedAt", p.verified_at}, {"accepted", accepted}};
  if (accepted) {
    out["keys"] = p.key_names;
    out["builderIds"] = p.builder_ids;
    out["sourceUris"] = p.source_uris;
  }
  return out;
}

// The policy lines of a human-readable report.
void PrintPolicy(const PolicyReport& policy) {
  std::printf("  policy      %s, accepted at %s\n", policy.file.c_str(), policy.verified_at.c_str());
  std::printf("  policy keys");
  for (const std::string& name : policy.key_names) std::printf(" %s", name.c_str());
  std::printf("\n");
  for (const std::string& id : policy.builder_ids) std::printf("  builder     %s\n", id.c_str());
  for (const std::string& uri : policy.source_uris) std::printf("  source      %s\n", uri.c_str());
}

// "signed by N trusted keys: ..." (every key that signed something), then, when the
// attestations were not all signed by the same keys, which keys signed which.
void PrintSigners(const std::vector<std::string>& key_ids, const std::vector<std::string>& labels,
                  const std::vector<std::vector<std::string>>& per_label) {
  std::printf("  signed by   %zu trusted key%s:", key_ids.size(), key_ids.size() == 1 ? "" : "s");
  for (const std::string& id : key_ids) std::printf(" %s", id.substr(0, 16).c_str());
  std::printf("\n");
  bool all_same = true;
  for (const std::vector<std::string>& ids : per_label) all_same = all_same && ids == key_ids;
  if (all_same) return;
  for (size_t i = 0; i < labels.size() && i < per_label.size(); ++i) {
    std::printf("              %s:", EscapeForTerminal(labels[i]).c_str());
    for (const std::string& id : per_label[i]) std::printf(" %s", id.substr(0, 16).c_str());
    std::printf("\n");
  }
}

Outcome Rejected(const Options& o, const Status& status, const std::optional<PolicyReport>& policy) {
  if (status.code() == StatusCode::kNotFound) return status;
  if (o.json) {
    Json report = {{"input", o.bundle}, {"verified", false}, {"error", status.message()}};
    if (policy) report["policy"] = PolicyJson(*policy, /*accepted=*/false);
    std::fputs(PrettyJsonDump(report).c_str(), stdout);
  }
  return Outcome::VerificationFailed(status.Annotate("verification failed"));
}

Outcome Report(const Options& o, const BundleVerification& v, const std::optional<PolicyReport>& policy) {
  if (o.json) {
    Json files = Json::array();
    for (const BundleFile& f : v.files) files.push_back({{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}});
    Json report = {{"input", o.bundle},
                   {"kind", "bundle"},
                   {"verified", true},
                   {"function", v.function_name},
                   {"entrypoint", v.entrypoint},
                   {"files", files},
                   {"attestations", v.attestations},
                   {"attestationKeyIds", v.attestation_key_ids},
                   {"predicateTypes", v.predicate_types},
                   {"keyIds", v.key_ids}};
    if (policy) report["policy"] = PolicyJson(*policy, /*accepted=*/true);
    std::fputs(PrettyJsonDump(report).c_str(), stdout);
    return OkStatus();
  }
  std::printf("verified %s\n", o.bundle.c_str());
  // Names from the signed bundle are still text a signer chose: escaped for the terminal.
  std::printf("  function    %s (entrypoint %s)\n", EscapeForTerminal(v.function_name).c_str(),
              EscapeForTerminal(v.entrypoint).c_str());
  std::printf("  files       %zu, each matching its signed sha256\n", v.files.size());
  for (const BundleFile& f : v.files)
    std::printf("              %s  %s\n", f.sha256.substr(0, 16).c_str(), EscapeForTerminal(f.path).c_str());
  PrintSigners(v.key_ids, v.attestations, v.attestation_key_ids);
  if (policy) PrintPolicy(*policy);
  return OkStatus();
}

Outcome ReportAttestations(const Options& o, const AttestationVerification& v,
                           const std::optional<PolicyReport>& policy) {
  if (o.json) {
    Json statements = Json::array();
    for (size_t i = 0; i < v.statements.size(); ++i) statements.push_back({{"predicateType", v.predicate_types[i]}});
    Json subjects = Json::array();
    for (const Subject& s : v.subjects) subjects.push_back({{"name", s.name}, {"digest", s.digest}});
    Json artifacts = Json::array();
    for (const VerifiedArtifact& a : v.artifacts) {
      artifacts.push_back({{"path", a.path}, {"sha256", a.sha256}, {"size", a.size}, {"subject", a.subject_name}});
    }
    Json report = {{"input", o.bundle},
                   {"kind", std::string(AttestationFormatName(v.format))},
                   {"verified", true},
                   {"statements", statements},
                   {"subjects", subjects},
                   {"artifacts", artifacts},
                   {"envelopeKeyIds", v.envelope_key_ids},
                   {"keyIds", v.key_ids}};
    if (policy) report["policy"] = PolicyJson(*policy, /*accepted=*/true);
    std::fputs(PrettyJsonDump(report).c_str(), stdout);
    return OkStatus();
  }
  std::printf("verified %s (%s, %zu statement%s)\n", o.bundle.c_str(), std::string(AttestationFormatName(v.format)).c_str(),
              v.statements.size(), v.statements.size() == 1 ? "" : "s");
  for (const std::string& type : v.predicate_types) {
    std::printf("  predicate   %s\n", EscapeForTerminal(type).c_str());
  }
  for (const VerifiedArtifact& a : v.artifacts) {
    std::printf("  artifact    %s  %s (signed as %s)\n", a.sha256.substr(0, 16).c_str(), a.path.c_str(),
                Quote(a.subject_name).c_str());
  }
  if (v.artifacts.empty()) std::printf("  artifacts   none checked (give --artifact FILE to check one)\n");
  std::vector<std::string> labels;
  for (size_t i = 0; i < v.envelope_key_ids.size(); ++i) labels.push_back("envelope #" + std::to_string(i + 1));
  PrintSigners(v.key_ids, labels, v.envelope_key_ids);
  if (policy) PrintPolicy(*policy);
  return OkStatus();
}

Outcome RunWithKeys(const Options& o, bool bundle) {
  ASSIGN_OR_RETURN(std::vector<PublicKey> keys, LoadPublicKeys(o.keys));
  if (o.threshold < 1) return Outcome::Usage("--threshold must be at least 1");
  if (!bundle) {
    Result<AttestationFile> file = ReadAttestationFile(o.bundle);
    if (!file.ok()) return Rejected(o, file.status(), std::nullopt);
    Result<AttestationVerification> result = VerifyAttestations(*file, keys, o.threshold, o.artifacts);
    if (!result.ok()) return Rejected(o, result.status(), std::nullopt);
    return ReportAttestations(o, *result, std::nullopt);
  }
  Result<BundleVerification> result = VerifyBundle(o.bundle, keys, o.threshold);
  if (!result.ok()) return Rejected(o, result.status(), std::nullopt);
  return Report(o, *result, std::nullopt);
}

Outcome RunWithPolicy(const Options& o, bool bundle) {
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (!o.at.empty()) {
    Result<int64_t> at = ParseRfc3339Utc(o.at);
    if (!at.ok()) return Outcome::Usage("--at: " + at.status().message());
    now = *at;
  }
  ASSIGN_OR_RETURN(TrustPolicy policy, LoadTrustPolicyFile(o.policy));
  PolicyReport report{o.policy, Rfc3339Utc(now), {}, {}, {}};
  if (!bundle) {
    Result<AttestationPolicyVerification> result = VerifyAttestationsWithPolicy(o.bundle, o.artifacts, policy, now);
    if (!result.ok()) return Rejected(o, result.status(), report);
    report.key_names = result->key_names;
    report.builder_ids = result->builder_ids;
    report.source_uris = result->source_uris;
    return ReportAttestations(o, result->attestations, report);
  }
  Result<PolicyVerification> result = VerifyBundleWithPolicy(o.bundle, policy, now);
  if (!result.ok()) return Rejected(o, result.status(), report);
  report.key_names = result->key_names;
  report.builder_ids = result->builder_ids;
  report.source_uris = result->source_uris;
  return Report(o, result->bundle, report);
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
