// What the Azure Functions host reads from a custom-handler app before it starts the handler:
// host.json and each <function>/function.json, checked the way the host checks them, from
// untrusted bytes. Pure functions (LoadAzureApp reads files); thread-safe.
//
// host.json: "version" "2.0"; customHandler.description.defaultExecutablePath, a relative path
// without '..' naming an executable regular file of the app (the app's root is all a function
// has: an absolute path or a command from PATH cannot work); optional "arguments" (strings) and
// "workingDirectory" (a relative directory of the app); optional booleans
// customHandler.enableForwardingHttpRequest (and enableProxyingHttpRequest, which forwards the
// request the same way); an optional "extensionBundle" object with string "id" and "version".
// function.json: "bindings", with exactly one {"type":"httpTrigger","direction":"in"} and one
// {"type":"http","direction":"out"} binding, each with a string "name"; optional "methods"
// (HTTP method names) and "route". Every violation is InvalidArgument naming the file and field.
#ifndef FNSEAL_SIMULATE_AZURE_APP_H_
#define FNSEAL_SIMULATE_AZURE_APP_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "simulate/http_client.h"

namespace fnseal::simulate {

struct AzureFunction {
  std::string name;                  // its folder's name
  std::string trigger_name;          // the httpTrigger binding's name ("req"): the key in Data
  std::string output_name;           // the http output's name ("res", or "$return")
  std::vector<std::string> methods;  // lowercase; empty: any
  std::string route;                 // "" = the function's name
};

struct AzureApp {
  std::string executable;  // relative to the app's root
  std::vector<std::string> arguments;
  std::string working_directory;  // relative to the app's root; "" = the root
  bool forward_http_request = false;
  std::vector<AzureFunction> functions;  // sorted by name
};

// Parses host.json. Does not look at files.
Result<AzureApp> ParseHostJson(std::string_view text);

// Parses the function.json of the function `name` (whose name must follow the host's rule:
// a letter, then letters, digits, '-' or '_', at most 128 characters).
Result<AzureFunction> ParseFunctionJson(const std::string& name, std::string_view text);

// Reads the app unpacked at `app_dir`: host.json, the executable (a regular file with an execute
// bit, no symlink), the working directory, and every <name>/function.json. InvalidArgument if
// anything is wrong or there is no function.
Result<AzureApp> LoadAzureApp(const std::string& app_dir);

// The request the Functions host sends the handler for an HTTP call to `function` with `body`:
// with forward_http_request the call itself (POST /api/<route or name>, GET when the function
// does not allow POST); otherwise POST /<name> with the invocation payload
// {"Data":{"<trigger>":{"Url","Method","Query","Headers":{name:[values]},"Params","Body"}},
//  "Metadata":{"Query","Headers","sys":{"MethodName","UtcNow","RandGuid"}}}.
HttpRequest AzureHostRequest(const AzureApp& app, const AzureFunction& function, const std::string& body);

// The HTTP answer the host makes of the handler's response.
struct AzureHttpAnswer {
  int status = 0;
  std::string body;
};

// With forwarding, the handler's response itself. Otherwise its JSON response payload
// {"Outputs":{"<out name>":{"statusCode","body",...}},"Logs","ReturnValue"} (ReturnValue for an
// output named "$return"); statusCode a number or a numeric string, 200 when absent; a body that
// is not a string is serialized. FailedPrecondition for a non-2xx response or a payload without
// that output.
Result<AzureHttpAnswer> ReadAzureHandlerAnswer(const AzureApp& app, const AzureFunction& function,
                                               const HttpResponse& response);

}  // namespace fnseal::simulate

#endif  // FNSEAL_SIMULATE_AZURE_APP_H_
