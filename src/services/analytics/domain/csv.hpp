#pragma once
/// CSV as RFC 4180 writes it (comma-separated, CRLF line ends, fields with a comma, quote or line
/// break quoted and their quotes doubled), with text cells guarded against spreadsheet formula
/// injection (OWASP: a cell starting with = + - @ or a tab/CR is prefixed with a quote mark).
#include <string>
#include <string_view>
#include <vector>

namespace vetahut::analytics {

/// One cell of a CSV row.
struct CsvCell {
  std::string text;
  bool number = false;  ///< numbers are written as they are (a negative amount keeps its '-')

  static CsvCell Text(std::string_view t) { return {std::string(t), false}; }
  static CsvCell Number(std::string n) { return {std::move(n), true}; }
};

/// A field as it appears in the file.
std::string CsvField(const CsvCell& cell);

/// Builds a CSV document: a header row, then data rows of the same width.
class CsvWriter {
 public:
  explicit CsvWriter(const std::vector<std::string>& header);
  /// Appends a row; throws std::logic_error when its width is not the header's.
  void Row(const std::vector<CsvCell>& cells);
  const std::string& text() const { return out_; }
  std::size_t rows() const { return rows_; }

 private:
  std::size_t width_;
  std::size_t rows_ = 0;
  std::string out_;
};

}  // namespace vetahut::analytics
