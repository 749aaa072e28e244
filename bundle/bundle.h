// The fnseal bundle (.fnb): one deterministic, zstd-compressed tar per function holding its
// deployables, a deploy manifest, and attestations. Layout (docs/bundle.md):
//
//   manifest.json                        deploy manifest
//   artifacts/<function>.tar             the hermetic function artifact
//   attestations/<name>.statement.json   unsigned in-toto statement (as built)
//   attestations/<name>.dsse.json        the same statement in a signed DSSE envelope
//
// Every file outside attestations/ must be a subject of a signed statement. Building and
// signing are deterministic: the same inputs and keys give the same bytes. Thread-safe
// functions; each writes its output transactionally.
#ifndef FNSEAL_BUNDLE_BUNDLE_H_
#define FNSEAL_BUNDLE_BUNDLE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tar.h"
#include "core/zstd.h"
#include "provenance/signing/keys.h"
#include "provenance/statement/statement.h"

namespace fnseal {

inline constexpr char kBundleManifestPath[] = "manifest.json";
inline constexpr char kBundleArtifactsDir[] = "artifacts/";
inline constexpr char kBundleAttestationsDir[] = "attestations/";
inline constexpr char kUnsignedStatementSuffix[] = ".statement.json";
inline constexpr char kSignedEnvelopeSuffix[] = ".dsse.json";
inline constexpr char kBundleManifestMediaType[] = "application/vnd.fnseal.manifest.v1+json";

// What a bundle is built from.
struct BundleSpec {
  std::string function_name;  // [A-Za-z0-9._-]+
  std::string entrypoint;     // path inside the artifact of the handler to start
  std::string runtime;        // e.g. "provided.al2023"
  std::string artifact_path;  // the function's deterministic tar on disk
  ProvenanceFacts provenance;  // subjects are filled in from the bundle's files
  ZstdOptions compression;
};

// Builds an unsigned bundle at `output_path`.
Status BuildBundle(const BundleSpec& spec, const std::string& output_path);

// Limits when reading an untrusted bundle; exceeding one is ResourceExhausted.
struct BundleLimits {
  ZstdLimits zstd;
  TarLimits tar;
  uint64_t max_attestation_size = 32 << 20;
  uint64_t max_manifest_size = 1 << 20;
};

struct BundleFile {
  std::string path;
  uint64_t size = 0;
  uint32_t mode = 0;
  std::string sha256;   // lowercase hex
  std::string content;  // always for manifest.json; for other files only with keep_contents
};

struct BundleContents {
  std::vector<BundleFile> files;                    // outside attestations/, archive order
  std::vector<std::string> directories;             // every directory entry
  std::map<std::string, std::string> attestations;  // path -> bytes
};

// Reads and hashes every entry of a bundle in one streaming pass. The manifest's bytes are
// always kept (it is at most max_manifest_size); other files' only if `keep_contents`. DataLoss for a corrupt or truncated bundle, InvalidArgument for hostile
// entries (see TarReader).
Result<BundleContents> ReadBundle(const std::string& path, bool keep_contents, const BundleLimits& limits = {});

// Whether the file at `path` is to be treated as a bundle: its name ends in ".fnb" or it starts
// with the zstd frame magic. Says nothing about its validity. NotFound if it does not exist.
Result<bool> LooksLikeBundle(const std::string& path);

// Signs every attestation of the bundle at `input_path` with each of `keys` and writes the
// result to `output_path` (which may equal `input_path`). Unsigned statements become DSSE
// envelopes; existing envelopes gain a signature. FailedPrecondition if a key already signed.
Status SignBundle(const std::string& input_path, const std::vector<PrivateKey>& keys,
                  const std::string& output_path, const ZstdOptions& compression = {});

// Writes `files` (and `attestations`) as a bundle: sorted deterministic tar, one zstd frame.
Status WriteBundleArchive(const std::vector<ArchiveInput>& files, const std::string& output_path,
                          const ZstdOptions& compression);

}  // namespace fnseal

#endif  // FNSEAL_BUNDLE_BUNDLE_H_
