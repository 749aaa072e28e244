#include "provenance/sbom/sbom_licenses.h"

#include <utility>

#include "core/file.h"
#include "core/json.h"
#include "provenance/sbom/components.h"
#include "provenance/sbom/sbom.h"

namespace fnseal {
namespace {

// Reads typed fields within the limits; `prefix` ("predicate." inside a statement) and the path
// of each value make the messages.
class Reader {
 public:
  Reader(const SbomReadLimits& limits, std::string prefix) : limits_(limits), prefix_(std::move(prefix)) {}

  Status Invalid(const std::string& path, const std::string& what) const {
    return InvalidArgumentError(prefix_ + path + " " + what);
  }

  // The string at `object[key]`, or "" when absent; `path` is the object's path.
  Result<std::string> OptionalString(const Json& object, const char* key, const std::string& path) const {
    auto it = object.find(key);
    if (it == object.end()) return std::string();
    const std::string at = Join(path, key);
    if (!it->is_string()) return Invalid(at, "must be a string");
    const std::string& s = it->get_ref<const std::string&>();
    if (s.size() > limits_.max_string) {
      return ResourceExhaustedError(prefix_ + at + " is " + std::to_string(s.size()) +
                                    " bytes, more than the limit of " + std::to_string(limits_.max_string));
    }
    for (char c : s) {
      if (static_cast<unsigned char>(c) < 0x20) return Invalid(at, "contains a control character");
    }
    return s;
  }

  // The array at `object[key]`, or nullptr when absent.
  Result<const Json*> OptionalArray(const Json& object, const char* key, const std::string& path) const {
    auto it = object.find(key);
    if (it == object.end()) return static_cast<const Json*>(nullptr);
    if (!it->is_array()) return Invalid(Join(path, key), "must be an array");
    return &*it;
  }

  Result<LicenseExpression> Expression(const std::string& text, const std::string& path) const {
    Result<LicenseExpression> parsed = ParseLicenseExpression(text);
    if (!parsed.ok()) return Status(parsed.status().code(), prefix_ + path + ": " + parsed.status().message());
    return parsed;
  }

  // ResourceExhausted when `count` components are more than the limit.
  Status Count(size_t count) const {
    if (count > limits_.max_components) {
      return ResourceExhaustedError(prefix_ + "document has more than the limit of " +
                                    std::to_string(limits_.max_components) + " components");
    }
    return OkStatus();
  }

  const SbomReadLimits& limits() const { return limits_; }
  const std::string& prefix() const { return prefix_; }

  static std::string Join(const std::string& path, const char* key) {
    return path.empty() ? std::string(key) : path + "." + key;
  }

