#include "provenance/sbom/sbom.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <utility>

#include "core/json.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "provenance/licenses/model_licenses.h"
#include "provenance/sbom/writers.h"

namespace fnseal {
namespace sbom_internal {
namespace {

void CollectLicenseRefs(const LicenseExpression& e, std::set<std::string>* out) {
  if (e.kind == LicenseExpression::Kind::kLicenseRef) out->insert(e.license);
  for (const LicenseExpression& operand : e.operands) CollectLicenseRefs(operand, out);
}

// The file stem of a license text's name: "licenses/LicenseRef-x.txt" -> "LicenseRef-x".
std::string Stem(const std::string& name) {
  std::string base = name.substr(name.rfind('/') == std::string::npos ? 0 : name.rfind('/') + 1);
  const size_t dot = base.rfind('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

std::string Placeholder(const std::string& id, const std::string& url) {
  std::string text = "The text of " + id + " was not provided to fnseal when this document was made.";
  if (!url.empty()) text += " See " + url + ".";
  return text;
}

// The text recorded for LicenseRef `id` (docs/sbom.md, "License texts"): a license text file
// named after the id, else the texts of a component whose whole license is the id, else the
// resolver's text, else a placeholder.
LicenseRefEntry ResolveLicenseRef(const std::string& id, const std::vector<const Component*>& components,
                                  const SbomOptions& options) {
  LicenseRefEntry entry;
  entry.id = id;
  std::optional<LicenseRefInfo> info;
  if (options.license_ref_resolver) info = options.license_ref_resolver(id);
  if (info.has_value()) {
    entry.name = info->name;
    entry.url = info->url;
  }
  std::vector<const Component*> users;
  for (const Component* c : components) {
    std::set<std::string> refs;
    CollectLicenseRefs(c->license, &refs);
    if (refs.count(id) != 0) users.push_back(c);
  }
  for (const Component* c : users) {
    for (const ComponentFile& f : c->license_texts) {
      if (Stem(f.name) == id && !f.text.empty()) {
        entry.text = f.text;
        entry.text_provided = true;
        return entry;
      }
    }
  }
  for (const Component* c : users) {
    if (c->license.kind != LicenseExpression::Kind::kLicenseRef || c->license_texts.empty()) continue;
    std::string joined;
    for (const ComponentFile& f : c->license_texts) {
      if (!joined.empty()) joined += "\n\n";
      joined += f.text;
    }
    if (joined.empty()) continue;
    entry.text = std::move(joined);
    entry.text_provided = true;
    return entry;
  }
  if (info.has_value() && !info->text.empty()) {
    entry.text = info->text;
    entry.text_provided = true;
    return entry;
  }
  entry.text = Placeholder(id, entry.url);
  if (info.has_value() && !info->summary.empty()) entry.text += " Summary: " + info->summary;
  return entry;
}

Json FileJson(const ComponentFile& f) {
  return {{"name", f.name}, {"path", f.path}, {"sha256", f.sha256}, {"sha1", f.sha1}, {"size", f.size}};
}

// Everything the documents say, as one canonical value: its digest names the documents.
Json ModelJson(const Context& context) {
  Json components = Json::array();
  for (const Component* c : context.components) {
    Json files = Json::array();
    for (const ComponentFile& f : c->files) files.push_back(FileJson(f));
    Json texts = Json::array();
    for (const ComponentFile& f : c->license_texts) texts.push_back(FileJson(f));
    const LicenseExpression* concluded = context.Concluded(*c);
    components.push_back({{"id", c->id},
                          {"kind", std::string(ComponentKindName(c->kind))},
                          {"name", c->name},
                          {"version", c->version},
                          {"copyright", c->copyright},
                          {"url", c->url},
                          {"supplier", c->supplier},
                          {"purl", context.Purl(*c)},
                          {"license", ToString(c->license)},
                          {"concluded", concluded == nullptr ? "" : ToString(*concluded)},
                          {"licenseTexts", texts},
                          {"files", files},
                          {"dependsOn", c->depends_on},
                          {"sourceUri", c->source_uri},
                          {"baseModel", c->base_model},
                          {"datasets", c->datasets}});
  }
  Json refs = Json::array();
  for (const LicenseRefEntry& r : context.license_refs) {
    refs.push_back({{"id", r.id}, {"name", r.name}, {"url", r.url}, {"text", r.text}});
  }
  return {{"function", context.set->function},
          {"root", context.set->root},
          {"created", context.options->created},
          {"components", std::move(components)},
          {"licenseRefs", std::move(refs)}};
}

// RFC 3339 UTC as the writers accept it: "YYYY-MM-DDTHH:MM:SSZ", with plausible field ranges.
bool IsRfc3339Utc(const std::string& s) {
  static constexpr char kShape[] = "dddd-dd-ddTdd:dd:ddZ";
  if (s.size() != sizeof(kShape) - 1) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    if (kShape[i] == 'd' ? !std::isdigit(static_cast<unsigned char>(s[i])) : s[i] != kShape[i]) return false;
  }
  auto field = [&](size_t at) { return (s[at] - '0') * 10 + (s[at + 1] - '0'); };
  return field(5) >= 1 && field(5) <= 12 && field(8) >= 1 && field(8) <= 31 && field(11) <= 23 && field(14) <= 59 &&
         field(17) <= 60;
}

}  // namespace

const Component* Context::Find(const std::string& id) const {
  auto it = std::lower_bound(components.begin(), components.end(), id,
                             [](const Component* c, const std::string& key) { return c->id < key; });
  return it != components.end() && (*it)->id == id ? *it : nullptr;
}

const LicenseExpression* Context::Concluded(const Component& c) const {
  auto it = options->concluded.find(c.id);
  return it == options->concluded.end() ? nullptr : &it->second;
}

std::string Context::Purl(const Component& c) const {
  auto it = purls.find(c.id);
  return it == purls.end() ? std::string() : it->second;
}

std::string SafeIdPart(const std::string& text) {
  std::string out;
  for (char ch : text) {
    const bool ok = std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-';
    if (ok) {
      out += ch;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
    if (out.size() >= 64) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "x" : out;
}

std::string ShortHash(const std::string& text, size_t hex_chars) { return Sha256Hex(text).substr(0, hex_chars); }

std::vector<std::string> LicenseRefsOf(const LicenseExpression& e) {
  std::set<std::string> refs;
  CollectLicenseRefs(e, &refs);
  return {refs.begin(), refs.end()};
}

Result<Context> PrepareContext(const ComponentSet& set, const SbomOptions& options) {
  if (!IsRfc3339Utc(options.created)) {
    return InvalidArgumentError("created time '" + options.created.substr(0, 64) +
                                "' is not RFC 3339 UTC like 2026-06-01T12:00:00Z");
  }
  Context context;
  context.set = &set;
  context.options = &options;
  for (const Component& c : set.components) {
    context.components.push_back(&c);
    for (const auto* files : {&c.files, &c.license_texts}) {
      for (const ComponentFile& f : *files) {
        if (f.sha256.size() != 64 || f.sha1.size() != 40) {
          return InvalidArgumentError("component '" + c.id + "': file '" + f.name +
                                      "' has not been read (load the components file before writing an SBOM)");
        }
      }
    }
  }
  std::sort(context.components.begin(), context.components.end(),
            [](const Component* a, const Component* b) { return a->id < b->id; });
  context.root = context.Find(set.root);
  if (context.root == nullptr) return InvalidArgumentError("root '" + set.root + "' is not a component of the set");
  for (const auto& [id, expression] : options.concluded) {
    if (context.Find(id) == nullptr) {
      return InvalidArgumentError("a concluded license is given for '" + id + "', which is not a component");
    }
    (void)expression;
  }
  std::set<std::string> refs;
  for (const Component* c : context.components) CollectLicenseRefs(c->license, &refs);
  for (const auto& [id, expression] : options.concluded) CollectLicenseRefs(expression, &refs);
  for (const std::string& id : refs) {
    if (!StartsWith(id, "LicenseRef-")) {
      return InvalidArgumentError("license '" + id +
                                  "' refers to another document; only LicenseRef- ids are supported");
    }
    context.license_refs.push_back(ResolveLicenseRef(id, context.components, options));
  }
  for (const Component* c : context.components) {
    ASSIGN_OR_RETURN(std::string purl, ComponentPurl(*c));
    if (!purl.empty()) context.purls[c->id] = std::move(purl);
  }
  context.digest = Sha256Hex(CanonicalJsonDump(ModelJson(context)));
  return context;
}

}  // namespace sbom_internal

Result<SbomFormat> ParseSbomFormat(std::string_view name) {
  if (name == "spdx-2.3") return SbomFormat::kSpdx23;
  if (name == "spdx-3.0.1") return SbomFormat::kSpdx301;
  if (name == "cyclonedx-1.6") return SbomFormat::kCycloneDx16;
  return InvalidArgumentError("unknown SBOM format '" + std::string(name.substr(0, 64)) +
                              "' (spdx-2.3, spdx-3.0.1 or cyclonedx-1.6)");
}

std::string_view SbomFormatName(SbomFormat format) {
  switch (format) {
    case SbomFormat::kSpdx23:
      return "spdx-2.3";
    case SbomFormat::kSpdx301:
      return "spdx-3.0.1";
    case SbomFormat::kCycloneDx16:
      return "cyclonedx-1.6";
  }
  return "spdx-2.3";
}

std::string_view SbomPredicateType(SbomFormat format) {
  switch (format) {
    case SbomFormat::kSpdx23:
      return "https://spdx.dev/Document/v2.3";
    case SbomFormat::kSpdx301:
      return "https://spdx.dev/Document/v3";
    case SbomFormat::kCycloneDx16:
      return "https://cyclonedx.org/bom";
  }
  return "";
}

namespace {

Result<Json> WriteSbomJson(SbomFormat format, const ComponentSet& set, const SbomOptions& options) {
  ASSIGN_OR_RETURN(sbom_internal::Context context, sbom_internal::PrepareContext(set, options));
  switch (format) {
    case SbomFormat::kSpdx23:
      return sbom_internal::WriteSpdx23(context);
    case SbomFormat::kSpdx301:
      return sbom_internal::WriteSpdx3(context);
    case SbomFormat::kCycloneDx16:
      return sbom_internal::WriteCycloneDx(context);
  }
  return InternalError("unknown SBOM format");
}

}  // namespace

Result<std::string> WriteSbom(SbomFormat format, const ComponentSet& set, const SbomOptions& options) {
  ASSIGN_OR_RETURN(Json document, WriteSbomJson(format, set, options));
  return CanonicalJsonDump(document);
}

Result<SbomStatement> SbomAsStatement(SbomFormat format, const ComponentSet& set, const std::vector<Subject>& subjects,
                                      const SbomOptions& options) {
  if (subjects.empty()) return InvalidArgumentError("an SBOM statement needs at least one subject");
  for (const Subject& s : subjects) {
    if (s.name.empty()) return InvalidArgumentError("an SBOM statement subject has no name");
    auto it = s.digest.find("sha256");
    if (it == s.digest.end() || it->second.size() != 64 ||
        it->second.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return InvalidArgumentError("subject '" + s.name + "' has no lowercase hex sha256 digest");
    }
  }
  Statement statement;
  statement.subjects = subjects;
  statement.predicate_type = std::string(SbomPredicateType(format));
  ASSIGN_OR_RETURN(statement.predicate, WriteSbomJson(format, set, options));
  return SbomStatement{statement.predicate_type, SerializeStatement(statement)};
}

std::optional<LicenseRefInfo> ModelLicenseCatalogueRef(std::string_view id) {
  const ModelLicense* license = FindModelLicense(id);
  if (license == nullptr) return std::nullopt;
  LicenseRefInfo info;
  info.name = license->name;
  info.url = license->url;
  info.summary = license->summary;
  return info;
}

}  // namespace fnseal
