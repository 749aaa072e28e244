#include "audit/db/test_databases.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <memory>

#include "audit/db/database.h"
#include "core/file.h"

namespace fnseal::test {

std::vector<TestDatabase> FreshTestDatabases(const std::string& suffix) {
  std::vector<TestDatabase> out;
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  // Beside the test's FreshTestDir, not in it: a test may have filled that directory already.
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string dir = std::string(tmp != nullptr ? tmp : "/tmp") + "/" + info->test_suite_name() + "." +
                          info->name() + ".stores";
  RemoveTree(dir);
  if (std::system(("mkdir -p '" + dir + "'").c_str()) != 0) {
    ADD_FAILURE() << "cannot create " << dir;
    std::abort();
  }
  out.push_back({"sqlite", dir + "/store" + suffix + ".db"});
  const char* server = std::getenv("FNSEAL_TEST_POSTGRES");
  if (server == nullptr || *server == '\0') return out;
  std::string name = "t_";
  for (char c : std::string(info->test_suite_name()) + "_" + info->name() + suffix) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : '_';
  }
  name = name.substr(0, 63);
  Result<std::unique_ptr<Database>> admin = OpenDatabase(server, {});
  if (!admin.ok()) {
    ADD_FAILURE() << "FNSEAL_TEST_POSTGRES is set but the server is not reachable: " << admin.status().ToString();
    std::abort();
  }
  // Names come from test names ([a-z0-9_]), never from input: this is the one SQL built as text.
  Status dropped = (*admin)->ExecuteScript("DROP DATABASE IF EXISTS " + name);
  Status created = (*admin)->ExecuteScript("CREATE DATABASE " + name);
  if (!dropped.ok() || !created.ok()) {
    ADD_FAILURE() << "cannot create database " << name << ": " << dropped.ToString() << " " << created.ToString();
    std::abort();
  }
  out.push_back({"postgres", std::string(server) + " dbname=" + name});
  return out;
}

}  // namespace fnseal::test
