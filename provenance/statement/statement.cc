#include "provenance/statement/statement.h"

#include <algorithm>
#include <ctime>
#include <tuple>
#include <utility>

#include "core/encoding.h"

namespace fnseal {
namespace {

// Hex length of each digest algorithm a statement may use.
size_t DigestHexLength(const std::string& algorithm) {
  if (algorithm == "sha256") return 64;
  if (algorithm == "sha384") return 96;
  if (algorithm == "sha512") return 128;
  if (algorithm == "sha1" || algorithm == "gitCommit") return 40;
  return 0;
}

}  // namespace

std::string SerializeStatement(const Statement& statement) {
  Json subjects = Json::array();
  for (const Subject& s : statement.subjects) subjects.push_back({{"name", s.name}, {"digest", s.digest}});
  Json doc = {{"_type", kStatementType},
              {"subject", subjects},
              {"predicateType", statement.predicate_type},
              {"predicate", statement.predicate}};
  return CanonicalJsonDump(doc);
}

Result<Statement> ParseStatement(std::string_view payload, const StatementLimits& limits) {
  JsonLimits json_limits;
  json_limits.max_depth = limits.max_depth;
  json_limits.max_size = limits.max_size;
  ASSIGN_OR_RETURN(Json doc, ParseJsonStrict(payload, "statement", json_limits));
  if (!doc.is_object()) return InvalidArgumentError("statement is not a JSON object");
  auto type = doc.find("_type");
  if (type == doc.end() || !type->is_string() || type->get<std::string>() != kStatementType) {
    return InvalidArgumentError(std::string("statement '_type' is not ") + kStatementType);
  }
  auto subjects = doc.find("subject");
  if (subjects == doc.end() || !subjects->is_array()) {
    return InvalidArgumentError("statement 'subject' is missing or not an array");
  }
  if (subjects->empty()) return InvalidArgumentError("statement has no subjects");
  if (subjects->size() > limits.max_subjects) {
    return ResourceExhaustedError("statement has " + std::to_string(subjects->size()) +
                                  " subjects, more than the limit of " + std::to_string(limits.max_subjects));
  }
  Statement statement;
  for (const Json& s : *subjects) {
    if (!s.is_object()) return InvalidArgumentError("statement subject is not an object");
    auto name = s.find("name");
    auto digest = s.find("digest");
    if (name == s.end() || !name->is_string()) return InvalidArgumentError("statement subject has no 'name'");
    Subject subject;
    subject.name = name->get<std::string>();
    if (digest == s.end() || !digest->is_object() || digest->empty()) {
      return InvalidArgumentError("statement subject '" + subject.name + "' has no digest");
    }
    for (const auto& [algorithm, value] : digest->items()) {
      size_t length = DigestHexLength(algorithm);
      if (length == 0) {
        return InvalidArgumentError("statement subject '" + subject.name + "' uses the unknown digest '" +
                                    algorithm.substr(0, 32) + "'");
      }
      if (!value.is_string() || !IsLowercaseHex(value.get_ref<const std::string&>(), length)) {
        return InvalidArgumentError("statement subject '" + subject.name + "' has a malformed " + algorithm +
                                    " digest");
      }
      subject.digest.emplace(algorithm, value.get<std::string>());
    }
    statement.subjects.push_back(std::move(subject));
  }
  auto predicate_type = doc.find("predicateType");
  if (predicate_type == doc.end() || !predicate_type->is_string() || predicate_type->get<std::string>().empty()) {
    return InvalidArgumentError("statement 'predicateType' is missing or empty");
  }
  statement.predicate_type = predicate_type->get<std::string>();
  auto predicate = doc.find("predicate");
  if (predicate == doc.end() || !predicate->is_object()) {
    return InvalidArgumentError("statement 'predicate' is missing or not an object");
  }
  statement.predicate = std::move(*predicate);  // not a copy: `doc` goes away here
  return statement;
}

namespace {

// The descriptors as a JSON array, sorted on every field: ordering by name alone would leave
// entries that share a name in input order.
Json DescriptorArray(std::vector<ResourceDescriptor> descriptors) {
  std::sort(descriptors.begin(), descriptors.end(), [](const ResourceDescriptor& a, const ResourceDescriptor& b) {
    return std::tie(a.name, a.uri, a.sha256, a.git_commit, a.annotations) <
           std::tie(b.name, b.uri, b.sha256, b.git_commit, b.annotations);
  });
  Json out = Json::array();
  for (const ResourceDescriptor& d : descriptors) {
    Json digest = Json::object();
    if (!d.sha256.empty()) digest["sha256"] = d.sha256;
    if (!d.git_commit.empty()) digest["gitCommit"] = d.git_commit;
    Json r = {{"name", d.name}, {"digest", digest}};
    if (!d.uri.empty()) r["uri"] = d.uri;
    if (!d.annotations.empty()) r["annotations"] = d.annotations;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace

Json BuildSlsaProvenance(const ProvenanceFacts& facts) {
  Json resolved = DescriptorArray(facts.resolved_dependencies);
  Json metadata = Json::object();
  if (!facts.invocation_id.empty()) metadata["invocationId"] = facts.invocation_id;
  if (!facts.started_on.empty()) metadata["startedOn"] = facts.started_on;
  if (!facts.finished_on.empty()) metadata["finishedOn"] = facts.finished_on;
  Json builder = {{"id", facts.builder_id}};
  if (!facts.builder_version.empty()) builder["version"] = facts.builder_version;
  if (!facts.builder_dependencies.empty()) builder["builderDependencies"] = DescriptorArray(facts.builder_dependencies);
  Json run_details = {{"builder", builder}, {"metadata", metadata}};
  if (!facts.byproducts.empty()) run_details["byproducts"] = DescriptorArray(facts.byproducts);
  return {{"buildDefinition",
           {{"buildType", facts.build_type},
            {"externalParameters", facts.external_parameters},
            {"internalParameters", facts.internal_parameters},
            {"resolvedDependencies", resolved}}},
          {"runDetails", std::move(run_details)}};
}

std::string Rfc3339Utc(int64_t seconds) {
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

}  // namespace fnseal
