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
  EXPECT_EQ(config->cache.url, "memory:");
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
      {"[app]\ntarget = \"Pizza!\"\n", {}, "app.target"},
      {"[order]\nprep_minutes = 5\n", {}, "unknown configuration section 'order'"},
      {"[app]\ndemo = 1.5\n", {}, "app.demo"},
      {"[server\nlisten = 1", {}, "test.toml:1"},
      {"", Env{{"VETAHUT_DB_POOLSIZE", "3"}}, "VETAHUT_DB_POOLSIZE"},
      {"", Env{{"VETAHUT_DB_POOL_SIZE", "lots"}}, "VETAHUT_DB_POOL_SIZE: expected an integer, got 'lots'"},
      {"[cache]\nurl = \"memcached://cache:11211\"\n", {}, "cache.url: must be memory: or redis://"},
      {"", Env{{"VETAHUT_CACHE_URL", "redis://cache:99999/0"}}, "VETAHUT_CACHE_URL: the port must be 1-65535"},
      {"", Env{{"VETAHUT_CACHE_URL", "rediss://cache:6380/0"}}, "VETAHUT_CACHE_URL: rediss:// (TLS) is not supported"},
      {"[cache]\ntimeout_ms = 0\n", {}, "cache.timeout_ms: 0 is out of range"},
  };
  for (const auto& c : cases) {
    auto config = LoadFromString(c.toml, "test.toml", c.env);
    ASSERT_FALSE(config) << c.toml;
    EXPECT_EQ(config.error().code, core::ErrorCode::kBadRequest);
    EXPECT_NE(config.error().detail.find(c.must_mention), std::string::npos)
        << "message '" << config.error().detail << "' does not mention '" << c.must_mention << "'";
  }
}

TEST(Config, TheCacheIsInMemoryUnlessARedisUrlIsGiven) {
  auto config = LoadFromString("[cache]\nurl = \"redis://cache.internal:6380/2\"\npool_size = 8\n", "test.toml",
                               Env{{"VETAHUT_CACHE_TIMEOUT_MS", "150"}});
  ASSERT_TRUE(config) << config.error().detail;
  EXPECT_EQ(config->cache.url, "redis://cache.internal:6380/2");
  EXPECT_EQ(config->cache.pool_size, 8);
  EXPECT_EQ(config->cache.timeout, std::chrono::milliseconds(150));
  auto env = LoadFromString("[cache]\nurl = \"redis://a:6379/0\"\n", "test.toml", Env{{"VETAHUT_CACHE_URL", "memory:"}});
  ASSERT_TRUE(env) << env.error().detail;
  EXPECT_EQ(env->cache.url, "memory:") << "the environment wins";
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
  for (const auto& [key, doc] : DescribeKeys(CoreSections())) {
    EXPECT_FALSE(doc.empty()) << key;
    EXPECT_NE(key.find('.'), std::string::npos);
  }
}

/// A module's settings, declared next to the module as services do.
struct KitchenSettings {
  int ovens = 1;
  std::chrono::seconds bake_time{360};
  std::string mode = "conveyor";
};

Schema<KitchenSettings> KitchenSchema() {
  Schema<KitchenSettings> schema("kitchen");
  schema.Int("ovens", "ovens per store", 1, 8, &KitchenSettings::ovens)
      .Duration("bake_time_s", "seconds in the oven", 60, 1800, &KitchenSettings::bake_time)
      .OneOf("mode", "conveyor or deck", {"conveyor", "deck"}, &KitchenSettings::mode);
  return schema;
}

TEST(Config, AModuleSectionIsCheckedAndParsedWithTheModulesSchema) {
  const auto schema = KitchenSchema();
  auto config = LoadFromString("[kitchen]\novens = 2\n", "test.toml", Env{{"VETAHUT_KITCHEN_BAKE_TIME_S", "420"}},
                               {schema.spec()});
  ASSERT_TRUE(config) << config.error().detail;
  auto settings = config->Settings(schema);
  ASSERT_TRUE(settings) << settings.error().detail;
  EXPECT_EQ(settings->ovens, 2);
  EXPECT_EQ(settings->bake_time, std::chrono::seconds(420));
  EXPECT_EQ(settings->mode, "conveyor");

  auto unknown = LoadFromString("[kitchen]\novenz = 2\n", "test.toml", {}, {schema.spec()});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().detail.find("unknown configuration key kitchen.ovenz"), std::string::npos);
  auto bad = LoadFromString("[kitchen]\nmode = \"wood\"\n", "test.toml", {}, {schema.spec()});
  ASSERT_TRUE(bad);
  auto parsed = bad->Settings(schema);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().detail, "test.toml: configuration key kitchen.mode: 'wood' is not one of: conveyor, deck");
  auto env = LoadFromString("", "test.toml", Env{{"VETAHUT_KITCHEN_OVENS", "nine"}}, {schema.spec()});
  ASSERT_TRUE(env);
  EXPECT_EQ(env->Settings(schema).error().detail,
            "environment: configuration key VETAHUT_KITCHEN_OVENS: expected an integer, got 'nine'");
  // Without the module's spec the section is unknown.
  EXPECT_FALSE(LoadFromString("[kitchen]\novens = 2\n", "test.toml", {}));
}

}  // namespace
}  // namespace vetahut::config

namespace vetahut::config {
namespace {

TEST(Config, EveryKeyIsInTheConfigurationGuide) {
  std::ifstream in(VETAHUT_SOURCE_DIR "/docs/configuration.md");
  ASSERT_TRUE(in) << "docs/configuration.md is missing";
  const std::string guide(std::istreambuf_iterator<char>(in), {});
  for (const auto& [key, doc] : DescribeKeys(CoreSections())) {
    EXPECT_NE(guide.find("`" + key + "`"), std::string::npos) << key << " is not documented in docs/configuration.md";
  }
}

}  // namespace
}  // namespace vetahut::config
