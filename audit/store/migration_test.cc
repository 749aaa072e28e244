// Migration of a store written at schema version 1 (testdata/audit-store-v1) to the current
// version, on SQLite (the file as that fnseal wrote it) and on PostgreSQL (its rows copied into a
// version-1 schema): every fact must equal a fresh ingest of the same bundles.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "audit/db/test_databases.h"
#include "audit/store/schema.h"
#include "audit/store/store.h"
#include "core/file.h"
#include "formats/zstd/zstd.h"
#include "tests/support/status_matchers.h"
#include "tests/support/test_dir.h"

namespace fnseal {
namespace {

using ::fnseal::test::IsOk;
using ::fnseal::test::StatusIs;
using ::testing::HasSubstr;

constexpr char kFixture[] = "testdata/audit-store-v1/";
const std::vector<std::string> kBundles = {"b0.fnb", "b1.fnb", "b2.fnb", "b7.fnb"};

// The version-1 tables in an order that satisfies their foreign keys.
const std::vector<std::string> kV1Tables = {
    "envelopes",    "policies",     "signing_keys", "bundles",    "bundle_files",       "bundle_directories",
    "attestations", "signatures",   "dependencies", "components", "component_licenses", "component_files",
    "component_edges", "ingest_attempts"};

// The version-1 SQLite file, decompressed to a fresh path.
std::string V1SqliteStore(const std::string& name) {
  auto bytes = ZstdDecompress(test::ReadTestFile(std::string(kFixture) + "store.db.zst"));
  EXPECT_THAT(bytes, IsOk());
  const std::string path = test::NewTestDir(name) + "/store.db";
  EXPECT_THAT(WriteFileAtomic(path, bytes.ok() ? *bytes : std::string()), IsOk());
  return path;
}

// Every fact a query can read, as text, in a fixed order.
std::vector<std::string> Facts(AuditStore* store) {
  std::vector<std::string> out;
  auto add = [&](const std::string& sql) {
    auto rows = store->db()->Query(sql);
    EXPECT_THAT(rows, IsOk()) << sql;
    if (!rows.ok()) return;
    for (const auto& row : rows->rows) {
      std::string line;
      for (const auto& cell : row) line += cell.value_or("NULL") + "|";
      out.push_back(line);
    }
  };
  add("SELECT bundle_sha256, function_name, entrypoint, runtime, size, manifest, bazel_target, build_type, "
      "builder_id, fnseal_version, source_uri, source_commit, tree_state, policy_sha256, targets FROM bundles "
      "ORDER BY 1");
  add("SELECT bundle_sha256, ref, kind, name, version, license, purl, url, supplier, is_root, path, component_digest "
      "FROM audit_components ORDER BY 1, 2");
  add("SELECT bundle_sha256, ref, license_id, category, is_model_license FROM audit_component_licenses "
      "ORDER BY 1, 2, 3");
  add("SELECT bundle_sha256, ref, name, sha256 FROM audit_component_files ORDER BY 1, 2, 3");
  add("SELECT bundle_sha256, from_ref, relation, to_ref FROM audit_component_edges ORDER BY 1, 2, 3, 4");
  add("SELECT digest, kind, name, version, license, purl, purl_base, url, supplier FROM component_facts ORDER BY 1");
  add("SELECT bundle_sha256, path, sha256, size FROM bundle_files ORDER BY 1, 2");
  add("SELECT bundle_sha256, name, predicate_type, envelope_sha256 FROM attestations ORDER BY 1, 2");
  add("SELECT bundle_sha256, attestation, key_id, key_name FROM signatures ORDER BY 1, 2, 3");
  add("SELECT ref, path FROM audit_components ORDER BY bundle_sha256, ref");
  add("SELECT bundle_sha256, targets FROM audit_bundles ORDER BY 1");
  return out;
}

// A fresh store at `location` with the fixture's bundles ingested by this fnseal.
std::unique_ptr<AuditStore> FreshlyIngested(const std::string& location) {
  auto store = AuditStore::Open(location, {});
  EXPECT_THAT(store, IsOk());
  auto policy = LoadIngestPolicy(std::string(kFixture) + "policy.json");
  EXPECT_THAT(policy, IsOk());
  if (!store.ok() || !policy.ok()) return nullptr;
  for (const std::string& b : kBundles) {
    auto r = (*store)->Ingest(std::string(kFixture) + b, *policy, 1796000000);
    EXPECT_THAT(r, IsOk());
    EXPECT_EQ(r.ok() ? r->outcome : IngestResult::Outcome::kRefused, IngestResult::Outcome::kAdded) << b;
  }
  return store.ok() ? std::move(*store) : nullptr;
}

void ExpectMigratedLikeFresh(AuditStore* migrated, AuditStore* fresh) {
  EXPECT_THAT(migrated->Check(), IsOk());
  const std::vector<std::string> facts = Facts(migrated);
  EXPECT_GT(facts.size(), 400u);  // 4 bundles of 40 components each, their licenses, edges, files...
  EXPECT_EQ(facts, Facts(fresh));
  // Paths were filled in (every component but the data set, which a model is trained on rather
  // than depends on); envelopes unpack byte for byte.
  auto paths = migrated->db()->Query("SELECT count(*) FROM audit_components WHERE path IS NULL AND kind <> 'dataset'");
  ASSERT_THAT(paths, IsOk());
  EXPECT_EQ(paths->rows[0][0], std::optional<std::string>("0"));
  // Components the bundles share are stored once.
  auto shared = migrated->db()->Query("SELECT (SELECT count(*) FROM component_facts), (SELECT count(DISTINCT "
                                      "component_id) FROM bundle_components), (SELECT count(*) FROM bundle_components)");
  ASSERT_THAT(shared, IsOk());
  EXPECT_EQ(shared->rows[0][0], shared->rows[0][1]);
  EXPECT_LT(std::stoll(shared->rows[0][0].value_or("0")), std::stoll(shared->rows[0][2].value_or("0")));
  for (const std::string& b : kBundles) {
    auto bundle = migrated->ResolveBundle(std::string(kFixture) + b);
    ASSERT_THAT(bundle, IsOk());
    auto old_contents = migrated->StoredContents(*bundle);
    auto new_contents = fresh->StoredContents(*bundle);
    ASSERT_THAT(old_contents, IsOk());
    ASSERT_THAT(new_contents, IsOk());
    EXPECT_EQ((*old_contents)->attestations, (*new_contents)->attestations) << b;
  }
  // What was refused before the migration is still on record.
  auto refused = migrated->db()->Query("SELECT count(*) FROM ingest_attempts WHERE outcome = 'refused'");
  ASSERT_THAT(refused, IsOk());
  EXPECT_EQ(refused->rows[0][0], std::optional<std::string>("1"));
}

TEST(AuditStoreMigrationTest, SqliteStoreFromVersion1) {
  const std::string v1 = V1SqliteStore("v1");
  AuditStoreOptions read_only;
  read_only.read_only = true;
  EXPECT_THAT(AuditStore::Open(v1, read_only),
              StatusIs(StatusCode::kFailedPrecondition, HasSubstr("schema version 1; open it once for writing")));
  auto migrated = AuditStore::Open(v1, {});
  ASSERT_THAT(migrated, IsOk());
  auto version = (*migrated)->db()->Query("SELECT value FROM store_meta WHERE key = 'schema_version'");
  ASSERT_THAT(version, IsOk());
  EXPECT_EQ(version->rows[0][0], std::optional<std::string>(std::to_string(kAuditSchemaVersion)));
  auto fresh = FreshlyIngested(test::NewTestDir("fresh") + "/store.db");
  ASSERT_NE(fresh, nullptr);
  ExpectMigratedLikeFresh(migrated->get(), fresh.get());
  // Opening again changes nothing.
  migrated->reset();
  auto again = AuditStore::Open(v1, {});
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(Facts(again->get()), Facts(fresh.get()));
}

TEST(AuditStoreMigrationTest, PostgresStoreFromVersion1) {
  std::vector<test::TestDatabase> databases = test::FreshTestDatabases("-v1");
  std::vector<test::TestDatabase> fresh_databases = test::FreshTestDatabases("-fresh");
  if (databases.size() < 2) GTEST_SKIP() << "FNSEAL_TEST_POSTGRES is not set (tools/test sets it)";
  const std::string location = databases[1].location;
  {
    auto source = OpenDatabase(V1SqliteStore("v1-source"), {});
    ASSERT_THAT(source, IsOk());
    auto target = OpenDatabase(location, {});
    ASSERT_THAT(target, IsOk());
    ASSERT_THAT(MigrateAuditStore(target->get(), 1), IsOk());
    Status copied = InWriteTransaction(target->get(), [&]() -> Status {
      for (const std::string& table : kV1Tables) {
        ASSIGN_OR_RETURN(Rows rows, (*source)->Query("SELECT * FROM " + table));
        std::string sql = "INSERT INTO " + table + " (";
        std::string values;
        for (size_t c = 0; c < rows.columns.size(); ++c) {
          sql += (c ? ", " : "") + rows.columns[c];
          values += (c ? ", $" : "$") + std::to_string(c + 1);
        }
        sql += ") VALUES (" + values + ")";
        for (const auto& row : rows.rows) {
          std::vector<SqlValue> params;
          for (const auto& cell : row) params.push_back(cell ? SqlValue(*cell) : SqlValue(std::monostate{}));
          RETURN_IF_ERROR((*target)->Execute(sql, params));
        }
      }
      return OkStatus();
    });
    ASSERT_THAT(copied, IsOk());
  }
  auto migrated = AuditStore::Open(location, {});
  ASSERT_THAT(migrated, IsOk());
  auto fresh = FreshlyIngested(fresh_databases[1].location);
  ASSERT_NE(fresh, nullptr);
  ExpectMigratedLikeFresh(migrated->get(), fresh.get());
}

}  // namespace
}  // namespace fnseal
