// fnseal bundle: function artifact + deployables + components -> unsigned bundle with manifest,
// provenance, SBOMs, license texts and the license verdict. With --deploy it also makes the
// cloud deployables itself, in the same process (what the function_bundle rule does).
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bundle/bundle.h"
#include "core/file.h"
#include "core/io.h"
#include "core/json.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "formats/archive/archive.h"
#include "plugins/clouds/target.h"
#include "provenance/licenses/policy.h"
#include "provenance/sbom/components.h"
#include "provenance/sbom/sbom.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/file_inputs.h"
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
  std::vector<std::string> deployables;  // TARGET=PATH, made beforehand
  // Deployables made here, as 'fnseal pack --target' would: TARGET=OUTPUT from the handler and
  // files, with the function's settings and TARGET:KEY=VALUE options.
  std::vector<std::string> deploys;
  std::string handler;
  std::vector<std::string> files;           // ARCHIVE_PATH=SOURCE
  std::vector<std::string> deploy_options;  // TARGET:KEY=VALUE
  uint32_t memory_mb = 0;
  uint32_t timeout_seconds = 0;
  const CLI::Option* memory_option = nullptr;
  const CLI::Option* timeout_option = nullptr;
  std::vector<std::string> configuration;  // KEY=VALUE, recorded in externalParameters
  std::string components;                  // components file, or empty
  std::string license_policy;              // license policy file, or empty
  int level = 3;
  int threads = 1;
  bool quiet = false;
};

// How the bundle ships the deployable of `target` read from `path`: at
// deployables/<target>/<path's file name>, in the format the manifest names.
BundleDeployable ShippedDeployable(const CloudTarget& target, const std::string& path) {
  BundleDeployable d;
  d.target = std::string(target.name());
  d.format = target.output_kind() == "zip" ? "zip" : "oci-tar";
  d.source_path = path;
  const size_t slash = path.rfind('/');
  d.file_name = slash == std::string::npos ? path : path.substr(slash + 1);
  return d;
}

// A deployable made by `fnseal pack --target TARGET`: the target must be registered and the
// file an archive of the kind the target writes (a zip, or a tar of an OCI image layout).
Result<BundleDeployable> ParseDeployable(const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    return InvalidArgumentError("--deployable '" + spec + "' is not TARGET=PATH");
  }
  const CloudTarget* target = FindCloudTarget(spec.substr(0, eq));
  if (target == nullptr) {
    return InvalidArgumentError("--deployable: no cloud target '" + spec.substr(0, eq) +
                                "' (known: " + CloudTargetNames() + ")");
  }
  BundleDeployable d = ShippedDeployable(*target, spec.substr(eq + 1));
  ASSIGN_OR_RETURN(ArchiveFormat format, DetectArchiveFormat(d.source_path).Annotate("--deployable " + d.target));
  const bool zip = d.format == "zip";
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

// A deployable this command makes: where it goes and what it is made from.
struct PlannedDeployable {
  const CloudTarget* target = nullptr;
  std::string output;
  DeployableSpec spec;
  std::map<std::string, std::string> handler;  // the linkage facts the target's Check found
};

// The facts of a target's Check that describe how the handler is linked, recorded in the
// manifest and the provenance.
std::map<std::string, std::string> LinkageFacts(const std::map<std::string, std::string>& facts) {
  std::map<std::string, std::string> linkage;
  for (const char* key : {"linking", "machine", "max_glibc", "needed", "shipped"}) {
    auto it = facts.find(key);
    if (it != facts.end()) linkage[key] = it->second;
  }
  return linkage;
}

