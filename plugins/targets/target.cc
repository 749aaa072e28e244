#include "plugins/targets/target.h"

#include <sys/stat.h>

#include <cerrno>
#include <memory>
#include <string>

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
