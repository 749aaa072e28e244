#include "audit/store/schema.h"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "audit/store/facts.h"
#include "audit/store/packed_envelope.h"
#include "audit/store/writes.h"

namespace fnseal {
namespace {

constexpr char kFormat[] = "fnseal-audit-store";

// Version 1. Digests are lowercase hex sha256; times are seconds since the Unix epoch; bundles
// are named by the sha256 of their file. Every fact row belongs to a bundle and goes with it.
// "@ID@" is the dialect's auto-numbered key; "@C@" marks columns compared by byte ranges (digest
// prefixes, URI prefixes), which must sort bytewise whatever the server's locale.
constexpr char kSchemaV1[] = R"SQL(
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE envelopes (envelope_sha256 TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE policies (policy_sha256 TEXT PRIMARY KEY, body TEXT NOT NULL);
CREATE TABLE signing_keys (key_id TEXT PRIMARY KEY, public_key_pem TEXT NOT NULL);
CREATE TABLE bundles (
  bundle_sha256 TEXT @C@ PRIMARY KEY,
  function_name TEXT NOT NULL,
  entrypoint TEXT NOT NULL,
  runtime TEXT,
  size BIGINT NOT NULL,
  manifest TEXT NOT NULL,
  bazel_target TEXT,
  build_type TEXT,
  builder_id TEXT,
  fnseal_version TEXT,
  source_uri TEXT @C@,
  source_commit TEXT @C@,
  tree_state TEXT,
  policy_sha256 TEXT NOT NULL REFERENCES policies (policy_sha256),
  verified_at BIGINT NOT NULL,
  ingested_at BIGINT NOT NULL,
  offered_as TEXT NOT NULL
);
CREATE INDEX bundles_function ON bundles (function_name);
CREATE INDEX bundles_source ON bundles (source_uri, source_commit);
CREATE INDEX bundles_commit ON bundles (source_commit);
CREATE TABLE bundle_files (
  bundle_sha256 TEXT NOT NULL REFERENCES bundles (bundle_sha256),
  path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  size BIGINT NOT NULL,
  PRIMARY KEY (bundle_sha256, path)
);
CREATE INDEX bundle_files_sha256 ON bundle_files (sha256);
CREATE TABLE bundle_directories (
  bundle_sha256 TEXT NOT NULL REFERENCES bundles (bundle_sha256),
  path TEXT NOT NULL,
  PRIMARY KEY (bundle_sha256, path)
);
CREATE TABLE attestations (
  bundle_sha256 TEXT NOT NULL REFERENCES bundles (bundle_sha256),
  name TEXT NOT NULL,
  predicate_type TEXT NOT NULL,
  envelope_sha256 TEXT NOT NULL REFERENCES envelopes (envelope_sha256),
  PRIMARY KEY (bundle_sha256, name)
);
CREATE TABLE signatures (
  bundle_sha256 TEXT NOT NULL REFERENCES bundles (bundle_sha256),
  attestation TEXT NOT NULL,
  key_id TEXT @C@ NOT NULL REFERENCES signing_keys (key_id),
  key_name TEXT NOT NULL,
  PRIMARY KEY (bundle_sha256, attestation, key_id)
);
CREATE INDEX signatures_key ON signatures (key_id);
CREATE INDEX signatures_key_name ON signatures (key_name);
CREATE TABLE dependencies (
  bundle_sha256 TEXT NOT NULL REFERENCES bundles (bundle_sha256),
  name TEXT NOT NULL,
  uri TEXT,
  sha256 TEXT,
  git_commit TEXT,
  PRIMARY KEY (bundle_sha256, name)
);
CREATE INDEX dependencies_sha256 ON dependencies (sha256);
CREATE TABLE components (
  bundle_sha256 TEXT NOT NULL REFERENCES bundles (bundle_sha256),
  ref TEXT NOT NULL,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT,
  license TEXT,
  purl TEXT,
  purl_base TEXT,
  url TEXT,
  supplier TEXT,
  is_root BIGINT NOT NULL,
  PRIMARY KEY (bundle_sha256, ref)
);
CREATE INDEX components_ref ON components (ref);
CREATE INDEX components_name ON components (name);
CREATE INDEX components_purl ON components (purl);
CREATE INDEX components_purl_base ON components (purl_base);
CREATE TABLE component_licenses (
  bundle_sha256 TEXT NOT NULL REFERENCES bundles (bundle_sha256),
  ref TEXT NOT NULL,
  license_id TEXT NOT NULL,
  category TEXT NOT NULL,
  is_model_license BIGINT NOT NULL,
  PRIMARY KEY (bundle_sha256, ref, license_id)
);
CREATE INDEX component_licenses_id ON component_licenses (license_id);
CREATE INDEX component_licenses_category ON component_licenses (category);
CREATE TABLE component_files (
  bundle_sha256 TEXT NOT NULL REFERENCES bundles (bundle_sha256),
  ref TEXT NOT NULL,
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  PRIMARY KEY (bundle_sha256, ref, name)
);
CREATE INDEX component_files_sha256 ON component_files (sha256);
CREATE TABLE component_edges (
  bundle_sha256 TEXT NOT NULL REFERENCES bundles (bundle_sha256),
  from_ref TEXT NOT NULL,
  relation TEXT NOT NULL,
  to_ref TEXT NOT NULL,
  PRIMARY KEY (bundle_sha256, from_ref, relation, to_ref)
);
CREATE INDEX component_edges_to ON component_edges (to_ref);
CREATE TABLE ingest_attempts (
  attempt_id @ID@,
  offered_at BIGINT NOT NULL,
  offered_as TEXT NOT NULL,
  bundle_sha256 TEXT,
  outcome TEXT NOT NULL,
  reason TEXT,
  policy_sha256 TEXT
);
CREATE INDEX ingest_attempts_bundle ON ingest_attempts (bundle_sha256);

CREATE VIEW audit_bundles AS
  SELECT bundle_sha256, function_name, entrypoint, runtime, size, bazel_target, builder_id, fnseal_version,
         source_uri, source_commit, tree_state, policy_sha256, verified_at, ingested_at, offered_as
  FROM bundles;
CREATE VIEW audit_deployables AS
  SELECT bundle_sha256, substr(path, 13, instr(substr(path, 13), '/') - 1) AS target, path, sha256, size
  FROM bundle_files WHERE path LIKE 'deployables/%/%';
CREATE VIEW audit_files AS SELECT bundle_sha256, path, sha256, size FROM bundle_files;
CREATE VIEW audit_components AS
  SELECT bundle_sha256, ref, kind, name, version, license, purl, url, supplier, is_root FROM components;
CREATE VIEW audit_component_licenses AS
  SELECT bundle_sha256, ref, license_id, category, is_model_license FROM component_licenses;
CREATE VIEW audit_component_files AS SELECT bundle_sha256, ref, name, sha256 FROM component_files;
CREATE VIEW audit_component_edges AS SELECT bundle_sha256, from_ref, relation, to_ref FROM component_edges;
CREATE VIEW audit_dependencies AS SELECT bundle_sha256, name, uri, sha256, git_commit FROM dependencies;
CREATE VIEW audit_attestations AS
  SELECT bundle_sha256, name, predicate_type, envelope_sha256 FROM attestations;
CREATE VIEW audit_signatures AS SELECT bundle_sha256, attestation, key_id, key_name FROM signatures;
CREATE VIEW audit_ingest_attempts AS
  SELECT attempt_id, offered_at, offered_as, bundle_sha256, outcome, reason, policy_sha256 FROM ingest_attempts;
)SQL";

// Version 2: each component's dependency path and each bundle's deployable targets are written
// at ingest, so that queries read them instead of walking every answer's graph; models have
// their own (partial) index; envelopes are kept zstd-compressed (packed_envelope.h) in
// body_zstd, and their text column is dropped once ConvertToV2 has packed them. "@BLOB@" is the
// dialect's bytes type.
constexpr char kSchemaV2[] = R"SQL(
ALTER TABLE components ADD COLUMN path TEXT;
ALTER TABLE bundles ADD COLUMN targets TEXT;
ALTER TABLE envelopes ADD COLUMN body_zstd @BLOB@;
CREATE INDEX components_models ON components (bundle_sha256, ref) WHERE kind = 'model';
DROP VIEW audit_components;
CREATE VIEW audit_components AS
  SELECT bundle_sha256, ref, kind, name, version, license, purl, url, supplier, is_root, path FROM components;
DROP VIEW audit_bundles;
CREATE VIEW audit_bundles AS
  SELECT bundle_sha256, function_name, entrypoint, runtime, size, bazel_target, builder_id, fnseal_version,
         source_uri, source_commit, tree_state, policy_sha256, verified_at, ingested_at, offered_as, targets
  FROM bundles;
)SQL";

// Version 3: components are stored once per distinct content (component_facts, found by
// ComponentDigest, with their licenses, files and lineage) and bundles refer to them
// (bundle_components: the ref, root flag and dependency path, which belong to the bundle);
// depends-on edges are per bundle (bundle_edges). Bundles get a compact integer id for those
// rows. The v2 component tables are converted by ConvertToV3, then dropped; the views keep their
// columns. "@SERIAL@" is a column numbered on insert (filled for existing rows by ConvertToV3 on
// SQLite); "@WR@" keeps SQLite's tables keyed by their primary key alone.
constexpr char kSchemaV3[] = R"SQL(
ALTER TABLE bundles ADD COLUMN bundle_id @SERIAL@;
CREATE TABLE component_facts (
  component_id @ID@,
  digest TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  version TEXT,
  license TEXT,
  purl TEXT,
  purl_base TEXT,
  url TEXT,
  supplier TEXT
);
CREATE INDEX component_facts_name ON component_facts (name);
CREATE INDEX component_facts_purl ON component_facts (purl);
CREATE INDEX component_facts_purl_base ON component_facts (purl_base);
CREATE INDEX component_facts_models ON component_facts (component_id) WHERE kind = 'model';
CREATE TABLE component_fact_licenses (
  component_id BIGINT NOT NULL REFERENCES component_facts (component_id),
  license_id TEXT NOT NULL,
  category TEXT NOT NULL,
  is_model_license BIGINT NOT NULL,
  PRIMARY KEY (component_id, license_id)
)@WR@;
CREATE INDEX component_fact_licenses_id ON component_fact_licenses (license_id);
CREATE INDEX component_fact_licenses_category ON component_fact_licenses (category);
CREATE TABLE component_fact_files (
  component_id BIGINT NOT NULL REFERENCES component_facts (component_id),
  name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  PRIMARY KEY (component_id, name)
)@WR@;
CREATE INDEX component_fact_files_sha256 ON component_fact_files (sha256);
CREATE TABLE component_lineage (
  component_id BIGINT NOT NULL REFERENCES component_facts (component_id),
  relation TEXT NOT NULL,
  target TEXT NOT NULL,
  PRIMARY KEY (component_id, relation, target)
)@WR@;
CREATE INDEX component_lineage_target ON component_lineage (target);
CREATE TABLE bundle_components (
  bundle_id BIGINT NOT NULL,
  ref TEXT NOT NULL,
  component_id BIGINT NOT NULL REFERENCES component_facts (component_id),
  is_root BIGINT NOT NULL,
  path TEXT,
  PRIMARY KEY (bundle_id, ref)
)@WR@;
CREATE INDEX bundle_components_component ON bundle_components (component_id);
CREATE INDEX bundle_components_ref ON bundle_components (ref);
CREATE TABLE bundle_edges (
  bundle_id BIGINT NOT NULL,
  from_ref TEXT NOT NULL,
  to_ref TEXT NOT NULL,
  PRIMARY KEY (bundle_id, from_ref, to_ref)
)@WR@;
DROP VIEW audit_components;
DROP VIEW audit_component_licenses;
DROP VIEW audit_component_files;
DROP VIEW audit_component_edges;
)SQL";

