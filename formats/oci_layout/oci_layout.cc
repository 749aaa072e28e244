#include "formats/oci_layout/oci_layout.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <memory>
#include <set>

#include "core/file.h"
#include "core/json.h"
#include "core/sha256.h"

namespace fnseal {
namespace {

bool IsAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

// The image-spec grammar: component ("/" component)*, component = alphanum (separator
// alphanum)*, separator = one of "-._:@+" or "--".
Status ValidateRefName(std::string_view ref) {
  auto bad = [&](std::string_view why) {
    return InvalidArgumentError("reference name '" + std::string(ref) + "' " + std::string(why));
  };
  if (ref.empty()) return bad("is empty");
  if (ref.size() > kMaxOciRefNameLength) {
    return bad("is longer than " + std::to_string(kMaxOciRefNameLength) + " bytes");
  }
  size_t i = 0;
  for (;;) {
    // A component: alphanum runs joined by separators.
    if (i >= ref.size() || !IsAlnum(ref[i])) return bad("must have letters or digits between separators");
    while (i < ref.size() && IsAlnum(ref[i])) ++i;
    if (i == ref.size()) return OkStatus();
    if (ref[i] == '/') {
      ++i;
      continue;
    }
    if (ref.substr(i, 2) == "--") {
      i += 2;
    } else if (std::string_view("-._:@+").find(ref[i]) != std::string_view::npos) {
      ++i;
    } else {
      return bad("holds '" + std::string(1, ref[i]) + "'; allowed are letters, digits and -._:@+/");
    }
  }
}

Status ValidatePlatformPart(std::string_view part, std::string_view what) {
  if (part.empty()) return InvalidArgumentError("platform " + std::string(what) + " is empty");
  for (char c : part) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      return InvalidArgumentError("platform " + std::string(what) + " '" + std::string(part) +
                                  "' is not lowercase letters and digits");
    }
  }
  return OkStatus();
}

// "PORT/proto" with PORT in 1..65535 and proto tcp, udp or sctp.
Status ValidatePort(const std::string& port) {
  size_t slash = port.find('/');
  std::string number = port.substr(0, slash);
  std::string proto = slash == std::string::npos ? "" : port.substr(slash + 1);
  bool digits = !number.empty() && number.size() <= 5 &&
                std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || std::stoi(number) < 1 || std::stoi(number) > 65535 ||
      (proto != "tcp" && proto != "udp" && proto != "sctp")) {
    return InvalidArgumentError("exposed port '" + port +
                                "' is not PORT/tcp, PORT/udp or PORT/sctp with PORT 1..65535");
  }
  return OkStatus();
}

std::string EnvKey(const std::string& entry) { return entry.substr(0, entry.find('=')); }

// An OCI whiteout (".wh." prefix) would delete files when the layer is applied.
Status ValidateLayerPaths(const std::vector<ArchiveInput>& inputs) {
  for (const ArchiveInput& input : inputs) {
    for (size_t start = 0; start <= input.path.size();) {
      size_t slash = input.path.find('/', start);
      if (slash == std::string::npos) slash = input.path.size();
      if (input.path.compare(start, 4, ".wh.") == 0) {
        return InvalidArgumentError("layer entry '" + input.path + "' would be an OCI whiteout ('.wh.' prefix)");
      }
      start = slash + 1;
    }
  }
  return OkStatus();
}


