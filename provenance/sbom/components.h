// The components file (v1): what a function is made of — its code, ML models and data sets, with
// their licenses, license texts, shipped files and dependencies — and the in-memory model that the
// SBOM writers (sbom.h) turn into SPDX 2.3, SPDX 3.0.1 and CycloneDX 1.6. The format and its
// limits are in docs/sbom.md.
//
//   Result<ComponentSet> set = LoadComponentsFile("fn.components.json", exec_root, {});
//
// ParseComponentsFile() is strict (unknown fields, wrong types, duplicate ids, unresolved ids and
// invalid license expressions are InvalidArgument naming the component; limits are
// ResourceExhausted). LoadComponentsFile() also reads every referenced file, relative to a base
// directory, and fills in its sha256. Functions are thread-safe; a ComponentSet is a plain value.
#ifndef FNSEAL_PROVENANCE_SBOM_COMPONENTS_H_
#define FNSEAL_PROVENANCE_SBOM_COMPONENTS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "provenance/licenses/expression.h"

namespace fnseal {

enum class ComponentKind { kCode, kModel, kDataset };

// "code", "model" or "dataset".
std::string_view ComponentKindName(ComponentKind kind);

// A file named by the components file: `name` is where it goes (a safe relative path), `path`
// where it is read from (relative to the base directory). `sha256` and `size` are filled by
// LoadComponentsFile(); `text` only for license texts.
struct ComponentFile {
  std::string name;
  std::string path;
  std::string sha256;  // lowercase hex; empty until loaded
  std::string sha1;    // lowercase hex; empty until loaded (SPDX 2.3 requires a file's SHA1)
  uint64_t size = 0;
  std::string text;  // license texts only: the file's content
};

struct Component {
  std::string id;
  ComponentKind kind = ComponentKind::kCode;
  std::string name;
  std::string version;  // optional fields are empty when absent
  std::string copyright;
  std::string url;
  std::string supplier;
  std::string purl;  // the package URL the file gives, in canonical form; see ComponentPurl()
  LicenseExpression license;  // parsed; ToString(license) is the normalized text
  std::vector<ComponentFile> license_texts;
  std::vector<ComponentFile> files;
  std::vector<std::string> depends_on;  // ids of components in the set
  // Models and data sets only.
  std::string source_uri;
  std::string base_model;             // an id in the set or a free-text name
  std::vector<std::string> datasets;  // models only: ids of dataset components or free-text names
};

struct ComponentSet {
  std::string function;
  std::string root;                   // the id of the component that is the function itself
  std::vector<Component> components;  // in file order

  // The component with `id`, or nullptr.
  const Component* Find(std::string_view id) const;
};

// The package URL that names `c` (docs/sbom.md, "Package URLs"): its own `purl` in canonical
// form, else one derived from what the component says — a Hugging Face model or data set from its
// huggingface.co URL, an npm package from its npmjs.com or registry URL, a Debian package from
// supplier "Debian" with a version, else a generic purl with the source URL of a model or data
// set — else "" when none exists. InvalidArgument when its own purl is malformed.
Result<std::string> ComponentPurl(const Component& c);

// Documented limits (docs/sbom.md); exceeding one is ResourceExhausted.
struct ComponentsLimits {
  uint64_t max_file_size = 4 << 20;  // the components file itself
  size_t max_components = 10000;
  size_t max_files_per_component = 10000;    // files and license texts, each
  size_t max_depends_on = 1000;              // dependsOn and datasets entries per component, each
  size_t max_string = 4096;                  // bytes of any string
  size_t max_depth = 16;                     // JSON nesting
  uint64_t max_license_text_size = 1 << 20;  // a license text file (it is embedded in SBOMs)
};

// Parses and checks the components file text. Files are not read: their sha256 stays empty.
// Errors name the component ("component '//a:b': license: column 5: ...") and are
// InvalidArgument, or ResourceExhausted beyond `limits`.
Result<ComponentSet> ParseComponentsFile(std::string_view json, const ComponentsLimits& limits = {});

// Reads the components file at `path`, parses it, then hashes every `files` entry (streamed, in
// constant memory) and reads every `licenseTexts` entry, each `path` taken relative to `base_dir`
// (the Bazel exec root; "" or "." is the current directory). NotFound for a missing file, with the
// component id and path in the message.
Result<ComponentSet> LoadComponentsFile(const std::string& path, const std::string& base_dir,
                                        const ComponentsLimits& limits = {});

// As LoadComponentsFile(), for a set already parsed: fills sha256, sha1, size and license texts.
Status LoadComponentFiles(const std::string& base_dir, ComponentSet* set, const ComponentsLimits& limits = {});

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_SBOM_COMPONENTS_H_
