#include "bundle/verify/bundle_verifier.h"

#include <sys/stat.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "core/json.h"
#include "core/strings.h"
#include "provenance/signing/dsse.h"

namespace fnseal {
namespace {

// Reads the function's name and entrypoint from the (already digest-checked) manifest.
Result<VerifiedFunction> ReadManifest(const std::string& bytes) {
  ASSIGN_OR_RETURN(Json manifest, ParseJsonStrict(bytes, "manifest"));
  const std::string* media_type = FindString(manifest, "mediaType");
  if (media_type == nullptr || *media_type != kBundleManifestMediaType) {
    return PermissionDeniedError(std::string("manifest mediaType is not ") + kBundleManifestMediaType);
  }
  const Json* function = FindObject(manifest, "function");
  const std::string* name = function != nullptr ? FindString(*function, "name") : nullptr;
  const std::string* entrypoint = function != nullptr ? FindString(*function, "entrypoint") : nullptr;
  if (name == nullptr || entrypoint == nullptr) {
    return PermissionDeniedError("manifest does not name the function and its entrypoint");
  }
  return VerifiedFunction{*name, *entrypoint};
}

// Every directory that holds `path`: "a/b/c" gives "a" and "a/b".
void AddParents(const std::string& path, std::set<std::string>* parents) {
  for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
    parents->insert(path.substr(0, slash));
  }
}

// Subject name -> sha256 of `statements`, each of which passed CheckStatement (so every subject
// has a sha256 and no two disagree).
std::map<std::string, std::string> SignedDigests(const std::vector<VerifiedStatement>& statements) {
  std::map<std::string, std::string> digests;
  for (const VerifiedStatement& statement : statements) {
    for (const Subject& subject : statement.subjects) {
      auto sha256 = subject.digest.find("sha256");
      if (sha256 != subject.digest.end()) digests.emplace(subject.name, sha256->second);
    }
  }
  return digests;
}

}  // namespace

BundleEntity::BundleEntity(std::shared_ptr<const BundleContents> contents) : contents_(std::move(contents)) {
  for (const auto& [path, bytes] : contents_->attestations) names_.push_back(path);
}

Result<std::unique_ptr<BundleEntity>> BundleEntity::Read(const std::string& path, const BundleLimits& limits) {
  ASSIGN_OR_RETURN(BundleContents contents, ReadBundle(path, /*keep_contents=*/false, limits));
  return FromContents(std::make_shared<const BundleContents>(std::move(contents)));
}

Result<std::unique_ptr<BundleEntity>> BundleEntity::FromContents(std::shared_ptr<const BundleContents> contents) {
  if (contents->attestations.empty()) return PermissionDeniedError("bundle has no attestations");
  return std::unique_ptr<BundleEntity>(new BundleEntity(std::move(contents)));
}

Result<DsseEnvelope> BundleEntity::Envelope(size_t index) const {
  const std::string& path = names_[index];
  if (EndsWith(path, kUnsignedStatementSuffix)) {
    return PermissionDeniedError("bundle is not signed: '" + path + "' is an unsigned statement");
  }
  if (!EndsWith(path, kSignedEnvelopeSuffix)) {
    return PermissionDeniedError("bundle attestation '" + path + "' is not a DSSE envelope");
  }
  auto bytes = contents_->attestations.find(path);  // names_ holds its keys: always found
  if (bytes == contents_->attestations.end()) return InternalError("bundle attestation '" + path + "' vanished");
  return ParseDsseEnvelope(bytes->second).Annotate(path);
}

Status BundleEntity::CheckStatement(const VerifiedStatement& statement,
                                    const std::vector<VerifiedStatement>& earlier) const {
  std::map<std::string, std::string> signed_digests = SignedDigests(earlier);
  for (const Subject& subject : statement.subjects) {
    auto sha256 = subject.digest.find("sha256");
    if (sha256 == subject.digest.end()) {
      return PermissionDeniedError(statement.name + ": subject '" + subject.name + "' has no sha256 digest");
    }
    auto [it, inserted] = signed_digests.emplace(subject.name, sha256->second);
    if (!inserted && it->second != sha256->second) {
      return PermissionDeniedError("attestations disagree on the digest of '" + subject.name + "'");
    }
  }
  return OkStatus();
}

