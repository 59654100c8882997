#pragma once
/// The location service over HTTP, for processes that do not run it (`[clients] location`): the
/// store directory through the public store routes, with a short cache.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "lib/core/clock.hpp"
#include "services/location/client.hpp"

namespace vetahut::http {
class HttpClient;
}

namespace vetahut::location {

/// `GET {base}/api/v1/stores/{id}` and the paged `GET {base}/api/v1/stores`. A store read is cached
/// for `ttl` (a renamed store or a changed time zone shows after at most that long); a store that
/// does not exist is never cached. The location service unreachable → kUnavailable.
class HttpStoreDirectory final : public StoreDirectoryClient {
 public:
  HttpStoreDirectory(std::string base_url, const core::Clock& clock, std::chrono::seconds ttl = std::chrono::seconds(30));
  ~HttpStoreDirectory() override;
  core::Result<StoreSummary> GetStore(const std::string& store_id) override;
  core::Result<std::vector<StoreSummary>> ListStores() override;

 private:
  std::string base_url_;
  const core::Clock& clock_;
  std::chrono::seconds ttl_;
  std::unique_ptr<http::HttpClient> http_;
  std::mutex mutex_;
  std::map<std::string, std::pair<core::TimePoint, StoreSummary>> cache_;
};

/// Reads a store as the public API shows it (GET /api/v1/stores/{id}); kBadRequest naming the field.
core::Result<StoreSummary> StoreSummaryFromJson(std::string_view json);

}  // namespace vetahut::location
