#include "simulate/simulate.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "bundle/bundle.h"
#include "core/file.h"
#include "core/io.h"
#include "core/json.h"
#include "formats/archive/archive.h"
#include "simulate/azure_app.h"
#include "simulate/http_client.h"
#include "simulate/lambda_runtime_api.h"
#include "simulate/sandbox.h"

namespace fnseal::simulate {
namespace {

constexpr size_t kMaxReportedBody = 1024;
constexpr uid_t kLambdaUid = 993;  // Lambda runs functions as sbx_user1051, uid 993
constexpr std::chrono::milliseconds kCleanupTimeout{30000};

// A private directory removed with everything below it.
class TempDir {
 public:
  static Result<std::unique_ptr<TempDir>> Create(const std::string& parent) {
    std::string base = parent;
    if (base.empty()) {
      const char* tmpdir = std::getenv("TMPDIR");
      base = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
    }
    std::string pattern = base + "/fnseal-simulate-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) return ErrnoError("mkdtemp", pattern, errno);
    return std::unique_ptr<TempDir>(new TempDir(pattern));
  }
  ~TempDir() { RemoveTree(path_); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

Status MakeDir(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0 && errno != EEXIST) return ErrnoError("mkdir", path, errno);
  return OkStatus();
}

Status Interrupted() { return FailedPreconditionError("interrupted"); }

std::string Truncated(const std::string& body) {
  return body.size() <= kMaxReportedBody ? body : body.substr(0, kMaxReportedBody);
}

bool Is2xx(int status) { return status >= 200 && status < 300; }

struct DeployableEntry {
  std::string target;
  std::string path;
};

struct Manifest {
  std::string function;
  std::string entrypoint;
  std::vector<DeployableEntry> deployables;
};

Result<Manifest> ReadManifest(const std::string& bundle_path) {
  ASSIGN_OR_RETURN(BundleContents contents, ReadBundle(bundle_path, /*keep_contents=*/false));
  const BundleFile* manifest_file = nullptr;
  for (const BundleFile& file : contents.files) {
    if (file.path == kBundleManifestPath) manifest_file = &file;
  }
  if (manifest_file == nullptr) return DataLossError("the bundle has no manifest.json");
  ASSIGN_OR_RETURN(Json json, ParseJsonStrict(manifest_file->content, "manifest"));
  Manifest manifest;
  const Json* function = FindObject(json, "function");
  const std::string* name = function ? FindString(*function, "name") : nullptr;
  const std::string* entrypoint = function ? FindString(*function, "entrypoint") : nullptr;
  if (name == nullptr || entrypoint == nullptr) {
    return InvalidArgumentError("manifest.json: 'function' needs string members 'name' and 'entrypoint'");
  }
  manifest.function = *name;
  manifest.entrypoint = *entrypoint;
  if (const Json* deployables = FindMember(json, "deployables")) {
    if (!deployables->is_array()) return InvalidArgumentError("manifest.json: 'deployables' is not an array");
    for (const Json& entry : *deployables) {
      const std::string* target = FindString(entry, "target");
      const std::string* path = FindString(entry, "path");
      if (target == nullptr || path == nullptr) {
        return InvalidArgumentError("manifest.json: a deployable needs string members 'target' and 'path'");
      }
      manifest.deployables.push_back({*target, *path});
    }
  }
  return manifest;
}

// What each cloud's simulation shares.
class Run {
 public:
  Run(const SimulateOptions& options, const Manifest& manifest, std::string scratch)
      : options_(options), manifest_(manifest), scratch_(std::move(scratch)) {}

  bool interrupted() const { return options_.interrupted != nullptr && options_.interrupted->load(); }

  void Progress(const std::string& line) const {
    if (options_.progress) options_.progress(line);
  }

  Clock::time_point Deadline() const { return Clock::now() + options_.timeout; }

  // A check for waits: the user's interruption, then the process still running.
  WaitCheck CheckFor(SandboxedProcess* process) const {
    return [this, process]() -> Status {
      if (interrupted()) return Interrupted();
      return process != nullptr ? process->CheckRunning() : OkStatus();
    };
  }

  void SimulateLambda(const std::string& zip, DeployableReport* report);
  void SimulateAzure(const std::string& zip, DeployableReport* report);
  void SimulateOci(const std::string& tar, DeployableReport* report);

