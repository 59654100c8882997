#pragma once
/// The first half of every provider's VerifyWebhook: the signature and replay window checked, the
/// body parsed as a JSON object (a different shape is a 400).
#include <chrono>
#include <string_view>

#include <boost/json/object.hpp>

#include "lib/core/clock.hpp"
#include "lib/core/result.hpp"

namespace vetahut::payment {

core::Result<boost::json::object> VerifiedWebhookObject(std::string_view secret, std::string_view signature_header,
                                                        std::string_view body, core::TimePoint now,
                                                        std::chrono::seconds tolerance);

}  // namespace vetahut::payment
