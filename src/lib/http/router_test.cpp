#include "lib/http/router.hpp"

#include <stdexcept>
#include <string>
#include <vector>

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include "lib/http/json_body.hpp"
#include "lib/http/problem.hpp"
#include "lib/http/sse.hpp"

namespace vetahut::http {
namespace {

Handler Named(std::string name) {
  return [name](Request&) -> core::Result<Response> { return Response::Text(name); };
}

Request MakeRequest(Method method, std::string target) {
  Request r;
  r.method = method;
  r.target = target;
  auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) r.query = target.substr(q + 1);
  return r;
}

TEST(Router, ExtractsPathParams) {
  Router router;
  router.Get("/api/v1/stores/{store_id}/menu/{item_id}", Named("item"));
  auto match = router.Find(Method::kGet, "/api/v1/stores/s%2042/menu/m1");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->pattern, "/api/v1/stores/{store_id}/menu/{item_id}");
  ASSERT_EQ(match.params.size(), 2u);
  EXPECT_EQ(match.params[0], (std::pair<std::string, std::string>{"store_id", "s 42"}));
  EXPECT_EQ(match.params[1], (std::pair<std::string, std::string>{"item_id", "m1"}));

  Request req = MakeRequest(Method::kGet, "/api/v1/stores/s1/menu/m2");
  auto response = router.Dispatch(req);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(req.PathParam("store_id"), "s1");
  EXPECT_EQ(req.PathParam("item_id"), "m2");
  EXPECT_EQ(req.PathParam("missing"), "");
  ASSERT_NE(req.route, nullptr);
}

TEST(Router, LiteralSegmentWinsOverParamAndBacktracks) {
  Router router;
  router.Get("/stores/{id}", Named("by-id"));
  router.Get("/stores/near", Named("near"));
  router.Get("/stores/{id}/menu", Named("menu"));

  EXPECT_EQ(router.Find(Method::kGet, "/stores/near").route->pattern, "/stores/near");
  EXPECT_EQ(router.Find(Method::kGet, "/stores/s1").route->pattern, "/stores/{id}");
  // "near" is a literal child, but only the param branch continues to "/menu".
  auto menu = router.Find(Method::kGet, "/stores/near/menu");
  ASSERT_NE(menu.route, nullptr);
  EXPECT_EQ(menu.route->pattern, "/stores/{id}/menu");
  EXPECT_EQ(menu.params[0].second, "near");
}

// Decision: trailing slashes are significant. "/a/" does not match "/a" (no redirect), and a
// pattern may not end in '/' (except the root "/").
TEST(Router, TrailingSlashIsSignificant) {
  Router router;
  router.Get("/a", Named("a"));
  router.Get("/", Named("root"));
  EXPECT_NE(router.Find(Method::kGet, "/a").route, nullptr);
  EXPECT_EQ(router.Find(Method::kGet, "/a/").route, nullptr);
  EXPECT_TRUE(router.Find(Method::kGet, "/a/").allowed.empty());
  EXPECT_EQ(router.Find(Method::kGet, "/").route->pattern, "/");
  EXPECT_EQ(router.Find(Method::kGet, "//a").route, nullptr);
  EXPECT_THROW(router.Get("/b/", Named("b")), std::invalid_argument);
}

TEST(Router, UnknownPathIs404AndWrongMethodIs405WithAllowedSet) {
  Router router;
  router.Get("/orders/{id}", Named("get"));
  router.Delete("/orders/{id}", Named("delete"));

  auto not_found = router.Find(Method::kGet, "/nope");
  EXPECT_EQ(not_found.route, nullptr);
  EXPECT_TRUE(not_found.allowed.empty());

  auto wrong = router.Find(Method::kPost, "/orders/1");
  EXPECT_EQ(wrong.route, nullptr);
  EXPECT_EQ(wrong.allowed, (std::vector<Method>{Method::kGet, Method::kHead, Method::kDelete}));

  Request req404 = MakeRequest(Method::kGet, "/nope");
  auto r404 = router.Dispatch(req404);
  ASSERT_FALSE(r404.has_value());
  EXPECT_EQ(r404.error().code, core::ErrorCode::kNotFound);

  Request req405 = MakeRequest(Method::kPost, "/orders/1");
  auto r405 = router.Dispatch(req405);
  ASSERT_FALSE(r405.has_value());
  EXPECT_EQ(r405.error().code, core::ErrorCode::kMethodNotAllowed);
  EXPECT_EQ(req405.allowed_methods, wrong.allowed);
}

