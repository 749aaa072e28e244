// in-toto Statement v1 and the SLSA Provenance v1 predicate: building them deterministically and
// parsing untrusted statements with the checks a verifier must make. Thread-safe functions.
#ifndef FNSEAL_PROVENANCE_STATEMENT_STATEMENT_H_
#define FNSEAL_PROVENANCE_STATEMENT_STATEMENT_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.h"
#include "core/status.h"

namespace fnseal {

inline constexpr char kStatementType[] = "https://in-toto.io/Statement/v1";
inline constexpr char kInTotoPayloadType[] = "application/vnd.in-toto+json";
inline constexpr char kSlsaProvenanceV1[] = "https://slsa.dev/provenance/v1";
// The predicate of `fnseal sign FILE`: the statement says only "these bytes were signed"; its
// predicate is an empty object. Documented in docs/keys.md.
inline constexpr char kSignedFilePredicateType[] = "https://fnseal.dev/attestations/signed-file/v1";
// fnseal's buildType for a function bundle built by the Bazel rules; see docs/build-type.md.
inline constexpr char kFunctionBundleBuildType[] = "https://fnseal.dev/build-types/function-bundle/v1";
// The default buildType of `fnseal attest`: a build described on the command line.
inline constexpr char kAttestedBuildType[] = "https://fnseal.dev/build-types/attested/v1";

struct Subject {
  std::string name;
  std::map<std::string, std::string> digest;  // algorithm -> lowercase hex
};

struct Statement {
  std::vector<Subject> subjects;
  std::string predicate_type;
  Json predicate = Json::object();
};

// Limits on untrusted statements; exceeding one is ResourceExhausted.
struct StatementLimits {
  size_t max_subjects = 100000;
  size_t max_depth = 32;
  uint64_t max_size = 32 << 20;
};

// The statement as compact JSON with sorted keys: the same statement always gives the same bytes.
std::string SerializeStatement(const Statement& statement);

// Parses and checks `payload`: `_type` is Statement v1, `subject` is a non-empty array of
// {name, digest} with known algorithms and lowercase hex of the right length, `predicateType`
// is a non-empty string, `predicate` is present. InvalidArgument naming what is wrong.
Result<Statement> ParseStatement(std::string_view payload, const StatementLimits& limits = {});

// A SLSA ResourceDescriptor: a file with its sha256, or a source revision with its gitCommit
// (at least one digest; empty fields are omitted).
struct ResourceDescriptor {
  std::string name;
  std::string uri;
  std::string sha256;
  std::string git_commit;
  Json annotations = Json::object();  // written when not empty
};

// Everything a SLSA Provenance v1 predicate records, see docs/build-type.md.
struct ProvenanceFacts {
  std::string build_type = kFunctionBundleBuildType;
  Json external_parameters = Json::object();
  Json internal_parameters = Json::object();
  std::vector<ResourceDescriptor> resolved_dependencies;
  std::string builder_id;
  std::map<std::string, std::string> builder_version;
  std::vector<ResourceDescriptor> builder_dependencies;  // e.g. the fnseal binary itself
  // What the build made besides its subjects, for incident response: e.g. the components file
  // the SBOMs were written from.
  std::vector<ResourceDescriptor> byproducts;
  std::string invocation_id;  // empty: omitted (keeps unstamped builds reproducible)
  std::string started_on;     // RFC 3339 UTC, or empty
  std::string finished_on;    // RFC 3339 UTC, or empty
};

// Builds the predicate object. Dependencies are sorted by name so input order does not matter;
// runDetails.builder.builderDependencies and runDetails.byproducts are written only when there
// are some.
Json BuildSlsaProvenance(const ProvenanceFacts& facts);

// Formats seconds since the Unix epoch as RFC 3339 UTC ("2000-01-01T00:00:00Z").
std::string Rfc3339Utc(int64_t seconds);

}  // namespace fnseal

#endif  // FNSEAL_PROVENANCE_STATEMENT_STATEMENT_H_
