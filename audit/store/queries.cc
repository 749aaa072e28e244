#include "audit/store/queries.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "audit/store/writes.h"
#include "bundle/verify/bundle_verifier.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/strings.h"
#include "provenance/licenses/expression.h"
#include "provenance/licenses/license_list.h"
#include "provenance/signing/keys.h"
#include "provenance/statement/statement.h"

namespace fnseal {
namespace {

// Lowercase hex of any non-zero length (a digest or a prefix of one).
bool IsLowerHex(std::string_view s) { return !s.empty() && IsLowercaseHex(s, s.size()); }

std::string Cell(const std::optional<std::string>& value) { return value.value_or(""); }
// The cell's text, moved out ("" for NULL).
std::string Take(std::optional<std::string>& value) { return value ? std::move(*value) : std::string(); }

Table MakeTable(std::string name, std::vector<std::string> columns) {
  Table t;
  t.name = std::move(name);
  t.columns = std::move(columns);
  return t;
}

// Rows of `rows` as strings, in order.
void Append(const Rows& rows, Table* table) {
  for (const auto& row : rows.rows) {
    std::vector<std::string> cells;
    for (const auto& cell : row) cells.push_back(Cell(cell));
    table->rows.push_back(std::move(cells));
  }
}

// A component row: 0 bundle, 1 function, 2 ref, 3 kind, 4 name, 5 version, 6 license, 7 purl,
// 8 its dependency path, 9 the bundle's deployable targets (both written at ingest); from
// kComponents (m: the bundle's reference, c: the component, b: the bundle).
constexpr char kComponentColumns[] =
    "b.bundle_sha256, b.function_name, m.ref, c.kind, c.name, c.version, c.license, c.purl, m.path, b.targets";
constexpr char kComponents[] =
    " FROM bundle_components m JOIN component_facts c ON c.component_id = m.component_id JOIN bundles b ON "
    "b.bundle_id = m.bundle_id ";

}  // namespace

Result<Answer> QueryContains(AuditStore* store, const std::string& term) {
  Database* db = store->db();
  Answer answer;
  answer.query = "contains";
  answer.parameters = {{"term", term}};
  if (term.empty()) return InvalidArgumentError("contains needs something to look for");
  std::string digest = StartsWith(term, "sha256:") ? term.substr(7) : term;
  if (digest.size() == 64 && std::all_of(digest.begin(), digest.end(), [](unsigned char c) { return std::isxdigit(c); })) {
    for (char& c : digest) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));  // stored lowercase
  }
  Rows matches;
  const std::string from = std::string("SELECT ") + kComponentColumns + ", $2 AS matched" + kComponents;
  if (digest.size() == 64 && IsLowerHex(digest)) {
    ASSIGN_OR_RETURN(
        matches,
        db->Query(std::string("SELECT ") + kComponentColumns +
                      ", 'file ' || f.name AS matched FROM component_fact_files f JOIN bundle_components m ON "
                      "m.component_id = f.component_id JOIN component_facts c ON c.component_id = f.component_id "
                      "JOIN bundles b ON b.bundle_id = m.bundle_id WHERE f.sha256 = $1 "
                      "UNION ALL SELECT f.bundle_sha256, b.function_name, '', '', '', '', '', '', '', b.targets, "
                      "'bundle file ' || f.path FROM bundle_files f JOIN bundles b ON b.bundle_sha256 = "
                      "f.bundle_sha256 WHERE f.sha256 = $1 UNION ALL SELECT d.bundle_sha256, b.function_name, '', '', "
                      "'', '', '', '', '', b.targets, 'build input ' || d.name FROM dependencies d JOIN bundles b ON "
                      "b.bundle_sha256 = d.bundle_sha256 WHERE d.sha256 = $1 UNION ALL SELECT bundle_sha256, "
                      "function_name, '', '', '', '', '', '', '', targets, 'the bundle itself' FROM bundles WHERE "
                      "bundle_sha256 = $1 ORDER BY 2, 1, 3, 11",
                  {digest}));
  } else if (StartsWith(term, "pkg:")) {
    ASSIGN_OR_RETURN(matches, db->Query(from + "WHERE c.purl = $1 OR c.purl_base = $1 ORDER BY 2, 1, 3",
                                        {term, std::string("purl")}));
  } else {
    ASSIGN_OR_RETURN(matches, db->Query(from + "WHERE m.ref = $1 UNION ALL SELECT " + kComponentColumns +
                                            ", 'name' AS matched" + kComponents +
                                            "WHERE c.name = $1 AND m.ref <> $1 ORDER BY 2, 1, 3",
                                        {term, std::string("ref")}));
  }
  Table t = MakeTable("matches", {"bundle", "function", "deployables", "component", "kind", "name", "version", "license",
                                  "purl", "matched", "path"});
  for (auto& row : matches.rows) {
    t.rows.push_back({Take(row[0]), Take(row[1]), Take(row[9]), Take(row[2]), Take(row[3]), Take(row[4]),
                      Take(row[5]), Take(row[6]), Take(row[7]), Take(row[10]), Take(row[8])});
  }
  answer.tables.push_back(std::move(t));
  return answer;
}

