// Fuzzes license policy parsing. No input may crash or throw; an accepted policy must allow
// something, hold only single-license rules, and evaluate expressions without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "provenance/licenses/expression.h"
#include "provenance/licenses/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto policy = fnseal::ParseLicensePolicy(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!policy.ok()) {
    if (policy.status().message().empty()) std::abort();
    return 0;
  }
  if (policy->allow.empty() && policy->allow_categories.empty()) std::abort();
  for (const auto* rules : {&policy->allow, &policy->deny}) {
    for (const fnseal::LicenseRule& rule : *rules) {
      if (!rule.license.is_leaf() || rule.field.empty()) std::abort();
    }
  }
  for (const char* text : {"MIT OR GPL-2.0+ WITH Classpath-exception-2.0", "LicenseRef-a AND (ISC OR LGPL-2.1-only)",
                           "NONE", "NOASSERTION", "AGPL-1.0-or-later"}) {
    auto expression = fnseal::ParseLicenseExpression(text);
    if (!expression.ok()) std::abort();
    if (fnseal::EvaluateLicense(*policy, *expression, "fuzz").explanation.empty()) std::abort();
  }
  return 0;
}
