// Makes N distinct signed bundles with realistic facts for the audit store's benchmark and its
// crash and concurrency tests: each has `--components` components (code from a shared pool of
// libraries with Debian and npm purls, every tenth function a model derived from a base model and
// trained on a data set), stamped provenance from one of 50 repositories, and 3 attestations
// (SLSA provenance, CycloneDX, SPDX 2.3). Deterministic for a given seed. With --jsonl, also
// writes one JSON object per bundle with the same facts: the input a user would otherwise query
// with jq.
//
// Usage: generate_bundles --count N --key KEY.pem --out DIR [--first I] [--components 40]
//                         [--seed 1] [--jsonl FACTS.jsonl]
// Bundles I..I+N-1 are <i/1000>/b<i>.fnb; the same index gives the same bundle whatever --first
// was.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "core/file.h"
#include "core/io.h"
#include "core/json.h"
#include "core/sha256.h"
#include "formats/tar/tar.h"
#include "provenance/licenses/expression.h"
#include "provenance/sbom/sbom.h"
#include "provenance/signing/keys.h"

namespace fnseal {
namespace {

struct Options {
  size_t first = 0;  // the index of the first bundle, so that several processes can share the work
  size_t count = 0;
  size_t components = 40;
  uint64_t seed = 1;
  std::string key, out, jsonl;
};

// A small deterministic PRNG (splitmix64): the same seed gives the same bundles everywhere.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }

