// oci_image: a single-layer OCI image layout (formats/oci_layout/oci_layout.h) for container platforms - Cloud
// Run, Lambda container images, Azure Container Apps. The image is built from scratch: the
// handler becomes /bootstrap, the image's entrypoint, and nothing else is in it, so the handler
// must be statically linked. It runs as the unprivileged user 65532:65532 unless the `user`
// option says otherwise; the function listens on $PORT, which the config sets (PORT=N in Env and
// N/tcp in ExposedPorts). The image is named `<function>:<version>` (the `ref` option overrides
// it) and carries the org.opencontainers.image.* annotations known at build time. linux/amd64
// unless the platform option says otherwise. The output is a directory, which must not exist,
// or - for a path ending in ".tar" - one deterministic tar of that directory.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/file.h"
#include "core/strings.h"
#include "formats/entry/archive_path.h"
#include "formats/oci_layout/oci_layout.h"
#include "plugins/clouds/target.h"

namespace fnseal {
namespace {

constexpr char kName[] = "oci_image";
constexpr char kHandlerName[] = "bootstrap";
constexpr char kDefaultPort[] = "8080";
constexpr char kDefaultUser[] = "65532:65532";  // the conventional "nonroot" of images from scratch
constexpr char kDefaultVersion[] = "0.0.0";
constexpr const char* kOptions[] = {"port",    "platform", "ref",      "layer_compression", "user",
                                    "version", "source",   "revision", kClosureOption};
const HandlerBase kScratch = {kName, "an image from scratch", {}, ""};

std::string OptionOr(const DeployableSpec& spec, const std::string& key, const std::string& fallback) {
  auto it = spec.options.find(key);
  return it == spec.options.end() ? fallback : it->second;
}

// "1".."65535" as a number; InvalidArgument otherwise.
// The port the function listens on: ParseOciPort's, but not 0 (the image must name one).
Result<unsigned> ParsePort(const std::string& text) {
  Result<unsigned> port = ParseOciPort(text);
  if (!port.ok() || *port == 0) {
    return InvalidArgumentError("oci_image port '" + text + "' is not a number in 1..65535");
  }
  return port;
}

class OciImage : public CloudTarget {
 public:
  std::string_view name() const override { return kName; }
  std::string_view summary() const override {
    return "OCI image layout (Cloud Run, Lambda container images, Container Apps): /bootstrap listening on $PORT";
  }
  std::string_view output_kind() const override { return "oci-layout"; }
  TargetLimits limits() const override { return TargetLimits(); }

  Status Check(const DeployableSpec& spec, std::map<std::string, std::string>* facts) const override {
    if (spec.functions.size() != 1) {
      return InvalidArgumentError("oci_image takes exactly one function name; got " +
                                  std::to_string(spec.functions.size()));
    }
    if (!spec.handler_name.empty() && spec.handler_name != kHandlerName) {
      return InvalidArgumentError("oci_image runs its handler as /bootstrap; --handler-name must be 'bootstrap'");
    }
    if (spec.memory_mb || spec.timeout_seconds) {
      return InvalidArgumentError("oci_image has no memory or timeout setting; the container platform decides");
    }
    for (const auto& [key, value] : spec.options) {
      if (std::find(std::begin(kOptions), std::end(kOptions), key) == std::end(kOptions)) {
        return InvalidArgumentError("oci_image has no option '" + key +
                                    "' (port, platform, ref, layer_compression, user, version, source, revision, closure)");
      }
    }
    for (const ArchiveInput& file : spec.files) {
      RETURN_IF_ERROR(ValidateArchivePath(file.path));
      if (file.path == kHandlerName) {
        return InvalidArgumentError("oci_image: '" + file.path + "' is where the handler goes; give it with --handler");
      }
    }
    RETURN_IF_ERROR(CheckRegularFile(spec.handler, "oci_image handler"));
    ASSIGN_OR_RETURN(std::vector<ArchiveInput> closure, ClosureLayout(spec, kHandlerName, kScratch));
    RETURN_IF_ERROR(CheckHandlerLinkage(spec.handler, kScratch, facts, closure));
    OciImageConfig config;
    OciWriteOptions options;
    RETURN_IF_ERROR(Settings(spec, &config, &options));
    RETURN_IF_ERROR(ValidateOciImage(config, options).Annotate("oci_image"));
    if (facts != nullptr) {
      (*facts)["platform"] = config.platform.os + "/" + config.platform.architecture;
      (*facts)["port"] = config.exposed_ports.front();
      (*facts)["ref"] = options.ref_name;
      (*facts)["user"] = config.user;
    }
    return OkStatus();
  }

