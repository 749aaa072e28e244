#include "plugins/clouds/target.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>
#include <string>

#include "core/file.h"
#include "core/io.h"
#include "core/json.h"
#include "formats/elf/elf.h"
#include "formats/entry/archive_path.h"
#include "formats/zip/zip.h"

namespace fnseal {
namespace {

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ", ") + name;
  return joined;
}

}  // namespace

Result<WrittenDeployable> WriteZipDeployable(const std::vector<ArchiveInput>& layout, const TargetLimits& limits,
                                             std::string_view target, const std::string& output_path,
                                             const WriteOptions& write) {
  WrittenDeployable written;
  ASSIGN_OR_RETURN(TarPlan plan, PlanTar(layout));
  for (const TarEntryInfo& entry : plan.entries) written.content_size += entry.size;
  if (limits.max_content_size != 0 && written.content_size > limits.max_content_size) {
    return ResourceExhaustedError("the deployable is " + std::to_string(written.content_size) +
                                  " bytes unzipped, over " + std::string(target) + "'s limit of " +
                                  std::to_string(limits.max_content_size) + " bytes");
  }
  ASSIGN_OR_RETURN(auto file, AtomicFile::Create(output_path, 0644, write));
  CountingSink counter(file.get());
  RETURN_IF_ERROR(WriteZip(layout, &counter));
  written.archive_size = counter.count();
  if (limits.max_archive_size != 0 && written.archive_size > limits.max_archive_size) {
    return ResourceExhaustedError("the deployable is " + std::to_string(written.archive_size) + " bytes zipped, over " +
                                  std::string(target) + "'s limit of " + std::to_string(limits.max_archive_size) +
                                  " bytes");
  }  // the uncommitted file is removed
  RETURN_IF_ERROR(file->Commit());
  written.entries = std::move(plan.entries);
  return written;
}

namespace {

std::string Basename(const std::string& path) { return path.substr(path.rfind('/') + 1); }

bool Provides(const HandlerBase& base, const std::string& library) {
  return std::find(base.libraries.begin(), base.libraries.end(), library) != base.libraries.end();
}

Result<ElfInfo> ReadElf(const std::string& path, ElfFileKind kind) {
  ASSIGN_OR_RETURN(auto source, OpenRandomAccessFile(path));
  return ReadElfInfo(*source, {}, kind);
}

// An ELF file the deployable's loader maps: the handler, or a shipped library.
struct LoadedObject {
  std::string name;  // "handler 'h'" or "libstdc++.so.6"
  ElfInfo info;
};

}  // namespace

Result<std::vector<ArchiveInput>> ClosureLayout(const DeployableSpec& spec, const std::string& handler_path,
                                                const HandlerBase& base) {
  std::vector<ArchiveInput> files;
  auto option = spec.options.find(kClosureOption);
  if (option == spec.options.end()) return files;
  const std::string& closure_path = option->second;
  ASSIGN_OR_RETURN(std::string text, ReadFile(closure_path, 4 << 20));
  ASSIGN_OR_RETURN(Json closure, ParseJsonStrict(text, "closure file '" + closure_path + "'"));
  const Json* libraries = FindMember(closure, "libraries");
  if (libraries == nullptr || !libraries->is_array()) {
    return InvalidArgumentError("closure file '" + closure_path + "' has no \"libraries\" array");
  }
  ASSIGN_OR_RETURN(ElfInfo handler, ReadElf(spec.handler, ElfFileKind::kExecutable));
  const std::string loader = handler.interpreter.empty() ? "" : Basename(handler.interpreter);
  const size_t slash = handler_path.rfind('/');
  const std::string lib_dir = (slash == std::string::npos ? "" : handler_path.substr(0, slash + 1)) + "lib/";
  for (const Json& library : *libraries) {
    const std::string* name = FindString(library, "name");
    const std::string* path = FindString(library, "path");
    if (name == nullptr || path == nullptr || name->empty() || name->find('/') != std::string::npos ||
        *name == "." || *name == "..") {
      return InvalidArgumentError("closure file '" + closure_path + "': a library without a file name and a path");
    }
    if (Provides(base, *name)) continue;
    ArchiveInput file;
    file.source_path = *path;
    if (base.libraries.empty() && *name == loader) {
      const size_t start = handler.interpreter.find_first_not_of('/');
      file.path = start == std::string::npos ? "" : handler.interpreter.substr(start);
      file.executable = true;  // the kernel maps PT_INTERP only from an executable file
    } else {
      file.path = lib_dir + *name;
    }
    RETURN_IF_ERROR(ValidateArchivePath(file.path).Annotate("closure library '" + *name + "'"));
    files.push_back(std::move(file));
  }
  return files;
}

