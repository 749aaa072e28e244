#include "provenance/verification/attestation_verifier.h"

#include <algorithm>

#include "core/file.h"
#include "core/io.h"
#include "core/json.h"
#include "core/sha256.h"

namespace fnseal {
namespace {

std::string BaseName(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Hashes the file at `path` as a stream.
Result<VerifiedFile> HashArtifact(const std::string& path) {
  ASSIGN_OR_RETURN(auto source, FileSource::Open(path));
  Sha256 hash;
  VerifiedFile artifact;
  artifact.path = path;
  std::string buffer(1 << 20, '\0');
  for (;;) {
    ASSIGN_OR_RETURN(size_t n, source->Read(buffer.data(), buffer.size()));
    if (n == 0) break;
    hash.Update(buffer.data(), n);
    artifact.size += n;
  }
  artifact.sha256 = hash.FinishHex();
  return artifact;
}

}  // namespace

std::string_view AttestationFormatName(AttestationFormat format) {
  switch (format) {
    case AttestationFormat::kDsseEnvelope:
      return "dsse";
    case AttestationFormat::kJsonLines:
      return "jsonl";
    case AttestationFormat::kSigstoreBundle:
      return "sigstore-bundle";
  }
  return "unknown";
}

Result<AttestationFile> ParseAttestationFile(std::string_view bytes, const AttestationLimits& limits) {
  if (bytes.size() > limits.max_file_size) {
    return ResourceExhaustedError("attestation file is " + std::to_string(bytes.size()) + " bytes, more than the " +
                                  std::to_string(limits.max_file_size) + "-byte limit");
  }
  AttestationFile file;
  // One JSON document: a Sigstore bundle or a single envelope.
  JsonLimits json_limits;
  json_limits.max_size = limits.max_file_size;
  Result<Json> whole = ParseJsonStrict(bytes, "attestation", json_limits);
  if (whole.ok()) {
    if (whole->is_object() && whole->contains("mediaType")) {
      file.format = AttestationFormat::kSigstoreBundle;
      ASSIGN_OR_RETURN(DsseEnvelope envelope, ImportSigstoreBundle(bytes, limits.sigstore));
      file.envelopes.push_back(std::move(envelope));
      return file;
    }
    file.format = AttestationFormat::kDsseEnvelope;
    ASSIGN_OR_RETURN(DsseEnvelope envelope, ParseDsseEnvelope(bytes, limits.dsse));
    file.envelopes.push_back(std::move(envelope));
    return file;
  }
  if (whole.status().code() == StatusCode::kResourceExhausted) return whole.status();

  // Otherwise JSON Lines: one envelope per non-empty line. A single document that failed to
  // parse keeps its own error, which says more than a JSON Lines one would.
  auto is_blank = [](std::string_view line) { return line.find_first_not_of(" \t\r") == std::string_view::npos; };
  size_t documents = 0;
  for (size_t start = 0; start < bytes.size() && documents < 2;) {
    size_t end = std::min(bytes.find('\n', start), bytes.size());
    if (!is_blank(bytes.substr(start, end - start))) ++documents;
    start = end + 1;
  }
  if (documents < 2) return whole.status();
  file.format = AttestationFormat::kJsonLines;
  size_t line_number = 0;
  size_t non_empty = 0;
  for (size_t start = 0; start < bytes.size();) {
    size_t end = bytes.find('\n', start);
    if (end == std::string_view::npos) end = bytes.size();
    std::string_view line = bytes.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (is_blank(line)) continue;
    if (++non_empty > limits.max_envelopes) {
      return ResourceExhaustedError("attestation file has more than " + std::to_string(limits.max_envelopes) +
                                    " envelopes");
    }
    ASSIGN_OR_RETURN(DsseEnvelope envelope,
                     ParseDsseEnvelope(line, limits.dsse).Annotate("line " + std::to_string(line_number)));
    file.envelopes.push_back(std::move(envelope));
  }
  return file;
}

Result<AttestationFile> ReadAttestationFile(const std::string& path, const AttestationLimits& limits) {
  ASSIGN_OR_RETURN(std::string bytes, ReadFile(path, limits.max_file_size).Annotate(path));
  return ParseAttestationFile(bytes, limits).Annotate(path);
}

std::string AttestationEntity::Kind() const { return std::string(AttestationFormatName(file_.format)); }

std::string AttestationEntity::EnvelopeName(size_t index) const {
  if (file_.format == AttestationFormat::kSigstoreBundle) return "sigstore bundle";
  return "envelope #" + std::to_string(index + 1);
}

Status AttestationEntity::CheckFiles(Verification* out) const {
  for (const std::string& path : artifact_paths_) {
    ASSIGN_OR_RETURN(VerifiedFile artifact, HashArtifact(path).Annotate("artifact"));
    const Subject* match = nullptr;
    for (const VerifiedStatement& statement : out->statements) {
      for (const Subject& subject : statement.subjects) {
        auto sha256 = subject.digest.find("sha256");
        if (sha256 == subject.digest.end() || sha256->second != artifact.sha256) continue;
        if (match == nullptr || subject.name == BaseName(path)) match = &subject;
      }
    }
    if (match == nullptr) {
      return PermissionDeniedError("artifact '" + path + "' (sha256 " + artifact.sha256.substr(0, 16) +
                                   "...) is not a subject of any verified statement");
    }
    artifact.subject_name = match->name;
    out->files.push_back(std::move(artifact));
  }
  return OkStatus();
}

Result<Verification> VerifyAttestations(const AttestationFile& file, const std::vector<PublicKey>& trusted_keys,
                                        int threshold, const std::vector<std::string>& artifact_paths) {
  RETURN_IF_ERROR(CheckTrustedKeys(trusted_keys, threshold));
  if (file.envelopes.empty()) return PermissionDeniedError("attestation file holds no envelope");
  return Verify(AttestationEntity(file, artifact_paths), trusted_keys, threshold);
}

}  // namespace fnseal
