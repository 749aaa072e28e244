// azure_functions: a zip for an Azure Functions custom handler. host.json at the root tells the
// Functions host to start the handler (customHandler.description.defaultExecutablePath) and to
// proxy HTTP requests to it unchanged (enableProxyingHttpRequest); each function is a folder
// named after it holding a function.json with an httpTrigger input `req` and an http output
// `res`. JSON is written with sorted keys, so the bytes depend only on the spec. The handler
// must be statically linked or need only glibc's libraries at glibc 2.31 at most.
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/json.h"
#include "formats/entry/archive_path.h"
#include "plugins/clouds/target.h"

namespace fnseal {
namespace {

constexpr char kName[] = "azure_functions";
constexpr char kDefaultHandlerName[] = "handler";
constexpr char kHostJson[] = "host.json";
constexpr size_t kMaxFunctionNameLength = 128;
constexpr uint32_t kMaxTimeoutSeconds = 600;  // the Consumption plan's maximum, 10 minutes

const std::set<std::string>& AuthLevels() {
  static const std::set<std::string> kLevels = {"anonymous", "function", "admin"};
  return kLevels;
}

const std::set<std::string>& HttpMethods() {
  static const std::set<std::string> kMethods = {"get", "post", "put", "delete", "patch", "head", "options", "trace"};
  return kMethods;
}

std::string Lower(std::string s) {
  for (char& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}

// The Functions host's rule (its FunctionNameValidationRegex, case-insensitive):
// ^[a-z][a-z0-9_\-]{0,127}$ and not "host".
Status CheckFunctionName(const std::string& name) {
  if (name.empty() || name.size() > kMaxFunctionNameLength) {
    return InvalidArgumentError("azure_functions function name '" + name + "' must have 1 to 128 characters");
  }
  std::string lower = Lower(name);
  if (lower[0] < 'a' || lower[0] > 'z') {
    return InvalidArgumentError("azure_functions function name '" + name + "' must start with a letter");
  }
  for (char c : lower) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) {
      return InvalidArgumentError("azure_functions function name '" + name +
                                  "' may hold only letters, digits, '-' and '_'");
    }
  }
  if (lower == "host") return InvalidArgumentError("azure_functions function name 'host' is reserved");
  return OkStatus();
}

// Splits "get,post" into its methods; InvalidArgument for an unknown or repeated one.
Result<std::vector<std::string>> ParseMethods(const std::string& text) {
  std::vector<std::string> methods;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    std::string method = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (HttpMethods().count(method) == 0) {
      return InvalidArgumentError("azure_functions methods: '" + method +
                                  "' is not one of get, post, put, delete, patch, head, options, trace");
    }
    for (const std::string& seen : methods) {
      if (seen == method) return InvalidArgumentError("azure_functions methods: '" + method + "' is given twice");
    }
    methods.push_back(method);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return methods;
}

std::string OptionOr(const DeployableSpec& spec, const std::string& key, const std::string& fallback) {
  auto it = spec.options.find(key);
  return it == spec.options.end() ? fallback : it->second;
}

// "hh:mm:ss", the TimeSpan form host.json's functionTimeout takes.
std::string TimeSpan(uint32_t seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%02u:%02u:%02u", seconds / 3600, seconds / 60 % 60, seconds % 60);
  return text;
}

// What a custom handler can count on in the Functions host's Linux image: glibc's libraries at
// Debian 11's glibc 2.31 (the oldest base of the Functions 4.x images) and no C++ runtime.
HandlerBase AzureBase() {
  return {kName,
          "the Azure Functions Linux host",
          {"libc.so.6", "libm.so.6", "libdl.so.2", "libpthread.so.0", "librt.so.1", "ld-linux-x86-64.so.2",
           "ld-linux-aarch64.so.1"},
          "GLIBC_2.31"};
}

class AzureFunctions : public CloudTarget {
 public:
  std::string_view name() const override { return kName; }
  std::string_view summary() const override {
    return "Azure Functions custom-handler zip: host.json, <function>/function.json (HTTP), the handler";
  }
  std::string_view output_kind() const override { return "zip"; }
  TargetLimits limits() const override {
    TargetLimits l;
    l.max_timeout_seconds = kMaxTimeoutSeconds;
    return l;
  }

