#pragma once
/// Structs to JSON and back from one list of fields. A struct declares its fields once:
///
///   struct StoreStatusChanged {
///     std::string store_id;
///     bool accepting_orders = false;
///     std::optional<std::string> reason;
///     template <class V> void Visit(V& v) {
///       v("store_id", store_id);
///       v("accepting_orders", accepting_orders);
///       v("reason", reason);
///     }
///   };
///
/// and `Encode`/`Decode` give both directions. Decoding names the exact field that is missing
/// or mistyped ("lines[2].toppings[0].portion: must be a string") and ignores keys it does not
/// know (a newer producer may add fields). Supported members: std::string, bool, integers,
/// double, core::MoneyAmount ({"amount", "currency"}), core::TimePoint (RFC 3339), std::optional<T>
/// (absent or null → nullopt, written as null), std::vector<T> and nested structs with Visit.
/// Include this header only in .cpp files: it pulls in Boost.JSON.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "lib/core/clock.hpp"
#include "lib/core/error.hpp"
#include "lib/core/money.hpp"
#include "lib/core/result.hpp"
#include "lib/json/write.hpp"

namespace vetahut::json_codec {

namespace detail {

template <class T>
struct IsOptional : std::false_type {};
template <class T>
struct IsOptional<std::optional<T>> : std::true_type {};
template <class T>
struct IsVector : std::false_type {};
template <class T, class A>
struct IsVector<std::vector<T, A>> : std::true_type {};

class Writer;
template <class T>
boost::json::value ToValue(const T& value);

/// Writes each visited field into an object.
class Writer {
 public:
  template <class T>
  void operator()(std::string_view key, const T& value) {
    object[key] = ToValue(value);
  }
  boost::json::object object;
};

template <class T>
boost::json::value ToValue(const T& value) {
  if constexpr (std::is_same_v<T, std::string>) {
    return boost::json::value(value);
  } else if constexpr (std::is_same_v<T, bool>) {
    return boost::json::value(value);
  } else if constexpr (std::is_integral_v<T>) {
    return boost::json::value(static_cast<std::int64_t>(value));
  } else if constexpr (std::is_floating_point_v<T>) {
    return boost::json::value(static_cast<double>(value));
  } else if constexpr (std::is_same_v<T, core::MoneyAmount>) {
    return boost::json::object{{"amount", value.amount}, {"currency", value.currency}};
  } else if constexpr (std::is_same_v<T, core::TimePoint>) {
    return boost::json::value(core::FormatRfc3339(value));
  } else if constexpr (IsOptional<T>::value) {
    if (!value) return nullptr;
    return ToValue(*value);
  } else if constexpr (IsVector<T>::value) {
    boost::json::array out;
    out.reserve(value.size());
    for (const auto& item : value) out.push_back(ToValue(item));
    return out;
  } else {
    Writer w;
    const_cast<T&>(value).Visit(w);  // Visit only reads through a Writer
    return std::move(w.object);
  }
}

/// Reads each visited field from an object, collecting precise errors.
class Reader {
 public:
  Reader(const boost::json::object& object, std::string path, core::FieldErrors& errors)
      : object_(object), path_(std::move(path)), errors_(errors) {}

  template <class T>
  void operator()(std::string_view key, T& out) {
    const std::string field = path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
    const boost::json::value* v = object_.if_contains(key);
    if constexpr (IsOptional<T>::value) {
      if (!v || v->is_null()) {
        out.reset();
        return;
      }
      typename T::value_type inner{};
      if (Read(*v, field, inner)) out = std::move(inner);
    } else {
      if (!v) {
        errors_.Add(field, "is required");
        return;
      }
      Read(*v, field, out);
    }
  }

