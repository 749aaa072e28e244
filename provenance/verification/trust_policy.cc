#include "provenance/verification/trust_policy.h"

#include <algorithm>
#include <functional>
#include <initializer_list>
#include <map>

#include "core/file.h"
#include "core/json.h"
#include "core/strings.h"
#include "provenance/statement/statement.h"

namespace fnseal {
namespace {

constexpr JsonLimits kPolicyJsonLimits{/*max_depth=*/16, /*max_size=*/1 << 20};
constexpr uint64_t kMaxKeyFileSize = 64 << 10;

// Reads a key file named by a policy; null when the policy was given as text only.
using KeyFileReader = std::function<Result<std::string>(const std::string& relative_path)>;

std::string Child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string Element(const std::string& path, size_t index) { return path + "[" + std::to_string(index) + "]"; }

Status FieldError(const std::string& path, const std::string& problem) {
  return InvalidArgumentError("trust policy field '" + path + "': " + problem);
}

std::string JsonTypeName(const Json& value) { return value.type_name(); }

// True when a '/'-separated path has a ".." component, which could leave the policy's directory.
bool HasParentComponent(std::string_view path) {
  while (true) {
    size_t slash = path.find('/');
    if (path.substr(0, slash) == "..") return true;
    if (slash == std::string_view::npos) return false;
    path.remove_prefix(slash + 1);
  }
}

// Rejects any member of `object` not in `allowed`; the error names the full path of the field.
Status CheckFields(const Json& object, const std::string& path, std::initializer_list<std::string_view> allowed) {
  const std::string* unknown = FirstUnknownMember(object, allowed);
  if (unknown == nullptr) return OkStatus();
  return InvalidArgumentError("trust policy: unknown field " + Quote(Child(path, *unknown)));
}

Result<const Json*> RequireObject(const Json& parent, const std::string& path, const std::string& key) {
  auto it = parent.find(key);
  if (it == parent.end()) return FieldError(Child(path, key), "is required");
  if (!it->is_object()) return FieldError(Child(path, key), "must be an object, not " + JsonTypeName(*it));
  return &*it;
}

Result<std::string> RequireString(const Json& value, const std::string& path) {
  Result<std::string> s = NonEmptyString(value);
  if (!s.ok()) return FieldError(path, s.status().message());
  return s;
}

// A non-empty array at parent[key]; `required` decides whether it may be absent (nullptr).
Result<const Json*> ArrayField(const Json& parent, const std::string& key, bool required) {
  auto it = parent.find(key);
  if (it == parent.end()) {
    if (required) return FieldError(key, "is required");
    return static_cast<const Json*>(nullptr);
  }
  if (!it->is_array()) return FieldError(key, "must be an array, not " + JsonTypeName(*it));
  if (it->empty()) return FieldError(key, "must not be empty");
  return &*it;
}

Result<int64_t> ParseTime(const Json& value, const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, RequireString(value, path));
  Result<int64_t> seconds = ParseRfc3339Utc(text);
  if (!seconds.ok()) return FieldError(path, seconds.status().message());
  return seconds;
}

Result<PolicyKey> ParseKey(const Json& entry, const std::string& path, const KeyFileReader& read_key_file) {
  if (!entry.is_object()) return FieldError(path, "must be an object, not " + JsonTypeName(entry));
  RETURN_IF_ERROR(CheckFields(entry, path, {"name", "publicKey", "publicKeyFile", "validFrom", "validUntil"}));
  auto name = entry.find("name");
  if (name == entry.end()) return FieldError(Child(path, "name"), "is required");
  ASSIGN_OR_RETURN(std::string key_name, RequireString(*name, Child(path, "name")));

  auto inline_pem = entry.find("publicKey");
  auto file = entry.find("publicKeyFile");
  if ((inline_pem == entry.end()) == (file == entry.end())) {
    return FieldError(path, "key " + Quote(key_name) + " needs exactly one of 'publicKey' and 'publicKeyFile'");
  }
  std::string pem;
  std::string pem_path;
  if (inline_pem != entry.end()) {
    pem_path = Child(path, "publicKey");
    ASSIGN_OR_RETURN(pem, RequireString(*inline_pem, pem_path));
  } else {
    pem_path = Child(path, "publicKeyFile");
    ASSIGN_OR_RETURN(std::string relative, RequireString(*file, pem_path));
    if (relative[0] == '/') {
      return FieldError(pem_path, Quote(relative) + " must be relative to the policy file's directory");
    }
    if (HasParentComponent(relative)) {
      return FieldError(pem_path, Quote(relative) + " must stay inside the policy file's directory (no '..')");
    }
    if (!read_key_file) {
      return FieldError(pem_path, "key files are resolved only when the policy is loaded from a file");
    }
    Result<std::string> read = read_key_file(relative);
    if (!read.ok()) {
      return Status(read.status().code(), "trust policy field '" + pem_path + "': " + read.status().message());
    }
    pem = std::move(read).value();
  }
  Result<PublicKey> public_key = PublicKey::FromPem(pem);
  if (!public_key.ok()) return FieldError(pem_path, public_key.status().message());

  PolicyKey key{key_name, std::move(public_key).value(), std::nullopt, std::nullopt};
  if (auto from = entry.find("validFrom"); from != entry.end()) {
    ASSIGN_OR_RETURN(key.valid_from, ParseTime(*from, Child(path, "validFrom")));
  }
  if (auto until = entry.find("validUntil"); until != entry.end()) {
    ASSIGN_OR_RETURN(key.valid_until, ParseTime(*until, Child(path, "validUntil")));
  }
  if (key.valid_from && key.valid_until && *key.valid_from >= *key.valid_until) {
    return FieldError(path, "key " + Quote(key_name) + " has validFrom " + Rfc3339Utc(*key.valid_from) +
                                " not before validUntil " + Rfc3339Utc(*key.valid_until));
  }
  return key;
}

// Prefixes must end at a delimiter so that "https://ci.example.com" cannot accept
// "https://ci.example.com.evil.net/".
Result<UriPattern> ParsePattern(const Json& entry, const std::string& path, const char* exact_key,
                                const char* prefix_key) {
  if (!entry.is_object()) return FieldError(path, "must be an object, not " + JsonTypeName(entry));
  RETURN_IF_ERROR(CheckFields(entry, path, {exact_key, prefix_key}));
  auto exact = entry.find(exact_key);
  auto prefix = entry.find(prefix_key);
  if ((exact == entry.end()) == (prefix == entry.end())) {
    return FieldError(path, std::string("needs exactly one of '") + exact_key + "' and '" + prefix_key + "'");
  }
  UriPattern pattern;
  pattern.prefix = prefix != entry.end();
  const std::string field = Child(path, pattern.prefix ? prefix_key : exact_key);
  ASSIGN_OR_RETURN(pattern.value, RequireString(pattern.prefix ? *prefix : *exact, field));
  if (pattern.prefix && pattern.value.back() != '/' && pattern.value.back() != '@') {
    return FieldError(field, "prefix " + Quote(pattern.value) + " must end with '/' or '@'");
  }
  return pattern;
}

Result<std::vector<UriPattern>> ParsePatterns(const Json& doc, const char* key, const char* exact_key,
                                              const char* prefix_key, bool required) {
  std::vector<UriPattern> out;
  ASSIGN_OR_RETURN(const Json* list, ArrayField(doc, key, required));
  if (list == nullptr) return out;
  for (size_t i = 0; i < list->size(); ++i) {
    ASSIGN_OR_RETURN(UriPattern pattern, ParsePattern((*list)[i], Element(key, i), exact_key, prefix_key));
    out.push_back(std::move(pattern));
  }
  return out;
}

Result<uint64_t> ParsePositive(const Json& value, const std::string& path) {
  if (!value.is_number_integer()) return FieldError(path, "must be an integer, not " + JsonTypeName(value));
  if (value.is_number_unsigned()) {
    uint64_t n = value.get<uint64_t>();
    if (n > 0) return n;
  }
  return FieldError(path, "must be at least 1");
}

Result<TrustPolicy> ParsePolicy(std::string_view json, const KeyFileReader& read_key_file) {
  ASSIGN_OR_RETURN(Json doc, ParseJsonStrict(json, "trust policy", kPolicyJsonLimits));
  if (!doc.is_object()) return InvalidArgumentError("trust policy must be a JSON object, not " + JsonTypeName(doc));
  RETURN_IF_ERROR(CheckFields(
      doc, "",
      {"$schema", "version", "keys", "threshold", "predicateTypes", "builders", "sourceRepositories", "limits"}));
  if (auto schema = doc.find("$schema"); schema != doc.end()) RETURN_IF_ERROR(RequireString(*schema, "$schema"));

  auto version = doc.find("version");
  if (version == doc.end()) return FieldError("version", "is required");
  if (!version->is_number_integer() || version->get<int64_t>() != kTrustPolicyVersion) {
    return FieldError("version", "must be " + std::to_string(kTrustPolicyVersion) + ", not " + Quote(version->dump()));
  }

  TrustPolicy policy;
  ASSIGN_OR_RETURN(const Json* keys, ArrayField(doc, "keys", /*required=*/true));
  std::map<std::string, std::string> names;  // key name -> path
  std::map<std::string, std::string> ids;    // key id -> name
  for (size_t i = 0; i < keys->size(); ++i) {
    const std::string path = Element("keys", i);
    ASSIGN_OR_RETURN(PolicyKey key, ParseKey((*keys)[i], path, read_key_file));
    if (auto [it, inserted] = names.emplace(key.name, path); !inserted) {
      return FieldError(path, "key name " + Quote(key.name) + " is already used by " + it->second);
    }
    if (auto [it, inserted] = ids.emplace(key.public_key.key_id(), key.name); !inserted) {
      return FieldError(path, "key " + Quote(key.name) + " is the same key as " + Quote(it->second) + " (id " +
                                  it->first.substr(0, 16) + "...)");
    }
    policy.keys.push_back(std::move(key));
  }

  auto threshold = doc.find("threshold");
  if (threshold == doc.end()) return FieldError("threshold", "is required");
  if (!threshold->is_number_integer()) {
    return FieldError("threshold", "must be an integer, not " + JsonTypeName(*threshold));
  }
  if (threshold->is_number_unsigned() ? threshold->get<uint64_t>() < 1 : threshold->get<int64_t>() < 1) {
    return FieldError("threshold", "must be at least 1, not " + Quote(threshold->dump()));
  }
  if (!threshold->is_number_unsigned() || threshold->get<uint64_t>() > policy.keys.size()) {
    return FieldError("threshold", Quote(threshold->dump()) + " is more than the " + std::to_string(policy.keys.size()) +
                                       " key(s) the policy lists");
  }
  policy.threshold = threshold->get<int>();

  ASSIGN_OR_RETURN(const Json* types, ArrayField(doc, "predicateTypes", /*required=*/true));
  for (size_t i = 0; i < types->size(); ++i) {
    ASSIGN_OR_RETURN(std::string type, RequireString((*types)[i], Element("predicateTypes", i)));
    if (std::find(policy.predicate_types.begin(), policy.predicate_types.end(), type) != policy.predicate_types.end()) {
      return FieldError(Element("predicateTypes", i), Quote(type) + " is listed twice");
    }
    policy.predicate_types.push_back(std::move(type));
  }
  const bool accepts_slsa = std::find(policy.predicate_types.begin(), policy.predicate_types.end(),
                                      kSlsaProvenanceV1) != policy.predicate_types.end();

  ASSIGN_OR_RETURN(policy.builders, ParsePatterns(doc, "builders", "id", "idPrefix", /*required=*/accepts_slsa));
  ASSIGN_OR_RETURN(policy.source_repositories,
                   ParsePatterns(doc, "sourceRepositories", "uri", "uriPrefix", /*required=*/false));
  if (!accepts_slsa && (!policy.builders.empty() || !policy.source_repositories.empty())) {
    return FieldError(policy.builders.empty() ? "sourceRepositories" : "builders",
                      std::string("applies only to SLSA provenance, which 'predicateTypes' does not accept (") +
                          kSlsaProvenanceV1 + ")");
  }

  if (doc.contains("limits")) {
    ASSIGN_OR_RETURN(const Json* limits, RequireObject(doc, "", "limits"));
    RETURN_IF_ERROR(CheckFields(*limits, "limits", {"maxBundleBytes", "maxAttestationBytes"}));
    if (auto it = limits->find("maxBundleBytes"); it != limits->end()) {
      ASSIGN_OR_RETURN(policy.max_bundle_bytes, ParsePositive(*it, "limits.maxBundleBytes"));
    }
    if (auto it = limits->find("maxAttestationBytes"); it != limits->end()) {
      ASSIGN_OR_RETURN(policy.max_attestation_bytes, ParsePositive(*it, "limits.maxAttestationBytes"));
    }
  }
  return policy;
}

std::string Directory(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status Rejected(StatusCode code, const std::string& rule, const std::string& message) {
  return Status(code, "policy rule '" + rule + "': " + message);
}

// runDetails.builder.id of a SLSA provenance predicate, or nullptr.
const std::string* BuilderId(const Json& predicate) {
  auto run = predicate.find("runDetails");
  if (run == predicate.end() || !run->is_object()) return nullptr;
  auto builder = run->find("builder");
  if (builder == run->end() || !builder->is_object()) return nullptr;
  auto id = builder->find("id");
  if (id == builder->end() || !id->is_string()) return nullptr;
  return &id->get_ref<const std::string&>();
}

// The first resolvedDependencies uri that matches one of `patterns`, or nullptr. `seen` collects
// every uri for the error message.
const std::string* MatchingSource(const Json& predicate, const std::vector<UriPattern>& patterns,
                                  std::vector<std::string>* seen) {
  auto definition = predicate.find("buildDefinition");
  if (definition == predicate.end() || !definition->is_object()) return nullptr;
  auto dependencies = definition->find("resolvedDependencies");
  if (dependencies == definition->end() || !dependencies->is_array()) return nullptr;
  for (const Json& dependency : *dependencies) {
    if (!dependency.is_object()) continue;
    auto uri = dependency.find("uri");
    if (uri == dependency.end() || !uri->is_string()) continue;
    const std::string& value = uri->get_ref<const std::string&>();
    for (const UriPattern& pattern : patterns) {
      if (pattern.Matches(value)) return &value;
    }
    seen->push_back(value);
  }
  return nullptr;
}

std::string QuotedList(const std::vector<std::string>& values, size_t max_items) {
  std::string out;
  for (size_t i = 0; i < values.size() && i < max_items; ++i) out += (i ? ", " : "") + Quote(values[i]);
  if (values.size() > max_items) out += ", ...";
  return out;
}

}  // namespace

bool UriPattern::Matches(std::string_view uri) const {
  return prefix ? uri.size() >= value.size() && uri.compare(0, value.size(), value) == 0 : uri == value;
}

Result<int64_t> ParseRfc3339Utc(std::string_view text) {
  const std::string bad = Quote(text) + " is not an RFC 3339 UTC time like 2026-01-01T00:00:00Z";
  static constexpr char kShape[] = "dddd-dd-ddTdd:dd:ddZ";
  if (text.size() != sizeof(kShape) - 1) return InvalidArgumentError(bad);
  for (size_t i = 0; i < text.size(); ++i) {
    bool ok = kShape[i] == 'd' ? text[i] >= '0' && text[i] <= '9' : text[i] == kShape[i];
    if (!ok) return InvalidArgumentError(bad);
  }
  auto number = [&](size_t at, size_t length) {
    int64_t n = 0;
    for (size_t i = at; i < at + length; ++i) n = n * 10 + (text[i] - '0');
    return n;
  };
  const int64_t year = number(0, 4), month = number(5, 2), day = number(8, 2);
  const int64_t hour = number(11, 2), minute = number(14, 2), second = number(17, 2);
  static constexpr int kDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > kDaysInMonth[month - 1] + (month == 2 && leap ? 1 : 0) || hour > 23 ||
      minute > 59 || second > 59) {
    return InvalidArgumentError(bad);
  }
  // Days from 1970-01-01 to the civil date (H. Hinnant's days_from_civil), year >= 0 here.
  const int64_t y = year - (month <= 2 ? 1 : 0);
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t year_of_era = y - era * 400;
  const int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  const int64_t days = era * 146097 + day_of_era - 719468;
  return days * 86400 + hour * 3600 + minute * 60 + second;
}

