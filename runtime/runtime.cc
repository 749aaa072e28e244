// RunFunction: picks the protocol from the environment (runtime.h) and runs the function.
#include "runtime/runtime.h"

#include <sys/auxv.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <sstream>

#include "runtime/protocols.h"

namespace fnseal::runtime {
namespace {

// $name as a TCP port, or `fallback` when unset; an error when set to anything but 1..65535.
Result<uint16_t> PortFromEnv(const char* name, uint16_t fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  long port = std::strtol(text, &end, 10);
  if (*end != '\0' || port <= 0 || port > 65535) {
    return InvalidArgumentError(std::string(name) + "='" + text + "' is not a port number");
  }
  return static_cast<uint16_t>(port);
}

Result<Handler> RunInit(const InitFn& init) {
  try {
    return init();
  } catch (const std::exception& e) {
    return InternalError(std::string("init threw: ") + e.what());
  } catch (...) {
    return InternalError("init threw a non-std::exception");
  }
}

int Fail(const Status& status) {
  std::fprintf(stderr, "fnseal-runtime: %s\n", status.message().c_str());
  return 1;
}

}  // namespace

std::string_view Request::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (n.size() != name.size()) continue;
    bool same = true;
    for (size_t i = 0; i < n.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(n[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return v;
  }
  return {};
}

std::string ExecutableDirectory() {
  char path[4096];
  ssize_t n = ::readlink("/proc/self/exe", path, sizeof(path) - 1);
  std::string exe;
  if (n > 0) {
    exe.assign(path, static_cast<size_t>(n));
  } else if (const char* execfn = reinterpret_cast<const char*>(::getauxval(AT_EXECFN)); execfn != nullptr) {
    // No /proc (a minimal root): the path the executable was started by, from the kernel.
    exe = execfn;
    if (exe.empty() || exe[0] != '/') {
      if (::getcwd(path, sizeof(path)) == nullptr) return "";
      exe = std::string(path) + "/" + exe;
    }
  }
  const size_t slash = exe.rfind('/');
  return slash == std::string::npos ? "" : exe.substr(0, slash);
}

int RunFunction(const InitFn& init, const RuntimeLimits& limits) {
  if (const char* api = std::getenv("AWS_LAMBDA_RUNTIME_API"); api != nullptr && *api != '\0') {
    return RunLambda(api, init, limits);
  }
  if (const char* azure = std::getenv("FUNCTIONS_CUSTOMHANDLER_PORT"); azure != nullptr && *azure != '\0') {
    auto port = PortFromEnv("FUNCTIONS_CUSTOMHANDLER_PORT", 0);
    if (!port.ok()) return Fail(port.status());
    // The mode is the app's host.json (the host starts us in the app's root): with proxying
    // (forwarding) the host sends the original HTTP request, otherwise a JSON invocation payload.
    bool forwarding = false;
    std::ifstream in("host.json");
    if (in) {
      std::stringstream text;
      text << in.rdbuf();
      auto enabled = AzureForwardingEnabled(text.str());
      if (!enabled.ok()) return Fail(enabled.status().Annotate("host.json"));
      forwarding = *enabled;
    }
    auto handler = RunInit(init);
    if (!handler.ok()) return Fail(handler.status().Annotate("init failed"));
    Handler serve = forwarding ? std::move(*handler) : AzureInvocationHandler(std::move(*handler));
    return ServeHttpUntilSignal("127.0.0.1", *port, std::move(serve), limits);
  }
  auto port = PortFromEnv("PORT", 8080);
  if (!port.ok()) return Fail(port.status());
  auto handler = RunInit(init);
  if (!handler.ok()) return Fail(handler.status().Annotate("init failed"));
  return ServeHttpUntilSignal("0.0.0.0", *port, std::move(*handler), limits);
}

}  // namespace fnseal::runtime
