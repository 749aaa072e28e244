// The SQLite backend: one file in WAL mode, foreign keys on, writers wait for each other.
#include <sqlite3.h>

#include <cstdlib>
#include <unordered_map>
#include <memory>
#include <string>
#include <vector>

#include "audit/db/backends.h"
#include "core/strings.h"

namespace fnseal {
namespace {

class SqliteDatabase : public Database {
 public:
  SqliteDatabase(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  ~SqliteDatabase() override {
    for (auto& [sql, prepared] : cache_) sqlite3_finalize(prepared.stmt);
    sqlite3_close_v2(db_);
  }

  SqlDialect Dialect() const override { return SqlDialect::kSqlite; }
  std::string Location() const override { return path_; }

  Result<int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& params) override {
    ASSIGN_OR_RETURN(Rows rows, Run(sql, params, false));
    (void)rows;
    return static_cast<int64_t>(sqlite3_changes64(db_));
  }

  Result<Rows> Query(std::string_view sql, const std::vector<SqlValue>& params) override {
    return Run(sql, params, false);
  }

  Status ExecuteScript(std::string_view sql) override {
    char* message = nullptr;
    const std::string text(sql);
    if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      Status status = Error(message != nullptr ? message : sqlite3_errmsg(db_));
      sqlite3_free(message);
      return status;
    }
    return OkStatus();
  }

  Result<Rows> QueryReadOnly(std::string_view sql) override { return Run(sql, {}, /*user_sql=*/true); }

  Status BeginWrite() override { return ExecuteScript("BEGIN IMMEDIATE"); }
  Status Commit() override { return ExecuteScript("COMMIT"); }
  Status Rollback() override { return ExecuteScript("ROLLBACK"); }

 private:
  Status Error(const std::string& what) const {
    const int code = sqlite3_extended_errcode(db_) & 0xff;
    std::string message = path_ + ": " + what;
    switch (code) {
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return UnavailableError(message + " (another process holds the store's write lock)");
      case SQLITE_NOTADB:
      case SQLITE_CORRUPT:
        return DataLossError(message);
      case SQLITE_READONLY:
      case SQLITE_AUTH:
        return PermissionDeniedError(message);
      case SQLITE_CONSTRAINT:
        return FailedPreconditionError(message);
      case SQLITE_FULL:
      case SQLITE_NOMEM:
        return ResourceExhaustedError(message);
      case SQLITE_IOERR:
      case SQLITE_CANTOPEN:
        return UnavailableError(message);
      default:
        return InvalidArgumentError(message);
    }
  }

  // A prepared statement and, for each of its parameters in order, the 0-based index of its
  // value ($1 is 0). The indices are read once: sqlite3_bind_parameter_name is linear in the
  // number of parameters, and a multi-row insert has hundreds.
  struct Prepared {
    sqlite3_stmt* stmt = nullptr;
    std::vector<size_t> value_index;
  };

