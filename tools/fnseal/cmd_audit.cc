// fnseal audit: the evidence store - ingest verified bundles, answer named questions across
// them, run read-only SQL over the documented views, and check the store (docs/audit.md).
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "audit/report/report.h"
#include "audit/store/evidence.h"
#include "audit/store/queries.h"
#include "audit/store/store.h"
#include "bundle/bundle.h"
#include "core/file.h"
#include "core/json.h"
#include "core/strings.h"
#include "provenance/licenses/policy.h"
#include "provenance/verification/trust_policy.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/progress.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string store;
  bool json = false;
  bool csv = false;
  bool quiet = false;
  // ingest
  std::vector<std::string> inputs;
  std::string policy;
  double commit_interval = 5;  // seconds
  // queries
  std::string term, category, license, license_policy, model, base, dataset, key, repository, commit, reference,
      other, at, sql, output;
  bool refused = false;
};

Result<std::unique_ptr<AuditStore>> OpenStore(const Options& o, bool read_only) {
  std::string location = o.store;
  if (location.empty()) {
    ASSIGN_OR_RETURN(location, DefaultAuditStoreLocation());
  }
  AuditStoreOptions options;
  options.read_only = read_only;
  return AuditStore::Open(location, options);
}

Result<int64_t> Time(const Options& o) {
  if (o.at.empty()) return static_cast<int64_t>(std::time(nullptr));
  Result<int64_t> at = ParseRfc3339Utc(o.at);
  if (!at.ok()) return InvalidArgumentError("--at: " + at.status().message());
  return at;
}

void Print(const Options& o, const Answer& answer) {
  const std::string out = o.json ? AnswerJson(answer) : o.csv ? AnswerCsv(answer) : AnswerText(answer);
  std::fputs(out.c_str(), stdout);
}

// The bundles under `inputs`: files as given, directories searched for *.fnb, sorted.
Result<std::vector<std::string>> BundlePaths(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  for (const std::string& input : inputs) {
    std::error_code error;
    if (!std::filesystem::is_directory(input, error)) {
      if (!std::filesystem::exists(input, error)) return NotFoundError(input + ": no such file or directory");
      out.push_back(input);
      continue;
    }
    std::vector<std::string> found;
    for (auto it = std::filesystem::recursive_directory_iterator(input, error);
         !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
      if (it->is_regular_file(error) && EndsWith(it->path().string(), ".fnb")) found.push_back(it->path().string());
    }
    if (error) return UnavailableError(input + ": " + error.message());
    std::sort(found.begin(), found.end());
    out.insert(out.end(), found.begin(), found.end());
  }
  return out;
}

Outcome RunIngest(const Options& o) {
  ASSIGN_OR_RETURN(IngestPolicy policy, LoadIngestPolicy(o.policy));
  ASSIGN_OR_RETURN(std::vector<std::string> paths, BundlePaths(o.inputs));
  if (paths.empty()) return Outcome::Usage("no bundles found under the given paths");
  ASSIGN_OR_RETURN(std::unique_ptr<AuditStore> store, OpenStore(o, false));
  uint64_t total = 0;
  for (const std::string& p : paths) {
    struct stat st {};
    if (::stat(p.c_str(), &st) == 0) total += static_cast<uint64_t>(st.st_size);
  }
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  Progress progress("ingesting " + std::to_string(paths.size()) + " bundles", total, o.quiet || o.json);
  Json results = Json::array();
  size_t added = 0, stored = 0, refused = 0;
  AuditStore::IngestManyOptions options;
  options.commit_every = std::chrono::milliseconds(static_cast<int64_t>(o.commit_interval * 1000));
  Status ingested =
      store->IngestMany(paths, policy, now, options, [&](const IngestResult& r) {
        struct stat st {};
        if (::stat(r.offered_as.c_str(), &st) == 0) progress.Advance(static_cast<uint64_t>(st.st_size));
        switch (r.outcome) {
          case IngestResult::Outcome::kAdded:
            ++added;
            break;
          case IngestResult::Outcome::kAlreadyStored:
            ++stored;
            break;
          case IngestResult::Outcome::kRefused:
            ++refused;
            break;
        }
        Json entry = {{"path", r.offered_as}, {"outcome", IngestOutcomeName(r.outcome)}, {"bundle", r.bundle_sha256}};
        if (!r.function_name.empty()) entry["function"] = r.function_name;
        if (!r.reason.empty()) entry["reason"] = r.reason;
        results.push_back(std::move(entry));
        if (!o.json && !o.quiet) {
          progress.Finish();
          std::string line = std::string(IngestOutcomeName(r.outcome)) + "  " + r.bundle_sha256.substr(0, 12) + "  " +
                             (r.function_name.empty() ? "-" : r.function_name) + "  " +
                             EscapeForTerminal(r.offered_as);
          if (!r.reason.empty()) line += "\n    " + EscapeForTerminal(r.reason);
          std::printf("%s\n", line.c_str());
        }
      });
  RETURN_IF_ERROR(ingested);
  progress.Finish();
  if (o.json) {
    Json out = {{"store", store->db()->Location()}, {"policy_sha256", policy.sha256}, {"added", added},
                {"already_stored", stored}, {"refused", refused}, {"bundles", results}};
    std::fputs(PrettyJsonDump(out).c_str(), stdout);
  } else {
    std::printf("%zu added, %zu already stored, %zu refused (store %s)\n", added, stored, refused,
                EscapeForTerminal(store->db()->Location()).c_str());
  }
  std::fflush(stdout);  // the summary before main's error line, even through a pipe
  if (refused > 0) {
    return Outcome::VerificationFailed(
        PermissionDeniedError(std::to_string(refused) + " bundle(s) refused; 'fnseal audit attempts --refused' lists them"));
  }
  return OkStatus();
}