Result<Answer> QueryLicenses(AuditStore* store, const LicenseQuery& query) {
  Database* db = store->db();
  Answer answer;
  answer.query = "licenses";
  const int given = !query.category.empty() + !query.expression.empty() + (query.policy != nullptr);
  if (given != 1) return InvalidArgumentError("licenses needs exactly one of a category, an expression or a policy");
  Table t = MakeTable("components", {"bundle", "function", "component", "kind", "name", "version", "license",
                                     "matched", "category", "path"});
  const std::string select =
      std::string("SELECT ") + kComponentColumns +
      ", l.license_id, l.category FROM component_fact_licenses l JOIN bundle_components m ON m.component_id = "
      "l.component_id JOIN component_facts c ON c.component_id = l.component_id JOIN bundles b ON b.bundle_id = "
      "m.bundle_id ";
  Rows rows;
  if (!query.category.empty()) {
    answer.parameters = {{"category", query.category}};
    if (query.category == "model") {
      ASSIGN_OR_RETURN(rows, db->Query(select + "WHERE l.is_model_license = 1 ORDER BY 2, 1, 3, 11"));
    } else if (query.category == "copyleft") {
      ASSIGN_OR_RETURN(rows, db->Query(select + "WHERE l.category IN ($1, $2) ORDER BY 2, 1, 3, 11",
                                       {std::string(LicenseCategoryName(LicenseCategory::kWeakCopyleft)),
                                        std::string(LicenseCategoryName(LicenseCategory::kStrongCopyleft))}));
    } else {
      if (!ParseLicenseCategory(query.category)) {
        return InvalidArgumentError("unknown license category '" + query.category +
                                    "'; use permissive, weak-copyleft, strong-copyleft, copyleft, non-commercial, "
                                    "proprietary, unknown or model");
      }
      ASSIGN_OR_RETURN(rows, db->Query(select + "WHERE l.category = $1 ORDER BY 2, 1, 3, 11", {query.category}));
    }
  } else if (!query.expression.empty()) {
    answer.parameters = {{"expression", query.expression}};
    ASSIGN_OR_RETURN(LicenseExpression parsed, ParseLicenseExpression(query.expression));
    std::vector<const LicenseExpression*> stack = {&parsed};
    std::set<std::string> leaves;
    while (!stack.empty()) {
      const LicenseExpression* e = stack.back();
      stack.pop_back();
      if (e->is_leaf()) {
        leaves.insert(ToString(*e));
      } else {
        for (const auto& operand : e->operands) stack.push_back(&operand);
      }
    }
    for (const std::string& leaf : leaves) {
      ASSIGN_OR_RETURN(Rows some, db->Query(select + "WHERE l.license_id = $1 ORDER BY 2, 1, 3", {leaf}));
      rows.rows.insert(rows.rows.end(), some.rows.begin(), some.rows.end());
    }
  } else {
    answer.parameters = {{"policy", "given"}};
    ASSIGN_OR_RETURN(Rows all, db->Query(std::string("SELECT ") + kComponentColumns + kComponents + "ORDER BY 2, 1, 3"));
    for (auto& row : all.rows) {
      const std::string license = Cell(row[6]).empty() ? "NOASSERTION" : Cell(row[6]);
      Result<LicenseExpression> parsed = ParseLicenseExpression(license);
      std::string reason;
      if (!parsed.ok()) {
        reason = "not a valid SPDX expression: " + parsed.status().message();
      } else {
        LicenseVerdict verdict = EvaluateLicense(*query.policy, *parsed, Cell(row[2]));
        if (verdict.allowed) continue;
        reason = verdict.root.reason.empty() ? verdict.explanation : verdict.root.reason;
      }
      row.push_back(reason);
      row.push_back(std::string("denied"));
      rows.rows.push_back(std::move(row));
    }
  }
  for (auto& row : rows.rows) {
    t.rows.push_back({Take(row[0]), Take(row[1]), Take(row[2]), Take(row[3]), Take(row[4]), Take(row[5]),
                      Take(row[6]), Take(row[10]), Take(row[11]), Take(row[8])});
  }
  answer.tables.push_back(std::move(t));
  return answer;
}

