// A small SQL database interface with two backends: SQLite (one file, WAL; the default audit
// store) and PostgreSQL (libpq, for a team's shared store). Statements use PostgreSQL's
// positional parameters ($1, $2...) on both backends, and every value reaches the server as a
// bound parameter: no SQL is ever built from input. Results come back as text (NULL as nullopt), BLOB and
// BYTEA columns as their raw bytes.
//
//   ASSIGN_OR_RETURN(std::unique_ptr<Database> db, OpenDatabase("/var/lib/fnseal/audit.db", {}));
//   ASSIGN_OR_RETURN(Rows rows, db->Query("SELECT function FROM bundles WHERE bundle_id = $1", {id}));
//
// A Database is used by one thread at a time; open one per thread.
#ifndef FNSEAL_AUDIT_DB_DATABASE_H_
#define FNSEAL_AUDIT_DB_DATABASE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/status.h"

namespace fnseal {

// Bytes bound as a BLOB (SQLite) or BYTEA (PostgreSQL); read back as the same bytes.
struct SqlBlob {
  std::string bytes;
};

// A bound parameter: NULL, a 64-bit integer, text or bytes.
using SqlValue = std::variant<std::monostate, int64_t, std::string, SqlBlob>;

struct Rows {
  std::vector<std::string> columns;
  std::vector<std::vector<std::optional<std::string>>> rows;
};

enum class SqlDialect { kSqlite, kPostgres };

struct DatabaseOptions {
  bool read_only = false;  // every statement runs read-only; writes fail with PermissionDenied
  bool create = true;      // SQLite: create the file when missing (never with read_only)
  int busy_timeout_ms = 60000;  // how long a writer waits for another writer's lock
};

class Database {
 public:
  virtual ~Database() = default;
  virtual SqlDialect Dialect() const = 0;
  // Where the database is, without credentials: a path, or PostgreSQL's host/socket and name.
  virtual std::string Location() const = 0;

  // Runs one statement (no result rows expected) and returns the number of rows it changed.
  virtual Result<int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  // Runs one statement and returns its rows.
  virtual Result<Rows> Query(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  // Runs a script of several statements without parameters (schema migrations only).
  virtual Status ExecuteScript(std::string_view sql) = 0;
  // Runs one statement given by a user (`fnseal audit sql`): refused with PermissionDenied
  // unless the backend proves it reads only.
  virtual Result<Rows> QueryReadOnly(std::string_view sql) = 0;

  // Transactions. BeginWrite takes the write lock at once (SQLite BEGIN IMMEDIATE), so two
  // writers serialize instead of failing at commit.
  virtual Status BeginWrite() = 0;
  virtual Status Commit() = 0;
  virtual Status Rollback() = 0;
};

// Whether `location` names a PostgreSQL database ("postgresql://..." or "postgres://..." URIs,
// or a libpq key=value string such as "host=/run/postgresql dbname=audit").
bool IsPostgresLocation(std::string_view location);

// Opens the SQLite file or PostgreSQL database at `location`. NotFound for a missing SQLite file
// without `create`; FailedPrecondition when libpq cannot be loaded; Unavailable when the server
// cannot be reached; DataLoss when the file is not a database.
Result<std::unique_ptr<Database>> OpenDatabase(const std::string& location, const DatabaseOptions& options);

// Runs `body` in a write transaction: commits when it returns OK, rolls back otherwise.
template <typename F>
Status InWriteTransaction(Database* db, F&& body) {
  RETURN_IF_ERROR(db->BeginWrite());
  Status status = body();
  if (!status.ok()) {
    (void)db->Rollback();
    return status;
  }
  return db->Commit();
}

}  // namespace fnseal

#endif  // FNSEAL_AUDIT_DB_DATABASE_H_
