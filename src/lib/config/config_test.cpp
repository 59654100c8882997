#include "lib/config/config.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace vetahut::config {
namespace {

using Env = std::map<std::string, std::string>;

TEST(Config, DefaultsAreTheEmbeddedPlatform) {
  auto config = Load(std::nullopt, {});
  ASSERT_TRUE(config) << config.error().detail;
  EXPECT_EQ(config->target, "all");
  EXPECT_EQ(config->db.url, "sqlite:data/vetahut.db");
  EXPECT_EQ(config->bus.url, "inproc:");
  EXPECT_EQ(config->server.host, "127.0.0.1");
  EXPECT_EQ(config->server.port, 8080);
}

TEST(Config, ReadsTypedValuesFromToml) {
  auto config = LoadFromString(R"(
[app]
target = "order"
demo = true
[server]
listen = "0.0.0.0:9000"
worker_threads = 4
body_limit_bytes = 65536
read_timeout_ms = 2500
[db]
url = "postgresql://vetahut@127.0.0.1:5432/vetahut"
pool_size = 16
[log]
level = "debug"
)",
                               "test.toml", {});
  ASSERT_TRUE(config) << config.error().detail;
  EXPECT_EQ(config->target, "order");
  EXPECT_TRUE(config->demo);
  EXPECT_EQ(config->server.host, "0.0.0.0");
  EXPECT_EQ(config->server.port, 9000);
  EXPECT_EQ(config->server.worker_threads, 4);
  EXPECT_EQ(config->server.body_limit_bytes, 65536);
  EXPECT_EQ(config->server.read_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(config->db.pool_size, 16);
  EXPECT_EQ(config->log.level, "debug");
}

TEST(Config, EnvironmentOverridesTheFile) {
  auto config = LoadFromString("[db]\npool_size = 4\n", "test.toml",
                               Env{{"VETAHUT_DB_POOL_SIZE", "12"},
                                   {"VETAHUT_SERVER_LISTEN", "127.0.0.1:0"},
                                   {"VETAHUT_APP_DEMO", "true"},
                                   {"VETAHUT_TEST_PG_URL", "ignored by design"},
                                   {"HOME", "/root"}});
  ASSERT_TRUE(config) << config.error().detail;
  EXPECT_EQ(config->db.pool_size, 12);
  EXPECT_EQ(config->server.port, 0);
  EXPECT_TRUE(config->demo);
}

struct BadCase {
  const char* toml;
  Env env;
  const char* must_mention;
};

TEST(Config, BadInputStopsWithAMessageNamingTheKeyAndTheReason) {
  const BadCase cases[] = {
      {"[server]\nlisten_port = 80\n", {}, "server.listen_port"},
      {"[sever]\nlisten = \"x\"\n", {}, "'sever'"},
      {"[server]\nworker_threads = \"four\"\n", {}, "server.worker_threads: expected an integer"},
      {"[server]\nworker_threads = 0\n", {}, "out of range"},
      {"[server]\nlisten = \"localhost\"\n", {}, "server.listen: expected HOST:PORT"},
      {"[server]\nlisten = \"127.0.0.1:70000\"\n", {}, "port 0-65535"},
      {"[db]\nurl = \"mysql://x\"\n", {}, "db.url: must start with"},
      {"[log]\nlevel = \"loud\"\n", {}, "'loud' is not one of"},
      {"[app]\ntarget = \"pizza\"\n", {}, "app.target"},
      {"[app]\ndemo = 1.5\n", {}, "app.demo"},
      {"[server\nlisten = 1", {}, "test.toml:1"},
      {"", Env{{"VETAHUT_DB_POOLSIZE", "3"}}, "VETAHUT_DB_POOLSIZE"},
      {"", Env{{"VETAHUT_DB_POOL_SIZE", "lots"}}, "VETAHUT_DB_POOL_SIZE: expected an integer, got 'lots'"},
  };
  for (const auto& c : cases) {
    auto config = LoadFromString(c.toml, "test.toml", c.env);
    ASSERT_FALSE(config) << c.toml;
    EXPECT_EQ(config.error().code, core::ErrorCode::kBadRequest);
    EXPECT_NE(config.error().detail.find(c.must_mention), std::string::npos)
        << "message '" << config.error().detail << "' does not mention '" << c.must_mention << "'";
  }
}

TEST(Config, MissingFileIsAnErrorNamingThePath) {
  auto config = Load(std::string("/nonexistent/vetahut.toml"), {});
  ASSERT_FALSE(config);
  EXPECT_NE(config.error().detail.find("/nonexistent/vetahut.toml"), std::string::npos);
}

TEST(Config, LoadsAFileFromDisk) {
  const std::string path = ::testing::TempDir() + "/vetahut_config_test.toml";
  std::ofstream(path) << "[server]\nlisten = \"[::1]:8443\"\n";
  auto config = Load(path, {});
  std::remove(path.c_str());
  ASSERT_TRUE(config) << config.error().detail;
  EXPECT_EQ(config->server.host, "::1");
  EXPECT_EQ(config->server.port, 8443);
}

TEST(Config, EveryKeyIsDocumented) {
  for (const auto& [key, doc] : DescribeKeys()) {
    EXPECT_FALSE(doc.empty()) << key;
    EXPECT_NE(key.find('.'), std::string::npos);
  }
}

}  // namespace
}  // namespace vetahut::config

namespace vetahut::config {
namespace {

TEST(Config, EveryKeyIsInTheConfigurationGuide) {
  std::ifstream in(VETAHUT_SOURCE_DIR "/docs/configuration.md");
  ASSERT_TRUE(in) << "docs/configuration.md is missing";
  const std::string guide(std::istreambuf_iterator<char>(in), {});
  for (const auto& [key, doc] : DescribeKeys()) {
    EXPECT_NE(guide.find("`" + key + "`"), std::string::npos) << key << " is not documented in docs/configuration.md";
  }
}

}  // namespace
}  // namespace vetahut::config
