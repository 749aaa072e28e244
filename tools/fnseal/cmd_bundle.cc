// fnseal bundle: function artifact + deployables + components -> unsigned bundle with manifest,
// provenance, SBOMs, license texts and the license verdict.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "core/archive.h"
#include "core/json.h"
#include "core/sha256.h"
#include "plugins/targets/target.h"
#include "provenance/licenses/policy.h"
#include "provenance/sbom/components.h"
#include "provenance/sbom/sbom.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/provenance_options.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string output;
  std::string name;
  std::string entrypoint = "bootstrap";
  std::string runtime = "provided.al2023";
  std::string artifact;
  std::string target;
  ProvenanceOptions provenance;
  std::vector<std::string> deployables;  // TARGET=PATH
  std::string components;                // components file, or empty
  std::string license_policy;            // license policy file, or empty
  int level = 3;
  int threads = 1;
  bool quiet = false;
};

// A deployable made by `fnseal pack --target TARGET`: the target must be registered and the
// file an archive of the kind the target writes (a zip, or a tar of an OCI image layout).
Result<BundleDeployable> ParseDeployable(const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    return InvalidArgumentError("--deployable '" + spec + "' is not TARGET=PATH");
  }
  BundleDeployable d;
  d.target = spec.substr(0, eq);
  d.source_path = spec.substr(eq + 1);
  const CloudTarget* target = FindCloudTarget(d.target);
  if (target == nullptr) {
    return InvalidArgumentError("--deployable: no cloud target '" + d.target + "' (known: " + CloudTargetNames() + ")");
  }
  const size_t slash = d.source_path.rfind('/');
  d.file_name = slash == std::string::npos ? d.source_path : d.source_path.substr(slash + 1);
  ASSIGN_OR_RETURN(ArchiveFormat format, DetectArchiveFormat(d.source_path).Annotate("--deployable " + d.target));
  const bool zip = target->output_kind() == "zip";
  d.format = zip ? "zip" : "oci-tar";
  if (format != (zip ? ArchiveFormat::kZip : ArchiveFormat::kTar)) {
    return InvalidArgumentError(
        "--deployable " + d.target + ": '" + d.source_path + "' is a " + std::string(ArchiveFormatName(format)) +
        " archive, not " + (zip ? "a zip" : "an OCI image layout tar ('fnseal pack --target oci_image -o X.oci.tar')"));
  }
  // Read it through the strict reader: a bundle never ships what fnseal would refuse to unpack.
  RETURN_IF_ERROR(ForEachArchiveEntry(d.source_path, [](const ArchiveEntry&, const ContentReader&) {
                    return OkStatus();
                  }).Annotate("--deployable " + d.target + " '" + d.source_path + "'"));
  return d;
}

// The folder under licenses/ for a component's texts: its id with every character outside
// [A-Za-z0-9._-] replaced by '_' ("//third_party/zlib:zlib" -> "third_party_zlib_zlib").
std::string LicenseFolder(const std::string& id) {
  std::string folder;
  for (char c : id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    folder += ok ? c : '_';
  }
  const size_t start = folder.find_first_not_of("_.");
  return start == std::string::npos ? "component" : folder.substr(start);
}

// Judges every component under the policy. The verdict file records each judgement; a denied
// component fails the bundle (exit 3) with the explanations of all denied ones.
Outcome JudgeLicenses(const Options& o, const ComponentSet& set, BundleSpec* spec) {
  Result<LicensePolicy> policy = LoadLicensePolicyFile(o.license_policy);
  if (!policy.ok()) return policy.status().Annotate("--license-policy " + o.license_policy);
  ASSIGN_OR_RETURN(std::string policy_sha256, Sha256FileHex(o.license_policy));
  Json judged = Json::array();
  std::string denied;
  for (const Component& component : set.components) {
    LicenseVerdict verdict = EvaluateLicense(*policy, component.license, component.id);
    if (!verdict.allowed) denied += (denied.empty() ? "" : "; ") + verdict.explanation;
    Json j = ToJson(verdict);
    j["kind"] = ComponentKindName(component.kind);
    judged.push_back(std::move(j));
  }
  if (!denied.empty()) return Outcome::VerificationFailed(PermissionDeniedError("license policy violation: " + denied));
  ArchiveInput verdict_file;
  verdict_file.path = "verdict.json";
  verdict_file.content = PrettyJsonDump(
      {{"allowed", true}, {"function", set.function}, {"policy", {{"sha256", policy_sha256}}}, {"components", judged}});
  spec->license_files.push_back(std::move(verdict_file));
  ResourceDescriptor policy_dependency;
  policy_dependency.name = "license-policy";
  policy_dependency.sha256 = policy_sha256;
  spec->provenance.resolved_dependencies.push_back(std::move(policy_dependency));
  return OkStatus();
}