TEST(Router, HeadFallsBackToGet) {
  Router router;
  router.Get("/menu", Named("menu"));
  auto match = router.Find(Method::kHead, "/menu");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->method, Method::kGet);

  router.Add(Method::kHead, "/menu", Named("explicit-head"));
  EXPECT_EQ(router.Find(Method::kHead, "/menu").route->method, Method::kHead);
}

TEST(Router, RejectsDuplicateAndMalformedPatterns) {
  Router router;
  router.Get("/stores/{id}", Named("a"));
  EXPECT_THROW(router.Get("/stores/{id}", Named("b")), std::invalid_argument);
  // Same shape with another parameter name is still the same route.
  EXPECT_THROW(router.Get("/stores/{store_id}", Named("c")), std::invalid_argument);
  EXPECT_NO_THROW(router.Post("/stores/{id}", Named("d")));
  EXPECT_THROW(router.Get("stores", Named("e")), std::invalid_argument);
  EXPECT_THROW(router.Get("/a//b", Named("e")), std::invalid_argument);
  EXPECT_THROW(router.Get("/a/{}", Named("e")), std::invalid_argument);
  EXPECT_THROW(router.Get("/a/{x}/{x}", Named("e")), std::invalid_argument);
  EXPECT_THROW(router.Get("/a/x{y}", Named("e")), std::invalid_argument);
  EXPECT_EQ(router.Routes().size(), 2u);
}

TEST(Router, MiddlewareRunsInRegistrationOrderAroundHandler) {
  Router router;
  std::vector<std::string> trace;
  router.Use([&](Request& req, const Next& next) {
    trace.push_back("first-in");
    auto r = next(req);
    trace.push_back("first-out");
    return r;
  });
  router.Use([&](Request& req, const Next& next) {
    trace.push_back("second-in");
    auto r = next(req);
    trace.push_back("second-out");
    return r;
  });
  router.Get("/x", [&](Request&) -> core::Result<Response> {
    trace.push_back("handler");
    return Response::NoContent();
  });
  Request req = MakeRequest(Method::kGet, "/x");
  auto response = router.Dispatch(req);
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->status, 204);
  EXPECT_EQ(trace, (std::vector<std::string>{"first-in", "second-in", "handler", "second-out",
                                             "first-out"}));
}

TEST(Router, MiddlewareCanShortCircuit) {
  Router router;
  bool handler_ran = false;
  router.Use([](Request&, const Next&) -> core::Result<Response> {
    return core::Fail(core::Error::Unauthenticated("no token"));
  });
  router.Get("/x", [&](Request&) -> core::Result<Response> {
    handler_ran = true;
    return Response::NoContent();
  });
  Request req = MakeRequest(Method::kGet, "/x");
  auto response = router.Dispatch(req);
  ASSERT_FALSE(response.has_value());
  EXPECT_EQ(response.error().code, core::ErrorCode::kUnauthenticated);
  EXPECT_FALSE(handler_ran);
}

