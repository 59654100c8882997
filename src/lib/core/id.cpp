#include "lib/core/id.hpp"

#include <array>
#include <cstdint>
#include <mutex>
#include <random>

namespace vetahut::core {
namespace {
__extension__ using Uint128 = unsigned __int128;
constexpr char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
}

struct IdGenerator::State {
  std::mutex mutex;
  std::int64_t last_ms = -1;
  std::array<std::uint8_t, 10> random{};
  std::random_device device;
  std::mt19937_64 engine{(std::uint64_t(device()) << 32) ^ device()};
};

IdGenerator::IdGenerator(const Clock& clock) : clock_(clock), state_(new State) {}
IdGenerator::~IdGenerator() { delete state_; }

std::string IdGenerator::Next() {
  std::uint64_t ms;
  std::array<std::uint8_t, 10> rnd;
  {
    std::lock_guard lock(state_->mutex);
    const std::int64_t now =
        std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch()).count();
    if (now <= state_->last_ms) {
      // Same (or earlier) millisecond: increment the random part so ids keep increasing.
      for (int i = 9; i >= 0; --i) {
        if (++state_->random[i] != 0) break;
      }
    } else {
      state_->last_ms = now;
      for (auto& b : state_->random) b = static_cast<std::uint8_t>(state_->engine());
      state_->random[0] &= 0x7f;  // headroom so increments within a millisecond do not wrap
    }
    ms = static_cast<std::uint64_t>(state_->last_ms);
    rnd = state_->random;
  }
  // 128 bits: 48 time + 80 random, written as 26 base32 digits (the first holds 3 bits).
  Uint128 value = (static_cast<Uint128>(ms & 0xFFFFFFFFFFFFull) << 80);
  for (int i = 0; i < 10; ++i) value |= static_cast<Uint128>(rnd[i]) << (8 * (9 - i));
  std::string out(26, '0');
  for (int i = 25; i >= 0; --i) {
    out[i] = kAlphabet[static_cast<unsigned>(value & 31)];
    value >>= 5;
  }
  return out;
}

std::string IdGenerator::Next(std::string_view prefix) {
  std::string id(prefix);
  id += '_';
  id += Next();
  return id;
}

bool LooksLikeId(std::string_view text) {
  if (text.size() != 26 || text[0] > '7') return false;
  for (char c : text) {
    bool ok = false;
    for (const char* a = kAlphabet; *a; ++a) ok |= (*a == c);
    if (!ok) return false;
  }
  return true;
}

}  // namespace vetahut::core
