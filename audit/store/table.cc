#include "audit/store/table.h"

#include <algorithm>
#include <map>

#include "core/strings.h"

namespace fnseal {

namespace {

// `value` as a JSON string, exactly as nlohmann's dump writes it (ensure_ascii off, invalid UTF-8
// replaced): plain printable ASCII is copied, anything else goes through nlohmann.
void AppendJsonString(const std::string& value, std::string* out) {
  const bool plain = std::all_of(value.begin(), value.end(), [](char c) {
    return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
  });
  if (plain) {
    *out += '"';
    *out += value;
    *out += '"';
  } else {
    *out += CanonicalJsonDump(Json(value));
  }
}

}  // namespace

std::string AnswerJson(const Answer& answer) {
  // The layout of PrettyJsonDump (two-space indent, keys sorted), written row by row: an answer
  // can have hundreds of thousands of rows, and a JSON tree of them costs more than the query.
  std::map<std::string, const Table*> tables;
  for (const Table& t : answer.tables) tables[t.name] = &t;
  std::string out = "{";
  bool first_key = true;
  auto key = [&](const std::string& name) {
    out += first_key ? "\n  " : ",\n  ";
    first_key = false;
    AppendJsonString(name, &out);
    out += ": ";
  };
  auto table = [&](const Table& t) {
    key(t.name);
    if (t.rows.empty()) {
      out += "[]";
      return;
    }
    std::vector<size_t> order(t.columns.size());
    for (size_t c = 0; c < order.size(); ++c) order[c] = c;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return t.columns[a] < t.columns[b]; });
    out += "[";
    for (size_t r = 0; r < t.rows.size(); ++r) {
      out += r > 0 ? ",\n    {" : "\n    {";
      bool first = true;
      for (size_t c : order) {
        if (c >= t.rows[r].size()) continue;
        out += first ? "\n      " : ",\n      ";
        first = false;
        AppendJsonString(t.columns[c], &out);
        out += ": ";
        if (t.rows[r][c].empty()) {
          out += "null";
        } else {
          AppendJsonString(t.rows[r][c], &out);
        }
      }
      out += first ? "}" : "\n    }";
    }
    out += "\n  ]";
  };
  // Keys in order: the tables, "parameters" and "query" interleaved by name.
  std::map<std::string, int> keys = {{"parameters", -1}, {"query", -2}};
  for (const auto& [name, t] : tables) keys.emplace(name, 0);
  for (const auto& [name, kind] : keys) {
    if (kind == -1) {
      key(name);
      std::string parameters = PrettyJsonDump(answer.parameters);
      parameters.pop_back();  // its newline
      for (size_t at = parameters.find('\n'); at != std::string::npos; at = parameters.find('\n', at + 3)) {
        parameters.replace(at, 1, "\n  ");
      }
      out += parameters;
    } else if (kind == -2) {
      key(name);
      AppendJsonString(answer.query, &out);
    } else {
      table(*tables[name]);
    }
  }
  out += "\n}\n";
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
