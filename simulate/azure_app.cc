#include "simulate/azure_app.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <set>

#include "core/file.h"
#include "core/json.h"
#include "formats/entry/archive_path.h"

namespace fnseal::simulate {
namespace {

constexpr uint64_t kMaxConfigSize = 1 << 20;

Status Bad(const std::string& file, const std::string& message) { return InvalidArgumentError(file + ": " + message); }

// An optional member of the object `parent`: nullptr when absent.
const Json* Member(const Json& parent, const char* key) {
  auto found = parent.find(key);
  return found == parent.end() ? nullptr : &*found;
}

Status CheckRelativePath(const std::string& file, const std::string& field, const std::string& path) {
  Status valid = ValidateArchivePath(path);
  if (!valid.ok()) {
    return Bad(file, field + " '" + path + "' must be a relative path inside the app without '..'");
  }
  return OkStatus();
}

bool ValidFunctionName(const std::string& name) {
  if (name.empty() || name.size() > 128 || !std::isalpha(static_cast<unsigned char>(name[0]))) return false;
  if (name == "host" || name == "HOST" || name == "Host") return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

}  // namespace

Result<AzureApp> ParseHostJson(std::string_view text) {
  const std::string file = "host.json";
  ASSIGN_OR_RETURN(Json host, ParseJsonStrict(text, file, {16, kMaxConfigSize}));
  if (!host.is_object()) return Bad(file, "not a JSON object");
  const Json* version = Member(host, "version");
  if (version == nullptr) return Bad(file, "missing \"version\" (the Functions host needs \"2.0\")");
  if (!version->is_string() || *version != "2.0") return Bad(file, "\"version\" must be the string \"2.0\"");
  if (const Json* bundle = Member(host, "extensionBundle")) {
    if (!bundle->is_object()) return Bad(file, "\"extensionBundle\" must be an object");
    for (const char* key : {"id", "version"}) {
      const Json* value = Member(*bundle, key);
      if (value == nullptr || !value->is_string()) {
        return Bad(file, std::string("extensionBundle.") + key + " must be a string");
      }
    }
  }
  const Json* handler = Member(host, "customHandler");
  if (handler == nullptr) return Bad(file, "missing \"customHandler\": not a custom handler app");
  if (!handler->is_object()) return Bad(file, "\"customHandler\" must be an object");
  const Json* description = Member(*handler, "description");
  if (description == nullptr || !description->is_object()) {
    return Bad(file, "customHandler.description must be an object");
  }
  const Json* path = Member(*description, "defaultExecutablePath");
  if (path == nullptr) return Bad(file, "missing customHandler.description.defaultExecutablePath");
  if (!path->is_string()) return Bad(file, "customHandler.description.defaultExecutablePath must be a string");
  AzureApp app;
  app.executable = path->get<std::string>();
  RETURN_IF_ERROR(CheckRelativePath(file, "customHandler.description.defaultExecutablePath", app.executable));
  if (const Json* arguments = Member(*description, "arguments")) {
    if (!arguments->is_array()) return Bad(file, "customHandler.description.arguments must be an array");
    for (const Json& argument : *arguments) {
      if (!argument.is_string()) return Bad(file, "customHandler.description.arguments must hold strings");
      app.arguments.push_back(argument.get<std::string>());
    }
  }
  if (const Json* working = Member(*description, "workingDirectory")) {
    if (!working->is_string()) return Bad(file, "customHandler.description.workingDirectory must be a string");
    app.working_directory = working->get<std::string>();
    if (!app.working_directory.empty()) {
      RETURN_IF_ERROR(CheckRelativePath(file, "customHandler.description.workingDirectory", app.working_directory));
    }
  }
  for (const char* key : {"enableForwardingHttpRequest", "enableProxyingHttpRequest"}) {
    if (const Json* flag = Member(*handler, key)) {
      if (!flag->is_boolean()) return Bad(file, std::string("customHandler.") + key + " must be true or false");
      app.forward_http_request = app.forward_http_request || flag->get<bool>();
    }
  }
  return app;
}

Result<AzureFunction> ParseFunctionJson(const std::string& name, std::string_view text) {
  const std::string file = name + "/function.json";
  if (!ValidFunctionName(name)) {
    return InvalidArgumentError("function name '" + name +
                                "' is not a letter followed by letters, digits, '-' or '_' (at most 128)");
  }
  ASSIGN_OR_RETURN(Json config, ParseJsonStrict(text, file, {16, kMaxConfigSize}));
  if (!config.is_object()) return Bad(file, "not a JSON object");
  const Json* bindings = Member(config, "bindings");
  if (bindings == nullptr || !bindings->is_array() || bindings->empty()) {
    return Bad(file, "\"bindings\" must be a non-empty array");
  }
  AzureFunction function;
  function.name = name;
  int triggers = 0;
  int outputs = 0;
  for (const Json& binding : *bindings) {
    if (!binding.is_object()) return Bad(file, "every binding must be an object");
    for (const char* key : {"type", "direction", "name"}) {
      const Json* value = Member(binding, key);
      if (value == nullptr || !value->is_string())
        return Bad(file, std::string("a binding's \"") + key + "\" must be a string");
    }
    std::string type = binding["type"];
    std::string direction = binding["direction"];
    std::string binding_name = binding["name"];
    if (type == "httpTrigger") {
      if (direction != "in") return Bad(file, "the httpTrigger binding's direction must be \"in\"");
      ++triggers;
      function.trigger_name = binding_name;
      if (const Json* methods = Member(binding, "methods")) {
        if (!methods->is_array()) return Bad(file, "\"methods\" must be an array");
        static const std::set<std::string> kMethods = {"get",   "post", "put",     "delete",
                                                       "patch", "head", "options", "trace"};
        for (const Json& method : *methods) {
          if (!method.is_string()) return Bad(file, "\"methods\" must hold strings");
          std::string lower = method.get<std::string>();
          std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
          if (kMethods.count(lower) == 0) return Bad(file, "unknown http method '" + method.get<std::string>() + "'");
          function.methods.push_back(lower);
        }
      }
      if (const Json* route = Member(binding, "route")) {
        if (!route->is_string()) return Bad(file, "\"route\" must be a string");
        function.route = route->get<std::string>();
        if (!function.route.empty()) RETURN_IF_ERROR(CheckRelativePath(file, "route", function.route));
      }
    } else if (type == "http") {
      if (direction != "out") return Bad(file, "the http binding's direction must be \"out\"");
      ++outputs;
      function.output_name = binding_name;
    }
  }
  if (triggers != 1) return Bad(file, "needs exactly one httpTrigger binding with direction \"in\"");
  if (outputs != 1) return Bad(file, "needs exactly one http binding with direction \"out\"");
  return function;
}

Result<AzureApp> LoadAzureApp(const std::string& app_dir) {
  ASSIGN_OR_RETURN(std::string host_text, ReadFile(app_dir + "/host.json", kMaxConfigSize).Annotate("host.json"));
  ASSIGN_OR_RETURN(AzureApp app, ParseHostJson(host_text));
  struct stat st;
  std::string executable = app_dir + "/" + app.executable;
  if (::lstat(executable.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return InvalidArgumentError("host.json: defaultExecutablePath '" + app.executable + "' is not a file of the app");
  }
  if ((st.st_mode & 0111) == 0) {
    return InvalidArgumentError("host.json: defaultExecutablePath '" + app.executable + "' is not executable");
  }
  if (!app.working_directory.empty()) {
    std::string dir = app_dir + "/" + app.working_directory;
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
      return InvalidArgumentError("host.json: workingDirectory '" + app.working_directory +
                                  "' is not a directory of the app");
    }
  }
  DIR* dir = ::opendir(app_dir.c_str());
  if (dir == nullptr) return InvalidArgumentError("cannot list the app directory");
  std::vector<std::string> names;
  while (dirent* entry = ::readdir(dir)) {
    std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    std::string path = app_dir + "/" + name + "/function.json";
    if (::lstat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode)) names.push_back(name);
  }
  ::closedir(dir);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    ASSIGN_OR_RETURN(
        std::string text,
        ReadFile(app_dir + "/" + name + "/function.json", kMaxConfigSize).Annotate(name + "/function.json"));
    ASSIGN_OR_RETURN(AzureFunction function, ParseFunctionJson(name, text));
    app.functions.push_back(std::move(function));
  }
  if (app.functions.empty()) return InvalidArgumentError("the app has no <function>/function.json");
  return app;
}

