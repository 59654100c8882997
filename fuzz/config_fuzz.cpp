// A configuration file through config::LoadFromString, as `vetahut serve --config` reads it: bad
// TOML or a bad value must come back as an error naming it, never a crash or an exception.
// Kept to this one call so it follows lib/config wherever it goes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.hpp"
#include "lib/config/config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto config = vetahut::config::LoadFromString(
      std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.toml", {});
  if (!config) FUZZ_CHECK(!config.error().detail.empty(), "a refused configuration says why");
  return 0;
}