Status BundleEntity::CheckFiles(Verification* out) const {
  const std::map<std::string, std::string> signed_digests = SignedDigests(out->statements);
  std::set<std::string> seen;
  std::set<std::string> parents;
  for (const BundleFile& file : contents_->files) {
    auto it = signed_digests.find(file.path);
    if (it == signed_digests.end()) {
      return PermissionDeniedError("bundle file '" + file.path + "' is not named by any signed statement");
    }
    if (it->second != file.sha256) {
      return PermissionDeniedError("bundle file '" + file.path + "' does not match its signed digest (signed " +
                                   it->second.substr(0, 16) + "..., found " + file.sha256.substr(0, 16) + "...)");
    }
    seen.insert(file.path);
    AddParents(file.path, &parents);
  }
  for (const std::string& path : names_) AddParents(path, &parents);
  for (const auto& [name, digest] : signed_digests) {
    if (!seen.count(name)) {
      return PermissionDeniedError("bundle is missing '" + name + "', which a signed statement names");
    }
  }
  for (const std::string& dir : contents_->directories) {
    if (!parents.count(dir)) {
      return PermissionDeniedError("bundle directory '" + dir + "' holds no signed file");
    }
  }
  if (!seen.count(kBundleManifestPath)) return PermissionDeniedError("bundle has no manifest.json");
  // The manifest's digest is verified above; now it may be parsed.
  for (const BundleFile& file : contents_->files) {
    if (file.path == kBundleManifestPath) {
      ASSIGN_OR_RETURN(out->function, ReadManifest(file.content));
    }
  }
  for (const BundleFile& file : contents_->files) out->files.push_back({file.path, file.sha256, file.size, file.path});
  return OkStatus();
}

Result<Verification> VerifyBundle(const std::string& bundle_path, const std::vector<PublicKey>& trusted_keys,
                                  int threshold, const BundleLimits& limits) {
  RETURN_IF_ERROR(CheckTrustedKeys(trusted_keys, threshold));
  ASSIGN_OR_RETURN(std::unique_ptr<BundleEntity> entity, BundleEntity::Read(bundle_path, limits));
  return Verify(*entity, trusted_keys, threshold);
}

BundleLimits BundleLimitsFor(const TrustPolicy& policy) {
  BundleLimits limits;
  if (policy.max_bundle_bytes > 0) {
    limits.zstd.max_content_size = std::min(limits.zstd.max_content_size, policy.max_bundle_bytes);
  }
  if (policy.max_attestation_bytes > 0) {
    limits.max_attestation_size = std::min(limits.max_attestation_size, policy.max_attestation_bytes);
  }
  return limits;
}

Status CheckBundleFileSize(const std::string& bundle_path, const TrustPolicy& policy) {
  struct stat st {};
  if (policy.max_bundle_bytes > 0 && ::stat(bundle_path.c_str(), &st) == 0 &&
      static_cast<uint64_t>(st.st_size) > policy.max_bundle_bytes) {
    return ResourceExhaustedError("bundle is " + std::to_string(st.st_size) + " bytes, more than maxBundleBytes " +
                                  std::to_string(policy.max_bundle_bytes));
  }
  return OkStatus();
}

Result<PolicyVerification> VerifyBundleWithPolicy(const std::string& bundle_path, const TrustPolicy& policy,
                                                  int64_t now_unix_seconds) {
  // Rule 'limits': the file itself, then the decompressed contents and each attestation.
  SignedEntityOpener open = [&]() -> Result<std::unique_ptr<SignedEntity>> {
    RETURN_IF_ERROR(CheckBundleFileSize(bundle_path, policy));
    ASSIGN_OR_RETURN(std::unique_ptr<BundleEntity> entity, BundleEntity::Read(bundle_path, BundleLimitsFor(policy)));
    return std::unique_ptr<SignedEntity>(std::move(entity));
  };
  return VerifyWithPolicy(open, policy, now_unix_seconds);
}

Result<PolicyVerification> VerifyBundleContentsWithPolicy(std::shared_ptr<const BundleContents> contents,
                                                          const TrustPolicy& policy, int64_t now_unix_seconds) {
  SignedEntityOpener open = [&]() -> Result<std::unique_ptr<SignedEntity>> {
    ASSIGN_OR_RETURN(std::unique_ptr<BundleEntity> entity, BundleEntity::FromContents(contents));
    return std::unique_ptr<SignedEntity>(std::move(entity));
  };
  return VerifyWithPolicy(open, policy, now_unix_seconds);
}

}  // namespace fnseal