// The --deploy TARGET=OUTPUT deployables with their specs, files not read yet; usage errors
// (InvalidArgument) for malformed or unknown specs, a target given twice, options naming a
// target not deployed, or a memory or timeout no target takes. The function's memory and
// timeout go to the targets that take such a setting.
Result<std::vector<PlannedDeployable>> PlanDeployables(const Options& o,
                                                       const std::vector<BundleDeployable>& prebuilt) {
  std::vector<PlannedDeployable> planned;
  if (o.deploys.empty()) {
    for (const auto& [given, flag] : {std::pair<bool, const char*>{!o.handler.empty(), "--handler"},
                                      {!o.files.empty(), "--file"},
                                      {!o.deploy_options.empty(), "--deploy-option"},
                                      {o.memory_option->count() > 0, "--memory"},
                                      {o.timeout_option->count() > 0, "--timeout"}}) {
      if (given) return InvalidArgumentError(std::string(flag) + " applies only with --deploy");
    }
    return planned;
  }
  if (o.handler.empty()) return InvalidArgumentError("--deploy needs --handler FILE, the function's executable");
  if (std::string bad = MalformedFileSpec(o.files, "--file"); !bad.empty()) return InvalidArgumentError(bad);
  std::map<std::string, std::string> seen;  // target -> the flag that ships it
  for (const BundleDeployable& d : prebuilt) seen[d.target] = "--deployable";
  for (const std::string& d : o.deploys) {
    const size_t eq = d.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == d.size()) {
      return InvalidArgumentError("--deploy '" + d + "' is not TARGET=OUTPUT");
    }
    PlannedDeployable p;
    p.target = FindCloudTarget(d.substr(0, eq));
    if (p.target == nullptr) {
      return InvalidArgumentError("--deploy: no cloud target '" + d.substr(0, eq) + "' (known: " + CloudTargetNames() +
                                  ")");
    }
    const std::string name(p.target->name());
    if (!seen.emplace(name, "--deploy").second) {
      return InvalidArgumentError("cloud target '" + name + "' is given twice (" + seen[name] + " and --deploy)");
    }
    p.output = d.substr(eq + 1);
    p.spec.functions = {o.name};
    p.spec.handler = o.handler;
    p.spec.handler_name = o.entrypoint;
    const TargetLimits limits = p.target->limits();
    if (o.memory_option->count() > 0 && limits.max_memory_mb > 0) p.spec.memory_mb = o.memory_mb;
    if (o.timeout_option->count() > 0 && limits.max_timeout_seconds > 0) p.spec.timeout_seconds = o.timeout_seconds;
    planned.push_back(std::move(p));
  }
  for (const std::string& option : o.deploy_options) {
    const size_t colon = option.find(':');
    const size_t eq = option.find('=', colon == std::string::npos ? 0 : colon);
    if (colon == std::string::npos || colon == 0 || eq == std::string::npos || eq == colon + 1) {
      return InvalidArgumentError("--deploy-option '" + option + "' is not TARGET:KEY=VALUE");
    }
    const std::string target = option.substr(0, colon);
    const std::string key = option.substr(colon + 1, eq - colon - 1);
    PlannedDeployable* p = nullptr;
    for (PlannedDeployable& candidate : planned) {
      if (candidate.target->name() == target) p = &candidate;
    }
    if (p == nullptr) return InvalidArgumentError("--deploy-option '" + option + "' names no --deploy target");
    if (!p->spec.options.emplace(key, option.substr(eq + 1)).second) {
      return InvalidArgumentError("--deploy-option gives " + target + " '" + key + "' twice");
    }
  }
  // A setting was given to the targets that take it; one that no target took is a mistake.
  const auto none_took = [&planned](auto setting) {
    return std::none_of(planned.begin(), planned.end(),
                        [setting](const PlannedDeployable& p) { return (p.spec.*setting).has_value(); });
  };
  if (o.memory_option->count() > 0 && none_took(&DeployableSpec::memory_mb)) {
    return InvalidArgumentError("--memory: none of the --deploy targets takes such a setting");
  }
  if (o.timeout_option->count() > 0 && none_took(&DeployableSpec::timeout_seconds)) {
    return InvalidArgumentError("--timeout: none of the --deploy targets takes such a setting");
  }
  return planned;
}

