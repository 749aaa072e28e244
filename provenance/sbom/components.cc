#include "provenance/sbom/components.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <cerrno>
#include <map>
#include <memory>
#include <set>
#include <utility>

#include "core/c_handles.h"
#include "core/encoding.h"
#include "core/file.h"
#include "core/io.h"
#include "core/json.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "formats/entry/archive_path.h"
#include "provenance/purl/purl.h"

namespace fnseal {
namespace {

// Where a value sits, for messages: "component '//a:b': files[2].name".
struct Where {
  std::string component;  // empty at the top level
  std::string field;
  std::string Prefix() const {
    std::string out = component.empty() ? std::string("components file") : "component '" + component + "'";
    return field.empty() ? out : out + ": " + field;
  }
};

Status Invalid(const Where& where, const std::string& what) {
  return InvalidArgumentError(where.Prefix() + " " + what);
}

Status CheckFields(const Json& object, std::initializer_list<std::string_view> allowed, const Where& where) {
  const std::string* unknown = FirstUnknownMember(object, allowed);
  if (unknown == nullptr) return OkStatus();
  Where at = where;
  at.field.clear();
  return InvalidArgumentError(at.Prefix() + ": unknown field '" + unknown->substr(0, 64) +
                              (where.field.empty() ? "'" : "' in " + where.field));
}

// A string within the length limit, without control characters (tab and newline only when
// `multiline`: a copyright notice may wrap; ids, names and paths are printed in messages).
Result<std::string> GetString(const Json& value, const Where& where, const ComponentsLimits& limits,
                              bool multiline = false) {
  if (!value.is_string()) return Invalid(where, "must be a string");
  const std::string& s = value.get_ref<const std::string&>();
  if (s.size() > limits.max_string) {
    return ResourceExhaustedError(where.Prefix() + " is " + std::to_string(s.size()) +
                                  " bytes, more than the limit of " + std::to_string(limits.max_string));
  }
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 && !(multiline && (c == '\n' || c == '\t'))) {
      return Invalid(where, "contains a control character");
    }
  }
  return s;
}

Result<std::string> GetRequired(const Json& object, const char* key, const Where& parent,
                                const ComponentsLimits& limits) {
  Where where{parent.component, parent.field.empty() ? key : parent.field + "." + key};
  auto it = object.find(key);
  if (it == object.end()) {
    return InvalidArgumentError(parent.Prefix() + " has no '" + key + "'");
  }
  ASSIGN_OR_RETURN(std::string s, GetString(*it, where, limits));
  if (s.empty()) return Invalid(where, "is empty");
  return s;
}

Status GetOptional(const Json& object, const char* key, const Where& parent, const ComponentsLimits& limits,
                   std::string* out) {
  auto it = object.find(key);
  if (it == object.end()) return OkStatus();
  const bool multiline = std::string_view(key) == "copyright";
  ASSIGN_OR_RETURN(*out, GetString(*it, Where{parent.component, key}, limits, multiline));
  if (out->empty()) return Invalid(Where{parent.component, key}, "is empty (leave it out instead)");
  return OkStatus();
}

const Json* GetArray(const Json& object, const char* key, size_t max, const char* max_name, const Where& where,
                     Status* status) {
  auto it = object.find(key);
  if (it == object.end()) return nullptr;
  if (!it->is_array()) {
    *status = Invalid(Where{where.component, key}, "must be an array");
    return nullptr;
  }
  if (it->size() > max) {
    *status = ResourceExhaustedError(Where{where.component, key}.Prefix() + " has " + std::to_string(it->size()) +
                                     " entries, more than the limit of " + std::to_string(max) + " (" + max_name + ")");
    return nullptr;
  }
  return &*it;
}

