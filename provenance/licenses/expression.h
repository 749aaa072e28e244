// SPDX license expressions (SPDX 2.3 Annex D / SPDX 3.0 "SPDX License Expressions"): parsing,
// normalization and a JSON tree. The accepted grammar, its limits and the choices made where the
// spec leaves room are in docs/licensing.md.
//
//   Result<LicenseExpression> e = ParseLicenseExpression("mit OR (apache-2.0 AND BSD-3-Clause)");
//   ToString(*e)  // "MIT OR Apache-2.0 AND BSD-3-Clause"
//
// Errors are InvalidArgument ("column 9: expected a license id after 'AND'"), or
// ResourceExhausted when a documented limit is exceeded; columns are 1-based byte offsets.
// Functions are thread-safe; a LicenseExpression is a plain value.
#ifndef FNSEAL_PROVENANCE_LICENSES_EXPRESSION_H_
#define FNSEAL_PROVENANCE_LICENSES_EXPRESSION_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace fnseal {

struct LicenseExpression {
  enum class Kind {
    kLicense,      // an SPDX License List id
    kLicenseRef,   // "LicenseRef-x" or "DocumentRef-d:LicenseRef-x"
    kNone,         // NONE, only as the whole expression
    kNoAssertion,  // NOASSERTION, only as the whole expression
    kAnd,
    kOr,
  };
  Kind kind = Kind::kLicense;

  // Leaves (kLicense, kLicenseRef): the id, in the list's canonical case for kLicense.
  std::string license;
  bool or_later = false;    // "+" (kLicense only)
  bool deprecated = false;  // a deprecated SPDX license id
  // After WITH: an SPDX exception id in canonical case, or "[DocumentRef-d:]AdditionRef-x".
  std::string exception;
  bool addition_ref = false;
  bool exception_deprecated = false;

  // kAnd, kOr: two or more operands, none of the node's own kind (nested AND in AND is flattened).
  std::vector<LicenseExpression> operands;

  size_t column = 0;  // 1-based column where this node starts in the parsed text

  bool is_leaf() const { return kind != Kind::kAnd && kind != Kind::kOr; }
};

struct ExpressionLimits {
  size_t max_length = 8192;  // bytes of text
  size_t max_depth = 32;     // nested parentheses
  size_t max_terms = 512;    // licenses (leaves)
};

// Parses `text`. License and exception ids match the SPDX list case-insensitively; operators must
// be all upper or all lower case; "LicenseRef-", "DocumentRef-" and "AdditionRef-" are
// case-sensitive. Ids not on the list are errors (use LicenseRef- for others).
Result<LicenseExpression> ParseLicenseExpression(std::string_view text, ExpressionLimits limits = {});

// The normalized text: canonical-case ids, upper-case operators, one space around operators, and
// parentheses only where precedence needs them (WITH > AND > OR). Parsing it gives the same tree.
std::string ToString(const LicenseExpression& expression);

// The tree as JSON: leaves {"type": "license" | "licenseRef" | "none" | "noassertion",
// "license", ["plus"], ["deprecated"], ["exception", "exceptionType"]}, compounds
// {"type": "and" | "or", "operands": [...]}.
Json ToJson(const LicenseExpression& expression);

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_LICENSES_EXPRESSION_H_