namespace {

std::string UtcNow() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace

HttpRequest AzureHostRequest(const AzureApp& app, const AzureFunction& function, const std::string& event) {
  std::string route = function.route.empty() ? function.name : function.route;
  bool post = function.methods.empty() ||
              std::find(function.methods.begin(), function.methods.end(), "post") != function.methods.end();
  std::string method = post ? "POST" : function.methods.front();
  std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::toupper(c); });
  HttpRequest request;
  if (app.forward_http_request) {
    request.method = method;
    request.target = "/api/" + route;
    if (post) {
      request.headers = {{"Content-Type", "application/json"}};
      request.body = event;
    }
    return request;
  }
  Json headers = {{"Content-Type", {"application/json"}}, {"User-Agent", {"fnseal-simulate"}}};
  Json req = {{"Url", "http://localhost:7071/api/" + route},
              {"Method", method},
              {"Query", Json::object()},
              {"Headers", headers},
              {"Params", Json::object()},
              {"Body", post ? event : ""}};
  Json payload = {{"Data", {{function.trigger_name, req}}},
                  {"Metadata",
                   {{"Query", Json::object()},
                    {"Headers", {{"Content-Type", "application/json"}, {"User-Agent", "fnseal-simulate"}}},
                    {"sys",
                     {{"MethodName", function.name},
                      {"UtcNow", UtcNow()},
                      {"RandGuid", "00000000-0000-4000-8000-000000000000"}}}}}};
  request.method = "POST";
  request.target = "/" + function.name;
  request.headers = {{"Content-Type", "application/json"}};
  request.body = CanonicalJsonDump(payload);
  return request;
}