  template <class T>
  bool Read(const boost::json::value& v, const std::string& field, T& out) {
    if constexpr (std::is_same_v<T, std::string>) {
      if (!v.is_string()) return Fail(field, "must be a string");
      out = std::string(v.get_string());
    } else if constexpr (std::is_same_v<T, bool>) {
      if (!v.is_bool()) return Fail(field, "must be true or false");
      out = v.get_bool();
    } else if constexpr (std::is_integral_v<T>) {
      if (!v.is_int64()) return Fail(field, "must be an integer");
      const std::int64_t n = v.get_int64();
      if (n < static_cast<std::int64_t>(std::numeric_limits<T>::min()) ||
          (n > 0 && static_cast<std::uint64_t>(n) > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))) {
        return Fail(field, "is out of range");
      }
      out = static_cast<T>(n);
    } else if constexpr (std::is_floating_point_v<T>) {
      if (!v.is_number()) return Fail(field, "must be a number");
      out = static_cast<T>(v.to_number<double>());
    } else if constexpr (std::is_same_v<T, core::MoneyAmount>) {
      const boost::json::object* m = v.if_object();
      const boost::json::value* amount = m ? m->if_contains("amount") : nullptr;
      const boost::json::value* code = m ? m->if_contains("currency") : nullptr;
      if (!amount || !amount->is_int64() || !code || !code->is_string()) {
        return Fail(field, R"(must be {"amount": minor units, "currency": code})");
      }
      if (!core::Currency::Find(code->get_string())) return Fail(field + ".currency", "is not a known currency");
      out = core::MoneyAmount{amount->get_int64(), std::string(code->get_string())};
    } else if constexpr (std::is_same_v<T, core::TimePoint>) {
      if (!v.is_string()) return Fail(field, "must be an RFC 3339 time");
      auto t = core::ParseRfc3339(v.get_string());
      if (!t) return Fail(field, "must be an RFC 3339 time");
      out = *t;
    } else if constexpr (IsVector<T>::value) {
      if (!v.is_array()) return Fail(field, "must be an array");
      out.clear();
      const auto& array = v.get_array();
      out.reserve(array.size());
      for (std::size_t i = 0; i < array.size(); ++i) {
        typename T::value_type item{};
        Read(array[i], fmt::format("{}[{}]", field, i), item);
        out.push_back(std::move(item));
      }
    } else {
      if (!v.is_object()) return Fail(field, "must be an object");
      Reader nested(v.get_object(), field, errors_);
      out.Visit(nested);
    }
    return true;
  }

 private:
  bool Fail(const std::string& field, std::string message) {
    errors_.Add(field, std::move(message));
    return false;
  }
  const boost::json::object& object_;
  std::string path_;
  core::FieldErrors& errors_;
};

/// All the problems as one kBadRequest: "<first field>: <why>", every one in `fields`.
inline core::Error ToError(const core::FieldErrors& errors) {
  const auto& first = errors.list().front();
  core::Error error = core::Error::BadRequest(fmt::format("{}: {}", first.field, first.message));
  error.fields = errors.list();
  return error;
}

}  // namespace detail

/// The struct as a JSON object.
template <class T>
boost::json::object ToObject(const T& value) {
  detail::Writer w;
  const_cast<T&>(value).Visit(w);
  return std::move(w.object);
}

/// The struct as compact JSON text.
template <class T>
std::string Encode(const T& value) {
  return json_text::Serialize(ToObject(value));
}

/// Reads a struct from an object; errors name each field.
template <class T>
core::Result<T> FromObject(const boost::json::object& object) {
  core::FieldErrors errors;
  T out{};
  detail::Reader reader(object, "", errors);
  out.Visit(reader);
  if (!errors.empty()) return core::Fail(detail::ToError(errors));
  return out;
}

/// Reads a struct from JSON text: kBadRequest "<field>: <why>" (all problems in `fields`).
template <class T>
core::Result<T> Decode(std::string_view text) {
  boost::json::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_object()) return core::Fail(core::Error::BadRequest("payload: must be a JSON object"));
  return FromObject<T>(parsed.get_object());
}

/// Any supported value (a vector of structs, say) as JSON text.
template <class T>
std::string EncodeValue(const T& value) {
  return json_text::Serialize(detail::ToValue(value));
}

/// Reads any supported value; errors name `field` and the path under it.
template <class T>
core::Result<T> DecodeValue(std::string_view text, std::string_view field) {
  boost::json::error_code ec;
  boost::json::value parsed = boost::json::parse(text, ec);
  if (ec) return core::Fail(core::Error::BadRequest(fmt::format("{}: is not JSON", field)));
  core::FieldErrors errors;
  static const boost::json::object kEmpty;
  detail::Reader reader(kEmpty, "", errors);
  T out{};
  reader.Read(parsed, std::string(field), out);
  if (!errors.empty()) return core::Fail(detail::ToError(errors));
  return out;
}

}  // namespace vetahut::json_codec

/// Defines `std::string T::ToJson() const` and `static core::Result<T> T::FromJson(std::string_view)`
/// for a struct with Visit (events.hpp payloads declare both; their events.cpp uses this).
#define VETAHUT_JSON_CODEC(T)                                                                          \
  std::string T::ToJson() const { return ::vetahut::json_codec::Encode(*this); }                      \
  ::vetahut::core::Result<T> T::FromJson(std::string_view data) { return ::vetahut::json_codec::Decode<T>(data); }