// Reads the --file inputs into every plan and checks each against its target (settings,
// handler), so that nothing is written for a deployable its target would refuse.
Status CheckDeployables(const Options& o, std::vector<PlannedDeployable>* planned) {
  if (planned->empty()) return OkStatus();
  std::vector<ArchiveInput> files;
  RETURN_IF_ERROR(InputsFromFileSpecs(o.files, &files).Annotate("--file"));
  for (PlannedDeployable& p : *planned) {
    p.spec.files = files;
    std::map<std::string, std::string> facts;
    RETURN_IF_ERROR(p.target->Check(p.spec, &facts).Annotate(std::string(p.target->name())));
    p.handler = LinkageFacts(facts);
  }
  return OkStatus();
}

// Gives every planned deployable the source checkout the provenance records (a stamped build),
// for targets that label their output with it: the remote without the "git+" scheme prefix and
// the "@refs/heads/..." suffix RecordSource adds, and the commit.
void GiveSource(const ProvenanceFacts& facts, std::vector<PlannedDeployable>* planned) {
  for (const ResourceDescriptor& dependency : facts.resolved_dependencies) {
    if (dependency.name != "source") continue;
    std::string url = StartsWith(dependency.uri, "git+") ? dependency.uri.substr(4) : "";
    const size_t ref = url.rfind("@refs/");
    if (ref != std::string::npos) url.resize(ref);
    for (PlannedDeployable& p : *planned) {
      p.spec.source_url = url;
      p.spec.source_revision = dependency.git_commit;
    }
  }
}

// What shaped the deployables, for externalParameters: per target, the settings it was made
// with (--deploy), or that it was made beforehand (--deployable).
Json DeployablesParameters(const std::vector<BundleDeployable>& prebuilt,
                           const std::vector<PlannedDeployable>& planned) {
  Json out = Json::object();
  for (const BundleDeployable& d : prebuilt) out[d.target] = {{"prebuilt", true}};
  for (const PlannedDeployable& p : planned) {
    Json settings = Json::object();
    if (p.spec.memory_mb) settings["memoryMb"] = *p.spec.memory_mb;
    if (p.spec.timeout_seconds) settings["timeoutSeconds"] = *p.spec.timeout_seconds;
    if (!p.spec.options.empty()) settings["options"] = p.spec.options;
    if (!p.handler.empty()) settings["handler"] = p.handler;
    out[std::string(p.target->name())] = std::move(settings);
  }
  return out;
}

// A deployable being made: written into a temporary directory next to its output (so the final
// rename stays on one file system, and a crashed run's leftovers are removed by the next writer of
// that output), under the output's own file name (the targets choose their format by its ending).
struct StagedDeployable {
  TemporaryDirectory directory;
  std::string staged;  // directory/<output's file name>
  std::string output;
};

