#include "lib/bus/consumer.hpp"

#include "lib/log/log.hpp"

#include <fmt/format.h>

#include <map>

#include "lib/bus/outbox.hpp"
#include "lib/db/database.hpp"

namespace vetahut::bus {

struct Consumer::State {
  db::Database* db;
  std::string module;
  struct Entry {
    int version;
    bool transactional;
    Handler handler;
  };
  std::map<std::string, Entry, std::less<>> handlers;
  std::function<void()> after_commit;
};

Consumer::Consumer(db::Database& db, std::string module) : state_(std::make_unique<State>()) {
  state_->db = &db;
  state_->module = std::move(module);
}
Consumer::~Consumer() = default;
Consumer::Consumer(Consumer&&) noexcept = default;
Consumer& Consumer::operator=(Consumer&&) noexcept = default;

void Consumer::Add(std::string type, int version, bool transactional, Handler handler) {
  if (state_->handlers.contains(type)) throw std::logic_error("two handlers for " + type + " in " + state_->module);
  state_->handlers.emplace(std::move(type), State::Entry{version, transactional, std::move(handler)});
}

Consumer& Consumer::AfterCommit(std::function<void()> hook) {
  state_->after_commit = std::move(hook);
  return *this;
}

bool Consumer::empty() const { return state_->handlers.empty(); }

Subscription Consumer::Build() && {
  Subscription sub;
  sub.consumer = state_->module;
  for (const auto& [type, entry] : state_->handlers) sub.patterns.push_back(type);
  auto state = std::shared_ptr<State>(std::move(state_));
  auto inbox = std::make_shared<Inbox>(state->module);
  sub.handler = [state, inbox](const CloudEvent& event) -> core::Status {
    auto it = state->handlers.find(event.type);
    if (it == state->handlers.end()) return core::Ok();  // bound by a pattern, not handled here
    // The handler's log lines, and the events it writes, continue the event's trace: one order's
    // story is one grep for its trace id, from the request through every consumer.
    log::Context context(event.id, log::TraceIdOf(event.traceparent));
    const auto& entry = it->second;
    auto version = SchemaVersion(event.dataschema, event.type);
    if (!version) {
      return core::Fail(core::Error::BadRequest(fmt::format("dataschema '{}' does not describe {}", event.dataschema, event.type)));
    }
    if (*version > entry.version) {
      return core::Fail(core::Error::BadRequest(fmt::format(
          "{} schema version {} is newer than consumer {} understands ({})", event.type, *version, state->module, entry.version)));
    }
    if (!entry.transactional) return entry.handler(nullptr, event);
    auto tx = state->db->Begin();
    if (!inbox->Claim(tx, event)) return core::Ok();  // handled before: acknowledge again (in a batch)
    if (auto status = entry.handler(&tx, event); !status) return status;  // tx rolls back, inbox too
    AcknowledgeIn(tx);
    tx.Commit();
    if (state->after_commit) state->after_commit();
    return core::Ok();
  };
  return sub;
}

}  // namespace vetahut::bus
