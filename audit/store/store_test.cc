// The audit store on every backend the run has (SQLite always; PostgreSQL under tools/test):
// ingest, refusals, duplicates, every named query against what the bundles say, replay,
// concurrency and integrity.
#include "audit/store/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <thread>

#include "audit/db/test_databases.h"
#include "audit/store/evidence.h"
#include "audit/store/packed_envelope.h"
#include "audit/store/queries.h"
#include "audit/store/schema.h"
#include "audit/store/test_bundles.h"
#include "core/file.h"
#include "core/sha256.h"
#include "provenance/licenses/policy.h"
#include "provenance/statement/statement.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_support.h"

namespace fnseal {
namespace {

using ::fnseal::test::IsOk;
using ::fnseal::test::StatusIs;
using ::testing::_;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAre;

constexpr int64_t kNow = 1780000000;  // 2026-05-28

// The column `name` of every row of the answer's first table.
std::vector<std::string> Column(const Answer& a, const std::string& name, size_t table = 0) {
  const Table& t = a.tables.at(table);
  auto at = std::find(t.columns.begin(), t.columns.end(), name);
  EXPECT_NE(at, t.columns.end()) << name;
  std::vector<std::string> out;
  for (const auto& row : t.rows) out.push_back(row.at(static_cast<size_t>(at - t.columns.begin())));
  return out;
}

class AuditStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test::FreshTestDir();
    const std::string policy = R"({"version": 1, "keys": [{"name": "release", "publicKey": )" +
                               Json(key_.public_key().ToPem()).dump() +
                               R"(, "validUntil": "2027-01-01T00:00:00Z"}], "threshold": 1,
      "predicateTypes": ["https://slsa.dev/provenance/v1", "https://cyclonedx.org/bom"],
      "builders": [{"id": "https://fnseal.dev/builders/bazel/v1"}]})";
    ASSERT_THAT(WriteFileAtomic(dir_ + "/policy.json", policy), IsOk());
    auto loaded = LoadIngestPolicy(dir_ + "/policy.json");
    ASSERT_THAT(loaded, IsOk());
    policy_ = *loaded;

    test::TestBundle hello;
    hello_v1_ = test::MakeTestBundle(dir_, hello, {key_});
    hello.version = "1.1.0";
    hello.source_commit = "89abcdef0123456789abcdef0123456789abcdef";
    hello.model_license = "CC-BY-NC-4.0";
    hello.extra_library_license = "GPL-2.0-or-later";
    hello.handler_bytes = "#!/bin/sh\necho hello again\n";
    hello_v2_ = test::MakeTestBundle(dir_, hello, {key_});
    test::TestBundle other;
    other.function = "resize";
    other.source_uri = "git+https://git.example.com/acme/images@refs/heads/main";
    other.handler_bytes = "#!/bin/sh\necho resize\n";
    resize_ = test::MakeTestBundle(dir_, other, {key_});
    other.function = "rogue";
    rogue_ = test::MakeTestBundle(dir_, other, {other_key_});
  }

  // Runs `check` on every backend's store, with hello 1.0.0, hello 1.1.0 and resize ingested.
  template <typename F>
  void ForEachFilledStore(F&& check) {
    for (const auto& t : test::FreshTestDatabases()) {
      SCOPED_TRACE(t.backend);
      auto store = OpenStore(t.location);
      ASSERT_NE(store, nullptr);
      IngestAll(store.get());
      check(store.get(), t);
    }
  }

  std::unique_ptr<AuditStore> OpenStore(const std::string& location) {
    auto store = AuditStore::Open(location, {});
    EXPECT_THAT(store, IsOk());
    return store.ok() ? std::move(*store) : nullptr;
  }

  IngestResult Ingest(AuditStore* store, const std::string& path) {
    auto r = store->Ingest(path, policy_, kNow);
    EXPECT_THAT(r, IsOk());
    return r.ok() ? *r : IngestResult{};
  }

  void IngestAll(AuditStore* store) {
    for (const std::string& b : {hello_v1_, hello_v2_, resize_}) {
      EXPECT_EQ(Ingest(store, b).outcome, IngestResult::Outcome::kAdded) << b;
    }
  }

  std::string dir_, hello_v1_, hello_v2_, resize_, rogue_;
  PrivateKey key_ = test::TestPrivateKey("ed25519.pem");
  PrivateKey other_key_ = test::TestPrivateKey("ed25519-b.pem");
  IngestPolicy policy_;
};

