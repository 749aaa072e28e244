// CycloneDX 1.6 JSON (https://cyclonedx.org/docs/1.6/json/): the root component in metadata, the
// others as components (library, machine-learning-model with a modelCard, data), shipped files
// as nested file components with SHA-256 hashes, and the dependency graph.
#include <cstdio>
#include <utility>

#include "core/sha256.h"
#include "provenance/sbom/writers.h"

namespace fnseal::sbom_internal {
namespace {

// A UUID shaped like RFC 4122 version 5 (name-based) whose bytes are the first 16 bytes of
// sha256("fnseal cyclonedx-1.6 " + content digest) instead of SHA-1: the same content always
// gets the same serial number, and different content a different one.
std::string SerialNumber(const Context& context) {
  std::string bytes = Sha256Hex("fnseal cyclonedx-1.6 " + context.digest);
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  unsigned char b[16];
  for (int i = 0; i < 16; ++i) b[i] = static_cast<unsigned char>(nibble(bytes[2 * i]) * 16 + nibble(bytes[2 * i + 1]));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x50);  // version 5
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);  // RFC 4122 variant
  char out[37];
  std::snprintf(out, sizeof out, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return std::string("urn:uuid:") + out;
}

const char* ComponentType(const Context& context, const Component& c) {
  if (c.kind == ComponentKind::kModel) return "machine-learning-model";
  if (c.kind == ComponentKind::kDataset) return "data";
  return &c == context.root ? "application" : "library";
}

// A single plain SPDX id is {"license": {"id"}}; any other expression is {"expression"}.
// NOASSERTION and NONE have no CycloneDX form: the licenses field is left out.
Json Licenses(const LicenseExpression& e) {
  using Kind = LicenseExpression::Kind;
  if (e.kind == Kind::kNoAssertion || e.kind == Kind::kNone) return nullptr;
  if (e.kind == Kind::kLicense && !e.or_later && e.exception.empty()) {
    return Json::array({{{"license", {{"id", e.license}, {"acknowledgement", "declared"}}}}});
  }
  return Json::array({{{"expression", ToString(e)}, {"acknowledgement", "declared"}}});
}

Json ComponentJson(const Context& context, const Component& c) {
  Json out = {{"type", ComponentType(context, c)}, {"bom-ref", c.id}, {"name", c.name}};
  if (!c.version.empty()) out["version"] = c.version;
  if (!c.supplier.empty()) out["supplier"] = {{"name", c.supplier}};
  if (const std::string purl = context.Purl(c); !purl.empty()) out["purl"] = purl;
  if (!c.copyright.empty()) out["copyright"] = c.copyright;
  if (Json licenses = Licenses(c.license); !licenses.is_null()) out["licenses"] = licenses;
  Json references = Json::array();
  if (!c.url.empty()) references.push_back({{"type", "website"}, {"url", c.url}});
  if (!c.source_uri.empty()) references.push_back({{"type", "distribution"}, {"url", c.source_uri}});
  if (!references.empty()) out["externalReferences"] = references;
  Json files = Json::array();
  for (const ComponentFile& f : c.files) {
    files.push_back({{"type", "file"},
                     {"bom-ref", c.id + "#file:" + f.name},
                     {"name", f.name},
                     {"hashes", Json::array({{{"alg", "SHA-256"}, {"content", f.sha256}}})}});
  }
  if (!files.empty()) out["components"] = files;
  if (c.kind == ComponentKind::kModel) {
    Json datasets = Json::array();
    for (const std::string& d : c.datasets) {
      if (context.Find(d) != nullptr) {
        datasets.push_back({{"ref", d}});
      } else {
        datasets.push_back({{"type", "dataset"}, {"name", d}});
      }
    }
    Json card = Json::object();
    if (!datasets.empty()) card["modelParameters"] = {{"datasets", datasets}};
    out["modelCard"] = card;
    if (!c.base_model.empty()) {
      const Component* base = context.Find(c.base_model);
      Json ancestor = {{"type", "machine-learning-model"}, {"name", base != nullptr ? base->name : c.base_model}};
      if (base != nullptr && !base->version.empty()) ancestor["version"] = base->version;
      out["pedigree"] = {{"ancestors", Json::array({ancestor})}};
    }
  }
  if (c.kind == ComponentKind::kDataset) out["data"] = Json::array({{{"type", "dataset"}, {"name", c.name}}});
  return out;
}

}  // namespace

Json WriteCycloneDx(const Context& context) {
  Json components = Json::array();
  Json dependencies = Json::array();
  for (const Component* c : context.components) {
    if (c != context.root) components.push_back(ComponentJson(context, *c));
    Json depends = Json::array();
    for (const std::string& d : c->depends_on) depends.push_back(d);
    dependencies.push_back({{"ref", c->id}, {"dependsOn", depends}});
  }
  Json metadata = {{"timestamp", context.options->created},
                   {"tools", {{"components", Json::array({{{"type", "application"}, {"name", "fnseal"}}})}}},
                   {"component", ComponentJson(context, *context.root)}};
  Json bom = {{"bomFormat", "CycloneDX"},
              {"specVersion", "1.6"},
              {"serialNumber", SerialNumber(context)},
              {"version", 1},
              {"metadata", std::move(metadata)},
              {"dependencies", std::move(dependencies)}};
  if (!components.empty()) bom["components"] = std::move(components);
  return bom;
}

}  // namespace fnseal::sbom_internal
