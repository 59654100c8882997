#pragma once
/// Reading a JSON request body into a struct while collecting every field error with its full
/// path ("stations[1].bake_seconds: must be from 30 to 3600"), so a client learns all that is
/// wrong at once. One reader per JSON object; unknown keys are errors when the caller lists the
/// known ones. Services extend it with their own field types (CRTP: `class Obj : public
/// json_read::ObjectReader<Obj>`), so nested readers have the service's type.
/// Include this header only in .cpp files: it pulls in Boost.JSON.
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/core/clock.hpp"
#include "lib/core/error.hpp"

namespace vetahut::json_read {

/// "a.b" or "b" at the top.
inline std::string Join(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

template <class Self>
class ObjectReader {
 public:
  /// Opens `v` at `path` as an object whose keys must be in `keys` (unless `keys` is empty, then
  /// any key is accepted and ignored). nullopt (with an error) if `v` is not an object.
  static std::optional<Self> Open(const boost::json::value& v, std::string path, core::FieldErrors& errors,
                                  std::initializer_list<std::string_view> keys) {
    const boost::json::object* o = v.if_object();
    if (!o) {
      errors.Add(path.empty() ? "body" : path, "must be an object");
      return std::nullopt;
    }
    if (keys.size() > 0) {
      for (const auto& [key, value] : *o) {
        if (std::find(keys.begin(), keys.end(), std::string_view(key)) == keys.end()) {
          errors.Add(Join(path, key), "is not a known field");
        }
      }
    }
    Self self;
    self.o_ = o;
    self.path_ = std::move(path);
    self.errors_ = &errors;
    return self;
  }
  /// The reader points into `v`: a temporary would leave it dangling.
  static std::optional<Self> Open(const boost::json::value&& v, std::string path, core::FieldErrors& errors,
                                  std::initializer_list<std::string_view> keys) = delete;

  const std::string& path() const { return path_; }
  std::string F(std::string_view key) const { return Join(path_, key); }
  core::FieldErrors& errors() const { return *errors_; }
  bool Has(std::string_view key) const {
    const boost::json::value* v = o_->if_contains(key);
    return v && !v->is_null();
  }

  /// The value at `key`; null counts as absent. A missing required field is an error.
  const boost::json::value* Get(std::string_view key, bool required) const {
    const boost::json::value* v = o_->if_contains(key);
    if (!v || v->is_null()) {
      if (required) errors_->Add(F(key), "is required");
      return nullptr;
    }
    return v;
  }

  bool Str(std::string_view key, std::string& out, bool required = false) const {
    const boost::json::value* v = Get(key, required);
    if (!v) return false;
    if (!v->is_string()) {
      errors_->Add(F(key), "must be a string");
      return false;
    }
    out = std::string(v->get_string());
    return true;
  }

  bool Int64(std::string_view key, std::int64_t& out, bool required, std::string_view message,
             std::int64_t min = std::numeric_limits<std::int64_t>::min(),
             std::int64_t max = std::numeric_limits<std::int64_t>::max()) const {
    const boost::json::value* v = Get(key, required);
    if (!v) return false;
    if (!v->is_int64()) {
      errors_->Add(F(key), std::string(message));
      return false;
    }
    if (v->get_int64() < min || v->get_int64() > max) {
      errors_->Add(F(key), fmt::format("must be from {} to {}", min, max));
      return false;
    }
    out = v->get_int64();
    return true;
  }

  bool Int(std::string_view key, int& out, bool required = false) const {
    std::int64_t value = 0;
    if (!Int64(key, value, required, "must be an integer", std::numeric_limits<int>::min(),
               std::numeric_limits<int>::max())) {
      return false;
    }
    out = static_cast<int>(value);
    return true;
  }

  void OptInt(std::string_view key, std::optional<int>& out) const {
    int value = 0;
    if (Int(key, value)) out = value;
  }

  void OptInt64(std::string_view key, std::optional<std::int64_t>& out) const {
    std::int64_t value = 0;
    if (Int64(key, value, false, "must be an integer")) out = value;
  }

  /// A finite number (integers too) in [min, max].
  bool Number(std::string_view key, double& out, bool required, double min, double max) const {
    const boost::json::value* v = Get(key, required);
    if (!v) return false;
    if (!v->is_number()) {
      errors_->Add(F(key), "must be a number");
      return false;
    }
    const double d = v->to_number<double>();
    if (!std::isfinite(d) || d < min || d > max) {
      errors_->Add(F(key), fmt::format("must be a number from {} to {}", min, max));
      return false;
    }
    out = d;
    return true;
  }

  void Bool(std::string_view key, bool& out) const {
    const boost::json::value* v = Get(key, false);
    if (!v) return;
    if (!v->is_bool()) {
      errors_->Add(F(key), "must be true or false");
      return;
    }
    out = v->get_bool();
  }

  /// An array at `key`: calls `each(value, path)` per element.
  template <class Each>
  bool Array(std::string_view key, bool required, Each&& each) const {
    const boost::json::value* v = Get(key, required);
    if (!v) return false;
    if (!v->is_array()) {
      errors_->Add(F(key), "must be an array");
      return false;
    }
    const auto& arr = v->get_array();
    for (std::size_t i = 0; i < arr.size(); ++i) each(arr[i], fmt::format("{}[{}]", F(key), i));
    return true;
  }

  void Strings(std::string_view key, std::vector<std::string>& out, bool required = false) const {
    out.clear();
    Array(key, required, [&](const boost::json::value& v, const std::string& path) {
      if (!v.is_string()) {
        errors_->Add(path, "must be a string");
        out.emplace_back();
        return;
      }
      out.emplace_back(v.get_string());
    });
  }

  void Time(std::string_view key, std::optional<core::TimePoint>& out) const {
    std::string text;
    if (!Str(key, text)) return;
    out = core::ParseRfc3339(text);
    if (!out) errors_->Add(F(key), "must be an RFC 3339 time (2026-03-01T00:00:00Z)");
  }

  /// A list of objects; every element is kept (default-constructed when it is not an object) so
  /// indexes stay the client's for the semantic errors.
  template <class T, class Parse>
  void Objects(std::string_view key, std::vector<T>& out, std::initializer_list<std::string_view> keys,
               Parse&& parse) const {
    out.clear();
    Array(key, false, [&](const boost::json::value& v, const std::string& path) {
      T item{};
      if (auto o = Self::Open(v, path, *errors_, keys)) parse(*o, item);
      out.push_back(std::move(item));
    });
  }

 protected:
  ObjectReader() = default;
  const boost::json::object* o_ = nullptr;
  std::string path_;
  core::FieldErrors* errors_ = nullptr;
};

/// The reader with no extensions.
class Obj final : public ObjectReader<Obj> {
  friend class ObjectReader<Obj>;
};

}  // namespace vetahut::json_read