// "UID" or "UID:GID", each 1 to 10 digits: an image from scratch has no /etc/passwd to look
// names up in.
bool IsNumericUser(std::string_view user) {
  const size_t colon = user.find(':');
  auto digits = [](std::string_view part) {
    return !part.empty() && part.size() <= 10 && part.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (colon == std::string_view::npos) return digits(user);
  return digits(user.substr(0, colon)) && digits(user.substr(colon + 1));
}

Json PlatformJson(const OciPlatform& p) {
  Json j = {{"architecture", p.architecture}, {"os", p.os}};
  if (!p.variant.empty()) j["variant"] = p.variant;
  return j;
}

Json DescriptorJson(const OciDescriptor& d) {
  return {{"digest", d.digest}, {"mediaType", d.media_type}, {"size", d.size}};
}

Json ConfigJson(const OciImageConfig& config, int64_t mtime, const std::string& diff_id) {
  Json runtime = Json::object();
  runtime["Entrypoint"] = config.entrypoint;
  if (!config.cmd.empty()) runtime["Cmd"] = config.cmd;
  if (!config.env.empty()) {
    std::vector<std::string> env = config.env;
    std::sort(env.begin(), env.end(), [](const std::string& a, const std::string& b) { return EnvKey(a) < EnvKey(b); });
    runtime["Env"] = env;
  }
  if (!config.exposed_ports.empty()) {
    Json ports = Json::object();
    for (const std::string& port : config.exposed_ports) ports[port] = Json::object();
    runtime["ExposedPorts"] = ports;
  }
  if (!config.labels.empty()) runtime["Labels"] = config.labels;
  if (!config.working_dir.empty()) runtime["WorkingDir"] = config.working_dir;
  if (!config.user.empty()) runtime["User"] = config.user;
  Json j = PlatformJson(config.platform);
  j["config"] = runtime;
  j["created"] = OciTimestamp(mtime);
  j["rootfs"] = {{"diff_ids", {diff_id}}, {"type", "layers"}};
  return j;
}

// Canonical bytes of `j`; InvalidArgument if a string in it is not valid UTF-8 (which
// CanonicalJsonDump would silently replace).
Result<std::string> StrictDump(const Json& j, std::string_view what) {
  try {
    (void)j.dump();  // strict error handler: throws on invalid UTF-8
  } catch (const Json::exception&) {
    return InvalidArgumentError(std::string(what) + " holds a string that is not valid UTF-8");
  }
  return CanonicalJsonDump(j);
}

Status MakeDirectory(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) != 0) return ErrnoError("cannot create directory", path, errno);
  if (::chmod(path.c_str(), 0755) != 0) return ErrnoError("cannot set the mode of", path, errno);
  return OkStatus();
}

// Writes `bytes` to `path` with mode 0644 whatever the umask.
Status WriteLayoutFile(const std::string& path, std::string_view bytes, const WriteOptions& write) {
  RETURN_IF_ERROR(WriteFileAtomic(path, bytes, 0644, write));
  if (::chmod(path.c_str(), 0644) != 0) return ErrnoError("cannot set the mode of", path, errno);
  return OkStatus();
}

Result<OciDescriptor> WriteJsonBlob(const std::string& root, std::string media_type, const std::string& bytes,
                                    const WriteOptions& write) {
  OciDescriptor d{std::move(media_type), "sha256:" + Sha256Hex(bytes), bytes.size()};
  RETURN_IF_ERROR(WriteLayoutFile(root + "/blobs/sha256/" + d.digest.substr(7), bytes, write));
  return d;
}

// Streams the layer tar through the compressor into blobs/sha256/<digest>.
Status WriteLayer(const TarPlan& plan, const OciWriteOptions& options, const std::string& root,
                  OciImageSummary* summary) {
  const std::string blobs = root + "/blobs/sha256/";
  const std::string partial = blobs + "layer.partial";
  ASSIGN_OR_RETURN(auto file, AtomicFile::Create(partial, 0644, options.write));
  HashingSink compressed(file.get());
  std::string diff_id;
  if (options.compression == OciLayerCompression::kGzip) {
    ASSIGN_OR_RETURN(auto gzip, GzipWriter::Create(&compressed, options.gzip));
    HashingSink tar(gzip.get());
    RETURN_IF_ERROR(WriteTar(plan, &tar));
    RETURN_IF_ERROR(gzip->Finish());
    diff_id = "sha256:" + tar.FinishHex();
  } else {
    ASSIGN_OR_RETURN(auto zstd, ZstdWriter::Create(&compressed, plan.archive_size, options.zstd));
    HashingSink tar(zstd.get());
    RETURN_IF_ERROR(WriteTar(plan, &tar));
    RETURN_IF_ERROR(zstd->Finish());
    diff_id = "sha256:" + tar.FinishHex();
  }
  RETURN_IF_ERROR(file->Commit());
  summary->layer.media_type =
      options.compression == OciLayerCompression::kGzip ? kOciLayerGzipMediaType : kOciLayerZstdMediaType;
  summary->layer.digest = "sha256:" + compressed.FinishHex();
  summary->layer.size = compressed.size();
  summary->diff_id = diff_id;
  summary->layer_tar_size = plan.archive_size;
  summary->layer_entries = plan.entries.size();
  const std::string final_path = blobs + summary->layer.digest.substr(7);
  if (::chmod(partial.c_str(), 0644) != 0) return ErrnoError("cannot set the mode of", partial, errno);
  if (::rename(partial.c_str(), final_path.c_str()) != 0) return ErrnoError("cannot rename into", final_path, errno);
  return OkStatus();
}

