// What goes into a function bundle besides its artifact, decided in one place so that the CLI,
// a server or the function runtime assemble the same bytes: the cloud deployables (made
// beforehand, or made here by their cloud targets) and how the manifest ships them; the
// components' license texts, the license verdict and the SBOM attestations; and the provenance's
// externalParameters (docs/bundle.md, docs/build-type.md). Each call fills part of a BundleSpec
// for BuildBundle. Functions are thread-safe; a StagedDeployables object is not.
#ifndef FNSEAL_BUNDLE_ASSEMBLE_ASSEMBLE_H_
#define FNSEAL_BUNDLE_ASSEMBLE_ASSEMBLE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bundle/bundle.h"
#include "core/file.h"
#include "core/json.h"
#include "core/status.h"
#include "plugins/clouds/target.h"
#include "provenance/licenses/policy.h"
#include "provenance/sbom/components.h"
#include "provenance/statement/statement.h"

namespace fnseal {

// How the bundle ships the deployable of `target` read from `path`: at
// deployables/<target>/<path's file name>, in the format the manifest names ("zip" for a target
// that writes zips, else "oci-tar").
BundleDeployable ShippedDeployable(const CloudTarget& target, const std::string& path);

// A deployable made beforehand by `fnseal pack --target`, shipped as ShippedDeployable says once
// `path` is checked to be an archive of the kind `target` writes (a zip, or a tar of an OCI
// image layout) that the strict archive reader accepts: a bundle never ships what fnseal would
// refuse to unpack. InvalidArgument for an archive of another kind; the reader's error, naming
// `path`, for one it refuses.
Result<BundleDeployable> PrebuiltDeployable(const CloudTarget& target, const std::string& path);

// A deployable made while the bundle is assembled, as 'fnseal pack --target' would make it.
struct DeployablePlan {
  const CloudTarget* target = nullptr;  // a registered target; not owned
  std::string output;                   // where it is published once the bundle is written
  DeployableSpec spec;
  // How the handler is linked ("linking", "machine", "max_glibc", "needed", "shipped"), as the
  // target's Check found it; filled by CheckDeployable, recorded in the manifest and provenance.
  std::map<std::string, std::string> handler;
};

// Checks `plan->spec` (settings, handler, files) against its target, so that nothing is written
// for a deployable the target would refuse, and records the linkage facts in plan->handler. The
// target's error, annotated with its name.
Status CheckDeployable(DeployablePlan* plan);

// Gives every plan the source checkout that `facts` records as the "source" resolved dependency
// (a stamped build), for targets that label their output with it: the URL without the "git+"
// scheme prefix and the "@refs/..." suffix, and the commit. No such dependency: no change.
void GiveSource(const ProvenanceFacts& facts, std::vector<DeployablePlan>* plans);

// The settings that decide a bundle's bytes besides its inputs.
struct BundleParameters {
  std::string function;
  int compression_level = 3;
  std::string target;                   // the build target that made the bundle, or empty
  Json configuration = Json::object();  // settings of the build configuration, KEY: "VALUE"
};

// The provenance's externalParameters (docs/build-type.md): {"function", "compressionLevel",
// "target" (when given), "configuration" (when not empty), "deployables" (when any), which
// holds per target {"prebuilt": true} for one of `prebuilt`, or the settings one of `made` was
// made with: "memoryMb", "timeoutSeconds", "options", "handler", each when set}.
Json ExternalParameters(const BundleParameters& parameters, const std::vector<BundleDeployable>& prebuilt,
                        const std::vector<DeployablePlan>& made);

// Deployables made for a bundle, each written into a temporary directory next to its output (so
// the final rename stays on one file system, and a crashed run's leftovers are removed by the
// next writer of that output), under the output's file name (targets choose their format by its
// ending). Until Publish, destroying the object removes them: a failed assembly leaves every
// existing file as it was.
class StagedDeployables {
 public:
  // Writes every plan with its target and adds it to spec->deployables under its final name,
  // read from the staged file. The target's error, annotated with its name.
  Status Write(const std::vector<DeployablePlan>& plans, BundleSpec* spec);
  // Renames every staged deployable to its output; call once the bundle is written.
  Status Publish();

 private:
  struct Staged {
    TemporaryDirectory directory;
    std::string path;    // directory/<output's file name>
    std::string output;
  };
  std::vector<Staged> staged_;
};

// The folder under licenses/ for a component's texts: its id with every character outside
// [A-Za-z0-9._-] replaced by '_', without leading '_' and '.' ("//third_party/zlib:zlib" ->
// "third_party_zlib_zlib"); "component" when nothing is left.
std::string LicenseFolder(const std::string& component_id);

// Judges every component of `set` under `policy`, whose file has sha256 `policy_sha256`. When
// all are allowed, adds licenses/verdict.json ({"allowed": true, "function", "policy":
// {"sha256"}, "components": each verdict (policy.h ToJson) with its "kind"}) and the policy as
// the resolved dependency "license-policy". PermissionDenied "license policy violation: ..."
// with the explanations of all denied components otherwise; `spec` is unchanged then.
Status JudgeLicenses(const LicensePolicy& policy, const std::string& policy_sha256, const ComponentSet& set,
                     BundleSpec* spec);

// Ships each component's license texts at licenses/<LicenseFolder(id)>/<text name>, and adds
// SPDX 2.3, SPDX 3.0.1 and CycloneDX 1.6 SBOMs of `set` as the attestations
// "sbom.<SbomFormatName>", about what the function ships.
void AddComponents(std::shared_ptr<const ComponentSet> set, BundleSpec* spec);

}  // namespace fnseal

#endif  // FNSEAL_BUNDLE_ASSEMBLE_ASSEMBLE_H_
