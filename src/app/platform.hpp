#pragma once
/// Wiring: the only place that knows every part. Composes the service modules a `--target`
/// names into a process — database, migrations, bus, outbox relays, clients (in-process or
/// remote), routes and the HTTP server.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/config/config.hpp"
#include "lib/core/result.hpp"

namespace vetahut::module {
class Module;
}

namespace vetahut::app {

/// Every module this binary has, in a stable order. Adding a service is one line here.
std::vector<std::unique_ptr<module::Module>> AllModules();

/// The configuration sections of every module (their keys are accepted in any process, so one
/// file can configure a whole chain).
std::vector<config::SectionSpec> ModuleSections();

/// Loads the configuration file (optional) and environment, knowing every module's section.
core::Result<config::Config> LoadConfig(const std::optional<std::string>& path,
                                        const std::map<std::string, std::string>& env);
core::Result<config::Config> LoadConfigFromString(std::string_view toml, std::string_view origin,
                                                  const std::map<std::string, std::string>& env);

/// The module names `target` selects: "all" → every module; "menu" or "location,menu" → those.
/// kBadRequest naming an unknown name and listing the available ones.
core::Result<std::vector<std::string>> ModulesForTarget(const std::string& target);

/// Applies the migrations of the target's modules to the configured database.
std::vector<std::string> RunMigrations(const config::Config& config);

/// A staff account to create from the command line (`vetahut user add`).
struct NewUser {
  std::string email;
  std::string password;
  std::string name;
  std::string phone;
  std::string role;
  std::string store_id;
};

/// Migrates the customer module, then creates the staff account; returns its id or throws with
/// the field errors.
std::string AddUser(const config::Config& config, const NewUser& user);

/// One route as a process serves it.
struct RouteDescription {
  std::string method;
  std::string pattern;
  std::string permission;
};

/// A running process.
class Platform {
 public:
  explicit Platform(config::Config config);
  ~Platform();
  /// Opens the database, migrates, builds the target's modules (their clients, routes, consumers,
  /// tasks) and loads demo data if asked — without starting threads or the server. Throws with a
  /// message naming what is missing (an unknown target, a client no module here provides).
  void Build();
  /// Build() if needed, then starts relays, queues, tasks and the server, and resumes sagas.
  void Start();
  /// The URL the server listens on.
  std::string url() const;
  /// Every route the process serves.
  std::vector<RouteDescription> Routes() const;
  /// Every route with its declared permission (for the RBAC matrix test): ("GET /path", permission).
  std::vector<std::pair<std::string, std::string>> RoutesWithPermissions() const;
  /// Blocks until SIGINT/SIGTERM, then drains requests and stops everything.
  void RunUntilSignal();
  void Stop();

  struct Parts;  ///< everything the process runs (platform.cpp)

 private:
  std::unique_ptr<Parts> parts_;
};

}  // namespace vetahut::app
