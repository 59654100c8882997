#pragma once
// A real `vetahut` process for end-to-end tests, and a fixture that gives each test its own
// data directory (and, on PostgreSQL, its own database) plus a first admin.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "lib/db/database.hpp"
#include "lib/http/client.hpp"

namespace vetahut::testing {


namespace fs = std::filesystem;
namespace json = boost::json;
using vetahut::http::Header;
using vetahut::http::HttpClient;
using vetahut::http::Method;

inline std::string RandomSuffix() {
  std::random_device rd;
  return std::to_string(rd() % 1000000000);
}

/// True when the test runs against the chain (VETAHUT_TEST_ENGINE=chain): every service its own
/// process behind two gateways and nginx (scripts/chain.sh), on PostgreSQL and RabbitMQ.
inline bool ChainEngine() {
  const char* engine = std::getenv("VETAHUT_TEST_ENGINE");
  return engine && std::string(engine) == "chain";
}

/// A `vetahut serve` child process; stderr (JSON logs) is captured to a file.
class ServeProcess {
 public:
  ServeProcess(const fs::path& data_dir, std::vector<std::pair<std::string, std::string>> env,
               std::vector<std::string> extra_args = {})
      : log_path_(data_dir.string() + ".log." + RandomSuffix()) {
    const bool chain = ChainEngine();
    std::string db_url;
    for (const auto& [k, v] : env) {
      if (k == "VETAHUT_TEST_CHAIN_DB_URL") db_url = v;
    }
    // A chain takes 13 ports from its base: the front door, then one per process.
    // Below the kernel's ephemeral range (32768 and up), so no outgoing connection holds one.
    const int base = 10000 + static_cast<int>(std::random_device{}() % 1100) * 20;
    pid_ = fork();
    if (pid_ == 0) {
      // The server must ignore SIGPIPE itself: start it with the default disposition whatever
      // the test runner ignores, so a regression shows here.
      signal(SIGPIPE, SIG_DFL);
      if (chain) setpgid(0, 0);  // the chain's processes go with it when the test kills it
      int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(fd, 2);
      dup2(fd, 1);
      for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
      std::vector<std::string> args = {VETAHUT_BINARY, "serve", "--listen", "127.0.0.1:0", "--data-dir", data_dir.string()};
      if (chain) {
        args = {"/bin/bash", VETAHUT_SOURCE_DIR "/scripts/chain.sh", "--inside", "--bin", VETAHUT_BINARY, "--db-url", db_url,
                "--data-dir", data_dir.string(), "--log", "-", "--port", std::to_string(base), "--base-port", std::to_string(base)};
        if (std::find(extra_args.begin(), extra_args.end(), "--demo") == extra_args.end()) args.push_back("--no-demo");
        extra_args.clear();
      }
      for (auto& a : extra_args) args.push_back(a);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(args[0].c_str(), argv.data());
      _exit(127);
    }
    if (chain) setpgid(pid_, pid_);
    chain_ = chain;
  }

  ~ServeProcess() {
    if (pid_ > 0) Kill(SIGKILL);
  }

  /// Waits for the "listening" log line and returns the base URL ("" if the process died).
  std::string WaitForUrl() {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(chain_ ? 120 : 60);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(log_path_);
      std::string line;
      while (std::getline(in, line)) {
        if (line.find("\"msg\":\"listening\"") == std::string::npos) continue;
        // A chain's processes say where they listen too; its front door is the one to use.
        if (chain_ && line.find("\"target\":\"chain\"") == std::string::npos) continue;
        auto start = line.find("\"url\":\"");
        if (start == std::string::npos) continue;
        start += 7;
        return line.substr(start, line.find('"', start) - start);
      }
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        exit_status_ = status;
        return "";
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return "";
  }

  /// Where the process running `target` listens: the server itself, or in a chain that service's
  /// own process (what Prometheus scrapes), from its "listening" line.
  std::string UrlOf(const std::string& target) {
    if (!chain_) return WaitForUrl();
    std::ifstream in(log_path_);
    std::string line;
    while (std::getline(in, line)) {
      if (line.find("\"msg\":\"listening\"") == std::string::npos) continue;
      if (line.find("\"target\":\"" + target + "\"") == std::string::npos) continue;
      auto start = line.find("\"url\":\"");
      if (start == std::string::npos) continue;
      start += 7;
      return line.substr(start, line.find('"', start) - start);
    }
    return "";
  }

  /// Sends `signal` and returns the exit status.
  int Kill(int signal) {
    if (pid_ <= 0) return exit_status_;
    kill(chain_ ? -pid_ : pid_, signal);  // a chain: every process of it
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_status_ = status;
    return status;
  }

  /// Waits for the process to end by itself (e.g. on bad configuration).
  int Wait() {
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  /// True while the process runs; once it has exited, false (the status is kept for `Kill`).
  bool Alive() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_status_ = status;
      return false;
    }
    return true;
  }