// Reads the components file: license texts ship under licenses/<component>/, and the three SBOMs
// become attestations about what the function ships.
Outcome AddComponents(const Options& o, BundleSpec* spec) {
  Result<ComponentSet> loaded = LoadComponentsFile(o.components, ".");
  if (loaded.status().code() == StatusCode::kInvalidArgument) {
    return Outcome::Usage("--components " + o.components + ": " + loaded.status().message());
  }
  if (!loaded.ok()) return loaded.status().Annotate("--components " + o.components);
  auto set = std::make_shared<const ComponentSet>(std::move(*loaded));
  // The SBOMs are written from this file: the provenance names it, so an auditor can match them.
  ResourceDescriptor byproduct;
  const size_t slash = o.components.rfind('/');
  byproduct.name = slash == std::string::npos ? o.components : o.components.substr(slash + 1);
  ASSIGN_OR_RETURN(byproduct.sha256, Sha256FileHex(o.components));
  spec->provenance.byproducts.push_back(std::move(byproduct));
  if (set->function != o.name) {
    return Outcome::Usage("--components " + o.components + " describes function '" + set->function + "', not '" +
                          o.name + "'");
  }
  if (!o.license_policy.empty()) {
    Outcome judged = JudgeLicenses(o, *set, spec);
    if (!judged.status.ok()) return judged;
  }
  for (const Component& component : set->components) {
    for (const ComponentFile& text : component.license_texts) {
      ArchiveInput input;
      input.path = LicenseFolder(component.id) + "/" + text.name;
      input.content = text.text;
      spec->license_files.push_back(std::move(input));
    }
  }
  for (SbomFormat format : {SbomFormat::kSpdx23, SbomFormat::kSpdx301, SbomFormat::kCycloneDx16}) {
    BundleAttestation attestation;
    attestation.name = "sbom." + std::string(SbomFormatName(format));
    attestation.make = [set, format](const std::vector<Subject>& shipped) -> Result<std::string> {
      SbomOptions options;
      options.license_ref_resolver = ModelLicenseCatalogueRef;
      ASSIGN_OR_RETURN(SbomStatement statement, SbomAsStatement(format, *set, shipped, options));
      return std::move(statement.bytes);
    };
    spec->attestations.push_back(std::move(attestation));
  }
  return OkStatus();
}

Outcome RunBundle(const Options& o) {
  BundleSpec spec;
  spec.function_name = o.name;
  spec.entrypoint = o.entrypoint;
  spec.runtime = o.runtime;
  spec.artifact_path = o.artifact;
  spec.compression.level = o.level;
  spec.compression.workers = o.threads;
  ProvenanceFacts& facts = spec.provenance;
  facts.external_parameters = {{"function", o.name}};
  if (!o.target.empty()) facts.external_parameters["target"] = o.target;
  facts.internal_parameters = {{"runtime", o.runtime}, {"entrypoint", o.entrypoint}};
  for (const std::string& d : o.deployables) {
    Result<BundleDeployable> deployable = ParseDeployable(d);
    if (deployable.status().code() == StatusCode::kInvalidArgument)
      return Outcome::Usage(deployable.status().message());
    RETURN_IF_ERROR(deployable.status());
    spec.deployables.push_back(std::move(*deployable));
  }
  if (!o.license_policy.empty() && o.components.empty()) {
    return Outcome::Usage("--license-policy needs --components: the policy judges the components' licenses");
  }
  Status filled = FillProvenanceFacts(o.provenance, &facts);
  if (filled.code() == StatusCode::kInvalidArgument) return Outcome::Usage(filled.message());
  RETURN_IF_ERROR(filled);
  if (!o.components.empty()) {
    Outcome added = AddComponents(o, &spec);
    if (!added.status.ok()) return added;
  }
  RETURN_IF_ERROR(BuildBundle(spec, o.output));
  if (!o.quiet) std::printf("built unsigned bundle %s for function %s\n", o.output.c_str(), o.name.c_str());
  return OkStatus();
}

}  // namespace

Action SetupBundle(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Build an unsigned function bundle: a zstd-compressed deterministic tar holding the\n"
      "function artifact, its cloud deployables, a deploy manifest, license texts and verdict, and\n"
      "in-toto statements - SLSA Provenance v1 whose subjects are all the bundle's files, and SBOMs\n"
      "about what ships. Sign it with 'fnseal sign'. Exit 3: a component's license is denied.");
  app->add_option("-o,--output", o->output, "Bundle to write (.fnb)")->required();
  app->add_option("--name", o->name, "Function name ([A-Za-z0-9._-])")->required();
  app->add_option("--artifact", o->artifact, "The function's deterministic tar (from 'fnseal pack')")
      ->required()
      ->check(CLI::ExistingFile);
  app->add_option("--entrypoint", o->entrypoint, "Executable inside the artifact that starts the function")
      ->capture_default_str();
  app->add_option("--runtime", o->runtime, "Runtime the function targets")->capture_default_str();
  app->add_option("--target", o->target, "Build target that produced the bundle (recorded in provenance)");
  app->add_option("--deployable", o->deployables,
                  "TARGET=PATH: a cloud deployable made by 'fnseal pack --target TARGET', shipped at "
                  "deployables/TARGET/<file name> (repeatable)");
  app->add_option("--components", o->components,
                  "Components file (docs/sbom.md): ships the license texts under licenses/ and adds SPDX 2.3, "
                  "SPDX 3.0.1 and CycloneDX 1.6 SBOMs as attestations")
      ->check(CLI::ExistingFile);
  app->add_option("--license-policy", o->license_policy,
                  "License policy (docs/licensing.md) every component must pass; a denied one fails the bundle "
                  "with exit 3, and licenses/verdict.json records the verdicts")
      ->check(CLI::ExistingFile);
  AddProvenanceOptions(app, &o->provenance);
  app->add_option("--level", o->level, "zstd level, 1-19")->capture_default_str();
  app->add_option("--threads", o->threads, "zstd worker threads; the output does not depend on it")
      ->capture_default_str();
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  return [o] { return RunBundle(*o); };
}

}  // namespace fnseal::cli