 private:
  // A fresh directory for one start: `<scratch>/<name>`, with an empty `root` inside.
  Result<std::string> FreshStartDir(const std::string& name) {
    std::string dir = scratch_ + "/" + name;
    RemoveTree(dir);
    RETURN_IF_ERROR(MakeDir(dir));
    RETURN_IF_ERROR(MakeDir(dir + "/root"));
    return dir;
  }

  std::optional<std::string> LambdaStart(const std::string& zip, int start, bool last, DeployableReport* report);
  std::optional<std::string> AzureStart(const std::string& zip, int start, bool last, DeployableReport* report);
  std::optional<std::string> OciStart(const std::vector<std::string>& podman, const std::string& image,
                                      uint16_t container_port, int start, bool last, DeployableReport* report);

  const SimulateOptions& options_;
  const Manifest& manifest_;
  std::string scratch_;
};

// Marks `report` failed in `phase`; returns the phase for the caller to stop on.
std::optional<std::string> Fail(DeployableReport* report, const std::string& phase, const Status& status) {
  report->ok = false;
  report->phase = phase;
  report->error = status.message();
  return phase;
}

void Summarize(DeployableReport* report) {
  std::vector<double> ready;
  std::vector<double> first;
  for (const ColdStart& start : report->cold_starts) {
    ready.push_back(start.ready_ms);
    first.push_back(start.first_answer_ms);
  }
  report->ready = simulate::Summarize(ready);
  report->first_answer = simulate::Summarize(first);
  report->warm = simulate::Summarize(report->warm_ms);
}

// ---- aws_lambda ----

std::optional<std::string> Run::LambdaStart(const std::string& zip, int start, bool last, DeployableReport* report) {
  Result<std::string> dir = FreshStartDir("lambda-" + std::to_string(start));
  if (!dir.ok()) return Fail(report, "exec", dir.status());
  std::string root = *dir + "/root";
  Status built = BuildRootFilesystem(root, LibraryLayout::kAmazonLinux);
  if (built.ok()) built = MakeDir(root + "/var");
  if (!built.ok()) return Fail(report, "exec", built);
  Status unpacked = ExtractArchive(zip, root + "/var/task");
  if (!unpacked.ok()) return Fail(report, "load", unpacked.Annotate("cannot unpack the zip"));
  struct stat st;
  if (::lstat((root + "/var/task/bootstrap").c_str(), &st) != 0 || !S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) {
    return Fail(report, "exec", FailedPreconditionError("the zip has no executable 'bootstrap' at its root"));
  }
  LambdaFunctionInfo info;
  info.name = manifest_.function;
  info.invocation_timeout = options_.timeout;
  Result<std::unique_ptr<LambdaRuntimeApi>> api = LambdaRuntimeApi::Start(info);
  if (!api.ok()) return Fail(report, "exec", api.status());
  std::string first_id = (*api)->Invoke(options_.event);
  const std::string& name = manifest_.function;
  SandboxSpec spec;
  spec.root = root;
  spec.working_dir = "/var/task";
  spec.argv = {"/var/task/bootstrap"};
  spec.uid = kLambdaUid;
  spec.log_path = *dir + "/output.log";
  spec.env = {"AWS_LAMBDA_RUNTIME_API=127.0.0.1:" + std::to_string((*api)->port()),
              "LAMBDA_TASK_ROOT=/var/task",
              "LAMBDA_RUNTIME_DIR=/var/runtime",
              "_HANDLER=" + manifest_.entrypoint,
              "AWS_LAMBDA_FUNCTION_NAME=" + name,
              "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
              "AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
              "AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + name,
              "AWS_LAMBDA_LOG_STREAM_NAME=simulate/" + std::to_string(start),
              "AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
              "AWS_REGION=us-east-1",
              "AWS_DEFAULT_REGION=us-east-1",
              "TZ=:UTC",
              "LANG=en_US.UTF-8",
              "PATH=/usr/local/bin:/usr/bin/:/bin:/opt/bin",
              "LD_LIBRARY_PATH=/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"};
  Clock::time_point exec = Clock::now();
  Result<std::unique_ptr<SandboxedProcess>> process = SandboxedProcess::Start(spec);
  if (!process.ok()) return Fail(report, "exec", process.status());
  WaitCheck check = CheckFor(process->get());
  Status next = (*api)->WaitForNext(Deadline(), check);
  if (!next.ok()) return Fail(report, "init", next);
  ColdStart cold;
  cold.ready_ms = std::chrono::duration<double, std::milli>(*(*api)->first_next() - exec).count();
  Result<LambdaInvocationResult> answer = (*api)->WaitForResult(first_id, Deadline(), check);
  if (!answer.ok()) return Fail(report, "first request", answer.status());
  cold.first_answer_ms = MillisecondsSince(exec);
  if (answer->is_error) {
    return Fail(report, "first request",
                FailedPreconditionError("the function posted an invocation error" +
                                        (answer->error_type.empty() ? "" : " (" + answer->error_type + ")") + ": " +
                                        Truncated(answer->body)));
  }
  report->cold_starts.push_back(cold);
  if (last) {
    report->status = 200;
    report->body = Truncated(answer->body);
    for (int i = 0; i < options_.warm_requests; ++i) {
      Clock::time_point sent = Clock::now();
      std::string id = (*api)->Invoke(options_.event);
      Result<LambdaInvocationResult> warm = (*api)->WaitForResult(id, Deadline(), check);
      if (!warm.ok()) return Fail(report, "warm request", warm.status());
      if (warm->is_error) {
        return Fail(report, "warm request",
                    FailedPreconditionError("the function posted an invocation error: " + Truncated(warm->body)));
      }
      report->warm_ms.push_back(MillisecondsSince(sent));
    }
  }
  process->reset();
  api->reset();
  RemoveTree(*dir);
  return std::nullopt;
}

void Run::SimulateLambda(const std::string& zip, DeployableReport* report) {
  for (int start = 0; start < options_.cold_starts && !interrupted(); ++start) {
    Progress(report->target + ": cold start " + std::to_string(start + 1) + "/" + std::to_string(options_.cold_starts));
    if (LambdaStart(zip, start, start + 1 == options_.cold_starts, report)) return;
  }
  report->ok = !interrupted();
}

// ---- azure_functions ----

std::optional<std::string> Run::AzureStart(const std::string& zip, int start, bool last, DeployableReport* report) {
  Result<std::string> dir = FreshStartDir("azure-" + std::to_string(start));
  if (!dir.ok()) return Fail(report, "exec", dir.status());
  std::string root = *dir + "/root";
  Status built = BuildRootFilesystem(root, LibraryLayout::kHost);
  for (const char* sub : {"/home", "/home/site"}) {
    if (built.ok()) built = MakeDir(root + sub);
  }
  if (!built.ok()) return Fail(report, "exec", built);
  std::string app_dir = root + "/home/site/wwwroot";
  Status unpacked = ExtractArchive(zip, app_dir);
  if (!unpacked.ok()) return Fail(report, "load", unpacked.Annotate("cannot unpack the zip"));
  Result<AzureApp> app = LoadAzureApp(app_dir);
  if (!app.ok()) return Fail(report, "load", app.status());
  Result<uint16_t> port = FindFreePort();
  if (!port.ok()) return Fail(report, "exec", port.status());
  SandboxSpec spec;
  spec.root = root;
  spec.working_dir = "/home/site/wwwroot" + (app->working_directory.empty() ? "" : "/" + app->working_directory);
  spec.argv = {"/home/site/wwwroot/" + app->executable};
  spec.argv.insert(spec.argv.end(), app->arguments.begin(), app->arguments.end());
  spec.uid = 0;
  spec.log_path = *dir + "/output.log";
  spec.env = {"FUNCTIONS_CUSTOMHANDLER_PORT=" + std::to_string(*port),
              "FUNCTIONS_WORKER_RUNTIME=custom",
              "FUNCTIONS_EXTENSION_VERSION=~4",
              "AzureWebJobsScriptRoot=/home/site/wwwroot",
              "WEBSITE_SITE_NAME=" + manifest_.function,
              "HOME=/home",
              "LANG=C.UTF-8",
              "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
  Clock::time_point exec = Clock::now();
  Result<std::unique_ptr<SandboxedProcess>> process = SandboxedProcess::Start(spec);
  if (!process.ok()) return Fail(report, "exec", process.status());
  WaitCheck check = CheckFor(process->get());
  Status ready = WaitForPort(*port, Deadline(), check, "the custom handler");
  if (!ready.ok()) return Fail(report, "init", ready);
  ColdStart cold;
  cold.ready_ms = MillisecondsSince(exec);
  // The host routes by function; every function must answer, the first answer is the cold one.
  for (size_t i = 0; i < app->functions.size(); ++i) {
    const AzureFunction& function = app->functions[i];
    Result<HttpResponse> response =
        SendHttpRequest(*port, AzureHostRequest(*app, function, options_.event), options_.timeout);
    if (!response.ok()) {
      Status running = process->get()->CheckRunning();
      return Fail(report, "first request",
                  running.ok() ? response.status().Annotate(function.name) : running.Annotate(function.name));
    }
    if (i == 0) cold.first_answer_ms = MillisecondsSince(exec);
    Result<AzureHttpAnswer> answer = ReadAzureHandlerAnswer(*app, function, *response);
    if (!answer.ok()) return Fail(report, "first request", answer.status().Annotate(function.name));
    if (!Is2xx(answer->status)) {
      return Fail(report, "first request",
                  FailedPreconditionError(function.name + ": answered HTTP " + std::to_string(answer->status) + ": " +
                                          Truncated(answer->body)));
    }
    if (last && i == 0) {
      report->status = answer->status;
      report->body = Truncated(answer->body);
    }
  }
  report->cold_starts.push_back(cold);
  if (last) {
    for (int i = 0; i < options_.warm_requests && !interrupted(); ++i) {
      const AzureFunction& function = app->functions[static_cast<size_t>(i) % app->functions.size()];
      Clock::time_point sent = Clock::now();
      Result<HttpResponse> response =
          SendHttpRequest(*port, AzureHostRequest(*app, function, options_.event), options_.timeout);
      if (!response.ok()) return Fail(report, "warm request", response.status().Annotate(function.name));
      Result<AzureHttpAnswer> answer = ReadAzureHandlerAnswer(*app, function, *response);
      if (!answer.ok()) return Fail(report, "warm request", answer.status().Annotate(function.name));
      if (!Is2xx(answer->status)) {
        return Fail(report, "warm request",
                    FailedPreconditionError(function.name + ": answered HTTP " + std::to_string(answer->status)));
      }
      report->warm_ms.push_back(MillisecondsSince(sent));
    }
  }
  process->reset();
  RemoveTree(*dir);
  return std::nullopt;
}

void Run::SimulateAzure(const std::string& zip, DeployableReport* report) {
  for (int start = 0; start < options_.cold_starts && !interrupted(); ++start) {
    Progress(report->target + ": cold start " + std::to_string(start + 1) + "/" + std::to_string(options_.cold_starts));
    if (AzureStart(zip, start, start + 1 == options_.cold_starts, report)) return;
  }
  report->ok = !interrupted();
}

// ---- oci_image ----

struct OciImage {
  std::string id;  // the config's sha256, which podman uses as the image id
  uint16_t port = 8080;
};

// Reads the image id and the port from an OCI image-layout tar (index -> manifest -> config).
Result<OciImage> ReadOciImage(const std::string& tar) {
  // The index, manifest and config are small JSON files; layers are skipped unread. What is kept
  // is bounded, whatever the tar holds.
  constexpr uint64_t kMaxJsonFile = 1 << 20;
  constexpr uint64_t kMaxKept = 4 << 20;
  std::map<std::string, std::string> small_files;
  uint64_t kept = 0;
  Status read = ForEachArchiveEntry(tar, [&](const ArchiveEntry& entry, const ContentReader& content) -> Status {
    if (entry.is_directory || entry.size > kMaxJsonFile) return OkStatus();
    if (entry.path != "index.json" && entry.path.rfind("blobs/sha256/", 0) != 0) return OkStatus();
    kept += entry.size;
    if (kept > kMaxKept) {
      return ResourceExhaustedError("the image's small files are over " + std::to_string(kMaxKept) + " bytes together");
    }
    StringSink sink;
    RETURN_IF_ERROR(content(&sink));
    small_files[entry.path] = sink.Release();
    return OkStatus();
  });
  RETURN_IF_ERROR(read);
  auto blob = [&](const Json& descriptor) -> Result<Json> {
    if (!descriptor.is_object() || !descriptor.contains("digest") || !descriptor["digest"].is_string()) {
      return InvalidArgumentError("a descriptor without a digest");
    }
    std::string digest = descriptor["digest"];
    if (digest.rfind("sha256:", 0) != 0 || digest.size() != 71)
      return InvalidArgumentError("bad digest '" + digest + "'");
    auto found = small_files.find("blobs/sha256/" + digest.substr(7));
    if (found == small_files.end()) return InvalidArgumentError("blob " + digest + " is missing");
    return ParseJsonStrict(found->second, "oci blob");
  };
  auto index_file = small_files.find("index.json");
  if (index_file == small_files.end()) return InvalidArgumentError("not an OCI image layout: no index.json");
  ASSIGN_OR_RETURN(Json index, ParseJsonStrict(index_file->second, "index.json"));
  if (!index.is_object() || !index.contains("manifests") || !index["manifests"].is_array() ||
      index["manifests"].empty()) {
    return InvalidArgumentError("index.json lists no manifest");
  }
  ASSIGN_OR_RETURN(Json manifest, blob(index["manifests"][0]));
  if (!manifest.is_object() || !manifest.contains("config")) return InvalidArgumentError("the manifest has no config");
  ASSIGN_OR_RETURN(Json config, blob(manifest["config"]));
  OciImage image;
  image.id = manifest["config"]["digest"].get<std::string>().substr(7);
  if (config.is_object() && config.contains("config") && config["config"].is_object()) {
    const Json& c = config["config"];
    std::optional<int> port;
    if (c.contains("Env") && c["Env"].is_array()) {
      for (const Json& e : c["Env"]) {
        if (e.is_string() && e.get<std::string>().rfind("PORT=", 0) == 0)
          port = std::atoi(e.get<std::string>().c_str() + 5);
      }
    }
    if (!port && c.contains("ExposedPorts") && c["ExposedPorts"].is_object()) {
      for (auto it = c["ExposedPorts"].begin(); it != c["ExposedPorts"].end(); ++it) {
        if (it.key().find("/tcp") != std::string::npos) {
          port = std::atoi(it.key().c_str());
          break;
        }
      }
    }
    if (port && *port > 0 && *port < 65536) image.port = static_cast<uint16_t>(*port);
  }
  return image;
}

std::string Tail(const std::string& text, size_t lines) {
  std::string t = text;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  size_t at = t.size();
  for (size_t i = 0; i < lines && at != std::string::npos && at > 0; ++i) at = t.rfind('\n', at - 1);
  return at == std::string::npos || at == 0 ? t : t.substr(at + 1);
}

// Runs `podman rm -f NAME` when destroyed.
class ContainerGuard {
 public:
  ContainerGuard(std::vector<std::string> podman, std::string name)
      : podman_(std::move(podman)), name_(std::move(name)) {}
  ~ContainerGuard() {
    std::vector<std::string> argv = podman_;
    argv.insert(argv.end(), {"rm", "-f", "-t", "0", name_});
    Result<CommandResult> ignored = RunCommand(argv, kCleanupTimeout);
    (void)ignored;
  }
  ContainerGuard(const ContainerGuard&) = delete;
  ContainerGuard& operator=(const ContainerGuard&) = delete;

 private:
  std::vector<std::string> podman_;
  std::string name_;
};

// Runs `podman rmi -f ID` when destroyed, if armed (the image was loaded by us).
class ImageGuard {
 public:
  explicit ImageGuard(std::vector<std::string> podman) : podman_(std::move(podman)) {}
  ~ImageGuard() {
    if (id_.empty()) return;
    std::vector<std::string> argv = podman_;
    argv.insert(argv.end(), {"rmi", "-f", id_});
    Result<CommandResult> ignored = RunCommand(argv, kCleanupTimeout);
    (void)ignored;
  }
  ImageGuard(const ImageGuard&) = delete;
  ImageGuard& operator=(const ImageGuard&) = delete;
  void Arm(std::string id) { id_ = std::move(id); }

 private:
  std::vector<std::string> podman_;
  std::string id_;
};

std::optional<std::string> Run::OciStart(const std::vector<std::string>& podman, const std::string& image,
                                         uint16_t container_port, int start, bool last, DeployableReport* report) {
  Result<uint16_t> host_port = FindFreePort();
  if (!host_port.ok()) return Fail(report, "exec", host_port.status());
  std::string name = "fnseal-simulate-" + std::to_string(::getpid()) + "-" + std::to_string(start) + "-" +
                     std::to_string(std::chrono::steady_clock::now().time_since_epoch().count() % 1000000);
  ContainerGuard container(podman, name);
  std::vector<std::string> run = podman;
  run.insert(run.end(), {"run", "-d", "--name", name, "--pull", "never", "--ulimit", "nofile=1024:1024", "--ulimit",
                         "nproc=1024:1024", "-p",
                         "127.0.0.1:" + std::to_string(*host_port) + ":" + std::to_string(container_port), image});
  WaitCheck check = CheckFor(nullptr);
  Clock::time_point exec = Clock::now();
  Result<CommandResult> started = RunCommand(run, options_.timeout, check);
  if (!started.ok()) return Fail(report, "exec", started.status());
  if (started->exit_code != 0) {
    return Fail(report, "exec",
                FailedPreconditionError("podman run failed (exit " + std::to_string(started->exit_code) +
                                        "): " + Tail(started->output, 10)));
  }
  auto container_state = [&]() {
    std::vector<std::string> inspect = podman;
    inspect.insert(inspect.end(), {"inspect", "-f", "{{.State.Status}} (exit status {{.State.ExitCode}})", name});
    std::vector<std::string> logs = podman;
    logs.insert(logs.end(), {"logs", "--tail", "10", name});
    std::string text;
    Result<CommandResult> state = RunCommand(inspect, kCleanupTimeout);
    if (state.ok()) text += "the container is " + Tail(state->output, 1);
    Result<CommandResult> output = RunCommand(logs, kCleanupTimeout);
    if (output.ok() && !output->output.empty()) text += "; its last output:\n" + Tail(output->output, 10);
    return text;
  };
  // Asks podman twice a second whether the container still runs, so an exited one fails at once.
  Clock::time_point next_look = Clock::now();
  WaitCheck running = [&]() -> Status {
    if (interrupted()) return Interrupted();
    if (Clock::now() < next_look) return OkStatus();
    next_look = Clock::now() + std::chrono::milliseconds(500);
    std::vector<std::string> inspect = podman;
    inspect.insert(inspect.end(), {"inspect", "-f", "{{.State.Running}}", name});
    Result<CommandResult> state = RunCommand(inspect, options_.timeout);
    if (state.ok() && state->exit_code == 0 && state->output.rfind("false", 0) == 0) {
      return FailedPreconditionError("the container stopped");
    }
    return OkStatus();
  };
  Status ready = WaitForPort(*host_port, Deadline(), running, "the container");
  if (!ready.ok()) return Fail(report, "init", FailedPreconditionError(ready.message() + "; " + container_state()));
  ColdStart cold;
  cold.ready_ms = MillisecondsSince(exec);
  HttpRequest request;
  request.method = "POST";
  request.target = "/";
  request.headers = {{"Content-Type", "application/json"}};
  request.body = options_.event;
  // A published port may accept before the process inside listens: retry until the deadline.
  Clock::time_point deadline = Deadline();
  Result<HttpResponse> response = FailedPreconditionError("no request sent");
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    response = SendHttpRequest(*host_port, request, left);
    if (response.ok() || interrupted()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (interrupted()) return Fail(report, "first request", Interrupted());
  if (!response.ok()) {
    return Fail(report, "first request",
                FailedPreconditionError(response.status().message() + "; " + container_state()));
  }
  cold.first_answer_ms = MillisecondsSince(exec);
  if (!Is2xx(response->status)) {
    return Fail(report, "first request",
                FailedPreconditionError("answered HTTP " + std::to_string(response->status) + ": " +
                                        Truncated(response->body)));
  }
  report->cold_starts.push_back(cold);
  if (last) {
    report->status = response->status;
    report->body = Truncated(response->body);
    for (int i = 0; i < options_.warm_requests && !interrupted(); ++i) {
      Clock::time_point sent = Clock::now();
      Result<HttpResponse> warm = SendHttpRequest(*host_port, request, options_.timeout);
      if (!warm.ok()) return Fail(report, "warm request", warm.status());
      if (!Is2xx(warm->status)) {
        return Fail(report, "warm request", FailedPreconditionError("answered HTTP " + std::to_string(warm->status)));
      }
      report->warm_ms.push_back(MillisecondsSince(sent));
    }
  }
  return std::nullopt;
}

void Run::SimulateOci(const std::string& tar, DeployableReport* report) {
  Result<OciImage> image = ReadOciImage(tar);
  if (!image.ok()) {
    Fail(report, "load", image.status().Annotate("cannot read the image layout"));
    return;
  }
  const std::vector<std::string> podman = {"podman", "--runtime", "runc"};
  std::vector<std::string> version = podman;
  version.push_back("--version");
  Result<CommandResult> probe = RunCommand(version, options_.timeout);
  if (!probe.ok() && probe.status().code() == StatusCode::kNotFound) {
    Fail(report, "load",
         FailedPreconditionError("podman is not installed: install the podman package (with runc, "
                                 "conmon and containernetworking-plugins) to run OCI images"));
    return;
  }
  if (!probe.ok()) {
    Fail(report, "load", probe.status());
    return;
  }
  ImageGuard loaded(podman);
  std::vector<std::string> exists = podman;
  exists.insert(exists.end(), {"image", "exists", image->id});
  Result<CommandResult> present = RunCommand(exists, options_.timeout);
  if (!present.ok() || present->exit_code != 0) {
    Progress(report->target + ": podman load");
    std::vector<std::string> load = podman;
    load.insert(load.end(), {"load", "-q", "-i", tar});
    // Armed before the load: a load cut short by the timeout may still have stored the image.
    loaded.Arm(image->id);
    Result<CommandResult> result =
        RunCommand(load, std::max(options_.timeout, std::chrono::milliseconds(60000)), CheckFor(nullptr));
    if (!result.ok()) {
      Fail(report, "load", result.status());
      return;
    }
    if (result->exit_code != 0) {
      Fail(report, "load",
           FailedPreconditionError("podman load failed (exit " + std::to_string(result->exit_code) +
                                   "): " + Tail(result->output, 10)));
      return;
    }
  }
  for (int start = 0; start < options_.cold_starts && !interrupted(); ++start) {
    Progress(report->target + ": cold start " + std::to_string(start + 1) + "/" + std::to_string(options_.cold_starts));
    if (OciStart(podman, image->id, image->port, start, start + 1 == options_.cold_starts, report)) return;
  }
  report->ok = !interrupted();
}

Json PercentilesJson(const Percentiles& p) {
  return {{"count", p.count}, {"p50", p.p50}, {"p95", p.p95}, {"p99", p.p99}};
}

std::string FormatMs(double ms) {
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), ms < 100 ? "%.1f" : "%.0f", ms);
  return buffer;
}

std::string Triple(const Percentiles& p) {
  if (p.count == 0) return "-";
  return FormatMs(p.p50) + " / " + FormatMs(p.p95) + " / " + FormatMs(p.p99);
}

}  // namespace

const std::vector<std::string>& SimulatedTargets() {
  static const std::vector<std::string> kTargets = {"aws_lambda", "azure_functions", "oci_image"};
  return kTargets;
}

bool SimulationReport::ok() const {
  return std::all_of(deployables.begin(), deployables.end(), [](const DeployableReport& d) { return d.ok; });
}

Result<SimulationReport> Simulate(const std::string& bundle_path, const SimulateOptions& options) {
  for (const std::string& target : options.targets) {
    const auto& known = SimulatedTargets();
    if (std::find(known.begin(), known.end(), target) == known.end()) {
      return InvalidArgumentError("unknown target '" + target +
                                  "' (simulate knows aws_lambda, azure_functions, oci_image)");
    }
  }
  if (options.cold_starts < 1) return InvalidArgumentError("cold starts must be at least 1");
  if (options.warm_requests < 0) return InvalidArgumentError("warm requests must not be negative");
  ASSIGN_OR_RETURN(Manifest manifest, ReadManifest(bundle_path).Annotate(bundle_path));
  std::vector<DeployableEntry> chosen;
  for (const DeployableEntry& entry : manifest.deployables) {
    if (options.targets.empty() ||
        std::find(options.targets.begin(), options.targets.end(), entry.target) != options.targets.end()) {
      chosen.push_back(entry);
    }
  }
  if (chosen.empty()) {
    return NotFoundError(options.targets.empty() ? "the bundle ships no deployables"
                                                 : "the bundle ships no deployable for the chosen targets");
  }
  ASSIGN_OR_RETURN(std::unique_ptr<TempDir> scratch, TempDir::Create(options.scratch_dir));
  std::string unpacked = scratch->path() + "/bundle";
  RETURN_IF_ERROR(ExtractArchive(bundle_path, unpacked).Annotate(bundle_path));
  SimulationReport report;
  report.bundle = bundle_path;
  report.function = manifest.function;
  Run run(options, manifest, scratch->path());
  for (const DeployableEntry& entry : chosen) {
    if (run.interrupted()) return Interrupted();
    DeployableReport deployable;
    deployable.target = entry.target;
    deployable.path = entry.path;
    std::string file = unpacked + "/" + entry.path;
    run.Progress(entry.target + ": " + entry.path);
    if (!PathExists(file)) {
      Fail(&deployable, "load", NotFoundError("the manifest names " + entry.path + " but the bundle lacks it"));
    } else if (entry.target == "aws_lambda") {
      run.SimulateLambda(file, &deployable);
    } else if (entry.target == "azure_functions") {
      run.SimulateAzure(file, &deployable);
    } else if (entry.target == "oci_image") {
      run.SimulateOci(file, &deployable);
    } else {
      Fail(&deployable, "load", UnimplementedError("simulate cannot start '" + entry.target + "' deployables"));
    }
    if (run.interrupted()) return Interrupted();
    Summarize(&deployable);
    report.deployables.push_back(std::move(deployable));
  }
  return report;
}

Json ToJson(const SimulationReport& report) {
  Json deployables = Json::array();
  for (const DeployableReport& d : report.deployables) {
    Json starts = Json::array();
    for (const ColdStart& s : d.cold_starts)
      starts.push_back({{"readyMs", s.ready_ms}, {"firstAnswerMs", s.first_answer_ms}});
    Json entry = {{"target", d.target},
                  {"path", d.path},
                  {"ok", d.ok},
                  {"coldStarts", starts},
                  {"warmMs", d.warm_ms},
                  {"readyMs", PercentilesJson(d.ready)},
                  {"firstAnswerMs", PercentilesJson(d.first_answer)},
                  {"warmLatencyMs", PercentilesJson(d.warm)}};
    if (d.ok || d.status != 0) {
      entry["status"] = d.status;
      entry["body"] = d.body;
    }
    if (!d.ok) {
      entry["phase"] = d.phase;
      entry["error"] = d.error;
    }
    deployables.push_back(entry);
  }
  return {{"bundle", report.bundle}, {"function", report.function}, {"ok", report.ok()}, {"deployables", deployables}};
}

std::string FormatTable(const SimulationReport& report) {
  std::string out = "simulated " + report.bundle + " (function " + report.function + ")\n";
  char line[512];
  std::snprintf(line, sizeof(line), "  %-16s %-6s %-24s %-24s %-24s %s\n", "target", "starts", "ready p50/p95/p99 ms",
                "first answer p50/95/99", "warm p50/p95/p99 ms", "result");
  out += line;
  for (const DeployableReport& d : report.deployables) {
    std::string result = d.ok ? "ok, HTTP " + std::to_string(d.status) : "FAILED (" + d.phase + ")";
    std::snprintf(line, sizeof(line), "  %-16s %-6zu %-24s %-24s %-24s %s\n", d.target.c_str(), d.cold_starts.size(),
                  Triple(d.ready).c_str(), Triple(d.first_answer).c_str(),
                  (Triple(d.warm) + (d.warm.count ? " (" + std::to_string(d.warm.count) + ")" : "")).c_str(),
                  result.c_str());
    out += line;
  }
  for (const DeployableReport& d : report.deployables) {
    if (!d.ok) out += "  " + d.target + " did not start or answer (phase " + d.phase + "): " + d.error + "\n";
  }
  return out;
}

}  // namespace fnseal::simulate