TEST_F(AuditStoreTest, IngestAddsVerifiedBundlesOnceAndRecordsRefusals) {
  for (const auto& t : test::FreshTestDatabases()) {
    SCOPED_TRACE(t.backend);
    auto store = OpenStore(t.location);
    ASSERT_NE(store, nullptr);
    IngestResult added = Ingest(store.get(), hello_v1_);
    EXPECT_EQ(added.outcome, IngestResult::Outcome::kAdded);
    EXPECT_EQ(added.function_name, "hello");
    EXPECT_EQ(added.bundle_sha256, *Sha256FileHex(hello_v1_));
    EXPECT_EQ(Ingest(store.get(), hello_v1_).outcome, IngestResult::Outcome::kAlreadyStored);

    IngestResult refused = Ingest(store.get(), rogue_);
    EXPECT_EQ(refused.outcome, IngestResult::Outcome::kRefused);
    EXPECT_THAT(refused.reason, HasSubstr("signature"));
    IngestResult unsigned_bundle = Ingest(store.get(), dir_ + "/hello-1.0.0.unsigned.fnb");
    EXPECT_EQ(unsigned_bundle.outcome, IngestResult::Outcome::kRefused);
    EXPECT_THAT(unsigned_bundle.reason, HasSubstr("not signed"));
    EXPECT_THAT(store->Ingest(dir_ + "/missing.fnb", policy_, kNow), StatusIs(StatusCode::kNotFound, _));

    auto bundles = store->db()->Query("SELECT count(*) FROM audit_bundles");
    ASSERT_THAT(bundles, IsOk());
    EXPECT_EQ(bundles->rows[0][0], std::optional<std::string>("1"));
    auto attempts = QueryAttempts(store.get(), /*refused_only=*/true);
    ASSERT_THAT(attempts, IsOk());
    EXPECT_THAT(Column(*attempts, "outcome"), ElementsAre("refused", "refused"));
    EXPECT_THAT(Column(*attempts, "offered_as"), ElementsAre(dir_ + "/hello-1.0.0.unsigned.fnb", rogue_));
    auto all = QueryAttempts(store.get(), false);
    ASSERT_THAT(all, IsOk());
    EXPECT_THAT(all->tables[0].rows, SizeIs(3));  // an already-stored bundle is not an attempt
    EXPECT_THAT(store->Check(), IsOk());
  }
}

TEST_F(AuditStoreTest, EnvelopesAreStoredOnceAndVerbatim) {
  ForEachFilledStore([&](AuditStore* store, [[maybe_unused]] const test::TestDatabase& t) {
    auto contents = ReadBundle(hello_v1_, false);
    ASSERT_THAT(contents, IsOk());
    for (const auto& [name, bytes] : contents->attestations) {
      auto row = store->db()->Query("SELECT e.envelope_sha256, e.body_zstd FROM attestations a JOIN envelopes e ON "
                                    "e.envelope_sha256 = a.envelope_sha256 WHERE a.bundle_sha256 = $1 AND a.name = $2",
                                    {*Sha256FileHex(hello_v1_), name});
      ASSERT_THAT(row, IsOk());
      ASSERT_THAT(row->rows, SizeIs(1));
      EXPECT_EQ(row->rows[0][0], std::optional<std::string>(Sha256Hex(bytes))) << name;
      // Packed, smaller, and unpacked byte for byte.
      EXPECT_LT(row->rows[0][1].value_or("").size(), bytes.size()) << name;
      auto unpacked = UnpackEnvelope(row->rows[0][1].value_or(""));
      ASSERT_THAT(unpacked, IsOk());
      EXPECT_EQ(*unpacked, bytes) << name;
    }
    auto policies = store->db()->Query("SELECT count(*) FROM policies");
    ASSERT_THAT(policies, IsOk());
    EXPECT_EQ(policies->rows[0][0], std::optional<std::string>("1"));
  });
}