Status ParseFiles(const Json& object, const char* key, const Where& where, const ComponentsLimits& limits,
                  std::vector<ComponentFile>* out) {
  Status status;
  const Json* array = GetArray(object, key, limits.max_files_per_component, "files per component", where, &status);
  RETURN_IF_ERROR(status);
  if (array == nullptr) return OkStatus();
  std::set<std::string> names;
  for (size_t i = 0; i < array->size(); ++i) {
    const Where at{where.component, std::string(key) + "[" + std::to_string(i) + "]"};
    const Json& entry = (*array)[i];
    if (!entry.is_object()) return Invalid(at, "must be an object {name, path}");
    RETURN_IF_ERROR(CheckFields(entry, {"name", "path"}, at));
    ComponentFile file;
    ASSIGN_OR_RETURN(file.name, GetRequired(entry, "name", at, limits));
    ASSIGN_OR_RETURN(file.path, GetRequired(entry, "path", at, limits));
    // Both must be relative and stay below their root: a name is a path in the deployable, and a
    // path must not read (and, for license texts, publish) files outside the base directory.
    Status name_ok = ValidateArchivePath(file.name);
    if (!name_ok.ok()) return Invalid(Where{at.component, at.field + ".name"}, "is unsafe: " + name_ok.message());
    Status path_ok = ValidateArchivePath(file.path);
    if (!path_ok.ok()) return Invalid(Where{at.component, at.field + ".path"}, "is unsafe: " + path_ok.message());
    if (!names.insert(file.name).second) {
      return Invalid(Where{at.component, at.field + ".name"}, "'" + file.name + "' is given twice");
    }
    out->push_back(std::move(file));
  }
  return OkStatus();
}

Status ParseIds(const Json& object, const char* key, const Where& where, const ComponentsLimits& limits,
                std::vector<std::string>* out) {
  Status status;
  const Json* array = GetArray(object, key, limits.max_depends_on, "entries per component", where, &status);
  RETURN_IF_ERROR(status);
  if (array == nullptr) return OkStatus();
  std::set<std::string> seen;
  for (size_t i = 0; i < array->size(); ++i) {
    const Where at{where.component, std::string(key) + "[" + std::to_string(i) + "]"};
    ASSIGN_OR_RETURN(std::string id, GetString((*array)[i], at, limits));
    if (id.empty()) return Invalid(at, "is empty");
    if (!seen.insert(id).second) return Invalid(at, "'" + id + "' is given twice");
    out->push_back(std::move(id));
  }
  return OkStatus();
}

// SBOMs carry the text of every LicenseRef- they use; ids from other documents (DocumentRef-) and
// AdditionRef- exceptions (not in SPDX 2.3) cannot be written, so they are refused up front.
Status CheckLocalReferences(const LicenseExpression& e, const Where& where) {
  if (e.kind == LicenseExpression::Kind::kLicenseRef && !StartsWith(e.license, "LicenseRef-")) {
    return Invalid(Where{where.component, "license"},
                   "uses '" + e.license + "': references to other documents are not supported");
  }
  if (e.addition_ref) {
    return Invalid(Where{where.component, "license"},
                   "uses '" + e.exception + "': AdditionRef- exceptions are not supported");
  }
  for (const LicenseExpression& operand : e.operands) RETURN_IF_ERROR(CheckLocalReferences(operand, where));
  return OkStatus();
}

