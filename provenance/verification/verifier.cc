#include "provenance/verification/verifier.h"

#include <set>
#include <utility>

namespace fnseal {

Status CheckTrustedKeys(const std::vector<PublicKey>& trusted_keys, int threshold) {
  if (trusted_keys.empty()) return InvalidArgumentError("no trusted key given");
  if (threshold < 1) return InvalidArgumentError("signature threshold must be at least 1");
  return OkStatus();
}

Result<Verification> Verify(const SignedEntity& entity, const std::vector<PublicKey>& trusted_keys, int threshold) {
  RETURN_IF_ERROR(CheckTrustedKeys(trusted_keys, threshold));
  Verification out;
  out.kind = entity.Kind();
  if (entity.EnvelopeCount() == 0) return PermissionDeniedError(out.kind + " holds no signed envelope");
  std::set<std::string> signers;  // the union: see Verification::key_ids
  for (size_t i = 0; i < entity.EnvelopeCount(); ++i) {
    const std::string name = entity.EnvelopeName(i);
    ASSIGN_OR_RETURN(DsseEnvelope envelope, entity.Envelope(i));
    ASSIGN_OR_RETURN(VerifiedPayload verified, VerifyDsseEnvelope(envelope, trusted_keys, threshold).Annotate(name));
    if (verified.payload_type != kInTotoPayloadType) {
      return PermissionDeniedError(name + ": payload type '" + verified.payload_type + "' is not " +
                                   kInTotoPayloadType);
    }
    // Verified above: only now are the payload bytes parsed.
    ASSIGN_OR_RETURN(Statement parsed, ParseStatement(verified.payload).Annotate(name));
    std::set<std::string> keys(verified.key_ids.begin(), verified.key_ids.end());
    VerifiedStatement statement{name,
                                std::move(verified.payload),
                                std::move(parsed.predicate_type),
                                std::move(parsed.subjects),
                                std::vector<std::string>(keys.begin(), keys.end()),
                                std::move(parsed.predicate)};
    RETURN_IF_ERROR(entity.CheckStatement(statement, out.statements));
    signers.insert(keys.begin(), keys.end());
    out.statements.push_back(std::move(statement));
  }
  out.key_ids.assign(signers.begin(), signers.end());
  RETURN_IF_ERROR(entity.CheckFiles(&out));
  return out;
}

}  // namespace fnseal
