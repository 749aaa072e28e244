// aws_lambda: a zip for Lambda's OS-only runtime (provided.al2023). Lambda runs the executable
// `bootstrap` at the root of the zip, so the handler is placed there, mode 0755. The handler
// must be an x86-64 or AArch64 ELF executable that is statically linked, or needs only glibc's
// libraries at glibc 2.34 at most (Amazon Linux 2023's; the runtime has no libstdc++ or
// libgcc_s). Limits are Lambda's deployment package quotas.
#include <map>
#include <string>
#include <vector>

#include "formats/entry/archive_path.h"
#include "plugins/clouds/target.h"

namespace fnseal {
namespace {

constexpr char kName[] = "aws_lambda";
constexpr char kBootstrap[] = "bootstrap";
constexpr size_t kMaxFunctionNameLength = 64;

Status CheckFunctionName(const std::string& name) {
  if (name.empty() || name.size() > kMaxFunctionNameLength) {
    return InvalidArgumentError("aws_lambda function name '" + name + "' must have 1 to 64 characters");
  }
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) {
      return InvalidArgumentError("aws_lambda function name '" + name + "' may hold only letters, digits, '-' and '_'");
    }
  }
  return OkStatus();
}

// What the OS-only runtime provides: Amazon Linux 2023's glibc 2.34 and nothing else (no C++
// runtime, no libgcc_s).
HandlerBase LambdaBase() {
  return {kName,
          "Lambda's provided.al2023 runtime",
          {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "ld-linux-x86-64.so.2",
           "ld-linux-aarch64.so.1"},
          "GLIBC_2.34"};
}

class AwsLambda : public CloudTarget {
 public:
  std::string_view name() const override { return kName; }
  std::string_view summary() const override {
    return "AWS Lambda zip for the provided.al2023 runtime: the handler as ./bootstrap";
  }
  std::string_view output_kind() const override { return "zip"; }
  TargetLimits limits() const override {
    TargetLimits l;
    l.max_archive_size = 52428800;   // 50 MB zipped, for direct upload
    l.max_content_size = 262144000;  // 250 MB unzipped
    l.min_memory_mb = 128;
    l.max_memory_mb = 10240;
    l.max_timeout_seconds = 900;
    return l;
  }

  Status Check(const DeployableSpec& spec, std::map<std::string, std::string>* facts) const override {
    if (spec.functions.size() != 1) {
      return InvalidArgumentError("aws_lambda packs exactly one function; got " +
                                  std::to_string(spec.functions.size()));
    }
    RETURN_IF_ERROR(CheckFunctionName(spec.functions[0]));
    if (!spec.handler_name.empty() && spec.handler_name != kBootstrap) {
      return InvalidArgumentError("aws_lambda runs the file named 'bootstrap'; the handler name cannot be '" +
                                  spec.handler_name + "'");
    }
    for (const auto& option : spec.options) {
      if (option.first != kClosureOption) {
        return InvalidArgumentError("aws_lambda has no option '" + option.first + "' (closure)");
      }
    }
    TargetLimits l = limits();
    if (spec.memory_mb && (*spec.memory_mb < l.min_memory_mb || *spec.memory_mb > l.max_memory_mb)) {
      return InvalidArgumentError("aws_lambda memory must be 128 to 10240 MB; got " + std::to_string(*spec.memory_mb));
    }
    if (spec.timeout_seconds && (*spec.timeout_seconds < 1 || *spec.timeout_seconds > l.max_timeout_seconds)) {
      return InvalidArgumentError("aws_lambda timeout must be 1 to 900 seconds; got " +
                                  std::to_string(*spec.timeout_seconds));
    }
    for (const ArchiveInput& file : spec.files) {
      if (file.path == kBootstrap) {
        return InvalidArgumentError("'bootstrap' is where aws_lambda puts the handler; another file cannot go there");
      }
    }
    RETURN_IF_ERROR(CheckRegularFile(spec.handler, "handler"));
    ASSIGN_OR_RETURN(std::vector<ArchiveInput> closure, ClosureLayout(spec, kBootstrap, LambdaBase()));
    return CheckHandlerLinkage(spec.handler, LambdaBase(), facts, closure);
  }

  Result<std::vector<ArchiveInput>> Layout(const DeployableSpec& spec) const override {
    std::vector<ArchiveInput> layout;
    ArchiveInput bootstrap;
    bootstrap.path = kBootstrap;
    bootstrap.source_path = spec.handler;
    bootstrap.executable = true;
    layout.push_back(std::move(bootstrap));
    for (const ArchiveInput& file : spec.files) {
      RETURN_IF_ERROR(ValidateArchivePath(file.path));
      layout.push_back(file);
    }
    ASSIGN_OR_RETURN(std::vector<ArchiveInput> closure, ClosureLayout(spec, kBootstrap, LambdaBase()));
    layout.insert(layout.end(), closure.begin(), closure.end());
    return layout;
  }

  Result<WrittenDeployable> Write(const DeployableSpec& spec, const TargetLimits& limits,
                                  const std::string& output_path) const override {
    return CheckAndWriteZip(*this, spec, limits, output_path);
  }
};

}  // namespace

const CloudTarget& AwsLambdaTarget() {
  static const AwsLambda kTarget;
  return kTarget;
}

}  // namespace fnseal
