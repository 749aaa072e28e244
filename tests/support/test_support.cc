#include "tests/support/test_support.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "core/status.h"

namespace fnseal::test {
namespace {

[[noreturn]] void Abort(const std::string& what, const Status& status) {
  ADD_FAILURE() << what << ": " << status.ToString();
  std::abort();
}

}  // namespace

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
