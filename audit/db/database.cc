#include "audit/db/database.h"

#include "audit/db/backends.h"
#include "core/strings.h"

namespace fnseal {

bool IsPostgresLocation(std::string_view location) {
  if (StartsWith(location, "postgresql://") || StartsWith(location, "postgres://")) return true;
  // libpq's key=value form starts with a keyword ("host=", "dbname=", "service="...).
  const size_t eq = location.find('=');
  if (eq == std::string_view::npos || eq == 0) return false;
  for (char c : location.substr(0, eq)) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return false;
  }
  return true;
}

Result<std::unique_ptr<Database>> OpenDatabase(const std::string& location, const DatabaseOptions& options) {
  if (location.empty()) return InvalidArgumentError("no store given");
  if (IsPostgresLocation(location)) return OpenPostgresDatabase(location, options);
  return OpenSqliteDatabase(location, options);
}

}  // namespace fnseal
