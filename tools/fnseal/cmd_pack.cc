// fnseal pack: files or a directory tree -> a deterministic tar (optionally zstd-compressed), zip,
// or single-layer OCI image layout (a directory or a tar of it); with --target, a cloud
// deployable laid out and checked by a target plugin (plugins/clouds).
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/file.h"
#include "core/io.h"
#include "core/json.h"
#include "core/strings.h"
#include "formats/oci_layout/oci_layout.h"
#include "formats/tar/tar.h"
#include "formats/zip/zip.h"
#include "formats/zstd/zstd.h"
#include "plugins/clouds/target.h"
#include "tools/fnseal/command.h"
#include "tools/fnseal/file_inputs.h"
#include "tools/fnseal/progress.h"

namespace fnseal::cli {
namespace {

struct Options {
  std::string output;
  std::vector<std::string> files;        // ARCHIVE_PATH=SOURCE
  std::vector<std::string> directories;  // DIR or ARCHIVE_PREFIX=DIR
  std::string format;
  std::string mtime;
  int level = 0;  // 0: the format's default (zstd 3, zip deflate 6)
  int threads = 1;
  bool long_window = false;
  bool stored = false;
  bool quiet = false;
  std::string digests;  // where to write the entries' sha256 list, or empty
  // --target mode
  std::string target;
  std::string handler;
  std::string handler_name;
  std::vector<std::string> functions;
  std::vector<std::string> target_options;  // KEY=VALUE
  uint32_t memory_mb = 0;
  uint32_t timeout_seconds = 0;
  bool json = false;
  // Set by CLI11: which options were given, for the ones whose value cannot tell.
  const CLI::Option* memory_option = nullptr;
  const CLI::Option* timeout_option = nullptr;
  const CLI::Option* threads_option = nullptr;
  // OCI image options (--format oci / oci-tar only).
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> env;
  std::vector<std::string> labels;
  std::string port;  // empty: 8080
  std::string workdir;
  std::string platform;           // empty: linux/amd64
  std::string ref;                // empty: latest
  std::string layer_compression;  // empty: gzip
  WriteOptions write;  // --no-sync
};

// Adds every regular file under the directory `fd` (owned; named `dir` in messages) as `prefix`
// + its relative path. Each entry is stat'ed once, relative to its directory. Symlinks and
// special files are refused rather than followed or dropped.
Status AddTreeAt(int fd, const std::string& dir, const std::string& prefix, std::vector<ArchiveInput>* inputs) {
  DIR* handle = ::fdopendir(fd);
  if (handle == nullptr) {
    Status s = ErrnoError("cannot open directory", dir, errno);
    ::close(fd);
    return s;
  }
  std::unique_ptr<DIR, int (*)(DIR*)> closer(handle, ::closedir);
  std::vector<std::string> names;
  while (struct dirent* e = ::readdir(handle)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  for (const std::string& name : names) {
    std::string path = dir + "/" + name;
    struct stat st;
    if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return ErrnoError("cannot stat", path, errno);
    if (S_ISDIR(st.st_mode)) {
      int sub = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (sub < 0) return ErrnoError("cannot open directory", path, errno);
      RETURN_IF_ERROR(AddTreeAt(sub, path, prefix + name + "/", inputs));
    } else if (S_ISREG(st.st_mode)) {
      inputs->push_back(InputFromRegularFile(prefix + name, path, st));
    } else if (S_ISLNK(st.st_mode)) {
      return InvalidArgumentError("'" + path + "' is a symbolic link; fnseal archives hold regular files only");
    } else {
      return InvalidArgumentError("'" + path + "' is not a regular file or directory");
    }
  }
  return OkStatus();
}

Status AddTree(const std::string& dir, const std::string& prefix, std::vector<ArchiveInput>* inputs) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoError("cannot open directory", dir, errno);
  return AddTreeAt(fd, dir, prefix, inputs);
}

Result<int64_t> ParseMtime(const std::string& flag) {
  std::string text = flag;
  if (text.empty()) {
    const char* epoch = std::getenv("SOURCE_DATE_EPOCH");
    if (epoch == nullptr || *epoch == '\0') return kDefaultArchiveMtime;
    text = epoch;
  }
  char* end = nullptr;
  errno = 0;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end == text.c_str() || *end != '\0' || value < 0) {
    return InvalidArgumentError("mtime '" + text + "' is not a non-negative number of seconds since 1970");
  }
  return static_cast<int64_t>(value);
}

// The --file (checked by MalformedFileSpec) and --dir inputs.
Status CollectInputs(const Options& o, std::vector<ArchiveInput>* inputs) {
  RETURN_IF_ERROR(InputsFromFileSpecs(o.files, inputs));
  for (const std::string& spec : o.directories) {
    size_t eq = spec.find('=');
    std::string prefix = eq == std::string::npos ? "" : spec.substr(0, eq);
    std::string dir = eq == std::string::npos ? spec : spec.substr(eq + 1);
    if (!prefix.empty() && prefix.back() != '/') prefix += '/';
    RETURN_IF_ERROR(AddTree(dir, prefix, inputs));
  }
  return OkStatus();
}

// The --digests list (`path` empty: none) written to a synced, not yet committed file: the
// entries' paths, sha256s, sizes and modes in archive order.
Result<std::unique_ptr<AtomicFile>> WriteDigests(const std::string& path, const TarPlan& plan,
                                                 const std::vector<std::string>& sha256s, const WriteOptions& write) {
  if (path.empty()) return std::unique_ptr<AtomicFile>();
  // Written as PrettyJsonDump writes a list of {mode, path, sha256, size} objects, without
  // building one: for thousands of entries that took milliseconds on the critical path while
  // zstd's workers finished the last jobs.
  std::string text;
  for (size_t i = 0; i < plan.entries.size(); ++i) {
    const TarEntryInfo& e = plan.entries[i];
    if (e.is_directory) continue;
    text += text.empty() ? "[\n" : ",\n";
    text += "  {\n    \"mode\": " + std::to_string(e.mode) + ",\n    \"path\": " + CanonicalJsonDump(e.path) +
            ",\n    \"sha256\": \"" + sha256s[i] + "\",\n    \"size\": " + std::to_string(e.size) + "\n  }";
  }
  text += text.empty() ? "[]\n" : "\n]\n";
  ASSIGN_OR_RETURN(auto file, AtomicFile::Create(path, 0644, write));
  RETURN_IF_ERROR(file->Write(text));
  RETURN_IF_ERROR(file->Sync());
  return file;
}

bool IsOci(const std::string& format) { return format == "oci" || format == "oci-tar"; }

// Fills the image settings from the OCI options; usage errors for malformed values.
Outcome OciSettings(const Options& o, const std::vector<ArchiveInput>& inputs, int64_t mtime, OciImageConfig* config,
                    OciWriteOptions* options) {
  Result<OciPlatform> platform = ParseOciPlatform(o.platform.empty() ? "linux/amd64" : o.platform);
  if (!platform.ok()) return Outcome::Usage(platform.status().message());
  config->platform = *platform;
  config->entrypoint = o.entrypoint;
  if (config->entrypoint.empty()) {
    const ArchiveInput* bootstrap = nullptr;
    for (const ArchiveInput& input : inputs) {
      if (input.path == "bootstrap") bootstrap = &input;
    }
    if (bootstrap == nullptr) {
      return Outcome::Usage("no --entrypoint given and no 'bootstrap' file at the root to default to");
    }
    if (!bootstrap->executable) {
      return Outcome::Usage("no --entrypoint given and the root 'bootstrap' file is not executable");
    }
    config->entrypoint = {"/bootstrap"};
  }
  config->cmd = o.cmd;
  config->env = o.env;
  Result<unsigned> port = ParseOciPort(o.port.empty() ? "8080" : o.port);
  if (!port.ok()) return Outcome::Usage("--" + port.status().message());
  if (*port != 0) {
    for (const std::string& e : o.env) {
      if (e.compare(0, 5, "PORT=") == 0) {
        return Outcome::Usage("--env PORT=... conflicts with --port; give the port with --port (or --port 0)");
      }
    }
    const std::string number = std::to_string(*port);
    config->env.push_back("PORT=" + number);
    config->exposed_ports.push_back(number + "/tcp");
  }
  config->working_dir = o.workdir;
  for (const std::string& label : o.labels) {
    size_t eq = label.find('=');
    if (eq == std::string::npos || eq == 0) return Outcome::Usage("--label '" + label + "' is not KEY=VALUE");
    if (!config->labels.emplace(label.substr(0, eq), label.substr(eq + 1)).second) {
      return Outcome::Usage("--label '" + label.substr(0, eq) + "' is given twice");
    }
  }
  options->ref_name = o.ref.empty() ? "latest" : o.ref;
  options->mtime = mtime;
  const bool zstd = o.layer_compression == "zstd";
  options->compression = zstd ? OciLayerCompression::kZstd : OciLayerCompression::kGzip;
  if (o.long_window && !zstd) return Outcome::Usage("--long needs --layer-compression zstd");
  options->gzip.level = o.level == 0 ? 6 : o.level;
  options->zstd.level = o.level == 0 ? 3 : o.level;
  options->zstd.workers = o.threads;
  options->zstd.long_window = o.long_window;
  Status valid = ValidateOciImage(*config, *options);
  if (!valid.ok()) return Outcome::Usage(valid.message());
  return OkStatus();
}

Outcome RunOci(const Options& o, const std::string& format, const std::vector<ArchiveInput>& inputs, int64_t mtime) {
  OciImageConfig config;
  OciWriteOptions options;
  Outcome settings = OciSettings(o, inputs, mtime, &config, &options);
  if (!settings.status.ok()) return settings;
  options.write = o.write;
  Result<OciImageSummary> summary = format == "oci" ? WriteOciLayout(inputs, config, options, o.output)
                                                    : WriteOciLayoutTar(inputs, config, options, o.output);
  if (!summary.ok()) return summary.status();
  if (!o.quiet) {
    std::printf("packed %zu entries (%llu bytes of tar) into the OCI image %s%s:%s, manifest %s\n",
                summary->layer_entries, static_cast<unsigned long long>(summary->layer_tar_size), o.output.c_str(),
                format == "oci-tar" ? " (tar)" : "", options.ref_name.c_str(), summary->manifest.digest.c_str());
  }
  return OkStatus();
}

Outcome RunPackTarget(const Options& o) {
  const CloudTarget* target = FindCloudTarget(o.target);
  if (target == nullptr) {
    return Outcome::Usage("unknown target '" + o.target + "'; fnseal knows " + CloudTargetNames());
  }
  // The target decides the format; zip options would be silently ignored.
  for (const auto& [given, flag] :
       {std::pair<bool, const char*>{!o.format.empty() && o.format != "zip", "--format"},
        {o.level != 0, "--level"},
        {o.stored, "--stored"},
        {o.long_window, "--long"},
        {!o.digests.empty(), "--digests"},
        {!o.mtime.empty(), "--mtime"},
        {o.threads_option->count() > 0, "--threads"},
        {!o.entrypoint.empty() || !o.cmd.empty() || !o.env.empty() || !o.labels.empty() || !o.port.empty() ||
             !o.workdir.empty() || !o.platform.empty() || !o.ref.empty() || !o.layer_compression.empty(),
         "an OCI image option"}}) {
    if (given) return Outcome::Usage(std::string(flag) + " does not apply with --target");
  }
  if (o.handler.empty()) return Outcome::Usage("--target needs --handler FILE");
  if (o.functions.empty()) return Outcome::Usage("--target needs --function NAME");
  if (std::string bad = MalformedFileSpec(o.files, "--file"); !bad.empty()) return Outcome::Usage(bad);
  DeployableSpec spec;
  spec.write = o.write;
  spec.functions = o.functions;
  spec.handler = o.handler;
  spec.handler_name = o.handler_name;
  if (o.memory_option->count() > 0) spec.memory_mb = o.memory_mb;
  if (o.timeout_option->count() > 0) spec.timeout_seconds = o.timeout_seconds;
  for (const std::string& option : o.target_options) {
    size_t eq = option.find('=');
    if (eq == std::string::npos || eq == 0) return Outcome::Usage("--target-option '" + option + "' is not KEY=VALUE");
    if (!spec.options.emplace(option.substr(0, eq), option.substr(eq + 1)).second) {
      return Outcome::Usage("--target-option '" + option.substr(0, eq) + "' is given twice");
    }
  }
  RETURN_IF_ERROR(CollectInputs(o, &spec.files));
  Result<WrittenDeployable> written = target->Write(spec, target->limits(), o.output);
  if (!written.ok()) return written.status().Annotate(std::string(target->name()));
  if (o.json) {
    Json entries = Json::array();
    for (const TarEntryInfo& e : written->entries) {
      if (!e.is_directory) entries.push_back({{"path", e.path}, {"mode", e.mode}, {"size", e.size}});
    }
    Json out = {{"target", target->name()},
                {"output", o.output},
                {"archive_size", written->archive_size},
                {"content_size", written->content_size},
                {"limits", TargetLimitsJson(target->limits())},
                {"facts", written->facts},
                {"entries", entries}};
    std::fputs(PrettyJsonDump(out).c_str(), stdout);
  } else if (!o.quiet) {
    std::string facts;
    for (const auto& [key, value] : written->facts) facts += (facts.empty() ? "" : ", ") + key + " " + value;
    const bool zip = target->output_kind() == "zip";
    std::printf("packed %s deployable %s: %llu bytes %s, %llu bytes %s%s%s\n", std::string(target->name()).c_str(),
                o.output.c_str(), static_cast<unsigned long long>(written->archive_size), zip ? "zipped" : "in blobs",
                static_cast<unsigned long long>(written->content_size), zip ? "unzipped" : "of files",
                facts.empty() ? "" : "; ", facts.c_str());
  }
  return OkStatus();
}

Outcome RunPack(const Options& o) {
  if (!o.target.empty()) return RunPackTarget(o);
  for (const auto& [given, flag] : {std::pair<bool, const char*>{!o.handler.empty(), "--handler"},
                                    {!o.handler_name.empty(), "--handler-name"},
                                    {!o.functions.empty(), "--function"},
                                    {!o.target_options.empty(), "--target-option"},
                                    {o.memory_option->count() > 0, "--memory"},
                                    {o.timeout_option->count() > 0, "--timeout"},
                                    {o.json, "--json"}}) {
    if (given) return Outcome::Usage(std::string(flag) + " applies only with --target");
  }
  std::string format = o.format;
  if (format.empty()) {
    if (EndsWith(o.output, ".oci.tar")) {
      format = "oci-tar";
    } else if (EndsWith(o.output, ".tar.zst") || EndsWith(o.output, ".tzst")) {
      format = "tar.zst";
    } else if (EndsWith(o.output, ".tar")) {
      format = "tar";
    } else if (EndsWith(o.output, ".zip")) {
      format = "zip";
    } else {
      return Outcome::Usage("cannot tell the format from '" + o.output +
                            "'; give --format tar, tar.zst, zip, oci or oci-tar");
    }
  }
  if (!IsOci(format)) {
    const bool oci_option = !o.entrypoint.empty() || !o.cmd.empty() || !o.env.empty() || !o.labels.empty() ||
                            !o.port.empty() || !o.workdir.empty() || !o.platform.empty() || !o.ref.empty() ||
                            !o.layer_compression.empty();
    if (oci_option) {
      return Outcome::Usage(
          "--entrypoint, --cmd, --env, --label, --port, --workdir, --platform, --ref and --layer-compression are for "
          "--format oci and oci-tar");
    }
  } else if (!o.digests.empty() || o.stored) {
    return Outcome::Usage("--digests and --stored are not supported for OCI images");
  }
  if (o.files.empty() && o.directories.empty()) return Outcome::Usage("nothing to pack: give --file or --dir");
  if (std::string bad = MalformedFileSpec(o.files, "--file"); !bad.empty()) return Outcome::Usage(bad);
  std::vector<ArchiveInput> inputs;
  RETURN_IF_ERROR(CollectInputs(o, &inputs));
  Result<int64_t> mtime = ParseMtime(o.mtime);
  if (!mtime.ok()) return Outcome::Usage(mtime.status().message());
  if (IsOci(format)) return RunOci(o, format, inputs, *mtime);
  ZstdOptions zstd;
  zstd.level = o.level == 0 ? 3 : o.level;
  zstd.workers = o.threads;
  zstd.long_window = o.long_window;
  if (format == "tar.zst") {
    if (Status valid = ValidateZstdOptions(zstd); !valid.ok()) return Outcome::Usage(valid.message());
  }
  ASSIGN_OR_RETURN(auto out, AtomicFile::Create(o.output, 0644, o.write));
  if (format == "zip" && !o.digests.empty()) return Outcome::Usage("--digests is supported for tar and tar.zst");
  if (format == "zip") {
    ZipOptions zip;
    zip.deflate = !o.stored;
    zip.level = o.level == 0 ? 6 : o.level;
    Progress progress("packing " + o.output, 0, o.quiet);
    ProgressSink sink(out.get(), &progress);
    RETURN_IF_ERROR(WriteZip(inputs, &sink, zip));
    progress.Finish();
    RETURN_IF_ERROR(out->Commit());
    if (!o.quiet) std::printf("packed %zu files into %s\n", inputs.size(), o.output.c_str());
    return OkStatus();
  }
  ASSIGN_OR_RETURN(TarPlan plan, PlanTar(inputs, *mtime));
  std::unique_ptr<AtomicFile> digests;  // written and synced, committed after the archive
  std::vector<std::string> sha256s;
  std::vector<std::string>* want_digests = o.digests.empty() ? nullptr : &sha256s;
  Progress progress("packing " + o.output, plan.archive_size, o.quiet);
  if (format == "tar") {
    ProgressSink sink(out.get(), &progress);
    RETURN_IF_ERROR(WriteTar(plan, &sink, want_digests));
    ASSIGN_OR_RETURN(digests, WriteDigests(o.digests, plan, sha256s, o.write));
  } else {
    ASSIGN_OR_RETURN(auto writer, ZstdWriter::Create(out.get(), plan.archive_size, zstd));
    ProgressSink sink(writer.get(), &progress);
    RETURN_IF_ERROR(WriteTar(plan, &sink, want_digests));
    // The digests are complete: sync their file while zstd's workers finish the last blocks.
    ASSIGN_OR_RETURN(digests, WriteDigests(o.digests, plan, sha256s, o.write));
    RETURN_IF_ERROR(writer->Finish());
  }
  progress.Finish();
  RETURN_IF_ERROR(out->Commit());
  // The archive is in place; its digests follow (they were synced already).
  if (digests != nullptr) RETURN_IF_ERROR(digests->Commit());
  if (!o.quiet) {
    std::printf("packed %zu entries (%llu bytes of tar) into %s\n", plan.entries.size(),
                static_cast<unsigned long long>(plan.archive_size), o.output.c_str());
  }
  return OkStatus();
}

}  // namespace

