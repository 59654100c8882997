#pragma once
/// A consuming module's queue, built from typed handlers: every event a module consumes is a
/// struct from the producer's `events.hpp`, never a string literal or hand-read JSON.
///
/// An event struct `E` declares:
///   static constexpr std::string_view kType;   // "com.vetahut.order.confirmed"
///   static constexpr int kVersion;             // its schema version (bumped on breaking changes)
///   static core::Result<E> FromJson(std::string_view data);  // kBadRequest naming the field
/// A payload that does not parse, or whose `dataschema` names a newer version than the consumer
/// knows, is dead-lettered at once (no retries) with the precise error, for an admin to see.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/bus/cloud_event.hpp"
#include "lib/bus/event_bus.hpp"

namespace vetahut::db {
class Database;
class Transaction;
}  // namespace vetahut::db

namespace vetahut::bus {

class Consumer {
 public:
  /// The queue of `module`; effects that need it record event ids in `<module>_inbox`.
  Consumer(db::Database& db, std::string module);
  ~Consumer();
  Consumer(Consumer&&) noexcept;
  Consumer& operator=(Consumer&&) noexcept;

  /// An effect with exactly-once semantics: it runs in a transaction together with the inbox
  /// record (a redelivered event is acknowledged without running it again); an error rolls both
  /// back and the event is retried.
  template <class E>
  Consumer& On(std::function<core::Status(db::Transaction&, const E&, const CloudEvent&)> effect) {
    Add(std::string(E::kType), E::kVersion, true,
        [effect = std::move(effect)](db::Transaction* tx, const CloudEvent& event) -> core::Status {
          auto parsed = E::FromJson(event.data);
          if (!parsed) return core::Fail(parsed.error());
          return effect(*tx, *parsed, event);
        });
    return *this;
  }

  /// An effect that is idempotent by itself (waking a saga, refreshing a cache): no transaction,
  /// no inbox record.
  template <class E>
  Consumer& OnEach(std::function<core::Status(const E&, const CloudEvent&)> effect) {
    Add(std::string(E::kType), E::kVersion, false,
        [effect = std::move(effect)](db::Transaction*, const CloudEvent& event) -> core::Status {
          auto parsed = E::FromJson(event.data);
          if (!parsed) return core::Fail(parsed.error());
          return effect(*parsed, event);
        });
    return *this;
  }

  /// Runs after each transactional effect has committed (e.g. to wake a sender that acts on what
  /// the effect wrote: before the commit it would not see it).
  Consumer& AfterCommit(std::function<void()> hook);

  /// Lets the in-process bus handle events of different subjects on up to `lanes` threads
  /// (Subscription::lanes); one subject's events keep their order.
  Consumer& Lanes(int lanes);

  /// The subscription to hand to the bus (one per module).
  Subscription Build() &&;
  bool empty() const;

 private:
  using Handler = std::function<core::Status(db::Transaction*, const CloudEvent&)>;
  void Add(std::string type, int version, bool transactional, Handler handler);
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace vetahut::bus
