#include "services/analytics/avro_file.hpp"

#include <avro.h>
#include <fmt/format.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <stdexcept>

#include "lib/db/database.hpp"
#include "lib/json/write.hpp"

namespace vetahut::analytics {
namespace {

[[noreturn]] void Throw(std::string_view what) { throw std::runtime_error(fmt::format("avro: {}: {}", what, avro_strerror())); }

void Check(int rc, std::string_view what) {
  if (rc != 0) Throw(what);
}

std::string_view TypeName(AvroType type) {
  switch (type) {
    case AvroType::kString: return "string";
    case AvroType::kLong: return "long";
    case AvroType::kDouble: return "double";
    case AvroType::kBoolean: return "boolean";
  }
  return "string";
}

// Blocks of up to 1 MiB: an order with many lines is one record of tens of kilobytes.
constexpr std::size_t kBlockSize = 1 << 20;

}  // namespace

std::string AvroSchemaJson(std::string_view record_name, const std::vector<AvroField>& fields) {
  boost::json::array list;
  for (const auto& f : fields) {
    boost::json::object field{{"name", f.name}};
    if (f.nullable) {
      field["type"] = boost::json::array{"null", TypeName(f.type)};
      field["default"] = nullptr;
    } else {
      field["type"] = TypeName(f.type);
    }
    if (!f.doc.empty()) field["doc"] = f.doc;
    list.push_back(std::move(field));
  }
  return json_text::Serialize(boost::json::object{
      {"type", "record"}, {"name", record_name}, {"namespace", "com.vetahut.analytics"}, {"fields", std::move(list)}});
}

struct AvroFileWriter::State {
  std::vector<AvroField> fields;
  std::vector<std::size_t> columns;  // per field, its index in the rows (learned from the first)
  FILE* file = nullptr;
  avro_schema_t schema = nullptr;
  avro_value_iface_t* iface = nullptr;
  avro_value_t value{};
  bool value_made = false;
  avro_file_writer_t writer = nullptr;

  ~State() {
    if (writer) avro_file_writer_close(writer);
    if (value_made) avro_value_decref(&value);
    if (iface) avro_value_iface_decref(iface);
    if (schema) avro_schema_decref(schema);
    if (file) std::fclose(file);
  }
};

AvroFileWriter::AvroFileWriter(const std::filesystem::path& path, std::string_view record_name, std::vector<AvroField> fields,
                               std::string_view codec)
    : state_(std::make_unique<State>()) {
  auto& s = *state_;
  s.fields = std::move(fields);
  const std::string schema_json = AvroSchemaJson(record_name, s.fields);
  Check(avro_schema_from_json_length(schema_json.data(), schema_json.size(), &s.schema), "schema");
  s.iface = avro_generic_class_from_schema(s.schema);
  if (!s.iface) Throw("value class");
  Check(avro_generic_value_new(s.iface, &s.value), "value");
  s.value_made = true;
  s.file = std::fopen(path.c_str(), "wb");
  if (!s.file) throw std::runtime_error(fmt::format("avro: cannot create {}", path.string()));
  // The writer does not own the FILE: Close() syncs it to disk before closing it.
  const std::string codec_name(codec);
  Check(avro_file_writer_create_with_codec_fp(s.file, path.c_str(), 0, s.schema, &s.writer, codec_name.c_str(), kBlockSize),
        "create " + path.string());
}

AvroFileWriter::~AvroFileWriter() = default;

void AvroFileWriter::Append(const db::Row& row) {
  auto& s = *state_;
  if (s.columns.empty()) {
    for (const auto& f : s.fields) s.columns.push_back(row.Index(f.name));
  }
  avro_value_reset(&s.value);
  for (std::size_t i = 0; i < s.fields.size(); ++i) {
    const AvroField& f = s.fields[i];
    const std::size_t col = s.columns[i];
    avro_value_t field;
    Check(avro_value_get_by_index(&s.value, i, &field, nullptr), f.name);
    avro_value_t target = field;
    if (f.nullable) {
      if (row.IsNull(col)) {
        avro_value_t branch;
        Check(avro_value_set_branch(&field, 0, &branch), f.name);
        Check(avro_value_set_null(&branch), f.name);
        continue;
      }
      Check(avro_value_set_branch(&field, 1, &target), f.name);
    } else if (row.IsNull(col)) {
      throw std::runtime_error(fmt::format("avro: field {} is NULL but not nullable", f.name));
    }
    switch (f.type) {
      case AvroType::kString: {
        const std::string text = row.Text(col);
        Check(avro_value_set_string_len(&target, text.c_str(), text.size() + 1), f.name);
        break;
      }
      case AvroType::kLong: Check(avro_value_set_long(&target, row.Int(col)), f.name); break;
      case AvroType::kDouble: Check(avro_value_set_double(&target, row.Double(col)), f.name); break;
      case AvroType::kBoolean: Check(avro_value_set_boolean(&target, row.Bool(col) ? 1 : 0), f.name); break;
    }
  }
  Check(avro_file_writer_append_value(s.writer, &s.value), "append");
  ++rows_;
}

void AvroFileWriter::Close() {
  auto& s = *state_;
  if (!s.writer) return;
  const int rc = avro_file_writer_close(s.writer);  // writes the last block; the FILE stays open
  s.writer = nullptr;
  Check(rc, "close");
  if (std::fflush(s.file) != 0 || ::fsync(fileno(s.file)) != 0) throw std::runtime_error("avro: cannot sync the file to disk");
  const int closed = std::fclose(s.file);
  s.file = nullptr;
  if (closed != 0) throw std::runtime_error("avro: cannot close the file");
}

}  // namespace vetahut::analytics