TEST_F(AuditStoreTest, ContainsFindsDigestsPurlsLabelsAndNames) {
  ForEachFilledStore([&](AuditStore* store, [[maybe_unused]] const test::TestDatabase& t) {
    const std::string hello1 = *Sha256FileHex(hello_v1_), hello2 = *Sha256FileHex(hello_v2_);

    // zlib's file is in all three bundles, reached through the handler.
    auto by_file = QueryContains(store, Sha256Hex("zlib 1.3"));
    ASSERT_THAT(by_file, IsOk());
    EXPECT_THAT(Column(*by_file, "function"), ElementsAre("hello", "hello", "resize"));
    EXPECT_THAT(Column(*by_file, "path"), Contains("//functions/hello:hello > //functions/hello:handler > //lib:zlib"));
    EXPECT_THAT(Column(*by_file, "matched"), Contains("file lib/libz.a"));
    EXPECT_THAT(Column(*by_file, "deployables"), Contains("aws_lambda"));
    // A digest in upper case, as some tools print them, is the same digest.
    std::string upper = "sha256:" + Sha256Hex("zlib 1.3");
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    upper.replace(0, 7, "sha256:");
    auto by_upper = QueryContains(store, upper);
    ASSERT_THAT(by_upper, IsOk());
    EXPECT_EQ(by_upper->tables[0].rows, by_file->tables[0].rows);

    // The handler of v2 only: its bytes are a component file and a build input.
    auto by_handler = QueryContains(store, Sha256Hex("#!/bin/sh\necho hello again\n"));
    ASSERT_THAT(by_handler, IsOk());
    EXPECT_THAT(Column(*by_handler, "bundle"), ElementsAre(hello2, hello2));
    EXPECT_THAT(Column(*by_handler, "matched"), Contains("build input bootstrap"));

    auto by_label = QueryContains(store, "//third_party:extra");
    ASSERT_THAT(by_label, IsOk());
    EXPECT_THAT(Column(*by_label, "bundle"), ElementsAre(hello2));
    auto by_name = QueryContains(store, "libc6-dev");
    ASSERT_THAT(by_name, IsOk());
    EXPECT_THAT(Column(*by_name, "matched"), ElementsAre("name", "name", "name"));
    // Package URLs, derived by the SBOM writers: with a version, and without one (every version).
    auto by_purl = QueryContains(store, "pkg:deb/debian/libc6-dev@2.36-9+deb12u14");
    ASSERT_THAT(by_purl, IsOk());
    EXPECT_THAT(by_purl->tables[0].rows, SizeIs(3));
    auto by_base = QueryContains(store, "pkg:huggingface/acme/tiny-classifier");
    ASSERT_THAT(by_base, IsOk());
    EXPECT_THAT(Column(*by_base, "component"), ElementsAre("//models:classifier", "//models:classifier",
                                                           "//models:classifier"));
    auto other_version = QueryContains(store, "pkg:deb/debian/libc6-dev@2.40");
    ASSERT_THAT(other_version, IsOk());
    EXPECT_THAT(other_version->tables[0].rows, SizeIs(0));
    auto none = QueryContains(store, "//nowhere:nothing");
    ASSERT_THAT(none, IsOk());
    EXPECT_THAT(none->tables[0].rows, SizeIs(0));
    // A deployable's digest names its bundle too.
    auto deployable = QueryContains(store, Sha256Hex("deployable of hello 1.0.0"));
    ASSERT_THAT(deployable, IsOk());
    EXPECT_THAT(Column(*deployable, "matched"), ElementsAre("bundle file deployables/aws_lambda/hello.zip"));
    EXPECT_THAT(Column(*deployable, "bundle"), ElementsAre(hello1));
  });
}

