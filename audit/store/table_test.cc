#include "audit/store/table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/json.h"

namespace fnseal {
namespace {

using ::testing::HasSubstr;

// The answer as a JSON tree, the way nlohmann would print it: what AnswerJson must equal.
std::string ReferenceJson(const Answer& answer) {
  Json out = {{"query", answer.query}, {"parameters", answer.parameters}};
  for (const Table& t : answer.tables) {
    Json rows = Json::array();
    for (const auto& row : t.rows) {
      Json object = Json::object();
      for (size_t c = 0; c < t.columns.size(); ++c) object[t.columns[c]] = row[c].empty() ? Json(nullptr) : Json(row[c]);
      rows.push_back(std::move(object));
    }
    out[t.name] = std::move(rows);
  }
  return PrettyJsonDump(out);
}

Answer Tricky() {
  Answer a;
  a.query = "licenses";
  a.parameters = {{"license", "CC-BY-NC-4.0"}, {"nested", {{"list", {1, "two", nullptr}}, {"empty", Json::object()}}}};
  Table components{"components", {"name", "bundle", "zeta", "alpha"}, {}};
  components.rows.push_back({"plain", "", "quote \" and backslash \\", "tab\tnewline\ncontrol\x01"});
  components.rows.push_back({"unicode é ✓", "bad utf-8 \xff\xfe", "=formula", "@at"});
  a.tables.push_back(components);
  a.tables.push_back(Table{"attempts", {"reason"}, {}});  // empty: []
  a.tables.push_back(Table{"zz", {}, {{}}});               // a row without columns: {}
  return a;
}

TEST(AnswerJsonTest, EqualsTheJsonTreePrintedByNlohmann) {
  EXPECT_EQ(AnswerJson(Tricky()), ReferenceJson(Tricky()));
  Answer empty;
  empty.query = "contains";
  EXPECT_EQ(AnswerJson(empty), ReferenceJson(empty));
  // And it parses back: the invalid UTF-8 was replaced, not passed through.
  auto parsed = ParseJsonStrict(AnswerJson(Tricky()), "answer");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ((*parsed)["components"][1]["bundle"], "bad utf-8 \xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_TRUE((*parsed)["components"][0]["bundle"].is_null());
}

TEST(AnswerCsvTest, GuardsFormulasAndQuotes) {
  const std::string csv = AnswerCsv(Tricky());
  EXPECT_THAT(csv, HasSubstr("'=formula"));
  EXPECT_THAT(csv, HasSubstr("'@at"));
  EXPECT_THAT(csv, HasSubstr("\"quote \"\" and backslash \\\""));
}

TEST(AnswerTextTest, AlignsColumnsAndEscapesForTheTerminal) {
  const std::string text = AnswerText(Tricky());
  EXPECT_THAT(text, HasSubstr("components (2)"));
  EXPECT_THAT(text, HasSubstr("attempts (0)\n  (none)"));
  EXPECT_EQ(text.find('\x01'), std::string::npos);
}

}  // namespace
}  // namespace fnseal
