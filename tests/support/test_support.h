// Helpers for fnseal's C++ tests. Loading a test file or key that is missing or malformed is a
// test failure followed by abort(), so a test never runs on with an empty key.
#ifndef FNSEAL_TESTS_SUPPORT_TEST_SUPPORT_H_
#define FNSEAL_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <string>
#include <string_view>

#include "provenance/signing/keys.h"

namespace fnseal::test {

// A fresh, empty directory under the test's scratch space, named after the running test.
std::string FreshTestDir();

// The bytes of a file in the test's runfiles (a workspace-relative path).
std::string ReadTestFile(const std::string& path);

// Keys from testdata/keys, by file name ("ed25519.pem", "ecdsa-p256.pub.pem").
PrivateKey TestPrivateKey(const std::string& name, std::string_view passphrase = {});
PublicKey TestPublicKey(const std::string& name);

}  // namespace fnseal::test

#endif  // FNSEAL_TESTS_SUPPORT_TEST_SUPPORT_H_