Action SetupPack(CLI::App* app) {
  auto o = std::make_shared<Options>();
  app->footer(
      "Pack files into a deterministic archive: entries sorted by path, parent directories\n"
      "explicit, mtime fixed (tar) or 1980-01-01 (zip), uid/gid 0, modes 0755 (executable\n"
      "sources) or 0644. --format oci / oci-tar write a single-layer OCI image layout whose\n"
      "layer is that tar, gzip- or zstd-compressed. See docs/formats.md.\n"
      "With --target, pack a cloud deployable instead: the target lays out --handler and the\n"
      "--file/--dir inputs, writes its own files, checks names, settings, the handler and its\n"
      "size limits. 'fnseal targets' lists the targets. See docs/targets.md.");
  app->add_option("-o,--output", o->output,
                  "Archive or deployable to write (.tar, .tar.zst, .tzst, .zip, .oci.tar), or the OCI layout "
                  "directory to create")
      ->required();
  app->add_option("--file", o->files, "ARCHIVE_PATH=SOURCE: add one file (repeatable)");
  app->add_option("--dir", o->directories, "DIR or PREFIX=DIR: add every file under DIR (repeatable)");
  app->add_option("--format", o->format,
                  "tar, tar.zst, zip, oci (an OCI image layout directory, which must not exist) or oci-tar "
                  "(that layout as one tar) (default: from the output name)")
      ->check(CLI::IsMember({"tar", "tar.zst", "zip", "oci", "oci-tar"}));
  app->add_option("--mtime", o->mtime,
                  "Entry mtime in seconds since 1970 (default: $SOURCE_DATE_EPOCH, else 2000-01-01)");
  app->add_option("--level", o->level,
                  "zstd level 1-19 (22 with --long; default 3), or zip / OCI gzip layer deflate level 1-9 (default 6)");
  app->add_flag("--stored", o->stored, "zip: store entries without compression");
  app->add_option("--threads", o->threads, "zstd worker threads; the output does not depend on it")
      ->capture_default_str();
  app->add_flag("--long", o->long_window, "Use zstd's 128 MiB long-distance window");
  app->add_option("--digests", o->digests,
                  "Also write a JSON list of the files with their sha256, computed while packing");
  app->add_option("--entrypoint", o->entrypoint,
                  "OCI: one element of the image entrypoint, in order (repeatable; no shell splitting; "
                  "default /bootstrap when there is an executable root 'bootstrap' file)");
  app->add_option("--cmd", o->cmd, "OCI: one element of the image's default arguments (Cmd), in order (repeatable)");
  app->add_option("--env", o->env, "OCI: KEY=VALUE in the image environment (repeatable; written sorted by KEY)");
  app->add_option(
      "--port", o->port,
      "OCI: the port the function listens on, as ExposedPorts N/tcp and env PORT=N (default 8080; 0: none)");
  app->add_option("--workdir", o->workdir, "OCI: absolute working directory of the image (default: none)");
  app->add_option("--label", o->labels, "OCI: KEY=VALUE image label (repeatable)");
  app->add_option("--platform", o->platform, "OCI: OS/ARCH[/VARIANT] of the image (default linux/amd64)");
  app->add_option("--ref", o->ref,
                  "OCI: reference name in index.json, org.opencontainers.image.ref.name (default latest)");
  app->add_option("--layer-compression", o->layer_compression, "OCI: gzip (default, widest support) or zstd")
      ->check(CLI::IsMember({"gzip", "zstd"}));
  app->add_flag("-q,--quiet", o->quiet, "Print nothing on success");
  AddNoSyncFlag(app, &o->write);
  o->threads_option = app->get_option("--threads");
  app->add_option("--target", o->target, "Pack a cloud deployable for this target (see 'fnseal targets')");
  app->add_option("--handler", o->handler, "--target: the handler executable");
  app->add_option("--handler-name", o->handler_name,
                  "--target: the handler's path in the deployable (default: the target's, e.g. bootstrap)");
  app->add_option("--function", o->functions, "--target: a function name (repeatable where the target allows)");
  o->memory_option = app->add_option("--memory", o->memory_mb, "--target: memory in MB, checked against the target");
  o->timeout_option =
      app->add_option("--timeout", o->timeout_seconds, "--target: timeout in seconds, checked against the target");
  app->add_option("--target-option", o->target_options,
                  "--target: KEY=VALUE, a target-specific setting (repeatable; see docs/targets.md)");
  app->add_flag("--json", o->json, "--target: print the deployable's sizes, limits, checks and entries as JSON");
  return [o] { return RunPack(*o); };
}

}  // namespace fnseal::cli
