#include "audit/store/facts.h"

#include <deque>
#include <set>
#include <unordered_map>

#include "core/json.h"
#include "core/strings.h"
#include "provenance/licenses/expression.h"
#include "provenance/licenses/license_list.h"
#include "provenance/licenses/policy.h"

namespace fnseal {
namespace {

constexpr std::string_view kSlsaProvenanceType = "https://slsa.dev/provenance/v1";
constexpr std::string_view kCycloneDxType = "https://cyclonedx.org/bom";

class Reader {
 public:
  Reader(std::string statement, const FactsLimits& limits) : statement_(std::move(statement)), limits_(limits) {}

  Status Error(const std::string& field, const std::string& what) const {
    return InvalidArgumentError("statement '" + statement_ + "': " + field + ": " + what);
  }

  // The string at `key` of `object`, or "" when absent; an error when present but not a bounded string.
  Result<std::string> OptionalString(const Json& object, std::string_view key, const std::string& field) const {
    const Json* value = FindMember(object, key);
    if (value == nullptr || value->is_null()) return std::string();
    if (!value->is_string()) return Error(field + "." + std::string(key), "not a string");
    const auto& s = value->get_ref<const std::string&>();
    if (s.size() > limits_.max_string) return Error(field + "." + std::string(key), "longer than the limit");
    return s;
  }

  // The array at `key`, or an empty one when absent.
  Result<const Json*> OptionalArray(const Json& object, std::string_view key, const std::string& field) const {
    static const Json kEmpty = Json::array();
    const Json* value = FindMember(object, key);
    if (value == nullptr) return &kEmpty;
    if (!value->is_array()) return Error(field + "." + std::string(key), "not an array");
    return value;
  }

