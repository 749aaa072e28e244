#include "bundle/bundle.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <map>
#include <tuple>

#include "core/file.h"
#include "core/io.h"
#include "core/json.h"
#include "core/sha256.h"
#include "core/strings.h"
#include "provenance/signing/dsse.h"

namespace fnseal {
namespace {

Status ValidateFunctionName(const std::string& name) {
  if (name.empty() || name.size() > 128) return InvalidArgumentError("function name must be 1 to 128 characters");
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return InvalidArgumentError("function name '" + name + "' may only use letters, digits, '.', '_', '-'");
  }
  if (name == "." || name == "..") return InvalidArgumentError("function name '" + name + "' is reserved");
  return OkStatus();
}

// Target names, attestation names and deployable file names become single path components.
Status ValidateName(std::string_view what, const std::string& name, std::string_view extra_chars) {
  if (name.empty() || name.size() > 128)
    return InvalidArgumentError(std::string(what) + " must be 1 to 128 characters");
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || extra_chars.find(c) != std::string_view::npos;
    if (!ok) {
      return InvalidArgumentError(std::string(what) + " '" + name + "' may only use lowercase letters, digits and '" +
                                  std::string(extra_chars) + "'");
    }
  }
  if (name == "." || name == ".." || name.front() == '.') {
    return InvalidArgumentError(std::string(what) + " '" + name + "' may not start with '.'");
  }
  return OkStatus();
}

}  // namespace

Status WriteBundleArchive(const std::vector<ArchiveInput>& files, const std::string& output_path,
                          const ZstdOptions& compression, std::optional<uint32_t> mode, const WriteOptions& write) {
  ASSIGN_OR_RETURN(TarPlan plan, PlanTar(files));
  ASSIGN_OR_RETURN(auto out, AtomicFile::Create(output_path, 0644, write));
  if (mode) RETURN_IF_ERROR(out->SetMode(*mode));
  ASSIGN_OR_RETURN(auto zstd, ZstdWriter::Create(out.get(), plan.archive_size, compression));
  RETURN_IF_ERROR(WriteTar(plan, zstd.get()));
  RETURN_IF_ERROR(zstd->Finish());
  return out->Commit();
}