// After ConvertToV3: the v2 tables go, the views read the new ones.
constexpr char kSchemaV3Views[] = R"SQL(
CREATE UNIQUE INDEX bundles_id ON bundles (bundle_id);
DROP TABLE component_edges;
DROP TABLE component_files;
DROP TABLE component_licenses;
DROP TABLE components;
CREATE VIEW audit_components AS
  SELECT b.bundle_sha256, m.ref, c.kind, c.name, c.version, c.license, c.purl, c.url, c.supplier, m.is_root, m.path,
         c.digest AS component_digest
  FROM bundle_components m JOIN bundles b ON b.bundle_id = m.bundle_id
  JOIN component_facts c ON c.component_id = m.component_id;
CREATE VIEW audit_component_licenses AS
  SELECT b.bundle_sha256, m.ref, l.license_id, l.category, l.is_model_license
  FROM bundle_components m JOIN bundles b ON b.bundle_id = m.bundle_id
  JOIN component_fact_licenses l ON l.component_id = m.component_id;
CREATE VIEW audit_component_files AS
  SELECT b.bundle_sha256, m.ref, f.name, f.sha256
  FROM bundle_components m JOIN bundles b ON b.bundle_id = m.bundle_id
  JOIN component_fact_files f ON f.component_id = m.component_id;
