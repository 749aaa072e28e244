#include "audit/store/store.h"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_set>

#include "audit/store/facts.h"
#include "audit/store/packed_envelope.h"
#include "audit/store/schema.h"
#include "audit/store/writes.h"
#include "bundle/verify/bundle_verifier.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/json.h"
#include "core/sha256.h"
#include "core/strings.h"

namespace fnseal {
namespace {

// Lowercase hex of any non-zero length (a digest or a prefix of one).
bool IsLowerHex(std::string_view s) { return !s.empty() && IsLowercaseHex(s, s.size()); }

Result<IngestPolicy> FromJson(Json policy_json) {
  IngestPolicy out;
  out.json = CanonicalJsonDump(policy_json);
  ASSIGN_OR_RETURN(out.policy, ParseTrustPolicy(out.json));
  out.sha256 = Sha256Hex(out.json);
  return out;
}

}  // namespace

std::string PurlBase(std::string_view purl) {
  // As the purl spec parses: the subpath after '#', the qualifiers after '?', then the version
  // after the rightmost '@' (an '@' elsewhere is percent-encoded).
  purl = purl.substr(0, purl.find('#'));
  purl = purl.substr(0, purl.find('?'));
  return std::string(purl.substr(0, purl.rfind('@')));
}

Result<std::string> DefaultAuditStoreLocation() {
  if (const char* explicit_store = std::getenv("FNSEAL_AUDIT_STORE"); explicit_store && *explicit_store) {
    return std::string(explicit_store);
  }
  if (const char* data = std::getenv("XDG_DATA_HOME"); data && *data == '/') {
    return std::string(data) + "/fnseal/audit.db";
  }
  if (const char* home = std::getenv("HOME"); home && *home == '/') {
    return std::string(home) + "/.local/share/fnseal/audit.db";
  }
  return FailedPreconditionError("no audit store given: pass --store, or set FNSEAL_AUDIT_STORE or HOME");
}

Result<IngestPolicy> ParseIngestPolicy(std::string_view self_contained_json) {
  ASSIGN_OR_RETURN(Json json, ParseJsonStrict(self_contained_json, "trust policy"));
  return FromJson(std::move(json));
}

Result<IngestPolicy> LoadIngestPolicy(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path, 1 << 20));
  ASSIGN_OR_RETURN(Json json, ParseJsonStrict(text, path));
  // Check it as written first, so errors name the file's own fields and key files.
  ASSIGN_OR_RETURN(TrustPolicy as_written, LoadTrustPolicyFile(path));
  if (Json* keys = json.is_object() && json.contains("keys") ? &json["keys"] : nullptr; keys && keys->is_array()) {
    for (size_t i = 0; i < keys->size() && i < as_written.keys.size(); ++i) {
      Json& key = (*keys)[i];
      if (key.is_object() && key.contains("publicKeyFile")) {
        key.erase("publicKeyFile");
        key["publicKey"] = as_written.keys[i].public_key.ToPem();
      }
    }
  }
  return FromJson(std::move(json)).Annotate(path);
}

const char* IngestOutcomeName(IngestResult::Outcome outcome) {
  switch (outcome) {
    case IngestResult::Outcome::kAdded:
      return "added";
    case IngestResult::Outcome::kAlreadyStored:
      return "already-stored";
    case IngestResult::Outcome::kRefused:
      return "refused";
  }
  return "?";
}

Result<std::unique_ptr<AuditStore>> AuditStore::Open(const std::string& location, const AuditStoreOptions& options) {
  DatabaseOptions db_options;
  db_options.read_only = options.read_only;
  db_options.create = !options.read_only;
  if (!IsPostgresLocation(location) && !options.read_only) {
    const std::filesystem::path parent = std::filesystem::path(location).parent_path();
    std::error_code error;
    if (!parent.empty()) std::filesystem::create_directories(parent, error);
    if (error) return UnavailableError(parent.string() + ": cannot create the store's directory: " + error.message());
  }
  Result<std::unique_ptr<Database>> db = OpenDatabase(location, db_options);
  if (!db.ok()) {
    if (db.status().code() == StatusCode::kNotFound) {
      return NotFoundError("no audit store at " + location + "; 'fnseal audit ingest' creates it");
    }
    return db.status();
  }
  RETURN_IF_ERROR(options.read_only ? CheckAuditStore(db->get()) : MigrateAuditStore(db->get()));
  return std::unique_ptr<AuditStore>(new AuditStore(std::move(*db)));
}