Status BuildBundle(const BundleSpec& spec, const std::string& output_path) {
  RETURN_IF_ERROR(ValidateFunctionName(spec.function_name));
  if (spec.entrypoint.empty()) return InvalidArgumentError("the function needs an entrypoint");
  const std::string artifact_name = std::string(kBundleArtifactsDir) + spec.function_name + ".tar";
  ASSIGN_OR_RETURN(std::string artifact_sha256,
                   Sha256FileHex(spec.artifact_path).Annotate("reading the function artifact"));
  // The entrypoint must exist in the artifact and be executable.
  {
    ASSIGN_OR_RETURN(auto source, FileSource::Open(spec.artifact_path));
    TarReader reader(source.get());
    TarEntryInfo entry;
    bool found = false;
    for (;;) {
      ASSIGN_OR_RETURN(bool more, reader.Next(&entry).Annotate("reading the function artifact"));
      if (!more) break;
      if (entry.path == spec.entrypoint) {
        if (entry.is_directory || !entry.executable) {
          return InvalidArgumentError("entrypoint '" + spec.entrypoint + "' is not an executable file");
        }
        found = true;
      }
    }
    if (!found) return InvalidArgumentError("entrypoint '" + spec.entrypoint + "' is not in the function artifact");
  }

  std::vector<ArchiveInput> files(2);
  files[0].path = kBundleManifestPath;
  files[1].path = artifact_name;
  files[1].source_path = spec.artifact_path;
  std::vector<Subject> shipped = {{artifact_name, {{"sha256", artifact_sha256}}}};
  std::map<std::string, std::string> hashed = {{artifact_name, artifact_sha256}};  // path -> sha256

  // Sorted by their place in the bundle, so argument order does not change the bytes.
  std::vector<BundleDeployable> sorted_deployables = spec.deployables;
  std::sort(sorted_deployables.begin(), sorted_deployables.end(), [](const auto& a, const auto& b) {
    return std::tie(a.target, a.file_name) < std::tie(b.target, b.file_name);
  });
  Json deployables = Json::array();
  for (const BundleDeployable& d : sorted_deployables) {
    RETURN_IF_ERROR(ValidateName("deployable target", d.target, "_"));
    RETURN_IF_ERROR(ValidateName("deployable file name", d.file_name, "._-"));
    if (d.format != "zip" && d.format != "oci-tar") {
      return InvalidArgumentError("deployable format '" + d.format + "' is neither zip nor oci-tar");
    }
    ArchiveInput input;
    input.path = std::string(kBundleDeployablesDir) + d.target + "/" + d.file_name;
    input.source_path = d.source_path;
    ASSIGN_OR_RETURN(std::string sha256, Sha256FileHex(d.source_path).Annotate("reading deployable " + input.path));
    Json entry = {{"target", d.target}, {"format", d.format}, {"path", input.path}, {"sha256", sha256}};
    if (!d.handler.empty()) entry["handler"] = d.handler;
    deployables.push_back(std::move(entry));
    shipped.push_back({input.path, {{"sha256", sha256}}});
    hashed[input.path] = sha256;
    files.push_back(std::move(input));
  }
  for (const ArchiveInput& license : spec.license_files) {
    ArchiveInput input = license;
    input.path = std::string(kBundleLicensesDir) + license.path;
    input.executable = false;
    files.push_back(std::move(input));
  }

  Json manifest = {
      {"mediaType", kBundleManifestMediaType},
      {"function", {{"name", spec.function_name}, {"entrypoint", spec.entrypoint}, {"runtime", spec.runtime}}},
      {"artifacts", Json::array({{{"path", artifact_name}, {"format", "tar"}, {"sha256", artifact_sha256}}})}};
  if (!deployables.empty()) manifest["deployables"] = std::move(deployables);
  files[0].content = PrettyJsonDump(manifest);

  // The provenance names every file the bundle ships; WriteBundleArchive refuses duplicates.
  Statement statement;
  statement.predicate_type = kSlsaProvenanceV1;
  statement.predicate = BuildSlsaProvenance(spec.provenance);
  for (const ArchiveInput& file : files) {
    std::string sha256;
    if (file.source_path.empty()) {
      sha256 = Sha256Hex(file.content);
    } else if (auto it = hashed.find(file.path); it != hashed.end()) {
      sha256 = it->second;
    } else {
      ASSIGN_OR_RETURN(sha256, Sha256FileHex(file.source_path).Annotate("reading " + file.path));
    }
    statement.subjects.push_back({file.path, {{"sha256", sha256}}});
  }
  std::sort(statement.subjects.begin(), statement.subjects.end(),
            [](const Subject& a, const Subject& b) { return a.name < b.name; });
  std::sort(shipped.begin(), shipped.end(), [](const Subject& a, const Subject& b) { return a.name < b.name; });
  std::vector<std::string> names = {"provenance"};
  ArchiveInput provenance;
  provenance.path = std::string(kBundleAttestationsDir) + "provenance" + kUnsignedStatementSuffix;
  provenance.content = SerializeStatement(statement);
  files.push_back(std::move(provenance));
  for (const BundleAttestation& attestation : spec.attestations) {
    RETURN_IF_ERROR(ValidateName("attestation name", attestation.name, ".-"));
    if (std::find(names.begin(), names.end(), attestation.name) != names.end()) {
      return InvalidArgumentError("attestation name '" + attestation.name + "' is used twice");
    }
    names.push_back(attestation.name);
    ArchiveInput input;
    input.path = std::string(kBundleAttestationsDir) + attestation.name + kUnsignedStatementSuffix;
    ASSIGN_OR_RETURN(input.content, attestation.make(shipped).Annotate("attestation " + attestation.name));
    RETURN_IF_ERROR(ParseStatement(input.content).status().Annotate("attestation " + attestation.name));
    files.push_back(std::move(input));
  }
  return WriteBundleArchive(files, output_path, spec.compression, std::nullopt, spec.write);
}

Result<bool> LooksLikeBundle(const std::string& path) {
  if (EndsWith(path, ".fnb")) return true;
  ASSIGN_OR_RETURN(auto source, FileSource::Open(path));
  unsigned char magic[4] = {};
  ASSIGN_OR_RETURN(size_t n, source->Read(magic, sizeof(magic)));
  return n == 4 && magic[0] == 0x28 && magic[1] == 0xb5 && magic[2] == 0x2f && magic[3] == 0xfd;
}


