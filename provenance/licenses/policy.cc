#include "provenance/licenses/policy.h"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <set>
#include <utility>

#include "core/file.h"
#include "core/strings.h"
#include "provenance/licenses/model_licenses.h"
#include "provenance/licenses/suggest.h"

namespace fnseal {
namespace {

using Kind = LicenseExpression::Kind;

constexpr JsonLimits kPolicyJsonLimits{/*max_depth=*/8, /*max_size=*/1 << 20};
constexpr size_t kMaxQuoted = 120;

// --- versions: what "+" and "-or-later" range over ------------------------------------------------

// A license version: the family ("GPL") and the numeric version ([2, 0]); unversioned ids have
// the whole id as family and no version.
struct VersionKey {
  std::string family;
  std::vector<uint32_t> version;
  bool operator<(const VersionKey& o) const {
    return family != o.family ? family < o.family : version < o.version;
  }
  bool operator==(const VersionKey& o) const { return family == o.family && version == o.version; }
};

// Splits an SPDX id into its version key and whether it names a range ("-or-later").
VersionKey KeyOf(std::string_view id, bool* or_later) {
  *or_later = false;
  if (EndsWith(id, "-or-later")) {
    id.remove_suffix(9);
    *or_later = true;
  } else if (EndsWith(id, "-only")) {
    id.remove_suffix(5);
  }
  VersionKey key{std::string(id), {}};
  size_t dash = id.rfind('-');
  if (dash == std::string_view::npos || dash + 1 == id.size()) return key;
  std::string_view tail = id.substr(dash + 1);
  std::vector<uint32_t> version{0};
  bool digit = false;
  for (char c : tail) {
    if (c >= '0' && c <= '9') {
      if (version.back() > 100000) return key;
      version.back() = version.back() * 10 + static_cast<uint32_t>(c - '0');
      digit = true;
    } else if (c == '.' && digit) {
      version.push_back(0);
      digit = false;
    } else {
      return key;
    }
  }
  if (!digit) return key;
  key.family = std::string(id.substr(0, dash));
  key.version = std::move(version);
  return key;
}

// Every version of every listed license, with the id that names it best and its category.
struct VersionInfo {
  std::string id;
  int rank = 99;  // lower is a better name: "-only", plain, deprecated plain, "-or-later"
  LicenseCategory category = LicenseCategory::kUnknown;
};

struct VersionTable {
  std::map<VersionKey, VersionInfo> versions;
};

const VersionTable& Versions() {
  static const VersionTable table = [] {
    VersionTable t;
    ForEachSpdxLicense([&t](const SpdxLicense& license) {
      bool or_later = false;
      VersionKey key = KeyOf(license.id, &or_later);
      int rank = EndsWith(license.id, "-only") ? 0 : or_later ? 3 : license.deprecated ? 2 : 1;
      VersionInfo& info = t.versions[key];
      if (rank < info.rank) {
        info.id = license.id;
        info.rank = rank;
      }
      LicenseCategory category = BuiltinLicenseCategory(license.id);
      if (info.category == LicenseCategory::kUnknown) info.category = category;
    });
    return t;
  }();
  return table;
}

// One license a leaf lets the licensee choose: a single one, or each version of a range.
struct Offer {
  std::string id;  // how to name it in explanations
  VersionKey key;
};

std::vector<Offer> OffersOf(const LicenseExpression& leaf) {
  switch (leaf.kind) {
    case Kind::kNone: return {{"NONE", {"NONE", {}}}};
    case Kind::kNoAssertion: return {{"NOASSERTION", {"NOASSERTION", {}}}};
    case Kind::kLicenseRef: return {{leaf.license, {leaf.license, {}}}};
    default: break;
  }
  bool or_later = false;
  VersionKey key = KeyOf(leaf.license, &or_later);
  or_later = or_later || leaf.or_later;
  if (!or_later || key.version.empty()) return {{leaf.license, key}};
  std::vector<Offer> offers;
  const auto& versions = Versions().versions;
  for (auto it = versions.lower_bound(key); it != versions.end() && it->first.family == key.family; ++it) {
    offers.push_back({it->second.id, it->first});
  }
  if (offers.empty()) offers.push_back({leaf.license, key});
  return offers;
}

LicenseClassification CategoryOfOffer(const LicensePolicy& policy, const Offer& offer) {
  using Source = LicenseClassification::Source;
  for (const auto& [id, category] : policy.categories) {
    bool ignored = false;
    if (id == offer.id || KeyOf(id, &ignored) == offer.key) return {category, Source::kPolicy};
  }
  if (offer.key.family == "NONE" && offer.key.version.empty()) return {LicenseCategory::kProprietary, Source::kNone};
  auto it = Versions().versions.find(offer.key);
  if (it != Versions().versions.end() && it->second.category != LicenseCategory::kUnknown) {
    return {it->second.category, Source::kBuiltin};
  }
  if (const ModelLicense* model = FindModelLicense(offer.id); model != nullptr) {
    return {model->category, Source::kModelCatalogue};
  }
  return {LicenseCategory::kUnknown, Source::kUnclassified};
}

// Where a category came from, for explanations: nothing for the built-in SPDX table.
std::string SourceSuffix(const LicenseClassification& c) {
  switch (c.source) {
    case LicenseClassification::Source::kPolicy: return " in the policy's categories";
    case LicenseClassification::Source::kModelCatalogue: return " in fnseal's model-license catalogue";
    default: return "";
  }
}

bool RuleCovers(const LicenseRule& rule, const Offer& offer) {
  for (const Offer& covered : OffersOf(rule.license)) {
    if (covered.key == offer.key) return true;
  }
  return false;
}

std::string RuleName(const LicenseRule& rule) { return rule.field + " " + Quote(ToString(rule.license)); }

template <typename T>
bool Contains(const std::vector<T>& list, const T& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

struct OfferVerdict {
  bool allowed;
  std::string reason;
};

OfferVerdict JudgeOffer(const LicensePolicy& policy, const Offer& offer, const std::string& exception) {
  for (const LicenseRule& rule : policy.deny) {
    if (RuleCovers(rule, offer) && (rule.license.exception.empty() || rule.license.exception == exception)) {
      return {false, "denied by " + RuleName(rule)};
    }
  }
  for (const LicenseRule& rule : policy.allow) {
    if (RuleCovers(rule, offer) && rule.license.exception == exception) {
      return {true, "allowed by " + RuleName(rule)};
    }
  }
  const LicenseClassification classified = CategoryOfOffer(policy, offer);
  const LicenseCategory category = classified.category;
  const std::string category_name = std::string(LicenseCategoryName(category)) + SourceSuffix(classified);
  const std::string phrase = offer.id + " is " + category_name;
  if (Contains(policy.deny_categories, category)) return {false, "denied by denyCategories: " + phrase};
  std::string base;  // the rule that allows the license without its exception
  for (const LicenseRule& rule : policy.allow) {
    if (RuleCovers(rule, offer) && rule.license.exception.empty()) {
      base = RuleName(rule);
      break;
    }
  }
  if (base.empty() && Contains(policy.allow_categories, category)) base = "allowCategories: " + phrase;
  if (base.empty()) return {false, "denied: no rule allows " + offer.id + " (category " + category_name + ")"};
  if (exception.empty()) return {true, "allowed by " + base};
  if (Contains(policy.accepted_exceptions, exception)) {
    return {true, "allowed by " + base + ", with " + exception + " in acceptedExceptions"};
  }
  return {false, "denied: " + offer.id + " is allowed by " + base + ", but " + exception +
                     " is not in acceptedExceptions and no allow entry names " +
                     Quote(offer.id + " WITH " + exception)};
}

LicenseDecision Decide(const LicensePolicy& policy, const LicenseExpression& e) {
  LicenseDecision d;
  d.expression = ToString(e);
  if (e.is_leaf()) {
    std::vector<Offer> offers = OffersOf(e);
    if (offers.size() == 1) {
      OfferVerdict v = JudgeOffer(policy, offers[0], e.exception);
      d.allowed = v.allowed;
      d.reason = v.reason;
      return d;
    }
    std::string denials;
    for (const Offer& offer : offers) {
      OfferVerdict v = JudgeOffer(policy, offer, e.exception);
      if (v.allowed) {
        d.allowed = true;
        d.reason = "usable as " + offer.id + ", which is " + v.reason;
        return d;
      }
      denials += (denials.empty() ? "" : "; ") + offer.id + ": " + v.reason;
    }
    d.reason = "denied: none of the versions it offers is allowed (" + denials + ")";
    return d;
  }
  const bool is_and = e.kind == Kind::kAnd;
  d.op = is_and ? "AND" : "OR";
  d.allowed = is_and;
  std::string decisive;  // the first operand that decided the node
  for (const LicenseExpression& operand : e.operands) {
    d.operands.push_back(Decide(policy, operand));
    const LicenseDecision& last = d.operands.back();
    if (decisive.empty() && last.allowed != is_and) {
      d.allowed = !is_and;
      decisive = last.expression;
    }
  }
  if (is_and) {
    d.reason = d.allowed ? "allowed: AND needs every operand, and all are allowed"
                         : "denied: AND needs every operand, and " + decisive + " is denied";
  } else {
    d.reason = d.allowed ? "allowed: OR needs one operand, and " + decisive + " is allowed"
                         : "denied: OR needs one operand, and none is allowed";
  }
  return d;
}

// The leaf decisions that decided `d`: all operands where every one counts, else the first.
void DecisiveLeaves(const LicenseDecision& d, std::vector<std::string>* out) {
  if (d.operands.empty()) {
    out->push_back(d.expression + ": " + d.reason);
    return;
  }
  // AND allowed and OR denied are decided by every operand; the others by the first that flips.
  const bool every = (d.op == "AND") == d.allowed;
  for (const LicenseDecision& operand : d.operands) {
    if (every) {
      DecisiveLeaves(operand, out);
    } else if (operand.allowed == d.allowed) {
      DecisiveLeaves(operand, out);
      return;
    }
  }
}

// --- policy parsing -----------------------------------------------------------------------------

Status FieldError(const std::string& path, const std::string& problem) {
  return InvalidArgumentError("license policy field '" + path + "': " + problem);
}

std::string Element(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

Status CheckFields(const Json& object, std::initializer_list<std::string_view> allowed) {
  const std::string* unknown = FirstUnknownMember(object, allowed);
  return unknown == nullptr ? OkStatus() : InvalidArgumentError("license policy: unknown field " + Quote(*unknown));
}

Result<std::string> RequireString(const Json& value, const std::string& path) {
  Result<std::string> s = NonEmptyString(value);
  if (!s.ok()) return FieldError(path, s.status().message());
  return s;
}

// The array at doc[key], or nullptr when absent.
Result<const Json*> OptionalArray(const Json& doc, const std::string& key) {
  auto it = doc.find(key);
  if (it == doc.end()) return static_cast<const Json*>(nullptr);
  if (!it->is_array()) return FieldError(key, std::string("must be an array, not ") + it->type_name());
  return &*it;
}

Result<LicenseExpression> ParseLeaf(const std::string& text, const std::string& path) {
  Result<LicenseExpression> parsed = ParseLicenseExpression(text);
  if (!parsed.ok()) return FieldError(path, Quote(text) + ": " + parsed.status().message());
  if (!parsed->is_leaf()) {
    return FieldError(path, Quote(text) + " must be a single license (optionally WITH an exception), not an " +
                                (parsed->kind == Kind::kAnd ? "AND" : "OR") + " expression");
  }
  return parsed;
}

Result<std::vector<LicenseRule>> ParseRules(const Json& doc, const std::string& key) {
  std::vector<LicenseRule> rules;
  ASSIGN_OR_RETURN(const Json* list, OptionalArray(doc, key));
  if (list == nullptr) return rules;
  std::map<std::string, std::string> seen;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string path = Element(key, i);
    ASSIGN_OR_RETURN(std::string text, RequireString((*list)[i], path));
    ASSIGN_OR_RETURN(LicenseExpression leaf, ParseLeaf(text, path));
    if (leaf.kind == LicenseExpression::Kind::kLicenseRef) {
      const std::string spelling = CatalogueSpellingOf(leaf.license);
      if (!spelling.empty()) return FieldError(path, "unknown license id " + Quote(leaf.license) + DidYouMean(spelling));
    }
    auto [it, inserted] = seen.emplace(ToString(leaf), path);
    if (!inserted) return FieldError(path, Quote(it->first) + " is already " + it->second);
    rules.push_back({path, std::move(leaf)});
  }
  return rules;
}

Result<std::vector<LicenseCategory>> ParseCategories(const Json& doc, const std::string& key) {
  std::vector<LicenseCategory> out;
  ASSIGN_OR_RETURN(const Json* list, OptionalArray(doc, key));
  if (list == nullptr) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    const std::string path = Element(key, i);
    ASSIGN_OR_RETURN(std::string name, RequireString((*list)[i], path));
    std::optional<LicenseCategory> category = ParseLicenseCategory(name);
    if (!category) {
      return FieldError(path, "unknown category " + Quote(name) +
                                  " (permissive, weak-copyleft, strong-copyleft, non-commercial, proprietary, unknown)");
    }
    if (Contains(out, *category)) return FieldError(path, "category " + Quote(name) + " is listed twice");
    out.push_back(*category);
  }
  return out;
}

}  // namespace

Result<LicensePolicy> ParseLicensePolicy(std::string_view json) {
  ASSIGN_OR_RETURN(Json doc, ParseJsonStrict(json, "license policy", kPolicyJsonLimits));
  if (!doc.is_object()) {
    return InvalidArgumentError(std::string("license policy must be a JSON object, not ") + doc.type_name());
  }
  RETURN_IF_ERROR(CheckFields(doc, {"$schema", "version", "allow", "deny", "allowCategories", "denyCategories",
                                    "acceptedExceptions", "categories"}));
  if (auto schema = doc.find("$schema"); schema != doc.end()) RETURN_IF_ERROR(RequireString(*schema, "$schema"));
  auto version = doc.find("version");
  if (version == doc.end()) return FieldError("version", "is required");
  if (!version->is_number_integer() || version->get<int64_t>() != kLicensePolicyVersion) {
    return FieldError("version", "must be " + std::to_string(kLicensePolicyVersion) + ", not " +
                                     Quote(version->dump(-1, ' ', false, Json::error_handler_t::replace)));
  }

  LicensePolicy policy;
  ASSIGN_OR_RETURN(policy.allow, ParseRules(doc, "allow"));
  ASSIGN_OR_RETURN(policy.deny, ParseRules(doc, "deny"));
  for (const LicenseRule& denied : policy.deny) {
    for (const LicenseRule& allowed : policy.allow) {
      if (ToString(denied.license) == ToString(allowed.license)) {
        return FieldError(denied.field, Quote(ToString(denied.license)) + " is also allowed by " + allowed.field);
      }
    }
  }
  ASSIGN_OR_RETURN(policy.allow_categories, ParseCategories(doc, "allowCategories"));
  ASSIGN_OR_RETURN(policy.deny_categories, ParseCategories(doc, "denyCategories"));
  for (size_t i = 0; i < policy.deny_categories.size(); ++i) {
    if (Contains(policy.allow_categories, policy.deny_categories[i])) {
      return FieldError(Element("denyCategories", i),
                        Quote(LicenseCategoryName(policy.deny_categories[i])) + " is also in allowCategories");
    }
  }
  if (policy.allow.empty() && policy.allow_categories.empty()) {
    return InvalidArgumentError("license policy allows nothing: give 'allow' or 'allowCategories'");
  }

  ASSIGN_OR_RETURN(const Json* exceptions, OptionalArray(doc, "acceptedExceptions"));
  if (exceptions != nullptr) {
    for (size_t i = 0; i < exceptions->size(); ++i) {
      const std::string path = Element("acceptedExceptions", i);
      ASSIGN_OR_RETURN(std::string text, RequireString((*exceptions)[i], path));
      // Parsed as the exception of a license, so the same rules apply as in an expression.
      Result<LicenseExpression> pair = ParseLicenseExpression("LicenseRef-policy WITH " + text);
      if (!pair.ok() || !pair->is_leaf() || text.find_first_of(" \t") != std::string::npos) {
        return FieldError(path, Quote(text) + " is not an SPDX exception id or AdditionRef-");
      }
      if (Contains(policy.accepted_exceptions, pair->exception)) {
        return FieldError(path, Quote(pair->exception) + " is listed twice");
      }
      policy.accepted_exceptions.push_back(pair->exception);
    }
  }

  if (auto categories = doc.find("categories"); categories != doc.end()) {
    if (!categories->is_object()) {
      return FieldError("categories", std::string("must be an object, not ") + categories->type_name());
    }
    for (auto it = categories->begin(); it != categories->end(); ++it) {
      const std::string path = "categories." + it.key().substr(0, kMaxQuoted);
      ASSIGN_OR_RETURN(LicenseExpression leaf, ParseLeaf(it.key(), path));
      if ((leaf.kind != Kind::kLicense && leaf.kind != Kind::kLicenseRef) || leaf.or_later ||
          !leaf.exception.empty()) {
        return FieldError(path, "must name one license id or LicenseRef- (no '+', no WITH)");
      }
      ASSIGN_OR_RETURN(std::string name, RequireString(it.value(), path));
      std::optional<LicenseCategory> category = ParseLicenseCategory(name);
      if (!category) return FieldError(path, "unknown category " + Quote(name));
      if (!policy.categories.emplace(leaf.license, *category).second) {
        return FieldError(path, Quote(leaf.license) + " is classified twice");
      }
    }
  }
  return policy;
}

Result<LicensePolicy> LoadLicensePolicyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path, kPolicyJsonLimits.max_size + 1));
  return ParseLicensePolicy(text).Annotate(path);
}

