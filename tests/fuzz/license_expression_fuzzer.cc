// Fuzzes SPDX license expression parsing. No input may crash; an accepted expression must
// normalize to text that parses again to the same tree (normalization is a fixed point), and
// evaluating it under a policy must not crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "provenance/licenses/expression.h"
#include "provenance/licenses/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto expression = fnseal::ParseLicenseExpression(text);
  if (!expression.ok()) {
    if (expression.status().message().empty()) std::abort();
    return 0;
  }
  const std::string normalized = fnseal::ToString(*expression);
  auto again = fnseal::ParseLicenseExpression(normalized);
  if (!again.ok() || fnseal::ToJson(*again) != fnseal::ToJson(*expression) || fnseal::ToString(*again) != normalized) {
    std::abort();
  }
  static const fnseal::LicensePolicy policy = [] {
    auto p = fnseal::ParseLicensePolicy(
        R"({"version": 1, "allow": ["MIT", "GPL-2.0-or-later", "LicenseRef-a"], "deny": ["GPL-3.0-only"],
            "allowCategories": ["permissive"], "acceptedExceptions": ["Classpath-exception-2.0"]})");
    if (!p.ok()) std::abort();
    return std::move(p).value();
  }();
  fnseal::LicenseVerdict verdict = fnseal::EvaluateLicense(policy, *expression, "fuzz");
  if (verdict.explanation.empty() || verdict.root.expression != normalized) std::abort();
  return 0;
}
