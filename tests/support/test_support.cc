#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/file.h"

namespace fnseal::test {
namespace {

[[noreturn]] void Abort(const std::string& what, const Status& status) {
  ADD_FAILURE() << what << ": " << status.ToString();
  std::abort();
}

}  // namespace

std::string FreshTestDir() {
  const char* root = std::getenv("TEST_TMPDIR");
  const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string dir = std::string(root != nullptr ? root : "/tmp") + "/" +
                    (test != nullptr ? std::string(test->test_suite_name()) + "." + test->name() : "fnseal-test");
  RemoveTree(dir);
  std::string command = "mkdir -p '" + dir + "'";
  if (std::system(command.c_str()) != 0) Abort(dir, InternalError("cannot create the test directory"));
  return dir;
}

std::string ReadTestFile(const std::string& path) {
  Result<std::string> bytes = ReadFile(path);
  if (!bytes.ok()) Abort(path, bytes.status());
  return std::move(bytes).value();
}

PrivateKey TestPrivateKey(const std::string& name, std::string_view passphrase) {
  Result<PrivateKey> key = PrivateKey::FromPem(ReadTestFile("testdata/keys/" + name), passphrase);
  if (!key.ok()) Abort(name, key.status());
  return std::move(key).value();
}

PublicKey TestPublicKey(const std::string& name) {
  Result<PublicKey> key = PublicKey::FromPem(ReadTestFile("testdata/keys/" + name));
  if (!key.ok()) Abort(name, key.status());
  return std::move(key).value();
}

}  // namespace fnseal::test
