// Fuzzes trust policy parsing. No input may crash or throw, and an accepted policy must satisfy
// the invariants verification relies on: 1 <= threshold <= keys, distinct key ids and names,
// validFrom < validUntil. Key files are never read: ParseTrustPolicy takes inline keys only.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "provenance/verification/trust_policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto policy = fnseal::ParseTrustPolicy(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!policy.ok()) {
    if (policy.status().message().empty()) std::abort();
    return 0;
  }
  if (policy->keys.empty() || policy->threshold < 1 || static_cast<size_t>(policy->threshold) > policy->keys.size() ||
      policy->predicate_types.empty()) {
    std::abort();
  }
  std::set<std::string> ids;
  std::set<std::string> names;
  for (const fnseal::PolicyKey& key : policy->keys) {
    if (!ids.insert(key.public_key.key_id()).second || !names.insert(key.name).second) std::abort();
    if (key.valid_from && key.valid_until && *key.valid_from >= *key.valid_until) std::abort();
  }
  for (const fnseal::UriPattern& pattern : policy->builders) {
    if (pattern.value.empty() || !pattern.Matches(pattern.value)) std::abort();
  }
  return 0;
}
