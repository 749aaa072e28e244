#include "provenance/signing/sigstore_bundle.h"

#include <map>
#include <utility>
#include <vector>

#include "core/encoding.h"
#include "core/json.h"
#include "core/strings.h"

namespace fnseal {
namespace {

// Earlier media types that the v0.3 spec says clients must still accept.
constexpr const char* kAcceptedMediaTypes[] = {
    kSigstoreBundleV03MediaType,
    "application/vnd.dev.sigstore.bundle+json;version=0.3",
    "application/vnd.dev.sigstore.bundle+json;version=0.2",
    "application/vnd.dev.sigstore.bundle+json;version=0.1",
};

// A field of a protobuf message in proto3 JSON: its lowerCamelCase name and its proto name.
struct FieldName {
  const char* json;
  const char* proto;
};

// The set fields of `object` (a JSON object at `path`), keyed by JSON name. proto3 JSON accepts
// either name and reads null as "not set"; unknown fields and a field under both names are
// InvalidArgument.
Result<std::map<std::string, const Json*>> ReadFields(const Json& object, const std::string& path,
                                                      const std::vector<FieldName>& fields) {
  if (!object.is_object()) return InvalidArgumentError("sigstore bundle '" + path + "' is not a JSON object");
  std::map<std::string, const Json*> out;
  for (const auto& [key, value] : object.items()) {
    const FieldName* known = nullptr;
    for (const FieldName& field : fields) {
      if (key == field.json || key == field.proto) known = &field;
    }
    const std::string where = EscapeForTerminal(path.empty() ? key.substr(0, 64) : path + "." + key.substr(0, 64));
    if (known == nullptr) return InvalidArgumentError("sigstore bundle has the unknown field '" + where + "'");
    if (value.is_null()) continue;
    if (!out.emplace(known->json, &value).second) {
      return InvalidArgumentError("sigstore bundle field '" + where + "' is given twice (" + known->json + " and " +
                                  known->proto + ")");
    }
  }
  return out;
}

const Json* Find(const std::map<std::string, const Json*>& fields, const std::string& name) {
  auto it = fields.find(name);
  return it == fields.end() ? nullptr : it->second;
}

Result<std::string> ReadString(const std::map<std::string, const Json*>& fields, const std::string& name,
                               const std::string& path) {
  const Json* value = Find(fields, name);
  if (value == nullptr) return std::string();  // proto3: absent means ""
  if (!value->is_string()) return InvalidArgumentError("sigstore bundle field '" + path + "' is not a string");
  return value->get<std::string>();
}

Result<std::string> ReadBytes(const std::map<std::string, const Json*>& fields, const std::string& name,
                              const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadString(fields, name, path));
  return Base64Decode(text).Annotate("sigstore bundle field '" + path + "'");
}

// Checks the shape of the verification material and returns the public key hint ("" if unset).
Result<std::string> ReadVerificationMaterial(const Json& material, const SigstoreBundleLimits& limits) {
  const std::string path = "verificationMaterial";
  ASSIGN_OR_RETURN(auto fields, ReadFields(material, path,
                                           {{"publicKey", "public_key"},
                                            {"x509CertificateChain", "x509_certificate_chain"},
                                            {"certificate", "certificate"},
                                            {"tlogEntries", "tlog_entries"},
                                            {"timestampVerificationData", "timestamp_verification_data"}}));
  const Json* public_key = Find(fields, "publicKey");
  const int contents = (public_key != nullptr) + (Find(fields, "x509CertificateChain") != nullptr) +
                       (Find(fields, "certificate") != nullptr);
  if (contents > 1) return InvalidArgumentError("sigstore bundle 'verificationMaterial' sets more than one of its content fields");
  if (public_key == nullptr) {
    if (contents == 1) {
      return UnimplementedError(
          "sigstore bundle identifies its signer by a certificate; fnseal verifies only with public keys from its "
          "trust policy");
    }
    return InvalidArgumentError("sigstore bundle 'verificationMaterial' has no publicKey");
  }
  ASSIGN_OR_RETURN(auto key_fields, ReadFields(*public_key, path + ".publicKey", {{"hint", "hint"}}));
  ASSIGN_OR_RETURN(std::string hint, ReadString(key_fields, "hint", path + ".publicKey.hint"));
  if (const Json* entries = Find(fields, "tlogEntries")) {
    if (!entries->is_array()) return InvalidArgumentError("sigstore bundle field '" + path + ".tlogEntries' is not an array");
    if (entries->size() > limits.max_tlog_entries) {
      return ResourceExhaustedError("sigstore bundle has " + std::to_string(entries->size()) +
                                    " tlog entries, more than the limit of " + std::to_string(limits.max_tlog_entries));
    }
    for (const Json& entry : *entries) {
      if (!entry.is_object()) return InvalidArgumentError("sigstore bundle tlog entry is not a JSON object");
    }
  }
  if (const Json* timestamps = Find(fields, "timestampVerificationData")) {
    if (!timestamps->is_object()) {
      return InvalidArgumentError("sigstore bundle field '" + path + ".timestampVerificationData' is not a JSON object");
    }
  }
  return hint;
}

Result<DsseEnvelope> ReadEnvelope(const Json& json) {
  const std::string path = "dsseEnvelope";
  ASSIGN_OR_RETURN(auto fields, ReadFields(json, path,
                                           {{"payload", "payload"},
                                            {"payloadType", "payload_type"},
                                            {"signatures", "signatures"}}));
  DsseEnvelope envelope;
  ASSIGN_OR_RETURN(envelope.payload, ReadBytes(fields, "payload", path + ".payload"));
  if (envelope.payload.empty()) return InvalidArgumentError("sigstore bundle DSSE payload is empty");
  ASSIGN_OR_RETURN(envelope.payload_type, ReadString(fields, "payloadType", path + ".payloadType"));
  if (envelope.payload_type.empty()) return InvalidArgumentError("sigstore bundle DSSE payloadType is empty");
  const Json* signatures = Find(fields, "signatures");
  if (signatures != nullptr && !signatures->is_array()) {
    return InvalidArgumentError("sigstore bundle field '" + path + ".signatures' is not an array");
  }
  const size_t count = signatures == nullptr ? 0 : signatures->size();
  if (count != 1) {
    return InvalidArgumentError("sigstore bundle DSSE envelope has " + std::to_string(count) +
                                " signatures; the spec requires exactly one");
  }
  ASSIGN_OR_RETURN(auto signature_fields,
                   ReadFields(signatures->front(), path + ".signatures[0]", {{"sig", "sig"}, {"keyid", "keyid"}}));
  DsseSignature signature;
  ASSIGN_OR_RETURN(signature.signature, ReadBytes(signature_fields, "sig", path + ".signatures[0].sig"));
  if (signature.signature.empty()) return InvalidArgumentError("sigstore bundle DSSE signature is empty");
  ASSIGN_OR_RETURN(signature.keyid, ReadString(signature_fields, "keyid", path + ".signatures[0].keyid"));
  envelope.signatures.push_back(std::move(signature));
  return envelope;
}

}  // namespace

