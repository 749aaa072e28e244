#include "provenance/verification/test_policy.h"

#include "provenance/statement/statement.h"
#include "tests/support/test_dir.h"

namespace fnseal::test {

Json PolicyKeyJson(const std::string& name, const std::string& pub_file, const char* from, const char* until) {
  Json key = {{"name", name}, {"publicKey", ReadTestFile("testdata/keys/" + pub_file)}};
  if (from != nullptr) key["validFrom"] = from;
  if (until != nullptr) key["validUntil"] = until;
  return key;
}

Json BasePolicyJson() {
  return {{"version", 1},
          {"keys", Json::array({PolicyKeyJson("release-2026", "ed25519.pub.pem", "2026-01-01T00:00:00Z",
                                              "2027-01-01T00:00:00Z")})},
          {"threshold", 1},
          {"predicateTypes", Json::array({kSlsaProvenanceV1})},
          {"builders", {{{"id", kTestBuilder}}}}};
}

}  // namespace fnseal::test
