// Trust policy documents for tests (testonly): the policy keys read from testdata/keys and a
// valid base policy, shared by the trust policy's tests and the bundle verifier's.
#ifndef FNSEAL_PROVENANCE_VERIFICATION_TEST_POLICY_H_
#define FNSEAL_PROVENANCE_VERIFICATION_TEST_POLICY_H_

#include <string>

#include "core/json.h"

namespace fnseal::test {

// The builder id of the test policies' SLSA provenance.
inline constexpr char kTestBuilder[] = "https://fnseal.dev/builders/test";

// A policy key named `name` with the public key testdata/keys/`pub_file` inline, and the
// validity window bounds that are given (RFC 3339 UTC).
Json PolicyKeyJson(const std::string& name, const std::string& pub_file, const char* from = nullptr,
                   const char* until = nullptr);

// A valid policy: key "release-2026" (ed25519) for 2026, threshold 1, SLSA provenance from
// kTestBuilder.
Json BasePolicyJson();

}  // namespace fnseal::test

#endif  // FNSEAL_PROVENANCE_VERIFICATION_TEST_POLICY_H_