// Parameters are text: invalid UTF-8 after percent-decoding is a 400, a control character a 422,
// each naming the parameter, and the handler never runs (issue 10: a %FF%FE id reached
// PostgreSQL, which answered SQLSTATE 22021 and the client a 500).
TEST(Router, PathAndQueryParametersMustBeUtf8TextWithoutControlCharacters) {
  Router router;
  int ran = 0;
  router.Get("/orders/{order_id}", [&](Request&) -> core::Result<Response> {
    ++ran;
    return Response::NoContent();
  });
  struct Case {
    const char* target;
    core::ErrorCode code;
    const char* field;
  };
  for (const Case& c : {Case{"/orders/%FF%FE", core::ErrorCode::kBadRequest, "order_id"},
                        Case{"/orders/\xC3\x28", core::ErrorCode::kBadRequest, "order_id"},
                        Case{"/orders/ord_1%ED%A0%80", core::ErrorCode::kBadRequest, "order_id"},  // a surrogate
                        Case{"/orders/ord_1%00", core::ErrorCode::kValidation, "order_id"},
                        Case{"/orders/ord_1%1B%5B2J", core::ErrorCode::kValidation, "order_id"},
                        Case{"/orders/ord_1?cursor=%FF%FE", core::ErrorCode::kBadRequest, "cursor"},
                        Case{"/orders/ord_1?limit=5&station=%00", core::ErrorCode::kValidation, "station"},
                        Case{"/orders/ord_1?%FF=1", core::ErrorCode::kBadRequest, "query"}}) {
    std::string target = c.target;
    Request req = MakeRequest(Method::kGet, target);
    auto response = router.Dispatch(req);
    ASSERT_FALSE(response.has_value()) << target;
    EXPECT_EQ(response.error().code, c.code) << target;
    ASSERT_EQ(response.error().fields.size(), 1u) << target;
    EXPECT_EQ(response.error().fields[0].field, c.field) << target;
  }
  EXPECT_EQ(ran, 0);
  for (const char* fine : {"/orders/ord_1", "/orders/caf%C3%A9?q=pizza+margherita&e=%zz&flag", "/orders/%F0%9F%8D%95"}) {
    Request req = MakeRequest(Method::kGet, fine);
    EXPECT_TRUE(router.Dispatch(req).has_value()) << fine;
  }
  EXPECT_EQ(ran, 3);
}

TEST(Request, QueryIsPercentDecodedFirstOccurrence) {
  Request req = MakeRequest(Method::kGet, "/s?q=pizza%20margherita&tag=a+b&q=second&flag&e=%zz");
  EXPECT_EQ(req.Query("q"), "pizza margherita");
  EXPECT_EQ(req.Query("tag"), "a b");
  EXPECT_EQ(req.Query("flag"), "");
  EXPECT_EQ(req.Query("e"), "%zz");
  EXPECT_EQ(req.Query("missing"), std::nullopt);
}

TEST(Request, HeaderLookupIsCaseInsensitive) {
  Request req;
  req.headers.push_back({"Content-Type", "application/json"});
  EXPECT_EQ(req.Header("content-type"), "application/json");
  EXPECT_EQ(req.Header("accept"), std::nullopt);
}

TEST(Response, SetHeaderReplaces) {
  Response r = Response::Json("{}");
  r.SetHeader("content-type", "application/problem+json");
  ASSERT_EQ(r.headers.size(), 1u);
  EXPECT_EQ(r.headers[0].value, "application/problem+json");
}

TEST(Method, NamesRoundTrip) {
  for (Method m : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kPatch,
                   Method::kDelete, Method::kOptions}) {
    EXPECT_EQ(ParseMethod(MethodName(m)), m);
  }
  EXPECT_EQ(ParseMethod("get"), std::nullopt);
}

}  // namespace
}  // namespace vetahut::http

