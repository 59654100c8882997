#pragma once
/// Deliveries, drivers and shifts: their SQL and plain records.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/db/database.hpp"

namespace vetahut::kitchen {

struct Delivery {
  std::string id;
  std::string store_id;
  std::string order_id;
  std::string ticket_id;
  std::int64_t number = 0;
  std::string status;  ///< waiting | out_for_delivery | delivered | cancelled
  double latitude = 0;
  double longitude = 0;
  std::string address;  ///< JSON
  std::string customer_name;
  std::optional<std::string> driver_id;
  std::string driver_name;
  std::optional<std::string> run_id;
  std::string ready_at;
  std::string promised_at;
  std::optional<std::string> dispatched_at;
  std::optional<std::string> delivered_at;
  std::optional<std::string> eta;
  std::string created_at;
  std::string updated_at;
};

struct Driver {
  std::string driver_id;
  std::string store_id;
  std::string name;
  bool on_shift = false;
  std::optional<std::string> shift_started_at;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::optional<std::string> location_at;
  std::string updated_at;
  bool on_run = false;  ///< has a delivery out (not stored: from the deliveries)
};

/// A run dispatch suggests: deliveries to send together, and who should take them.
struct SuggestedRun {
  std::vector<std::string> delivery_ids;
  std::optional<std::string> driver_id;
  std::string driver_name;
  double driver_distance_m = -1;  ///< from the store; -1 when unknown
  double bearing_degrees = 0;     ///< direction of the first drop from the store
};

class DeliveryRepository {
 public:
  std::optional<Delivery> Find(db::Session& s, const std::string& delivery_id) const;
  std::optional<Delivery> FindByOrder(db::Session& s, const std::string& order_id) const;
  /// A store's deliveries: with `status`, those; otherwise the open ones (waiting, out) and the
  /// last 50 finished, oldest first.
  std::vector<Delivery> ForStore(db::Session& s, const std::string& store_id, const std::optional<std::string>& status) const;
  std::vector<Delivery> OutWith(db::Session& s, const std::string& driver_id) const;
  void Insert(db::Session& tx, const Delivery& d) const;
  /// Writes status, driver, run, times and ETA if the delivery is still in `status_as_read`.
  bool Update(db::Session& tx, const Delivery& d, const std::string& status_as_read) const;

  std::optional<Driver> FindDriver(db::Session& s, const std::string& driver_id) const;
  std::vector<Driver> DriversOf(db::Session& s, const std::string& store_id) const;
  void UpsertDriver(db::Session& tx, const Driver& d) const;
  void OpenShift(db::Session& tx, const std::string& id, const std::string& driver_id, const std::string& store_id,
                 const std::string& at) const;
  void CloseShift(db::Session& tx, const std::string& driver_id, const std::string& at) const;
};

}  // namespace vetahut::kitchen