Outcome RunQuery(const Options& o, const std::string& which) {
  ASSIGN_OR_RETURN(std::unique_ptr<AuditStore> store, OpenStore(o, true));
  Result<Answer> answer = [&]() -> Result<Answer> {
    if (which == "contains") return QueryContains(store.get(), o.term);
    if (which == "licenses") {
      LicenseQuery q;
      q.category = o.category;
      q.expression = o.license;
      LicensePolicy policy;
      if (!o.license_policy.empty()) {
        ASSIGN_OR_RETURN(policy, LoadLicensePolicyFile(o.license_policy));
        q.policy = &policy;
      }
      return QueryLicenses(store.get(), q);
    }
    if (which == "models") return QueryModels(store.get(), {o.model, o.base, o.dataset});
    if (which == "signed-by") return QuerySignedBy(store.get(), o.key);
    if (which == "built-from") return QueryBuiltFrom(store.get(), o.repository, o.commit);
    if (which == "trace") return QueryTrace(store.get(), o.reference);
    if (which == "acceptable-at") {
      ASSIGN_OR_RETURN(int64_t at, Time(o));
      if (o.policy.empty()) return QueryAcceptableAt(store.get(), o.reference, nullptr, at);
      ASSIGN_OR_RETURN(IngestPolicy policy, LoadIngestPolicy(o.policy));
      return QueryAcceptableAt(store.get(), o.reference, &policy, at);
    }
    if (which == "diff") return QueryDiff(store.get(), o.reference, o.other);
    return QueryAttempts(store.get(), o.refused);
  }();
  if (!answer.ok()) {
    if (answer.status().code() == StatusCode::kInvalidArgument) return Outcome::Usage(answer.status().message());
    return answer.status();
  }
  Print(o, *answer);
  if (which == "acceptable-at" && !answer->yes) {
    return Outcome::VerificationFailed(PermissionDeniedError("not acceptable: " + answer->tables[0].rows[0][4]));
  }
  if (which == "diff" && !answer->yes) {
    Outcome different(OkStatus());
    different.exit_code = kExitDifferent;
    return different;
  }
  return OkStatus();
}

Outcome RunSql(const Options& o) {
  ASSIGN_OR_RETURN(std::unique_ptr<AuditStore> store, OpenStore(o, true));
  ASSIGN_OR_RETURN(Rows rows, store->db()->QueryReadOnly(o.sql));
  Answer answer;
  answer.query = "sql";
  answer.parameters = {{"sql", o.sql}};
  Table t;
  t.name = "rows";
  t.columns = rows.columns;
  for (const auto& row : rows.rows) {
    std::vector<std::string> cells;
    for (const auto& cell : row) cells.push_back(cell.value_or(""));
    t.rows.push_back(std::move(cells));
  }
  answer.tables.push_back(std::move(t));
  Print(o, answer);
  return OkStatus();
}

