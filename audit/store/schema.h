// The audit store's schema: tables of verified facts, the raw signed envelopes they came from,
// and the read-only views that are the documented query interface (docs/audit.md). The same
// schema and migrations run on SQLite and PostgreSQL.
#ifndef FNSEAL_AUDIT_STORE_SCHEMA_H_
#define FNSEAL_AUDIT_STORE_SCHEMA_H_

#include "audit/db/database.h"
#include "core/status.h"

namespace fnseal {

// The schema version this fnseal writes and reads.
inline constexpr int kAuditSchemaVersion = 1;

// Brings an empty database, or a store at an older version, to kAuditSchemaVersion, in one
// write transaction (concurrent callers serialize; the second finds the work done).
// FailedPrecondition when the database holds tables but is not an fnseal audit store, or when
// the store is newer than this fnseal.
Status MigrateAuditStore(Database* db);

// Checks, without writing, that `db` is an fnseal audit store at kAuditSchemaVersion.
// NotFound for an empty database; FailedPrecondition as MigrateAuditStore.
Status CheckAuditStore(Database* db);

}  // namespace fnseal

#endif  // FNSEAL_AUDIT_STORE_SCHEMA_H_
