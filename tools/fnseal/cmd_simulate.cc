// fnseal simulate: starts each deployable of a bundle the way its cloud starts it, locally and
// isolated, and measures its cold starts and warm requests (the //simulate library).
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "core/file.h"
#include "simulate/simulate.h"
#include "tools/fnseal/command.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string bundle;
  std::vector<std::string> targets;
  int cold_starts = 3;
  int warm = 10;
  double timeout_seconds = 10;
  std::string event_file;
  bool json = false;
  bool quiet = false;
};

std::atomic<bool> g_interrupted{false};

extern "C" void OnInterrupt(int) { g_interrupted.store(true); }

// Routes SIGINT and SIGTERM to g_interrupted for as long as it lives, so that the library stops
// its waits and removes what it started; restores the previous handlers after.
class InterruptScope {
 public:
  InterruptScope() {
    struct sigaction action {};
    action.sa_handler = OnInterrupt;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~InterruptScope() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

Outcome RunSimulate(const Options& o) {
  if (o.cold_starts < 1) return Outcome::Usage("--cold-starts must be at least 1");
  if (o.warm < 0) return Outcome::Usage("--warm must not be negative");
  if (!(o.timeout_seconds > 0) || o.timeout_seconds > 3600)
    return Outcome::Usage("--timeout must be in (0, 3600] seconds");
  simulate::SimulateOptions options;
  for (const std::string& target : o.targets) {
    const auto& known = simulate::SimulatedTargets();
    if (std::find(known.begin(), known.end(), target) == known.end()) {
      return Outcome::Usage("--target: unknown target '" + target + "' (aws_lambda, azure_functions, oci_image)");
    }
    options.targets.push_back(target);
  }
  options.cold_starts = o.cold_starts;
  options.warm_requests = o.warm;
  options.timeout = std::chrono::milliseconds(static_cast<int64_t>(o.timeout_seconds * 1000));
  if (!o.event_file.empty()) {
    ASSIGN_OR_RETURN(options.event, ReadFile(o.event_file, 6 << 20).Annotate("--event " + o.event_file));
  }
  if (!o.quiet) {
    options.progress = [](const std::string& line) { std::fprintf(stderr, "simulate: %s\n", line.c_str()); };
  }
  g_interrupted.store(false);
  options.interrupted = &g_interrupted;
  InterruptScope scope;
  Result<simulate::SimulationReport> report = simulate::Simulate(o.bundle, options);
  if (!report.ok()) return report.status();
  if (o.json) {
    std::fputs(PrettyJsonDump(simulate::ToJson(*report)).c_str(), stdout);
  } else {
    std::fputs(simulate::FormatTable(*report).c_str(), stdout);
  }
  std::fflush(stdout);
  for (const simulate::DeployableReport& d : report->deployables) {
    if (!d.ok) {
      return Outcome::VerificationFailed(
          FailedPreconditionError(d.target + " did not start or answer (phase " + d.phase + "): " + d.error));
    }
  }
  return OkStatus();
}

}  // namespace

Action SetupSimulate(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Start each deployable of BUNDLE the way its cloud starts it, locally and isolated, send it\n"
      "a request and measure: aws_lambda in an empty root filesystem (glibc only) against a\n"
      "built-in Lambda Runtime API emulator; azure_functions through the Functions host's\n"
      "custom-handler protocol in the same kind of root; oci_image with podman (runc). Each\n"
      "deployable gets --cold-starts fresh starts (exec to ready, exec to first answer), then\n"
      "--warm requests on the last instance; p50/p95/p99 are reported. Every wait is bounded by\n"
      "--timeout; everything started is removed, also on failure and Ctrl-C. Exits 3 when a\n"
      "deployable does not start or answer, naming the cloud, the phase and the error.\n"
      "No signature is checked: run 'fnseal verify' first.");
  app->add_option("bundle", o->bundle, "Bundle (.fnb) to simulate")->required();
  app->add_option("--target", o->targets, "Only these targets (repeatable; each a comma list: aws_lambda,azure_functions,oci_image)")
      ->delimiter(',');
  app->add_option("--cold-starts", o->cold_starts, "Fresh starts per deployable")->capture_default_str();
  app->add_option("--warm", o->warm, "Warm requests to the last instance")->capture_default_str();
  app->add_option("--timeout", o->timeout_seconds, "Bound of each phase of each start, in seconds")
      ->capture_default_str();
  app->add_option("--event", o->event_file,
                  "File whose bytes are the Lambda event and the HTTP request body "
                  "(default: {})");
  app->add_flag("--json", o->json, "Print a JSON report");
  app->add_flag("-q,--quiet", o->quiet, "No progress lines on stderr");
  return [o] { return RunSimulate(*o); };
}

}  // namespace fnseal::cli