TEST_F(AuditStoreTest, LicensesByCategoryExpressionAndPolicy) {
  ForEachFilledStore([&](AuditStore* store, [[maybe_unused]] const test::TestDatabase& t) {
    const std::string hello2 = *Sha256FileHex(hello_v2_);
    LicenseQuery copyleft;
    copyleft.category = "copyleft";
    auto a = QueryLicenses(store, copyleft);
    ASSERT_THAT(a, IsOk());
    // glibc (LGPL, weak) everywhere; the extra GPL library in hello 1.1.0 only.
    EXPECT_THAT(Column(*a, "component"), UnorderedElementsAre("toolchain:glibc", "//third_party:extra",
                                                              "toolchain:glibc", "toolchain:glibc"));
    LicenseQuery nc;
    nc.category = "non-commercial";
    auto b = QueryLicenses(store, nc);
    ASSERT_THAT(b, IsOk());
    EXPECT_THAT(Column(*b, "bundle"), ElementsAre(hello2));
    EXPECT_THAT(Column(*b, "path"),
                ElementsAre("//functions/hello:hello > //functions/hello:handler > //models:classifier"));
    LicenseQuery model;
    model.category = "model";
    auto c = QueryLicenses(store, model);
    ASSERT_THAT(c, IsOk());
    EXPECT_THAT(Column(*c, "matched"), ElementsAre("LicenseRef-fnseal-BigScience-OpenRAIL-M",
                                                   "LicenseRef-fnseal-BigScience-OpenRAIL-M"));
    LicenseQuery expression;
    expression.expression = "GPL-2.0-or-later OR Zlib";
    auto d = QueryLicenses(store, expression);
    ASSERT_THAT(d, IsOk());
    EXPECT_THAT(Column(*d, "component"), Contains("//lib:zlib"));
    EXPECT_THAT(Column(*d, "component"), Contains("//third_party:extra"));
    auto policy = ParseLicensePolicy(R"({"version": 1, "allowCategories": ["permissive", "weak-copyleft"],
                                         "categories": {"LicenseRef-fnseal-BigScience-OpenRAIL-M": "permissive"}})");
    ASSERT_THAT(policy, IsOk());
    LicenseQuery by_policy;
    by_policy.policy = &*policy;
    auto e = QueryLicenses(store, by_policy);
    ASSERT_THAT(e, IsOk());
    EXPECT_THAT(Column(*e, "component"), ElementsAre("//models:classifier", "//third_party:extra"));
    LicenseQuery bad;
    bad.category = "viral";
    EXPECT_THAT(QueryLicenses(store, bad), StatusIs(StatusCode::kInvalidArgument, HasSubstr("viral")));
  });
}

TEST_F(AuditStoreTest, ModelsByModelBaseAndDataset) {
  ForEachFilledStore([&](AuditStore* store, [[maybe_unused]] const test::TestDatabase& t) {
    auto all = QueryModels(store, {});
    ASSERT_THAT(all, IsOk());
    EXPECT_THAT(Column(*all, "function"), ElementsAre("hello", "hello", "resize"));
    EXPECT_THAT(Column(*all, "derived_from"), Contains("distilbert-base-uncased"));
    EXPECT_THAT(Column(*all, "trained_on"), Contains("reviews (//data:reviews)"));
    ModelQuery base;
    base.base = "distilbert-base-uncased";
    auto b = QueryModels(store, base);
    ASSERT_THAT(b, IsOk());
    EXPECT_THAT(b->tables[0].rows, SizeIs(3));
    ModelQuery dataset;
    dataset.dataset = "reviews";
    dataset.model = "tiny-classifier";
    auto d = QueryModels(store, dataset);
    ASSERT_THAT(d, IsOk());
    EXPECT_THAT(d->tables[0].rows, SizeIs(3));
    ModelQuery other;
    other.base = "gpt2";
    auto o = QueryModels(store, other);
    ASSERT_THAT(o, IsOk());
    EXPECT_THAT(o->tables[0].rows, SizeIs(0));
  });
}

TEST_F(AuditStoreTest, SignedByKeyIdPrefixNameAndPemFile) {
  ForEachFilledStore([&](AuditStore* store, [[maybe_unused]] const test::TestDatabase& t) {
    const std::string id = key_.public_key().key_id();
    for (const std::string& key : {id, id.substr(0, 12), std::string("release")}) {
      auto a = QuerySignedBy(store, key);
      ASSERT_THAT(a, IsOk());
      // Two attestations (provenance, CycloneDX) in each of three bundles.
      EXPECT_THAT(a->tables[0].rows, SizeIs(6)) << key;
    }
    ASSERT_THAT(WriteFileAtomic(dir_ + "/release.pub.pem", key_.public_key().ToPem()), IsOk());
    auto by_file = QuerySignedBy(store, dir_ + "/release.pub.pem");
    ASSERT_THAT(by_file, IsOk());
    EXPECT_THAT(by_file->tables[0].rows, SizeIs(6));
    auto other = QuerySignedBy(store, other_key_.public_key().key_id());
    ASSERT_THAT(other, IsOk());
    EXPECT_THAT(other->tables[0].rows, SizeIs(0));  // its bundle was refused
  });
}