Result<Component> ParseComponent(const Json& value, size_t index, const ComponentsLimits& limits) {
  const Where top{"", "components[" + std::to_string(index) + "]"};
  if (!value.is_object()) return Invalid(top, "must be an object");
  Component c;
  ASSIGN_OR_RETURN(c.id, GetRequired(value, "id", top, limits));
  const Where where{c.id, ""};
  RETURN_IF_ERROR(CheckFields(value,
                              {"id", "kind", "name", "version", "license", "copyright", "url", "supplier", "purl",
                               "licenseTexts", "files", "dependsOn", "sourceUri", "baseModel", "datasets"},
                              where));
  ASSIGN_OR_RETURN(std::string kind, GetRequired(value, "kind", where, limits));
  if (kind == "code") {
    c.kind = ComponentKind::kCode;
  } else if (kind == "model") {
    c.kind = ComponentKind::kModel;
  } else if (kind == "dataset") {
    c.kind = ComponentKind::kDataset;
  } else {
    return Invalid(Where{c.id, "kind"}, "'" + kind.substr(0, 64) + "' is not code, model or dataset");
  }
  ASSIGN_OR_RETURN(c.name, GetRequired(value, "name", where, limits));
  RETURN_IF_ERROR(GetOptional(value, "version", where, limits, &c.version));
  RETURN_IF_ERROR(GetOptional(value, "copyright", where, limits, &c.copyright));
  RETURN_IF_ERROR(GetOptional(value, "url", where, limits, &c.url));
  RETURN_IF_ERROR(GetOptional(value, "supplier", where, limits, &c.supplier));
  RETURN_IF_ERROR(GetOptional(value, "purl", where, limits, &c.purl));
  if (!c.purl.empty()) {
    PackageUrlLimits purl_limits;
    purl_limits.max_length = limits.max_string;
    ASSIGN_OR_RETURN(c.purl, CanonicalPackageUrl(c.purl, purl_limits).Annotate(where.Prefix()));
  }
  ASSIGN_OR_RETURN(std::string license, GetRequired(value, "license", where, limits));
  Result<LicenseExpression> expression = ParseLicenseExpression(license);
  if (!expression.ok()) return expression.status().Annotate(where.Prefix() + ": license");
  c.license = std::move(expression).value();
  RETURN_IF_ERROR(CheckLocalReferences(c.license, where));
  RETURN_IF_ERROR(ParseFiles(value, "licenseTexts", where, limits, &c.license_texts));
  RETURN_IF_ERROR(ParseFiles(value, "files", where, limits, &c.files));
  RETURN_IF_ERROR(ParseIds(value, "dependsOn", where, limits, &c.depends_on));
  for (const char* key : {"sourceUri", "baseModel", "datasets"}) {
    if (value.contains(key) && c.kind == ComponentKind::kCode) {
      return Invalid(Where{c.id, key}, "is only for models and data sets");
    }
  }
  if (value.contains("datasets") && c.kind != ComponentKind::kModel) {
    return Invalid(Where{c.id, "datasets"}, "is only for models");
  }
  RETURN_IF_ERROR(GetOptional(value, "sourceUri", where, limits, &c.source_uri));
  RETURN_IF_ERROR(GetOptional(value, "baseModel", where, limits, &c.base_model));
  RETURN_IF_ERROR(ParseIds(value, "datasets", where, limits, &c.datasets));
  return c;
}

// A reference that looks like an id (a Bazel label) must name a component; other text is a name.
bool LooksLikeId(std::string_view s) { return StartsWith(s, "//") || StartsWith(s, "@") || StartsWith(s, ":"); }

Status CheckReferences(const ComponentSet& set) {
  std::map<std::string_view, const Component*> by_id;
  for (const Component& c : set.components) by_id[c.id] = &c;
  auto find = [&](const std::string& id) -> const Component* {
    auto it = by_id.find(id);
    return it == by_id.end() ? nullptr : it->second;
  };
  if (find(set.root) == nullptr) {
    return InvalidArgumentError("components file: root '" + set.root + "' is not a component in the file");
  }
  for (const Component& c : set.components) {
    for (size_t i = 0; i < c.depends_on.size(); ++i) {
      const Where at{c.id, "dependsOn[" + std::to_string(i) + "]"};
      if (c.depends_on[i] == c.id) return Invalid(at, "names the component itself");
      if (find(c.depends_on[i]) == nullptr)
        return Invalid(at, "'" + c.depends_on[i] + "' is not a component in the file");
    }
    for (size_t i = 0; i < c.datasets.size(); ++i) {
      const Where at{c.id, "datasets[" + std::to_string(i) + "]"};
      const Component* d = find(c.datasets[i]);
      if (d == nullptr && LooksLikeId(c.datasets[i])) {
        return Invalid(at, "'" + c.datasets[i] + "' looks like an id but is not a component in the file");
      }
      if (d != nullptr && d->kind != ComponentKind::kDataset) {
        return Invalid(at,
                       "'" + c.datasets[i] + "' is a " + std::string(ComponentKindName(d->kind)) + ", not a dataset");
      }
    }
    if (!c.base_model.empty()) {
      const Where at{c.id, "baseModel"};
      const Component* b = find(c.base_model);
      if (b == nullptr && LooksLikeId(c.base_model)) {
        return Invalid(at, "'" + c.base_model + "' looks like an id but is not a component in the file");
      }
      if (b == &c) return Invalid(at, "names the component itself");
      if (b != nullptr && b->kind != ComponentKind::kModel) {
        return Invalid(at, "'" + c.base_model + "' is a " + std::string(ComponentKindName(b->kind)) + ", not a model");
      }
    }
  }
  return OkStatus();
}

