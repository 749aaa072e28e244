// Fuzzes the audit store's reading of verified statements (audit/store/facts.h): the first byte
// picks the predicate type (SLSA provenance or CycloneDX), the rest is the statement. Whatever a
// signer put in a statement must give facts within the limits or an error, never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>

#include "audit/store/facts.h"
#include "provenance/statement/statement.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  fnseal::Verification v;
  v.kind = "bundle";
  v.function = fnseal::VerifiedFunction{"fn", "bootstrap"};
  fnseal::VerifiedStatement s;
  s.name = "attestations/fuzz.dsse.json";
  s.predicate_type = data[0] & 1 ? "https://cyclonedx.org/bom" : "https://slsa.dev/provenance/v1";
  s.payload.assign(reinterpret_cast<const char*>(data) + 1, size - 1);
  // As Verify does: only a payload that parses as a statement reaches the facts.
  auto statement = fnseal::ParseStatement(s.payload);
  if (!statement.ok()) return 0;
  s.predicate = std::move(statement->predicate);
  v.statements.push_back(s);
  fnseal::FactsLimits limits;
  limits.max_components = 64;
  limits.max_edges = 256;
  limits.max_files = 256;
  auto facts = fnseal::ExtractBundleFacts(v, R"({"function": {"runtime": "provided.al2023"}})", limits);
  if (facts.ok() && facts->components.size() > limits.max_components) std::abort();
  return 0;
}