TEST_F(AuditStoreTest, BuiltFromRepositoryAndCommit) {
  ForEachFilledStore([&](AuditStore* store, [[maybe_unused]] const test::TestDatabase& t) {
    auto repo = QueryBuiltFrom(store, "https://git.example.com/acme/functions", "");
    ASSERT_THAT(repo, IsOk());
    EXPECT_THAT(Column(*repo, "commit"), ElementsAre("0123456789abcdef0123456789abcdef01234567",
                                                     "89abcdef0123456789abcdef0123456789abcdef"));
    EXPECT_THAT(Column(*repo, "builder_id"), Contains("https://fnseal.dev/builders/bazel/v1"));
    EXPECT_THAT(Column(*repo, "fnseal_version"), Contains("0.1.0"));
    EXPECT_THAT(Column(*repo, "tree_state"), Contains("clean"));
    auto commit = QueryBuiltFrom(store, "git+https://git.example.com/acme/functions@refs/heads/main", "89abcdef");
    ASSERT_THAT(commit, IsOk());
    EXPECT_THAT(Column(*commit, "bundle"), ElementsAre(*Sha256FileHex(hello_v2_)));
    // A repository whose name extends another's is another repository.
    auto prefix = QueryBuiltFrom(store, "https://git.example.com/acme/func", "");
    ASSERT_THAT(prefix, IsOk());
    EXPECT_THAT(prefix->tables[0].rows, SizeIs(0));
  });
}

TEST_F(AuditStoreTest, TraceShowsTheWholeChain) {
  ForEachFilledStore([&](AuditStore* store, [[maybe_unused]] const test::TestDatabase& t) {
    const std::string hello1 = *Sha256FileHex(hello_v1_);
    // By a prefix of the bundle's digest, and by its deployable's digest.
    for (const std::string& ref : {hello1.substr(0, 10), Sha256Hex("deployable of hello 1.0.0"), hello_v1_}) {
      auto a = QueryTrace(store, ref);
      ASSERT_THAT(a, IsOk()) << ref;
      std::vector<std::string> names;
      for (const Table& table : a->tables) names.push_back(table.name);
      EXPECT_THAT(names, ElementsAre("bundle", "source", "builder", "artifacts", "deployables", "components",
                                     "licenses", "signatures", "policy"));
      EXPECT_THAT(Column(*a, "bundle", 0), ElementsAre(hello1));
      EXPECT_THAT(Column(*a, "commit", 1), ElementsAre("0123456789abcdef0123456789abcdef01234567"));
      EXPECT_THAT(Column(*a, "target", 4), ElementsAre("aws_lambda"));
      EXPECT_THAT(Column(*a, "component", 5), SizeIs(6));
      EXPECT_THAT(Column(*a, "key_name", 7), ElementsAre("release", "release"));
      EXPECT_THAT(Column(*a, "policy_sha256", 8), ElementsAre(policy_.sha256));
    }
    EXPECT_THAT(QueryTrace(store, "abc"), StatusIs(StatusCode::kInvalidArgument, HasSubstr("8 hex digits")));
    EXPECT_THAT(QueryTrace(store, std::string(64, 'f')), StatusIs(StatusCode::kNotFound, _));
  });
}

TEST_F(AuditStoreTest, AcceptableAtReplaysTheStoredEnvelopes) {
  ForEachFilledStore([&](AuditStore* store, [[maybe_unused]] const test::TestDatabase& t) {
    const std::string hello1 = *Sha256FileHex(hello_v1_);
    auto now = QueryAcceptableAt(store, hello1, nullptr, kNow);
    ASSERT_THAT(now, IsOk());
    EXPECT_TRUE(now->yes);
    EXPECT_THAT(Column(*now, "keys"), ElementsAre("release"));
    // After the key's validUntil, the same envelopes are no longer acceptable.
    auto later = QueryAcceptableAt(store, hello1, nullptr, *ParseRfc3339Utc("2027-06-01T00:00:00Z"));
    ASSERT_THAT(later, IsOk());
    EXPECT_FALSE(later->yes);
    EXPECT_THAT(Column(*later, "reason")[0], HasSubstr("release"));
    // Under another policy that trusts only the other key.
    const std::string other = R"({"version": 1, "keys": [{"name": "other", "publicKey": )" +
                              Json(other_key_.public_key().ToPem()).dump() +
                              R"(}], "threshold": 1, "predicateTypes": ["https://slsa.dev/provenance/v1", "https://cyclonedx.org/bom"],
                                 "builders": [{"id": "https://fnseal.dev/builders/bazel/v1"}]})";
    auto other_policy = ParseIngestPolicy(other);
    ASSERT_THAT(other_policy, IsOk());
    auto refused = QueryAcceptableAt(store, hello1, &*other_policy, kNow);
    ASSERT_THAT(refused, IsOk());
    EXPECT_FALSE(refused->yes);
    // A tampered store is caught by the replay: change a stored digest.
    ASSERT_THAT(store->db()->Execute("UPDATE bundle_files SET sha256 = $1 WHERE bundle_sha256 = $2 AND path LIKE "
                                     "'deployables/%'",
                                     {std::string(64, '0'), hello1}),
                IsOk());
    auto tampered = QueryAcceptableAt(store, hello1, nullptr, kNow);
    ASSERT_THAT(tampered, IsOk());
    EXPECT_FALSE(tampered->yes);
    EXPECT_THAT(Column(*tampered, "reason")[0], HasSubstr("deployables/aws_lambda/hello.zip"));
  });
}