Result<TrustPolicy> ParseTrustPolicy(std::string_view json) { return ParsePolicy(json, nullptr); }

Result<TrustPolicy> LoadTrustPolicyFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFile(path, kPolicyJsonLimits.max_size).Annotate(path));
  const std::string directory = Directory(path);
  KeyFileReader read_key_file = [&](const std::string& relative) {
    const std::string key_path = directory + "/" + relative;
    return ReadFile(key_path, kMaxKeyFileSize).Annotate(key_path);
  };
  return ParsePolicy(text, read_key_file).Annotate(path);
}

namespace {

// Rule 'keys': the policy keys inside their validity window at `now`; `why_not_counted` says
// why the others are not counted.
Result<std::vector<PublicKey>> KeysValidAt(const TrustPolicy& policy, int64_t now_unix_seconds,
                                           std::string* why_not_counted) {
  if (policy.keys.empty() || policy.threshold < 1 || static_cast<size_t>(policy.threshold) > policy.keys.size()) {
    return InvalidArgumentError("trust policy needs at least one key and a threshold from 1 to the number of keys");
  }
  std::vector<PublicKey> valid;
  for (const PolicyKey& key : policy.keys) {
    std::string reason;
    if (key.valid_from && now_unix_seconds < *key.valid_from) {
      reason = "key '" + key.name + "' is not valid until " + Rfc3339Utc(*key.valid_from);
    } else if (key.valid_until && now_unix_seconds >= *key.valid_until) {
      reason = "key '" + key.name + "' expired at " + Rfc3339Utc(*key.valid_until);
    } else {
      valid.push_back(key.public_key);
      continue;
    }
    *why_not_counted += (why_not_counted->empty() ? "" : "; ") + reason;
  }
  if (valid.size() < static_cast<size_t>(policy.threshold)) {
    return Rejected(StatusCode::kPermissionDenied, "keys",
                    std::to_string(valid.size()) + " of " + std::to_string(policy.keys.size()) + " keys are valid at " +
                        Rfc3339Utc(now_unix_seconds) + " but the threshold is " + std::to_string(policy.threshold) +
                        ": " + *why_not_counted);
  }
  return valid;
}

// Maps a verifier's error to the policy rule it breaks: 'signatures' for a failed check (with
// the keys that were not counted), 'limits' for a limit, 'archive' for a corrupt input.
Status VerifierFailure(const Status& status, const std::string& why_not_counted, int64_t now_unix_seconds) {
  switch (status.code()) {
    case StatusCode::kNotFound:
      return status;
    case StatusCode::kPermissionDenied:
      return Rejected(status.code(), "signatures",
                      status.message() + (why_not_counted.empty() ? ""
                                                                  : " (not counted at " + Rfc3339Utc(now_unix_seconds) +
                                                                        ": " + why_not_counted + ")"));
    case StatusCode::kResourceExhausted:
      return Rejected(status.code(), "limits", status.message());
    default:
      return Rejected(status.code(), "archive", status.message());
  }
}

// Rules on verified statements, parsed from the exact bytes the signatures cover: fills in the
// policy names of the signing keys, the builders and the matched sources.
Status CheckVerifiedStatements(const Verification& verified, bool requires_provenance, const TrustPolicy& policy,
                               PolicyFacts* out) {
  for (const std::string& id : verified.key_ids) {
    for (const PolicyKey& key : policy.keys) {
      if (key.public_key.key_id() == id) out->key_names.push_back(key.name);
    }
  }
  std::sort(out->key_names.begin(), out->key_names.end());

  const bool accepts_slsa = std::find(policy.predicate_types.begin(), policy.predicate_types.end(),
                                      kSlsaProvenanceV1) != policy.predicate_types.end();
  size_t provenance_count = 0;
  for (const VerifiedStatement& verified_statement : verified.statements) {
    const std::string& label = verified_statement.name;
    const std::string& predicate_type = verified_statement.predicate_type;
    if (std::find(policy.predicate_types.begin(), policy.predicate_types.end(), predicate_type) ==
        policy.predicate_types.end()) {
      return Rejected(StatusCode::kPermissionDenied, "predicateTypes",
                      label + ": predicate type " + Quote(predicate_type) + " is not accepted");
    }
    if (predicate_type != kSlsaProvenanceV1) continue;
    ++provenance_count;
    const std::string* builder_id = BuilderId(verified_statement.predicate);
    if (builder_id == nullptr) {
      return Rejected(StatusCode::kPermissionDenied, "builders",
                      label + ": provenance has no string runDetails.builder.id");
    }
    if (std::none_of(policy.builders.begin(), policy.builders.end(),
                     [&](const UriPattern& p) { return p.Matches(*builder_id); })) {
      return Rejected(StatusCode::kPermissionDenied, "builders",
                      label + ": builder id " + Quote(*builder_id) + " is not accepted");
    }
    out->builder_ids.push_back(*builder_id);
    if (policy.source_repositories.empty()) continue;
    std::vector<std::string> seen;
    const std::string* source = MatchingSource(verified_statement.predicate, policy.source_repositories, &seen);
    if (source == nullptr) {
      return Rejected(
          StatusCode::kPermissionDenied, "sourceRepositories",
          label + ": no resolved dependency comes from an accepted source repository" +
              (seen.empty() ? std::string(" (no dependency has a uri)") : " (uris: " + QuotedList(seen, 5) + ")"));
    }
    out->source_uris.push_back(*source);
  }
  // A bundle is built by a builder: when the policy accepts provenance, it must be there. A
  // standalone attestation may carry any accepted predicate alone.
  if (accepts_slsa && provenance_count == 0 && requires_provenance) {
    return Rejected(StatusCode::kPermissionDenied, "builders",
                    verified.kind + " has no " + kSlsaProvenanceV1 + " statement naming its builder");
  }
  return OkStatus();
}

}  // namespace

