// The templates: the embedded set is complete and valid, values are escaped in HTML and not in
// text, a missing translation falls back to English, and every kind of broken template stops
// loading with a message naming the file.
#include "services/notification/template_set.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "lib/log/log.hpp"
#include "services/notification/domain/catalog.hpp"

namespace vetahut::notification {
namespace {

std::shared_ptr<const TemplateSet> Embedded() {
  auto set = TemplateSet::Load(EmbeddedTemplates());
  EXPECT_TRUE(set) << set.error().detail;
  return set ? *set : nullptr;
}

/// The embedded templates with one file replaced (or added, or removed when content is null).
std::vector<TemplateFile> With(const std::string& path, const char* content) {
  auto files = EmbeddedTemplates();
  files.erase(std::remove_if(files.begin(), files.end(),
                             [&](const TemplateFile& f) { return f.path == path; }),
              files.end());
  if (content) files.push_back({path, content});
  return files;
}

std::string LoadError(const std::vector<TemplateFile>& files) {
  auto set = TemplateSet::Load(files);
  return set ? "" : set.error().detail;
}

TEST(Templates, TheEmbeddedSetCoversEveryNotificationInEnglishSpanishAndGerman) {
  auto set = Embedded();
  ASSERT_TRUE(set);
  EXPECT_EQ(set->languages(), (std::vector<std::string>{"de", "en", "es"}));
  EXPECT_TRUE(set->missing_translations().empty());
  for (const auto& spec : Catalog()) {
    for (Channel c : spec.channels) {
      for (auto part : PartsFor(c)) {
        for (const char* language : {"en", "es", "de"})
          EXPECT_TRUE(set->Has(spec.name, language, part)) << spec.name << part;
      }
    }
  }
}

TEST(Templates, ValuesAreEscapedInHtmlButNotInText) {
  auto set = Embedded();
  ASSERT_TRUE(set);
  TemplateValues v = SampleValues("order_ready");
  v.Set("RECIPIENT_NAME", "<script>alert('x')</script> & Co");
  v.Set("ORDER_NUMBER", "42");
  v.Show("CARRYOUT");
  auto html = set->Render("order_ready", "en", "html", v);
  ASSERT_TRUE(html) << html.error().detail;
  EXPECT_EQ(html->find("<script>"), std::string::npos) << *html;
  EXPECT_NE(html->find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"),
            std::string::npos)
      << *html;
  auto text = set->Render("order_ready", "en", "txt", v);
  ASSERT_TRUE(text);
  EXPECT_NE(text->find("<script>alert('x')</script> & Co"), std::string::npos) << *text;
  // A link that is not http(s) never becomes a clickable javascript: URL.
  TemplateValues reset = SampleValues("password_reset");
  reset.Set("LINK", "javascript:alert(1)");
  auto reset_html = set->Render("password_reset", "en", "html", reset);
  ASSERT_TRUE(reset_html);
  EXPECT_EQ(reset_html->find("href=\"javascript:"), std::string::npos) << *reset_html;
}

TEST(Templates, RenderInTheLanguageAskedFor) {
  auto set = Embedded();
  ASSERT_TRUE(set);
  TemplateValues v;
  v.Set("ORDER_NUMBER", "7").Set("STORE_NAME", "Veta Hut Loop");
  EXPECT_EQ(*set->Render("order_confirmed", "en", "subject", v),
            "Your Veta Hut Loop order #7 is confirmed\n");
  EXPECT_EQ(*set->Render("order_confirmed", "es", "subject", v),
            "Tu pedido n.º 7 en Veta Hut Loop está confirmado\n");
  EXPECT_EQ(*set->Render("order_confirmed", "de", "subject", v),
            "Deine Bestellung Nr. 7 bei Veta Hut Loop ist bestätigt\n");
}

TEST(Templates, AMissingTranslationFallsBackToEnglishAndIsLogged) {
  auto set = TemplateSet::Load(With("order_ready/de.sms", nullptr));
  ASSERT_TRUE(set) << set.error().detail;
  EXPECT_EQ((*set)->missing_translations(), std::vector<std::string>{"order_ready/de.sms"});
  std::vector<std::string> lines;
  log::SetSink([&](std::string_view line) { lines.emplace_back(line); });
  TemplateValues v;
  v.Set("ORDER_NUMBER", "9").Set("BRAND", "Veta Hut").Show("CARRYOUT").Set("STORE_NAME", "Loop");
  auto sms = (*set)->Render("order_ready", "de", "sms", v);
  log::SetSink(nullptr);
  ASSERT_TRUE(sms);
  EXPECT_EQ(*sms, "Veta Hut: order #9 is ready for pickup at Loop.\n");
  ASSERT_FALSE(lines.empty());
  EXPECT_NE(lines[0].find("order_ready/de.sms"), std::string::npos) << lines[0];
  // A language nobody wrote at all falls back too.
  EXPECT_TRUE((*set)->Render("order_ready", "fr", "sms", v));
}

TEST(Templates, ABrokenTemplateStopsLoadingNamingTheFile) {
  EXPECT_NE(LoadError(With("order_ready/es.txt", "Hola {{#CARRYOUT}} sin cerrar"))
                .find("order_ready/es.txt: does not parse"),
            std::string::npos);
  EXPECT_NE(LoadError(With("order_ready/es.txt", "Hola {{CUSTOMER_CARD_NUMBER}}"))
                .find("order_ready/es.txt: uses {{CUSTOMER_CARD_NUMBER}}, which order_ready does "
                      "not provide"),
            std::string::npos)
      << LoadError(With("order_ready/es.txt", "Hola {{CUSTOMER_CARD_NUMBER}}"));
  EXPECT_NE(LoadError(With("order_ready/es.html", "<p>{{ORDER_NUMBER}}</p>"))
                .find("{{%AUTOESCAPE context=\"HTML\"}}"),
            std::string::npos);
  EXPECT_NE(LoadError(With("order_ready/es.html",
                           "{{%AUTOESCAPE context=\"HTML\"}}<p>{{RECIPIENT_NAME:none}}</p>"))
                .find(":none modifier"),
            std::string::npos);
  EXPECT_NE(LoadError(With("order_ready/en.sms", nullptr)).find("order_ready/en.sms: is missing"),
            std::string::npos);
  EXPECT_NE(LoadError(With("pizza_party/en.txt", "Hi")).find("'pizza_party' is not a notification"),
            std::string::npos);
  EXPECT_NE(LoadError(With("order_ready/en.pdf", "Hi")).find("not a template part"),
            std::string::npos);
  EXPECT_NE(LoadError(With("order_ready/es.txt", "   \n")).find("renders to nothing"),
            std::string::npos);
}

TEST(Templates, AnotherLanguageCanBeAddedWithoutRebuilding) {
  auto files = EmbeddedTemplates();
  files.push_back(
      {"order_ready/fr.sms", "{{BRAND}} : la commande n° {{ORDER_NUMBER}} est prête.\n"});
  auto set = TemplateSet::Load(files);
  ASSERT_TRUE(set) << set.error().detail;
  EXPECT_EQ((*set)->languages(), (std::vector<std::string>{"de", "en", "es", "fr"}));
  TemplateValues v;
  v.Set("ORDER_NUMBER", "3").Set("BRAND", "Veta Hut");
  EXPECT_EQ(*(*set)->Render("order_ready", "fr", "sms", v),
            "Veta Hut : la commande n° 3 est prête.\n");
  EXPECT_FALSE((*set)->missing_translations().empty())
      << "French lacks the rest: English is used for it";
}

}  // namespace
}  // namespace vetahut::notification
