// The audit store: verified evidence about many bundles, in SQLite (default) or PostgreSQL.
// Ingest verifies each bundle under a trust policy first; only verified facts enter the store,
// with the raw signed envelopes they came from (content-addressed, stored once) so that every
// answer can be verified again offline. A refused bundle is recorded as an ingest attempt with
// the reason. Each bundle enters in one transaction: whole or not at all. Ingesting a bundle
// already stored changes nothing.
//
//   ASSIGN_OR_RETURN(auto store, AuditStore::Open(DefaultAuditStoreLocation(), {}));
//   ASSIGN_OR_RETURN(IngestPolicy policy, LoadIngestPolicy("trust-policy.json"));
//   ASSIGN_OR_RETURN(IngestResult r, store->Ingest("hello.fnb", policy, now));
//
// An AuditStore is used by one thread at a time; several processes may share one store.
#ifndef FNSEAL_AUDIT_STORE_STORE_H_
#define FNSEAL_AUDIT_STORE_STORE_H_

#include <cstdint>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "audit/db/database.h"
#include "audit/store/facts.h"
#include "audit/store/writes.h"
#include "bundle/bundle.h"
#include "core/status.h"
#include "provenance/verification/trust_policy.h"

namespace fnseal {

// Where the store lives when --store is not given: $FNSEAL_AUDIT_STORE, else
// $XDG_DATA_HOME/fnseal/audit.db, else $HOME/.local/share/fnseal/audit.db.
// FailedPrecondition when none of these variables is set.
Result<std::string> DefaultAuditStoreLocation();

// A trust policy as ingest uses it: parsed, and as self-contained JSON (every publicKeyFile
// replaced by its PEM) that the store keeps, so that what accepted a bundle can be shown and
// replayed without the files it named.
struct IngestPolicy {
  TrustPolicy policy;
  std::string json;    // self-contained, canonical
  std::string sha256;  // of `json`
};
Result<IngestPolicy> LoadIngestPolicy(const std::string& path);
Result<IngestPolicy> ParseIngestPolicy(std::string_view self_contained_json);

// A package URL without its version, qualifiers and subpath ("pkg:deb/debian/zlib1g"): what
// `contains` matches when given a purl without a version.
std::string PurlBase(std::string_view purl);

struct IngestResult {
  enum class Outcome { kAdded, kAlreadyStored, kRefused };
  Outcome outcome = Outcome::kRefused;
  std::string offered_as;     // the path as given
  std::string bundle_sha256;  // empty when the file could not be read
  std::string function_name;  // when added or already stored
  std::string reason;         // when refused: the verification error
};

// "added", "already-stored" or "refused".
const char* IngestOutcomeName(IngestResult::Outcome outcome);

// The part of ingest that needs no store: the bundle read, verified under the policy and its facts
// extracted; or why it was refused; or, when `already_stored` says so for its digest, nothing
// more. Thread-safe: ingest runs it for several bundles at once, then stores them in order.
struct PreparedBundle {
  IngestResult result;  // outcome kAdded (to be stored), kRefused or kAlreadyStored
  std::shared_ptr<const BundleContents> contents;
  const BundleFile* manifest = nullptr;  // in `contents`
  PolicyVerification verified;
  BundleFacts facts;
  struct Envelope {
    std::string sha256;  // of the envelope's bytes
    std::string packed;  // PackEnvelope
  };
  std::map<std::string, Envelope> envelopes;  // by attestation name
  uint64_t size = 0;
};
// NotFound if `path` does not exist; a bundle that fails verification is a kRefused result.
Result<PreparedBundle> PrepareIngest(const std::string& path, const IngestPolicy& policy, int64_t now,
                                     const std::function<bool(const std::string& sha256)>& already_stored = nullptr);

struct AuditStoreOptions {
  bool read_only = false;  // queries only; the store must exist
};

class AuditStore {
 public:
  // Opens (and, unless read-only, creates or migrates) the store at `location`: a file path
  // (SQLite) or a PostgreSQL connection string (IsPostgresLocation). The parent directory of a
  // new SQLite file is created. Errors as OpenDatabase, MigrateAuditStore and CheckAuditStore.
  static Result<std::unique_ptr<AuditStore>> Open(const std::string& location, const AuditStoreOptions& options);

  // Verifies the bundle at `path` under `policy` at time `now`, then stores it. A bundle that
  // fails verification is recorded as refused (the result says why; that is not an error).
  // Errors are for the store itself (Unavailable, DataLoss...) and a file that cannot be read
  // at all (NotFound).
  Result<IngestResult> Ingest(const std::string& path, const IngestPolicy& policy, int64_t now);

  // Ingest in two steps: PrepareIngest (anywhere, in parallel), then Store here. A bundle that
  // another ingester stored in between is reported kAlreadyStored.
  Result<IngestResult> Store(const PreparedBundle& prepared, const IngestPolicy& policy, int64_t now);
  Result<bool> IsStored(const std::string& bundle_sha256);

  // Ingests the bundles at `paths`, in order: verification (PrepareIngest) runs on up to
  // `threads` workers (0: one per core, at most 8) a bounded window ahead of this thread, which
  // stores each bundle in order and commits about every `commit_every`. `on_result` sees each
  // result in order, after its bundle is stored (not yet committed). A store error (or a bundle
  // that cannot be read, NotFound) rolls back the bundles since the last commit and is returned.
  struct IngestManyOptions {
    size_t threads = 0;
    std::chrono::milliseconds commit_every{5000};
  };
  Status IngestMany(const std::vector<std::string>& paths, const IngestPolicy& policy, int64_t now,
                    const IngestManyOptions& options, const std::function<void(const IngestResult&)>& on_result);

  // Groups the Ingest calls that follow into one transaction until CommitBatch: one commit (and
  // one fsync) for many bundles. Each bundle is still whole or absent; an error inside a batch
  // leaves it open for AbortBatch, which rolls back every bundle since BeginBatch. Other writers
  // wait while a batch is open, so keep batches short (IngestMany commits about every 5 s).
  Status BeginBatch();
  Status CommitBatch();
  void AbortBatch();

  // The bundles in the store, by digest, whose digest starts with `prefix` (at least 8 hex
  // digits) or one of whose deployables has that digest. NotFound / InvalidArgument.
  Result<std::string> ResolveBundle(const std::string& reference);

  // Rebuilds the bundle's contents (files, directories, envelopes, manifest) from the store, for
  // replaying its verification.
  Result<std::shared_ptr<const BundleContents>> StoredContents(const std::string& bundle_sha256);

  // Consistency: the backend's own integrity check (SQLite), then that every stored bundle has
  // its envelopes, its files and a policy. DataLoss naming what is wrong.
  Status Check();

  Database* db() { return db_.get(); }

 private:
  explicit AuditStore(std::unique_ptr<Database> db) : db_(std::move(db)) {}
  Status RecordAttempt(const IngestResult& result, const std::string& policy_sha256, int64_t now);

  // Runs `body` in its own write transaction, or in the open batch.
  template <typename F>
  Status Write(F&& body) {
    if (in_batch_) return body();
    Status status = InWriteTransaction(db_.get(), std::forward<F>(body));
    component_ids_.End(status.ok());
    return status;
  }

  std::unique_ptr<Database> db_;
  bool in_batch_ = false;
  ComponentIds component_ids_;  // the writer's, committed and in the open transaction
};

}  // namespace fnseal

#endif  // FNSEAL_AUDIT_STORE_STORE_H_
