#pragma once
// Internal to src/lib/http: filling a `Request` from Beast's parsed message, shared by the
// server's sessions and ParseRequest (request_head.hpp), so the fuzzer runs the server's code.
#include <string>
#include <string_view>

#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "lib/http/message.hpp"

namespace vetahut::http::detail {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;
using BeastRequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// Fills `r` from a message whose head is parsed, moving the body out; resets what belongs to a
// previous request on the connection (params, route, caller) and assigns the ids. A method the
// platform does not route is kept in `unknown_method` ("" otherwise) and `r.method` is GET.
// Returns false when the target is not one (SetTarget): the server answers 400.
bool FillRequest(BeastRequest& msg, Request& r, std::string& unknown_method);

// For an error answered before the request was read completely (400, 408, 413, 431): fills `r`
// with what there is — the parser's message when it got the request line (`parser` may be null),
// else the request line at the start of `raw` (the unparsed bytes, cut at the header limit: a
// line longer than the limit is not read), else "/" — so that `path` (the problem's `instance`)
// is never empty. The body is never kept.
void FillErrorRequest(BeastRequestParser* parser, std::string_view raw, Request& r,
                      std::string& unknown_method);

}  // namespace vetahut::http::detail