CREATE VIEW audit_component_edges AS
  SELECT b.bundle_sha256, e.from_ref, 'depends-on' AS relation, e.to_ref
  FROM bundle_edges e JOIN bundles b ON b.bundle_id = e.bundle_id
  UNION ALL
  SELECT b.bundle_sha256, m.ref AS from_ref, x.relation, x.target AS to_ref
  FROM bundle_components m JOIN bundles b ON b.bundle_id = m.bundle_id
  JOIN component_lineage x ON x.component_id = m.component_id;
)SQL";

// Every `from` in `sql` replaced by `to`.
void ReplaceAll(std::string* sql, std::string_view from, std::string_view to) {
  for (size_t at = sql->find(from); at != std::string::npos; at = sql->find(from, at + to.size())) {
    sql->replace(at, from.size(), to);
  }
}

std::string Dialected(std::string sql, SqlDialect dialect) {
  const bool sqlite = dialect == SqlDialect::kSqlite;
  ReplaceAll(&sql, "@ID@", sqlite ? "INTEGER PRIMARY KEY" : "BIGSERIAL PRIMARY KEY");
  ReplaceAll(&sql, "@C@", sqlite ? "" : "COLLATE \"C\"");
  ReplaceAll(&sql, "@BLOB@", sqlite ? "BLOB" : "BYTEA");
  ReplaceAll(&sql, "@SERIAL@", sqlite ? "BIGINT" : "BIGSERIAL");
  ReplaceAll(&sql, "@WR@", sqlite ? " WITHOUT ROWID" : "");
  if (!sqlite) ReplaceAll(&sql, "instr(", "strpos(");  // PostgreSQL spells instr() strpos()
  return sql;
}

