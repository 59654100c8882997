#include "lib/task/periodic_task.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace vetahut::task {
namespace {

using namespace std::chrono_literals;

template <class F>
bool Eventually(F condition, std::chrono::milliseconds within = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return condition();
}

TEST(PeriodicTask, NotifyRunsARoundWithoutWaitingForThePeriod) {
  std::atomic<int> rounds{0};
  PeriodicTask task({.name = "t", .period = std::chrono::hours(1)}, [&] {
    ++rounds;
    return Next::Period();
  });
  task.Start();
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(rounds.load(), 0);
  task.Notify();
  EXPECT_TRUE(Eventually([&] { return rounds.load() == 1; }));
}

TEST(PeriodicTask, RunAtStartAndAgainUntilTheWorkIsDone) {
  std::atomic<int> left{5};
  PeriodicTask task({.name = "t", .period = std::chrono::hours(1), .run_at_start = true}, [&] {
    return --left > 0 ? Next::Again() : Next::Period();
  });
  task.Start();
  EXPECT_TRUE(Eventually([&] { return left.load() == 0; }));
}

TEST(PeriodicTask, AFailingRoundIsRetriedWithBackOff) {
  std::atomic<int> rounds{0};
  PeriodicTask task({.name = "t", .period = std::chrono::hours(1), .first_backoff = 1ms, .max_backoff = 4ms,
                     .run_at_start = true},
                    [&]() -> Next {
                      if (++rounds < 4) throw std::runtime_error("down");
                      return Next::Period();
                    });
  task.Start();
  EXPECT_TRUE(Eventually([&] { return rounds.load() == 4; }));
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(rounds.load(), 4);  // succeeded: back to the (long) period
}

TEST(PeriodicTask, NotificationsWithinTheMinimumIntervalShareARound) {
  std::atomic<int> rounds{0};
  PeriodicTask task({.name = "t", .period = std::chrono::hours(1), .run_at_start = true, .min_interval = 200ms}, [&] {
    ++rounds;
    return Next::Period();
  });
  task.Start();
  ASSERT_TRUE(Eventually([&] { return rounds.load() == 1; }));
  for (int i = 0; i < 20; ++i) task.Notify();  // a burst: one per commit
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(rounds.load(), 1);  // held back until the interval has passed
  EXPECT_TRUE(Eventually([&] { return rounds.load() == 2; }));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(rounds.load(), 2);  // the whole burst was one round
}

TEST(PeriodicTask, StopWaitsForTheRoundAndCanRestart) {
  std::atomic<int> rounds{0};
  PeriodicTask task({.name = "t", .period = 1ms}, [&] {
    ++rounds;
    return Next::Period();
  });
  task.Start();
  EXPECT_TRUE(Eventually([&] { return rounds.load() > 2; }));
  task.Stop();
  const int stopped_at = rounds.load();
  std::this_thread::sleep_for(10ms);
  EXPECT_EQ(rounds.load(), stopped_at);
  task.Start();
  EXPECT_TRUE(Eventually([&] { return rounds.load() > stopped_at; }));
}

}  // namespace
}  // namespace vetahut::task
