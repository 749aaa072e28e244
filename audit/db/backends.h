// The backends behind OpenDatabase (database.h); private to //audit/db.
#ifndef FNSEAL_AUDIT_DB_BACKENDS_H_
#define FNSEAL_AUDIT_DB_BACKENDS_H_

#include <memory>
#include <string>

#include "audit/db/database.h"

namespace fnseal {

Result<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path, const DatabaseOptions& options);
Result<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& conninfo, const DatabaseOptions& options);

}  // namespace fnseal

#endif  // FNSEAL_AUDIT_DB_BACKENDS_H_