 private:
  std::string statement_;
  const FactsLimits& limits_;
};

Status ReadProvenance(const VerifiedStatement& s, const Json& predicate, const FactsLimits& limits, BundleFacts* out) {
  Reader r(s.name, limits);
  if (!predicate.is_object()) return r.Error("predicate", "not an object");
  const Json* definition = FindObject(predicate, "buildDefinition");
  const Json* details = FindObject(predicate, "runDetails");
  if (definition == nullptr || details == nullptr) return r.Error("predicate", "no buildDefinition or runDetails");
  ASSIGN_OR_RETURN(out->build_type, r.OptionalString(*definition, "buildType", "buildDefinition"));
  if (const Json* external = FindObject(*definition, "externalParameters")) {
    ASSIGN_OR_RETURN(out->bazel_target, r.OptionalString(*external, "target", "externalParameters"));
  }
  if (const Json* internal = FindObject(*definition, "internalParameters")) {
    ASSIGN_OR_RETURN(out->runtime, r.OptionalString(*internal, "runtime", "internalParameters"));
    if (const Json* source = FindObject(*internal, "source")) {
      ASSIGN_OR_RETURN(out->tree_state, r.OptionalString(*source, "treeState", "internalParameters.source"));
    }
  }
  ASSIGN_OR_RETURN(const Json* deps, r.OptionalArray(*definition, "resolvedDependencies", "buildDefinition"));
  if (deps->size() > limits.max_files) return ResourceExhaustedError("statement '" + s.name + "': too many dependencies");
  for (const Json& d : *deps) {
    const std::string field = "resolvedDependencies[]";
    if (!d.is_object()) return r.Error(field, "not an object");
    DependencyFact fact;
    ASSIGN_OR_RETURN(fact.name, r.OptionalString(d, "name", field));
    ASSIGN_OR_RETURN(fact.uri, r.OptionalString(d, "uri", field));
    if (const Json* digest = FindObject(d, "digest")) {
      ASSIGN_OR_RETURN(fact.sha256, r.OptionalString(*digest, "sha256", field + ".digest"));
      ASSIGN_OR_RETURN(fact.git_commit, r.OptionalString(*digest, "gitCommit", field + ".digest"));
    }
    if (fact.name.empty()) fact.name = fact.uri;
    if (fact.name.empty()) return r.Error(field, "neither name nor uri");
    if (fact.name == "source" && !fact.git_commit.empty()) {
      out->source_uri = fact.uri;
      out->source_commit = fact.git_commit;
    }
    out->dependencies.push_back(std::move(fact));
  }
  if (const Json* builder = FindObject(*details, "builder")) {
    ASSIGN_OR_RETURN(out->builder_id, r.OptionalString(*builder, "id", "runDetails.builder"));
    if (const Json* version = FindObject(*builder, "version")) {
      ASSIGN_OR_RETURN(out->fnseal_version, r.OptionalString(*version, "fnseal", "runDetails.builder.version"));
    }
  }
  return OkStatus();
}

// The leaves of a license expression, each with its category. Bundles of one monorepo name the
// same few hundred expressions over and over: each thread keeps what it has classified (up to
// 4,096 expressions, then starts again).
std::vector<LicenseLeafFact> LicenseLeaves(const std::string& expression) {
  thread_local std::unordered_map<std::string, std::vector<LicenseLeafFact>> known;
  if (auto found = known.find(expression); found != known.end()) return found->second;
  std::vector<LicenseLeafFact> leaves;
  Result<LicenseExpression> parsed = ParseLicenseExpression(expression);
  if (!parsed.ok()) {
    // Kept as written, classified unknown: an SBOM from elsewhere may name licenses loosely.
    leaves.push_back({expression, std::string(LicenseCategoryName(LicenseCategory::kUnknown)), false});
  } else {
    static const LicensePolicy kNoPolicy;
    std::set<std::string> seen;
    std::vector<const LicenseExpression*> stack = {&*parsed};
    while (!stack.empty()) {
      const LicenseExpression* e = stack.back();
      stack.pop_back();
      if (!e->is_leaf()) {
        for (const auto& operand : e->operands) stack.push_back(&operand);
        continue;
      }
      const std::string leaf = ToString(*e);
      if (!seen.insert(leaf).second) continue;
      const LicenseClassification c = ClassifyLicense(kNoPolicy, *e);
      leaves.push_back({leaf, std::string(LicenseCategoryName(c.category)),
                        c.source == LicenseClassification::Source::kModelCatalogue});
    }
  }
  if (known.size() >= 4096) known.clear();
  known.emplace(expression, leaves);
  return leaves;
}

Status ReadLicenses(const Reader& r, const Json& component, const std::string& field, ComponentFact* out) {
  ASSIGN_OR_RETURN(const Json* licenses, r.OptionalArray(component, "licenses", field));
  std::vector<std::string> parts;
  for (const Json& l : *licenses) {
    if (!l.is_object()) return r.Error(field + ".licenses[]", "not an object");
    ASSIGN_OR_RETURN(std::string expression, r.OptionalString(l, "expression", field + ".licenses[]"));
    if (expression.empty()) {
      if (const Json* license = FindObject(l, "license")) {
        ASSIGN_OR_RETURN(expression, r.OptionalString(*license, "id", field + ".licenses[].license"));
        if (expression.empty()) {
          ASSIGN_OR_RETURN(expression, r.OptionalString(*license, "name", field));
        }
      }
    }
    if (!expression.empty()) parts.push_back(std::move(expression));
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    out->license += (i > 0 ? " AND " : "") + (parts.size() > 1 ? "(" + parts[i] + ")" : parts[i]);
  }
  if (out->license.empty()) return OkStatus();
  out->licenses = LicenseLeaves(out->license);
  return OkStatus();
}

Result<ComponentFact> ReadComponent(const Reader& r, const Json& c, bool root, const FactsLimits& limits) {
  const std::string field = root ? "metadata.component" : "components[]";
  if (!c.is_object()) return r.Error(field, "not an object");
  ComponentFact out;
  out.root = root;
  ASSIGN_OR_RETURN(out.ref, r.OptionalString(c, "bom-ref", field));
  ASSIGN_OR_RETURN(out.name, r.OptionalString(c, "name", field));
  if (out.ref.empty()) out.ref = out.name;
  if (out.ref.empty()) return r.Error(field, "no bom-ref and no name");
  const std::string where = field + " '" + out.ref + "'";
  ASSIGN_OR_RETURN(std::string type, r.OptionalString(c, "type", where));
  out.kind = type == "machine-learning-model" ? "model" : type == "data" ? "dataset" : "code";
  ASSIGN_OR_RETURN(out.version, r.OptionalString(c, "version", where));
  ASSIGN_OR_RETURN(out.purl, r.OptionalString(c, "purl", where));
  if (const Json* supplier = FindObject(c, "supplier")) {
    ASSIGN_OR_RETURN(out.supplier, r.OptionalString(*supplier, "name", where + ".supplier"));
  }
  ASSIGN_OR_RETURN(const Json* references, r.OptionalArray(c, "externalReferences", where));
  for (const Json& ref : *references) {
    if (!ref.is_object()) return r.Error(where + ".externalReferences[]", "not an object");
    ASSIGN_OR_RETURN(std::string type_name, r.OptionalString(ref, "type", where + ".externalReferences[]"));
    ASSIGN_OR_RETURN(std::string url, r.OptionalString(ref, "url", where + ".externalReferences[]"));
    if (type_name == "distribution" || out.url.empty()) out.url = url;
  }
  RETURN_IF_ERROR(ReadLicenses(r, c, where, &out));
  ASSIGN_OR_RETURN(const Json* files, r.OptionalArray(c, "components", where));
  if (files->size() > limits.max_files) return ResourceExhaustedError(where + ": too many files");
  for (const Json& f : *files) {
    if (!f.is_object()) return r.Error(where + ".components[]", "not an object");
    ASSIGN_OR_RETURN(std::string name, r.OptionalString(f, "name", where + ".components[]"));
    ASSIGN_OR_RETURN(const Json* hashes, r.OptionalArray(f, "hashes", where + ".components[]"));
    for (const Json& h : *hashes) {
      if (!h.is_object()) return r.Error(where + ".components[].hashes[]", "not an object");
      ASSIGN_OR_RETURN(std::string alg, r.OptionalString(h, "alg", where + ".components[].hashes[]"));
      ASSIGN_OR_RETURN(std::string content, r.OptionalString(h, "content", where + ".components[].hashes[]"));
      if (alg == "SHA-256" && !content.empty()) out.files.emplace_back(name, content);
    }
  }
  if (const Json* card = FindObject(c, "modelCard")) {
    if (const Json* parameters = FindObject(*card, "modelParameters")) {
      ASSIGN_OR_RETURN(const Json* datasets, r.OptionalArray(*parameters, "datasets", where + ".modelCard"));
      for (const Json& d : *datasets) {
        if (!d.is_object()) return r.Error(where + ".modelCard.modelParameters.datasets[]", "not an object");
        ASSIGN_OR_RETURN(std::string ref, r.OptionalString(d, "ref", where + ".modelCard"));
        if (ref.empty()) {
          ASSIGN_OR_RETURN(ref, r.OptionalString(d, "name", where + ".modelCard"));
        }
        if (!ref.empty()) out.edges.emplace_back("trained-on", ref);
      }
    }
  }
  if (const Json* pedigree = FindObject(c, "pedigree")) {
    ASSIGN_OR_RETURN(const Json* ancestors, r.OptionalArray(*pedigree, "ancestors", where + ".pedigree"));
    for (const Json& a : *ancestors) {
      if (!a.is_object()) return r.Error(where + ".pedigree.ancestors[]", "not an object");
      ASSIGN_OR_RETURN(std::string name, r.OptionalString(a, "name", where + ".pedigree.ancestors[]"));
      if (!name.empty()) out.edges.emplace_back("derived-from", name);
    }
  }
  return out;
}

Status ReadCycloneDx(const VerifiedStatement& s, const Json& bom, const FactsLimits& limits, BundleFacts* out) {
  Reader r(s.name, limits);
  if (!bom.is_object()) return r.Error("predicate", "not an object");
  std::vector<ComponentFact> components;
  std::set<std::string> refs;
  auto add = [&](ComponentFact c) -> Status {
    if (!refs.insert(c.ref).second) return r.Error("components", "two components are '" + c.ref + "'");
    if (components.size() >= limits.max_components) {
      return ResourceExhaustedError("statement '" + s.name + "': more than " + std::to_string(limits.max_components) +
                                    " components");
    }
    components.push_back(std::move(c));
    return OkStatus();
  };
  if (const Json* metadata = FindObject(bom, "metadata")) {
    if (const Json* root = FindObject(*metadata, "component")) {
      ASSIGN_OR_RETURN(ComponentFact c, ReadComponent(r, *root, true, limits));
      RETURN_IF_ERROR(add(std::move(c)));
    }
  }
  ASSIGN_OR_RETURN(const Json* list, r.OptionalArray(bom, "components", "predicate"));
  for (const Json& c : *list) {
    ASSIGN_OR_RETURN(ComponentFact fact, ReadComponent(r, c, false, limits));
    RETURN_IF_ERROR(add(std::move(fact)));
  }
  ASSIGN_OR_RETURN(const Json* dependencies, r.OptionalArray(bom, "dependencies", "predicate"));
  size_t edges = 0;
  for (const Json& d : *dependencies) {
    if (!d.is_object()) return r.Error("dependencies[]", "not an object");
    ASSIGN_OR_RETURN(std::string ref, r.OptionalString(d, "ref", "dependencies[]"));
    ASSIGN_OR_RETURN(const Json* on, r.OptionalArray(d, "dependsOn", "dependencies[] '" + ref + "'"));
    auto from = std::find_if(components.begin(), components.end(), [&](const ComponentFact& c) { return c.ref == ref; });
    if (from == components.end()) return r.Error("dependencies[]", "'" + ref + "' is not a component");
    for (const Json& target : *on) {
      if (!target.is_string()) return r.Error("dependencies[] '" + ref + "'.dependsOn[]", "not a string");
      if (++edges > limits.max_edges) return ResourceExhaustedError("statement '" + s.name + "': too many edges");
      from->edges.emplace_back("depends-on", target.get<std::string>());
    }
  }
  out->components = std::move(components);
  return OkStatus();
}

}  // namespace

Result<std::map<std::string, std::string>> DependencyPaths(
    const std::string& root, const std::map<std::string, std::set<std::string>>& depends_on, size_t max_total_bytes) {
  std::map<std::string, std::string> paths;
  if (root.empty()) return paths;
  paths[root] = root;
  size_t total = root.size();
  // Breadth-first, each ref's targets in order: the first path to reach a ref is a shortest one.
  std::deque<std::string> queue = {root};
  while (!queue.empty()) {
    const std::string at = std::move(queue.front());
    queue.pop_front();
    auto next = depends_on.find(at);
    if (next == depends_on.end()) continue;
    const std::string& prefix = paths[at];
    for (const std::string& to : next->second) {
      if (paths.count(to) > 0) continue;
      total += prefix.size() + 3 + to.size();
      if (total > max_total_bytes) {
        return ResourceExhaustedError("the dependency paths from " + Quote(root) + " are more than " +
                                      std::to_string(max_total_bytes) + " bytes together (a graph too deep)");
      }
      paths[to] = prefix + " > " + to;
      queue.push_back(to);
    }
  }
  return paths;
}

std::string DeployableTargets(const std::vector<std::string>& bundle_file_paths) {
  constexpr std::string_view kPrefix = "deployables/";
  std::set<std::string> targets;
  for (const std::string& path : bundle_file_paths) {
    if (!StartsWith(path, kPrefix)) continue;
    const size_t slash = path.find('/', kPrefix.size());
    if (slash != std::string::npos && slash > kPrefix.size()) {
      targets.insert(path.substr(kPrefix.size(), slash - kPrefix.size()));
    }
  }
  std::string out;
  for (const std::string& t : targets) out += (out.empty() ? "" : ",") + t;
  return out;
}

Result<BundleFacts> ExtractBundleFacts(const Verification& verification, std::string_view manifest_json,
                                       const FactsLimits& limits) {
  BundleFacts facts;
  ASSIGN_OR_RETURN(Json manifest, ParseJsonStrict(manifest_json, "manifest.json"));
  if (const Json* function = FindObject(manifest, "function")) {
    if (const std::string* s = FindString(*function, "runtime")) facts.runtime = *s;
  }
  if (verification.function) {
    facts.function_name = verification.function->name;
    facts.entrypoint = verification.function->entrypoint;
  }
  bool have_provenance = false, have_sbom = false;
  for (const VerifiedStatement& s : verification.statements) {
    const bool provenance = s.predicate_type == kSlsaProvenanceType && !have_provenance;
    const bool sbom = s.predicate_type == kCycloneDxType && !have_sbom;
    if (!provenance && !sbom) continue;
    const std::string runtime = facts.runtime;
    if (provenance) {
      RETURN_IF_ERROR(ReadProvenance(s, s.predicate, limits, &facts));
      if (facts.runtime.empty()) facts.runtime = runtime;
      have_provenance = true;
    } else {
      RETURN_IF_ERROR(ReadCycloneDx(s, s.predicate, limits, &facts));
      have_sbom = true;
    }
  }
  std::string root;
  std::map<std::string, std::set<std::string>> depends_on;
  for (const ComponentFact& c : facts.components) {
    if (c.root && root.empty()) root = c.ref;
    for (const auto& [relation, target] : c.edges) {
      if (relation == "depends-on") depends_on[c.ref].insert(target);
    }
  }
  ASSIGN_OR_RETURN(const auto paths, DependencyPaths(root, depends_on, limits.max_path_bytes));
  for (ComponentFact& c : facts.components) {
    auto found = paths.find(c.ref);
    if (found != paths.end()) c.path = found->second;
  }
  return facts;
}

}  // namespace fnseal
