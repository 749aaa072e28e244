// fnseal simulate: each deployable of a bundle started the way its cloud starts it, locally and
// isolated, with its cold starts and warm requests measured — for CI, to prove that a bundle's
// deployables start and answer before anything ships.
//
// - aws_lambda: the zip unpacked at /var/task of an empty root filesystem that holds only what
//   provided.al2023 provides (glibc, stood in for by the host's), `bootstrap` started in new user
//   and mount namespaces under a Lambda-like environment, served events by a built-in Runtime
//   API emulator (lambda_runtime_api.h).
// - azure_functions: host.json and function.json checked as the Functions host checks them
//   (azure_app.h), the handler started in the same kind of root at /home/site/wwwroot with
//   FUNCTIONS_CUSTOMHANDLER_PORT, and each function sent the request the host would send.
// - oci_image: loaded into podman (runc), run detached with its port published on 127.0.0.1,
//   asked over HTTP, then removed with the image it loaded.
//
// Every wait is bounded by SimulateOptions::timeout; every process, container, image and
// temporary directory is removed on every path, including errors and interruption. A
// deployable that does not start or answer is not an error of Simulate: it is reported in its
// DeployableReport (ok false, with the phase and the reason) — and so is a host that cannot
// run it (no podman, no user namespaces). Simulate's own errors are for the bundle (unreadable,
// no deployables to simulate), bad options and interruption. Thread-compatible: one Simulate
// call at a time per options object.
#ifndef FNSEAL_SIMULATE_SIMULATE_H_
#define FNSEAL_SIMULATE_SIMULATE_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/status.h"
#include "simulate/percentiles.h"

namespace fnseal::simulate {

// The targets Simulate knows. Deployables run in the manifest's order (sorted by path).
const std::vector<std::string>& SimulatedTargets();

struct SimulateOptions {
  std::vector<std::string> targets;                  // empty: every deployable; else only these targets
  int cold_starts = 3;                               // fresh starts per deployable, at least 1
  int warm_requests = 10;                            // requests to the last instance after its first answer
  std::chrono::milliseconds timeout{10000};          // bound of each phase of each start
  std::string event = "{}";                          // the Lambda event / the HTTP request body
  std::string scratch_dir;                           // where the private temporary directory goes; "" = $TMPDIR or /tmp
  std::function<void(const std::string&)> progress;  // one line per step; may be empty
  const std::atomic<bool>* interrupted = nullptr;    // set (e.g. by SIGINT) to stop and clean up
};

// One cold start: from the exec (or `podman run`) to ready (Lambda: the first invocation/next
// call; Azure and OCI: the port accepts) and to the first answer.
struct ColdStart {
  double ready_ms = 0;
  double first_answer_ms = 0;
};

struct DeployableReport {
  std::string target;  // "aws_lambda", "azure_functions", "oci_image"
  std::string path;    // in the bundle, e.g. "deployables/aws_lambda/hello.zip"
  bool ok = false;
  std::string phase;  // when !ok: "exec", "load", "init", "first request" or "warm request"
  std::string error;  // when !ok: why, with the handler's exit status and last output
  int status = 0;     // the first answer's HTTP status (Lambda: 200, or 500 for an /error post)
  std::string body;   // the first answer's body, at most 1 KiB
  std::vector<ColdStart> cold_starts;
  std::vector<double> warm_ms;
  Percentiles ready;
  Percentiles first_answer;
  Percentiles warm;
};

struct SimulationReport {
  std::string bundle;
  std::string function;
  std::vector<DeployableReport> deployables;
  // True if every deployable started and answered.
  bool ok() const;
};

// Simulates the bundle at `bundle_path`. InvalidArgument for an unknown or absent --target,
// errors of ReadBundle/ExtractArchive for a bad bundle, NotFound if it has no deployables to
// simulate, FailedPrecondition "interrupted" when options.interrupted was set.
Result<SimulationReport> Simulate(const std::string& bundle_path, const SimulateOptions& options);

// The report for machines: {"bundle","function","ok","deployables":[{"target","path","ok",
// "phase","error","status","body","coldStarts":[{"readyMs","firstAnswerMs"}],"warmMs":[...],
// "readyMs":{"count","p50","p95","p99"},"firstAnswerMs":{...},"warmLatencyMs":{...}}]}.
Json ToJson(const SimulationReport& report);

// The report for people: one table row per deployable with the percentiles, then any failures.
std::string FormatTable(const SimulationReport& report);

}  // namespace fnseal::simulate

#endif  // FNSEAL_SIMULATE_SIMULATE_H_
