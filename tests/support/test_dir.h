// Scratch files for fnseal's C++ tests, under Bazel's $TEST_TMPDIR (/tmp when run outside
// Bazel), and the test's runfiles. Depends only on //core:file, so tests of the base and formats
// layers can use it without linking anything above them. A directory that cannot be made, or a
// test file that cannot be read, is a test failure followed by abort().
#ifndef FNSEAL_TESTS_SUPPORT_TEST_DIR_H_
#define FNSEAL_TESTS_SUPPORT_TEST_DIR_H_

#include <string>

namespace fnseal::test {

// The test's scratch directory: $TEST_TMPDIR, or /tmp.
std::string TestTempRoot();

// `name` (a relative path) under TestTempRoot(); nothing is created.
std::string TestTempPath(const std::string& name);

// A fresh, empty directory under TestTempRoot() named after the running test: what an earlier
// run of the same test left there is removed first.
std::string FreshTestDir();

// A new, empty directory under TestTempRoot(), different on every call (mkdtemp), named
// "<prefix>.XXXXXX".
std::string NewTestDir(const std::string& prefix = "test");

// The bytes of a file in the test's runfiles (a workspace-relative path).
std::string ReadTestFile(const std::string& path);

}  // namespace fnseal::test

#endif  // FNSEAL_TESTS_SUPPORT_TEST_DIR_H_