Result<PolicyVerification> VerifyWithPolicy(const SignedEntityOpener& open, const TrustPolicy& policy,
                                            int64_t now_unix_seconds) {
  std::string why_not_counted;
  ASSIGN_OR_RETURN(std::vector<PublicKey> valid, KeysValidAt(policy, now_unix_seconds, &why_not_counted));

  // Rules 'archive' and 'limits' while reading, then 'signatures': Verify with the valid keys.
  Result<std::unique_ptr<SignedEntity>> entity = open();
  if (!entity.ok()) return VerifierFailure(entity.status(), why_not_counted, now_unix_seconds);
  Result<Verification> verified = Verify(**entity, valid, policy.threshold);
  if (!verified.ok()) return VerifierFailure(verified.status(), why_not_counted, now_unix_seconds);

  PolicyVerification out;
  out.verified_at = now_unix_seconds;
  RETURN_IF_ERROR(CheckVerifiedStatements(*verified, (*entity)->RequiresProvenance(), policy, &out));
  out.verified = std::move(verified).value();
  return out;
}

Result<PolicyVerification> VerifyAttestationsWithPolicy(const std::string& attestation_path,
                                                        const std::vector<std::string>& artifact_paths,
                                                        const TrustPolicy& policy, int64_t now_unix_seconds) {
  AttestationLimits limits;
  if (policy.max_attestation_bytes > 0) {
    limits.max_file_size = std::min<uint64_t>(limits.max_file_size, policy.max_attestation_bytes);
  }
  // The entity refers to the file it verifies: both live as long as this call.
  AttestationFile file;
  SignedEntityOpener open = [&]() -> Result<std::unique_ptr<SignedEntity>> {
    ASSIGN_OR_RETURN(file, ReadAttestationFile(attestation_path, limits));
    return std::unique_ptr<SignedEntity>(std::make_unique<AttestationEntity>(file, artifact_paths));
  };
  return VerifyWithPolicy(open, policy, now_unix_seconds);
}

}  // namespace fnseal
