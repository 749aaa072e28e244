// The facts the audit store indexes about one verified bundle, read from its verified
// statements only: the SLSA provenance (builder, source, dependencies) and the CycloneDX SBOM
// (components, their licenses, files, purls, and the model -> base model and model -> data set
// edges, and each component's dependency path). Nothing unverified is read: the manifest bytes are those whose digest verified.
#ifndef FNSEAL_AUDIT_STORE_FACTS_H_
#define FNSEAL_AUDIT_STORE_FACTS_H_

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "provenance/verification/verifier.h"

namespace fnseal {

struct LicenseLeafFact {
  std::string license_id;  // a leaf as written ("GPL-2.0-or-later", "Apache-2.0 WITH LLVM-exception")
  std::string category;    // LicenseCategoryName: "permissive", "non-commercial", ...
  bool model_license = false;  // a catalogued model license (model_licenses.h)
};

struct ComponentFact {
  std::string ref;   // the SBOM's bom-ref: a Bazel label, "toolchain:glibc", ...
  std::string kind;  // "code", "model" or "dataset"
  std::string name, version, license, purl, url, supplier;
  bool root = false;
  // The shortest depends-on path from the root ("//app:fn > //lib:a > ref"), "" when the SBOM
  // records none: how the component got into the function.
  std::string path;
  std::vector<LicenseLeafFact> licenses;
  std::vector<std::pair<std::string, std::string>> files;  // name, sha256
  // (relation, target): "depends-on" ref, "trained-on" dataset ref or name, "derived-from" base model.
  std::vector<std::pair<std::string, std::string>> edges;
};

struct DependencyFact {
  std::string name, uri, sha256, git_commit;
};

struct BundleFacts {
  std::string function_name, entrypoint, runtime;
  std::string bazel_target, build_type, builder_id, fnseal_version;
  std::string source_uri, source_commit, tree_state;  // empty when the build was not stamped
  std::vector<DependencyFact> dependencies;
  std::vector<ComponentFact> components;
};

// Limits on what one bundle contributes; exceeding one is ResourceExhausted.
struct FactsLimits {
  size_t max_components = 10000;
  size_t max_edges = 100000;
  size_t max_files = 100000;
  size_t max_string = 8192;
  size_t max_path_bytes = 16 << 20;  // all components' dependency paths together
};

// The shortest path along `depends_on` (ref -> the refs it depends on) from `root` to every ref
// it reaches, as "root > a > b"; ties go to the path through the lower refs. The root's path is
// itself; refs not reached have none. ResourceExhausted when the paths together would exceed
// `max_total_bytes` (a long chain makes them grow with the square of its length).
Result<std::map<std::string, std::string>> DependencyPaths(
    const std::string& root, const std::map<std::string, std::set<std::string>>& depends_on, size_t max_total_bytes);

// The deployable targets among a bundle's file paths ("deployables/<target>/..."), distinct,
// sorted and comma-separated: "aws_lambda,oci_image".
std::string DeployableTargets(const std::vector<std::string>& bundle_file_paths);

// Extracts the facts from a verification of kind "bundle" and its verified manifest bytes.
// InvalidArgument naming the statement and field when a verified statement has an unexpected
// shape (the store refuses what it cannot index rather than index part of it).
Result<BundleFacts> ExtractBundleFacts(const Verification& verification, std::string_view manifest_json,
                                       const FactsLimits& limits = {});

}  // namespace fnseal

#endif  // FNSEAL_AUDIT_STORE_FACTS_H_