Result<Answer> QueryModels(AuditStore* store, const ModelQuery& query) {
  Database* db = store->db();
  Answer answer;
  answer.query = "models";
  answer.parameters = Json::object();
  std::string where = "c.kind = 'model'";
  std::vector<SqlValue> params;
  if (!query.model.empty()) {
    answer.parameters["model"] = query.model;
    params.push_back(query.model);
    where += " AND (m.ref = $1 OR c.name = $1 OR c.purl = $1 OR c.purl_base = $1)";
  }
  if (!query.base.empty()) {
    answer.parameters["base"] = query.base;
    params.push_back(query.base);
    // IN subqueries: the lineage's index on its target finds the few models, instead of a
    // correlated test of every component.
    where += " AND c.component_id IN (SELECT component_id FROM component_lineage WHERE relation = 'derived-from' AND "
             "target = $" + std::to_string(params.size()) + ")";
  }
  if (!query.dataset.empty()) {
    answer.parameters["dataset"] = query.dataset;
    params.push_back(query.dataset);
    const std::string p = "$" + std::to_string(params.size());
    // Trained on the data set named so, or on a component of the same bundle that has that name or purl.
    where += " AND (c.component_id IN (SELECT component_id FROM component_lineage WHERE relation = 'trained-on' AND "
             "target = " + p + ") OR EXISTS (SELECT 1 FROM component_lineage x JOIN bundle_components dm ON dm.ref = "
             "x.target JOIN component_facts d ON d.component_id = dm.component_id WHERE x.component_id = "
             "c.component_id AND x.relation = 'trained-on' AND dm.bundle_id = m.bundle_id AND (d.name = " + p +
             " OR d.purl = " + p + ")))";
  }
  ASSIGN_OR_RETURN(Rows rows, db->Query(std::string("SELECT ") + kComponentColumns + ", c.component_id, m.bundle_id" +
                                            kComponents + "WHERE " + where + " ORDER BY 2, 1, 3",
                                        params));
  // Lineage is part of what a component is: read once per distinct model, not per bundle.
  std::set<int64_t> component_ids, bundle_ids;
  for (const auto& row : rows.rows) {
    component_ids.insert(std::stoll(Cell(row[10])));
    bundle_ids.insert(std::stoll(Cell(row[11])));
  }
  std::map<int64_t, std::vector<std::pair<std::string, std::string>>> lineage;  // -> (relation, target), sorted
  std::set<std::string> targets;
  RETURN_IF_ERROR(ForEachChunk({component_ids.begin(), component_ids.end()}, 1, [&](const std::string& list,
                                                                                  std::vector<SqlValue> ids) -> Status {
    ASSIGN_OR_RETURN(Rows edges, db->Query("SELECT component_id, relation, target FROM component_lineage WHERE "
                                           "component_id IN (" + list + ") ORDER BY 1, 2, 3",
                                           ids));
    for (const auto& e : edges.rows) {
      lineage[std::stoll(Cell(e[0]))].emplace_back(Cell(e[1]), Cell(e[2]));
      targets.insert(Cell(e[2]));
    }
    return OkStatus();
  }));
  // A target that is a component of the model's bundle is shown with that component's name.
  std::map<std::pair<int64_t, std::string>, std::string> names;  // (bundle id, ref) -> name
  const std::vector<SqlValue> target_values(targets.begin(), targets.end());
  RETURN_IF_ERROR(ForEachChunk({bundle_ids.begin(), bundle_ids.end()}, 1, [&](const std::string& bundles,
                                                                            std::vector<SqlValue> bundle_params) {
    return ForEachChunk(target_values, bundle_params.size() + 1, [&](const std::string& refs,
                                                                     std::vector<SqlValue> ref_params) -> Status {
      std::vector<SqlValue> all = bundle_params;
      all.insert(all.end(), ref_params.begin(), ref_params.end());
      ASSIGN_OR_RETURN(Rows found, db->Query("SELECT m.bundle_id, m.ref, c.name FROM bundle_components m JOIN "
                                             "component_facts c ON c.component_id = m.component_id WHERE m.bundle_id "
                                             "IN (" + bundles + ") AND m.ref IN (" + refs + ")",
                                             all));
      for (const auto& f : found.rows) names[{std::stoll(Cell(f[0])), Cell(f[1])}] = Cell(f[2]);
      return OkStatus();
    });
  }));
  Table t = MakeTable("models", {"bundle", "function", "component", "name", "version", "license", "purl",
                                 "derived_from", "trained_on", "path"});
  for (auto& row : rows.rows) {
    const int64_t bundle_id = std::stoll(Cell(row[11]));
    std::string base, datasets;
    for (const auto& [relation, target] : lineage[std::stoll(Cell(row[10]))]) {
      auto name = names.find({bundle_id, target});
      const std::string shown =
          name == names.end() || name->second.empty() ? target : name->second + " (" + target + ")";
      std::string& into = relation == "derived-from" ? base : datasets;
      into += (into.empty() ? "" : ", ") + shown;
    }
    t.rows.push_back({Take(row[0]), Take(row[1]), Take(row[2]), Take(row[4]), Take(row[5]), Take(row[6]), Take(row[7]),
                      std::move(base), std::move(datasets), Take(row[8])});
  }
  answer.tables.push_back(std::move(t));
  return answer;
}

