// Deterministic OCI image layouts (image-spec v1.0): one image, one platform, one layer.
//
// The layer is the deterministic tar of tar.h (PlanTar/WriteTar), compressed with gzip (gzip.h,
// fixed header) or zstd (zstd.h) in a single streaming pass that also computes the layer's
// diff_id (sha256 of the uncompressed tar) and its blob digest; memory use does not grow with the
// input. The image config, manifest and index are canonical JSON (compact, keys sorted); every
// timestamp comes from `mtime`. The same inputs and options therefore give the same bytes for
// any input order, umask, time zone or zstd worker count. The layout is written either as a new
// directory or as one deterministic tar of that directory; both appear atomically or not at all.
// See docs/formats.md ("OCI image layout") for every byte-relevant choice. Functions are
// thread-safe (they share no state), but two calls must not write the same output.
#ifndef FNSEAL_FORMATS_OCI_LAYOUT_OCI_LAYOUT_H_
#define FNSEAL_FORMATS_OCI_LAYOUT_OCI_LAYOUT_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/file.h"
#include "core/status.h"
#include "formats/gzip/gzip.h"
#include "formats/tar/tar.h"
#include "formats/zstd/zstd.h"

namespace fnseal {

inline constexpr char kOciLayerGzipMediaType[] = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr char kOciLayerZstdMediaType[] = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr char kOciConfigMediaType[] = "application/vnd.oci.image.config.v1+json";
inline constexpr char kOciManifestMediaType[] = "application/vnd.oci.image.manifest.v1+json";
inline constexpr char kOciIndexMediaType[] = "application/vnd.oci.image.index.v1+json";
inline constexpr char kOciRefNameAnnotation[] = "org.opencontainers.image.ref.name";

// Longest reference name accepted (org.opencontainers.image.ref.name), in bytes.
inline constexpr size_t kMaxOciRefNameLength = 255;

struct OciPlatform {
  std::string os = "linux";
  std::string architecture = "amd64";
  std::string variant;  // e.g. "v8" for arm64; empty: none recorded
};

// Parses "OS/ARCH" or "OS/ARCH/VARIANT" (e.g. "linux/amd64", "linux/arm64/v8"); each part is
// lowercase letters and digits. InvalidArgument otherwise.
Result<OciPlatform> ParseOciPlatform(std::string_view text);

// Parses a TCP port for ExposedPorts and $PORT: one to five decimal digits, at most 65535. Zero
// is accepted ("no port"); a caller that needs a listening port refuses it. InvalidArgument,
// "port '<text>' is not a number in 0..65535", otherwise.
Result<unsigned> ParseOciPort(std::string_view text);

// What goes into the image config. Strings must be valid UTF-8.
struct OciImageConfig {
  OciPlatform platform;
  std::vector<std::string> entrypoint;     // required; the first element non-empty
  std::vector<std::string> cmd;            // default arguments; empty: none
  std::vector<std::string> env;            // "KEY=VALUE"; written sorted by KEY, duplicate KEYs refused
  std::vector<std::string> exposed_ports;  // "PORT/tcp", "PORT/udp" or "PORT/sctp"; written sorted
  std::string working_dir;                 // absolute path, or empty for the runtime's default
  std::string user;                        // "UID" or "UID:GID", numeric; empty: the runtime's default (root)
  std::map<std::string, std::string> labels;
};

enum class OciLayerCompression { kGzip, kZstd };

struct OciWriteOptions {
  // The index's org.opencontainers.image.ref.name (what `umoci --image DIR:REF` names).
  std::string ref_name = "latest";
  // More annotations of the manifest and of its index entry (org.opencontainers.image.title,
  // .version, .source, ...). Keys are non-empty; ref.name is set from ref_name only.
  std::map<std::string, std::string> annotations;
  // Layer entries' mtime, the config's `created` time and, for a layout tar, its entries' mtime.
  int64_t mtime = kDefaultArchiveMtime;
  OciLayerCompression compression = OciLayerCompression::kGzip;
  GzipOptions gzip;
  ZstdOptions zstd;  // `workers` never changes the bytes
  WriteOptions write;  // whether the files, and the directories of a layout, are fsynced
};

// A content descriptor: what the manifest and index say about a blob.
struct OciDescriptor {
  std::string media_type;
  std::string digest;  // "sha256:<64 lowercase hex>"
  uint64_t size = 0;
};

// What was written, for reports and for callers that record digests (provenance subjects).
struct OciImageSummary {
  OciDescriptor manifest;
  OciDescriptor config;
  OciDescriptor layer;
  std::string diff_id;          // "sha256:<hex>" of the uncompressed layer tar
  uint64_t layer_tar_size = 0;  // bytes of the uncompressed layer tar
  size_t layer_entries = 0;     // tar entries, directories included
};

// `seconds` since the epoch as the RFC 3339 UTC text the config's `created` holds,
// "2000-01-01T00:00:00Z".
std::string OciTimestamp(int64_t seconds);

// Checks `config` and `options` without writing anything: InvalidArgument naming the field.
Status ValidateOciImage(const OciImageConfig& config, const OciWriteOptions& options);

// Writes the image layout into the directory `output`, which must not exist (AlreadyExists).
// Everything is built in a temporary directory next to it and renamed into place at the end;
// on any failure the temporary directory is removed. Input paths follow tar.h's rules, and a
// path component starting with ".wh." (an OCI whiteout) is refused. Files get mode 0644 and
// directories 0755 whatever the umask.
Result<OciImageSummary> WriteOciLayout(const std::vector<ArchiveInput>& inputs, const OciImageConfig& config,
                                       const OciWriteOptions& options, const std::string& output);

// Writes the same layout as one deterministic tar (tar.h) at `output`, replacing an existing
// file atomically. The layout is first built in a temporary directory next to `output`, which
// is removed whatever happens.
Result<OciImageSummary> WriteOciLayoutTar(const std::vector<ArchiveInput>& inputs, const OciImageConfig& config,
                                          const OciWriteOptions& options, const std::string& output);

}  // namespace fnseal

#endif  // FNSEAL_FORMATS_OCI_LAYOUT_OCI_LAYOUT_H_
