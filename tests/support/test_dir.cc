#include "tests/support/test_dir.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <vector>

#include "core/file.h"
#include "core/status.h"

namespace fnseal::test {
namespace {

[[noreturn]] void Abort(const std::string& what, const Status& status) {
  ADD_FAILURE() << what << ": " << status.ToString();
  std::abort();
}

}  // namespace

std::string TestTempRoot() {
  const char* root = std::getenv("TEST_TMPDIR");
  return root != nullptr && *root != '\0' ? root : "/tmp";
}

std::string TestTempPath(const std::string& name) { return TestTempRoot() + "/" + name; }

std::string FreshTestDir() {
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir = TestTempPath(test != nullptr ? std::string(test->test_suite_name()) + "." + test->name()
                                                 : "fnseal-test");
  RemoveTree(dir);
  std::string command = "mkdir -p '" + dir + "'";
  if (std::system(command.c_str()) != 0) Abort(dir, InternalError("cannot create the test directory"));
  return dir;
}

std::string NewTestDir(const std::string& prefix) {
  const std::string pattern = TestTempPath(prefix + ".XXXXXX");
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  if (::mkdtemp(name.data()) == nullptr) Abort(pattern, InternalError("cannot create the test directory"));
  return std::string(name.data());
}

std::string ReadTestFile(const std::string& path) {
  Result<std::string> bytes = ReadFile(path);
  if (!bytes.ok()) Abort(path, bytes.status());
  return std::move(bytes).value();
}

}  // namespace fnseal::test
