#include "lib/core/id.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace vetahut::core {
namespace {

using namespace std::chrono;

TEST(IdGenerator, IdsAreUniqueAndSortByCreation) {
  ManualClock clock(TimePoint{} + hours(24 * 365 * 56));
  IdGenerator ids(clock);
  std::vector<std::string> made;
  for (int i = 0; i < 5000; ++i) {
    made.push_back(ids.Next());
    if (i % 100 == 0) clock.Advance(1ms);  // many ids within one millisecond too
  }
  for (size_t i = 1; i < made.size(); ++i) EXPECT_LT(made[i - 1], made[i]);
  for (const auto& id : made) EXPECT_TRUE(LooksLikeId(id)) << id;
}

TEST(IdGenerator, LaterTimeSortsLaterAcrossGenerators) {
  ManualClock clock(TimePoint{} + hours(1000));
  IdGenerator a(clock), b(clock);
  std::string first = a.Next();
  clock.Advance(1ms);
  EXPECT_LT(first, b.Next());
}

TEST(IdGenerator, IsSafeAcrossThreads) {
  IdGenerator ids(SystemClock::Instance());
  std::vector<std::vector<std::string>> per_thread(4);
  std::vector<std::thread> threads;
  for (auto& out : per_thread) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) out.push_back(ids.Next());
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (auto& v : per_thread) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), 8000u);
}

TEST(IdGenerator, PrefixesNameTheKind) {
  IdGenerator ids(SystemClock::Instance());
  std::string id = ids.Next("ord");
  EXPECT_EQ(id.substr(0, 4), "ord_");
  EXPECT_TRUE(LooksLikeId(id.substr(4)));
  EXPECT_FALSE(LooksLikeId("not-an-id"));
  EXPECT_FALSE(LooksLikeId("01JDQ3Z6Y9T3V6X2K8M4N0P7QU"));  // U is not Crockford
}

}  // namespace
}  // namespace vetahut::core