std::string Join(const std::string& base_dir, const std::string& path) {
  if (base_dir.empty() || base_dir == ".") return path;
  return EndsWith(base_dir, "/") ? base_dir + path : base_dir + "/" + path;
}

// Hashes a regular file as a stream; for license texts also keeps the (size-limited) content.
Status LoadFile(const std::string& base_dir, const std::string& component, const char* field, bool keep_text,
                const ComponentsLimits& limits, ComponentFile* file) {
  const std::string full = Join(base_dir, file->path);
  const std::string context = "component '" + component + "': " + field + " '" + file->path + "'";
  struct stat st;
  if (::stat(full.c_str(), &st) != 0) return ErrnoError("stat", full, errno).Annotate(context);
  if (!S_ISREG(st.st_mode)) return InvalidArgumentError(context + " is not a regular file");
  if (keep_text && static_cast<uint64_t>(st.st_size) > limits.max_license_text_size) {
    return ResourceExhaustedError(context + " is " + std::to_string(st.st_size) + " bytes, more than the limit of " +
                                  std::to_string(limits.max_license_text_size) + " for a license text");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<FileSource> source, FileSource::Open(full).Annotate(context));
  Sha256 hash;
  // SHA-1 only because SPDX 2.3 makes it mandatory for files; nothing relies on it for integrity.
  CHandle<EVP_MD_CTX, EVP_MD_CTX_free> sha1(EVP_MD_CTX_new());
  if (sha1 == nullptr || EVP_DigestInit_ex(sha1.get(), EVP_sha1(), nullptr) != 1) {
    return InternalError("cannot start a SHA-1 digest");
  }
  std::string text;
  uint64_t size = 0;
  char buffer[1 << 16];
  while (true) {
    ASSIGN_OR_RETURN(size_t n, source->Read(buffer, sizeof buffer).Annotate(context));
    if (n == 0) break;
    size += n;
    hash.Update(buffer, n);
    if (EVP_DigestUpdate(sha1.get(), buffer, n) != 1) return InternalError("SHA-1 digest failed");
    if (keep_text) {
      if (size > limits.max_license_text_size) {
        return ResourceExhaustedError(context + " grew beyond the limit of " +
                                      std::to_string(limits.max_license_text_size) + " bytes for a license text");
      }
      text.append(buffer, n);
    }
  }
  unsigned char sha1_digest[EVP_MAX_MD_SIZE];
  unsigned int sha1_size = 0;
  if (EVP_DigestFinal_ex(sha1.get(), sha1_digest, &sha1_size) != 1) return InternalError("SHA-1 digest failed");
  file->sha256 = hash.FinishHex();
  file->sha1 = HexEncode(std::string_view(reinterpret_cast<const char*>(sha1_digest), sha1_size));
  file->size = size;
  file->text = std::move(text);
  return OkStatus();
}

bool IsHex(std::string_view s) {
  for (char ch : s) {
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F'))) return false;
  }
  return true;
}

// Whether every character of `s` is in [A-Za-z0-9] or `extra`, and `s` is not empty.
bool IsToken(std::string_view s, std::string_view extra) {
  if (s.empty()) return false;
  for (char ch : s) {
    const bool alnum = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
    if (!alnum && extra.find(ch) == std::string_view::npos) return false;
  }
  return true;
}

std::vector<std::string_view> PathSegments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    const size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