Result<AzureHttpAnswer> ReadAzureHandlerAnswer(const AzureApp& app, const AzureFunction& function,
                                               const HttpResponse& response) {
  if (app.forward_http_request) return AzureHttpAnswer{response.status, response.body};
  if (response.status < 200 || response.status > 299) {
    return FailedPreconditionError("the handler answered the invocation with HTTP " + std::to_string(response.status) +
                                   ": " + response.body.substr(0, 1024));
  }
  Result<Json> parsed = ParseJsonStrict(response.body, "invocation response");
  if (!parsed.ok()) {
    return FailedPreconditionError("the handler's answer is not the host's JSON response payload: " +
                                   parsed.status().message());
  }
  const Json& json = *parsed;
  const Json* output = nullptr;
  if (json.is_object() && function.output_name == "$return") {
    auto found = json.find("ReturnValue");
    if (found != json.end()) output = &*found;
  } else if (json.is_object()) {
    auto outputs = json.find("Outputs");
    if (outputs != json.end() && outputs->is_object()) {
      auto found = outputs->find(function.output_name);
      if (found != outputs->end()) output = &*found;
    }
  }
  if (output == nullptr || !output->is_object()) {
    return FailedPreconditionError("the handler's answer has no object Outputs." + function.output_name +
                                   " (expected {\"Outputs\":{\"" + function.output_name +
                                   "\":{\"statusCode\":200,\"body\":...}}})");
  }
  int status = 200;
  auto code = output->find("statusCode");
  if (code != output->end()) {
    if (code->is_number_integer()) {
      status = code->get<int>();
    } else if (code->is_string() && !code->get<std::string>().empty() &&
               code->get<std::string>().find_first_not_of("0123456789") == std::string::npos &&
               code->get<std::string>().size() <= 3) {
      status = std::stoi(code->get<std::string>());
    } else {
      return FailedPreconditionError("Outputs." + function.output_name + ".statusCode is not an HTTP status");
    }
  }
  std::string body;
  auto found = output->find("body");
  if (found != output->end()) body = found->is_string() ? found->get<std::string>() : CanonicalJsonDump(*found);
  return AzureHttpAnswer{status, body};
}

}  // namespace fnseal::simulate
