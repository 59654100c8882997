// The app's composition: which modules a target selects, every module's settings documented and
// checked at start-up, and a module's bad setting stopping start-up naming the key.
#include <gtest/gtest.h>

#include <fstream>

#include "app/platform.hpp"
#include "lib/module/module.hpp"

namespace vetahut::app {
namespace {

TEST(Targets, AllIsEveryModuleAndAListIsThoseModules) {
  auto all = ModulesForTarget("all");
  ASSERT_TRUE(all);
  EXPECT_EQ(*all, (std::vector<std::string>{"location", "customer", "menu", "payment", "kitchen", "order", "notification",
                                            "integration", "analytics"}));
  auto some = ModulesForTarget("menu,location,menu");
  ASSERT_TRUE(some);
  EXPECT_EQ(*some, (std::vector<std::string>{"menu", "location"}));
  auto unknown = ModulesForTarget("menu,pizza");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().detail.find("'pizza' is not a module of this build; available: all, gateway (alone), location, customer"),
            std::string::npos)
      << unknown.error().detail;
}

TEST(Targets, EveryModuleNamesItselfAndWhatItProvides) {
  for (const auto& m : AllModules()) {
    EXPECT_FALSE(m->name().empty());
    EXPECT_FALSE(m->Migrations().empty()) << m->name();
    for (const auto& need : m->needs()) {
      bool provided = false;
      for (const auto& other : AllModules()) {
        for (const auto& p : other->provides()) provided = provided || p == need;
      }
      EXPECT_TRUE(provided) << m->name() << " needs '" << need << "', which no module provides";
    }
  }
}

TEST(Configuration, EveryKeyOfEverySectionIsInTheGuide) {
  std::ifstream in(VETAHUT_SOURCE_DIR "/docs/configuration.md");
  ASSERT_TRUE(in) << "docs/configuration.md is missing";
  const std::string guide(std::istreambuf_iterator<char>(in), {});
  auto sections = config::CoreSections();
  for (const auto& s : ModuleSections()) sections.push_back(s);
  for (const auto& [key, doc] : config::DescribeKeys(sections)) {
    EXPECT_FALSE(doc.empty()) << key;
    EXPECT_NE(guide.find("`" + key + "`"), std::string::npos) << key << " is not documented in docs/configuration.md";
  }
}

TEST(Configuration, AModulesKeysAreKnownInEveryProcessAndCheckedAtStartUp) {
  auto unknown = LoadConfigFromString("[order]\nprep_mins = 5\n", "test.toml", {});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().detail.find("unknown configuration key order.prep_mins"), std::string::npos);

  // A process without the order module accepts the order section of a chain-wide file …
  auto chain = LoadConfigFromString("[app]\ntarget = \"location,customer,menu\"\n[db]\nurl = \"sqlite::memory:\"\n"
                                    "[order]\nprep_minutes = 0\n",
                                    "chain.toml", {});
  ASSERT_TRUE(chain) << chain.error().detail;
  Platform menu_only(*chain);
  EXPECT_NO_THROW(menu_only.Build());
  // … and the order module refuses the bad value where it runs, naming the key.
  chain->target = "all";
  Platform with_order(*chain);
  try {
    with_order.Build();
    FAIL() << "started with order.prep_minutes = 0";
  } catch (const std::exception& e) {
    EXPECT_NE(std::string(e.what()).find("chain.toml: configuration key order.prep_minutes: 0 is out of range [1, 240]"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace vetahut::app
