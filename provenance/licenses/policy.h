// License policies: which license expressions a component may ship under, with an explanation
// for every verdict. A policy (strict JSON, docs/licensing.md) allows and denies licenses by id
// (SPDX ids, "+"/"-or-later" ranges, "X WITH E" pairs, LicenseRef- ids) and by category, and
// lists the exceptions it accepts on an allowed license.
//
// Semantics: "A OR B" is allowed when at least one operand is, "A AND B" when every operand is.
// A leaf with a range ("GPL-2.0+", "GPL-2.0-or-later") is allowed when at least one version it
// offers is; a leaf is judged per version by, in order: deny ids, allow ids, deny categories,
// then allow ids or categories (with the exception accepted, for "X WITH E"); anything else is
// denied. Explanations say where a category came from when it is not the built-in SPDX table.
// Functions are thread-safe; a LicensePolicy is immutable once parsed.
#ifndef FNSEAL_PROVENANCE_LICENSES_POLICY_H_
#define FNSEAL_PROVENANCE_LICENSES_POLICY_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "provenance/licenses/expression.h"
#include "provenance/licenses/license_list.h"

namespace fnseal {

inline constexpr int kLicensePolicyVersion = 1;

// One "allow" or "deny" entry.
struct LicenseRule {
  std::string field;          // where it came from, e.g. "allow[2]"
  LicenseExpression license;  // a single leaf, normalized
};

struct LicensePolicy {
  std::vector<LicenseRule> allow;
  std::vector<LicenseRule> deny;
  std::vector<LicenseCategory> allow_categories;
  std::vector<LicenseCategory> deny_categories;
  std::vector<std::string> accepted_exceptions;  // canonical exception ids or AdditionRef-s
  // Categories for ids the built-in table does not know or that the policy classifies itself:
  // LicenseRef- ids (e.g. model licenses) or SPDX ids in canonical case.
  std::map<std::string, LicenseCategory, std::less<>> categories;
};

// Parses a policy. InvalidArgument naming the field path for anything malformed, unknown fields,
// duplicate entries or an entry both allowed and denied.
Result<LicensePolicy> ParseLicensePolicy(std::string_view json);
// Reads and parses the policy file at `path` (at most 1 MiB).
Result<LicensePolicy> LoadLicensePolicyFile(const std::string& path);

// A license's category and where it came from.
struct LicenseClassification {
  enum class Source {
    kPolicy,          // the policy's own "categories"
    kBuiltin,         // data/license_categories.json (SPDX ids)
    kModelCatalogue,  // fnseal's model-license catalogue (model_licenses.h)
    kNone,            // NONE, which grants nothing: proprietary
    kUnclassified,    // none of these: unknown
  };
  LicenseCategory category = LicenseCategory::kUnknown;
  Source source = Source::kUnclassified;
};

// The category of a leaf's license (ignoring any exception), from, in order: the policy's own
// categories, the built-in SPDX table, the model-license catalogue (for LicenseRef-fnseal- ids),
// else unknown. NONE is proprietary, NOASSERTION unknown.
LicenseClassification ClassifyLicense(const LicensePolicy& policy, const LicenseExpression& leaf);
// ClassifyLicense(policy, leaf).category.
LicenseCategory CategoryOf(const LicensePolicy& policy, const LicenseExpression& leaf);

// The judgement of one node of an expression.
struct LicenseDecision {
  bool allowed = false;
  std::string expression;  // the node, normalized
  std::string op;          // "AND" or "OR" for compound nodes, empty for a license
  std::string reason;      // the rule that decided, e.g. "allowed by allow[0] 'MIT'"
  std::vector<LicenseDecision> operands;  // for AND and OR
};

struct LicenseVerdict {
  bool allowed = false;
  std::string component;     // as given by the caller; may be empty
  std::string expression;    // normalized
  std::string explanation;   // one sentence naming the component, the expression and the rule
  LicenseDecision root;
};

LicenseVerdict EvaluateLicense(const LicensePolicy& policy, const LicenseExpression& expression,
                               std::string_view component);

// {"component", "expression", "allowed", "explanation", "decision": {"expression", "allowed",
// "reason", ["operator", "operands"]}}.
Json ToJson(const LicenseVerdict& verdict);

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_LICENSES_POLICY_H_