  Status Check(const DeployableSpec& spec, std::map<std::string, std::string>* facts) const override {
    if (spec.functions.empty()) return InvalidArgumentError("azure_functions needs at least one function name");
    std::set<std::string> seen;
    for (const std::string& function : spec.functions) {
      RETURN_IF_ERROR(CheckFunctionName(function));
      // Function folders must differ on case-insensitive file systems too.
      if (!seen.insert(Lower(function)).second) {
        return InvalidArgumentError("azure_functions function name '" + function + "' is given twice");
      }
    }
    std::string handler_name = HandlerName(spec);
    RETURN_IF_ERROR(ValidateArchivePath(handler_name));
    for (const auto& [key, value] : spec.options) {
      if (key == "auth_level") {
        if (AuthLevels().count(value) == 0) {
          return InvalidArgumentError("azure_functions auth_level '" + value + "' is not anonymous, function or admin");
        }
      } else if (key == "methods") {
        RETURN_IF_ERROR(ParseMethods(value));
      } else if (key == "extension_bundle") {
        if (value.empty()) return InvalidArgumentError("azure_functions extension_bundle needs a version range");
      } else if (key != kClosureOption) {
        return InvalidArgumentError("azure_functions has no option '" + key +
                                    "' (auth_level, methods, extension_bundle, closure)");
      }
    }
    if (spec.memory_mb) {
      return InvalidArgumentError("azure_functions has no memory setting; the hosting plan decides");
    }
    if (spec.timeout_seconds && (*spec.timeout_seconds < 1 || *spec.timeout_seconds > kMaxTimeoutSeconds)) {
      return InvalidArgumentError("azure_functions timeout must be 1 to 600 seconds; got " +
                                  std::to_string(*spec.timeout_seconds));
    }
    std::set<std::string> reserved = {kHostJson, handler_name};
    for (const std::string& function : spec.functions) reserved.insert(function + "/function.json");
    for (const ArchiveInput& file : spec.files) {
      if (reserved.count(file.path) != 0) {
        return InvalidArgumentError("'" + file.path + "' is written by azure_functions; another file cannot go there");
      }
    }
    RETURN_IF_ERROR(CheckRegularFile(spec.handler, "handler"));
    ASSIGN_OR_RETURN(std::vector<ArchiveInput> closure, ClosureLayout(spec, handler_name, AzureBase()));
    RETURN_IF_ERROR(CheckHandlerLinkage(spec.handler, AzureBase(), facts, closure));
    if (facts != nullptr) (*facts)["functions"] = std::to_string(spec.functions.size());
    return OkStatus();
  }

  Result<std::vector<ArchiveInput>> Layout(const DeployableSpec& spec) const override {
    std::string handler_name = HandlerName(spec);
    Json description = {
        {"defaultExecutablePath", handler_name},
        {"workingDirectory", ""},
        {"arguments", Json::array()},
    };
    Json host = {
        {"version", "2.0"},
        {"customHandler", {{"description", description}, {"enableProxyingHttpRequest", true}}},
    };
    std::string bundle = OptionOr(spec, "extension_bundle", "");
    if (!bundle.empty())
      host["extensionBundle"] = {{"id", "Microsoft.Azure.Functions.ExtensionBundle"}, {"version", bundle}};
    if (spec.timeout_seconds) host["functionTimeout"] = TimeSpan(*spec.timeout_seconds);

    ASSIGN_OR_RETURN(std::vector<std::string> methods, ParseMethods(OptionOr(spec, "methods", "get,post")));
    Json function = {
        {"bindings", Json::array({
                         Json{{"type", "httpTrigger"},
                              {"authLevel", OptionOr(spec, "auth_level", "function")},
                              {"direction", "in"},
                              {"name", "req"},
                              {"methods", methods}},
                         Json{{"type", "http"}, {"direction", "out"}, {"name", "res"}},
                     })},
    };

    std::vector<ArchiveInput> layout;
    layout.push_back({kHostJson, "", PrettyJsonDump(host), false, std::nullopt});
    layout.push_back({handler_name, spec.handler, "", true, std::nullopt});
    for (const std::string& name : spec.functions) {
      layout.push_back({name + "/function.json", "", PrettyJsonDump(function), false, std::nullopt});
    }
    for (const ArchiveInput& file : spec.files) {
      RETURN_IF_ERROR(ValidateArchivePath(file.path));
      layout.push_back(file);
    }
    ASSIGN_OR_RETURN(std::vector<ArchiveInput> closure, ClosureLayout(spec, handler_name, AzureBase()));
    layout.insert(layout.end(), closure.begin(), closure.end());
    return layout;
  }

  Result<WrittenDeployable> Write(const DeployableSpec& spec, const TargetLimits& limits,
                                  const std::string& output_path) const override {
    return CheckAndWriteZip(*this, spec, limits, output_path);
  }

 private:
  static std::string HandlerName(const DeployableSpec& spec) {
    return spec.handler_name.empty() ? kDefaultHandlerName : spec.handler_name;
  }
};

}  // namespace

const CloudTarget& AzureFunctionsTarget() {
  static const AzureFunctions kTarget;
  return kTarget;
}

}  // namespace fnseal