TEST_F(AuditStoreTest, DiffBetweenReleases) {
  ForEachFilledStore([&](AuditStore* store, [[maybe_unused]] const test::TestDatabase& t) {
    auto d = QueryDiff(store, *Sha256FileHex(hello_v1_), *Sha256FileHex(hello_v2_));
    ASSERT_THAT(d, IsOk());
    std::vector<std::string> changes;
    for (const auto& row : d->tables[0].rows) changes.push_back(row[0] + " " + row[1] + " " + row[2]);
    EXPECT_THAT(changes, Contains("component //third_party:extra added"));
    EXPECT_THAT(changes, Contains("license //models:classifier changed"));
    EXPECT_THAT(changes, Contains("build source_commit changed"));
    EXPECT_FALSE(d->yes);
    auto same = QueryDiff(store, *Sha256FileHex(hello_v1_), *Sha256FileHex(hello_v1_));
    ASSERT_THAT(same, IsOk());
    EXPECT_TRUE(same->yes);
  });
}

TEST_F(AuditStoreTest, ViewsAnswerReadOnlySqlAndRefuseWrites) {
  for (const auto& t : test::FreshTestDatabases()) {
    SCOPED_TRACE(t.backend);
    {
      auto store = OpenStore(t.location);
      ASSERT_NE(store, nullptr);
      IngestAll(store.get());
    }
    AuditStoreOptions read_only;
    read_only.read_only = true;
    auto store = AuditStore::Open(t.location, read_only);
    ASSERT_THAT(store, IsOk());
    auto rows = (*store)->db()->QueryReadOnly(
        "SELECT function_name, count(*) AS n FROM audit_bundles GROUP BY function_name ORDER BY function_name");
    ASSERT_THAT(rows, IsOk());
    ASSERT_THAT(rows->rows, SizeIs(2));
    EXPECT_EQ(rows->rows[0][1], std::optional<std::string>("2"));
    EXPECT_THAT((*store)->db()->QueryReadOnly("DELETE FROM bundles"), StatusIs(StatusCode::kPermissionDenied, _));
    EXPECT_THAT((*store)->Ingest(rogue_, policy_, kNow), Not(IsOk()));  // a refusal is a write
  }
}

