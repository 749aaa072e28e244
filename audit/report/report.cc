#include "audit/report/report.h"

#include <algorithm>
#include <map>
#include <vector>

#include "audit/store/queries.h"
#include "provenance/statement/statement.h"

namespace fnseal {
namespace {

std::string Cell(const std::optional<std::string>& v) { return v.value_or(""); }

constexpr char kStyle[] = R"CSS(
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #1b1f24; padding: 0 1em; }
h1 { font-size: 1.6em; margin-bottom: .2em; } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #d0d7de; }
.muted { color: #57606a; } code, .digest { font-family: ui-monospace, monospace; font-size: 12px; }
.cards { display: flex; flex-wrap: wrap; gap: .8em; margin: 1.2em 0; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: .6em 1em; min-width: 8em; }
.card .n { font-size: 1.8em; font-weight: 600; display: block; }
table { border-collapse: collapse; width: 100%; margin: .6em 0; }
th, td { text-align: left; padding: .3em .6em; border-bottom: 1px solid #eaeef2; vertical-align: top; }
th { background: #f6f8fa; }
.bar { background: #0969da; height: .8em; display: inline-block; border-radius: 2px; }
.cat-non-commercial .bar, .cat-proprietary .bar, .cat-unknown .bar { background: #cf222e; }
.cat-strong-copyleft .bar, .cat-weak-copyleft .bar { background: #bf8700; }
.refused { color: #cf222e; }
svg text { font: 12px system-ui, sans-serif; }
)CSS";

struct Page {
  std::string html;
  void Metric(const std::string& name, const std::string& label, const std::string& value) {
    html += "<div class=\"card\"><span class=\"n\" data-metric=\"" + EscapeHtml(name) + "\">" + EscapeHtml(value) +
            "</span><span class=\"muted\">" + EscapeHtml(label) + "</span></div>\n";
  }
  void Table(const std::string& name, const std::vector<std::string>& headers, const Rows& rows,
             const std::vector<size_t>& digest_columns = {}) {
    html += "<table data-table=\"" + EscapeHtml(name) + "\" data-rows=\"" + std::to_string(rows.rows.size()) +
            "\"><thead><tr>";
    for (const std::string& h : headers) html += "<th>" + EscapeHtml(h) + "</th>";
    html += "</tr></thead><tbody>\n";
    if (rows.rows.empty()) {
      html += "<tr><td colspan=\"" + std::to_string(headers.size()) + "\" class=\"muted\">none</td></tr>\n";
    }
    for (const auto& row : rows.rows) {
      html += "<tr>";
      for (size_t c = 0; c < row.size(); ++c) {
        const bool digest = std::find(digest_columns.begin(), digest_columns.end(), c) != digest_columns.end();
        const std::string value = Cell(row[c]);
        html += digest ? "<td class=\"digest\" title=\"" + EscapeHtml(value) + "\">" + EscapeHtml(value.substr(0, 16)) +
                             (value.size() > 16 ? "&hellip;" : "") + "</td>"
                       : "<td>" + EscapeHtml(value) + "</td>";
      }
      html += "</tr>\n";
    }
    html += "</tbody></table>\n";
  }
};

// One box of the chain: a title and up to three lines.
struct Box {
  std::string title;
  std::vector<std::string> lines;
};

constexpr int kWidth = 760, kGap = 30, kLine = 15;  // of the chain picture, in pixels
constexpr size_t kMaxLines = 6;                      // per box

std::string ChainSvg(const std::vector<Box>& boxes) {
  auto height_of = [](const Box& b) { return 32 + kLine * static_cast<int>(std::min(b.lines.size(), kMaxLines)); };
  int height = 2;
  for (const Box& b : boxes) height += height_of(b) + kGap;
  height -= kGap;
  std::string svg = "<svg id=\"chain\" role=\"img\" aria-label=\"provenance chain\" xmlns=\"http://www.w3.org/2000/svg\" "
                    "width=\"" + std::to_string(kWidth) + "\" height=\"" + std::to_string(height) +
                    "\" viewBox=\"0 0 " + std::to_string(kWidth) + " " + std::to_string(height) + "\">\n"
                    "<defs><marker id=\"arrow\" markerWidth=\"10\" markerHeight=\"10\" refX=\"5\" refY=\"5\" "
                    "orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"#57606a\"/></marker></defs>\n";
  int y = 1;
  for (size_t i = 0; i < boxes.size(); ++i) {
    const Box& box = boxes[i];
    const int h = height_of(box);
    svg += "<g data-step=\"" + EscapeHtml(box.title) + "\"><rect x=\"1\" y=\"" + std::to_string(y) + "\" width=\"" +
           std::to_string(kWidth - 2) + "\" height=\"" + std::to_string(h) +
           "\" rx=\"6\" fill=\"#f6f8fa\" stroke=\"#8c959f\"/>";
    svg += "<text x=\"14\" y=\"" + std::to_string(y + 20) + "\" font-weight=\"600\">" + EscapeHtml(box.title) + "</text>";
    for (size_t l = 0; l < box.lines.size() && l < kMaxLines; ++l) {
      std::string line = box.lines[l];
      if (l + 1 == kMaxLines && box.lines.size() > kMaxLines) {
        line = "... and " + std::to_string(box.lines.size() - kMaxLines + 1) + " more";
      }
      if (line.size() > 110) line = line.substr(0, 107) + "...";
      svg += "<text x=\"14\" y=\"" + std::to_string(y + 38 + static_cast<int>(l) * kLine) + "\" fill=\"#424a53\">" +
             EscapeHtml(line) + "</text>";
    }
    svg += "</g>\n";
    if (i + 1 < boxes.size()) {
      const int x = kWidth / 2, y1 = y + h + 2, y2 = y + h + kGap - 6;
      svg += "<line x1=\"" + std::to_string(x) + "\" y1=\"" + std::to_string(y1) + "\" x2=\"" + std::to_string(x) +
             "\" y2=\"" + std::to_string(y2) + "\" stroke=\"#57606a\" stroke-width=\"2\" marker-end=\"url(#arrow)\"/>\n";
    }
    y += h + kGap;
  }
  return svg + "</svg>\n";
}

// The rows of `table` in `answer`, each joined into one line.
std::vector<std::string> Lines(const Answer& answer, const std::string& table, const std::vector<size_t>& columns) {
  std::vector<std::string> out;
  for (const Table& t : answer.tables) {
    if (t.name != table) continue;
    for (const auto& row : t.rows) {
      std::string line;
      for (size_t c : columns) {
        if (c < row.size() && !row[c].empty()) line += (line.empty() ? "" : "  ") + row[c];
      }
      out.push_back(line);
    }
  }
  return out;
}

Result<std::vector<Box>> Chain(AuditStore* store, const std::string& bundle) {
  ASSIGN_OR_RETURN(Answer trace, QueryTrace(store, bundle));
  std::vector<Box> boxes;
  std::vector<std::string> source = Lines(trace, "source", {0, 1, 2});
  boxes.push_back({"Source", source.empty() ? std::vector<std::string>{"not recorded (unstamped build)"} : source});
  boxes.push_back({"Builder", Lines(trace, "builder", {0, 1})});
  std::vector<std::string> artifact = Lines(trace, "artifacts", {0, 1});
  boxes.push_back({"Artifact", artifact});
  std::vector<std::string> deployables = Lines(trace, "deployables", {0, 2});
  boxes.push_back({"Deployables (" + std::to_string(deployables.size()) + ")", deployables});
  std::vector<std::string> components = Lines(trace, "components", {0, 4});
  std::map<std::string, int> categories;
  for (const std::string& line : Lines(trace, "licenses", {2})) ++categories[line];
  std::string summary;
  for (const auto& [category, n] : categories) summary += (summary.empty() ? "" : ", ") + std::to_string(n) + " " + category;
  boxes.push_back({"Components (" + std::to_string(components.size()) + ") and licenses",
                   {summary.empty() ? "no SBOM" : "licenses: " + summary,
                    components.empty() ? "" : "root: " + components[0]}});
  std::vector<std::string> signatures = Lines(trace, "signatures", {0, 3});
  boxes.push_back({"Signatures (" + std::to_string(signatures.size()) + ")", signatures});
  boxes.push_back({"Accepted by policy", Lines(trace, "policy", {0, 1})});
  return boxes;
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

Result<std::string> RenderAuditReport(AuditStore* store, const ReportOptions& options) {
  Database* db = store->db();
  Page page;
  ASSIGN_OR_RETURN(Rows counts,
                   db->Query("SELECT (SELECT count(*) FROM bundles), (SELECT count(DISTINCT function_name) FROM "
                             "bundles), (SELECT count(*) FROM bundle_components), (SELECT count(*) FROM "
                             "bundle_components m JOIN component_facts c ON c.component_id = m.component_id WHERE "
                             "c.kind = 'model'), (SELECT count(DISTINCT key_id) FROM signatures), (SELECT count(*) "
                             "FROM ingest_attempts WHERE outcome = 'refused')"));
  const auto& c = counts.rows.at(0);
  std::string chain_bundle = options.chain_bundle;
  if (chain_bundle.empty()) {
    ASSIGN_OR_RETURN(Rows last, db->Query("SELECT bundle_sha256 FROM bundles ORDER BY ingested_at DESC, "
                                          "bundle_sha256 LIMIT 1"));
    if (!last.rows.empty()) chain_bundle = Cell(last.rows[0][0]);
  }

  page.html = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
              "img-src data:\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
              "<title>fnseal audit report</title>\n<style>" +
              std::string(kStyle) + "</style></head><body>\n<h1>fnseal audit report</h1>\n<p class=\"muted\">" +
              EscapeHtml(store->db()->Location()) + " &middot; generated " +
              EscapeHtml(Rfc3339Utc(options.generated_at)) + "</p>\n<div class=\"cards\">\n";
  page.Metric("bundles", "bundles", Cell(c[0]));
  page.Metric("functions", "functions", Cell(c[1]));
  page.Metric("components", "components (all bundles)", Cell(c[2]));
  page.Metric("models", "model components", Cell(c[3]));
  page.Metric("keys", "signing keys", Cell(c[4]));
  page.Metric("refused", "refused bundles", Cell(c[5]));
  page.html += "</div>\n";

  page.html += "<h2 id=\"functions\">Functions</h2>\n";
  ASSIGN_OR_RETURN(Rows functions,
                   db->Query("SELECT function_name, count(*), max(ingested_at) FROM bundles GROUP BY function_name "
                             "ORDER BY function_name"));
  Rows function_rows;
  for (const auto& row : functions.rows) {
    ASSIGN_OR_RETURN(Rows latest, db->Query("SELECT bundle_sha256, source_commit FROM bundles WHERE function_name = $1 "
                                            "ORDER BY ingested_at DESC, bundle_sha256 LIMIT 1",
                                            {Cell(row[0])}));
    ASSIGN_OR_RETURN(Rows targets, db->Query("SELECT target FROM audit_deployables WHERE bundle_sha256 = $1 ORDER BY "
                                             "target",
                                             {Cell(latest.rows.at(0)[0])}));
    std::string list;
    for (const auto& t : targets.rows) list += (list.empty() ? "" : ", ") + Cell(t[0]);
    function_rows.rows.push_back(
        {row[0], row[1], latest.rows[0][0], latest.rows[0][1].value_or("not recorded"), list});
  }
  page.Table("functions", {"function", "bundles", "latest bundle", "source commit", "deployables"}, function_rows,
             {2, 3});

  page.html += "<h2 id=\"licenses\">Licenses by category</h2>\n";
  ASSIGN_OR_RETURN(Rows categories,
                   db->Query("SELECT l.category, count(DISTINCT m.bundle_id || ' ' || m.ref), count(DISTINCT "
                             "m.bundle_id), count(DISTINCT l.license_id) FROM component_fact_licenses l JOIN "
                             "bundle_components m ON m.component_id = l.component_id GROUP BY l.category ORDER BY "
                             "l.category"));
  int64_t most = 1;
  for (const auto& row : categories.rows) most = std::max<int64_t>(most, std::stoll(Cell(row[1])));
  page.html += "<table data-table=\"license-categories\" data-rows=\"" + std::to_string(categories.rows.size()) +
               "\"><thead><tr><th>category</th><th>components</th><th></th><th>bundles</th><th>licenses</th></tr>"
               "</thead><tbody>\n";
  for (const auto& row : categories.rows) {
    const std::string category = Cell(row[0]);
    const int64_t n = std::stoll(Cell(row[1]));
    page.html += "<tr class=\"cat-" + EscapeHtml(category) + "\"><td>" + EscapeHtml(category) +
                 "</td><td data-metric=\"category:" + EscapeHtml(category) + "\">" + std::to_string(n) +
                 "</td><td style=\"width:40%\"><span class=\"bar\" style=\"width:" + std::to_string(n * 100 / most) +
                 "%\"></span></td><td>" + EscapeHtml(Cell(row[2])) + "</td><td>" + EscapeHtml(Cell(row[3])) +
                 "</td></tr>\n";
  }
  page.html += "</tbody></table>\n";
  ASSIGN_OR_RETURN(Rows flagged,
                   db->Query("SELECT b.function_name, m.ref, l.license_id, l.category, b.bundle_sha256 FROM "
                             "component_fact_licenses l JOIN bundle_components m ON m.component_id = l.component_id "
                             "JOIN bundles b ON b.bundle_id = m.bundle_id WHERE "
                             "l.category IN ('non-commercial', 'proprietary', 'unknown', 'strong-copyleft') OR "
                             "l.is_model_license = 1 ORDER BY 1, 2, 3, 5"));
  page.html += "<p class=\"muted\">Components under non-commercial, proprietary, unknown, strong copyleft or model "
               "licenses:</p>\n";
  page.Table("flagged-licenses", {"function", "component", "license", "category", "bundle"}, flagged, {4});

  page.html += "<h2 id=\"models\">Models and data sets</h2>\n";
  ASSIGN_OR_RETURN(Answer models, QueryModels(store, {}));
  Rows model_rows;
  for (const auto& row : models.tables[0].rows) {
    model_rows.rows.push_back({row[1], row[3], row[4], row[5], row[7], row[8], row[0]});
  }
  page.Table("models", {"function", "model", "version", "license", "derived from", "trained on", "bundle"}, model_rows,
             {6});

  page.html += "<h2 id=\"signers\">Signers and keys</h2>\n";
  ASSIGN_OR_RETURN(Rows signers,
                   db->Query("SELECT key_name, key_id, count(*), count(DISTINCT bundle_sha256) FROM signatures GROUP "
                             "BY key_name, key_id ORDER BY key_name, key_id"));
  page.Table("signers", {"key name", "key id", "attestations", "bundles"}, signers, {1});

  page.html += "<h2 id=\"refused\">Refused</h2>\n";
  ASSIGN_OR_RETURN(Rows refused, db->Query("SELECT offered_as, bundle_sha256, reason FROM ingest_attempts WHERE "
                                           "outcome = 'refused' ORDER BY attempt_id DESC"));
  page.Table("refused", {"offered as", "bundle", "reason"}, refused, {1});

  page.html += "<h2 id=\"chain\">Provenance chain</h2>\n";
  if (chain_bundle.empty()) {
    page.html += "<p class=\"muted\">The store holds no bundle yet.</p>\n";
  } else {
    ASSIGN_OR_RETURN(Rows fn, db->Query("SELECT function_name FROM bundles WHERE bundle_sha256 = $1", {chain_bundle}));
    if (fn.rows.empty()) return NotFoundError("bundle " + chain_bundle + " is not in the store");
    page.html += "<p>Function <b>" + EscapeHtml(Cell(fn.rows[0][0])) + "</b>, bundle <code data-chain-bundle>" +
                 EscapeHtml(chain_bundle) + "</code></p>\n";
    ASSIGN_OR_RETURN(std::vector<Box> boxes, Chain(store, chain_bundle));
    page.html += ChainSvg(boxes);
  }
  page.html += "</body></html>\n";
  return page.html;
}

}  // namespace fnseal
