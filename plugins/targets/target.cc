#include "plugins/targets/target.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>
#include <string>

#include "core/elf/elf.h"
#include "core/file.h"
#include "core/io.h"
#include "core/zip.h"

namespace fnseal {
namespace {

// Forwards to another sink and counts the bytes.
class CountingSink : public ByteSink {
 public:
  explicit CountingSink(ByteSink* out) : out_(out) {}
  Status Write(std::string_view bytes) override {
    count_ += bytes.size();
    return out_->Write(bytes);
  }
  uint64_t count() const { return count_; }

 private:
  ByteSink* out_;
  uint64_t count_ = 0;
};

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ", ") + name;
  return joined;
}

}  // namespace

Result<WrittenDeployable> WriteZipDeployable(const std::vector<ArchiveInput>& layout, const TargetLimits& limits,
                                             std::string_view target, const std::string& output_path) {
  WrittenDeployable written;
  ASSIGN_OR_RETURN(TarPlan plan, PlanTar(layout));
  for (const TarEntryInfo& entry : plan.entries) written.content_size += entry.size;
  if (limits.max_content_size != 0 && written.content_size > limits.max_content_size) {
    return ResourceExhaustedError("the deployable is " + std::to_string(written.content_size) +
                                  " bytes unzipped, over " + std::string(target) + "'s limit of " +
                                  std::to_string(limits.max_content_size) + " bytes");
  }
  ASSIGN_OR_RETURN(auto file, AtomicFile::Create(output_path));
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

Status CheckHandlerLinkage(const std::string& handler, const HandlerBase& base,
                           std::map<std::string, std::string>* facts) {
  ASSIGN_OR_RETURN(auto source, OpenRandomAccessFile(handler));
  Result<ElfInfo> elf = ReadElfInfo(*source);
  if (!elf.ok()) {
    return Status(elf.status().code(), "handler '" + handler + "' is not an executable " + base.target +
                                           " can run: " + elf.status().message());
  }
  std::map<std::string, std::string> found = {{"machine", elf->machine}};
  const std::string fix =
      "; link it statically (serverless_function's linkage = \"static\", the default; fnseal pack: -static)";
  if (elf->statically_linked()) {
    found["linking"] = "static";
  } else {
    found["linking"] = "dynamic";
    std::string needed;
    for (const std::string& library : elf->needed) needed += (needed.empty() ? "" : ", ") + library;
    found["needed"] = needed;
    if (base.libraries.empty()) {
      return InvalidArgumentError("handler '" + handler + "' is dynamically linked (interpreter '" + elf->interpreter +
                                  "', needs " + (needed.empty() ? "no library" : needed) + "), but " +
                                  base.description + " has no shared libraries at all" + fix);
    }
    std::string missing;
    for (const std::string& library : elf->needed) {
      if (std::find(base.libraries.begin(), base.libraries.end(), library) == base.libraries.end()) {
        missing += (missing.empty() ? "" : ", ") + library;
      }
    }
    if (!missing.empty()) {
      return InvalidArgumentError("handler '" + handler + "' needs " + missing + ", which " + base.description +
                                  " does not provide (it has " + JoinNames(base.libraries) + ")" + fix);
    }
    const std::optional<GlibcVersion> max_glibc = ParseGlibcVersion(base.max_glibc);
    std::optional<GlibcVersion> newest;
    std::string too_new;
    for (const ElfVersionNeed& need : elf->version_needs) {
      if (need.version.rfind("GLIBC_", 0) != 0) continue;  // the libraries were checked above
      std::optional<GlibcVersion> version = ParseGlibcVersion(need.version);
      std::string symbols;
      for (const std::string& symbol : need.symbols) symbols += (symbols.empty() ? "" : ", ") + symbol;
      if (!version) {
        return InvalidArgumentError("handler '" + handler + "' needs " + need.version + " (" + symbols +
                                    "), glibc internals that no other glibc provides");
      }
      if (!newest || *newest < *version) newest = version;
      if (max_glibc && *max_glibc < *version) {
        too_new += (too_new.empty() ? "" : "; ") + need.version + " (" + (symbols.empty() ? "no symbol" : symbols) + ")";
      }
    }
    if (!too_new.empty()) {
      return InvalidArgumentError("handler '" + handler + "' needs a newer glibc than " + base.description + " (" +
                                  base.max_glibc + "): " + too_new + "; build against an older glibc or link statically");
    }
    if (newest) found["max_glibc"] = newest->ToString();
  }
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
  ASSIGN_OR_RETURN(WrittenDeployable written, WriteZipDeployable(layout, limits, target.name(), output_path));
  written.facts = std::move(facts);
  return written;
}

}  // namespace fnseal
