// The audit store's schema: tables of verified facts, the raw signed envelopes they came from,
// and the read-only views that are the documented query interface (docs/audit.md). The same
// schema and migrations run on SQLite and PostgreSQL.
#ifndef FNSEAL_AUDIT_STORE_SCHEMA_H_
#define FNSEAL_AUDIT_STORE_SCHEMA_H_

#include "audit/db/database.h"
#include "core/status.h"

namespace fnseal {

// The schema version this fnseal writes and reads.
inline constexpr int kAuditSchemaVersion = 3;

// Brings an empty database, or a store at an older version, to `to_version` (tests build older
// stores with it), in one write transaction (concurrent callers serialize; the second finds the
// work done). A store at `to_version` or later is left as it is. FailedPrecondition when the
// database holds tables but is not an fnseal audit store, or when the store is newer than this
// fnseal.
Status MigrateAuditStore(Database* db, int to_version = kAuditSchemaVersion);

// Checks, without writing, that `db` is an fnseal audit store at kAuditSchemaVersion.
// NotFound for an empty database; FailedPrecondition as MigrateAuditStore.
Status CheckAuditStore(Database* db);

}  // namespace fnseal

#endif  // FNSEAL_AUDIT_STORE_SCHEMA_H_
