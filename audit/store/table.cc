#include "audit/store/table.h"

#include <algorithm>

#include "core/strings.h"

namespace fnseal {

Json AnswerJson(const Answer& answer) {
  Json out = {{"query", answer.query}, {"parameters", answer.parameters}};
  for (const Table& t : answer.tables) {
    Json rows = Json::array();
    for (const auto& row : t.rows) {
      Json object = Json::object();
      for (size_t c = 0; c < t.columns.size() && c < row.size(); ++c) {
        object[t.columns[c]] = row[c].empty() ? Json(nullptr) : Json(row[c]);
      }
      rows.push_back(std::move(object));
    }
    out[t.name] = std::move(rows);
  }
  return out;
}

std::string AnswerText(const Answer& answer) {
  std::string out;
  for (const Table& t : answer.tables) {
    if (!out.empty()) out += "\n";
    out += t.name + " (" + std::to_string(t.rows.size()) + ")\n";
    if (t.rows.empty()) {
      out += "  (none)\n";
      continue;
    }
    std::vector<std::vector<std::string>> cells;
    cells.push_back(t.columns);
    for (const auto& row : t.rows) {
      std::vector<std::string> escaped;
      for (const std::string& cell : row) escaped.push_back(cell.empty() ? "-" : EscapeForTerminal(cell));
      cells.push_back(std::move(escaped));
    }
    std::vector<size_t> width(t.columns.size(), 0);
    for (const auto& row : cells) {
      for (size_t c = 0; c < row.size() && c < width.size(); ++c) width[c] = std::max(width[c], row[c].size());
    }
    for (const auto& row : cells) {
      std::string line = " ";
      for (size_t c = 0; c < row.size() && c < width.size(); ++c) {
        line += " " + row[c];
        if (c + 1 < row.size()) line += std::string(width[c] - row[c].size(), ' ');
      }
      out += line + "\n";
    }
  }
  return out;
}

namespace {

std::string CsvCell(const std::string& cell) {
  std::string value = cell;
  if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@')) value = "'" + value;
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string quoted = "\"";
  for (char c : value) {
    if (c == '"') quoted += '"';
    quoted += c;
  }
  return quoted + "\"";
}

std::string CsvRow(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) line += (i > 0 ? "," : "") + CsvCell(cells[i]);
  return line + "\r\n";
}

}  // namespace

std::string AnswerCsv(const Answer& answer) {
  std::string out;
  for (size_t i = 0; i < answer.tables.size(); ++i) {
    if (i > 0) out += "\r\n";
    out += CsvRow(answer.tables[i].columns);
    for (const auto& row : answer.tables[i].rows) out += CsvRow(row);
  }
  return out;
}

}  // namespace fnseal