LicenseClassification ClassifyLicense(const LicensePolicy& policy, const LicenseExpression& leaf) {
  if (leaf.kind == Kind::kNoAssertion) return {LicenseCategory::kUnknown, LicenseClassification::Source::kUnclassified};
  std::vector<Offer> offers = OffersOf(leaf);
  bool ignored = false;
  Offer self{leaf.kind == Kind::kNone ? "NONE" : leaf.license, offers[0].key};
  if (leaf.kind == Kind::kLicense) self.key = KeyOf(leaf.license, &ignored);
  return CategoryOfOffer(policy, self);
}

LicenseCategory CategoryOf(const LicensePolicy& policy, const LicenseExpression& leaf) {
  return ClassifyLicense(policy, leaf).category;
}

LicenseVerdict EvaluateLicense(const LicensePolicy& policy, const LicenseExpression& expression,
                               std::string_view component) {
  LicenseVerdict verdict;
  verdict.component = std::string(component);
  verdict.expression = ToString(expression);
  verdict.root = Decide(policy, expression);
  verdict.allowed = verdict.root.allowed;
  std::vector<std::string> leaves;
  DecisiveLeaves(verdict.root, &leaves);
  std::string because;
  for (const std::string& leaf : leaves) because += (because.empty() ? "" : "; ") + leaf;
  verdict.explanation = (component.empty() ? "" : "component " + Quote(component) + ": ") + "license " +
                        Quote(verdict.expression) + (verdict.allowed ? " is allowed" : " is denied") + " (" +
                        because + ")";
  return verdict;
}

namespace {
Json DecisionJson(const LicenseDecision& d) {
  Json out = {{"expression", d.expression}, {"allowed", d.allowed}, {"reason", d.reason}};
  if (!d.operands.empty()) {
    out["operator"] = d.op;
    Json operands = Json::array();
    for (const LicenseDecision& operand : d.operands) operands.push_back(DecisionJson(operand));
    out["operands"] = std::move(operands);
  }
  return out;
}
}  // namespace

Json ToJson(const LicenseVerdict& verdict) {
  return {{"component", verdict.component},
          {"expression", verdict.expression},
          {"allowed", verdict.allowed},
          {"explanation", verdict.explanation},
          {"decision", DecisionJson(verdict.root)}};
}

}  // namespace fnseal
