#include "audit/store/test_bundles.h"

#include <gtest/gtest.h>

#include <cstdlib>

#include "bundle/bundle.h"
#include "core/file.h"
#include "core/io.h"
#include "core/sha256.h"
#include "formats/tar/tar.h"
#include "provenance/licenses/expression.h"
#include "provenance/sbom/sbom.h"

namespace fnseal::test {
namespace {

template <typename T>
T OrDie(Result<T> r, const char* what) {
  if (!r.ok()) {
    ADD_FAILURE() << what << ": " << r.status().ToString();
    std::abort();
  }
  return std::move(r).value();
}

void OrDie(const Status& s, const char* what) {
  if (!s.ok()) {
    ADD_FAILURE() << what << ": " << s.ToString();
    std::abort();
  }
}

Component Make(std::string id, ComponentKind kind, std::string name, std::string version, const std::string& license) {
  Component c;
  c.id = std::move(id);
  c.kind = kind;
  c.name = std::move(name);
  c.version = std::move(version);
  c.license = OrDie(ParseLicenseExpression(license), "license");
  return c;
}

ComponentFile File(const std::string& name, const std::string& content) {
  ComponentFile f;
  f.name = name;
  f.path = name;
  f.sha256 = Sha256Hex(content);
  f.sha1 = std::string(40, '0');
  f.size = content.size();
  return f;
}

}  // namespace

ComponentSet TestComponents(const TestBundle& b) {
  ComponentSet set;
  set.function = b.function;
  set.root = "//functions/" + b.function + ":" + b.function;
  Component root = Make(set.root, ComponentKind::kCode, b.function, b.version, "Apache-2.0");
  root.depends_on = {"//functions/" + b.function + ":handler", "toolchain:glibc"};
  Component handler = Make("//functions/" + b.function + ":handler", ComponentKind::kCode, b.function + "-handler",
                           b.version, "Apache-2.0");
  handler.files.push_back(File("bootstrap", b.handler_bytes));
  handler.depends_on = {"//models:classifier", "//lib:zlib"};
  Component zlib = Make("//lib:zlib", ComponentKind::kCode, "zlib", "1.3", "Zlib");
  zlib.files.push_back(File("lib/libz.a", "zlib " + std::string("1.3")));
  Component model = Make("//models:classifier", ComponentKind::kModel, "tiny-classifier", "0.2", b.model_license);
  model.source_uri = "https://huggingface.co/acme/tiny-classifier";
  model.base_model = "distilbert-base-uncased";
  model.datasets = {"//data:reviews"};
  model.files.push_back(File("model/weights.bin", "weights of " + b.version));
  model.depends_on = {"//data:reviews"};
  Component data = Make("//data:reviews", ComponentKind::kDataset, "reviews", "", "CC-BY-4.0");
  data.source_uri = "https://huggingface.co/datasets/acme/reviews";
  Component glibc = Make("toolchain:glibc", ComponentKind::kCode, "libc6-dev", "2.36-9+deb12u14", "LGPL-2.1-or-later");
  glibc.supplier = "Debian";
  set.components = {root, handler, zlib, model, data, glibc};
  if (!b.extra_library_license.empty()) {
    Component extra = Make("//third_party:extra", ComponentKind::kCode, "extra", "2.0", b.extra_library_license);
    set.components[2].depends_on.push_back(extra.id);
    set.components.push_back(extra);
  }
  return set;
}

std::string MakeTestBundle(const std::string& dir, const TestBundle& b, const std::vector<PrivateKey>& keys) {
  std::vector<ArchiveInput> inputs(1);
  inputs[0].path = "bootstrap";
  inputs[0].content = b.handler_bytes;
  inputs[0].executable = true;
  TarPlan plan = OrDie(PlanTar(inputs), "plan tar");
  StringSink tar;
  OrDie(WriteTar(plan, &tar), "write tar");
  const std::string stem = dir + "/" + b.function + "-" + b.version;
  OrDie(WriteFileAtomic(stem + ".tar", tar.data()), "write artifact");
  OrDie(WriteFileAtomic(stem + ".zip", "deployable of " + b.function + " " + b.version), "write deployable");

  BundleSpec spec;
  spec.function_name = b.function;
  spec.entrypoint = "bootstrap";
  spec.runtime = "provided.al2023";
  spec.artifact_path = stem + ".tar";
  spec.write.sync = false;  // throwaway inputs: no fsync
  BundleDeployable lambda;
  lambda.target = "aws_lambda";
  lambda.format = "zip";
  lambda.source_path = stem + ".zip";
  lambda.file_name = b.function + ".zip";
  spec.deployables.push_back(lambda);
  spec.provenance.builder_id = "https://fnseal.dev/builders/bazel/v1";
  spec.provenance.builder_version = {{"fnseal", "0.1.0"}};
  spec.provenance.external_parameters = {{"function", b.function},
                                         {"target", "//functions/" + b.function + ":" + b.function + "_bundle"}};
  spec.provenance.internal_parameters = {{"entrypoint", "bootstrap"},
                                         {"runtime", "provided.al2023"},
                                         {"source", {{"treeState", "clean"}}}};
  spec.provenance.resolved_dependencies.push_back({"bootstrap", "", Sha256Hex(b.handler_bytes), ""});
  if (!b.source_commit.empty()) {
    spec.provenance.resolved_dependencies.push_back({"source", b.source_uri, "", b.source_commit});
  }
  const ComponentSet set = TestComponents(b);
  spec.attestations.push_back({"sbom.cyclonedx-1.6", [set](const std::vector<Subject>& shipped) -> Result<std::string> {
                                 ASSIGN_OR_RETURN(SbomStatement s, SbomAsStatement(SbomFormat::kCycloneDx16, set, shipped));
                                 return s.bytes;
                               }});
  const std::string unsigned_path = stem + ".unsigned.fnb";
  OrDie(BuildBundle(spec, unsigned_path), "build bundle");
  if (keys.empty()) return unsigned_path;
  const std::string signed_path = stem + ".fnb";
  OrDie(SignBundle(unsigned_path, keys, signed_path), "sign bundle");
  return signed_path;
}

}  // namespace fnseal::test