 private:
  const SbomReadLimits& limits_;
  std::string prefix_;
};

LicenseExpression NoAssertion() {
  LicenseExpression e;
  e.kind = LicenseExpression::Kind::kNoAssertion;
  e.column = 1;
  return e;
}

// SPDX 2.3: every package; licenseConcluded unless it is NOASSERTION (or absent), else licenseDeclared.
Status ReadSpdx2(const Json& doc, const Reader& r, SbomLicenses* out) {
  ASSIGN_OR_RETURN(const Json* packages, r.OptionalArray(doc, "packages", ""));
  if (packages == nullptr) return OkStatus();
  RETURN_IF_ERROR(r.Count(packages->size()));
  for (size_t i = 0; i < packages->size(); ++i) {
    const std::string path = "packages[" + std::to_string(i) + "]";
    const Json& package = (*packages)[i];
    if (!package.is_object()) return r.Invalid(path, "must be an object");
    SbomLicense c;
    ASSIGN_OR_RETURN(c.component, r.OptionalString(package, "name", path));
    if (c.component.empty()) return r.Invalid(path, "has no name");
    ASSIGN_OR_RETURN(std::string concluded, r.OptionalString(package, "licenseConcluded", path));
    ASSIGN_OR_RETURN(std::string declared, r.OptionalString(package, "licenseDeclared", path));
    if (!concluded.empty() && concluded != "NOASSERTION") {
      c.source = path + ".licenseConcluded";
      ASSIGN_OR_RETURN(c.license, r.Expression(concluded, c.source));
    } else if (!declared.empty()) {
      c.source = path + ".licenseDeclared";
      ASSIGN_OR_RETURN(c.license, r.Expression(declared, c.source));
    } else {
      c.source = path;
      c.license = NoAssertion();
      c.note = "no licenseConcluded or licenseDeclared";
    }
    out->components.push_back(std::move(c));
  }
  return OkStatus();
}

// A CycloneDX `licenses` array: each entry {expression} or {license: {id | name}}; several are ANDed.
Status ReadCycloneDxLicenses(const Json& component, const std::string& path, const Reader& r, SbomLicense* c) {
  ASSIGN_OR_RETURN(const Json* licenses, r.OptionalArray(component, "licenses", path));
  c->source = Reader::Join(path, "licenses");
  if (licenses == nullptr || licenses->empty()) {
    c->license = NoAssertion();
    c->note = "no licenses";
    return OkStatus();
  }
  if (licenses->size() > r.limits().max_licenses) {
    return ResourceExhaustedError(r.prefix() + c->source + " has " + std::to_string(licenses->size()) +
                                  " entries, more than the limit of " + std::to_string(r.limits().max_licenses));
  }
  std::string joined;
  std::string unnamed;
  for (size_t i = 0; i < licenses->size(); ++i) {
    const std::string at = c->source + "[" + std::to_string(i) + "]";
    const Json& entry = (*licenses)[i];
    if (!entry.is_object()) return r.Invalid(at, "must be an object");
    ASSIGN_OR_RETURN(std::string expression, r.OptionalString(entry, "expression", at));
    auto license = entry.find("license");
    if (!expression.empty() && license != entry.end()) return r.Invalid(at, "has both expression and license");
    std::string term;
    if (!expression.empty()) {
      ASSIGN_OR_RETURN(LicenseExpression parsed, r.Expression(expression, at + ".expression"));
      term = ToString(parsed);
    } else if (license != entry.end()) {
      const std::string lat = at + ".license";
      if (!license->is_object()) return r.Invalid(lat, "must be an object");
      ASSIGN_OR_RETURN(std::string id, r.OptionalString(*license, "id", lat));
      ASSIGN_OR_RETURN(std::string name, r.OptionalString(*license, "name", lat));
      if (!id.empty()) {
        ASSIGN_OR_RETURN(LicenseExpression parsed, r.Expression(id, lat + ".id"));
        if (!parsed.is_leaf() || !parsed.exception.empty()) {
          return r.Invalid(lat + ".id", "must be a single license id");
        }
        term = ToString(parsed);
      } else if (!name.empty()) {
        if (unnamed.empty()) unnamed = name;
        continue;
      } else {
        return r.Invalid(lat, "has neither id nor name");
      }
    } else {
      return r.Invalid(at, "has neither expression nor license");
    }
    joined += joined.empty() ? "(" + term + ")" : " AND (" + term + ")";
  }
  if (!unnamed.empty()) {
    // A name is free text: it says nothing a policy can judge, so the whole license is unknown.
    c->license = NoAssertion();
    c->note = "license name '" + unnamed + "' is not an SPDX id";
    return OkStatus();
  }
  ASSIGN_OR_RETURN(c->license, r.Expression(joined, c->source));
  return OkStatus();
}

Status ReadCycloneDxComponent(const Json& component, const std::string& path, size_t depth, const Reader& r,
                              SbomLicenses* out) {
  if (!component.is_object()) return r.Invalid(path, "must be an object");
  if (depth > r.limits().max_depth) {
    return ResourceExhaustedError(r.prefix() + path + " is nested deeper than the limit of " +
                                  std::to_string(r.limits().max_depth));
  }
  // A file without licenses (fnseal lists a component's files as nested "file" components) is
  // covered by its parent's license, not judged on its own.
  ASSIGN_OR_RETURN(std::string type, r.OptionalString(component, "type", path));
  const bool judged = !(type == "file" && !component.contains("licenses"));
  if (judged) {
    RETURN_IF_ERROR(r.Count(out->components.size() + 1));
    SbomLicense c;
    ASSIGN_OR_RETURN(c.component, r.OptionalString(component, "bom-ref", path));
    if (c.component.empty()) {
      ASSIGN_OR_RETURN(c.component, r.OptionalString(component, "name", path));
    }
    if (c.component.empty()) return r.Invalid(path, "has neither bom-ref nor name");
    RETURN_IF_ERROR(ReadCycloneDxLicenses(component, path, r, &c));
    out->components.push_back(std::move(c));
  }
  ASSIGN_OR_RETURN(const Json* nested, r.OptionalArray(component, "components", path));
  if (nested == nullptr) return OkStatus();
  for (size_t i = 0; i < nested->size(); ++i) {
    RETURN_IF_ERROR(
        ReadCycloneDxComponent((*nested)[i], path + ".components[" + std::to_string(i) + "]", depth + 1, r, out));
  }
  return OkStatus();
}

// CycloneDX: metadata.component (the function itself in fnseal's BOMs), then components, nested ones included.
Status ReadCycloneDx(const Json& doc, const Reader& r, SbomLicenses* out) {
  auto metadata = doc.find("metadata");
  if (metadata != doc.end()) {
    if (!metadata->is_object()) return r.Invalid("metadata", "must be an object");
    auto root = metadata->find("component");
    if (root != metadata->end()) RETURN_IF_ERROR(ReadCycloneDxComponent(*root, "metadata.component", 1, r, out));
  }
  ASSIGN_OR_RETURN(const Json* components, r.OptionalArray(doc, "components", ""));
  if (components == nullptr) return OkStatus();
  for (size_t i = 0; i < components->size(); ++i) {
    RETURN_IF_ERROR(ReadCycloneDxComponent((*components)[i], "components[" + std::to_string(i) + "]", 1, r, out));
  }
  return OkStatus();
}

// An SBOM document (not a statement, not a components file).
Status ReadDocument(const Json& doc, const Reader& r, SbomLicenses* out) {
  if (!doc.is_object()) return r.Invalid("document", "must be a JSON object");
  if (doc.contains("spdxVersion")) {
    ASSIGN_OR_RETURN(std::string version, r.OptionalString(doc, "spdxVersion", ""));
    if (version != "SPDX-2.3") return r.Invalid("spdxVersion", "is '" + version.substr(0, 64) + "', not SPDX-2.3");
    out->format = "spdx-2.3";
    return ReadSpdx2(doc, r, out);
  }
  if (doc.contains("bomFormat")) {
    ASSIGN_OR_RETURN(std::string format, r.OptionalString(doc, "bomFormat", ""));
    if (format != "CycloneDX") return r.Invalid("bomFormat", "is '" + format.substr(0, 64) + "', not CycloneDX");
    ASSIGN_OR_RETURN(std::string version, r.OptionalString(doc, "specVersion", ""));
    if (version != "1.4" && version != "1.5" && version != "1.6") {
      return r.Invalid("specVersion", "is '" + version.substr(0, 64) + "', not 1.4, 1.5 or 1.6");
    }
    out->format = "cyclonedx-" + version;
    return ReadCycloneDx(doc, r, out);
  }
  if (doc.contains("@context") || doc.contains("@graph")) {
    return UnimplementedError(r.prefix() + "document looks like SPDX 3 JSON-LD, which fnseal cannot read yet");
  }
  return InvalidArgumentError(r.prefix() +
                              "document is not a fnseal components file, an SPDX 2.3 document, a CycloneDX BOM or an "
                              "in-toto statement (no fnsealComponents, spdxVersion, bomFormat or _type)");
}

}  // namespace

Result<SbomLicenses> ParseSbomLicenses(std::string_view json, const SbomReadLimits& limits) {
  if (json.size() > limits.max_file_size) {
    return ResourceExhaustedError("sbom is " + std::to_string(json.size()) + " bytes, more than the limit of " +
                                  std::to_string(limits.max_file_size));
  }
  JsonLimits json_limits;
  json_limits.max_depth = limits.max_depth;
  json_limits.max_size = limits.max_file_size;
  ASSIGN_OR_RETURN(Json doc, ParseJsonStrict(json, "sbom", json_limits));
  SbomLicenses out;
  if (doc.is_object() && doc.contains("fnsealComponents")) {
    ComponentsLimits components_limits;
    components_limits.max_components = limits.max_components;
    ASSIGN_OR_RETURN(ComponentSet set, ParseComponentsFile(json, components_limits));
    out.format = "fnsealComponents";
    for (size_t i = 0; i < set.components.size(); ++i) {
      const Component& component = set.components[i];
      out.components.push_back({component.id, "components[" + std::to_string(i) + "].license", component.license, ""});
    }
    return out;
  }
  if (doc.is_object() && doc.contains("_type")) {
    Reader r(limits, "");
    ASSIGN_OR_RETURN(std::string type, r.OptionalString(doc, "_type", ""));
    if (type != kStatementType) return r.Invalid("_type", "is '" + type.substr(0, 64) + "', not " + kStatementType);
    ASSIGN_OR_RETURN(std::string predicate_type, r.OptionalString(doc, "predicateType", ""));
    if (predicate_type == SbomPredicateType(SbomFormat::kSpdx301)) {
      return UnimplementedError("statement predicate is SPDX 3 JSON-LD, which fnseal cannot read yet");
    }
    const std::string spdx_type(SbomPredicateType(SbomFormat::kSpdx23));
    const std::string cyclonedx_type(SbomPredicateType(SbomFormat::kCycloneDx16));
    if (predicate_type != spdx_type && predicate_type != cyclonedx_type) {
      return r.Invalid("predicateType", "'" + predicate_type.substr(0, 128) + "' is not an SBOM predicate type (" +
                                            spdx_type + " or " + cyclonedx_type + ")");
    }
    auto predicate = doc.find("predicate");
    if (predicate == doc.end()) return r.Invalid("statement", "has no predicate");
    out.in_toto = true;
    RETURN_IF_ERROR(ReadDocument(*predicate, Reader(limits, "predicate."), &out));
    if ((predicate_type == spdx_type) != (out.format == "spdx-2.3")) {
      return r.Invalid("predicate", "is " + out.format + " but predicateType is " + predicate_type);
    }
    return out;
  }
  RETURN_IF_ERROR(ReadDocument(doc, Reader(limits, ""), &out));
  return out;
}

Result<SbomLicenses> LoadSbomLicensesFile(const std::string& path, const SbomReadLimits& limits) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path, limits.max_file_size));
  return ParseSbomLicenses(text, limits).Annotate(path);
}

}  // namespace fnseal
