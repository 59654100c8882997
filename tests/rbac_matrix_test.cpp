// Every registered route × every role, through the running platform: the answer must be what
// the policy says — allowed (not 401/403), 401 for anonymous callers, 403 otherwise — and
// store-scoped routes must refuse another store. A new route cannot forget its permission.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <algorithm>
#include <filesystem>
#include <map>
#include <random>

#include "app/platform.hpp"
#include "lib/auth/policy.hpp"
#include "lib/http/client.hpp"
#include "lib/log/log.hpp"

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using vetahut::auth::Principal;
using vetahut::auth::PrincipalKind;
using vetahut::http::Header;
using vetahut::http::HttpClient;
using vetahut::http::Method;

struct Actor {
  std::string name;
  std::optional<Principal> principal;  // nullopt = anonymous
  std::string token;
};

std::optional<Method> MethodOf(const std::string& name) { return vetahut::http::ParseMethod(name); }

class RbacMatrix : public ::testing::Test {
 protected:
  void SetUp() override {
    vetahut::log::SetLevel(vetahut::log::Level::kError);
    data_dir_ = fs::temp_directory_path() / ("vetahut-rbac-" + std::to_string(std::random_device{}()));
    auto loaded = vetahut::config::LoadFromString("[server]\nlisten = \"127.0.0.1:0\"\n", "test", {});
    ASSERT_TRUE(loaded);
    config_ = *loaded;
    config_.data_dir = data_dir_.string();
    config_.db.url = "sqlite:" + (data_dir_ / "vetahut.db").string();
    vetahut::app::AddUser(config_, {"root@example.test", "root-password-1", "Root", "+12125550000", "admin", ""});
    platform_ = std::make_unique<vetahut::app::Platform>(config_);
    platform_->Start();
    url_ = platform_->url();
  }

  void TearDown() override {
    platform_.reset();
    fs::remove_all(data_dir_);
  }