// Fills the existing, empty directory `root` with the layout.
Result<OciImageSummary> BuildLayout(const std::vector<ArchiveInput>& inputs, const OciImageConfig& config,
                                    const OciWriteOptions& options, const std::string& root) {
  ASSIGN_OR_RETURN(TarPlan plan, PlanTar(inputs, options.mtime));
  RETURN_IF_ERROR(MakeDirectory(root + "/blobs"));
  RETURN_IF_ERROR(MakeDirectory(root + "/blobs/sha256"));
  OciImageSummary summary;
  RETURN_IF_ERROR(WriteLayer(plan, options, root, &summary));

  ASSIGN_OR_RETURN(std::string config_bytes,
                   StrictDump(ConfigJson(config, options.mtime, summary.diff_id), "image config"));
  ASSIGN_OR_RETURN(summary.config, WriteJsonBlob(root, kOciConfigMediaType, config_bytes, options.write));

  Json manifest = {{"config", DescriptorJson(summary.config)},
                   {"layers", {DescriptorJson(summary.layer)}},
                   {"mediaType", kOciManifestMediaType},
                   {"schemaVersion", 2}};
  if (!options.annotations.empty()) manifest["annotations"] = options.annotations;
  ASSIGN_OR_RETURN(summary.manifest, WriteJsonBlob(root, kOciManifestMediaType, CanonicalJsonDump(manifest), options.write));

  Json entry = DescriptorJson(summary.manifest);
  Json annotations = options.annotations;
  annotations[kOciRefNameAnnotation] = options.ref_name;
  entry["annotations"] = annotations;
  entry["platform"] = PlatformJson(config.platform);
  Json index = {{"manifests", {entry}}, {"mediaType", kOciIndexMediaType}, {"schemaVersion", 2}};
  RETURN_IF_ERROR(WriteLayoutFile(root + "/index.json", CanonicalJsonDump(index), options.write));
  RETURN_IF_ERROR(
      WriteLayoutFile(root + "/oci-layout", CanonicalJsonDump({{"imageLayoutVersion", "1.0.0"}}), options.write));
  return summary;
}

std::string TrimSlashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

void SyncDirectory(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);  // best effort, as AtomicFile
    ::close(fd);
  }
}

std::string ParentOf(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

Status CheckBeforeWriting(const std::vector<ArchiveInput>& inputs, const OciImageConfig& config,
                          const OciWriteOptions& options, const std::string& output) {
  if (output.empty()) return InvalidArgumentError("output path is empty");
  RETURN_IF_ERROR(ValidateOciImage(config, options));
  return ValidateLayerPaths(inputs);
}

}  // namespace

std::string OciTimestamp(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[64];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

Result<unsigned> ParseOciPort(std::string_view text) {
  const bool digits = !text.empty() && text.size() <= 5 && text.find_first_not_of("0123456789") == std::string_view::npos;
  unsigned port = 0;
  for (char c : digits ? text : std::string_view()) port = port * 10 + static_cast<unsigned>(c - '0');
  if (!digits || port > 65535) return InvalidArgumentError("port '" + std::string(text) + "' is not a number in 0..65535");
  return port;
}

Result<OciPlatform> ParseOciPlatform(std::string_view text) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t slash = text.find('/', start);
    parts.emplace_back(text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() < 2 || parts.size() > 3) {
    return InvalidArgumentError("platform '" + std::string(text) + "' is not OS/ARCH or OS/ARCH/VARIANT");
  }
  OciPlatform p;
  p.os = parts[0];
  p.architecture = parts[1];
  if (parts.size() == 3) p.variant = parts[2];
  RETURN_IF_ERROR(ValidatePlatformPart(p.os, "os"));
  RETURN_IF_ERROR(ValidatePlatformPart(p.architecture, "architecture"));
  if (parts.size() == 3) RETURN_IF_ERROR(ValidatePlatformPart(p.variant, "variant"));
  return p;
}

