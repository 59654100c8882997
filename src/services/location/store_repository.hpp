#pragma once
/// SQL for stores: rows of `location_stores` to and from `Store`.
#include <optional>
#include <string>
#include <vector>

#include "lib/db/database.hpp"
#include "services/location/domain/store_profile.hpp"

namespace vetahut::location {

class StoreRepository {
 public:
  void Insert(db::Session& tx, const Store& store) const;
  std::optional<Store> Find(db::Session& session, const std::string& id) const;
  std::optional<Store> Find(db::Database& database, const std::string& id) const;
  /// Stores ordered by id, starting after `after_id` (a cursor), at most `limit`.
  std::vector<Store> List(db::Database& database, const std::string& after_id, int limit) const;
  std::int64_t Count(db::Database& database) const;
};

}  // namespace vetahut::location