// pkg:huggingface/<ns>/<name> from https://huggingface.co/<ns>/<name> (a model) or
// https://huggingface.co/datasets/<ns>/<name> (a data set). The purl's version is the revision's
// commit hash: the component's version only when it is one.
bool HuggingFacePurl(const Component& c, std::string_view url, PackageUrl* purl) {
  constexpr std::string_view kHub = "https://huggingface.co/";
  if (!StartsWith(url, kHub) || url.find_first_of("?#") != std::string_view::npos) return false;
  std::string_view path = url.substr(kHub.size());
  if (EndsWith(path, "/")) path.remove_suffix(1);
  std::vector<std::string_view> segments = PathSegments(path);
  if (c.kind == ComponentKind::kDataset) {
    if (segments.size() != 3 || segments[0] != "datasets") return false;
    segments.erase(segments.begin());
  } else {
    // Two segments that are not one of the hub's own pages.
    static constexpr std::string_view kPages[] = {"api", "datasets", "docs", "models", "spaces", "organizations"};
    if (segments.size() != 2) return false;
    for (std::string_view page : kPages) {
      if (segments[0] == page) return false;
    }
  }
  for (std::string_view segment : segments) {
    if (!IsToken(segment, "._-")) return false;
  }
  purl->type = "huggingface";
  purl->namespace_path = std::string(segments[0]);
  purl->name = std::string(segments[1]);
  if (c.version.size() == 40 && IsHex(c.version)) purl->version = c.version;
  return true;
}

// pkg:npm/[%40scope/]<name>@<version> from https://www.npmjs.com/package/[@scope/]<name> or a
// tarball URL https://registry.npmjs.org/[@scope/]<name>/-/<file>.tgz.
bool NpmPurl(const Component& c, std::string_view url, PackageUrl* purl) {
  std::string_view path;
  bool tarball = false;
  for (std::string_view site : {"https://www.npmjs.com/package/", "https://npmjs.com/package/"}) {
    if (StartsWith(url, site)) path = url.substr(site.size());
  }
  if (path.empty() && StartsWith(url, "https://registry.npmjs.org/")) {
    path = url.substr(std::string_view("https://registry.npmjs.org/").size());
    tarball = true;
  }
  if (path.empty() || path.find_first_of("?#") != std::string_view::npos) return false;
  std::vector<std::string_view> segments = PathSegments(path);
  const size_t name_segments = StartsWith(path, "@") ? 2 : 1;
  if (tarball) {
    if (segments.size() != name_segments + 2 || segments[name_segments] != "-" ||
        !EndsWith(segments.back(), ".tgz")) {
      return false;
    }
  } else if (segments.size() != name_segments) {
    return false;
  }
  if (name_segments == 2) {
    if (!IsToken(segments[0].substr(1), "._-~")) return false;
    purl->namespace_path = std::string(segments[0]);
  }
  if (!IsToken(segments[name_segments - 1], "._-~")) return false;
  purl->type = "npm";
  purl->name = std::string(segments[name_segments - 1]);
  purl->version = c.version;
  return true;
}

// What a derived purl is made of, or false when the component says too little for one.
bool DerivePurl(const Component& c, PackageUrl* purl) {
  if (c.kind != ComponentKind::kCode) {
    for (const std::string* url : {&c.source_uri, &c.url}) {
      if (HuggingFacePurl(c, *url, purl)) return true;
    }
  }
  for (const std::string* url : {&c.source_uri, &c.url}) {
    if (NpmPurl(c, *url, purl)) return true;
  }
  // A Debian package: the rules say supplier Debian when dpkg owns the file, with its version.
  if (c.kind == ComponentKind::kCode && c.supplier == "Debian" && !c.version.empty() && IsToken(c.name, "+.-")) {
    purl->type = "deb";
    purl->namespace_path = "debian";
    purl->name = c.name;
    purl->version = c.version;
    return true;
  }
  // A model or data set downloaded from somewhere: generic, with where it came from.
  if (c.source_uri.find("://") != std::string::npos) {
    purl->type = "generic";
    purl->name = c.name;
    purl->version = c.version;
    const bool vcs = StartsWith(c.source_uri, "git+") || StartsWith(c.source_uri, "git://") ||
                     EndsWith(c.source_uri, ".git");
    purl->qualifiers[vcs ? "vcs_url" : "download_url"] = c.source_uri;
    return true;
  }
  return false;
}

}  // namespace

