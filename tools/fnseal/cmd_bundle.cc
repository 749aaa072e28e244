// fnseal bundle: function artifact + deployables + components -> unsigned bundle with manifest,
// provenance, SBOMs, license texts and the license verdict. With --deploy it also makes the
// cloud deployables itself, in the same process (what the function_bundle rule does).
#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "bundle/assemble/assemble.h"
#include "bundle/bundle.h"
#include "core/json.h"
#include "core/sha256.h"
#include "plugins/clouds/target.h"
#include "provenance/licenses/policy.h"
#include "provenance/sbom/components.h"
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
  WriteOptions write;  // --no-sync
};

// A deployable made by `fnseal pack --target TARGET`, given as TARGET=PATH.
Result<BundleDeployable> ParseDeployable(const std::string& spec) {
  const size_t eq = spec.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == spec.size()) {
    return InvalidArgumentError("--deployable '" + spec + "' is not TARGET=PATH");
  }
  const std::string name = spec.substr(0, eq);
  const CloudTarget* target = FindCloudTarget(name);
  if (target == nullptr) {
    return InvalidArgumentError("--deployable: no cloud target '" + name + "' (known: " + CloudTargetNames() + ")");
  }
  return PrebuiltDeployable(*target, spec.substr(eq + 1)).Annotate("--deployable " + name);
}

// The --deploy TARGET=OUTPUT deployables with their specs, files not read yet; usage errors
// (InvalidArgument) for malformed or unknown specs, a target given twice, options naming a
// target not deployed, or a memory or timeout no target takes. The function's memory and
// timeout go to the targets that take such a setting.
Result<std::vector<DeployablePlan>> PlanDeployables(const Options& o, const std::vector<BundleDeployable>& prebuilt) {
  std::vector<DeployablePlan> planned;
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
    DeployablePlan p;
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
    p.spec.write = o.write;
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
    DeployablePlan* p = nullptr;
    for (DeployablePlan& candidate : planned) {
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
                        [setting](const DeployablePlan& p) { return (p.spec.*setting).has_value(); });
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
Status CheckDeployables(const Options& o, std::vector<DeployablePlan>* planned) {
  if (planned->empty()) return OkStatus();
  std::vector<ArchiveInput> files;
  RETURN_IF_ERROR(InputsFromFileSpecs(o.files, &files).Annotate("--file"));
  for (DeployablePlan& p : *planned) {
    p.spec.files = files;
    RETURN_IF_ERROR(CheckDeployable(&p));
  }
  return OkStatus();
}

// Reads the components file: license texts, SBOM attestations and, with --license-policy, the
// verdict (exit 3 for a denied component).
Outcome AddComponentsFile(const Options& o, BundleSpec* spec) {
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
    Result<LicensePolicy> policy = LoadLicensePolicyFile(o.license_policy);
    if (!policy.ok()) return policy.status().Annotate("--license-policy " + o.license_policy);
    ASSIGN_OR_RETURN(std::string policy_sha256, Sha256FileHex(o.license_policy));
    Status judged = JudgeLicenses(*policy, policy_sha256, *set, spec);
    if (judged.code() == StatusCode::kPermissionDenied) return Outcome::VerificationFailed(judged);
    RETURN_IF_ERROR(judged);
  }
  AddComponents(set, spec);
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
  spec.write = o.write;
  ProvenanceFacts& facts = spec.provenance;
  for (const std::string& d : o.deployables) {
    Result<BundleDeployable> deployable = ParseDeployable(d);
    if (deployable.status().code() == StatusCode::kInvalidArgument)
      return Outcome::Usage(deployable.status().message());
    RETURN_IF_ERROR(deployable.status());
    spec.deployables.push_back(std::move(*deployable));
  }
  const std::vector<BundleDeployable> prebuilt = spec.deployables;
  Result<std::vector<DeployablePlan>> planned = PlanDeployables(o, prebuilt);
  if (planned.status().code() == StatusCode::kInvalidArgument) return Outcome::Usage(planned.status().message());
  RETURN_IF_ERROR(planned.status());
  RETURN_IF_ERROR(CheckDeployables(o, &*planned));
  // The parameters that decide the bundle's bytes besides its inputs (docs/build-type.md).
  BundleParameters parameters;
  parameters.function = o.name;
  parameters.compression_level = o.level;
  parameters.target = o.target;
  Result<Json> configuration = KeyValueParameters(o.configuration, "--configuration");
  if (!configuration.ok()) return Outcome::Usage(configuration.status().message());
  parameters.configuration = std::move(*configuration);
  facts.internal_parameters = {{"runtime", o.runtime}, {"entrypoint", o.entrypoint}};
  if (!o.license_policy.empty() && o.components.empty()) {
    return Outcome::Usage("--license-policy needs --components: the policy judges the components' licenses");
  }
  Status filled = FillProvenanceFacts(o.provenance, &facts);
  if (filled.code() == StatusCode::kInvalidArgument) return Outcome::Usage(filled.message());
  RETURN_IF_ERROR(filled);
  GiveSource(facts, &*planned);
  facts.external_parameters = ExternalParameters(parameters, prebuilt, *planned);
  if (!o.components.empty()) {
    Outcome added = AddComponentsFile(o, &spec);
    if (!added.status.ok()) return added;
  }
  StagedDeployables staged;
  RETURN_IF_ERROR(staged.Write(*planned, &spec).Annotate("--deploy"));
  RETURN_IF_ERROR(BuildBundle(spec, o.output));
  RETURN_IF_ERROR(staged.Publish());
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
  AddNoSyncFlag(app, &o->write);
  return [o] { return RunBundle(*o); };
}

}  // namespace fnseal::cli