Result<BundleContents> ReadBundle(const std::string& path, bool keep_contents, const BundleLimits& limits,
                                  const std::string& spool_dir) {
  ASSIGN_OR_RETURN(auto source, FileSource::Open(path));
  ZstdReader zstd(source.get(), limits.zstd);
  TarReader tar(&zstd, limits.tar);
  BundleContents contents;
  TarEntryInfo entry;
  std::string buffer(1 << 16, '\0');
  uint64_t attestation_bytes = 0;
  for (;;) {
    ASSIGN_OR_RETURN(bool more, tar.Next(&entry));
    if (!more) break;
    if (entry.is_directory) {
      contents.directories.push_back(entry.path);
      continue;
    }
    if (StartsWith(entry.path, kBundleAttestationsDir)) {
      if (contents.attestations.size() >= limits.max_attestations) {
        return ResourceExhaustedError("bundle holds more than " + std::to_string(limits.max_attestations) +
                                      " attestation files");
      }
      if (entry.size > limits.max_attestation_size) {
        return ResourceExhaustedError("attestation '" + entry.path + "' is " + std::to_string(entry.size) +
                                      " bytes, over the limit of " + std::to_string(limits.max_attestation_size));
      }
      if (entry.size > limits.max_attestations_size - attestation_bytes) {
        return ResourceExhaustedError("the bundle's attestations are over the limit of " +
                                      std::to_string(limits.max_attestations_size) + " bytes together (at '" +
                                      entry.path + "')");
      }
      attestation_bytes += entry.size;
      ASSIGN_OR_RETURN(std::string bytes, tar.ReadAll(limits.max_attestation_size).Annotate(entry.path));
      contents.attestations.emplace(entry.path, std::move(bytes));
      continue;
    }
    const bool is_manifest = entry.path == kBundleManifestPath;
    if (is_manifest && entry.size > limits.max_manifest_size) {
      return ResourceExhaustedError("bundle manifest is larger than the limit of " +
                                    std::to_string(limits.max_manifest_size) + " bytes");
    }
    BundleFile file;
    file.path = entry.path;
    file.size = entry.size;
    file.mode = entry.mode;
    // Spooled files are named by their place in the archive, never by their (untrusted) path,
    // and not fsynced: they are read back at once and removed with their directory.
    UniqueFd spool_fd;
    std::optional<FdSink> spool;
    if (!spool_dir.empty() && !is_manifest) {
      file.spooled = spool_dir + "/" + std::to_string(contents.files.size());
      spool_fd.Reset(::open(file.spooled.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
      if (spool_fd.get() < 0) return ErrnoError("cannot create", file.spooled, errno);
      spool.emplace(spool_fd.get(), file.spooled);
    }
    Sha256 hash;
    for (;;) {
      ASSIGN_OR_RETURN(size_t n, tar.Read(buffer.data(), buffer.size()));
      if (n == 0) break;
      hash.Update(buffer.data(), n);
      if (spool) {
        RETURN_IF_ERROR(spool->Write(std::string_view(buffer.data(), n)));
      } else if (keep_contents || is_manifest) {
        file.content.append(buffer.data(), n);
      }
    }
    file.sha256 = hash.FinishHex();
    contents.files.push_back(std::move(file));
  }
  return contents;
}

Status SignBundle(const std::string& input_path, const std::vector<PrivateKey>& keys, const std::string& output_path,
                  const ZstdOptions& compression, std::optional<uint32_t> mode) {
  if (keys.empty()) return InvalidArgumentError("no signing key given");
  ASSIGN_OR_RETURN(TemporaryDirectory spool, TemporaryDirectory::CreateNextTo(output_path));
  ASSIGN_OR_RETURN(BundleContents contents,
                   ReadBundle(input_path, /*keep_contents=*/false, {}, spool.path()).Annotate(input_path));
  if (contents.attestations.empty()) return FailedPreconditionError("bundle '" + input_path + "' has no attestations");
  std::vector<ArchiveInput> files;
  for (BundleFile& file : contents.files) {
    ArchiveInput input;
    input.path = file.path;
    input.executable = (file.mode & 0111) != 0;
    if (file.spooled.empty()) {
      input.content = std::move(file.content);  // the manifest, which is kept in memory
    } else {
      input.source_path = file.spooled;
    }
    files.push_back(std::move(input));
  }
  for (auto& [path, bytes] : contents.attestations) {
    DsseEnvelope envelope;
    std::string signed_path;
    if (EndsWith(path, kUnsignedStatementSuffix)) {
      // Check it is a statement before vouching for it.
      RETURN_IF_ERROR(ParseStatement(bytes).status().Annotate(path));
      envelope.payload_type = kInTotoPayloadType;
      envelope.payload = bytes;
      signed_path =
          path.substr(0, path.size() - std::string_view(kUnsignedStatementSuffix).size()) + kSignedEnvelopeSuffix;
    } else if (EndsWith(path, kSignedEnvelopeSuffix)) {
      ASSIGN_OR_RETURN(envelope, ParseDsseEnvelope(bytes).Annotate(path));
      signed_path = path;
    } else {
      return InvalidArgumentError("bundle attestation '" + path + "' is neither a statement nor an envelope");
    }
    for (const PrivateKey& key : keys) RETURN_IF_ERROR(AddDsseSignature(&envelope, key).Annotate(path));
    ArchiveInput input;
    input.path = signed_path;
    input.content = SerializeDsseEnvelope(envelope);
    files.push_back(std::move(input));
  }
  return WriteBundleArchive(files, output_path, compression, mode);
}

}  // namespace fnseal
