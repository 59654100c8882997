#pragma once
/// Service modules: how a service declares what it needs and provides, so `src/app` can compose
/// any set of them into a process (`--target menu`, `--target location,menu`, `all`).
///
/// A module owns its config section, migrations, routes, event consumers, periodic tasks and
/// metrics, and the clients it offers. It reaches another service only through the client
/// interfaces it names in `needs()`; the app provides each one from a module in the same process
/// or, for a service elsewhere, from a remote (HTTP) client — or stops start-up naming what is
/// missing.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeindex>
#include <vector>

#include "lib/config/config.hpp"
#include "lib/core/result.hpp"
#include "lib/db/migrations.hpp"
#include "lib/task/periodic_task.hpp"

namespace vetahut::core {
class Clock;
class IdGenerator;
}  // namespace vetahut::core
namespace vetahut::db {
class Database;
}
namespace vetahut::bus {
class EventBus;
}
namespace vetahut::cache {
class Cache;
}
namespace vetahut::http {
class Router;
}
namespace vetahut::metrics {
class Registry;
}

namespace vetahut::module {

/// Client interfaces by name ("stores", "menu", "payment", …), typed. A module offers its own
/// with Provide; a module that needs one takes it with Get.
class ClientRegistry {
 public:
  /// Offers `client` (owned elsewhere, e.g. by the module) under `name`.
  template <class T>
  void Provide(const std::string& name, T& client) {
    Put(name, typeid(T), &client, nullptr);
  }
  /// Offers a client of a service in another process (the registry keeps it alive).
  template <class T>
  void ProvideRemote(const std::string& name, std::shared_ptr<T> client) {
    T* raw = client.get();
    Put(name, typeid(T), raw, std::shared_ptr<void>(std::move(client)));
  }
  /// The client, or nullptr if nobody offers it. Throws std::logic_error if it has another type.
  template <class T>
  T* Find(const std::string& name) const {
    return static_cast<T*>(Lookup(name, typeid(T)));
  }
  /// The client; throws std::logic_error naming it if nobody offers it.
  template <class T>
  T& Get(const std::string& name) const {
    if (T* client = Find<T>(name)) return *client;
    throw std::logic_error("no client '" + name + "' in this process");
  }
  bool Has(const std::string& name) const { return entries_.contains(name); }
  /// True when the client reaches another process (its calls may wait on the network).
  bool IsRemote(const std::string& name) const;

 private:
  struct Entry {
    std::type_index type;
    void* client;
    std::shared_ptr<void> owned;
  };
  void Put(const std::string& name, std::type_index type, void* client, std::shared_ptr<void> owned);
  void* Lookup(const std::string& name, std::type_index type) const;
  std::map<std::string, Entry> entries_;
};

/// What a module is built with. Everything outlives the module.
struct ModuleContext {
  const config::Config& config;
  db::Database& db;
  bus::EventBus& bus;
  /// State shared with the other processes of a chain (cache.url): memory in the all-in-one,
  /// Redis in a chain. Never the only copy of anything (decision 0043).
  cache::Cache& cache;
  const core::Clock& clock;
  core::IdGenerator& ids;
  metrics::Registry& metrics;
  http::Router& router;
  ClientRegistry& clients;
  /// Wakes this module's outbox relay after a commit that wrote events.
  std::function<void()> events_committed;
  /// Adds a background task; the platform starts it once every module is built and stops it
  /// before the database goes.
  std::function<task::PeriodicTask&(task::TaskOptions, task::PeriodicTask::Round)> add_task;
};

/// One service as the app composes it.
class Module {
 public:
  virtual ~Module() = default;
  /// Its `--target` name, config section, event queue and table prefix: "menu".
  virtual std::string_view name() const = 0;
  /// Client names it cannot work without.
  virtual std::vector<std::string> needs() const { return {}; }
  /// Client names it uses when present (e.g. for demo data only).
  virtual std::vector<std::string> wants() const { return {}; }
  /// Client names it offers.
  virtual std::vector<std::string> provides() const { return {}; }
  /// Its config section, if it has settings.
  virtual std::optional<config::SectionSpec> config_section() const { return std::nullopt; }
  /// Reads its settings from the process configuration; an error stops start-up.
  virtual core::Status Configure(const config::Config& config) {
    (void)config;
    return core::Ok();
  }
  /// Its migrations (its outbox and inbox included), applied only where it runs.
  virtual std::vector<db::Migration> Migrations() const = 0;
  /// Builds its services, offers its clients and registers its routes, consumers, tasks and
  /// metrics. Modules are built after the modules whose clients they need.
  virtual void Build(ModuleContext& context) = 0;
  /// Loads demo data (`--demo`), after every module is built, in build order.
  virtual void LoadDemo(ModuleContext& context) { (void)context; }
  /// The server is listening: resume work a crash interrupted.
  virtual void Start() {}
  /// Shutdown begins: end long-lived streams so the server can drain.
  virtual void CloseStreams() {}
  /// The server has stopped: stop what Build started outside the platform's tasks.
  virtual void Stop() {}
};

}  // namespace vetahut::module
