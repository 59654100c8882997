#include "services/payment/providers/webhook_json.hpp"

#include <boost/json.hpp>

#include "services/payment/provider.hpp"

namespace vetahut::payment {

core::Result<boost::json::object> VerifiedWebhookObject(std::string_view secret, std::string_view signature_header,
                                                        std::string_view body, core::TimePoint now,
                                                        std::chrono::seconds tolerance) {
  if (auto ok = VerifyWebhookSignature(secret, signature_header, body, now, tolerance); !ok) return core::Fail(ok.error());
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(body, ec);
  if (ec || !parsed.is_object()) return core::Fail(core::Error::BadRequest("the webhook body is not a JSON object"));
  return std::move(parsed.as_object());
}

}  // namespace vetahut::payment
