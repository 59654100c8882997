#include "lib/http/request_head.hpp"

#include <gtest/gtest.h>

namespace vetahut::http {
namespace {

constexpr std::size_t kHeaderLimit = 1024;
constexpr std::size_t kBodyLimit = 1024;

TEST(ParseRequest, FillsTargetHeadersBodyAndKeepsValidIds) {
  const std::string bytes =
      "POST /api/v1/quotes?locale=es HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc-123\r\n"
      "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n"
      "Content-Length: 2\r\n\r\n{}GET / HTTP/1.1\r\n\r\n";
  auto parsed = ParseRequest(bytes, kHeaderLimit, kBodyLimit);
  ASSERT_EQ(parsed.status, ParseStatus::kComplete);
  EXPECT_EQ(parsed.request.method, Method::kPost);
  EXPECT_EQ(parsed.request.path, "/api/v1/quotes");
  EXPECT_EQ(parsed.request.query, "locale=es");
  EXPECT_EQ(parsed.request.body, "{}");
  EXPECT_EQ(parsed.request.request_id, "abc-123");
  EXPECT_EQ(parsed.request.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(parsed.request.Header("host").value_or(""), "t");
  EXPECT_TRUE(parsed.keep_alive);
  EXPECT_EQ(bytes.substr(parsed.consumed), "GET / HTTP/1.1\r\n\r\n");  // the pipelined next one
}

TEST(ParseRequest, ReplacesInvalidIdsWithRandomOnes) {
  auto parsed =
      ParseRequest("GET / HTTP/1.1\r\nX-Request-Id: bad id!\r\ntraceparent: ff-0-0-0\r\n\r\n",
                   kHeaderLimit, kBodyLimit);
  ASSERT_EQ(parsed.status, ParseStatus::kComplete);
  EXPECT_EQ(parsed.request.request_id.size(), 32u);
  EXPECT_TRUE(IsValidRequestId(parsed.request.request_id));
  EXPECT_EQ(parsed.request.trace_id.size(), 32u);
}

TEST(ParseRequest, KeepsAnUnknownMethodForThe405) {
  auto parsed = ParseRequest("BREW /pot HTTP/1.1\r\n\r\n", kHeaderLimit, kBodyLimit);
  ASSERT_EQ(parsed.status, ParseStatus::kComplete);
  EXPECT_EQ(parsed.unknown_method, "BREW");
  EXPECT_EQ(parsed.request.method, Method::kGet);
}

TEST(ParseRequest, EveryFailureStillNamesAPath) {
  auto too_large = ParseRequest("POST /orders HTTP/1.1\r\nContent-Length: 5000\r\n\r\n",
                                kHeaderLimit, kBodyLimit);
  EXPECT_EQ(too_large.status, ParseStatus::kBodyTooLarge);
  EXPECT_EQ(too_large.request.path, "/orders");

  auto big_head =
      ParseRequest("GET /menu?x=1 HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n",
                   kHeaderLimit, kBodyLimit);
  EXPECT_EQ(big_head.status, ParseStatus::kHeaderTooLarge);
  EXPECT_EQ(big_head.request.path, "/menu");

  auto long_line = ParseRequest("GET /" + std::string(2000, 'a') + " HTTP/1.1\r\n\r\n",
                                kHeaderLimit, kBodyLimit);
  EXPECT_EQ(long_line.status, ParseStatus::kHeaderTooLarge);
  EXPECT_EQ(long_line.request.path, "/");  // not read beyond the limit

  auto garbage = ParseRequest("\x01\x02\r\n\r\n", kHeaderLimit, kBodyLimit);
  EXPECT_EQ(garbage.status, ParseStatus::kMalformed);
  EXPECT_EQ(garbage.request.path, "/");
  EXPECT_EQ(garbage.request.request_id.size(), 32u);

  auto partial = ParseRequest("GET /stores HTTP/1.1\r\nHost", kHeaderLimit, kBodyLimit);
  EXPECT_EQ(partial.status, ParseStatus::kIncomplete);
  EXPECT_EQ(partial.request.path, "/stores");
}

TEST(ParseRequest, AbsoluteFormIsReadAsAPathAndOtherTargetsAreMalformed) {
  auto absolute =
      ParseRequest("GET HTTP://example.test:8080/api/v1/stores?limit=2 HTTP/1.1\r\n\r\n",
                   kHeaderLimit, kBodyLimit);
  ASSERT_EQ(absolute.status, ParseStatus::kComplete);
  EXPECT_EQ(absolute.request.target, "/api/v1/stores?limit=2");
  EXPECT_EQ(absolute.request.path, "/api/v1/stores");
  auto bare =
      ParseRequest("GET https://example.test?x=1 HTTP/1.1\r\n\r\n", kHeaderLimit, kBodyLimit);
  EXPECT_EQ(bare.request.target, "/?x=1");
  EXPECT_EQ(ParseRequest("OPTIONS * HTTP/1.1\r\n\r\n", kHeaderLimit, kBodyLimit).request.path, "*");

  // Found by fuzz/http_request_fuzz.cpp: Beast takes "?/api" as a target, which left the path
  // empty.
  for (const char* target : {"?/api/v1/stores", "api/v1/stores", "%2F"}) {
    auto parsed =
        ParseRequest(std::string("GET ") + target + " HTTP/1.1\r\n\r\n", kHeaderLimit, kBodyLimit);
    EXPECT_EQ(parsed.status, ParseStatus::kMalformed) << target;
    EXPECT_EQ(parsed.request.path, "/") << target;
  }
}

TEST(RequestLinePath, OnlyFromACompleteWellFormedLine) {
  EXPECT_EQ(RequestLinePath("GET /a/b?x=1 HTTP/1.1\r\nrest"), "/a/b");
  EXPECT_EQ(RequestLinePath("GET /a/b HTTP/1.1"), "");      // line not complete
  EXPECT_EQ(RequestLinePath("GET /a b HTTP/1.1\r\n"), "");  // not a version after the target
  EXPECT_EQ(RequestLinePath("G(T /a HTTP/1.1\r\n"), "");    // not a token
  EXPECT_EQ(RequestLinePath("GET /caf\xc3\xa9 HTTP/1.1\r\n"), "");  // not visible ASCII
  EXPECT_EQ(RequestLinePath(" /a HTTP/1.1\r\n"), "");
}

TEST(TraceIdFromTraceparent, AcceptsOnlyValidW3CHeaders) {
  EXPECT_EQ(TraceIdFromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .value_or(""),
            "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_FALSE(TraceIdFromTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
  EXPECT_FALSE(TraceIdFromTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(TraceIdFromTraceparent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"));
  EXPECT_FALSE(TraceIdFromTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x"));
  EXPECT_TRUE(
      TraceIdFromTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later"));
}

}  // namespace
}  // namespace vetahut::http
