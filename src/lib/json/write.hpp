#pragma once
/// JSON text as people write it. Every JSON document the platform writes goes through here, so a
/// number is printed one way everywhere: integers as integers, doubles in their shortest decimal
/// form that reads back to the same value ("40.74844", "0.1", "2.0") — never Boost.JSON's
/// "4.074844E1". NaN and infinities, which JSON cannot hold, are written as null.
#include <string>

#include <boost/json/fwd.hpp>

namespace vetahut::json_text {

/// The compact JSON text of a value (no spaces), strings escaped as RFC 8259 requires.
std::string Serialize(const boost::json::value& value);
std::string Serialize(const boost::json::object& object);
std::string Serialize(const boost::json::array& array);
/// Appends the JSON text of `value` to `out`.
void AppendTo(std::string& out, const boost::json::value& value);
/// Appends one double as Serialize writes it.
void AppendDouble(std::string& out, double value);
/// Appends a JSON string literal (quotes included) for `text`.
void AppendString(std::string& out, std::string_view text);

}  // namespace vetahut::json_text