Result<Answer> QuerySignedBy(AuditStore* store, const std::string& key) {
  Database* db = store->db();
  Answer answer;
  answer.query = "signed-by";
  answer.parameters = {{"key", key}};
  if (key.empty()) return InvalidArgumentError("signed-by needs a key id, key name or public key file");
  std::string where;
  std::vector<SqlValue> params;
  if (IsLowerHex(key) && key.size() == 64) {
    where = "s.key_id = $1";
    params = {key};
  } else if (IsLowerHex(key) && key.size() >= 8) {
    where = "(s.key_id >= $1 AND s.key_id < $2) OR s.key_name = $1";
    params = {key, key + "g"};
  } else if (PathExists(key)) {
    ASSIGN_OR_RETURN(std::string pem, ReadFile(key, 64 << 10));
    ASSIGN_OR_RETURN(PublicKey parsed, PublicKey::FromPem(pem));
    where = "s.key_id = $1";
    params = {parsed.key_id()};
    answer.parameters["key_id"] = parsed.key_id();
  } else {
    where = "s.key_name = $1";
    params = {key};
  }
  ASSIGN_OR_RETURN(Rows rows, db->Query("SELECT s.bundle_sha256, b.function_name, s.attestation, a.predicate_type, "
                                        "s.key_id, s.key_name, b.verified_at FROM signatures s JOIN bundles b ON "
                                        "b.bundle_sha256 = s.bundle_sha256 JOIN attestations a ON a.bundle_sha256 = "
                                        "s.bundle_sha256 AND a.name = s.attestation WHERE " +
                                            where + " ORDER BY 2, 1, 3",
                                        params));
  Table t = MakeTable("signatures", {"bundle", "function", "attestation", "predicate_type", "key_id", "key_name",
                                     "verified_at"});
  Append(rows, &t);
  for (auto& row : t.rows) row[6] = Rfc3339Utc(std::strtoll(row[6].c_str(), nullptr, 10));
  answer.tables.push_back(std::move(t));
  return answer;
}