Result<bool> HasTable(Database* db, const std::string& name) {
  const bool sqlite = db->Dialect() == SqlDialect::kSqlite;
  ASSIGN_OR_RETURN(Rows rows, db->Query(sqlite ? "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1"
                                               : "SELECT count(*) FROM information_schema.tables "
                                                 "WHERE table_schema = current_schema() AND table_name = $1",
                                        {name}));
  return rows.rows.at(0).at(0).value_or("0") != "0";
}

Result<int64_t> TableCount(Database* db) {
  const bool sqlite = db->Dialect() == SqlDialect::kSqlite;
  ASSIGN_OR_RETURN(Rows rows, db->Query(sqlite ? "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                                               : "SELECT count(*) FROM information_schema.tables "
                                                 "WHERE table_schema = current_schema()"));
  return std::stoll(rows.rows.at(0).at(0).value_or("0"));
}

// The store's version, 0 for an empty database.
Result<int> StoreVersion(Database* db) {
  ASSIGN_OR_RETURN(bool has_meta, HasTable(db, "store_meta"));
  if (!has_meta) {
    ASSIGN_OR_RETURN(int64_t tables, TableCount(db));
    if (tables > 0) {
      return FailedPreconditionError(db->Location() +
                                     " is not an fnseal audit store: it holds other tables and no store_meta");
    }
    return 0;
  }
  ASSIGN_OR_RETURN(Rows rows, db->Query("SELECT key, value FROM store_meta WHERE key IN ('format', 'schema_version') "
                                        "ORDER BY key"));
  std::string format, version;
  for (const auto& row : rows.rows) {
    if (row[0] == "format") format = row[1].value_or("");
    if (row[0] == "schema_version") version = row[1].value_or("");
  }
  if (format != kFormat) {
    return FailedPreconditionError(db->Location() + " is not an fnseal audit store (format '" + format + "')");
  }
  int parsed = 0;
  for (char c : version) {
    if (c < '0' || c > '9' || parsed > 100000) return DataLossError(db->Location() + ": bad schema_version");
    parsed = parsed * 10 + (c - '0');
  }
  if (parsed > kAuditSchemaVersion) {
    return FailedPreconditionError(db->Location() + " has schema version " + version + ", newer than this fnseal (" +
                                   std::to_string(kAuditSchemaVersion) + "); use a newer fnseal");
  }
  return parsed;
}

