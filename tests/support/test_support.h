// The test keys of testdata/keys for fnseal's C++ tests, and (through test_dir.h) scratch
// directories and test files. Loading a key that is missing or malformed is a test failure
// followed by abort(), so a test never runs on with an empty key.
#ifndef FNSEAL_TESTS_SUPPORT_TEST_SUPPORT_H_
#define FNSEAL_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <string>
#include <string_view>

#include "provenance/signing/keys.h"
#include "tests/support/test_dir.h"

namespace fnseal::test {

// Keys from testdata/keys, by file name ("ed25519.pem", "ecdsa-p256.pub.pem").
PrivateKey TestPrivateKey(const std::string& name, std::string_view passphrase = {});
PublicKey TestPublicKey(const std::string& name);

}  // namespace fnseal::test

#endif  // FNSEAL_TESTS_SUPPORT_TEST_SUPPORT_H_