 private:
  uint64_t state_;
};

const std::vector<std::string> kLicenses = {
    "Apache-2.0", "MIT", "BSD-3-Clause", "BSD-2-Clause", "ISC", "Zlib", "MPL-2.0", "LGPL-2.1-or-later",
    "GPL-2.0-or-later", "GPL-3.0-only", "Apache-2.0 OR MIT", "CC-BY-NC-4.0", "Unlicense", "BSL-1.0"};
const std::vector<std::string> kModelLicenses = {"LicenseRef-fnseal-Llama-3.1", "Apache-2.0",
                                                 "LicenseRef-fnseal-BigScience-OpenRAIL-M", "CC-BY-NC-4.0"};
const std::vector<std::string> kBaseModels = {"distilbert-base-uncased", "bert-base-uncased", "llama-3.1-8b",
                                              "mistral-7b", "t5-small"};
const std::vector<std::string> kDatasets = {"sst2", "imdb", "squad", "wikitext", "common-crawl-sample"};

Component MakeComponent(std::string id, ComponentKind kind, std::string name, std::string version,
                        const std::string& license) {
  Component c;
  c.id = std::move(id);
  c.kind = kind;
  c.name = std::move(name);
  c.version = std::move(version);
  c.license = ParseLicenseExpression(license).value();
  return c;
}

ComponentFile FileOf(const std::string& name, const std::string& seed) {
  ComponentFile f;
  f.name = name;
  f.path = name;
  f.sha256 = Sha256Hex(seed);
  f.sha1 = Sha256Hex("sha1:" + seed).substr(0, 40);
  f.size = 1000 + seed.size();
  return f;
}

// Library `n` of the shared pool: the same name, version, license and file digest in every
// bundle that uses it, so that "contains" has many answers.
Component PoolLibrary(size_t n) {
  Random r(n * 7919 + 17);
  const bool deb = n % 3 == 0;
  const std::string name = (deb ? "libdeb" : "npm-lib") + std::to_string(n);
  const std::string version = std::to_string(1 + r.Below(5)) + "." + std::to_string(r.Below(20)) + "." +
                              std::to_string(r.Below(10));
  Component c = MakeComponent((deb ? "toolchain:" : "//third_party/npm:") + name, ComponentKind::kCode, name, version,
                              kLicenses[r.Below(kLicenses.size())]);
  if (deb) c.supplier = "Debian";
  c.files.push_back(FileOf("lib/" + name + ".a", name + "@" + version));
  return c;
}

struct Generated {
  std::string path;
  Json facts;
};

Result<Generated> MakeBundle(const Options& o, const PrivateKey& key, size_t i) {
  Random r(o.seed * 1000003 + i);
  const std::string function = "fn" + std::to_string(i % 1000);
  const std::string version = std::to_string(1 + i / 1000) + ".0.0";
  const std::string repo = "git+https://git.example.com/org/repo" + std::to_string(i % 50) + "@refs/heads/main";
  const std::string commit = Sha256Hex("commit " + std::to_string(i / 7)).substr(0, 40);
  const std::string handler = "#!/bin/sh\necho " + function + " " + version + " " + std::to_string(i) + "\n";

  ComponentSet set;
  set.function = function;
  set.root = "//functions/" + function + ":" + function;
  Component root = MakeComponent(set.root, ComponentKind::kCode, function, version, "Apache-2.0");
  Component own = MakeComponent("//functions/" + function + ":handler", ComponentKind::kCode, function + "-handler",
                                version, "Apache-2.0");
  own.files.push_back(FileOf("bootstrap", handler));
  root.depends_on.push_back(own.id);
  std::vector<Component> components = {root, own};
  if (i % 10 == 0) {
    Component model = MakeComponent("//models:m" + std::to_string(i % 200), ComponentKind::kModel,
                                    "model-" + std::to_string(i % 200), "1." + std::to_string(i % 7),
                                    kModelLicenses[r.Below(kModelLicenses.size())]);
    model.base_model = kBaseModels[r.Below(kBaseModels.size())];
    model.source_uri = "https://huggingface.co/org/" + model.name;
    Component data = MakeComponent("//datasets:" + kDatasets[r.Below(kDatasets.size())], ComponentKind::kDataset,
                                   "", "", "CC-BY-4.0");
    data.name = data.id.substr(data.id.find(':') + 1);
    data.source_uri = "https://huggingface.co/datasets/org/" + data.name;
    model.datasets = {data.id};
    model.files.push_back(FileOf("model/weights.bin", model.name + model.version));
    components[1].depends_on.push_back(model.id);
    components.push_back(model);
    components.push_back(data);
  }
  std::vector<size_t> picked;
  while (components.size() < o.components) {
    const size_t n = r.Below(2000);
    if (std::find(picked.begin(), picked.end(), n) != picked.end()) continue;
    picked.push_back(n);
    Component lib = PoolLibrary(n);
    components[1].depends_on.push_back(lib.id);
    components.push_back(lib);
  }
  set.components = components;

  std::vector<ArchiveInput> inputs(1);
  inputs[0].path = "bootstrap";
  inputs[0].content = handler;
  inputs[0].executable = true;
  ASSIGN_OR_RETURN(TarPlan plan, PlanTar(inputs));
  StringSink tar;
  RETURN_IF_ERROR(WriteTar(plan, &tar));
  // A folder per thousand bundles: every atomic write lists its folder for stale temporaries, so
  // one folder of 100,000 bundles would make generation quadratic.
  const std::string folder = o.out + "/" + std::to_string(i / 1000);
  std::error_code error;
  std::filesystem::create_directories(folder, error);
  if (error) return UnavailableError(folder + ": " + error.message());
  const std::string stem = folder + "/b" + std::to_string(i);
  RETURN_IF_ERROR(WriteFileAtomic(stem + ".tar", tar.data()));

  BundleSpec spec;
  spec.function_name = function;
  spec.entrypoint = "bootstrap";
  spec.runtime = "provided.al2023";
  spec.artifact_path = stem + ".tar";
  spec.write.sync = false;  // throwaway inputs: no fsync
  spec.provenance.builder_id = "https://fnseal.dev/builders/bazel/v1";
  spec.provenance.builder_version = {{"fnseal", "0.1.0"}};
  spec.provenance.external_parameters = {{"function", function},
                                         {"target", "//functions/" + function + ":" + function + "_bundle"}};
  spec.provenance.internal_parameters = {
      {"entrypoint", "bootstrap"}, {"runtime", "provided.al2023"}, {"source", {{"treeState", "clean"}}}};
  spec.provenance.resolved_dependencies.push_back({"bootstrap", "", Sha256Hex(handler), ""});
  spec.provenance.resolved_dependencies.push_back({"source", repo, "", commit});
  for (SbomFormat format : {SbomFormat::kCycloneDx16, SbomFormat::kSpdx23}) {
    spec.attestations.push_back(
        {std::string("sbom.") + std::string(SbomFormatName(format)),
         [set, format](const std::vector<Subject>& shipped) -> Result<std::string> {
           ASSIGN_OR_RETURN(SbomStatement s, SbomAsStatement(format, set, shipped));
           return s.bytes;
         }});
  }
  const std::string unsigned_path = stem + ".unsigned.fnb";
  RETURN_IF_ERROR(BuildBundle(spec, unsigned_path));
  Generated g;
  g.path = stem + ".fnb";
  RETURN_IF_ERROR(SignBundle(unsigned_path, {key}, g.path));
  RemoveTree(unsigned_path);
  RemoveTree(stem + ".tar");
  if (!o.jsonl.empty()) {
    ASSIGN_OR_RETURN(std::string digest, Sha256FileHex(g.path));
    Json list = Json::array();
    for (const Component& c : set.components) {
      Json files = Json::array();
      for (const ComponentFile& f : c.files) files.push_back(f.sha256);
      list.push_back({{"ref", c.id},
                      {"kind", std::string(ComponentKindName(c.kind))},
                      {"name", c.name},
                      {"version", c.version},
                      {"license", ToString(c.license)},
                      {"base_model", c.base_model},
                      {"datasets", c.datasets},
                      {"files", files}});
    }
    g.facts = {{"bundle", digest},
               {"function", function},
               {"source_uri", repo},
               {"source_commit", commit},
               {"builder_id", spec.provenance.builder_id},
               {"signers", Json::array({{{"attestation", "attestations/provenance.dsse.json"},
                                         {"key_id", key.public_key().key_id()}},
                                        {{"attestation", "attestations/sbom.cyclonedx-1.6.dsse.json"},
                                         {"key_id", key.public_key().key_id()}},
                                        {{"attestation", "attestations/sbom.spdx-2.3.dsse.json"},
                                         {"key_id", key.public_key().key_id()}}})},
               {"components", list}};
  }
  return g;
}

int Main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i], value = argv[i + 1];
    if (flag == "--count") o.count = std::strtoull(value.c_str(), nullptr, 10);
    else if (flag == "--first") o.first = std::strtoull(value.c_str(), nullptr, 10);
    else if (flag == "--components") o.components = std::strtoull(value.c_str(), nullptr, 10);
    else if (flag == "--seed") o.seed = std::strtoull(value.c_str(), nullptr, 10);
    else if (flag == "--key") o.key = value;
    else if (flag == "--out") o.out = value;
    else if (flag == "--jsonl") o.jsonl = value;
    else {
      std::fprintf(stderr, "generate_bundles: unknown flag %s\n", flag.c_str());
      return 2;
    }
  }
  if (o.count == 0 || o.key.empty() || o.out.empty() || o.components < 4) {
    std::fprintf(stderr, "usage: generate_bundles --count N --key KEY.pem --out DIR [--first I] [--components N>=4] "
                         "[--seed S] [--jsonl FILE]\n");
    return 2;
  }
  Result<std::string> pem = ReadFile(o.key);
  Result<PrivateKey> key = pem.ok() ? PrivateKey::FromPem(*pem) : Result<PrivateKey>(pem.status());
  if (!key.ok()) {
    std::fprintf(stderr, "generate_bundles: %s\n", key.status().ToString().c_str());
    return 1;
  }
  std::error_code error;
  std::filesystem::create_directories(o.out, error);
  if (error) {
    std::fprintf(stderr, "generate_bundles: %s: %s\n", o.out.c_str(), error.message().c_str());
    return 1;
  }
  std::FILE* jsonl = o.jsonl.empty() ? nullptr : std::fopen(o.jsonl.c_str(), "w");
  if (!o.jsonl.empty() && jsonl == nullptr) {
    std::perror(o.jsonl.c_str());
    return 1;
  }
  for (size_t i = o.first; i < o.first + o.count; ++i) {
    Result<Generated> g = MakeBundle(o, *key, i);
    if (!g.ok()) {
      std::fprintf(stderr, "generate_bundles: bundle %zu: %s\n", i, g.status().ToString().c_str());
      return 1;
    }
    if (jsonl != nullptr) std::fprintf(jsonl, "%s\n", CanonicalJsonDump(g->facts).c_str());
  }
  if (jsonl != nullptr && std::fclose(jsonl) != 0) return 1;
  return 0;
}

}  // namespace
}  // namespace fnseal

int main(int argc, char** argv) { return fnseal::Main(argc, argv); }
