// SPDX 3.0.1 JSON-LD (https://spdx.github.io/spdx-spec/v3.0.1/): one graph with a CreationInfo,
// the SpdxDocument, a package per component (software_Package, ai_AIPackage,
// dataset_DatasetPackage), software_File elements, license expressions as
// simplelicensing_LicenseExpression elements, and Relationships between them.
#include <map>
#include <set>

#include "provenance/sbom/writers.h"

namespace fnseal::sbom_internal {
namespace {

constexpr char kCreationInfo[] = "_:creationinfo";

class Graph {
 public:
  explicit Graph(const Context& context)
      : namespace_("https://fnseal.dev/spdx/" + SafeIdPart(context.set->function) + "-" + context.digest + "#") {}

  std::string Iri(const std::string& local) const { return namespace_ + local; }
  std::string PackageIri(const Component& c) const {
    return Iri("Package-" + SafeIdPart(c.id) + "-" + ShortHash(c.id));
  }

  // Adds an element (sets creationInfo) and lists it in the document.
  void Add(Json element) {
    element["creationInfo"] = kCreationInfo;
    ids_.push_back(element["spdxId"].get<std::string>());
    elements_.push_back(std::move(element));
  }

  void Relate(const std::string& from, const char* type, const std::vector<std::string>& to) {
    if (to.empty()) return;
    std::string key = from + '\0' + type;
    for (const std::string& t : to) key += '\0' + t;
    Add({{"type", "Relationship"},
         {"spdxId", Iri("Relationship-" + ShortHash(key, 16))},
         {"from", from},
         {"relationshipType", type},
         {"to", to}});
  }

  // The element for a license expression, one per distinct normalized text.
  std::string License(const LicenseExpression& e) {
    const std::string text = ToString(e);
    auto it = licenses_.find(text);
    if (it != licenses_.end()) return it->second;
    const std::string iri = Iri("LicenseExpression-" + ShortHash(text, 16));
    Json element = {
        {"type", "simplelicensing_LicenseExpression"}, {"spdxId", iri}, {"simplelicensing_licenseExpression", text}};
    Json custom = Json::array();
    for (const std::string& ref : LicenseRefsOf(e)) {
      custom.push_back({{"type", "DictionaryEntry"}, {"key", ref}, {"value", LicenseTextIri(ref)}});
    }
    if (!custom.empty()) element["simplelicensing_customIdToUri"] = custom;
    Add(std::move(element));
    licenses_[text] = iri;
    return iri;
  }

  std::string LicenseTextIri(const std::string& ref) const {
    return Iri("LicenseText-" + SafeIdPart(ref) + "-" + ShortHash(ref));
  }

  std::string Agent(const std::string& name) {
    const std::string iri = Iri("Organization-" + SafeIdPart(name) + "-" + ShortHash(name));
    if (agents_.insert(iri).second) Add({{"type", "Organization"}, {"spdxId", iri}, {"name", name}});
    return iri;
  }

  const std::vector<std::string>& ids() const { return ids_; }
  Json TakeElements() { return std::move(elements_); }

 private:
  std::string namespace_;
  std::vector<std::string> ids_;
  Json elements_ = Json::array();
  std::map<std::string, std::string> licenses_;
  std::set<std::string> agents_;
};

const char* PackageType(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::kCode:
      return "software_Package";
    case ComponentKind::kModel:
      return "ai_AIPackage";
    case ComponentKind::kDataset:
      return "dataset_DatasetPackage";
  }
  return "software_Package";
}

const char* PrimaryPurpose(const Context& context, const Component& c) {
  if (c.kind == ComponentKind::kModel) return "model";
  if (c.kind == ComponentKind::kDataset) return "data";
  return &c == context.root ? "application" : "library";
}

// NONE and NOASSERTION are not expressions in SPDX 3 but individuals of the ExpandedLicensing
// vocabulary, which the JSON-LD context names with these compact terms.
void RelateLicense(Graph* graph, const std::string& from, const char* type, const LicenseExpression& e) {
  if (e.kind == LicenseExpression::Kind::kNoAssertion) {
    graph->Relate(from, type, {"expandedlicensing_NoAssertionLicense"});
  } else if (e.kind == LicenseExpression::Kind::kNone) {
    graph->Relate(from, type, {"expandedlicensing_NoneLicense"});
  } else {
    graph->Relate(from, type, {graph->License(e)});
  }
}

}  // namespace

