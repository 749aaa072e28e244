// The fnseal bundle (.fnb): one deterministic, zstd-compressed tar per function holding its
// deployables, a deploy manifest, and attestations. Layout (docs/bundle.md):
//
//   manifest.json                        deploy manifest
//   artifacts/<function>.tar             the hermetic function artifact
//   deployables/<target>/<file>          cloud deployables (aws_lambda zip, oci_image tar...)
//   licenses/<component>/<file>          license texts of what ships; licenses/verdict.json
//   attestations/<name>.statement.json   unsigned in-toto statement (as built)
//   attestations/<name>.dsse.json        the same statement in a signed DSSE envelope
//
// Every file outside attestations/ must be a subject of a signed statement: the provenance
// statement names them all. Building and
// signing are deterministic: the same inputs and keys give the same bytes. Thread-safe
// functions; each writes its output transactionally.
#ifndef FNSEAL_BUNDLE_BUNDLE_H_
#define FNSEAL_BUNDLE_BUNDLE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/file.h"
#include "core/status.h"
#include "formats/tar/tar.h"
#include "formats/zstd/zstd.h"
#include "provenance/signing/keys.h"
#include "provenance/statement/statement.h"

namespace fnseal {

inline constexpr char kBundleManifestPath[] = "manifest.json";
inline constexpr char kBundleArtifactsDir[] = "artifacts/";
inline constexpr char kBundleAttestationsDir[] = "attestations/";
inline constexpr char kBundleDeployablesDir[] = "deployables/";
inline constexpr char kBundleLicensesDir[] = "licenses/";
inline constexpr char kUnsignedStatementSuffix[] = ".statement.json";
inline constexpr char kSignedEnvelopeSuffix[] = ".dsse.json";
inline constexpr char kBundleManifestMediaType[] = "application/vnd.fnseal.manifest.v1+json";

// A cloud deployable, shipped at deployables/<target>/<file_name> and listed in the manifest.
struct BundleDeployable {
  std::string target;       // the cloud target that made it, e.g. "aws_lambda" ([a-z0-9_]+)
  std::string format;       // "zip" or "oci-tar", as the manifest records it
  std::string source_path;  // the file on disk
  std::string file_name;    // one safe path component, e.g. "hello.zip"
  // How its handler is linked, as the target's check found it ("linking": "static", "machine",
  // "needed", "max_glibc"); recorded in the manifest when not empty.
  std::map<std::string, std::string> handler;
};

// An attestation besides the provenance. `make` receives the subjects of what the function
// ships (its artifact and deployables, with their sha256) and returns a serialized in-toto
// statement, stored unsigned at attestations/<name>.statement.json.
struct BundleAttestation {
  std::string name;  // [a-z0-9.-]+, not "provenance"
  std::function<Result<std::string>(const std::vector<Subject>& shipped)> make;
};

// What a bundle is built from.
struct BundleSpec {
  std::string function_name;   // [A-Za-z0-9._-]+
  std::string entrypoint;      // path inside the artifact of the handler to start
  std::string runtime;         // e.g. "provided.al2023"
  std::string artifact_path;   // the function's deterministic tar on disk
  ProvenanceFacts provenance;  // subjects are filled in from the bundle's files
  ZstdOptions compression;
  std::vector<BundleDeployable> deployables;
  // Files under licenses/: `path` relative to it (e.g. "verdict.json", "zlib/LICENSE").
  std::vector<ArchiveInput> license_files;
  std::vector<BundleAttestation> attestations;
  WriteOptions write;  // whether the bundle is fsynced (core/file.h); the bytes are the same
};

// Builds an unsigned bundle at `output_path`: every file it ships is a subject of the provenance
// statement. InvalidArgument for a bad name, a missing or non-executable entrypoint, a
// deployable target or file name that is not a safe name, two files at one path, or an extra
// attestation that is not a Statement v1; nothing is written then.
Status BuildBundle(const BundleSpec& spec, const std::string& output_path);

// Limits when reading an untrusted bundle; exceeding one is ResourceExhausted. The attestations
// are the only entries held in memory, so their count and total size bound the memory a read
// (and a verification) takes, whatever the bundle claims; each is checked against the entry's
// size in its tar header before any byte of it is read.
struct BundleLimits {
  ZstdLimits zstd;
  TarLimits tar;
  uint64_t max_attestation_size = 16 << 20;    // one attestation file
  uint64_t max_attestations_size = 32 << 20;   // all attestation files together
  size_t max_attestations = 64;                // attestation files
  uint64_t max_manifest_size = 1 << 20;
};

struct BundleFile {
  std::string path;
  uint64_t size = 0;
  uint32_t mode = 0;
  std::string sha256;   // lowercase hex
  std::string content;  // always for manifest.json; for other files only with keep_contents
  std::string spooled;  // with a spool directory: the file holding its bytes, else empty
};

struct BundleContents {
  std::vector<BundleFile> files;                    // outside attestations/, archive order
  std::vector<std::string> directories;             // every directory entry
  std::map<std::string, std::string> attestations;  // path -> bytes
};

// Reads and hashes every entry of a bundle in one streaming pass. The manifest's bytes are
// always kept (it is at most max_manifest_size); other files' only if `keep_contents`, or -
// in files named by BundleFile::spooled, so that memory stays bounded - in the existing
// directory `spool_dir` when it is not empty. DataLoss for a corrupt or truncated bundle,
// InvalidArgument for hostile entries (see TarReader).
Result<BundleContents> ReadBundle(const std::string& path, bool keep_contents, const BundleLimits& limits = {},
                                  const std::string& spool_dir = "");

// Whether the file at `path` is to be treated as a bundle: its name ends in ".fnb" or it starts
// with the zstd frame magic. Says nothing about its validity. NotFound if it does not exist.
Result<bool> LooksLikeBundle(const std::string& path);

// Signs every attestation of the bundle at `input_path` with each of `keys` and writes the
// result to `output_path` (which may equal `input_path`) atomically, with exactly `mode` when
// given. Unsigned statements become DSSE envelopes; existing envelopes gain a signature.
// FailedPrecondition if a key already signed. Memory is bounded by the attestation limits
// (BundleLimits): the other files are streamed through a temporary directory next to the
// output, removed on every path.
Status SignBundle(const std::string& input_path, const std::vector<PrivateKey>& keys, const std::string& output_path,
                  const ZstdOptions& compression = {}, std::optional<uint32_t> mode = std::nullopt);

// Writes `files` (and `attestations`) as a bundle: sorted deterministic tar, one zstd frame,
// with exactly `mode` when given, synced as `write` says.
Status WriteBundleArchive(const std::vector<ArchiveInput>& files, const std::string& output_path,
                          const ZstdOptions& compression, std::optional<uint32_t> mode = std::nullopt,
                          const WriteOptions& write = {});

}  // namespace fnseal

#endif  // FNSEAL_BUNDLE_BUNDLE_H_
