// vetahut: one binary, every service. `serve` runs a process (--target picks what),
// `migrate` applies migrations, `version` prints the version.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <csignal>
#include <iostream>

#include "app/platform.hpp"
#include "lib/config/config.hpp"
#include "lib/log/log.hpp"

namespace {

using vetahut::config::Config;

struct CommonFlags {
  std::string config_file;
  std::string data_dir;
  std::string listen;
  std::string target;
  bool demo = false;
};

/// Loads the file and environment, then applies command-line flags (which win).
Config LoadConfig(const CommonFlags& flags) {
  std::optional<std::string> path;
  if (!flags.config_file.empty()) path = flags.config_file;
  auto loaded = vetahut::app::LoadConfig(path, vetahut::config::ProcessEnvironment());
  if (!loaded) throw std::runtime_error(loaded.error().detail);
  Config config = *loaded;
  const bool db_url_is_default = config.db.url == Config{}.db.url;
  if (!flags.data_dir.empty()) config.data_dir = flags.data_dir;
  if (db_url_is_default) config.db.url = "sqlite:" + config.data_dir + "/vetahut.db";
  if (!flags.listen.empty()) {
    if (auto s = vetahut::config::ParseListen(flags.listen, config.server); !s) {
      throw std::runtime_error("--listen: " + s.error().detail);
    }
  }
  if (!flags.target.empty()) config.target = flags.target;
  if (auto modules = vetahut::app::ModulesForTarget(config.target); !modules) {
    throw std::runtime_error(modules.error().detail);
  }
  if (flags.demo) config.demo = true;
  vetahut::log::SetLevel(vetahut::log::ParseLevel(config.log.level));
  return config;
}

}  // namespace

int main(int argc, char** argv) {
  // A client that resets mid-response costs its connection, not the process (EPIPE, no SIGPIPE).
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"veta_hut — online ordering for restaurant chains"};
  app.require_subcommand(1);
  CommonFlags flags;

  auto* serve = app.add_subcommand("serve", "run the platform (all-in-one by default)");
  serve->add_option("--target", flags.target,
                    fmt::format("all, gateway, one module ({}) or a comma list",
                                fmt::join(*vetahut::app::ModulesForTarget("all"), ", ")));
  serve->add_option("--config", flags.config_file, "TOML configuration file");
  serve->add_option("--data-dir", flags.data_dir, "directory for the SQLite database and local files (default ./data)");
  serve->add_option("--listen", flags.listen, "HOST:PORT (default 127.0.0.1:8080; port 0 picks a free port)");
  serve->add_flag("--demo", flags.demo, "load demo data on first start");

  auto* migrate = app.add_subcommand("migrate", "apply database migrations and exit");
  migrate->add_option("--config", flags.config_file, "TOML configuration file");
  migrate->add_option("--data-dir", flags.data_dir, "directory for the SQLite database");

  auto* user = app.add_subcommand("user", "manage staff accounts");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "create a staff account (e.g. the first admin); the password is read "
                                               "from VETAHUT_NEW_USER_PASSWORD or standard input");
  vetahut::app::NewUser new_user;
  user_add->add_option("--email", new_user.email, "sign-in email")->required();
  user_add->add_option("--name", new_user.name, "display name")->required();
  user_add->add_option("--phone", new_user.phone, "E.164 phone, e.g. +12125550100")->required();
  user_add->add_option("--role", new_user.role, "admin | store_manager | cashier | cook | driver")->required();
  user_add->add_option("--store", new_user.store_id, "store id (every role but admin)");
  user_add->add_option("--config", flags.config_file, "TOML configuration file");
  user_add->add_option("--data-dir", flags.data_dir, "directory for the SQLite database");

  auto* routes = app.add_subcommand("routes", "print the routes a target serves (method, path, permission) and exit");
  routes->add_option("--target", flags.target, "all, one module or a comma list");
  bool routes_json = false;
  routes->add_flag("--json", routes_json, "as a JSON array of {method, pattern, permission}");

  app.add_subcommand("version", "print the version");

  CLI11_PARSE(app, argc, argv);

  try {
    if (app.got_subcommand("version")) {
      std::cout << "vetahut " << VETAHUT_VERSION << "\n";
      return 0;
    }
    Config config = LoadConfig(flags);
    if (user_add->parsed()) {
      if (const char* pw = std::getenv("VETAHUT_NEW_USER_PASSWORD"); pw && *pw) {
        new_user.password = pw;
      } else {
        std::cerr << "password for " << new_user.email << ": " << std::flush;
        std::getline(std::cin, new_user.password);
      }
      const std::string id = vetahut::app::AddUser(config, new_user);
      std::cout << "created " << new_user.role << " " << new_user.email << " (" << id << ")\n";
      return 0;
    }
    if (app.got_subcommand("migrate")) {
      auto applied = vetahut::app::RunMigrations(config);
      for (const auto& m : applied) std::cout << "applied " << m << "\n";
      std::cout << (applied.empty() ? "database is up to date\n" : fmt::format("{} migrations applied\n", applied.size()));
      return 0;
    }
    if (routes->parsed()) {
      // Built on a private in-memory database, so listing routes touches no data; clients of
      // services elsewhere are stood in for by the URLs they would have.
      config.db.url = "sqlite::memory:";
      config.demo = false;
      for (const char* service : {"location", "menu", "customer", "payment", "order", "kitchen", "notification", "analytics", "integration"}) {
        if (std::string* url = config.clients.UrlOf(service); url->empty()) *url = "http://127.0.0.1:1";
      }
      if (config.auth.jwks_url.empty()) config.auth.jwks_url = "http://127.0.0.1:1/.well-known/jwks.json";
      vetahut::log::SetLevel(vetahut::log::Level::kError);
      vetahut::app::Platform platform(config);
      platform.Build();
      if (routes_json) std::cout << "[";
      bool first = true;
      for (const auto& r : platform.Routes()) {
        if (routes_json) {
          std::cout << fmt::format("{}{{\"method\":\"{}\",\"pattern\":\"{}\",\"permission\":\"{}\"}}", first ? "" : ",",
                                   r.method, r.pattern, r.permission);
        } else {
          std::cout << fmt::format("{:<7} {:<60} {}\n", r.method, r.pattern, r.permission);
        }
        first = false;
      }
      if (routes_json) std::cout << "]\n";
      return 0;
    }
    vetahut::app::Platform platform(config);
    platform.Start();
    // The last thing a newcomer reads: where the app is (the web apps are served when built).
    std::cout << "veta_hut is running: open " << platform.url() << "/  (the customer app; the kiosk at /kiosk/, the API at "
              << platform.url() << "/api/v1/stores, its contract at /api/openapi.json; Ctrl-C to stop)" << std::endl;
    platform.RunUntilSignal();
    return 0;
  } catch (const std::exception& e) {
    vetahut::log::Error("vetahut stopped", {{"error", e.what()}});
    std::cerr << "vetahut: " << e.what() << "\n";
    return 1;
  }
}
