#include "bundle/assemble/assemble.h"

#include <cerrno>
#include <cstdio>
#include <utility>

#include "core/io.h"
#include "core/strings.h"
#include "formats/archive/archive.h"
#include "provenance/sbom/sbom.h"

namespace fnseal {
namespace {

// What follows the last '/' of `path`, or all of it.
std::string BaseName(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

BundleDeployable ShippedDeployable(const CloudTarget& target, const std::string& path) {
  BundleDeployable d;
  d.target = std::string(target.name());
  d.format = target.output_kind() == "zip" ? "zip" : "oci-tar";
  d.source_path = path;
  d.file_name = BaseName(path);
  return d;
}

Result<BundleDeployable> PrebuiltDeployable(const CloudTarget& target, const std::string& path) {
  BundleDeployable d = ShippedDeployable(target, path);
  ASSIGN_OR_RETURN(ArchiveFormat format, DetectArchiveFormat(path));
  const bool zip = d.format == "zip";
  if (format != (zip ? ArchiveFormat::kZip : ArchiveFormat::kTar)) {
    return InvalidArgumentError(
        "'" + path + "' is a " + std::string(ArchiveFormatName(format)) + " archive, not " +
        (zip ? "a zip" : "an OCI image layout tar ('fnseal pack --target oci_image -o X.oci.tar')"));
  }
  RETURN_IF_ERROR(
      ForEachArchiveEntry(path, [](const ArchiveEntry&, const ContentReader&) { return OkStatus(); })
          .Annotate("'" + path + "'"));
  return d;
}

Status CheckDeployable(DeployablePlan* plan) {
  std::map<std::string, std::string> facts;
  RETURN_IF_ERROR(plan->target->Check(plan->spec, &facts).Annotate(std::string(plan->target->name())));
  plan->handler.clear();
  for (const char* key : {"linking", "machine", "max_glibc", "needed", "shipped"}) {
    auto it = facts.find(key);
    if (it != facts.end()) plan->handler[key] = it->second;
  }
  return OkStatus();
}

void GiveSource(const ProvenanceFacts& facts, std::vector<DeployablePlan>* plans) {
  for (const ResourceDescriptor& dependency : facts.resolved_dependencies) {
    if (dependency.name != "source") continue;
    std::string url = StartsWith(dependency.uri, "git+") ? dependency.uri.substr(4) : "";
    const size_t ref = url.rfind("@refs/");
    if (ref != std::string::npos) url.resize(ref);
    for (DeployablePlan& plan : *plans) {
      plan.spec.source_url = url;
      plan.spec.source_revision = dependency.git_commit;
    }
  }
}

Json ExternalParameters(const BundleParameters& parameters, const std::vector<BundleDeployable>& prebuilt,
                        const std::vector<DeployablePlan>& made) {
  Json out = {{"function", parameters.function}, {"compressionLevel", parameters.compression_level}};
  if (!parameters.target.empty()) out["target"] = parameters.target;
  if (!parameters.configuration.empty()) out["configuration"] = parameters.configuration;
  Json deployables = Json::object();
  for (const BundleDeployable& d : prebuilt) deployables[d.target] = {{"prebuilt", true}};
  for (const DeployablePlan& plan : made) {
    Json settings = Json::object();
    if (plan.spec.memory_mb) settings["memoryMb"] = *plan.spec.memory_mb;
    if (plan.spec.timeout_seconds) settings["timeoutSeconds"] = *plan.spec.timeout_seconds;
    if (!plan.spec.options.empty()) settings["options"] = plan.spec.options;
    if (!plan.handler.empty()) settings["handler"] = plan.handler;
    deployables[std::string(plan.target->name())] = std::move(settings);
  }
  if (!deployables.empty()) out["deployables"] = std::move(deployables);
  return out;
}

Status StagedDeployables::Write(const std::vector<DeployablePlan>& plans, BundleSpec* spec) {
  for (const DeployablePlan& plan : plans) {
    ASSIGN_OR_RETURN(TemporaryDirectory directory, TemporaryDirectory::CreateNextTo(plan.output));
    std::string path = directory.path() + "/" + BaseName(plan.output);
    Result<WrittenDeployable> made = plan.target->Write(plan.spec, plan.target->limits(), path);
    if (!made.ok()) return made.status().Annotate(plan.target->name());
    spec->deployables.push_back(ShippedDeployable(*plan.target, plan.output));
    spec->deployables.back().source_path = path;
    spec->deployables.back().handler = plan.handler;
    staged_.push_back({std::move(directory), std::move(path), plan.output});
  }
  return OkStatus();
}

Status StagedDeployables::Publish() {
  for (const Staged& d : staged_) {
    if (::rename(d.path.c_str(), d.output.c_str()) != 0) {
      return ErrnoError("cannot rename the deployable into", d.output, errno);
    }
  }
  return OkStatus();
}

std::string LicenseFolder(const std::string& component_id) {
  std::string folder;
  for (char c : component_id) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    folder += ok ? c : '_';
  }
  const size_t start = folder.find_first_not_of("_.");
  return start == std::string::npos ? "component" : folder.substr(start);
}

Status JudgeLicenses(const LicensePolicy& policy, const std::string& policy_sha256, const ComponentSet& set,
                     BundleSpec* spec) {
  Json judged = Json::array();
  std::string denied;
  for (const Component& component : set.components) {
    LicenseVerdict verdict = EvaluateLicense(policy, component.license, component.id);
    if (!verdict.allowed) denied += (denied.empty() ? "" : "; ") + verdict.explanation;
    Json j = ToJson(verdict);
    j["kind"] = ComponentKindName(component.kind);
    judged.push_back(std::move(j));
  }
  if (!denied.empty()) return PermissionDeniedError("license policy violation: " + denied);
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

void AddComponents(std::shared_ptr<const ComponentSet> set, BundleSpec* spec) {
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
}

}  // namespace fnseal