  std::string Token(const std::string& form) {
    auto r = client_.Post(url_ + "/api/v1/auth/token", form, {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : r.error().detail);
    return r ? std::string(json::parse(r->body).at("access_token").as_string()) : "";
  }

  std::string Post(const std::string& path, const std::string& body, const std::string& token) {
    auto r = client_.Post(url_ + path, body, {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
    EXPECT_TRUE(r && r->status == 201) << path << ": " << (r ? r->body : r.error().detail);
    return r ? r->body : "";
  }

  fs::path data_dir_;
  vetahut::config::Config config_;
  std::unique_ptr<vetahut::app::Platform> platform_;
  std::string url_;
  HttpClient client_;
};

TEST_F(RbacMatrix, EveryRouteAnswersEveryRoleAsThePolicySays) {
  const std::string admin = Token("grant_type=password&username=root%40example.test&password=root-password-1");
  const std::string store = std::string(json::parse(Post("/api/v1/stores", R"({"name":"Matrix","address":{"line1":"1 A St",
      "city":"Chicago","postal_code":"60606","country":"US"},"latitude":41.88,"longitude":-87.63,"timezone":"America/Chicago",
      "phone":"+13125550100","services":["delivery","carryout"],"currency":"USD","locale":"en-US"})", admin)).at("id").as_string());
  const std::string other_store = "str_someone_else";

  std::vector<Actor> actors;
  actors.push_back({"anonymous", std::nullopt, ""});
  actors.push_back({"admin", Principal{"root", PrincipalKind::kStaff, {"admin"}, {}}, admin});
  for (const std::string role : {"store_manager", "cashier", "cook", "driver"}) {
    Post("/api/v1/admin/users", R"({"email":")" + role + R"(@example.test","password":"staff-password-1","name":"S",
         "phone":"+12125550001","roles":[{"role":")" + role + R"(","store_id":")" + store + "\"}]}", admin);
    actors.push_back({role, Principal{role, PrincipalKind::kStaff, {role}, {store}},
                      Token("grant_type=password&username=" + role + "%40example.test&password=staff-password-1")});
  }
  for (const std::string type : {"kiosk", "pos", "kds"}) {
    auto creds = json::parse(Post("/api/v1/admin/devices", R"({"name":"D","type":")" + type + R"(","store_id":")" + store + "\"}", admin));
    actors.push_back({type, Principal{type, PrincipalKind::kDevice, {type}, {store}},
                      Token("grant_type=client_credentials&client_id=" + std::string(creds.at("client_id").as_string()) +
                            "&client_secret=" + std::string(creds.at("client_secret").as_string()))});
  }
  ASSERT_EQ(client_.Post(url_ + "/api/v1/auth/register", R"({"email":"c@example.test","password":"customer-pass-1","name":"C","phone":"+12125550009"})",
                         {{"Content-Type", "application/json"}})->status, 201);
  actors.push_back({"customer", Principal{"c", PrincipalKind::kCustomer, {"customer"}, {}},
                    Token("grant_type=password&username=c%40example.test&password=customer-pass-1")});

  // Routes that end a session or an account go last, so they cannot spoil the other checks.
  auto routes = platform_->RoutesWithPermissions();
  ASSERT_GT(routes.size(), 30u);
  auto rank = [](const std::string& r) { return r == "DELETE /api/v1/me" ? 1 : r == "POST /api/v1/auth/logout" ? 2 : 0; };
  std::stable_sort(routes.begin(), routes.end(), [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });

  int checked = 0;
  for (const auto& [route, permission] : routes) {
    ASSERT_FALSE(permission.empty()) << route << " declares no permission";
    const auto space = route.find(' ');
    const auto method = MethodOf(route.substr(0, space));
    ASSERT_TRUE(method) << route;
    const bool scoped = vetahut::auth::FindRule(permission) && vetahut::auth::FindRule(permission)->store_scoped;
    for (const std::string& target_store : scoped ? std::vector<std::string>{store, other_store} : std::vector<std::string>{store}) {
      std::string path = route.substr(space + 1);
      for (auto open = path.find('{'); open != std::string::npos; open = path.find('{')) {
        const auto close = path.find('}', open);
        const std::string param = path.substr(open + 1, close - open - 1);
        path.replace(open, close - open + 1, param == "store_id" ? target_store : "x_" + param);
      }
      for (const auto& actor : actors) {
        // A bad Last-Event-ID makes a live stream answer 400 once it is allowed, instead of streaming.
        std::vector<Header> headers = {{"Content-Type", "application/json"}, {"Last-Event-ID", "not-a-number"}};
        if (!actor.token.empty()) headers.push_back({"Authorization", "Bearer " + actor.token});
        auto r = client_.Send(*method, url_ + path, headers, *method == Method::kGet || *method == Method::kDelete ? "" : "{}");
        ASSERT_TRUE(r) << route;
        auto expected = vetahut::auth::Authorize(actor.principal ? &*actor.principal : nullptr, permission, target_store);
        const std::string where = route + " as " + actor.name + " on " + (target_store == store ? "own store" : "another store");
        if (expected) {
          EXPECT_NE(r->status, 401) << where << ": " << r->body;
          EXPECT_NE(r->status, 403) << where << ": " << r->body;
        } else {
          EXPECT_EQ(r->status, actor.principal ? 403 : 401) << where << ": " << r->body;
        }
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 300);

  // And the policy itself says what a pizza chain expects, whatever the table above computes.
  auto allowed = [&](const std::string& role, const char* permission, const std::string& on) {
    for (const auto& a : actors) {
      if (a.name == role) return vetahut::auth::Authorize(a.principal ? &*a.principal : nullptr, permission, on).has_value();
    }
    return false;
  };
  EXPECT_TRUE(allowed("store_manager", "stores:hours", store));
  EXPECT_FALSE(allowed("store_manager", "stores:hours", other_store));
  EXPECT_FALSE(allowed("store_manager", "stores:write", store));
  EXPECT_FALSE(allowed("customer", "users:read", store));
  EXPECT_FALSE(allowed("cook", "stores:zones", store));
  EXPECT_TRUE(allowed("kds", "stores:pause", store));
  EXPECT_FALSE(allowed("kds", "stores:pause", other_store));
  EXPECT_FALSE(allowed("kiosk", "stores:pause", store));
  EXPECT_TRUE(allowed("admin", "stores:zones", other_store));
  EXPECT_FALSE(allowed("anonymous", "me:read", store));
}

}  // namespace