// Fills in what version 2 adds for the bundles a version-1 store holds: paths, targets and
// packed envelopes. A bundle whose paths exceed the facts limit keeps none (it was verified and
// stored; the migration does not refuse it now).
Status ConvertToV2(Database* db) {
  ASSIGN_OR_RETURN(Rows bundles, db->Query("SELECT bundle_sha256 FROM bundles ORDER BY bundle_sha256"));
  for (const auto& bundle_row : bundles.rows) {
    const std::string bundle = bundle_row[0].value_or("");
    ASSIGN_OR_RETURN(Rows root, db->Query("SELECT ref FROM components WHERE bundle_sha256 = $1 AND is_root = 1 "
                                          "ORDER BY ref LIMIT 1",
                                          {bundle}));
    ASSIGN_OR_RETURN(Rows edges, db->Query("SELECT from_ref, to_ref FROM component_edges WHERE bundle_sha256 = $1 "
                                           "AND relation = 'depends-on'",
                                           {bundle}));
    std::map<std::string, std::set<std::string>> depends_on;
    for (const auto& row : edges.rows) depends_on[row[0].value_or("")].insert(row[1].value_or(""));
    Result<std::map<std::string, std::string>> paths =
        DependencyPaths(root.rows.empty() ? "" : root.rows[0][0].value_or(""), depends_on, FactsLimits().max_path_bytes);
    if (paths.ok()) {
      for (const auto& [ref, path] : *paths) {
        RETURN_IF_ERROR(
            db->Execute("UPDATE components SET path = $3 WHERE bundle_sha256 = $1 AND ref = $2", {bundle, ref, path}));
      }
    }
    ASSIGN_OR_RETURN(Rows files, db->Query("SELECT path FROM bundle_files WHERE bundle_sha256 = $1", {bundle}));
    std::vector<std::string> file_paths;
    for (const auto& row : files.rows) file_paths.push_back(row[0].value_or(""));
    RETURN_IF_ERROR(db->Execute("UPDATE bundles SET targets = $2 WHERE bundle_sha256 = $1",
                                {bundle, DeployableTargets(file_paths)}));
  }
  // A few hundred envelopes at a time, so that a large store is not read into memory at once.
  for (;;) {
    ASSIGN_OR_RETURN(Rows envelopes, db->Query("SELECT envelope_sha256, body FROM envelopes WHERE body_zstd IS NULL "
                                               "LIMIT 256"));
    if (envelopes.rows.empty()) break;
    for (const auto& row : envelopes.rows) {
      ASSIGN_OR_RETURN(std::string packed, PackEnvelope(row[1].value_or("")));
      RETURN_IF_ERROR(db->Execute("UPDATE envelopes SET body_zstd = $2 WHERE envelope_sha256 = $1",
                                  {row[0].value_or(""), SqlBlob{std::move(packed)}}));
    }
  }
  RETURN_IF_ERROR(db->ExecuteScript("ALTER TABLE envelopes DROP COLUMN body"));
  if (db->Dialect() == SqlDialect::kPostgres) {
    // Packed envelopes do not compress again: PostgreSQL stores them out of line without trying.
    RETURN_IF_ERROR(db->ExecuteScript("ALTER TABLE envelopes ALTER COLUMN body_zstd SET STORAGE EXTERNAL"));
  }
  return OkStatus();
}

// Moves the v2 component tables' rows into version 3's: bundle by bundle, each component's facts
// as ingest extracted them, stored as ingest stores them now.
Status ConvertToV3(Database* db) {
  if (db->Dialect() == SqlDialect::kSqlite) {
    RETURN_IF_ERROR(db->ExecuteScript("UPDATE bundles SET bundle_id = rowid"));
  }
  ASSIGN_OR_RETURN(Rows bundles, db->Query("SELECT bundle_sha256, bundle_id FROM bundles ORDER BY bundle_id"));
  for (const auto& bundle_row : bundles.rows) {
    const std::vector<SqlValue> bundle = {bundle_row[0].value_or("")};
    ASSIGN_OR_RETURN(Rows rows, db->Query("SELECT ref, kind, name, version, license, purl, url, supplier, is_root, "
                                          "path FROM components WHERE bundle_sha256 = $1 ORDER BY ref",
                                          bundle));
    std::vector<ComponentFact> components;
    std::map<std::string, size_t> index;
    for (const auto& row : rows.rows) {
      ComponentFact c;
      c.ref = row[0].value_or("");
      c.kind = row[1].value_or("");
      c.name = row[2].value_or("");
      c.version = row[3].value_or("");
      c.license = row[4].value_or("");
      c.purl = row[5].value_or("");
      c.url = row[6].value_or("");
      c.supplier = row[7].value_or("");
      c.root = row[8].value_or("0") == "1";
      c.path = row[9].value_or("");
      index[c.ref] = components.size();
      components.push_back(std::move(c));
    }
    auto component = [&](const std::optional<std::string>& ref) -> ComponentFact* {
      auto found = index.find(ref.value_or(""));
      return found == index.end() ? nullptr : &components[found->second];
    };
    ASSIGN_OR_RETURN(Rows licenses, db->Query("SELECT ref, license_id, category, is_model_license FROM "
                                              "component_licenses WHERE bundle_sha256 = $1 ORDER BY ref, license_id",
                                              bundle));
    for (const auto& row : licenses.rows) {
      if (ComponentFact* c = component(row[0])) {
        c->licenses.push_back({row[1].value_or(""), row[2].value_or(""), row[3].value_or("0") == "1"});
      }
    }
    ASSIGN_OR_RETURN(Rows files, db->Query("SELECT ref, name, sha256 FROM component_files WHERE bundle_sha256 = $1 "
                                           "ORDER BY ref, name",
                                           bundle));
    for (const auto& row : files.rows) {
      if (ComponentFact* c = component(row[0])) c->files.emplace_back(row[1].value_or(""), row[2].value_or(""));
    }
    ASSIGN_OR_RETURN(Rows edges, db->Query("SELECT from_ref, relation, to_ref FROM component_edges WHERE "
                                           "bundle_sha256 = $1 ORDER BY from_ref, relation, to_ref",
                                           bundle));
    for (const auto& row : edges.rows) {
      if (ComponentFact* c = component(row[0])) c->edges.emplace_back(row[1].value_or(""), row[2].value_or(""));
    }
    RETURN_IF_ERROR(StoreBundleComponents(db, std::stoll(bundle_row[1].value_or("0")), components, nullptr));
  }
  return OkStatus();
}

}  // namespace

