// Signed bundles for the audit store's tests: a function with code, a model derived from a base
// model and trained on a data set, toolchain libraries with Debian purls, and stamped provenance.
#ifndef FNSEAL_AUDIT_STORE_TEST_BUNDLES_H_
#define FNSEAL_AUDIT_STORE_TEST_BUNDLES_H_

#include <string>
#include <vector>

#include "provenance/sbom/components.h"
#include "provenance/signing/keys.h"

namespace fnseal::test {

struct TestBundle {
  std::string function = "hello";
  std::string version = "1.0.0";
  std::string source_uri = "git+https://git.example.com/acme/functions@refs/heads/main";
  std::string source_commit = "0123456789abcdef0123456789abcdef01234567";
  std::string model_license = "LicenseRef-fnseal-BigScience-OpenRAIL-M";
  std::string extra_library_license;  // when set, a //third_party:extra component under it
  std::string handler_bytes = "#!/bin/sh\necho hello\n";
};

// The components the bundle's SBOM lists (file digests filled in).
ComponentSet TestComponents(const TestBundle& bundle);

// Builds the bundle in `dir` and signs it with `keys` (none: left unsigned); returns its path.
// Fails the test and aborts on error.
std::string MakeTestBundle(const std::string& dir, const TestBundle& bundle, const std::vector<PrivateKey>& keys);

}  // namespace fnseal::test

#endif  // FNSEAL_AUDIT_STORE_TEST_BUNDLES_H_