Result<std::string> ExportSigstoreBundle(const DsseEnvelope& envelope, const PublicKey& key) {
  const std::string pae = PreAuthEncoding(envelope.payload_type, envelope.payload);
  const DsseSignature* mine = nullptr;
  for (const DsseSignature& signature : envelope.signatures) {
    if (key.Verify(pae, signature.signature).ok()) {
      mine = &signature;
      break;
    }
  }
  if (mine == nullptr) {
    return FailedPreconditionError("no signature in the envelope verifies with key " + key.key_id().substr(0, 16));
  }
  if (envelope.payload.empty()) return FailedPreconditionError("the envelope's payload is empty");
  const std::string hint = key.sigstore_hint();
  Json bundle = {
      {"mediaType", kSigstoreBundleV03MediaType},
      {"verificationMaterial", {{"publicKey", {{"hint", hint}}}, {"tlogEntries", Json::array()}}},
      {"dsseEnvelope",
       {{"payload", Base64Encode(envelope.payload)},
        {"payloadType", envelope.payload_type},
        {"signatures", Json::array({Json{{"sig", Base64Encode(mine->signature)}, {"keyid", hint}}})}}},
  };
  return CanonicalJsonDump(bundle);
}

Result<DsseEnvelope> ImportSigstoreBundle(std::string_view json, const SigstoreBundleLimits& limits) {
  JsonLimits json_limits;
  json_limits.max_size = limits.max_bundle_size;
  json_limits.max_depth = 16;
  ASSIGN_OR_RETURN(Json doc, ParseJsonStrict(json, "sigstore bundle", json_limits));
  ASSIGN_OR_RETURN(auto fields, ReadFields(doc, "",
                                           {{"mediaType", "media_type"},
                                            {"verificationMaterial", "verification_material"},
                                            {"dsseEnvelope", "dsse_envelope"},
                                            {"messageSignature", "message_signature"}}));
  ASSIGN_OR_RETURN(std::string media_type, ReadString(fields, "mediaType", "mediaType"));
  bool accepted = false;
  for (const char* known : kAcceptedMediaTypes) accepted = accepted || media_type == known;
  if (!accepted) {
    return InvalidArgumentError("not a sigstore bundle: mediaType '" + media_type.substr(0, 80) + "' is not " +
                                kSigstoreBundleV03MediaType + " or an earlier bundle media type");
  }
  const Json* material = Find(fields, "verificationMaterial");
  if (material == nullptr) return InvalidArgumentError("sigstore bundle has no verificationMaterial");
  const Json* dsse = Find(fields, "dsseEnvelope");
  const Json* message_signature = Find(fields, "messageSignature");
  if (dsse != nullptr && message_signature != nullptr) {
    return InvalidArgumentError("sigstore bundle has both dsseEnvelope and messageSignature");
  }
  if (message_signature != nullptr) {
    return UnimplementedError("sigstore bundle holds a message signature; fnseal imports DSSE envelopes only");
  }
  if (dsse == nullptr) return InvalidArgumentError("sigstore bundle has no dsseEnvelope");
  ASSIGN_OR_RETURN(std::string hint, ReadVerificationMaterial(*material, limits));
  ASSIGN_OR_RETURN(DsseEnvelope envelope, ReadEnvelope(*dsse));
  if (!hint.empty() && envelope.signatures.front().keyid != hint) {
    return InvalidArgumentError(
        "sigstore bundle DSSE signature keyid does not equal verificationMaterial.publicKey.hint");
  }
  return envelope;
}

}  // namespace fnseal
