// The answer to a named audit query: named sections of rows, printed as a readable table, CSV
// (RFC 4180) or JSON. Every query's output goes through here, so the three forms always agree.
#ifndef FNSEAL_AUDIT_STORE_TABLE_H_
#define FNSEAL_AUDIT_STORE_TABLE_H_

#include <string>
#include <vector>

#include "core/json.h"

namespace fnseal {

struct Table {
  std::string name;  // a JSON key: "bundles", "components"...
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;  // each as wide as `columns`
};

struct Answer {
  std::string query;  // "contains", "licenses"...
  Json parameters = Json::object();
  std::vector<Table> tables;
  bool yes = true;  // for yes/no questions (acceptable-at): the answer
};

// {"query", "parameters", <table name>: [{column: value}...]...} as pretty JSON (the layout and
// key order of PrettyJsonDump); empty values are null.
std::string AnswerJson(const Answer& answer);
// Each table as aligned columns under its name; "(none)" for an empty one. Terminal-escaped.
std::string AnswerText(const Answer& answer);
// Each table as CSV with a header row; tables separated by an empty line. Cells that start with
// =, +, - or @ are prefixed with ' so that spreadsheets do not run them as formulas.
std::string AnswerCsv(const Answer& answer);

}  // namespace fnseal

#endif  // FNSEAL_AUDIT_STORE_TABLE_H_
