#pragma once
/// Sortable unique ids (ULID): 48-bit millisecond time + 80 random bits, Crockford base32.
#include <string>
#include <string_view>

#include "lib/core/clock.hpp"

namespace vetahut::core {

/// Makes 26-character ids that sort by creation time and are unique across processes.
/// Within one millisecond ids from one generator are strictly increasing. Thread-safe.
class IdGenerator {
 public:
  explicit IdGenerator(const Clock& clock);
  ~IdGenerator();
  IdGenerator(const IdGenerator&) = delete;
  IdGenerator& operator=(const IdGenerator&) = delete;

  /// A new id, e.g. "01JDQ3Z6Y9T3V6X2K8M4N0P7QR".
  std::string Next();
  /// A new id with a type prefix, e.g. "ord_01JDQ3Z6Y9T3V6X2K8M4N0P7QR".
  std::string Next(std::string_view prefix);

 private:
  struct State;
  const Clock& clock_;
  State* state_;
};

/// True if `text` has the shape of an id made by `IdGenerator` (26 Crockford base32 chars).
bool LooksLikeId(std::string_view text);

}  // namespace vetahut::core
