#include "lib/bus/consumer.hpp"

#include "lib/log/log.hpp"

#include <fmt/format.h>

#include <algorithm>
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
  int lanes = 1;
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

Consumer& Consumer::Lanes(int lanes) {
  state_->lanes = std::max(1, lanes);
  return *this;
}

bool Consumer::empty() const { return state_->handlers.empty(); }

namespace {

/// kBadRequest when the event's dataschema is not one the consumer understands (dead-lettered at once).
core::Status CheckVersion(const CloudEvent& event, int understood, const std::string& module) {
  auto version = SchemaVersion(event.dataschema, event.type);
  if (!version) {
    return core::Fail(core::Error::BadRequest(fmt::format("dataschema '{}' does not describe {}", event.dataschema, event.type)));
  }
  if (*version > understood) {
    return core::Fail(core::Error::BadRequest(fmt::format("{} schema version {} is newer than consumer {} understands ({})",
                                                          event.type, *version, module, understood)));
  }
  return core::Ok();
}

}  // namespace

Subscription Consumer::Build() && {
  Subscription sub;
  sub.consumer = state_->module;
  sub.lanes = state_->lanes;
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
    if (auto known = CheckVersion(event, entry.version, state->module); !known) return known;
    if (!entry.transactional) return entry.handler(nullptr, event);
    auto tx = state->db->Begin();
    if (!inbox->Claim(tx, event)) return core::Ok();  // handled before: acknowledge again (in a batch)
    if (auto status = entry.handler(&tx, event); !status) return status;  // tx rolls back, inbox too
    AcknowledgeIn(tx);
    tx.Commit();
    if (state->after_commit) state->after_commit();
    return core::Ok();
  };
  // A backlog of transactional effects in one transaction, each with its inbox record: what a
  // busy queue costs is one commit per round, not one per event. All or nothing: an effect that
  // fails (or an event that is not transactional, or has a schema this consumer does not know)
  // sends the round back to `handler`, one event at a time, in order.
  sub.batch_handler = [state, inbox](const std::vector<CloudEvent>& events) -> bool {
    for (const auto& event : events) {
      auto it = state->handlers.find(event.type);
      if (it == state->handlers.end()) continue;
      if (!it->second.transactional || !CheckVersion(event, it->second.version, state->module)) return false;
    }
    auto tx = state->db->Begin();
    bool ran = false;
    for (const auto& event : events) {
      auto it = state->handlers.find(event.type);
      if (it == state->handlers.end()) continue;
      log::Context context(event.id, log::TraceIdOf(event.traceparent));
      if (!inbox->Claim(tx, event)) continue;
      if (!it->second.handler(&tx, event)) return false;  // tx rolls back, every inbox record too
      ran = true;
    }
    AcknowledgeIn(tx);
    tx.Commit();
    if (ran && state->after_commit) state->after_commit();
    return true;
  };
  return sub;
}

}  // namespace vetahut::bus
