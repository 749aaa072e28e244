#include "audit/store/writes.h"

#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "audit/store/store.h"
#include "core/sha256.h"

namespace fnseal {
namespace {

// Appends `s` with its length in front, so that no two field lists hash alike.
void AddField(Sha256* hash, std::string_view s) {
  const std::string length = std::to_string(s.size()) + ":";
  hash->Update(length);
  hash->Update(s);
}

// The ids of the components in `digests` that the store holds.
Result<std::map<std::string, int64_t>> FindComponents(Database* db, const std::vector<std::string>& digests) {
  std::map<std::string, int64_t> found;
  RETURN_IF_ERROR(ForEachChunk({digests.begin(), digests.end()}, 1,
                               [&](const std::string& list, std::vector<SqlValue> params) -> Status {
                                 ASSIGN_OR_RETURN(Rows rows, db->Query("SELECT digest, component_id FROM component_facts "
                                                                       "WHERE digest IN (" + list + ")",
                                                                       params));
                                 for (const auto& row : rows.rows) {
                                   found[row[0].value_or("")] = std::stoll(row[1].value_or("0"));
                                 }
                                 return OkStatus();
                               }));
  return found;
}

}  // namespace

std::vector<size_t> PowerOfTwoChunks(size_t count, size_t most) {
  std::vector<size_t> chunks;
  for (size_t left = count; left > 0;) {
    size_t n = most;
    while (n > left) n /= 2;
    chunks.push_back(n);
    left -= n;
  }
  return chunks;
}

SqlValue TextOrNull(const std::string& s) {
  if (s.empty()) return std::monostate{};
  return s;
}

Status InsertRows(Database* db, const std::string& table, const std::vector<std::string>& columns,
                  std::vector<std::vector<SqlValue>> rows, bool ignore_conflicts) {
  size_t most = 256;
  while (most > 1 && most * columns.size() > 30000) most /= 2;  // within the backends' parameter limits
  std::string head = "INSERT INTO " + table + " (";
  for (size_t c = 0; c < columns.size(); ++c) head += (c ? ", " : "") + columns[c];
  head += ") VALUES ";
  size_t begin = 0;
  for (size_t count : PowerOfTwoChunks(rows.size(), most)) {
    std::string sql = head;
    std::vector<SqlValue> params;
    params.reserve(count * columns.size());
    for (size_t r = begin; r < begin + count; ++r) {
      sql += r > begin ? ", (" : "(";
      for (size_t c = 0; c < columns.size(); ++c) {
        params.push_back(std::move(rows[r].at(c)));
        sql += (c ? ", $" : "$") + std::to_string(params.size());
      }
      sql += ")";
    }
    if (ignore_conflicts) sql += " ON CONFLICT DO NOTHING";
    RETURN_IF_ERROR(db->Execute(sql, params));
    begin += count;
  }
  return OkStatus();
}

std::string ComponentDigest(const ComponentFact& c) {
  Sha256 hash;
  AddField(&hash, "fnseal-component-v1");
  for (const std::string* field : {&c.kind, &c.name, &c.version, &c.license, &c.purl, &c.url, &c.supplier}) {
    AddField(&hash, *field);
  }
  std::set<std::tuple<std::string, std::string, bool>> licenses;
  for (const LicenseLeafFact& l : c.licenses) licenses.emplace(l.license_id, l.category, l.model_license);
  AddField(&hash, std::to_string(licenses.size()));
  for (const auto& [id, category, model] : licenses) {
    AddField(&hash, id);
    AddField(&hash, category);
    AddField(&hash, model ? "1" : "0");
  }
  std::set<std::pair<std::string, std::string>> files(c.files.begin(), c.files.end());
  AddField(&hash, std::to_string(files.size()));
  for (const auto& [name, sha256] : files) {
    AddField(&hash, name);
    AddField(&hash, sha256);
  }
  std::set<std::pair<std::string, std::string>> lineage;
  for (const auto& edge : c.edges) {
    if (edge.first != "depends-on") lineage.insert(edge);
  }
  AddField(&hash, std::to_string(lineage.size()));
  for (const auto& [relation, target] : lineage) {
    AddField(&hash, relation);
    AddField(&hash, target);
  }
  return hash.FinishHex();
}

const int64_t* ComponentIds::Find(const std::string& digest) const {
  for (const auto* ids : {&committed, &pending}) {
    if (auto found = ids->find(digest); found != ids->end()) return &found->second;
  }
  return nullptr;
}

void ComponentIds::End(bool committed_ok) {
  if (committed_ok) {
    // Bounded: a store of millions of distinct components keeps the most recent ones.
    if (committed.size() + pending.size() > (1u << 20)) committed.clear();
    committed.merge(pending);
  }
  pending.clear();
}

Status StoreBundleComponents(Database* db, int64_t bundle_id, const std::vector<ComponentFact>& components,
                             ComponentIds* known) {
  std::vector<std::string> digests;
  std::map<std::string, const ComponentFact*> by_digest;
  for (const ComponentFact& c : components) {
    digests.push_back(ComponentDigest(c));
    by_digest.emplace(digests.back(), &c);
  }
  std::map<std::string, int64_t> ids;
  std::vector<std::string> unknown;
  for (const auto& entry : by_digest) {
    const int64_t* id = known != nullptr ? known->Find(entry.first) : nullptr;
    if (id != nullptr) {
      ids[entry.first] = *id;
    } else {
      unknown.push_back(entry.first);
    }
  }
  if (!unknown.empty()) {
    ASSIGN_OR_RETURN(auto stored, FindComponents(db, unknown));
    ids.insert(stored.begin(), stored.end());
  }

  using Row = std::vector<SqlValue>;
  std::vector<Row> licenses, files, lineage;
  for (const auto& [digest, c] : by_digest) {
    if (ids.count(digest) > 0) continue;
    ASSIGN_OR_RETURN(Rows added,
                     db->Query("INSERT INTO component_facts (digest, kind, name, version, license, purl, purl_base, "
                               "url, supplier) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING "
                               "RETURNING component_id",
                               {digest, c->kind, c->name, TextOrNull(c->version), TextOrNull(c->license),
                                TextOrNull(c->purl), TextOrNull(PurlBase(c->purl)), TextOrNull(c->url),
                                TextOrNull(c->supplier)}));
    if (added.rows.empty()) {
      // Another ingester added it since we looked (and committed: the insert waited for it).
      ASSIGN_OR_RETURN(auto raced, FindComponents(db, {digest}));
      if (raced.count(digest) == 0) return UnavailableError("component " + digest + " vanished while being stored");
      ids[digest] = raced[digest];
      continue;
    }
    const int64_t id = std::stoll(added.rows[0][0].value_or("0"));
    ids[digest] = id;
    // Duplicates within a component (a license named twice, a file listed twice) are kept once.
    for (const LicenseLeafFact& l : c->licenses) {
      licenses.push_back({id, l.license_id, l.category, int64_t{l.model_license ? 1 : 0}});
    }
    for (const auto& [name, sha256] : c->files) files.push_back({id, name, sha256});
    for (const auto& [relation, target] : c->edges) {
      if (relation != "depends-on") lineage.push_back({id, relation, target});
    }
  }
  if (known != nullptr) {
    for (const auto& [digest, id] : ids) {
      if (known->committed.count(digest) == 0) known->pending.emplace(digest, id);
    }
  }
  RETURN_IF_ERROR(InsertRows(db, "component_fact_licenses", {"component_id", "license_id", "category", "is_model_license"},
                             std::move(licenses), true));
  RETURN_IF_ERROR(InsertRows(db, "component_fact_files", {"component_id", "name", "sha256"}, std::move(files), true));
  RETURN_IF_ERROR(
      InsertRows(db, "component_lineage", {"component_id", "relation", "target"}, std::move(lineage), true));

  std::vector<Row> members, edges;
  for (size_t i = 0; i < components.size(); ++i) {
    const ComponentFact& c = components[i];
    members.push_back({bundle_id, c.ref, ids[digests[i]], int64_t{c.root ? 1 : 0}, TextOrNull(c.path)});
    for (const auto& [relation, target] : c.edges) {
      if (relation == "depends-on") edges.push_back({bundle_id, c.ref, target});
    }
  }
  RETURN_IF_ERROR(InsertRows(db, "bundle_components", {"bundle_id", "ref", "component_id", "is_root", "path"},
                             std::move(members), false));
  return InsertRows(db, "bundle_edges", {"bundle_id", "from_ref", "to_ref"}, std::move(edges), true);
}

}  // namespace fnseal
