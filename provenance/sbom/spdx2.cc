// SPDX 2.3 JSON (https://spdx.github.io/spdx-spec/v2.3/): one package per component, the shipped
// files with their SHA256, relationships, and an extracted licensing info for every LicenseRef-.
#include <utility>

#include "provenance/sbom/writers.h"

namespace fnseal::sbom_internal {
namespace {

std::string PackageId(const Component& c) { return "SPDXRef-Package-" + SafeIdPart(c.id) + "-" + ShortHash(c.id); }

std::string FileId(const Component& c, const ComponentFile& f) {
  return "SPDXRef-File-" + SafeIdPart(f.name) + "-" + ShortHash(c.id + '\0' + f.name);
}

std::string Purpose(const Context& context, const Component& c) {
  if (&c == context.root) return "APPLICATION";
  // SPDX 2.3 has no purpose for models or data; the comment says what they are.
  return c.kind == ComponentKind::kCode ? "LIBRARY" : "OTHER";
}

std::string Comment(const Context& context, const Component& c) {
  if (c.kind == ComponentKind::kCode) return "";
  std::string out = c.kind == ComponentKind::kModel ? "machine-learning model" : "data set";
  if (!c.base_model.empty()) {
    const Component* base = context.Find(c.base_model);
    out += "; base model: " + (base != nullptr ? base->name : c.base_model);
  }
  if (!c.datasets.empty()) {
    out += "; trained on:";
    for (size_t i = 0; i < c.datasets.size(); ++i) {
      const Component* d = context.Find(c.datasets[i]);
      out += (i == 0 ? " " : ", ") + (d != nullptr ? d->name : c.datasets[i]);
    }
  }
  return out;
}

Json Relationship(const std::string& from, const char* type, const std::string& to) {
  return {{"spdxElementId", from}, {"relationshipType", type}, {"relatedSpdxElement", to}};
}

}  // namespace

Json WriteSpdx23(const Context& context) {
  Json packages = Json::array();
  Json files = Json::array();
  Json relationships = Json::array();
  relationships.push_back(Relationship("SPDXRef-DOCUMENT", "DESCRIBES", PackageId(*context.root)));
  for (const Component* c : context.components) {
    const std::string id = PackageId(*c);
    Json p = {{"SPDXID", id},
              {"name", c->name},
              {"downloadLocation", c->source_uri.empty() ? "NOASSERTION" : c->source_uri},
              {"filesAnalyzed", false},
              {"licenseDeclared", ToString(c->license)},
              {"licenseConcluded", "NOASSERTION"},
              {"copyrightText", c->copyright.empty() ? "NOASSERTION" : c->copyright},
              {"primaryPackagePurpose", Purpose(context, *c)}};
    if (const LicenseExpression* concluded = context.Concluded(*c)) p["licenseConcluded"] = ToString(*concluded);
    if (!c->version.empty()) p["versionInfo"] = c->version;
    if (!c->url.empty()) p["homepage"] = c->url;
    if (!c->supplier.empty()) p["supplier"] = "Organization: " + c->supplier;
    if (const std::string purl = context.Purl(*c); !purl.empty()) {
      p["externalRefs"] = Json::array(
          {{{"referenceCategory", "PACKAGE-MANAGER"}, {"referenceType", "purl"}, {"referenceLocator", purl}}});
    }
    if (const std::string comment = Comment(context, *c); !comment.empty()) p["comment"] = comment;
    packages.push_back(std::move(p));
    for (const std::string& dep : c->depends_on) {
      relationships.push_back(Relationship(id, "DEPENDS_ON", PackageId(*context.Find(dep))));
    }
    if (const Component* base = context.Find(c->base_model); base != nullptr && !c->base_model.empty()) {
      relationships.push_back(Relationship(id, "DESCENDANT_OF", PackageId(*base)));
    }
    for (const std::string& dataset : c->datasets) {
      // A trained model is generated from its training data; SPDX 2.3 has no "trained on".
      if (const Component* d = context.Find(dataset))
        relationships.push_back(Relationship(id, "GENERATED_FROM", PackageId(*d)));
    }
    for (const ComponentFile& f : c->files) {
      const std::string file_id = FileId(*c, f);
      files.push_back({{"SPDXID", file_id},
                       {"fileName", "./" + f.name},
                       {"checksums", Json::array({{{"algorithm", "SHA1"}, {"checksumValue", f.sha1}},
                                                  {{"algorithm", "SHA256"}, {"checksumValue", f.sha256}}})},
                       {"licenseConcluded", "NOASSERTION"},
                       {"copyrightText", "NOASSERTION"}});
      relationships.push_back(Relationship(id, "CONTAINS", file_id));
    }
  }
  Json document = {
      {"spdxVersion", "SPDX-2.3"},
      {"dataLicense", "CC0-1.0"},
      {"SPDXID", "SPDXRef-DOCUMENT"},
      {"name", context.set->function},
      {"documentNamespace", "https://fnseal.dev/spdx/" + SafeIdPart(context.set->function) + "-" + context.digest},
      {"creationInfo", {{"created", context.options->created}, {"creators", Json::array({"Tool: fnseal"})}}},
      {"packages", std::move(packages)},
      {"relationships", std::move(relationships)},
  };
  if (!files.empty()) document["files"] = std::move(files);
  if (!context.license_refs.empty()) {
    Json infos = Json::array();
    for (const LicenseRefEntry& r : context.license_refs) {
      Json info = {{"licenseId", r.id}, {"extractedText", r.text}};
      if (!r.name.empty()) info["name"] = r.name;
      if (!r.url.empty()) info["seeAlsos"] = Json::array({r.url});
      if (!r.text_provided) info["comment"] = "placeholder: the license text was not provided";
      infos.push_back(std::move(info));
    }
    document["hasExtractedLicensingInfos"] = infos;
  }
  return document;
}

}  // namespace fnseal::sbom_internal