Status CheckHandlerLinkage(const std::string& handler, const HandlerBase& base,
                           std::map<std::string, std::string>* facts, const std::vector<ArchiveInput>& shipped) {
  ASSIGN_OR_RETURN(auto source, OpenRandomAccessFile(handler));
  Result<ElfInfo> elf = ReadElfInfo(*source);
  if (!elf.ok()) {
    return Status(elf.status().code(), "handler '" + handler + "' is not an executable " + base.target +
                                           " can run: " + elf.status().message());
  }
  std::map<std::string, std::string> found = {{"machine", elf->machine}};
  const std::string fix =
      "; link it statically (serverless_function's linkage = \"static\", the default; fnseal pack: -static)"
      " or ship its closure (linkage = \"closure\")";
  if (elf->statically_linked()) {
    found["linking"] = "static";
    if (facts != nullptr) facts->insert(found.begin(), found.end());
    return OkStatus();
  }
  found["linking"] = "dynamic";
  found["needed"] = JoinNames(elf->needed);
  if (base.libraries.empty() && shipped.empty()) {
    return InvalidArgumentError("handler '" + handler + "' is dynamically linked (interpreter '" + elf->interpreter +
                                "', needs " + (elf->needed.empty() ? "no library" : found["needed"]) + "), but " +
                                base.description + " has no shared libraries at all" + fix);
  }

  // What the deployable's loader maps: the handler and the shipped libraries, by file name.
  std::vector<LoadedObject> objects;
  objects.reserve(shipped.size() + 1);  // `main` stays valid
  objects.push_back({"handler '" + handler + "'", std::move(*elf)});
  const ElfInfo& main = objects.front().info;
  std::map<std::string, size_t> shipped_by_name;
  bool ships_loader = false, ships_lib_dir = false;
  std::vector<std::string> shipped_paths;
  for (const ArchiveInput& file : shipped) {
    Result<ElfInfo> info = ReadElf(file.source_path, ElfFileKind::kSharedObject);
    if (!info.ok()) return info.status().Annotate("shipped library '" + file.path + "' (" + file.source_path + ")");
    const std::string name = Basename(file.path);
    const bool is_loader = !main.interpreter.empty() && "/" + file.path == main.interpreter;
    ships_loader = ships_loader || is_loader;
    ships_lib_dir = ships_lib_dir || !is_loader;
    shipped_by_name[name] = objects.size();
    shipped_paths.push_back(file.path);
    objects.push_back({name, std::move(*info)});
  }
  if (!shipped.empty()) found["shipped"] = JoinNames(shipped_paths);

  const std::string loader = Basename(main.interpreter);
  if (!main.interpreter.empty() && !ships_loader && !Provides(base, loader)) {
    return InvalidArgumentError("handler '" + handler + "' needs the loader '" + main.interpreter + "', which " +
                                base.description + " does not provide and its closure does not ship" + fix);
  }
  if (ships_lib_dir) {
    const auto has_lib = [](const std::vector<std::string>& paths) {
      return std::find(paths.begin(), paths.end(), "$ORIGIN/lib") != paths.end();
    };
    if (!has_lib(main.rpath) && !has_lib(main.runpath)) {
      return InvalidArgumentError("handler '" + handler +
                                  "' does not search $ORIGIN/lib (DT_RPATH), where its closure ships; build it "
                                  "with serverless_function's linkage = \"closure\"");
    }
  }

  std::string missing;
  for (const LoadedObject& object : objects) {
    for (const std::string& library : object.info.needed) {
      if (Provides(base, library) || shipped_by_name.count(library) != 0) continue;
      missing += (missing.empty() ? "" : ", ") + library;
      if (&object != &objects.front()) missing += " (for " + object.name + ")";
    }
  }
  if (!missing.empty()) {
    return InvalidArgumentError("handler '" + handler + "' needs " + missing + ", which " + base.description +
                                " does not provide" + (base.libraries.empty() ? "" : " (it has " + JoinNames(base.libraries) + ")") +
                                (shipped.empty() ? "" : " and its closure does not ship") + fix);
  }

  const std::optional<GlibcVersion> max_glibc = ParseGlibcVersion(base.max_glibc);
  std::optional<GlibcVersion> newest;
  std::string too_new, undefined;
  for (const LoadedObject& object : objects) {
    const std::string whose = &object == &objects.front() ? "" : ", for " + object.name;
    for (const ElfVersionNeed& need : object.info.version_needs) {
      const std::string symbols = need.symbols.empty() ? "no symbol" : JoinNames(need.symbols);
      std::optional<GlibcVersion> version = ParseGlibcVersion(need.version);
      if (version && (!newest || *newest < *version)) newest = version;
      auto from = shipped_by_name.find(need.file);
      if (from != shipped_by_name.end()) {  // a shipped library must define it, GLIBC_PRIVATE included
        const std::vector<std::string>& defined = objects[from->second].info.version_definitions;
        if (std::find(defined.begin(), defined.end(), need.version) == defined.end()) {
          undefined += (undefined.empty() ? "" : "; ") + need.version + " of " + need.file + " (" + symbols + whose + ")";
        }
        continue;
      }
      if (need.version.rfind("GLIBC_", 0) != 0) continue;  // the base's libraries define only GLIBC_
      if (!version) {
        return InvalidArgumentError("handler '" + handler + "' needs " + need.version + " (" + symbols + whose +
                                    "), glibc internals that no other glibc provides");
      }
      if (max_glibc && *max_glibc < *version) {
        too_new += (too_new.empty() ? "" : "; ") + need.version + " (" + symbols + whose + ")";
      }
    }
  }
  if (!undefined.empty()) {
    return InvalidArgumentError("handler '" + handler + "' needs versions its shipped libraries do not define: " +
                                undefined + "; the closure ships the toolchain's libraries, so rebuild with it");
  }
  if (!too_new.empty()) {
    return InvalidArgumentError("handler '" + handler + "' needs a newer glibc than " + base.description + " (" +
                                base.max_glibc + "): " + too_new + "; build against an older glibc or link statically");
  }
  if (newest) found["max_glibc"] = newest->ToString();
  if (facts != nullptr) facts->insert(found.begin(), found.end());
  return OkStatus();
}

Status CheckRegularFile(const std::string& path, std::string_view what) {
  if (path.empty()) return InvalidArgumentError("no " + std::string(what) + " given");
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return ErrnoError("cannot stat", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return InvalidArgumentError(std::string(what) + " '" + path + "' is not a regular file");
  }
  return OkStatus();
}

Result<WrittenDeployable> CheckAndWriteZip(const CloudTarget& target, const DeployableSpec& spec,
                                           const TargetLimits& limits, const std::string& output_path) {
  std::map<std::string, std::string> facts;
  RETURN_IF_ERROR(target.Check(spec, &facts));
  ASSIGN_OR_RETURN(std::vector<ArchiveInput> layout, target.Layout(spec));
  ASSIGN_OR_RETURN(WrittenDeployable written, WriteZipDeployable(layout, limits, target.name(), output_path, spec.write));
  written.facts = std::move(facts);
  return written;
}

}  // namespace fnseal
