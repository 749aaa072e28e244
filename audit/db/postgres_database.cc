// The PostgreSQL backend, over libpq loaded on first use: libpq and what it brings (OpenSSL's
// libssl, Kerberos, LDAP) would otherwise cost every fnseal run their load time, while only a
// shared audit store needs them.
#include <dlfcn.h>
#include <postgresql/libpq-fe.h>

#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "audit/db/backends.h"
#include "core/encoding.h"
#include "core/strings.h"

namespace fnseal {
namespace {

#define FNSEAL_LIBPQ_FUNCTIONS(X) \
  X(PQconnectdb)                  \
  X(PQstatus)                     \
  X(PQerrorMessage)               \
  X(PQfinish)                     \
  X(PQexec)                       \
  X(PQexecParams)                 \
  X(PQprepare)                    \
  X(PQexecPrepared)               \
  X(PQresultStatus)               \
  X(PQresultErrorMessage)         \
  X(PQresultErrorField)           \
  X(PQclear)                      \
  X(PQntuples)                    \
  X(PQnfields)                    \
  X(PQfname)                      \
  X(PQgetvalue)                   \
  X(PQgetlength)                  \
  X(PQgetisnull)                  \
  X(PQftype)                      \
  X(PQcmdTuples)                  \
  X(PQdb)                         \
  X(PQhost)                       \
  X(PQsetNoticeProcessor)

struct Libpq {
#define FNSEAL_LIBPQ_MEMBER(name) decltype(&::name) name;
  FNSEAL_LIBPQ_FUNCTIONS(FNSEAL_LIBPQ_MEMBER)
#undef FNSEAL_LIBPQ_MEMBER
};

constexpr char kLibpqSoname[] = "libpq.so.5";
constexpr unsigned int kByteaOid = 17;  // pg_type's oid of bytea

Result<const Libpq*> Load() {
  void* handle = dlopen(kLibpqSoname, RTLD_NOW | RTLD_LOCAL);  // never closed
  if (handle == nullptr) {
    return FailedPreconditionError(std::string("a PostgreSQL store needs libpq (") + kLibpqSoname +
                                   "; Debian package libpq5), which cannot be loaded: " + dlerror());
  }
  static Libpq pq;
  void* symbol = nullptr;
#define FNSEAL_LIBPQ_BIND(name)                                                                         \
  symbol = dlsym(handle, #name);                                                                        \
  if (symbol == nullptr) {                                                                              \
    return FailedPreconditionError(std::string(kLibpqSoname) + " lacks " #name ", which fnseal calls"); \
  }                                                                                                     \
  pq.name = reinterpret_cast<decltype(pq.name)>(symbol);
  FNSEAL_LIBPQ_FUNCTIONS(FNSEAL_LIBPQ_BIND)
#undef FNSEAL_LIBPQ_BIND
  return &pq;
}

Result<const Libpq*> LoadLibpq() {
  static const Result<const Libpq*> loaded = Load();
  return loaded;
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

class PostgresDatabase : public Database {
 public:
  PostgresDatabase(const Libpq* pq, PGconn* conn) : pq_(pq), conn_(conn) {}
  ~PostgresDatabase() override { pq_->PQfinish(conn_); }

  SqlDialect Dialect() const override { return SqlDialect::kPostgres; }
  std::string Location() const override {
    const char* host = pq_->PQhost(conn_);
    return std::string("postgresql database ") + pq_->PQdb(conn_) + " on " + (host != nullptr ? host : "?");
  }

  Result<int64_t> Execute(std::string_view sql, const std::vector<SqlValue>& params) override {
    ASSIGN_OR_RETURN(Handle result, Run(sql, params, /*prepare=*/true));
    return static_cast<int64_t>(std::strtoll(pq_->PQcmdTuples(result.get()), nullptr, 10));
  }

  Result<Rows> Query(std::string_view sql, const std::vector<SqlValue>& params) override {
    ASSIGN_OR_RETURN(Handle result, Run(sql, params, /*prepare=*/true));
    return ToRows(result.get());
  }

  Status ExecuteScript(std::string_view sql) override {
    Handle result(pq_->PQexec(conn_, std::string(sql).c_str()), pq_->PQclear);
    return Check(result.get());
  }

  // One statement (the extended protocol refuses more) inside a READ ONLY transaction that is
  // always rolled back; statements that are not queries are refused before they reach the server.
  Result<Rows> QueryReadOnly(std::string_view sql) override {
    std::string first = AsciiLower(sql.substr(0, std::min<size_t>(sql.size(), 64)));
    first.erase(0, first.find_first_not_of(" \t\r\n("));
    if (!(StartsWith(first, "select") || StartsWith(first, "with") || StartsWith(first, "values") ||
          StartsWith(first, "table") || StartsWith(first, "explain"))) {
      return PermissionDeniedError("only reading statements (SELECT, WITH, VALUES, TABLE, EXPLAIN) run here");
    }
    RETURN_IF_ERROR(ExecuteScript("BEGIN READ ONLY"));
    Result<Rows> rows = [&]() -> Result<Rows> {
      ASSIGN_OR_RETURN(Handle result, Run(sql, {}, /*prepare=*/false));
      return ToRows(result.get());
    }();
    (void)ExecuteScript("ROLLBACK");
    return rows;
  }

  Status BeginWrite() override { return ExecuteScript("BEGIN"); }
  Status Commit() override { return ExecuteScript("COMMIT"); }
  Status Rollback() override { return ExecuteScript("ROLLBACK"); }

 private:
  using Handle = std::unique_ptr<PGresult, void (*)(PGresult*)>;

  Status Check(const PGresult* result) const {
    const ExecStatusType status = pq_->PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return OkStatus();
    const char* state = pq_->PQresultErrorField(result, PG_DIAG_SQLSTATE);
    const std::string sqlstate = state != nullptr ? state : "";
    std::string message = Trim(result != nullptr ? pq_->PQresultErrorMessage(result) : pq_->PQerrorMessage(conn_));
    if (sqlstate == "25006" || StartsWith(sqlstate, "42501")) return PermissionDeniedError(message);
    if (StartsWith(sqlstate, "23")) return FailedPreconditionError(message);
    if (StartsWith(sqlstate, "08") || sqlstate.empty()) return UnavailableError(message);
    if (StartsWith(sqlstate, "53")) return ResourceExhaustedError(message);
    if (StartsWith(sqlstate, "40")) return UnavailableError(message + " (retry)");
    return InvalidArgumentError(message);
  }

  // Runs `sql` with `params`. With `prepare`, the statement is prepared on the server once per
  // connection (fnseal's own statements: ingest runs the same thousand-parameter inserts for every
  // bundle, and planning them each time costs more than running them); a user's SQL is not.
  Result<Handle> Run(std::string_view sql, const std::vector<SqlValue>& params, bool prepare) {
    std::vector<std::string> texts(params.size());
    std::vector<const char*> values(params.size(), nullptr);
    // Text parameters go as text; bytes go in binary format (no escaping), with their length.
    std::vector<int> lengths(params.size(), 0), formats(params.size(), 0);
    std::vector<unsigned int> types(params.size(), 0);
    for (size_t i = 0; i < params.size(); ++i) {
      if (const auto* n = std::get_if<int64_t>(&params[i])) {
        texts[i] = std::to_string(*n);
        values[i] = texts[i].c_str();
      } else if (const auto* s = std::get_if<std::string>(&params[i])) {
        if (s->find('\0') != std::string::npos) return InvalidArgumentError("a text value holds a NUL byte");
        values[i] = s->c_str();
      } else if (const auto* b = std::get_if<SqlBlob>(&params[i])) {
        if (b->bytes.size() > static_cast<size_t>(INT32_MAX)) return ResourceExhaustedError("a value over 2 GiB");
        values[i] = b->bytes.data();
        lengths[i] = static_cast<int>(b->bytes.size());
        formats[i] = 1;
        types[i] = kByteaOid;
      }
    }
    const std::string text(sql);
    const int count = static_cast<int>(params.size());
    if (prepare) {
      auto found = prepared_.find(text);
      if (found == prepared_.end() && prepared_.size() < kMaxPrepared) {
        const std::string name = "fnseal_" + std::to_string(prepared_.size() + 1);
        Handle made(pq_->PQprepare(conn_, name.c_str(), text.c_str(), count, types.data()), pq_->PQclear);
        RETURN_IF_ERROR(Check(made.get()));
        found = prepared_.emplace(text, name).first;
      }
      if (found != prepared_.end()) {
        Handle result(pq_->PQexecPrepared(conn_, found->second.c_str(), count, values.data(), lengths.data(),
                                          formats.data(), 0),
                      pq_->PQclear);
        RETURN_IF_ERROR(Check(result.get()));
        return result;
      }
    }
    Handle result(
        pq_->PQexecParams(conn_, text.c_str(), count, types.data(), values.data(), lengths.data(), formats.data(), 0),
        pq_->PQclear);
    RETURN_IF_ERROR(Check(result.get()));
    return result;
  }

  Result<Rows> ToRows(const PGresult* result) const {
    Rows rows;
    const int fields = pq_->PQnfields(result);
    const int tuples = pq_->PQntuples(result);
    std::vector<bool> bytea(static_cast<size_t>(fields));
    for (int c = 0; c < fields; ++c) {
      rows.columns.emplace_back(pq_->PQfname(result, c));
      bytea[static_cast<size_t>(c)] = pq_->PQftype(result, c) == kByteaOid;
    }
    rows.rows.reserve(static_cast<size_t>(tuples));
    for (int r = 0; r < tuples; ++r) {
      auto& row = rows.rows.emplace_back();
      for (int c = 0; c < fields; ++c) {
        if (pq_->PQgetisnull(result, r, c)) {
          row.emplace_back(std::nullopt);
          continue;
        }
        std::string_view text(pq_->PQgetvalue(result, r, c), static_cast<size_t>(pq_->PQgetlength(result, r, c)));
        if (!bytea[static_cast<size_t>(c)]) {
          row.emplace_back(std::string(text));
          continue;
        }
        // BYTEA arrives in text format as "\x" and hex (bytea_output, set at connect).
        Result<std::string> bytes = StartsWith(text, "\\x") ? HexDecode(text.substr(2))
                                                             : Result<std::string>(DataLossError("bytea not in hex"));
        if (!bytes.ok()) return bytes.status().Annotate("column " + rows.columns[static_cast<size_t>(c)]);
        row.emplace_back(std::move(*bytes));
      }
    }
    return rows;
  }

  static constexpr size_t kMaxPrepared = 1024;  // beyond this, statements are planned each time

  const Libpq* pq_;
  PGconn* conn_;
  std::map<std::string, std::string> prepared_;  // SQL -> the server-side statement's name
};

void IgnoreNotice(void*, const char*) {}

}  // namespace

Result<std::unique_ptr<Database>> OpenPostgresDatabase(const std::string& conninfo, const DatabaseOptions& options) {
  ASSIGN_OR_RETURN(const Libpq* pq, LoadLibpq());
  PGconn* conn = pq->PQconnectdb(conninfo.c_str());
  if (conn == nullptr) return ResourceExhaustedError("libpq could not allocate a connection");
  if (pq->PQstatus(conn) != CONNECTION_OK) {
    std::string message = Trim(pq->PQerrorMessage(conn));
    pq->PQfinish(conn);
    return UnavailableError("cannot connect to the PostgreSQL store: " + message);
  }
  pq->PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  auto db = std::make_unique<PostgresDatabase>(pq, conn);
  std::string setup = "SET client_encoding = 'UTF8'; SET bytea_output = 'hex'; SET lock_timeout = " +
                      std::to_string(options.busy_timeout_ms);
  if (options.read_only) setup += "; SET default_transaction_read_only = on";
  RETURN_IF_ERROR(db->ExecuteScript(setup));
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace fnseal
