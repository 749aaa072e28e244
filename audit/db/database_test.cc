#include "audit/db/database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit/db/test_databases.h"
#include "core/file.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_support.h"

namespace fnseal {
namespace {

using ::fnseal::test::IsOk;
using ::fnseal::test::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;

TEST(DatabaseTest, LocationsChooseTheBackend) {
  EXPECT_TRUE(IsPostgresLocation("postgresql://auditor@db.example.com/audit"));
  EXPECT_TRUE(IsPostgresLocation("postgres:///audit?host=/run/postgresql"));
  EXPECT_TRUE(IsPostgresLocation("host=/run/postgresql dbname=audit"));
  EXPECT_FALSE(IsPostgresLocation("/var/lib/fnseal/audit.db"));
  EXPECT_FALSE(IsPostgresLocation("/srv/a=b/audit.db"));
  EXPECT_FALSE(IsPostgresLocation("audit.db"));
}

TEST(DatabaseTest, ParametersAreBoundNotSpliced) {
  for (const auto& t : test::FreshTestDatabases()) {
    SCOPED_TRACE(t.backend);
    auto db = OpenDatabase(t.location, {});
    ASSERT_THAT(db, IsOk());
    Database& d = **db;
    ASSERT_THAT(d.ExecuteScript("CREATE TABLE t (name TEXT PRIMARY KEY, n BIGINT)"), IsOk());
    const std::string hostile = "x'); DROP TABLE t; --";
    auto changed = d.Execute("INSERT INTO t (name, n) VALUES ($1, $2)", {hostile, int64_t{1} << 40});
    ASSERT_THAT(changed, IsOk());
    EXPECT_EQ(*changed, 1);
    ASSERT_THAT(d.Execute("INSERT INTO t (name, n) VALUES ($1, $2)", {std::string("null"), std::monostate{}}), IsOk());
    auto rows = d.Query("SELECT name, n FROM t WHERE n > $1 OR n IS NULL ORDER BY name", {int64_t{5}});
    ASSERT_THAT(rows, IsOk());
    EXPECT_THAT(rows->columns, ElementsAre("name", "n"));
    ASSERT_EQ(rows->rows.size(), 2u);
    EXPECT_THAT(rows->rows[0][0], Optional(std::string("null")));
    EXPECT_EQ(rows->rows[0][1], std::nullopt);
    EXPECT_THAT(rows->rows[1][0], Optional(hostile));
    EXPECT_THAT(rows->rows[1][1], Optional(std::to_string(int64_t{1} << 40)));
  }
}

TEST(DatabaseTest, BytesRoundTripUnchanged) {
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte.push_back(static_cast<char>(b));
  const std::string large(1 << 20, '\0');
  for (const auto& t : test::FreshTestDatabases()) {
    SCOPED_TRACE(t.backend);
    auto db = OpenDatabase(t.location, {});
    ASSERT_THAT(db, IsOk());
    Database& d = **db;
    const std::string type = d.Dialect() == SqlDialect::kSqlite ? "BLOB" : "BYTEA";
    ASSERT_THAT(d.ExecuteScript("CREATE TABLE b (k BIGINT PRIMARY KEY, v " + type + ")"), IsOk());
    ASSERT_THAT(d.Execute("INSERT INTO b (k, v) VALUES (1, $1), (2, $2), (3, $3)",
                          {SqlBlob{every_byte}, SqlBlob{""}, SqlBlob{large}}),
                IsOk());
    for (bool read_only : {false, true}) {
      auto rows = read_only ? d.QueryReadOnly("SELECT v FROM b ORDER BY k") : d.Query("SELECT v FROM b ORDER BY k");
      ASSERT_THAT(rows, IsOk());
      ASSERT_EQ(rows->rows.size(), 3u);
      EXPECT_THAT(rows->rows[0][0], Optional(every_byte));
      EXPECT_THAT(rows->rows[1][0], Optional(std::string()));
      EXPECT_THAT(rows->rows[2][0], Optional(large));
    }
    // Bytes compare as bytes in a parameter, too.
    auto found = d.Query("SELECT k FROM b WHERE v = $1", {SqlBlob{every_byte}});
    ASSERT_THAT(found, IsOk());
    ASSERT_EQ(found->rows.size(), 1u);
    EXPECT_THAT(found->rows[0][0], Optional(std::string("1")));
  }
}

TEST(DatabaseTest, ReadOnlyQueriesRefuseWrites) {
  for (const auto& t : test::FreshTestDatabases()) {
    SCOPED_TRACE(t.backend);
    auto db = OpenDatabase(t.location, {});
    ASSERT_THAT(db, IsOk());
    ASSERT_THAT((*db)->ExecuteScript("CREATE TABLE t (n BIGINT); INSERT INTO t VALUES (7)"), IsOk());
    EXPECT_THAT((*db)->QueryReadOnly("DELETE FROM t"), StatusIs(StatusCode::kPermissionDenied, ::testing::_));
    EXPECT_THAT((*db)->QueryReadOnly("SELECT 1; DELETE FROM t"), StatusIs(StatusCode::kInvalidArgument, ::testing::_));
    EXPECT_THAT((*db)->QueryReadOnly("WITH x AS (SELECT 1) DELETE FROM t"),
                StatusIs(StatusCode::kPermissionDenied, ::testing::_));
    auto rows = (*db)->QueryReadOnly("SELECT count(*) AS n FROM t");
    ASSERT_THAT(rows, IsOk());
    EXPECT_THAT(rows->rows[0][0], Optional(std::string("1")));
  }
}

TEST(DatabaseTest, TransactionsRollBackOnError) {
  for (const auto& t : test::FreshTestDatabases()) {
    SCOPED_TRACE(t.backend);
    auto db = OpenDatabase(t.location, {});
    ASSERT_THAT(db, IsOk());
    Database& d = **db;
    ASSERT_THAT(d.ExecuteScript("CREATE TABLE t (k TEXT PRIMARY KEY)"), IsOk());
    Status failed = InWriteTransaction(&d, [&]() -> Status {
      RETURN_IF_ERROR(d.Execute("INSERT INTO t VALUES ($1)", {std::string("a")}));
      return d.Execute("INSERT INTO t VALUES ($1)", {std::string("a")}).status();
    });
    EXPECT_THAT(failed, StatusIs(StatusCode::kFailedPrecondition, ::testing::_));
    auto rows = d.Query("SELECT count(*) FROM t");
    ASSERT_THAT(rows, IsOk());
    EXPECT_THAT(rows->rows[0][0], Optional(std::string("0")));
  }
}

TEST(DatabaseTest, ForeignAndMissingFilesGiveClearErrors) {
  const std::string dir = test::FreshTestDir();
  ASSERT_THAT(WriteFileAtomic(dir + "/notes.txt", std::string(4096, 'x')), IsOk());
  EXPECT_THAT(OpenDatabase(dir + "/notes.txt", {}),
              StatusIs(StatusCode::kDataLoss, HasSubstr("not an SQLite database")));
  DatabaseOptions no_create;
  no_create.create = false;
  EXPECT_THAT(OpenDatabase(dir + "/missing.db", no_create), StatusIs(StatusCode::kNotFound, ::testing::_));
  EXPECT_FALSE(PathExists(dir + "/missing.db"));
  EXPECT_THAT(OpenDatabase("host=/nonexistent-socket-dir dbname=x connect_timeout=2", {}),
              StatusIs(StatusCode::kUnavailable, HasSubstr("cannot connect")));
}

}  // namespace
}  // namespace fnseal