Json WriteSpdx3(const Context& context) {
  Graph graph(context);
  const std::string tool = graph.Iri("Agent-fnseal");
  graph.Add({{"type", "SoftwareAgent"}, {"spdxId", tool}, {"name", "fnseal"}});
  for (const LicenseRefEntry& r : context.license_refs) {
    Json text = {{"type", "simplelicensing_SimpleLicensingText"},
                 {"spdxId", graph.LicenseTextIri(r.id)},
                 {"name", r.name.empty() ? r.id : r.name},
                 {"simplelicensing_licenseText", r.text}};
    if (!r.text_provided) text["comment"] = "placeholder: the license text was not provided";
    graph.Add(std::move(text));
  }
  for (const Component* c : context.components) {
    const std::string iri = graph.PackageIri(*c);
    Json p = {{"type", PackageType(c->kind)},
              {"spdxId", iri},
              {"name", c->name},
              {"software_primaryPurpose", PrimaryPurpose(context, *c)}};
    if (!c->version.empty()) p["software_packageVersion"] = c->version;
    if (!c->url.empty()) p["software_homePage"] = c->url;
    if (!c->source_uri.empty()) p["software_downloadLocation"] = c->source_uri;
    if (const std::string purl = context.Purl(*c); !purl.empty()) p["software_packageUrl"] = purl;
    if (!c->copyright.empty()) p["software_copyrightText"] = c->copyright;
    if (!c->supplier.empty()) p["suppliedBy"] = graph.Agent(c->supplier);
    // The components file says nothing about a data set's type.
    if (c->kind == ComponentKind::kDataset) p["dataset_datasetType"] = Json::array({"noAssertion"});
    // Base models and data sets that are not components are free-text names.
    std::string comment;
    if (!c->base_model.empty() && context.Find(c->base_model) == nullptr) comment = "base model: " + c->base_model;
    std::string named_datasets;
    for (const std::string& d : c->datasets) {
      if (context.Find(d) == nullptr) named_datasets += (named_datasets.empty() ? "" : ", ") + d;
    }
    if (!named_datasets.empty())
      comment += (comment.empty() ? "" : "; ") + std::string("trained on: ") + named_datasets;
    if (!comment.empty()) p["comment"] = comment;
    graph.Add(std::move(p));
  }
  for (const Component* c : context.components) {
    const std::string iri = graph.PackageIri(*c);
    RelateLicense(&graph, iri, "hasDeclaredLicense", c->license);
    if (const LicenseExpression* concluded = context.Concluded(*c)) {
      RelateLicense(&graph, iri, "hasConcludedLicense", *concluded);
    }
    std::vector<std::string> deps;
    for (const std::string& d : c->depends_on) deps.push_back(graph.PackageIri(*context.Find(d)));
    graph.Relate(iri, "dependsOn", deps);
    if (const Component* base = context.Find(c->base_model); base != nullptr && !c->base_model.empty()) {
      graph.Relate(iri, "descendantOf", {graph.PackageIri(*base)});
    }
    std::vector<std::string> trained_on;
    for (const std::string& d : c->datasets) {
      if (const Component* dataset = context.Find(d)) trained_on.push_back(graph.PackageIri(*dataset));
    }
    graph.Relate(iri, "trainedOn", trained_on);
    std::vector<std::string> files;
    for (const ComponentFile& f : c->files) {
      const std::string file_iri = graph.Iri("File-" + SafeIdPart(f.name) + "-" + ShortHash(c->id + '\0' + f.name));
      graph.Add(
          {{"type", "software_File"},
           {"spdxId", file_iri},
           {"name", f.name},
           {"verifiedUsing", Json::array({{{"type", "Hash"}, {"algorithm", "sha256"}, {"hashValue", f.sha256}}})}});
      files.push_back(file_iri);
    }
    graph.Relate(iri, "contains", files);
  }
  const std::string document_iri = graph.Iri("SpdxDocument");
  Json document = {{"type", "SpdxDocument"},
                   {"spdxId", document_iri},
                   {"name", context.set->function},
                   {"creationInfo", kCreationInfo},
                   {"rootElement", Json::array({graph.PackageIri(*context.root)})},
                   {"element", graph.ids()},
                   {"profileConformance", Json::array({"core", "software", "ai", "dataset", "simpleLicensing"})}};
  Json elements = graph.TakeElements();
  Json all = Json::array();
  all.push_back({{"type", "CreationInfo"},
                 {"@id", kCreationInfo},
                 {"specVersion", "3.0.1"},
                 {"created", context.options->created},
                 {"createdBy", Json::array({tool})}});
  all.push_back(std::move(document));
  for (Json& e : elements) all.push_back(std::move(e));
  return {{"@context", "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"}, {"@graph", all}};
}

}  // namespace fnseal::sbom_internal
