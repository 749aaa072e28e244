// For tests of the audit store: fresh, empty databases on every backend the test run has.
// SQLite always; PostgreSQL when FNSEAL_TEST_POSTGRES holds a libpq connection string to a
// server whose user may create databases (tools/test starts one: tests/audit/run.sh). Each call
// makes a new database, so tests never see each other's rows.
#ifndef FNSEAL_AUDIT_DB_TEST_DATABASES_H_
#define FNSEAL_AUDIT_DB_TEST_DATABASES_H_

#include <string>
#include <vector>

namespace fnseal::test {

struct TestDatabase {
  std::string backend;   // "sqlite" or "postgres"
  std::string location;  // for OpenDatabase
};

// One fresh database per backend, named after the running test and `suffix`.
std::vector<TestDatabase> FreshTestDatabases(const std::string& suffix = "");

}  // namespace fnseal::test

#endif  // FNSEAL_AUDIT_DB_TEST_DATABASES_H_