Result<Answer> QueryBuiltFrom(AuditStore* store, const std::string& repository, const std::string& commit) {
  Database* db = store->db();
  Answer answer;
  answer.query = "built-from";
  answer.parameters = {{"repository", repository}};
  if (repository.empty()) return InvalidArgumentError("built-from needs a repository");
  const std::string uri = StartsWith(repository, "git+") ? repository : "git+" + repository;
  // The repository alone ("git+https://host/r") or with a ref ("...@refs/heads/main"): the
  // stored URI equals it, or extends it by "@<ref>" - a range on the index, no LIKE patterns.
  std::string where = "(b.source_uri = $1 OR (b.source_uri >= $2 AND b.source_uri < $3))";
  std::vector<SqlValue> params = {uri, uri + "@", uri + "A"};  // 'A' follows '@'
  if (!commit.empty()) {
    answer.parameters["commit"] = commit;
    if (!IsLowerHex(commit) || commit.size() < 7) return InvalidArgumentError("a commit is at least 7 hex digits");
    where += commit.size() == 40 ? " AND b.source_commit = $4" : " AND b.source_commit >= $4 AND b.source_commit < $5";
    params.push_back(commit);
    if (commit.size() != 40) params.push_back(commit + "g");
  }
  ASSIGN_OR_RETURN(Rows rows, db->Query("SELECT b.bundle_sha256, b.function_name, b.source_uri, b.source_commit, "
                                        "b.tree_state, b.builder_id, b.fnseal_version, b.bazel_target FROM bundles b "
                                        "WHERE " + where + " ORDER BY 2, 4, 1",
                                        params));
  Table t = MakeTable("bundles", {"bundle", "function", "source_uri", "commit", "tree_state", "builder_id",
                                  "fnseal_version", "bazel_target"});
  Append(rows, &t);
  answer.tables.push_back(std::move(t));
  return answer;
}

Result<Answer> QueryTrace(AuditStore* store, const std::string& reference) {
  Database* db = store->db();
  ASSIGN_OR_RETURN(std::string bundle, store->ResolveBundle(reference));
  Answer answer;
  answer.query = "trace";
  answer.parameters = {{"reference", reference}, {"bundle", bundle}};
  const std::vector<SqlValue> id = {bundle};
  auto section = [&](std::string name, std::vector<std::string> columns, const std::string& sql) -> Status {
    ASSIGN_OR_RETURN(Rows rows, db->Query(sql, id));
    Table t = MakeTable(std::move(name), std::move(columns));
    Append(rows, &t);
    answer.tables.push_back(std::move(t));
    return OkStatus();
  };
  RETURN_IF_ERROR(section("bundle", {"bundle", "function", "entrypoint", "runtime", "size", "bazel_target"},
                          "SELECT bundle_sha256, function_name, entrypoint, runtime, size, bazel_target FROM bundles "
                          "WHERE bundle_sha256 = $1"));
  RETURN_IF_ERROR(section("source", {"source_uri", "commit", "tree_state"},
                          "SELECT source_uri, source_commit, tree_state FROM bundles WHERE bundle_sha256 = $1 AND "
                          "source_uri IS NOT NULL"));
  RETURN_IF_ERROR(section("builder", {"builder_id", "fnseal_version", "build_type"},
                          "SELECT builder_id, fnseal_version, build_type FROM bundles WHERE bundle_sha256 = $1"));
  RETURN_IF_ERROR(section("artifacts", {"path", "sha256", "size"},
                          "SELECT path, sha256, size FROM bundle_files WHERE bundle_sha256 = $1 AND path LIKE "
                          "'artifacts/%' ORDER BY path"));
  RETURN_IF_ERROR(section("deployables", {"target", "path", "sha256", "size"},
                          "SELECT target, path, sha256, size FROM audit_deployables WHERE bundle_sha256 = $1 ORDER BY "
                          "target, path"));
  RETURN_IF_ERROR(section("components", {"component", "kind", "name", "version", "license", "purl"},
                          "SELECT m.ref, c.kind, c.name, c.version, c.license, c.purl" + std::string(kComponents) +
                              "WHERE b.bundle_sha256 = $1 ORDER BY m.is_root DESC, m.ref"));
  RETURN_IF_ERROR(section("licenses", {"component", "license", "category"},
                          "SELECT m.ref, l.license_id, l.category FROM bundle_components m JOIN "
                          "component_fact_licenses l ON l.component_id = m.component_id JOIN bundles b ON b.bundle_id = "
                          "m.bundle_id WHERE b.bundle_sha256 = $1 ORDER BY m.ref, l.license_id"));
  RETURN_IF_ERROR(section("signatures", {"attestation", "predicate_type", "key_id", "key_name", "envelope_sha256"},
                          "SELECT s.attestation, a.predicate_type, s.key_id, s.key_name, a.envelope_sha256 FROM "
                          "signatures s JOIN attestations a ON a.bundle_sha256 = s.bundle_sha256 AND a.name = "
                          "s.attestation WHERE s.bundle_sha256 = $1 ORDER BY 1, 4"));
  RETURN_IF_ERROR(section("policy", {"policy_sha256", "verified_at", "ingested_at", "offered_as"},
                          "SELECT policy_sha256, verified_at, ingested_at, offered_as FROM bundles WHERE "
                          "bundle_sha256 = $1"));
  for (auto& row : answer.tables.back().rows) {
    for (size_t c : {size_t{1}, size_t{2}}) row[c] = Rfc3339Utc(std::strtoll(row[c].c_str(), nullptr, 10));
  }
  return answer;
}

