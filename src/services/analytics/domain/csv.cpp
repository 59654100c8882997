#include "services/analytics/domain/csv.hpp"

#include <stdexcept>

namespace vetahut::analytics {

std::string CsvField(const CsvCell& cell) {
  std::string value = cell.text;
  if (!cell.number && !value.empty()) {
    const char first = value.front();
    if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
      value.insert(value.begin(), '\'');
    }
  }
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

CsvWriter::CsvWriter(const std::vector<std::string>& header) : width_(header.size()) {
  std::vector<CsvCell> cells;
  for (const auto& h : header) cells.push_back(CsvCell::Text(h));
  Row(cells);
  rows_ = 0;
}

void CsvWriter::Row(const std::vector<CsvCell>& cells) {
  if (cells.size() != width_) throw std::logic_error("a CSV row is not as wide as its header");
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i) out_ += ',';
    out_ += CsvField(cells[i]);
  }
  out_ += "\r\n";
  ++rows_;
}

}  // namespace vetahut::analytics
