#include "provenance/verification/bundle_verifier.h"

#include <algorithm>
#include <map>
#include <set>

#include "core/json.h"
#include "core/strings.h"
#include "provenance/signing/dsse.h"
#include "provenance/statement/statement.h"

namespace fnseal {
namespace {

// Reads the function's name and entrypoint from the (already digest-checked) manifest.
Status ReadManifest(const std::string& bytes, BundleVerification* out) {
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
  out->function_name = *name;
  out->entrypoint = *entrypoint;
  return OkStatus();
}

}  // namespace

Result<BundleVerification> VerifyBundle(const std::string& bundle_path, const std::vector<PublicKey>& trusted_keys,
                                        int threshold, const BundleLimits& limits) {
  if (trusted_keys.empty()) return InvalidArgumentError("no trusted key given");
  if (threshold < 1) return InvalidArgumentError("signature threshold must be at least 1");
  ASSIGN_OR_RETURN(BundleContents contents, ReadBundle(bundle_path, /*keep_contents=*/false, limits));
  if (contents.attestations.empty()) return PermissionDeniedError("bundle has no attestations");

  BundleVerification out;
  std::map<std::string, std::string> signed_digests;  // subject name -> sha256
  std::set<std::string> signers;  // the union: see BundleVerification::key_ids
  for (const auto& [path, bytes] : contents.attestations) {
    if (EndsWith(path, kUnsignedStatementSuffix)) {
      return PermissionDeniedError("bundle is not signed: '" + path + "' is an unsigned statement");
    }
    if (!EndsWith(path, kSignedEnvelopeSuffix)) {
      return PermissionDeniedError("bundle attestation '" + path + "' is not a DSSE envelope");
    }
    ASSIGN_OR_RETURN(DsseEnvelope envelope, ParseDsseEnvelope(bytes).Annotate(path));
    ASSIGN_OR_RETURN(VerifiedPayload verified, VerifyDsseEnvelope(envelope, trusted_keys, threshold).Annotate(path));
    if (verified.payload_type != kInTotoPayloadType) {
      return PermissionDeniedError(path + ": payload type '" + verified.payload_type + "' is not " +
                                   kInTotoPayloadType);
    }
    ASSIGN_OR_RETURN(Statement statement, ParseStatement(verified.payload).Annotate(path));
    for (const Subject& subject : statement.subjects) {
      auto sha256 = subject.digest.find("sha256");
      if (sha256 == subject.digest.end()) {
        return PermissionDeniedError(path + ": subject '" + subject.name + "' has no sha256 digest");
      }
      auto [it, inserted] = signed_digests.emplace(subject.name, sha256->second);
      if (!inserted && it->second != sha256->second) {
        return PermissionDeniedError("attestations disagree on the digest of '" + subject.name + "'");
      }
    }
    std::set<std::string> keys(verified.key_ids.begin(), verified.key_ids.end());
    signers.insert(keys.begin(), keys.end());
    out.attestation_key_ids.emplace_back(keys.begin(), keys.end());
    out.attestations.push_back(path);
    out.statements.push_back(std::move(verified.payload));
    out.predicate_types.push_back(statement.predicate_type);
  }

  std::set<std::string> seen;
  std::set<std::string> parents;
  for (const BundleFile& file : contents.files) {
    auto it = signed_digests.find(file.path);
    if (it == signed_digests.end()) {
      return PermissionDeniedError("bundle file '" + file.path + "' is not named by any signed statement");
    }
    if (it->second != file.sha256) {
      return PermissionDeniedError("bundle file '" + file.path + "' does not match its signed digest (signed " +
                                   it->second.substr(0, 16) + "..., found " + file.sha256.substr(0, 16) + "...)");
    }
    seen.insert(file.path);
    for (size_t slash = file.path.find('/'); slash != std::string::npos; slash = file.path.find('/', slash + 1)) {
      parents.insert(file.path.substr(0, slash));
    }
  }
  for (const auto& [path, bytes] : contents.attestations) {
    for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      parents.insert(path.substr(0, slash));
    }
  }
  for (const auto& [name, digest] : signed_digests) {
    if (!seen.count(name)) {
      return PermissionDeniedError("bundle is missing '" + name + "', which a signed statement names");
    }
  }
  for (const std::string& dir : contents.directories) {
    if (!parents.count(dir)) {
      return PermissionDeniedError("bundle directory '" + dir + "' holds no signed file");
    }
  }
  if (!seen.count(kBundleManifestPath)) return PermissionDeniedError("bundle has no manifest.json");
  // The manifest's digest is verified above; now it may be parsed.
  for (const BundleFile& file : contents.files) {
    if (file.path == kBundleManifestPath) RETURN_IF_ERROR(ReadManifest(file.content, &out));
  }
  out.files = std::move(contents.files);
  out.key_ids.assign(signers.begin(), signers.end());
  return out;
}

}  // namespace fnseal