Result<Answer> QueryAcceptableAt(AuditStore* store, const std::string& reference, const IngestPolicy* policy,
                                 int64_t at) {
  ASSIGN_OR_RETURN(std::string bundle, store->ResolveBundle(reference));
  IngestPolicy stored;
  if (policy == nullptr) {
    ASSIGN_OR_RETURN(Rows rows, store->db()->Query("SELECT p.body FROM bundles b JOIN policies p ON p.policy_sha256 = "
                                                   "b.policy_sha256 WHERE b.bundle_sha256 = $1",
                                                   {bundle}));
    if (rows.rows.empty()) return DataLossError("bundle " + bundle + " has no stored policy");
    ASSIGN_OR_RETURN(stored, ParseIngestPolicy(Cell(rows.rows[0][0])));
    policy = &stored;
  }
  ASSIGN_OR_RETURN(std::shared_ptr<const BundleContents> contents, store->StoredContents(bundle));
  Result<PolicyVerification> verdict = VerifyBundleContentsWithPolicy(contents, policy->policy, at);
  if (!verdict.ok() && verdict.status().code() != StatusCode::kPermissionDenied &&
      verdict.status().code() != StatusCode::kResourceExhausted) {
    return verdict.status().Annotate("replaying bundle " + bundle);
  }
  Answer answer;
  answer.query = "acceptable-at";
  answer.parameters = {{"bundle", bundle}, {"at", Rfc3339Utc(at)}, {"policy_sha256", policy->sha256}};
  answer.yes = verdict.ok();
  Table t = MakeTable("verdict", {"bundle", "at", "policy_sha256", "acceptable", "reason", "keys"});
  std::string keys;
  if (verdict.ok()) {
    for (const std::string& k : verdict->key_names) keys += (keys.empty() ? "" : ",") + k;
  }
  t.rows.push_back({bundle, Rfc3339Utc(at), policy->sha256, verdict.ok() ? "yes" : "no",
                    verdict.ok() ? "" : verdict.status().message(), keys});
  answer.tables.push_back(std::move(t));
  return answer;
}