Outcome RunEvidence(const Options& o) {
  ASSIGN_OR_RETURN(std::unique_ptr<AuditStore> store, OpenStore(o, true));
  Result<std::string> bundle = store->ResolveBundle(o.reference);
  if (!bundle.ok()) {
    if (bundle.status().code() == StatusCode::kInvalidArgument) return Outcome::Usage(bundle.status().message());
    return bundle.status();
  }
  RETURN_IF_ERROR(WriteEvidencePack(store.get(), *bundle, o.output));
  if (!o.quiet) {
    std::printf("evidence pack of bundle %s in %s; see its README.md\n", bundle->c_str(),
                EscapeForTerminal(o.output).c_str());
  }
  return OkStatus();
}

Outcome RunReport(const Options& o) {
  ASSIGN_OR_RETURN(std::unique_ptr<AuditStore> store, OpenStore(o, true));
  ReportOptions options;
  options.generated_at = static_cast<int64_t>(std::time(nullptr));
  if (!o.reference.empty()) {
    Result<std::string> bundle = store->ResolveBundle(o.reference);
    if (!bundle.ok()) {
      if (bundle.status().code() == StatusCode::kInvalidArgument) return Outcome::Usage(bundle.status().message());
      return bundle.status();
    }
    options.chain_bundle = *bundle;
  }
  ASSIGN_OR_RETURN(std::string html, RenderAuditReport(store.get(), options));
  RETURN_IF_ERROR(WriteFileAtomic(o.output, html));
  if (!o.quiet) std::printf("wrote %s\n", EscapeForTerminal(o.output).c_str());
  return OkStatus();
}

Outcome RunCheck(const Options& o) {
  ASSIGN_OR_RETURN(std::unique_ptr<AuditStore> store, OpenStore(o, true));
  RETURN_IF_ERROR(store->Check());
  ASSIGN_OR_RETURN(Rows counts, store->db()->Query("SELECT (SELECT count(*) FROM bundles), (SELECT count(*) FROM "
                                                   "envelopes), (SELECT count(*) FROM ingest_attempts WHERE outcome "
                                                   "= 'refused')"));
  const auto& row = counts.rows.at(0);
  if (o.json) {
    Json out = {{"store", store->db()->Location()},
                {"ok", true},
                {"bundles", std::stoll(row[0].value_or("0"))},
                {"envelopes", std::stoll(row[1].value_or("0"))},
                {"refused_attempts", std::stoll(row[2].value_or("0"))}};
    std::fputs(PrettyJsonDump(out).c_str(), stdout);
  } else {
    std::printf("ok: %s holds %s bundles, %s envelopes, %s refused attempts\n",
                EscapeForTerminal(store->db()->Location()).c_str(), row[0].value_or("0").c_str(),
                row[1].value_or("0").c_str(), row[2].value_or("0").c_str());
  }
  return OkStatus();
}

void AddOutputOptions(CLI::App* app, Options* o) {
  CLI::Option* json = app->add_flag("--json", o->json, "Print JSON");
  app->add_flag("--csv", o->csv, "Print CSV (RFC 4180), one table after another")->excludes(json);
}

}  // namespace

