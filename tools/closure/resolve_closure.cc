// resolve_closure: the closure action of serverless_function(linkage = "closure").
//
//   resolve_closure REQUEST CLOSURE_OUT COMPONENTS_OUT
//
// REQUEST (JSON, written by plugins/private/closure.bzl at analysis) names the handler, the
// candidate shared objects (the handler's own, from its runfiles, and the toolchain's, each with
// its Debian origin and license) and the function's components file. The handler's DT_NEEDED
// closure is resolved against the candidates by file name (formats/elf/closure.h) and written to
// CLOSURE_OUT (the closure file the cloud targets take as option "closure"; docs/targets.md).
// COMPONENTS_OUT is the components file with what the closure ships: each toolchain library as
// a component "toolchain:<library>" with its files, each of the handler's own libraries in the
// component that builds it (else in the function's own), unused candidates left out.
// Exit 0, or 1 with "resolve_closure: <message>" on stderr.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/file.h"
#include "core/json.h"
#include "core/sha256.h"
#include "core/status.h"
#include "formats/elf/closure.h"
#include "provenance/purl/purl.h"

namespace fnseal {
namespace {

struct Candidate {
  std::string path;
  const Json* toolchain = nullptr;  // {library, license, package, version, source_package, arch}; null: built here
};

std::string Basename(const std::string& path) { return path.substr(path.rfind('/') + 1); }

Result<std::string> StringField(const Json& object, const char* key, const std::string& what) {
  const std::string* value = FindString(object, key);
  if (value == nullptr) return InvalidArgumentError(what + " has no string \"" + key + "\"");
  return *value;
}

// Where `library` goes in a deployable that ships it: the loader at its PT_INTERP path, any other
// library in lib/ next to the handler.
std::string ShippedName(const ClosureLibrary& library, const std::string& interpreter) {
  if (!interpreter.empty() && library.name == Basename(interpreter)) return interpreter.substr(1);
  return "lib/" + library.name;
}

Json& ComponentWithId(Json* components, const std::string& id) {
  for (Json& c : *components) {
    if (c.is_object() && c.contains("id") && c["id"] == id) return c;
  }
  components->push_back(Json{{"id", id}});
  return components->back();
}

void AddSorted(Json* array, Json value, const char* key) {
  if (!array->is_array()) *array = Json::array();
  for (const Json& existing : *array) {
    if ((key == nullptr && existing == value) || (key != nullptr && existing.contains(key) && existing[key] == value[key]))
      return;
  }
  array->push_back(std::move(value));
  std::sort(array->begin(), array->end(), [key](const Json& a, const Json& b) {
    return key == nullptr ? a < b : a[key] < b[key];
  });
}

Status Run(const std::string& request_path, const std::string& closure_out, const std::string& components_out) {
  ASSIGN_OR_RETURN(std::string request_text, ReadFile(request_path, 16 << 20));
  ASSIGN_OR_RETURN(Json request, ParseJsonStrict(request_text, "closure request"));
  ASSIGN_OR_RETURN(std::string executable, StringField(request, "executable", "closure request"));
  ASSIGN_OR_RETURN(std::string components_path, StringField(request, "components", "closure request"));
  const Json* candidate_list = FindMember(request, "candidates");
  if (candidate_list == nullptr || !candidate_list->is_array()) {
    return InvalidArgumentError("closure request has no \"candidates\" array");
  }
  std::map<std::string, Candidate> candidates;  // by file name, what DT_NEEDED says
  std::map<std::string, std::string> paths;
  for (const Json& c : *candidate_list) {
    ASSIGN_OR_RETURN(std::string path, StringField(c, "path", "closure candidate"));
    const std::string name = Basename(path);
    const Json* toolchain = FindObject(c, "toolchain");
    if (!candidates.emplace(name, Candidate{path, toolchain}).second) {
      return InvalidArgumentError("two candidate libraries are named '" + name + "': " + candidates[name].path +
                                  " and " + path + "; rename one");
    }
    paths[name] = path;
  }

  Result<Closure> resolved = ResolveClosure(executable, paths);
  if (resolved.status().code() == StatusCode::kNotFound) {
    return NotFoundError(resolved.status().message() +
                         "; give the handler the library as a dependency built in the workspace (cc_import of "
                         "a prebuilt shared object, or a linkshared cc_binary), or link it statically");
  }
  ASSIGN_OR_RETURN(Closure closure, std::move(resolved));
  const std::string& interpreter = closure.executable.interpreter;

  ASSIGN_OR_RETURN(std::string components_text, ReadFile(components_path, 16 << 20));
  ASSIGN_OR_RETURN(Json components, ParseJsonStrict(components_text, "components file"));
  ASSIGN_OR_RETURN(std::string root, StringField(components, "root", "components file"));
  Json* entries = components.contains("components") ? &components["components"] : nullptr;
  if (entries == nullptr || !entries->is_array()) return InvalidArgumentError("components file has no components");

  std::set<std::string> shipped_paths;
  for (const ClosureLibrary& library : closure.libraries) shipped_paths.insert(library.path);
  // Candidates of the handler's own that the closure does not need do not ship.
  std::set<std::string> claimed;
  for (Json& c : *entries) {
    if (!c.is_object() || !c.contains("files") || !c["files"].is_array()) continue;
    Json kept = Json::array();
    for (const Json& f : c["files"]) {
      const std::string* path = FindString(f, "path");
      const std::string* name = FindString(f, "name");
      const bool candidate = path != nullptr && name != nullptr && paths.count(Basename(*path)) != 0 &&
                             paths[Basename(*path)] == *path;
      if (candidate && shipped_paths.count(*path) == 0) continue;
      if (candidate) claimed.insert(*path);
      kept.push_back(f);
    }
    if (kept.empty()) {
      c.erase("files");
    } else {
      c["files"] = std::move(kept);
    }
  }

  Json libraries = Json::array();
  for (const ClosureLibrary& library : closure.libraries) {
    const Candidate& candidate = candidates.at(library.name);
    ASSIGN_OR_RETURN(std::string sha256, Sha256FileHex(library.path));
    const std::string shipped_name = ShippedName(library, interpreter);
    Json entry = {{"name", library.name},       {"path", library.path},   {"sha256", sha256},
                  {"depth", library.depth},     {"neededBy", library.needed_by}, {"shippedAs", shipped_name}};
    Json file = {{"name", shipped_name}, {"path", library.path}};
    if (candidate.toolchain != nullptr) {
      const Json& t = *candidate.toolchain;
      ASSIGN_OR_RETURN(std::string name, StringField(t, "library", "toolchain library " + library.name));
      ASSIGN_OR_RETURN(std::string license, StringField(t, "license", "toolchain library " + library.name));
      const std::string package = FindString(t, "package") ? *FindString(t, "package") : "";
      const std::string version = FindString(t, "version") ? *FindString(t, "version") : "";
      entry["license"] = license;
      entry["package"] = package;
      entry["version"] = version;
      const std::string id = "toolchain:" + name;
      Json& component = ComponentWithId(entries, id);
      component["kind"] = "code";
      component["name"] = package.empty() ? name : package;
      component["license"] = license;
      if (!package.empty()) component["supplier"] = "Debian";
      if (!version.empty()) component["version"] = version;
      // The Debian package's purl, with its architecture when dpkg gave one (never guessed).
      component.erase("purl");
      if (!package.empty() && !version.empty()) {
        PackageUrl purl;
        purl.type = "deb";
        purl.namespace_path = "debian";
        purl.name = package;
        purl.version = version;
        if (const std::string* arch = FindString(t, "arch"); arch != nullptr && !arch->empty()) {
          purl.qualifiers["arch"] = *arch;
        }
        ASSIGN_OR_RETURN(component["purl"], FormatPackageUrl(purl).Annotate("toolchain library " + library.name));
      }
      AddSorted(&component["files"], file, "name");
      AddSorted(&ComponentWithId(entries, root)["dependsOn"], id, nullptr);
    } else if (claimed.count(library.path) == 0) {
      AddSorted(&ComponentWithId(entries, root)["files"], file, "name");  // the function's own
    }
    libraries.push_back(std::move(entry));
  }
  std::sort(entries->begin(), entries->end(), [](const Json& a, const Json& b) { return a["id"] < b["id"]; });

  Json closure_file = {{"executable", Basename(executable)}, {"interpreter", interpreter}, {"libraries", libraries}};
  RETURN_IF_ERROR(WriteFileAtomic(closure_out, PrettyJsonDump(closure_file)));
  return WriteFileAtomic(components_out, PrettyJsonDump(components));
}

}  // namespace
}  // namespace fnseal

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: resolve_closure REQUEST CLOSURE_OUT COMPONENTS_OUT\n");
    return 2;
  }
  fnseal::Status status = fnseal::Run(argv[1], argv[2], argv[3]);
  if (!status.ok()) {
    std::fprintf(stderr, "resolve_closure: %s\n", status.message().c_str());
    return 1;
  }
  return 0;
}