TEST_F(AuditStoreTest, IngestManyKeepsOrderAndRollsBack) {
  const auto databases = test::FreshTestDatabases(), rollback = test::FreshTestDatabases("-rb");
  for (size_t i = 0; i < databases.size(); ++i) {
    const test::TestDatabase& t = databases[i];
    SCOPED_TRACE(t.backend);
    auto store = OpenStore(t.location);
    ASSERT_NE(store, nullptr);
    // More bundles than the workers' window (8 per thread), one thread: results come in order.
    std::vector<std::string> paths;
    for (int round = 0; round < 4; ++round) {
      for (const std::string& b : {hello_v1_, rogue_, hello_v2_, resize_}) paths.push_back(b);
    }
    AuditStore::IngestManyOptions one_thread;
    one_thread.threads = 1;
    std::vector<std::string> seen;
    std::vector<IngestResult::Outcome> outcomes;
    ASSERT_THAT(store->IngestMany(paths, policy_, kNow, one_thread,
                                  [&](const IngestResult& r) {
                                    seen.push_back(r.offered_as);
                                    outcomes.push_back(r.outcome);
                                  }),
                IsOk());
    EXPECT_EQ(seen, paths);
    using O = IngestResult::Outcome;
    EXPECT_THAT(std::vector<O>(outcomes.begin(), outcomes.begin() + 8),
                ElementsAre(O::kAdded, O::kRefused, O::kAdded, O::kAdded, O::kAlreadyStored, O::kRefused,
                            O::kAlreadyStored, O::kAlreadyStored));
    EXPECT_THAT(store->Check(), IsOk());

    // A file that cannot be read stops the run with NotFound, and what the batch had stored is
    // rolled back: nothing was committed (the interval is long), so the store is as it was.
    auto fresh = OpenStore(rollback.at(i).location);
    ASSERT_NE(fresh, nullptr);
    AuditStore::IngestManyOptions slow;
    slow.commit_every = std::chrono::hours(1);
    size_t reported = 0;
    EXPECT_THAT(fresh->IngestMany({hello_v1_, resize_, dir_ + "/missing.fnb", hello_v2_}, policy_, kNow, slow,
                                  [&](const IngestResult&) { ++reported; }),
                StatusIs(StatusCode::kNotFound, HasSubstr("rolled back")));
    EXPECT_EQ(reported, 2u);
    auto count = fresh->db()->Query("SELECT count(*) FROM bundles");
    ASSERT_THAT(count, IsOk());
    EXPECT_EQ(count->rows[0][0], std::optional<std::string>("0"));
    // The same store then stores those bundles whole, in the other order: the component ids it
    // saw in the rolled-back batch are forgotten, not referred to (SQLite would even hand the
    // same ids to other components).
    EXPECT_EQ(Ingest(fresh.get(), resize_).outcome, IngestResult::Outcome::kAdded);
    EXPECT_EQ(Ingest(fresh.get(), hello_v1_).outcome, IngestResult::Outcome::kAdded);
    EXPECT_THAT(fresh->Check(), IsOk());
    auto components = fresh->db()->Query("SELECT count(*) FROM audit_components");
    ASSERT_THAT(components, IsOk());
    EXPECT_NE(components->rows[0][0], std::optional<std::string>("0"));
  }
}