  std::string Log() const {
    std::ifstream in(log_path_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  pid_t pid_ = -1;
  int exit_status_ = 0;
  std::string log_path_;
  bool chain_ = false;
};

class PlatformTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_dir_ = fs::temp_directory_path() / ("vetahut-serve-test-" + RandomSuffix());
    fs::create_directories(data_dir_);
    const char* engine = std::getenv("VETAHUT_TEST_ENGINE");
    if (engine && (std::string(engine) == "postgres" || ChainEngine())) {
      const char* pg = std::getenv("VETAHUT_TEST_PG_URL");
      ASSERT_TRUE(pg && *pg) << "VETAHUT_TEST_PG_URL is not set: run it through scripts/with-postgres.sh";
      // A database of its own, so the run starts empty and repeats cleanly.
      const std::string name = "vetahut_e2e_" + RandomSuffix();
      vetahut::db::Database::Open(pg)->Exec("CREATE DATABASE " + name);
      std::string url = pg;
      url = url.substr(0, url.rfind('/') + 1) + name;
      if (ChainEngine()) {
        // The chain's services each own a schema of it (deploy/postgres/init-schemas.sql); the
        // first admin is written where the customer service keeps accounts.
        env_.push_back({"VETAHUT_TEST_CHAIN_DB_URL", url});
        std::string init = "psql -q -v ON_ERROR_STOP=1 '" + url + "' -f " VETAHUT_SOURCE_DIR "/deploy/postgres/init-schemas.sql > " +
                           (data_dir_ / "init-schemas.log").string() + " 2>&1";
        for (const char* s : {"LOCATION", "CUSTOMER", "MENU", "PAYMENT", "KITCHEN", "ORDER", "NOTIFICATION", "INTEGRATION", "ANALYTICS"}) {
          init = "VH_PG_PASSWORD_" + std::string(s) + "=test-password " + init;
        }
        ASSERT_EQ(std::system(init.c_str()), 0) << std::ifstream(data_dir_ / "init-schemas.log").rdbuf();
        admin_env_ = {{"VETAHUT_DB_URL", "postgresql://vh_customer:test-password@" + url.substr(url.find('@') + 1)}};
      } else {
        env_.push_back({"VETAHUT_DB_URL", url});
      }
    }
    env_.push_back({"VETAHUT_LOG_LEVEL", "info"});
    AddAdmin();
  }

  void TearDown() override { fs::remove_all(data_dir_); }

  /// Creates the first admin the way an operator does: `vetahut user add`.
  void AddAdmin() {
    std::string command = "VETAHUT_NEW_USER_PASSWORD='" + std::string(kAdminPassword) + "' ";
    for (const auto& [k, v] : ChainEngine() ? admin_env_ : env_) command += k + "='" + v + "' ";
    command += std::string(VETAHUT_BINARY) + " user add --email admin@example.test --name 'Test Admin' --phone +12125550000 " +
               "--role admin --data-dir " + data_dir_.string() + " > " + (data_dir_ / "user-add.log").string() + " 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0) << std::ifstream(data_dir_ / "user-add.log").rdbuf();
  }

  /// A bearer token from the token endpoint (password grant).
  std::string TokenFor(const std::string& url, const std::string& email, const std::string& password) {
    auto r = client_.Post(url + "/api/v1/auth/token",
                          "grant_type=password&username=" + email + "&password=" + password,
                          {{"Content-Type", "application/x-www-form-urlencoded"}});
    if (!r || r->status != 200) {
      ADD_FAILURE() << "token request failed: " << (r ? r->body : r.error().detail);
      return "";
    }
    return std::string(json::parse(r->body).at("access_token").as_string());
  }

  /// Admin headers for the server at `url` (the first call creates the admin and signs in).
  std::vector<Header> Admin(const std::string& url) {
    if (admin_token_.empty()) admin_token_ = TokenFor(url, "admin@example.test", kAdminPassword);
    return {{"Authorization", "Bearer " + admin_token_}, {"Content-Type", "application/json"}};
  }

  static constexpr const char* kAdminPassword = "correct-horse-battery";
  std::string admin_token_;

  static std::string StoreBody(std::string name, double latitude = 41.8781) {
    json::object o{{"name", name},
                   {"address", {{"line1", "233 S Wacker Dr"}, {"city", "Chicago"}, {"region", "IL"},
                                {"postal_code", "60606"}, {"country", "US"}}},
                   {"latitude", latitude},
                   {"longitude", -87.6359},
                   {"timezone", "America/Chicago"},
                   {"phone", "+13125550199"},
                   {"services", json::array{"delivery", "carryout"}},
                   {"currency", "USD"},
                   {"locale", "en-US"}};
    return json::serialize(o);
  }

  fs::path data_dir_;
  std::vector<std::pair<std::string, std::string>> env_;
  std::vector<std::pair<std::string, std::string>> admin_env_;  ///< a chain: `user add` on the customer schema
  HttpClient client_;
};

inline void ExpectProblem(const vetahut::http::ClientResponse& r, int status) {
  EXPECT_EQ(r.status, status) << r.body;
  EXPECT_EQ(r.Header("content-type").value_or(""), "application/problem+json") << r.body;
  auto request_id = r.Header("x-request-id");
  ASSERT_TRUE(request_id);
  EXPECT_NE(r.body.find(std::string(*request_id)), std::string::npos) << "problem body lacks the request id";
  EXPECT_NE(r.body.find("\"status\":" + std::to_string(status)), std::string::npos) << r.body;
}


}  // namespace vetahut::testing