Result<Answer> QueryDiff(AuditStore* store, const std::string& before_ref, const std::string& after_ref) {
  Database* db = store->db();
  ASSIGN_OR_RETURN(std::string before, store->ResolveBundle(before_ref));
  ASSIGN_OR_RETURN(std::string after, store->ResolveBundle(after_ref));
  Answer answer;
  answer.query = "diff";
  answer.parameters = {{"before", before}, {"after", after}};
  // aspect -> item -> value, for each side.
  using Facts = std::map<std::string, std::map<std::string, std::string>>;
  auto load = [&](const std::string& bundle) -> Result<Facts> {
    Facts f;
    ASSIGN_OR_RETURN(Rows components, db->Query(std::string("SELECT m.ref, c.kind, c.version, c.license, c.purl") +
                                                    kComponents + "WHERE b.bundle_sha256 = $1",
                                                {bundle}));
    for (const auto& r : components.rows) {
      const std::string aspect = Cell(r[1]) == "model" ? "model" : "component";
      f[aspect][Cell(r[0])] = Cell(r[2]).empty() ? "(no version)" : Cell(r[2]);
      f["license"][Cell(r[0])] = Cell(r[3]).empty() ? "(none)" : Cell(r[3]);
      if (!Cell(r[4]).empty()) f["purl"][Cell(r[0])] = Cell(r[4]);
    }
    ASSIGN_OR_RETURN(Rows signers, db->Query("SELECT attestation, key_id, key_name FROM signatures WHERE "
                                             "bundle_sha256 = $1 ORDER BY attestation",
                                             {bundle}));
    for (const auto& r : signers.rows) {
      std::string& attestations = f["signer"][Cell(r[2]).empty() ? Cell(r[1]) : Cell(r[2])];
      attestations += (attestations.empty() ? "" : ",") + Cell(r[0]);
    }
    ASSIGN_OR_RETURN(Rows bundle_row, db->Query("SELECT function_name, source_commit, builder_id, fnseal_version FROM "
                                                "bundles WHERE bundle_sha256 = $1",
                                                {bundle}));
    if (!bundle_row.rows.empty()) {
      const auto& r = bundle_row.rows[0];
      f["build"]["function"] = Cell(r[0]);
      f["build"]["source_commit"] = Cell(r[1]);
      f["build"]["builder_id"] = Cell(r[2]);
      f["build"]["fnseal_version"] = Cell(r[3]);
    }
    return f;
  };
  ASSIGN_OR_RETURN(Facts a, load(before));
  ASSIGN_OR_RETURN(Facts b, load(after));
  Table t = MakeTable("changes", {"aspect", "item", "change", "before", "after"});
  std::set<std::string> aspects;
  for (const auto& [k, v] : a) aspects.insert(k);
  for (const auto& [k, v] : b) aspects.insert(k);
  for (const std::string& aspect : aspects) {
    const auto& left = a[aspect];
    const auto& right = b[aspect];
    std::set<std::string> items;
    for (const auto& [k, v] : left) items.insert(k);
    for (const auto& [k, v] : right) items.insert(k);
    for (const std::string& item : items) {
      auto l = left.find(item);
      auto r = right.find(item);
      if (l != left.end() && r != right.end() && l->second == r->second) continue;
      const char* change = l == left.end() ? "added" : r == right.end() ? "removed" : "changed";
      t.rows.push_back({aspect, item, change, l == left.end() ? "" : l->second, r == right.end() ? "" : r->second});
    }
  }
  answer.yes = t.rows.empty();
  answer.tables.push_back(std::move(t));
  return answer;
}

Result<Answer> QueryAttempts(AuditStore* store, bool refused_only) {
  Answer answer;
  answer.query = "attempts";
  answer.parameters = {{"refused_only", refused_only}};
  ASSIGN_OR_RETURN(Rows rows, store->db()->Query(std::string("SELECT offered_at, offered_as, bundle_sha256, outcome, "
                                                             "reason, policy_sha256 FROM ingest_attempts ") +
                                                 (refused_only ? "WHERE outcome = 'refused' " : "") +
                                                 "ORDER BY attempt_id DESC"));
  Table t = MakeTable("attempts", {"offered_at", "offered_as", "bundle", "outcome", "reason", "policy_sha256"});
  Append(rows, &t);
  for (auto& row : t.rows) row[0] = Rfc3339Utc(std::strtoll(row[0].c_str(), nullptr, 10));
  answer.tables.push_back(std::move(t));
  return answer;
}

}  // namespace fnseal