TEST_F(AuditStoreTest, ConcurrentIngestersLoseNothing) {
  for (const auto& t : test::FreshTestDatabases()) {
    SCOPED_TRACE(t.backend);
    ASSERT_NE(OpenStore(t.location), nullptr);  // created once; the four also race to migrate below
    std::vector<std::string> bundles;
    for (int i = 0; i < 12; ++i) {
      test::TestBundle b;
      b.function = "fn" + std::to_string(i);
      b.handler_bytes = "#!/bin/sh\necho " + std::to_string(i) + "\n";
      bundles.push_back(test::MakeTestBundle(dir_, b, {key_}));
    }
    std::vector<std::thread> threads;
    std::vector<int> added(4, 0);
    for (int w = 0; w < 4; ++w) {
      threads.emplace_back([&, w] {
        auto store = AuditStore::Open(t.location, {});
        if (!store.ok()) return;
        // Every worker offers every bundle, each starting elsewhere.
        for (size_t i = 0; i < bundles.size(); ++i) {
          auto r = (*store)->Ingest(bundles[(i + static_cast<size_t>(w) * 3) % bundles.size()], policy_, kNow);
          if (r.ok() && r->outcome == IngestResult::Outcome::kAdded) ++added[static_cast<size_t>(w)];
        }
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(added[0] + added[1] + added[2] + added[3], 12);
    auto store = OpenStore(t.location);
    ASSERT_NE(store, nullptr);
    auto count = store->db()->Query("SELECT count(*) FROM bundles");
    ASSERT_THAT(count, IsOk());
    EXPECT_EQ(count->rows[0][0], std::optional<std::string>("12"));
    auto components = store->db()->Query("SELECT count(*) FROM bundle_components");
    ASSERT_THAT(components, IsOk());
    EXPECT_EQ(components->rows[0][0], std::optional<std::string>("72"));
    EXPECT_THAT(store->Check(), IsOk());
  }
}

TEST_F(AuditStoreTest, CheckFindsMissingEnvelopes) {
  ForEachFilledStore([&](AuditStore* store, [[maybe_unused]] const test::TestDatabase& t) {
    // An envelope changed (packed properly), then one that no longer unpacks.
    const std::string first = "(SELECT min(envelope_sha256) FROM envelopes)";
    ASSERT_THAT(store->db()->Execute("UPDATE envelopes SET body_zstd = $1 WHERE envelope_sha256 IN " + first,
                                     {SqlBlob{*PackEnvelope("{}")}}),
                IsOk());
    EXPECT_THAT(store->Check(), StatusIs(StatusCode::kDataLoss, HasSubstr("does not match its digest")));
    ASSERT_THAT(store->db()->Execute("UPDATE envelopes SET body_zstd = $1 WHERE envelope_sha256 IN " + first,
                                     {SqlBlob{"not zstd"}}),
                IsOk());
    EXPECT_THAT(store->Check(), StatusIs(StatusCode::kDataLoss, HasSubstr("does not match its digest")));
  });
}

TEST_F(AuditStoreTest, ForeignAndNewerStoresAreRefused) {
  for (const auto& t : test::FreshTestDatabases()) {
    SCOPED_TRACE(t.backend);
    {
      auto db = OpenDatabase(t.location, {});
      ASSERT_THAT(db, IsOk());
      ASSERT_THAT((*db)->ExecuteScript("CREATE TABLE customers (id BIGINT)"), IsOk());
    }
    EXPECT_THAT(AuditStore::Open(t.location, {}),
                StatusIs(StatusCode::kFailedPrecondition, HasSubstr("not an fnseal audit store")));
  }
  for (const auto& t : test::FreshTestDatabases("-newer")) {
    SCOPED_TRACE(t.backend);
    ASSERT_NE(OpenStore(t.location), nullptr);
    {
      auto db = OpenDatabase(t.location, {});
      ASSERT_THAT(db, IsOk());
      ASSERT_THAT((*db)->Execute("UPDATE store_meta SET value = '99' WHERE key = 'schema_version'"), IsOk());
    }
    EXPECT_THAT(AuditStore::Open(t.location, {}), StatusIs(StatusCode::kFailedPrecondition, HasSubstr("newer")));
  }
  AuditStoreOptions read_only;
  read_only.read_only = true;
  EXPECT_THAT(AuditStore::Open(test::FreshTestDir() + "/none.db", read_only),
              StatusIs(StatusCode::kNotFound, HasSubstr("fnseal audit ingest")));
}

TEST_F(AuditStoreTest, EvidencePackHoldsTheEnvelopesVerbatimAndAManifest) {
  ForEachFilledStore([&](AuditStore* store, [[maybe_unused]] const test::TestDatabase& t) {
    const std::string pack = dir_ + "/pack-" + t.backend;
    const std::string hello1 = *Sha256FileHex(hello_v1_);
    ASSERT_THAT(WriteEvidencePack(store, hello1, pack), IsOk());
    auto contents = ReadBundle(hello_v1_, false);
    ASSERT_THAT(contents, IsOk());
    for (const auto& [name, bytes] : contents->attestations) {
      EXPECT_EQ(ReadFile(pack + "/" + name).value(), bytes) << name;
    }
    EXPECT_EQ(ReadFile(pack + "/keys/" + key_.public_key().key_id() + ".pub.pem").value(), key_.public_key().ToPem());
    auto manifest = ReadFile(pack + "/MANIFEST.sha256");
    ASSERT_THAT(manifest, IsOk());
    for (const char* f : {"README.md", "policy.json", "files.sha256", "trace.json", "manifest.json",
                                 "verify-independently.sh"}) {
      EXPECT_THAT(*manifest, HasSubstr(Sha256Hex(ReadFile(pack + "/" + f).value()) + "  " + std::string(f))) << f;
    }
    EXPECT_THAT(ReadFile(pack + "/files.sha256").value(),
                HasSubstr(Sha256Hex("deployable of hello 1.0.0") + "  deployables/aws_lambda/hello.zip"));
    EXPECT_THAT(WriteEvidencePack(store, hello1, pack), StatusIs(StatusCode::kAlreadyExists, _));
    EXPECT_THAT(WriteEvidencePack(store, std::string(64, 'e'), pack + "-none"),
                StatusIs(StatusCode::kNotFound, _));
    EXPECT_FALSE(PathExists(pack + "-none"));
  });
}

TEST(PurlBaseTest, DropsVersionQualifiersAndSubpath) {
  EXPECT_EQ(PurlBase("pkg:deb/debian/libc6-dev@2.36-9+deb12u14?arch=amd64"), "pkg:deb/debian/libc6-dev");
  EXPECT_EQ(PurlBase("pkg:npm/%40scope/name@1.0.0#lib/x.js"), "pkg:npm/%40scope/name");
  EXPECT_EQ(PurlBase("pkg:huggingface/acme/model"), "pkg:huggingface/acme/model");
  EXPECT_EQ(PurlBase("pkg:generic/x?download_url=https://a@b/c"), "pkg:generic/x");
}

}  // namespace
}  // namespace fnseal
