#include "provenance/verification/report.h"

#include "core/strings.h"
#include "provenance/statement/statement.h"

namespace fnseal {
namespace {

Json PolicyJson(const PolicyReport& p, bool accepted) {
  Json out = {{"file", p.file}, {"verifiedAt", Rfc3339Utc(p.verified_at)}, {"accepted", accepted}};
  if (accepted) {
    out["keys"] = p.facts.key_names;
    out["builderIds"] = p.facts.builder_ids;
    out["sourceUris"] = p.facts.source_uris;
  }
  return out;
}

std::vector<std::string> StatementNames(const Verification& v) {
  std::vector<std::string> names;
  for (const VerifiedStatement& s : v.statements) names.push_back(s.name);
  return names;
}

std::vector<std::vector<std::string>> StatementKeyIds(const Verification& v) {
  std::vector<std::vector<std::string>> ids;
  for (const VerifiedStatement& s : v.statements) ids.push_back(s.key_ids);
  return ids;
}

Json BundleJson(const std::string& input, const Verification& v) {
  Json files = Json::array();
  for (const VerifiedFile& f : v.files) files.push_back({{"path", f.path}, {"sha256", f.sha256}, {"size", f.size}});
  std::vector<std::string> predicate_types;
  for (const VerifiedStatement& s : v.statements) predicate_types.push_back(s.predicate_type);
  return {{"input", input},
          {"kind", v.kind},
          {"verified", true},
          {"function", v.function->name},
          {"entrypoint", v.function->entrypoint},
          {"files", files},
          {"attestations", StatementNames(v)},
          {"attestationKeyIds", StatementKeyIds(v)},
          {"predicateTypes", predicate_types},
          {"keyIds", v.key_ids}};
}

Json AttestationJson(const std::string& input, const Verification& v) {
  Json statements = Json::array();
  Json subjects = Json::array();
  for (const VerifiedStatement& s : v.statements) {
    statements.push_back({{"predicateType", s.predicate_type}});
    for (const Subject& subject : s.subjects) subjects.push_back({{"name", subject.name}, {"digest", subject.digest}});
  }
  Json artifacts = Json::array();
  for (const VerifiedFile& a : v.files) {
    artifacts.push_back({{"path", a.path}, {"sha256", a.sha256}, {"size", a.size}, {"subject", a.subject_name}});
  }
  return {{"input", input},
          {"kind", v.kind},
          {"verified", true},
          {"statements", statements},
          {"subjects", subjects},
          {"artifacts", artifacts},
          {"envelopeKeyIds", StatementKeyIds(v)},
          {"keyIds", v.key_ids}};
}

// "signed by N trusted keys: ..." (every key that signed something), then, when the envelopes
// were not all signed by the same keys, which keys signed which.
void AppendSigners(const Verification& v, std::string* out) {
  const size_t n = v.key_ids.size();
  *out += "  signed by   " + std::to_string(n) + " trusted key" + (n == 1 ? "" : "s") + ":";
  for (const std::string& id : v.key_ids) *out += " " + id.substr(0, 16);
  *out += "\n";
  bool all_same = true;
  for (const VerifiedStatement& s : v.statements) all_same = all_same && s.key_ids == v.key_ids;
  if (all_same) return;
  for (const VerifiedStatement& s : v.statements) {
    *out += "              " + EscapeForTerminal(s.name) + ":";
    for (const std::string& id : s.key_ids) *out += " " + id.substr(0, 16);
    *out += "\n";
  }
}

void AppendPolicy(const PolicyReport& policy, std::string* out) {
  *out += "  policy      " + policy.file + ", accepted at " + Rfc3339Utc(policy.verified_at) + "\n";
  *out += "  policy keys";
  for (const std::string& name : policy.facts.key_names) *out += " " + name;
  *out += "\n";
  for (const std::string& id : policy.facts.builder_ids) *out += "  builder     " + id + "\n";
  for (const std::string& uri : policy.facts.source_uris) *out += "  source      " + uri + "\n";
}

}  // namespace

Json VerificationReportJson(const std::string& input, const Verification& verification, const PolicyReport* policy) {
  Json report = verification.function ? BundleJson(input, verification) : AttestationJson(input, verification);
  if (policy != nullptr) report["policy"] = PolicyJson(*policy, /*accepted=*/true);
  return report;
}

Json RejectionReportJson(const std::string& input, const Status& error, const PolicyReport* policy) {
  Json report = {{"input", input}, {"verified", false}, {"error", error.message()}};
  if (policy != nullptr) report["policy"] = PolicyJson(*policy, /*accepted=*/false);
  return report;
}

std::string VerificationReportText(const std::string& input, const Verification& v, const PolicyReport* policy) {
  std::string out;
  if (v.function) {
    out += "verified " + input + "\n";
    // Names from the signed bundle are still text a signer chose: escaped for the terminal.
    out += "  function    " + EscapeForTerminal(v.function->name) + " (entrypoint " +
           EscapeForTerminal(v.function->entrypoint) + ")\n";
    out += "  files       " + std::to_string(v.files.size()) + ", each matching its signed sha256\n";
    for (const VerifiedFile& f : v.files) {
      out += "              " + f.sha256.substr(0, 16) + "  " + EscapeForTerminal(f.path) + "\n";
    }
  } else {
    const size_t n = v.statements.size();
    out += "verified " + input + " (" + v.kind + ", " + std::to_string(n) + " statement" + (n == 1 ? "" : "s") +
           ")\n";
    for (const VerifiedStatement& s : v.statements) {
      out += "  predicate   " + EscapeForTerminal(s.predicate_type) + "\n";
    }
    for (const VerifiedFile& a : v.files) {
      out += "  artifact    " + a.sha256.substr(0, 16) + "  " + a.path + " (signed as " + Quote(a.subject_name) +
             ")\n";
    }
    if (v.files.empty()) out += "  artifacts   none checked (give --artifact FILE to check one)\n";
  }
  AppendSigners(v, &out);
  if (policy != nullptr) AppendPolicy(*policy, &out);
  return out;
}

}  // namespace fnseal
