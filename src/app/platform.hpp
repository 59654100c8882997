#pragma once
/// Wiring: the only place that knows every part. Builds a process from its configuration —
/// database, migrations, bus, outbox relays, services, routes and the HTTP server.
#include <memory>
#include <string>

#include "lib/config/config.hpp"

namespace vetahut::app {

/// Applies every module's migrations to the configured database; returns what was applied.
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

/// Migrates, then creates the staff account; returns its id or throws with the field errors.
std::string AddUser(const config::Config& config, const NewUser& user);

/// A running process.
class Platform {
 public:
  explicit Platform(config::Config config);
  ~Platform();
  /// Migrates, loads demo data if asked, starts relays and the server.
  void Start();
  /// The URL the server listens on.
  std::string url() const;
  /// Every route the process serves, with its declared permission (for the RBAC matrix test).
  std::vector<std::pair<std::string, std::string>> RoutesWithPermissions() const;  // ("GET /path", permission)
  /// Blocks until SIGINT/SIGTERM, then drains requests and stops everything.
  void RunUntilSignal();
  void Stop();

  struct Parts;  ///< everything the process runs (platform.cpp)

 private:
  std::unique_ptr<Parts> parts_;
};

}  // namespace vetahut::app
