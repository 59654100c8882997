#pragma once
/// Avro object container files (Avro 1.11 spec) through Apache Avro's C library: a record schema
/// from a field list, written into each file's header, rows appended from database rows by
/// column name, blocks compressed with deflate, snappy or not at all, and the file made durable
/// (fsync) before it is renamed into place.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vetahut::db {
class Row;
}

namespace vetahut::analytics {

enum class AvroType { kString, kLong, kDouble, kBoolean };

/// One field of a record: the column it is read from has the same name.
struct AvroField {
  std::string name;
  AvroType type = AvroType::kString;
  bool nullable = false;  ///< a union ["null", type]
  std::string doc;
};

/// The schema's JSON text: {"type": "record", "name": …, "namespace": "com.vetahut.analytics", "fields": […]}.
std::string AvroSchemaJson(std::string_view record_name, const std::vector<AvroField>& fields);

/// Writes one container file at `path` (created or truncated). Throws std::runtime_error with
/// the library's message on any failure; a file not closed is left incomplete (callers write a
/// temporary file and rename it).
class AvroFileWriter {
 public:
  /// `codec`: "deflate", "snappy" or "null".
  AvroFileWriter(const std::filesystem::path& path, std::string_view record_name, std::vector<AvroField> fields,
                 std::string_view codec);
  ~AvroFileWriter();
  AvroFileWriter(const AvroFileWriter&) = delete;
  AvroFileWriter& operator=(const AvroFileWriter&) = delete;

  /// Appends one record from `row`, each field from the column of its name (NULL only where the
  /// field is nullable).
  void Append(const db::Row& row);
  /// Writes the last block, flushes and fsyncs the file, and closes it.
  void Close();
  std::int64_t rows() const { return rows_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::int64_t rows_ = 0;
};

}  // namespace vetahut::analytics
