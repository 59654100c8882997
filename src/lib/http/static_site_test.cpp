#include "lib/http/static_site.hpp"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "lib/http/router.hpp"

namespace vetahut::http {
namespace {

namespace fs = std::filesystem;

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("vetahut-site-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    Write("index.html", "<!doctype html><title>app</title>");
    Write("inline.html",
          "<script type=\"module\" crossorigin src=\"/assets/a.js\"></script><link rel=\"modulepreload\" crossorigin "
          "href=\"/assets/b.js\"><link rel=\"stylesheet\" crossorigin href=\"/assets/c.css\"><script>start()</script>");
    Write("kiosk/index.html", "<!doctype html><title>kiosk</title>");
    Write("assets/app-1a2b3c.js", "console.log('app')");
    Write("assets/app-1a2b3c.js.br", "BROTLI");
    Write("assets/app-1a2b3c.js.gz", "GZIP");
    Write("manifest.webmanifest", "{}");
    site_ = StaticSite::Load(root_.string());
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const std::string& rel, const std::string& bytes) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel, std::ios::binary) << bytes;
  }
  static Request Get(std::string path, std::string accept_encoding = "") {
    Request r;
    r.method = Method::kGet;
    r.target = r.path = std::move(path);
    if (!accept_encoding.empty()) r.headers.push_back({"Accept-Encoding", accept_encoding});
    return r;
  }
  static std::string Body(const Response& r) {
    std::string out(r.file_body->size(), '\0');
    EXPECT_EQ(::pread(r.file_body->fd(), out.data(), out.size(), 0), static_cast<ssize_t>(out.size()));
    return out;
  }
  fs::path root_;
  std::unique_ptr<StaticSite> site_;
};

TEST_F(StaticSiteTest, HashedAssetsAreImmutableAndPrecompressed) {
  auto br = site_->Serve(Get("/assets/app-1a2b3c.js", "gzip, deflate, br"));
  ASSERT_TRUE(br);
  EXPECT_EQ(br->FindHeader("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(br->FindHeader("Content-Encoding"), "br");
  EXPECT_EQ(br->FindHeader("Vary"), "Accept-Encoding");
  EXPECT_EQ(Body(*br), "BROTLI");
  auto gz = site_->Serve(Get("/assets/app-1a2b3c.js", "gzip"));
  EXPECT_EQ(gz->FindHeader("Content-Encoding"), "gzip");
  EXPECT_EQ(Body(*gz), "GZIP");
  auto plain = site_->Serve(Get("/assets/app-1a2b3c.js", "br;q=0, gzip;q=0"));
  EXPECT_FALSE(plain->FindHeader("Content-Encoding"));
  EXPECT_EQ(Body(*plain), "console.log('app')");
  EXPECT_EQ(plain->FindHeader("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_NE(br->FindHeader("ETag"), plain->FindHeader("ETag"));
}

TEST_F(StaticSiteTest, TheShellIsNeverCachedAndAnswersAppPaths) {
  for (const char* path : {"/", "/menu/store_1", "/track/abc"}) {
    auto r = site_->Serve(Get(path));
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(Body(*r), "<!doctype html><title>app</title>") << path;
    EXPECT_EQ(r->FindHeader("Cache-Control"), "no-cache");
    EXPECT_TRUE(r->FindHeader("Content-Security-Policy"));
  }
  auto kiosk = site_->Serve(Get("/kiosk/order"));
  ASSERT_TRUE(kiosk);
  EXPECT_EQ(Body(*kiosk), "<!doctype html><title>kiosk</title>");
  EXPECT_EQ(Body(*site_->Serve(Get("/kiosk/"))), "<!doctype html><title>kiosk</title>");
}

TEST_F(StaticSiteTest, TheCspAllowsAPagesOwnInlineScriptsByHashOnly) {
  auto r = site_->Serve(Get("/inline.html"));
  // sha256("start()") in base64: the one inline script, nothing else inline.
  EXPECT_NE(r->FindHeader("Content-Security-Policy")->find("script-src 'self' 'sha256-"), std::string_view::npos);
  EXPECT_NE(r->FindHeader("Content-Security-Policy")->find("'sha256-DIm7WJS6ZKDYe5qFLPy+h4JFI9Bol5QmYC57mt3Fb00='"), std::string::npos)
      << *r->FindHeader("Content-Security-Policy");
  EXPECT_EQ(site_->Serve(Get("/"))->FindHeader("Content-Security-Policy")->find("sha256"), std::string_view::npos);
}

TEST_F(StaticSiteTest, APageSaysWhatToPreloadInItsHeaders) {
  EXPECT_EQ(site_->Serve(Get("/inline.html"))->FindHeader("Link"),
            "</assets/a.js>; rel=modulepreload, </assets/b.js>; rel=modulepreload, </assets/c.css>; rel=preload; as=style; "
            "crossorigin");
  EXPECT_FALSE(site_->Serve(Get("/"))->FindHeader("Link"));
}

TEST_F(StaticSiteTest, ApiPathsAndMissingFilesAre404s) {
  for (const char* path : {"/api/v1/nope", "/api", "/assets/missing-123.js", "/../etc/passwd", "/.well-known/x"}) {
    auto r = site_->Serve(Get(path));
    ASSERT_FALSE(r) << path;
    EXPECT_EQ(r.error().code, core::ErrorCode::kNotFound) << path;
  }
}

TEST_F(StaticSiteTest, MatchingEtagIs304) {
  auto first = site_->Serve(Get("/manifest.webmanifest"));
  Request again = Get("/manifest.webmanifest");
  again.headers.push_back({"If-None-Match", std::string(*first->FindHeader("ETag"))});
  auto second = site_->Serve(again);
  EXPECT_EQ(second->status, 304);
  EXPECT_FALSE(second->file_body);
  EXPECT_EQ(second->FindHeader("Content-Type"), "application/manifest+json");
}

TEST_F(StaticSiteTest, TheRouterFallsBackOnlyForGetAndHeadWithoutARoute) {
  Router router;
  router.Post("/api/v1/quotes", [](Request&) -> core::Result<Response> { return Response::Text("quote"); });
  router.SetFallback([this](Request& r) { return site_->Serve(r); });
  Request shell = Get("/stores");
  EXPECT_EQ(router.Dispatch(shell)->status, 200);
  Request wrong_method = Get("/api/v1/quotes");
  EXPECT_EQ(router.Dispatch(wrong_method).error().code, core::ErrorCode::kMethodNotAllowed);
  Request post = Get("/stores");
  post.method = Method::kPost;
  EXPECT_EQ(router.Dispatch(post).error().code, core::ErrorCode::kNotFound);
}

TEST(AcceptsEncoding, ReadsQValuesAndStar) {
  EXPECT_TRUE(AcceptsEncoding("gzip, br", "br"));
  EXPECT_FALSE(AcceptsEncoding("gzip", "br"));
  EXPECT_FALSE(AcceptsEncoding("br;q=0", "br"));
  EXPECT_TRUE(AcceptsEncoding("br;q=0.5", "br"));
  EXPECT_TRUE(AcceptsEncoding("*", "gzip"));
  EXPECT_FALSE(AcceptsEncoding("", "gzip"));
}

}  // namespace
}  // namespace vetahut::http