  // Prepared statements are cached by their text: ingest runs the same few statements thousands
  // of times. A statement is reset after every use, so none keeps a read transaction open.
  Result<Prepared> Prepare(std::string_view sql, bool user_sql) {
    if (!user_sql) {
      auto found = cache_.find(std::string(sql));
      if (found != cache_.end()) return found->second;
    }
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), user_sql ? 0 : SQLITE_PREPARE_PERSISTENT,
                           &raw, &tail) != SQLITE_OK) {
      return Error(sqlite3_errmsg(db_));
    }
    if (raw == nullptr) return InvalidArgumentError("empty SQL statement");
    const std::string_view rest = sql.substr(static_cast<size_t>(tail - sql.data()));
    if (rest.find_first_not_of(" \t\r\n;") != std::string_view::npos) {
      sqlite3_finalize(raw);
      return InvalidArgumentError("one SQL statement at a time");
    }
    Prepared prepared{raw, {}};
    const int count = sqlite3_bind_parameter_count(raw);
    for (int i = 1; i <= count; ++i) {
      const char* name = sqlite3_bind_parameter_name(raw, i);
      const long index = name != nullptr && name[0] == '$' ? std::strtol(name + 1, nullptr, 10) : 0;
      if (index < 1) {
        sqlite3_finalize(raw);
        return InvalidArgumentError("parameters are written $1, $2...");
      }
      prepared.value_index.push_back(static_cast<size_t>(index - 1));
    }
    if (!user_sql) cache_.emplace(std::string(sql), prepared);
    return prepared;
  }

  Result<Rows> Run(std::string_view sql, const std::vector<SqlValue>& params, bool user_sql) {
    ASSIGN_OR_RETURN(Prepared prepared, Prepare(sql, user_sql));
    auto done = [user_sql](sqlite3_stmt* stmt) {
      if (user_sql) return sqlite3_finalize(stmt);
      sqlite3_reset(stmt);
      return sqlite3_clear_bindings(stmt);
    };
    std::unique_ptr<sqlite3_stmt, decltype(done)> stmt(prepared.stmt, done);
    if (user_sql && !sqlite3_stmt_readonly(stmt.get())) {
      return PermissionDeniedError("the statement would write to the store; only reading statements run here");
    }
    for (size_t i = 0; i < prepared.value_index.size(); ++i) {
      const size_t index = prepared.value_index[i];
      if (index >= params.size()) return InvalidArgumentError("no value for parameter $" + std::to_string(index + 1));
      const SqlValue& value = params[index];
      const int position = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      if (const auto* n = std::get_if<int64_t>(&value)) {
        rc = sqlite3_bind_int64(stmt.get(), position, *n);
      } else if (const auto* s = std::get_if<std::string>(&value)) {
        rc = sqlite3_bind_text64(stmt.get(), position, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
      } else if (const auto* b = std::get_if<SqlBlob>(&value)) {
        rc = sqlite3_bind_blob64(stmt.get(), position, b->bytes.data(), b->bytes.size(), SQLITE_STATIC);
      } else {
        rc = sqlite3_bind_null(stmt.get(), position);
      }
      if (rc != SQLITE_OK) return Error(sqlite3_errmsg(db_));
    }
    Rows rows;
    const int columns = sqlite3_column_count(stmt.get());
    for (int c = 0; c < columns; ++c) rows.columns.emplace_back(sqlite3_column_name(stmt.get(), c));
    for (;;) {
      const int rc = sqlite3_step(stmt.get());
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return Error(sqlite3_errmsg(db_));
      auto& row = rows.rows.emplace_back();
      row.reserve(static_cast<size_t>(columns));
      for (int c = 0; c < columns; ++c) {
        if (sqlite3_column_type(stmt.get(), c) == SQLITE_NULL) {
          row.emplace_back(std::nullopt);
        } else if (sqlite3_column_type(stmt.get(), c) == SQLITE_BLOB) {
          const auto* bytes = static_cast<const char*>(sqlite3_column_blob(stmt.get(), c));
          const auto size = static_cast<size_t>(sqlite3_column_bytes(stmt.get(), c));
          row.emplace_back(size == 0 ? std::string() : std::string(bytes, size));
        } else {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), c));
          row.emplace_back(std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt.get(), c))));
        }
      }
    }
    return rows;
  }

  sqlite3* db_;
  std::string path_;
  std::unordered_map<std::string, Prepared> cache_;  // hashed: multi-row inserts' texts are long
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path, const DatabaseOptions& options) {
  int flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (options.read_only) {
    flags |= SQLITE_OPEN_READONLY;
  } else {
    flags |= SQLITE_OPEN_READWRITE | (options.create ? SQLITE_OPEN_CREATE : 0);
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = raw != nullptr ? sqlite3_errmsg(raw) : "out of memory";
    sqlite3_close_v2(raw);
    if ((rc & 0xff) == SQLITE_CANTOPEN) return NotFoundError(path + ": cannot open the store: " + message);
    return UnavailableError(path + ": " + message);
  }
  auto db = std::make_unique<SqliteDatabase>(raw, path);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  // Reading the schema is the first access to the file: a foreign or corrupt file fails here.
  Database& base = *db;
  Result<Rows> probe = base.Query("PRAGMA schema_version");
  if (!probe.ok()) {
    if (probe.status().code() == StatusCode::kDataLoss) {
      return DataLossError(path + ": not an SQLite database, or a corrupt one (" + sqlite3_errmsg(raw) + ")");
    }
    return probe.status();
  }
  // Readers map the file (up to SQLite's build limit) instead of copying every page they read;
  // writers keep up to 256 MiB of pages: ingest adds to a dozen indexes per bundle, and the
  // default 2 MiB cache makes it read most of their pages again for every batch.
  RETURN_IF_ERROR(db->ExecuteScript(options.read_only ? "PRAGMA query_only = ON; PRAGMA foreign_keys = ON; "
                                                        "PRAGMA mmap_size = 17179869184"
                                                      : "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; "
                                                        "PRAGMA cache_size = -262144"));
  if (!options.read_only) {
    ASSIGN_OR_RETURN(Rows mode, base.Query("PRAGMA journal_mode = WAL"));
    (void)mode;
  }
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace fnseal