Status ValidateOciImage(const OciImageConfig& config, const OciWriteOptions& options) {
  RETURN_IF_ERROR(ValidatePlatformPart(config.platform.os, "os"));
  RETURN_IF_ERROR(ValidatePlatformPart(config.platform.architecture, "architecture"));
  if (!config.platform.variant.empty()) RETURN_IF_ERROR(ValidatePlatformPart(config.platform.variant, "variant"));
  if (config.entrypoint.empty() || config.entrypoint[0].empty()) {
    return InvalidArgumentError("image entrypoint is empty");
  }
  std::set<std::string> keys;
  for (const std::string& entry : config.env) {
    size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidArgumentError("environment entry '" + entry + "' is not KEY=VALUE");
    }
    if (!keys.insert(entry.substr(0, eq)).second) {
      return InvalidArgumentError("environment variable '" + entry.substr(0, eq) + "' is given twice");
    }
  }
  std::set<std::string> ports;
  for (const std::string& port : config.exposed_ports) {
    RETURN_IF_ERROR(ValidatePort(port));
    if (!ports.insert(port).second) return InvalidArgumentError("exposed port '" + port + "' is given twice");
  }
  if (!config.working_dir.empty() && config.working_dir[0] != '/') {
    return InvalidArgumentError("working directory '" + config.working_dir + "' is not absolute");
  }
  for (const auto& [key, value] : config.labels) {
    if (key.empty()) return InvalidArgumentError("a label has an empty key");
  }
  if (!config.user.empty() && !IsNumericUser(config.user)) {
    return InvalidArgumentError("user '" + config.user + "' is not UID or UID:GID in digits");
  }
  for (const auto& [key, value] : options.annotations) {
    if (key.empty()) return InvalidArgumentError("an annotation has an empty key");
    if (key == kOciRefNameAnnotation) {
      return InvalidArgumentError(std::string(kOciRefNameAnnotation) + " comes from the reference name, not from annotations");
    }
  }
  RETURN_IF_ERROR(ValidateRefName(options.ref_name));
  if (options.compression == OciLayerCompression::kGzip && (options.gzip.level < 1 || options.gzip.level > 9)) {
    return InvalidArgumentError("gzip level " + std::to_string(options.gzip.level) + " is outside 1..9");
  }
  if (options.compression == OciLayerCompression::kZstd) RETURN_IF_ERROR(ValidateZstdOptions(options.zstd));
  // Catches invalid UTF-8 in any config or annotation string before anything is written.
  Result<std::string> annotations = StrictDump(Json(options.annotations), "image annotations");
  RETURN_IF_ERROR(annotations.status());
  return StrictDump(ConfigJson(config, 0, "sha256:"), "image config").status();
}

Result<OciImageSummary> WriteOciLayout(const std::vector<ArchiveInput>& inputs, const OciImageConfig& config,
                                       const OciWriteOptions& options, const std::string& output) {
  RETURN_IF_ERROR(CheckBeforeWriting(inputs, config, options, output));
  const std::string dest = TrimSlashes(output);
  RemoveStaleTemporaries(dest);
  if (PathExists(dest)) return AlreadyExistsError("output '" + dest + "' already exists");
  ASSIGN_OR_RETURN(TemporaryDirectory temp, TemporaryDirectory::CreateNextTo(dest, 0755));
  ASSIGN_OR_RETURN(OciImageSummary summary, BuildLayout(inputs, config, options, temp.path()));
  if (options.write.sync) {
    SyncDirectory(temp.path() + "/blobs/sha256");
    SyncDirectory(temp.path() + "/blobs");
    SyncDirectory(temp.path());
  }
  RETURN_IF_ERROR(temp.MoveTo(dest).Annotate("the image layout"));
  if (options.write.sync) SyncDirectory(ParentOf(dest));
  return summary;
}

Result<OciImageSummary> WriteOciLayoutTar(const std::vector<ArchiveInput>& inputs, const OciImageConfig& config,
                                          const OciWriteOptions& options, const std::string& output) {
  RETURN_IF_ERROR(CheckBeforeWriting(inputs, config, options, output));
  ASSIGN_OR_RETURN(TemporaryDirectory scratch, TemporaryDirectory::CreateNextTo(output, 0755));
  const std::string& temp = scratch.path();
  auto write = [&]() -> Result<OciImageSummary> {
    ASSIGN_OR_RETURN(OciImageSummary summary, BuildLayout(inputs, config, options, temp));
    std::vector<ArchiveInput> files;
    auto add = [&](const std::string& path) {
      ArchiveInput f;
      f.path = path;
      f.source_path = temp + "/" + path;
      files.push_back(std::move(f));
    };
    add("oci-layout");
    add("index.json");
    for (const OciDescriptor* d : {&summary.layer, &summary.config, &summary.manifest}) {
      add("blobs/sha256/" + d->digest.substr(7));
    }
    ASSIGN_OR_RETURN(TarPlan plan, PlanTar(files, options.mtime));
    ASSIGN_OR_RETURN(auto out, AtomicFile::Create(output, 0644, options.write));
    RETURN_IF_ERROR(WriteTar(plan, out.get()));
    RETURN_IF_ERROR(out->Commit());
    return summary;
  };
  return write();
}

}  // namespace fnseal