Status MigrateAuditStore(Database* db, int to_version) {
  if (to_version < 1 || to_version > kAuditSchemaVersion) {
    return InvalidArgumentError("no audit store schema version " + std::to_string(to_version));
  }
  {
    // Fast path without the write lock: most opens find the store current.
    Result<int> version = StoreVersion(db);
    if (version.ok() && *version >= to_version) return OkStatus();
    if (!version.ok()) return version.status();
  }
  return InWriteTransaction(db, [&]() -> Status {
    if (db->Dialect() == SqlDialect::kPostgres) {
      // Serializes concurrent first opens; released at commit.
      RETURN_IF_ERROR(db->Query("SELECT pg_advisory_xact_lock(7235092368)"));
    }
    ASSIGN_OR_RETURN(int version, StoreVersion(db));
    if (version >= to_version) return OkStatus();
    // A new store is created at version 1 and migrated like an old one: one path to every version.
    if (version == 0) {
      RETURN_IF_ERROR(db->ExecuteScript(Dialected(kSchemaV1, db->Dialect())));
      RETURN_IF_ERROR(
          db->Execute("INSERT INTO store_meta (key, value) VALUES ('format', $1)", {std::string(kFormat)}));
      RETURN_IF_ERROR(db->Execute("INSERT INTO store_meta (key, value) VALUES ('schema_version', '1')"));
      if (db->Dialect() == SqlDialect::kSqlite) {
        RETURN_IF_ERROR(db->ExecuteScript("PRAGMA application_id = 1718514540"));  // "fnsl"
      }
      version = 1;
    }
    if (version < 2 && to_version >= 2) {
      RETURN_IF_ERROR(db->ExecuteScript(Dialected(kSchemaV2, db->Dialect())));
      RETURN_IF_ERROR(ConvertToV2(db));
      version = 2;
    }
    if (version < 3 && to_version >= 3) {
      RETURN_IF_ERROR(db->ExecuteScript(Dialected(kSchemaV3, db->Dialect())));
      RETURN_IF_ERROR(ConvertToV3(db));
      RETURN_IF_ERROR(db->ExecuteScript(Dialected(kSchemaV3Views, db->Dialect())));
      version = 3;
    }
    RETURN_IF_ERROR(db->Execute("UPDATE store_meta SET value = $1 WHERE key = 'schema_version'",
                                {std::to_string(version)}));
    return OkStatus();
  });
}

Status CheckAuditStore(Database* db) {
  ASSIGN_OR_RETURN(int version, StoreVersion(db));
  if (version == 0) return NotFoundError(db->Location() + " holds no audit store yet; run 'fnseal audit ingest' first");
  if (version != kAuditSchemaVersion) {
    return FailedPreconditionError(db->Location() + " has schema version " + std::to_string(version) +
                                   "; open it once for writing (fnseal audit ingest) to migrate it");
  }
  return OkStatus();
}

}  // namespace fnseal