Status AuditStore::RecordAttempt(const IngestResult& r, const std::string& policy_sha256, int64_t now) {
  return db_
      ->Execute("INSERT INTO ingest_attempts (offered_at, offered_as, bundle_sha256, outcome, reason, policy_sha256) "
                "VALUES ($1, $2, $3, $4, $5, $6)",
                {now, r.offered_as, TextOrNull(r.bundle_sha256), std::string(IngestOutcomeName(r.outcome)),
                 TextOrNull(r.reason), TextOrNull(policy_sha256)})
      .status();
}

Result<PreparedBundle> PrepareIngest(const std::string& path, const IngestPolicy& policy, int64_t now,
                                     const std::function<bool(const std::string&)>& already_stored) {
  PreparedBundle p;
  p.result.offered_as = path;
  ASSIGN_OR_RETURN(p.result.bundle_sha256, Sha256FileHex(path));
  if (already_stored && already_stored(p.result.bundle_sha256)) {
    p.result.outcome = IngestResult::Outcome::kAlreadyStored;
    return p;
  }
  auto refuse = [&](const Status& why) -> Result<PreparedBundle> {
    p.result.outcome = IngestResult::Outcome::kRefused;
    p.result.reason = why.message();
    return std::move(p);
  };
  Status size = CheckBundleFileSize(path, policy.policy);
  if (!size.ok()) return refuse(size);
  Result<BundleContents> read = ReadBundle(path, /*keep_contents=*/false, BundleLimitsFor(policy.policy));
  if (!read.ok()) {
    if (read.status().code() == StatusCode::kNotFound) return read.status();
    return refuse(read.status());
  }
  p.contents = std::make_shared<const BundleContents>(std::move(*read));
  Result<PolicyVerification> verified = VerifyBundleContentsWithPolicy(p.contents, policy.policy, now);
  if (!verified.ok()) return refuse(verified.status());
  p.verified = std::move(*verified);
  for (const BundleFile& f : p.contents->files) {
    if (f.path == kBundleManifestPath) p.manifest = &f;
  }
  if (p.manifest == nullptr) return refuse(PermissionDeniedError("bundle has no manifest.json"));
  Result<BundleFacts> facts = ExtractBundleFacts(p.verified.verified, p.manifest->content);
  if (!facts.ok()) return refuse(facts.status());
  p.facts = std::move(*facts);
  // Storing needs only the statements' names, types and signers: their payloads and parsed
  // predicates are freed here, on the worker, not on the thread that stores.
  for (VerifiedStatement& s : p.verified.verified.statements) {
    s.payload = std::string();
    s.predicate = Json();
  }
  for (const auto& [name, body] : p.contents->attestations) {
    Result<std::string> packed = PackEnvelope(body);
    if (!packed.ok()) return packed.status();
    p.envelopes[name] = {Sha256Hex(body), std::move(*packed)};
  }
  std::error_code error;
  p.size = std::filesystem::file_size(path, error);
  p.result.function_name = p.facts.function_name;
  p.result.outcome = IngestResult::Outcome::kAdded;
  return p;
}

Result<IngestResult> AuditStore::Ingest(const std::string& path, const IngestPolicy& policy, int64_t now) {
  ASSIGN_OR_RETURN(PreparedBundle prepared, PrepareIngest(path, policy, now, [&](const std::string& sha256) {
                     Result<bool> stored = IsStored(sha256);
                     return stored.ok() && *stored;
                   }));
  return Store(prepared, policy, now);
}

