// The named audit queries (docs/audit.md). Each answers one question across every bundle in the
// store, with parameterized SQL over the schema's indexes, and returns an Answer (table.h).
// Queries that name a component also say how it got into the function: the dependency path from
// the function's root component, as the SBOM records it.
#ifndef FNSEAL_AUDIT_STORE_QUERIES_H_
#define FNSEAL_AUDIT_STORE_QUERIES_H_

#include <cstdint>
#include <string>

#include "audit/store/store.h"
#include "audit/store/table.h"
#include "core/status.h"
#include "provenance/licenses/policy.h"

namespace fnseal {

// contains: bundles holding `term`, which is a sha256 (a component's file, a bundle file or a
// deployable, a build input), a package URL ("pkg:..."; without a version it matches every
// version), a component's ref (a Bazel label such as "//lib:zlib", or "toolchain:glibc"), or a
// component's name.
Result<Answer> QueryContains(AuditStore* store, const std::string& term);

struct LicenseQuery {
  std::string category;    // a LicenseCategoryName, "copyleft" (weak or strong) or "model"
  std::string expression;  // any leaf of it matches
  const LicensePolicy* policy = nullptr;  // components this policy does not allow
};
// licenses: components whose license matches, per bundle, with how they got in.
Result<Answer> QueryLicenses(AuditStore* store, const LicenseQuery& query);

struct ModelQuery {
  std::string model;    // a model component's ref, name or purl
  std::string base;     // models derived from this base model (name or ref)
  std::string dataset;  // models trained on this data set (ref or name)
};
// models: model components (all of them when the query is empty), their base model and data sets.
Result<Answer> QueryModels(AuditStore* store, const ModelQuery& query);

// signed-by: attestations signed by `key`: a key id (hex sha256 of the DER SPKI, or a prefix of
// at least 8 digits), the name a trust policy gave it, or a public key PEM file.
Result<Answer> QuerySignedBy(AuditStore* store, const std::string& key);

// built-from: bundles built from repository `repository` (a source URI as provenance records it,
// "git+https://..." with or without "@refs/..."; "git+" may be left out), at `commit` if not empty.
Result<Answer> QueryBuiltFrom(AuditStore* store, const std::string& repository, const std::string& commit);

// trace: the whole chain of one bundle (ResolveBundle's references): source, builder, artifact,
// deployables, components and licenses, signatures, the accepting policy and the ingest record.
Result<Answer> QueryTrace(AuditStore* store, const std::string& reference);

// acceptable-at: replays verification of the stored envelopes and digests under `policy` (the
// policy that accepted the bundle at ingest when null) at `at`. Answer::yes says the verdict.
Result<Answer> QueryAcceptableAt(AuditStore* store, const std::string& reference, const IngestPolicy* policy,
                                 int64_t at);

// diff: components, licenses, models and signers that differ between two bundles.
Result<Answer> QueryDiff(AuditStore* store, const std::string& before, const std::string& after);

// attempts: every ingest attempt, newest first; only refusals with `refused_only`.
Result<Answer> QueryAttempts(AuditStore* store, bool refused_only);

}  // namespace fnseal

#endif  // FNSEAL_AUDIT_STORE_QUERIES_H_