// Writes the planned deployables to staged paths and adds them to the bundle under their final
// names, for the caller to rename once the bundle is written; if anything fails, the staged
// directories go away with `staged`: a failed command leaves every existing file as it was.
Status WriteDeployables(const std::vector<PlannedDeployable>& planned, BundleSpec* spec,
                        std::vector<StagedDeployable>* staged) {
  for (const PlannedDeployable& p : planned) {
    ASSIGN_OR_RETURN(TemporaryDirectory directory, TemporaryDirectory::CreateNextTo(p.output));
    const size_t slash = p.output.rfind('/');
    std::string path = directory.path() + "/" + (slash == std::string::npos ? p.output : p.output.substr(slash + 1));
    Result<WrittenDeployable> made = p.target->Write(p.spec, p.target->limits(), path);
    if (!made.ok()) return made.status().Annotate("--deploy " + std::string(p.target->name()));
    spec->deployables.push_back(ShippedDeployable(*p.target, p.output));
    spec->deployables.back().source_path = path;
    spec->deployables.back().handler = p.handler;
    staged->push_back({std::move(directory), std::move(path), p.output});
  }
  return OkStatus();
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
  // Its errors name the file already.
  Result<ComponentSet> loaded = LoadComponentsFile(o.components, ".");
  if (loaded.status().code() == StatusCode::kInvalidArgument) {
    return Outcome::Usage("--components: " + loaded.status().message());
  }
  if (!loaded.ok()) return loaded.status().Annotate("--components");
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
  for (const std::string& d : o.deployables) {
    Result<BundleDeployable> deployable = ParseDeployable(d);
    if (deployable.status().code() == StatusCode::kInvalidArgument)
      return Outcome::Usage(deployable.status().message());
    RETURN_IF_ERROR(deployable.status());
    spec.deployables.push_back(std::move(*deployable));
  }
  Result<std::vector<PlannedDeployable>> planned = PlanDeployables(o, spec.deployables);
  if (planned.status().code() == StatusCode::kInvalidArgument) return Outcome::Usage(planned.status().message());
  RETURN_IF_ERROR(planned.status());
  RETURN_IF_ERROR(CheckDeployables(o, &*planned));
  // The parameters that decide the bundle's bytes besides its inputs (docs/build-type.md).
  facts.external_parameters = {{"function", o.name}, {"compressionLevel", o.level}};
  if (!o.target.empty()) facts.external_parameters["target"] = o.target;
  Result<Json> configuration = KeyValueParameters(o.configuration, "--configuration");
  if (!configuration.ok()) return Outcome::Usage(configuration.status().message());
  if (!configuration->empty()) facts.external_parameters["configuration"] = std::move(*configuration);
  facts.internal_parameters = {{"runtime", o.runtime}, {"entrypoint", o.entrypoint}};
  if (!o.license_policy.empty() && o.components.empty()) {
    return Outcome::Usage("--license-policy needs --components: the policy judges the components' licenses");
  }
  Status filled = FillProvenanceFacts(o.provenance, &facts);
  if (filled.code() == StatusCode::kInvalidArgument) return Outcome::Usage(filled.message());
  RETURN_IF_ERROR(filled);
  GiveSource(facts, &*planned);
  Json deployables = DeployablesParameters(spec.deployables, *planned);
  if (!deployables.empty()) facts.external_parameters["deployables"] = std::move(deployables);
  if (!o.components.empty()) {
    Outcome added = AddComponents(o, &spec);
    if (!added.status.ok()) return added;
  }
  std::vector<StagedDeployable> staged;
  RETURN_IF_ERROR(WriteDeployables(*planned, &spec, &staged));
  RETURN_IF_ERROR(BuildBundle(spec, o.output));
  for (const StagedDeployable& d : staged) {
    if (::rename(d.staged.c_str(), d.output.c_str()) != 0) {
      return ErrnoError("cannot rename the deployable into", d.output, errno);
    }
  }
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
      "about what ships. Sign it with 'fnseal sign'. Exit 3: a component's license is denied.\n"
      "Deployables made beforehand come in with --deployable; --deploy makes them here instead, from\n"
      "--handler and --file, checked by their target before anything is written.");
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
  app->add_option("--deploy", o->deploys,
                  "TARGET=OUTPUT: make TARGET's deployable at OUTPUT from --handler and --file, as "
                  "'fnseal pack --target' does, and ship it at deployables/TARGET/<file name> (repeatable)");
  app->add_option("--handler", o->handler, "--deploy: the handler executable (placed at --entrypoint)")
      ->check(CLI::ExistingFile);
  app->add_option("--file", o->files, "--deploy: ARCHIVE_PATH=SOURCE, a file the deployables hold (repeatable)");
  o->memory_option = app->add_option("--memory", o->memory_mb, "--deploy: memory in MB, for the targets that take it");
  o->timeout_option =
      app->add_option("--timeout", o->timeout_seconds, "--deploy: timeout in seconds, for the targets that take it");
  app->add_option(
      "--deploy-option", o->deploy_options,
      "TARGET:KEY=VALUE, a target-specific setting for a --deploy target (repeatable; see docs/targets.md)");
  app->add_option("--configuration", o->configuration,
                  "KEY=VALUE: a setting of the build configuration (e.g. compilationMode=opt), recorded in the "
                  "provenance's externalParameters.configuration (repeatable)");
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
  AddNoSyncFlag(app);
  return [o] { return RunBundle(*o); };
}

}  // namespace fnseal::cli