Status AuditStore::IngestMany(const std::vector<std::string>& paths, const IngestPolicy& policy, int64_t now,
                              const IngestManyOptions& options,
                              const std::function<void(const IngestResult&)>& on_result) {
  // One look at what is stored already, instead of a query per bundle; a bundle stored by
  // another ingester meanwhile is caught by Store.
  ASSIGN_OR_RETURN(Rows stored_rows, db_->Query("SELECT bundle_sha256 FROM bundles"));
  std::unordered_set<std::string> stored_before;
  for (const auto& row : stored_rows.rows) stored_before.insert(row[0].value_or(""));
  const auto is_stored = [&stored_before](const std::string& sha256) { return stored_before.count(sha256) > 0; };

  const size_t threads =
      options.threads > 0 ? options.threads : std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  // Bundle k is prepared into slot k % window once bundle k - window has been taken, so at most
  // `window` prepared bundles are held at once.
  const size_t window = threads * 8;
  std::vector<std::optional<Result<PreparedBundle>>> slots(window);
  std::mutex mu;
  std::condition_variable ready, room;
  size_t next = 0, taken = 0;
  bool stop = false;
  auto work = [&] {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      room.wait(lock, [&] { return stop || next >= paths.size() || next < taken + window; });
      if (stop || next >= paths.size()) return;
      const size_t k = next++;
      lock.unlock();
      Result<PreparedBundle> prepared = PrepareIngest(paths[k], policy, now, is_stored);
      lock.lock();
      slots[k % window] = std::move(prepared);
      ready.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 0; t < threads; ++t) pool.emplace_back(work);
  auto finish = [&] {
    {
      std::lock_guard<std::mutex> lock(mu);
      stop = true;
    }
    room.notify_all();
    for (std::thread& t : pool) t.join();
    pool.clear();
  };

  Status status = BeginBatch();
  auto batch_started = std::chrono::steady_clock::now();
  for (size_t i = 0; status.ok() && i < paths.size(); ++i) {
    std::optional<Result<PreparedBundle>> prepared;
    {
      std::unique_lock<std::mutex> lock(mu);
      ready.wait(lock, [&] { return slots[i % window].has_value(); });
      prepared.swap(slots[i % window]);
      taken = i + 1;
    }
    room.notify_all();
    if (std::chrono::steady_clock::now() - batch_started > options.commit_every) {
      status = CommitBatch();
      if (status.ok()) status = BeginBatch();
      batch_started = std::chrono::steady_clock::now();
      if (!status.ok()) break;
    }
    Result<IngestResult> ingested =
        prepared->ok() ? Store(**prepared, policy, now) : Result<IngestResult>(prepared->status());
    if (!ingested.ok()) {
      status = ingested.status().Annotate("ingesting " + paths[i] + " (bundles since the last commit were rolled back)");
      break;
    }
    prepared.reset();  // the bundle's contents are freed before the caller's work
    on_result(*ingested);
  }
  finish();
  if (!status.ok()) {
    AbortBatch();
    return status;
  }
  return CommitBatch();
}

Result<bool> AuditStore::IsStored(const std::string& bundle_sha256) {
  ASSIGN_OR_RETURN(Rows rows, db_->Query("SELECT 1 FROM bundles WHERE bundle_sha256 = $1", {bundle_sha256}));
  return !rows.rows.empty();
}