  Result<std::vector<ArchiveInput>> Layout(const DeployableSpec& spec) const override {
    std::vector<ArchiveInput> layout = spec.files;
    ArchiveInput handler;
    handler.path = kHandlerName;
    handler.source_path = spec.handler;
    handler.executable = true;
    layout.push_back(std::move(handler));
    ASSIGN_OR_RETURN(std::vector<ArchiveInput> closure, ClosureLayout(spec, kHandlerName, kScratch));
    layout.insert(layout.end(), closure.begin(), closure.end());
    return layout;
  }

  Result<WrittenDeployable> Write(const DeployableSpec& spec, const TargetLimits& limits,
                                  const std::string& output_path) const override {
    WrittenDeployable written;
    RETURN_IF_ERROR(Check(spec, &written.facts));
    ASSIGN_OR_RETURN(std::vector<ArchiveInput> layout, Layout(spec));
    ASSIGN_OR_RETURN(TarPlan plan, PlanTar(layout));
    for (const TarEntryInfo& entry : plan.entries) written.content_size += entry.size;
    if (limits.max_content_size != 0 && written.content_size > limits.max_content_size) {
      return ResourceExhaustedError("oci_image content is " + std::to_string(written.content_size) +
                                    " bytes, over the limit of " + std::to_string(limits.max_content_size));
    }
    OciImageConfig config;
    OciWriteOptions options;
    RETURN_IF_ERROR(Settings(spec, &config, &options));
    options.write = spec.write;
    // A path ending in ".tar" gets the layout as one tar file (what a bundle ships), any other
    // a layout directory.
    const bool as_tar = EndsWith(output_path, ".tar");
    ASSIGN_OR_RETURN(OciImageSummary summary, as_tar ? WriteOciLayoutTar(layout, config, options, output_path)
                                                     : WriteOciLayout(layout, config, options, output_path));
    written.archive_size = summary.layer.size + summary.config.size + summary.manifest.size;
    if (limits.max_archive_size != 0 && written.archive_size > limits.max_archive_size) {
      if (as_tar) {
        std::remove(output_path.c_str());
      } else {
        RemoveTree(output_path);
      }
      return ResourceExhaustedError("oci_image blobs are " + std::to_string(written.archive_size) +
                                    " bytes, over the limit of " + std::to_string(limits.max_archive_size));
    }
    written.entries = plan.entries;
    written.facts["manifest"] = summary.manifest.digest;
    return written;
  }

 private:
  // The image config and write options the spec's options ask for.
  static Status Settings(const DeployableSpec& spec, OciImageConfig* config, OciWriteOptions* options) {
    ASSIGN_OR_RETURN(config->platform, ParseOciPlatform(OptionOr(spec, "platform", "linux/amd64")));
    config->entrypoint = {std::string("/") + kHandlerName};
    ASSIGN_OR_RETURN(unsigned port, ParsePort(OptionOr(spec, "port", kDefaultPort)));
    config->env = {"PORT=" + std::to_string(port)};
    config->exposed_ports = {std::to_string(port) + "/tcp"};
    config->labels = {{"dev.fnseal.function", spec.functions.front()}};
    config->user = OptionOr(spec, "user", kDefaultUser);
    const std::string version = OptionOr(spec, "version", kDefaultVersion);
    options->ref_name = OptionOr(spec, "ref", spec.functions.front() + ":" + version);
    // Only what the build knows reproducibly: `created` is the archive epoch, like the config's.
    options->annotations = {{"org.opencontainers.image.created", OciTimestamp(options->mtime)},
                            {"org.opencontainers.image.title", spec.functions.front()},
                            {"org.opencontainers.image.version", version}};
    const std::string source = OptionOr(spec, "source", spec.source_url);
    const std::string revision = OptionOr(spec, "revision", spec.source_revision);
    if (!source.empty()) options->annotations["org.opencontainers.image.source"] = source;
    if (!revision.empty()) options->annotations["org.opencontainers.image.revision"] = revision;
    const std::string compression = OptionOr(spec, "layer_compression", "gzip");
    if (compression != "gzip" && compression != "zstd") {
      return InvalidArgumentError("oci_image layer_compression must be gzip or zstd; got '" + compression + "'");
    }
    options->compression = compression == "zstd" ? OciLayerCompression::kZstd : OciLayerCompression::kGzip;
    return OkStatus();
  }
};

}  // namespace

const CloudTarget& OciImageTarget() {
  static const OciImage target;
  return target;
}

}  // namespace fnseal