namespace vetahut::http {
namespace {

Request JsonRequest(std::string body, std::string content_type = "application/json") {
  Request r;
  r.method = Method::kPost;
  r.path = "/orders";
  if (!content_type.empty()) r.headers.push_back({"Content-Type", content_type});
  r.body = std::move(body);
  return r;
}

TEST(ParseJsonBody, ControlCharactersAnywhereAreRefusedNamingTheField) {
  auto nul = ParseJsonBody(JsonRequest(R"({"email":"customer@demo.vetahut.test\u0000","name":"x"})"));
  ASSERT_FALSE(nul);
  EXPECT_EQ(nul.error().code, core::ErrorCode::kValidation);
  ASSERT_EQ(nul.error().fields.size(), 1u);
  EXPECT_EQ(nul.error().fields[0].field, "email");
  EXPECT_EQ(nul.error().fields[0].message, "must not contain control characters (U+0000)");
  auto nested = ParseJsonBody(JsonRequest(R"({"items":[{"notes":"ok"},{"notes":"\u001b[31m"}],"k\u0007":1})"));
  ASSERT_FALSE(nested);
  ASSERT_EQ(nested.error().fields.size(), 2u);
  EXPECT_EQ(nested.error().fields[0].field, "items[1].notes");
  EXPECT_EQ(nested.error().fields[1].field, "body");
  EXPECT_EQ(nested.error().fields[1].message, "has a key with control characters (U+0007)");
  EXPECT_TRUE(ParseJsonBody(JsonRequest(R"({"notes":"well done\n\tplease"})")));  // multi-line text is fine here
  EXPECT_FALSE(ParseJsonBody(JsonRequest("{\"name\":\"\xff\"}")));  // invalid UTF-8: malformed JSON
}

TEST(ParseJsonBody, AcceptsJsonAndPlusJsonTypes) {
  EXPECT_TRUE(ParseJsonBody(JsonRequest(R"({"a":1})")).has_value());
  EXPECT_TRUE(ParseJsonBody(JsonRequest(R"([1])", "application/merge-patch+json")).has_value());
  EXPECT_TRUE(ParseJsonBody(JsonRequest(R"(1)", "Application/JSON; charset=utf-8")).has_value());
  EXPECT_TRUE(ParseJsonBody(JsonRequest(R"(1)", "")).has_value());
}

TEST(ParseJsonBody, RejectsOtherContentTypesWith415) {
  auto r = ParseJsonBody(JsonRequest("a=1", "application/x-www-form-urlencoded"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::ErrorCode::kUnsupportedMediaType);
}

TEST(ParseJsonBody, ReportsByteOffsetOfSyntaxError) {
  auto r = ParseJsonBody(JsonRequest(R"({"a": tru})"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, core::ErrorCode::kBadRequest);
  EXPECT_TRUE(r.error().detail.starts_with("malformed JSON at byte 6")) << r.error().detail;
  auto trailing = ParseJsonBody(JsonRequest(R"({} x)"));
  ASSERT_FALSE(trailing.has_value());
  auto empty = ParseJsonBody(JsonRequest(""));
  ASSERT_FALSE(empty.has_value());
  EXPECT_TRUE(empty.error().detail.starts_with("malformed JSON at byte 0"));
}

TEST(ParseJsonBody, EnforcesSizeAndDepthLimits) {
  auto big = ParseJsonBody(JsonRequest(R"([1,2,3,4])"), {.max_bytes = 4});
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code, core::ErrorCode::kPayloadTooLarge);
  auto deep = ParseJsonBody(JsonRequest(std::string(40, '[') + std::string(40, ']')));
  ASSERT_FALSE(deep.has_value());
  EXPECT_EQ(deep.error().code, core::ErrorCode::kBadRequest);
  EXPECT_NE(deep.error().detail.find("depth"), std::string::npos);
  EXPECT_TRUE(ParseJsonBody(JsonRequest(std::string(30, '[') + std::string(30, ']'))));
}

TEST(ProblemResponse, RendersRfc9457BodyWithFieldErrors) {
  Request req = JsonRequest("{}");
  req.request_id = "req-1";
  auto response = ProblemResponse(core::Error::Validation({{"items[0].qty", "must be >= 1"}}), req);
  EXPECT_EQ(response.status, 422);
  EXPECT_EQ(response.FindHeader("Content-Type"), "application/problem+json");
  EXPECT_EQ(response.FindHeader("X-Request-Id"), "req-1");
  auto body = boost::json::parse(response.body).as_object();
  EXPECT_EQ(body.at("type").as_string(), "https://vetahut.dev/problems/validation");
  EXPECT_EQ(body.at("title").as_string(), "Validation Failed");
  EXPECT_EQ(body.at("instance").as_string(), "/orders");
  EXPECT_EQ(body.at("request_id").as_string(), "req-1");
  EXPECT_EQ(body.at("errors").as_array().at(0).as_object().at("field").as_string(), "items[0].qty");

  auto plain = ProblemResponse(core::Error::NotFound("x"), req);
  EXPECT_FALSE(boost::json::parse(plain.body).as_object().contains("errors"));
}

TEST(ProblemFromException, HidesUnexpectedMessages) {
  Request req;
  req.request_id = "r";
  std::string logged;
  auto response = ProblemFromException(
      std::make_exception_ptr(std::runtime_error("password=hunter2")), req,
      [&](const Request&, std::string_view what) { logged = what; });
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body.find("hunter2"), std::string::npos);
  EXPECT_EQ(logged, "password=hunter2");
  auto conflict = ProblemFromException(
      std::make_exception_ptr(core::ErrorException(core::Error::Conflict("dup"))), req);
  EXPECT_EQ(conflict.status, 409);
}

TEST(EventStream, FormatsEventsAndDropsSlowClients) {
  auto stream = EventStream::Create(2);
  int notified = 0;
  stream->SetNotifier([&] { ++notified; });
  stream->Send("status", "a\r\nb", "7");
  stream->Comment("keepalive");
  EXPECT_EQ(notified, 1);  // one wake-up until the I/O layer drains
  std::string out;
  EXPECT_FALSE(stream->Drain(out));
  EXPECT_EQ(out, "id: 7\nevent: status\ndata: a\ndata: b\n\n: keepalive\n\n");
  stream->Send("", "1");
  stream->Send("", "2");
  stream->Send("", "3");  // third unsent message exceeds max_buffered = 2
  EXPECT_TRUE(stream->closed());
  out.clear();
  EXPECT_TRUE(stream->Drain(out));
  EXPECT_EQ(out, "");
}

}  // namespace
}  // namespace vetahut::http


namespace vetahut::http {
TEST(RouterPreflight, OptionsOnAKnownPathGoesToThePreflightWithItsMethods) {
  Router r;
  r.Post("/api/v1/orders", [](Request&) -> core::Result<Response> { return Response::Text("placed"); });
  r.Get("/api/v1/orders", [](Request&) -> core::Result<Response> { return Response::Text("list"); });
  Request unknown;
  unknown.method = Method::kOptions;
  unknown.path = "/api/v1/orders";
  // Without a preflight handler: the 405 listing the methods, as before.
  auto refused = r.Dispatch(unknown);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, core::ErrorCode::kMethodNotAllowed);
  r.SetPreflight([](Request& req) -> core::Result<Response> {
    std::string methods;
    for (auto m : req.allowed_methods) methods += std::string(MethodName(m)) + " ";
    return Response::Text(methods, "text/plain", 204);
  });
  Request options;
  options.method = Method::kOptions;
  options.path = "/api/v1/orders";
  auto answered = r.Dispatch(options);
  ASSERT_TRUE(answered);
  EXPECT_EQ(answered->status, 204);
  EXPECT_NE(answered->body.find("POST"), std::string::npos);
  EXPECT_NE(answered->body.find("GET"), std::string::npos);
  // An unknown path is still a 404.
  Request nowhere;
  nowhere.method = Method::kOptions;
  nowhere.path = "/nowhere";
  EXPECT_EQ(r.Dispatch(nowhere).error().code, core::ErrorCode::kNotFound);
}

}  // namespace vetahut::http