Result<IngestResult> AuditStore::Store(const PreparedBundle& p, const IngestPolicy& policy, int64_t now) {
  IngestResult result = p.result;
  if (result.outcome == IngestResult::Outcome::kAlreadyStored) {
    ASSIGN_OR_RETURN(Rows stored, db_->Query("SELECT function_name FROM bundles WHERE bundle_sha256 = $1",
                                             {result.bundle_sha256}));
    if (!stored.rows.empty()) result.function_name = stored.rows[0][0].value_or("");
    return result;
  }
  if (result.outcome == IngestResult::Outcome::kRefused) {
    RETURN_IF_ERROR(Write([&] { return RecordAttempt(result, policy.sha256, now); }));
    return result;
  }
  const BundleContents* contents = p.contents.get();
  const BundleFacts* facts = &p.facts;
  const BundleFile* manifest = p.manifest;
  const PolicyVerification* verified = &p.verified;
  const uint64_t size_bytes = p.size;

  std::map<std::string, std::string> key_names;  // key id -> policy key name
  std::map<std::string, std::string> key_pems;
  for (const PolicyKey& k : policy.policy.keys) {
    key_names[k.public_key.key_id()] = k.name;
    key_pems[k.public_key.key_id()] = k.public_key.ToPem();
  }
  const std::string& id = result.bundle_sha256;
  std::vector<std::string> file_paths;
  for (const BundleFile& f : contents->files) file_paths.push_back(f.path);
  bool raced = false;
  Status stored = Write([&]() -> Status {
    Database& db = *db_;
    RETURN_IF_ERROR(db.Execute("INSERT INTO policies (policy_sha256, body) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                               {policy.sha256, policy.json}));
    // SQLite numbers bundles itself (writers are serialized); PostgreSQL's column has a sequence.
    const bool sqlite = db.Dialect() == SqlDialect::kSqlite;
    ASSIGN_OR_RETURN(
        Rows added,
        db.Query(std::string("INSERT INTO bundles (bundle_sha256, function_name, entrypoint, runtime, size, manifest, "
                             "bazel_target, build_type, builder_id, fnseal_version, source_uri, source_commit, "
                             "tree_state, policy_sha256, verified_at, ingested_at, offered_as, targets") +
                     (sqlite ? ", bundle_id" : "") +
                     ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18" +
                     (sqlite ? ", (SELECT coalesce(max(bundle_id), 0) + 1 FROM bundles)" : "") +
                     ") ON CONFLICT DO NOTHING RETURNING bundle_id",
                 {id, facts->function_name, facts->entrypoint, TextOrNull(facts->runtime),
                  static_cast<int64_t>(size_bytes), manifest->content, TextOrNull(facts->bazel_target),
                  TextOrNull(facts->build_type), TextOrNull(facts->builder_id), TextOrNull(facts->fnseal_version),
                  TextOrNull(facts->source_uri), TextOrNull(facts->source_commit), TextOrNull(facts->tree_state),
                  policy.sha256, verified->verified_at, now, result.offered_as, DeployableTargets(file_paths)}));
    if (added.rows.empty()) {  // another ingester stored it since we looked
      raced = true;
      return OkStatus();
    }
    const int64_t bundle_id = std::stoll(added.rows[0][0].value_or("0"));
    using Row = std::vector<SqlValue>;
    std::vector<Row> files, directories, envelopes, attestations, keys, signatures, dependencies;
    for (const BundleFile& f : contents->files) files.push_back({id, f.path, f.sha256, static_cast<int64_t>(f.size)});
    for (const std::string& d : contents->directories) directories.push_back({id, d});
    std::map<std::string, std::string> predicate_types;
    for (const VerifiedStatement& st : verified->verified.statements) predicate_types[st.name] = st.predicate_type;
    for (const auto& [name, envelope] : p.envelopes) {
      envelopes.push_back({envelope.sha256, SqlBlob{envelope.packed}});
      attestations.push_back({id, name, predicate_types[name], envelope.sha256});
    }
    for (const VerifiedStatement& st : verified->verified.statements) {
      for (const std::string& key_id : st.key_ids) {
        keys.push_back({key_id, key_pems[key_id]});
        signatures.push_back({id, st.name, key_id, key_names[key_id]});
      }
    }
    for (const DependencyFact& d : facts->dependencies) {
      dependencies.push_back({id, d.name, TextOrNull(d.uri), TextOrNull(d.sha256), TextOrNull(d.git_commit)});
    }
    // A dependency named twice is kept once.
    RETURN_IF_ERROR(InsertRows(&db, "bundle_files", {"bundle_sha256", "path", "sha256", "size"}, std::move(files), false));
    RETURN_IF_ERROR(InsertRows(&db, "bundle_directories", {"bundle_sha256", "path"}, std::move(directories), false));
    RETURN_IF_ERROR(InsertRows(&db, "envelopes", {"envelope_sha256", "body_zstd"}, std::move(envelopes), true));
    RETURN_IF_ERROR(InsertRows(&db, "attestations", {"bundle_sha256", "name", "predicate_type", "envelope_sha256"},
                               std::move(attestations), false));
    RETURN_IF_ERROR(InsertRows(&db, "signing_keys", {"key_id", "public_key_pem"}, std::move(keys), true));
    RETURN_IF_ERROR(
        InsertRows(&db, "signatures", {"bundle_sha256", "attestation", "key_id", "key_name"}, std::move(signatures), false));
    RETURN_IF_ERROR(InsertRows(&db, "dependencies", {"bundle_sha256", "name", "uri", "sha256", "git_commit"},
                               std::move(dependencies), true));
    RETURN_IF_ERROR(StoreBundleComponents(&db, bundle_id, facts->components, &component_ids_));
    result.outcome = IngestResult::Outcome::kAdded;
    return RecordAttempt(result, policy.sha256, now);
  });
  RETURN_IF_ERROR(stored);
  if (raced) result.outcome = IngestResult::Outcome::kAlreadyStored;
  return result;
}

Status AuditStore::BeginBatch() {
  if (in_batch_) return FailedPreconditionError("a batch is already open");
  RETURN_IF_ERROR(db_->BeginWrite());
  in_batch_ = true;
  return OkStatus();
}

Status AuditStore::CommitBatch() {
  if (!in_batch_) return FailedPreconditionError("no batch is open");
  in_batch_ = false;
  Status status = db_->Commit();
  component_ids_.End(status.ok());
  return status;
}

void AuditStore::AbortBatch() {
  if (!in_batch_) return;
  in_batch_ = false;
  component_ids_.End(false);
  (void)db_->Rollback();
}

Result<std::string> AuditStore::ResolveBundle(const std::string& reference) {
  std::string digest = reference;
  if (StartsWith(digest, "sha256:")) digest = digest.substr(7);
  if (!IsLowerHex(digest) || digest.size() > 64) {
    if (PathExists(reference)) {
      ASSIGN_OR_RETURN(digest, Sha256FileHex(reference));
    } else {
      return InvalidArgumentError("'" + reference + "' is neither a bundle digest (hex sha256 or a prefix of at least " +
                                  "8 digits), a deployable's digest, nor a file");
    }
  }
  if (digest.size() < 8) return InvalidArgumentError("a digest prefix needs at least 8 hex digits: '" + digest + "'");
  if (digest.size() == 64) {
    ASSIGN_OR_RETURN(Rows rows, db_->Query("SELECT bundle_sha256 FROM bundles WHERE bundle_sha256 = $1 UNION "
                                           "SELECT bundle_sha256 FROM bundle_files WHERE sha256 = $1 AND path LIKE "
                                           "'deployables/%' ORDER BY 1",
                                           {digest}));
    if (rows.rows.size() == 1) return *rows.rows[0][0];
    if (rows.rows.size() > 1) {
      return InvalidArgumentError("deployable " + digest + " is in " + std::to_string(rows.rows.size()) +
                                  " bundles; name the bundle by its own digest");
    }
    return NotFoundError("no stored bundle or deployable has digest " + digest);
  }
  // A prefix: the digests in [prefix, prefix + "g"), an index range with no pattern syntax.
  ASSIGN_OR_RETURN(Rows rows, db_->Query("SELECT bundle_sha256 FROM bundles WHERE bundle_sha256 >= $1 AND "
                                         "bundle_sha256 < $2 ORDER BY 1 LIMIT 2",
                                         {digest, digest + "g"}));
  if (rows.rows.empty()) return NotFoundError("no stored bundle's digest starts with " + digest);
  if (rows.rows.size() > 1) return InvalidArgumentError("digest prefix " + digest + " is ambiguous; give more digits");
  return *rows.rows[0][0];
}

Result<std::shared_ptr<const BundleContents>> AuditStore::StoredContents(const std::string& bundle_sha256) {
  auto contents = std::make_shared<BundleContents>();
  ASSIGN_OR_RETURN(Rows bundle, db_->Query("SELECT manifest FROM bundles WHERE bundle_sha256 = $1", {bundle_sha256}));
  if (bundle.rows.empty()) return NotFoundError("bundle " + bundle_sha256 + " is not in the store");
  ASSIGN_OR_RETURN(Rows files, db_->Query("SELECT path, sha256, size FROM bundle_files WHERE bundle_sha256 = $1 "
                                          "ORDER BY path",
                                          {bundle_sha256}));
  for (const auto& row : files.rows) {
    BundleFile f;
    f.path = row[0].value_or("");
    f.sha256 = row[1].value_or("");
    f.size = std::strtoull(row[2].value_or("0").c_str(), nullptr, 10);
    if (f.path == kBundleManifestPath) f.content = bundle.rows[0][0].value_or("");
    contents->files.push_back(std::move(f));
  }
  ASSIGN_OR_RETURN(Rows dirs, db_->Query("SELECT path FROM bundle_directories WHERE bundle_sha256 = $1 ORDER BY path",
                                         {bundle_sha256}));
  for (const auto& row : dirs.rows) contents->directories.push_back(row[0].value_or(""));
  ASSIGN_OR_RETURN(Rows envelopes,
                   db_->Query("SELECT a.name, e.body_zstd FROM attestations a JOIN envelopes e ON "
                              "e.envelope_sha256 = a.envelope_sha256 WHERE a.bundle_sha256 = $1 ORDER BY a.name",
                              {bundle_sha256}));
  for (const auto& row : envelopes.rows) {
    ASSIGN_OR_RETURN(contents->attestations[row[0].value_or("")],
                     UnpackEnvelope(row[1].value_or("")).Annotate(db_->Location() + ": " + row[0].value_or("")));
  }
  return std::shared_ptr<const BundleContents>(std::move(contents));
}

Status AuditStore::Check() {
  if (db_->Dialect() == SqlDialect::kSqlite) {
    ASSIGN_OR_RETURN(Rows rows, db_->Query("PRAGMA integrity_check"));
    if (rows.rows.size() != 1 || rows.rows[0][0] != std::optional<std::string>("ok")) {
      std::string problems;
      for (const auto& row : rows.rows) problems += "\n  " + row[0].value_or("");
      return DataLossError(db_->Location() + ": SQLite integrity check failed:" + problems);
    }
    ASSIGN_OR_RETURN(Rows fk, db_->Query("PRAGMA foreign_key_check"));
    if (!fk.rows.empty()) {
      return DataLossError(db_->Location() + ": " + std::to_string(fk.rows.size()) + " rows refer to missing rows");
    }
  }
  ASSIGN_OR_RETURN(Rows incomplete,
                   db_->Query("SELECT b.bundle_sha256 FROM bundles b WHERE NOT EXISTS (SELECT 1 FROM attestations a "
                              "WHERE a.bundle_sha256 = b.bundle_sha256) OR NOT EXISTS (SELECT 1 FROM bundle_files f "
                              "WHERE f.bundle_sha256 = b.bundle_sha256 AND f.path = 'manifest.json') OR NOT EXISTS "
                              "(SELECT 1 FROM policies p WHERE p.policy_sha256 = b.policy_sha256) ORDER BY 1"));
  if (!incomplete.rows.empty()) {
    return DataLossError(db_->Location() + ": bundle " + incomplete.rows[0][0].value_or("") +
                         " lacks its envelopes, manifest or policy (" + std::to_string(incomplete.rows.size()) +
                         " such bundles)");
  }
  ASSIGN_OR_RETURN(Rows orphans, db_->Query("SELECT count(*) FROM bundle_components m WHERE NOT EXISTS (SELECT 1 FROM "
                                             "bundles b WHERE b.bundle_id = m.bundle_id)"));
  if (orphans.rows[0][0].value_or("0") != "0") {
    return DataLossError(db_->Location() + ": " + orphans.rows[0][0].value_or("") +
                         " component references belong to no stored bundle");
  }
  // Every envelope unpacks and matches its digest; read in pages, so that a large store is not
  // held in memory at once.
  std::string after;
  for (;;) {
    ASSIGN_OR_RETURN(Rows envelopes, db_->Query("SELECT envelope_sha256, body_zstd FROM envelopes WHERE "
                                                "envelope_sha256 > $1 ORDER BY envelope_sha256 LIMIT 1024",
                                                {after}));
    if (envelopes.rows.empty()) break;
    for (const auto& row : envelopes.rows) {
      const std::string digest = row[0].value_or("");
      Result<std::string> envelope = UnpackEnvelope(row[1].value_or(""));
      if (!envelope.ok() || Sha256Hex(*envelope) != digest) {
        return DataLossError(db_->Location() + ": envelope " + digest + " does not match its digest" +
                             (envelope.ok() ? "" : " (" + envelope.status().message() + ")"));
      }
      after = digest;
    }
  }
  return OkStatus();
}

}  // namespace fnseal