Action SetupAudit(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->require_subcommand(1);
  app->footer(
      "The audit store holds verified facts about many bundles and the signed envelopes they came\n"
      "from. --store names it: a file (SQLite; created by the first ingest) or a PostgreSQL\n"
      "connection string (postgresql://... or host=... dbname=...). Without --store:\n"
      "$FNSEAL_AUDIT_STORE, else $XDG_DATA_HOME/fnseal/audit.db, else ~/.local/share/fnseal/audit.db.\n"
      "Queries print a table, or --json / --csv. See docs/audit.md.");
  app->add_option("--store", o->store, "The store: an SQLite file or a PostgreSQL connection string");

  CLI::App* ingest = app->add_subcommand("ingest", "Verify bundles under a trust policy and add them to the store");
  ingest->footer(
      "Each bundle is verified under the policy first: only a bundle the policy accepts enters the\n"
      "store, whole, with its signed envelopes; a refused one is recorded with the reason\n"
      "('fnseal audit attempts --refused'). A bundle already stored is left as it is. Directories\n"
      "are searched for *.fnb files. Exits 3 if any bundle was refused.");
  ingest->add_option("bundles", o->inputs, "Bundle files, or directories holding them")->required();
  ingest->add_option("--policy", o->policy, "Trust policy JSON file (docs/trust-policy.md)")->required();
  ingest->add_flag("--json", o->json, "Print the outcome of each bundle as JSON");
  ingest->add_flag("--quiet", o->quiet, "Print only the summary (and no progress)");
  ingest->add_option("--commit-interval", o->commit_interval,
                     "Seconds between commits (default 5): longer is faster on a large store, shorter lets other "
                     "ingesters in sooner and loses less work to a crash")
      ->check(CLI::Range(0.01, 3600.0));

  CLI::App* contains = app->add_subcommand("contains", "Which bundles contain a file digest, component, purl or label");
  contains->footer(
      "TERM is a sha256 (a component's file, any file of a bundle, a deployable, a build input),\n"
      "a package URL (pkg:...; without @version it matches every version), a component's ref (a\n"
      "Bazel label such as //lib:zlib, or toolchain:glibc) or a component's name. Each match says\n"
      "how the component got into the function (its dependency path from the function's root).");
  contains->add_option("term", o->term, "Digest, purl, label or name")->required();
  AddOutputOptions(contains, o.get());

  CLI::App* licenses = app->add_subcommand("licenses", "Which functions ship anything under a license or category");
  licenses->footer(
      "Give one of: --category (permissive, weak-copyleft, strong-copyleft, copyleft, non-commercial,\n"
      "proprietary, unknown, or model for catalogued model licenses), --license (an SPDX expression:\n"
      "components under any license it names), or --policy (a license policy: the components it does\n"
      "not allow, judged as 'fnseal license check' judges them).");
  CLI::Option* category = licenses->add_option("--category", o->category, "License category");
  CLI::Option* license = licenses->add_option("--license", o->license, "SPDX license expression");
  CLI::Option* license_policy = licenses->add_option("--policy", o->license_policy, "License policy JSON file");
  category->excludes(license)->excludes(license_policy);
  license->excludes(license_policy);
  AddOutputOptions(licenses, o.get());

  CLI::App* models = app->add_subcommand("models", "Which functions ship a model, or models derived from a base or data set");
  models->footer("Without options, every model in the store. Options narrow it; all given must hold.");
  models->add_option("--model", o->model, "A model component's ref, name or purl");
  models->add_option("--base", o->base, "Models derived from this base model");
  models->add_option("--dataset", o->dataset, "Models trained on this data set (ref, name or purl)");
  AddOutputOptions(models, o.get());

  CLI::App* signed_by = app->add_subcommand("signed-by", "Which bundles a key signed, per attestation");
  signed_by->footer(
      "KEY is a key id (hex sha256 of the DER SPKI, or a prefix of at least 8 digits), the name a\n"
      "trust policy gave the key, or a public key PEM file. After a key compromise, this lists\n"
      "everything to re-sign or revoke.");
  signed_by->add_option("key", o->key, "Key id, key name or public key file")->required();
  AddOutputOptions(signed_by, o.get());

  CLI::App* built_from = app->add_subcommand("built-from", "Which bundles were built from a repository (and commit)");
  built_from->footer(
      "REPOSITORY as provenance records it (git+https://host/org/repo, with or without @refs/...;\n"
      "git+ may be left out). Only stamped builds record their source.");
  built_from->add_option("repository", o->repository, "Source repository URI")->required();
  built_from->add_option("--commit", o->commit, "Commit (at least 7 hex digits)");
  AddOutputOptions(built_from, o.get());

  CLI::App* trace = app->add_subcommand("trace", "The whole chain of a bundle, from source commit to signatures");
  trace->footer("BUNDLE is a bundle's digest (or a prefix of 8+ digits), a deployable's digest, or a bundle file.");
  trace->add_option("bundle", o->reference, "Bundle digest, deployable digest or bundle file")->required();
  AddOutputOptions(trace, o.get());

  CLI::App* acceptable = app->add_subcommand("acceptable-at", "Was a bundle acceptable under a trust policy at a time");
  acceptable->footer(
      "Replays verification from the stored signed envelopes and digests, not from a cached\n"
      "verdict: under --policy, or the policy that accepted it at ingest; at --at (RFC 3339 UTC),\n"
      "or now. Exits 0 if acceptable, 3 if not.");
  acceptable->add_option("bundle", o->reference, "Bundle digest, deployable digest or bundle file")->required();
  acceptable->add_option("--policy", o->policy, "Trust policy JSON file (default: the one that accepted it)");
  acceptable->add_option("--at", o->at, "The time, RFC 3339 UTC (default: now)");
  AddOutputOptions(acceptable, o.get());

  CLI::App* diff = app->add_subcommand("diff", "What changed in components, licenses, models and signers between bundles");
  diff->footer("Exits 0 if nothing changed, 4 if something did.");
  diff->add_option("before", o->reference, "The earlier bundle")->required();
  diff->add_option("after", o->other, "The later bundle")->required();
  AddOutputOptions(diff, o.get());

  CLI::App* attempts = app->add_subcommand("attempts", "Every bundle offered to the store, refused ones with the reason");
  attempts->add_flag("--refused", o->refused, "Only the refused ones");
  AddOutputOptions(attempts, o.get());

  CLI::App* sql = app->add_subcommand("sql", "Run one read-only SQL query over the store's views");
  sql->footer(
      "For questions the named queries do not answer. The audit_* views are the stable interface\n"
      "(docs/audit.md); a statement that would write is refused.");
  sql->add_option("query", o->sql, "One SELECT statement")->required();
  AddOutputOptions(sql, o.get());

  CLI::App* evidence = app->add_subcommand("evidence", "Write an evidence pack of one bundle for an auditor to take away");
  evidence->footer(
      "The pack (a new directory) holds the bundle's signed envelopes, its manifest and file digests,\n"
      "the trust policy that accepted it, the public keys, the store's facts, a README of how to\n"
      "re-verify with fnseal and with independent tools (a script using python3 and openssl), and\n"
      "MANIFEST.sha256 over all of it.");
  evidence->add_option("bundle", o->reference, "Bundle digest, deployable digest or bundle file")->required();
  evidence->add_option("-o,--output", o->output, "The directory to create")->required();
  evidence->add_flag("-q,--quiet", o->quiet, "Print nothing on success");

  CLI::App* report = app->add_subcommand("report", "Write one self-contained HTML page about everything in the store");
  report->footer(
      "Functions, licenses by category, models and data sets, signers and keys, refused bundles, and\n"
      "the provenance chain of one bundle (--bundle; default: the last one ingested) drawn as SVG.\n"
      "No scripts and no network: the page forbids every fetch, and opens the same anywhere.");
  report->add_option("-o,--output", o->output, "The HTML file to write")->required();
  report->add_option("--bundle", o->reference, "The bundle whose chain is drawn");
  report->add_flag("-q,--quiet", o->quiet, "Print nothing on success");

  CLI::App* check = app->add_subcommand("check", "Check the store's integrity and that every bundle is whole");
  check->add_flag("--json", o->json, "Print JSON");

  return [o, ingest, contains, licenses, models, signed_by, built_from, trace, acceptable, diff, sql, evidence,
          report, check]() -> Outcome {
    if (ingest->parsed()) return RunIngest(*o);
    if (report->parsed()) return RunReport(*o);
    if (evidence->parsed()) return RunEvidence(*o);
    if (sql->parsed()) return RunSql(*o);
    if (check->parsed()) return RunCheck(*o);
    if (contains->parsed()) return RunQuery(*o, "contains");
    if (licenses->parsed()) {
      if (o->category.empty() && o->license.empty() && o->license_policy.empty()) {
        return Outcome::Usage("licenses needs --category, --license or --policy");
      }
      return RunQuery(*o, "licenses");
    }
    if (models->parsed()) return RunQuery(*o, "models");
    if (signed_by->parsed()) return RunQuery(*o, "signed-by");
    if (built_from->parsed()) return RunQuery(*o, "built-from");
    if (trace->parsed()) return RunQuery(*o, "trace");
    if (acceptable->parsed()) return RunQuery(*o, "acceptable-at");
    if (diff->parsed()) return RunQuery(*o, "diff");
    return RunQuery(*o, "attempts");
  };
}

}  // namespace fnseal::cli