Result<std::string> ComponentPurl(const Component& c) {
  if (!c.purl.empty()) {
    return CanonicalPackageUrl(c.purl).Annotate("component '" + c.id + "'");
  }
  PackageUrl purl;
  if (!DerivePurl(c, &purl)) return std::string();
  Result<std::string> text = FormatPackageUrl(purl);
  // A derived purl that breaks a rule (a name with a space, past the length limit) is no purl.
  return text.ok() ? *text : std::string();
}

std::string_view ComponentKindName(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::kCode:
      return "code";
    case ComponentKind::kModel:
      return "model";
    case ComponentKind::kDataset:
      return "dataset";
  }
  return "code";
}

const Component* ComponentSet::Find(std::string_view id) const {
  for (const Component& c : components) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

Result<ComponentSet> ParseComponentsFile(std::string_view text, const ComponentsLimits& limits) {
  JsonLimits json_limits;
  json_limits.max_depth = limits.max_depth;
  json_limits.max_size = limits.max_file_size;
  ASSIGN_OR_RETURN(Json json, ParseJsonStrict(text, "components file", json_limits));
  const Where top{"", ""};
  if (!json.is_object()) return InvalidArgumentError("components file must be a JSON object");
  RETURN_IF_ERROR(CheckFields(json, {"fnsealComponents", "function", "root", "components"}, top));
  auto version = json.find("fnsealComponents");
  if (version == json.end())
    return InvalidArgumentError("components file has no 'fnsealComponents' (the format version)");
  if (!version->is_number_integer() || *version != 1) {
    return InvalidArgumentError("components file: fnsealComponents must be 1, the only version there is");
  }
  ComponentSet set;
  ASSIGN_OR_RETURN(set.function, GetRequired(json, "function", top, limits));
  ASSIGN_OR_RETURN(set.root, GetRequired(json, "root", top, limits));
  auto components = json.find("components");
  if (components == json.end()) return InvalidArgumentError("components file has no 'components'");
  if (!components->is_array()) return InvalidArgumentError("components file: components must be an array");
  if (components->empty()) return InvalidArgumentError("components file: components is empty");
  if (components->size() > limits.max_components) {
    return ResourceExhaustedError("components file has " + std::to_string(components->size()) +
                                  " components, more than the limit of " + std::to_string(limits.max_components));
  }
  std::set<std::string> ids;
  for (size_t i = 0; i < components->size(); ++i) {
    ASSIGN_OR_RETURN(Component c, ParseComponent((*components)[i], i, limits));
    if (!ids.insert(c.id).second)
      return InvalidArgumentError("components file: component id '" + c.id + "' is given twice");
    set.components.push_back(std::move(c));
  }
  RETURN_IF_ERROR(CheckReferences(set));
  return set;
}

Status LoadComponentFiles(const std::string& base_dir, ComponentSet* set, const ComponentsLimits& limits) {
  for (Component& c : set->components) {
    for (ComponentFile& f : c.files) RETURN_IF_ERROR(LoadFile(base_dir, c.id, "file", false, limits, &f));
    for (ComponentFile& f : c.license_texts)
      RETURN_IF_ERROR(LoadFile(base_dir, c.id, "license text", true, limits, &f));
  }
  return OkStatus();
}

Result<ComponentSet> LoadComponentsFile(const std::string& path, const std::string& base_dir,
                                        const ComponentsLimits& limits) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path, limits.max_file_size).Annotate("components file"));
  ASSIGN_OR_RETURN(ComponentSet set, ParseComponentsFile(text, limits).Annotate(path));
  RETURN_IF_ERROR(LoadComponentFiles(base_dir, &set, limits).Annotate(path));
  return set;
}

}  // namespace fnseal
