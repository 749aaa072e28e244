#include "provenance/signing/dsse.h"

#include <algorithm>
#include <set>

#include "core/encoding.h"
#include "core/json.h"
#include "core/strings.h"

namespace fnseal {

std::string PreAuthEncoding(std::string_view payload_type, std::string_view payload) {
  std::string pae = "DSSEv1 ";
  pae += std::to_string(payload_type.size());
  pae += ' ';
  pae += payload_type;
  pae += ' ';
  pae += std::to_string(payload.size());
  pae += ' ';
  pae += payload;
  return pae;
}

Result<DsseEnvelope> ParseDsseEnvelope(std::string_view json, const DsseLimits& limits) {
  JsonLimits json_limits;
  json_limits.max_size = limits.max_envelope_size;
  json_limits.max_depth = 8;
  ASSIGN_OR_RETURN(Json doc, ParseJsonStrict(json, "envelope", json_limits));
  if (!doc.is_object()) return InvalidArgumentError("envelope is not a JSON object");
  for (const auto& [key, value] : doc.items()) {
    if (key != "payload" && key != "payloadType" && key != "signatures") {
      return InvalidArgumentError("envelope has the unknown field " + Quote(key, 64));
    }
  }
  DsseEnvelope envelope;
  auto payload = doc.find("payload");
  if (payload == doc.end() || !payload->is_string()) {
    return InvalidArgumentError("envelope field 'payload' is missing or not a string");
  }
  ASSIGN_OR_RETURN(envelope.payload,
                   Base64Decode(payload->get_ref<const std::string&>()).Annotate("envelope field 'payload'"));
  auto type = doc.find("payloadType");
  if (type == doc.end() || !type->is_string()) {
    return InvalidArgumentError("envelope field 'payloadType' is missing or not a string");
  }
  envelope.payload_type = type->get<std::string>();
  auto signatures = doc.find("signatures");
  if (signatures == doc.end() || !signatures->is_array()) {
    return InvalidArgumentError("envelope field 'signatures' is missing or not an array");
  }
  if (signatures->size() > limits.max_signatures) {
    return ResourceExhaustedError("envelope has " + std::to_string(signatures->size()) +
                                  " signatures, more than the limit of " + std::to_string(limits.max_signatures));
  }
  for (const Json& entry : *signatures) {
    if (!entry.is_object()) return InvalidArgumentError("envelope signature is not a JSON object");
    DsseSignature signature;
    for (const auto& [key, value] : entry.items()) {
      if (key == "keyid") {
        if (!value.is_string()) return InvalidArgumentError("envelope signature 'keyid' is not a string");
        signature.keyid = value.get<std::string>();
      } else if (key == "sig") {
        if (!value.is_string()) return InvalidArgumentError("envelope signature 'sig' is not a string");
        ASSIGN_OR_RETURN(signature.signature,
                         Base64Decode(value.get_ref<const std::string&>()).Annotate("envelope signature 'sig'"));
      } else {
        return InvalidArgumentError("envelope signature has the unknown field " + Quote(key, 64));
      }
    }
    if (signature.signature.empty()) return InvalidArgumentError("envelope signature has no 'sig'");
    envelope.signatures.push_back(std::move(signature));
  }
  return envelope;
}

std::string SerializeDsseEnvelope(const DsseEnvelope& envelope) {
  Json signatures = Json::array();
  for (const DsseSignature& s : envelope.signatures) {
    signatures.push_back({{"keyid", s.keyid}, {"sig", Base64Encode(s.signature)}});
  }
  Json doc = {{"payload", Base64Encode(envelope.payload)},
              {"payloadType", envelope.payload_type},
              {"signatures", signatures}};
  return CanonicalJsonDump(doc);
}

Status AddDsseSignature(DsseEnvelope* envelope, const Signer& signer) {
  const PublicKey& public_key = signer.public_key();
  const std::string pae = PreAuthEncoding(envelope->payload_type, envelope->payload);
  for (const DsseSignature& existing : envelope->signatures) {
    if (public_key.Verify(pae, existing.signature).ok()) {
      return FailedPreconditionError("the envelope is already signed by key " + public_key.key_id().substr(0, 16));
    }
  }
  ASSIGN_OR_RETURN(std::string signature, signer.Sign(pae));
  envelope->signatures.push_back({public_key.key_id(), std::move(signature)});
  return OkStatus();
}

Result<VerifiedPayload> VerifyDsseEnvelope(const DsseEnvelope& envelope, const std::vector<PublicKey>& trusted,
                                           int threshold) {
  if (threshold < 1) return InvalidArgumentError("signature threshold must be at least 1");
  if (envelope.signatures.empty()) return PermissionDeniedError("envelope has no signatures");
  const std::string pae = PreAuthEncoding(envelope.payload_type, envelope.payload);
  std::set<std::string> verified_keys;
  for (const DsseSignature& signature : envelope.signatures) {
    for (const PublicKey& key : trusted) {
      if (verified_keys.count(key.key_id())) continue;
      if (key.Verify(pae, signature.signature).ok()) {
        verified_keys.insert(key.key_id());
        break;
      }
    }
  }
  if (static_cast<int>(verified_keys.size()) < threshold) {
    if (verified_keys.empty()) return PermissionDeniedError("no signature verifies with a trusted key");
    return PermissionDeniedError("signature threshold not met: " + std::to_string(verified_keys.size()) + " of " +
                                 std::to_string(threshold) + " trusted keys signed");
  }
  VerifiedPayload out;
  out.payload_type = envelope.payload_type;
  out.payload = envelope.payload;
  out.key_ids.assign(verified_keys.begin(), verified_keys.end());
  return out;
}

}  // namespace fnseal
