#include "services/location/domain/geo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <numbers>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include <boost/geometry.hpp>
#include <boost/geometry/index/rtree.hpp>

namespace vetahut::location {

namespace bg = boost::geometry;
namespace bgi = boost::geometry::index;

namespace {

constexpr double kRadiansPerDegree = std::numbers::pi / 180.0;

}  // namespace

double GreatCircleMeters(LatLon a, LatLon b) {
  const double lat1 = a.latitude * kRadiansPerDegree;
  const double lat2 = b.latitude * kRadiansPerDegree;
  const double sin_dlat = std::sin((lat2 - lat1) / 2);
  const double sin_dlon = std::sin((b.longitude - a.longitude) * kRadiansPerDegree / 2);
  const double h = sin_dlat * sin_dlat + std::cos(lat1) * std::cos(lat2) * sin_dlon * sin_dlon;
  // atan2 rather than asin: stays accurate near antipodes, where h rounds to slightly above 1.
  return 2 * kEarthRadiusMeters * std::atan2(std::sqrt(h), std::sqrt(std::max(0.0, 1 - h)));
}

bool IsValidPosition(LatLon p) {
  return std::isfinite(p.latitude) && std::isfinite(p.longitude) && p.latitude >= -90 &&
         p.latitude <= 90 && p.longitude >= -180 && p.longitude <= 180;
}

struct StoreIndex::Impl {
  using Point = bg::model::point<double, 3, bg::cs::cartesian>;
  using Slot = std::uint32_t;
  using Entry = std::pair<Point, Slot>;

  struct Store {
    std::string id;
    Point point;
    LatLon position;
  };

  static Point UnitVector(LatLon p) {
    const double lat = p.latitude * kRadiansPerDegree;
    const double lon = p.longitude * kRadiansPerDegree;
    return Point(std::cos(lat) * std::cos(lon), std::cos(lat) * std::sin(lon), std::sin(lat));
  }

  // The tree holds (point, slot); ids live once in `stores` so tree nodes stay small and
  // copyable. Freed slots are reused so `stores` does not grow with churn.
  bgi::rtree<Entry, bgi::rstar<16>> tree;
  std::vector<Store> stores;
  std::vector<Slot> free_slots;
  std::unordered_map<std::string, Slot> slot_of;
};

StoreIndex::StoreIndex() : impl_(std::make_unique<Impl>()) {}
StoreIndex::~StoreIndex() = default;
StoreIndex::StoreIndex(StoreIndex&& other) noexcept : impl_(std::move(other.impl_)) {}
StoreIndex& StoreIndex::operator=(StoreIndex&& other) noexcept {
  impl_ = std::move(other.impl_);
  return *this;
}

void StoreIndex::Upsert(const std::string& store_id, LatLon position) {
  if (!IsValidPosition(position)) {
    throw std::invalid_argument(
        fmt::format("store {}: position ({}, {}) is not a valid latitude/longitude", store_id,
                    position.latitude, position.longitude));
  }
  if (!impl_) impl_ = std::make_unique<Impl>();
  Impl& s = *impl_;
  const Impl::Point point = Impl::UnitVector(position);
  if (auto it = s.slot_of.find(store_id); it != s.slot_of.end()) {
    Impl::Store& store = s.stores[it->second];
    s.tree.remove(Impl::Entry(store.point, it->second));
    store.point = point;
    store.position = position;
    s.tree.insert(Impl::Entry(point, it->second));
    return;
  }
  Impl::Slot slot;
  if (!s.free_slots.empty()) {
    slot = s.free_slots.back();
    s.free_slots.pop_back();
    s.stores[slot] = {store_id, point, position};
  } else {
    slot = static_cast<Impl::Slot>(s.stores.size());
    s.stores.push_back({store_id, point, position});
  }
  s.slot_of.emplace(store_id, slot);
  s.tree.insert(Impl::Entry(point, slot));
}

void StoreIndex::Remove(const std::string& store_id) {
  if (!impl_) return;
  Impl& s = *impl_;
  auto it = s.slot_of.find(store_id);
  if (it == s.slot_of.end()) return;
  const Impl::Slot slot = it->second;
  s.tree.remove(Impl::Entry(s.stores[slot].point, slot));
  s.stores[slot].id.clear();
  s.free_slots.push_back(slot);
  s.slot_of.erase(it);
}

std::size_t StoreIndex::size() const { return impl_ ? impl_->tree.size() : 0; }

std::vector<StoreIndex::Hit> StoreIndex::Nearest(
    LatLon from, std::size_t k,
    const std::function<bool(const std::string& store_id)>& filter) const {
  std::vector<Hit> hits;
  if (!impl_ || k == 0 || impl_->tree.empty() || !IsValidPosition(from)) return hits;
  const Impl& s = *impl_;
  const Impl::Point point = Impl::UnitVector(from);
  auto add = [&](const Impl::Entry& entry) {
    const Impl::Store& store = s.stores[entry.second];
    hits.push_back({store.id, GreatCircleMeters(from, store.position)});
  };
  if (!filter) {
    hits.reserve(std::min(k, s.tree.size()));
    std::array<Impl::Entry, 32> small;
    if (k <= small.size()) {
      // The common case (k of 3..10) without a heap allocation for the tree's results.
      const std::size_t found =
          s.tree.query(bgi::nearest(point, static_cast<unsigned>(k)), small.begin());
      std::for_each(small.begin(), small.begin() + static_cast<std::ptrdiff_t>(found), add);
    } else {
      std::vector<Impl::Entry> entries;
      s.tree.query(bgi::nearest(point, static_cast<unsigned>(k)), std::back_inserter(entries));
      std::for_each(entries.begin(), entries.end(), add);
    }
  } else {
    // The incremental iterator yields nearest first, so rejected stores are simply skipped and
    // we stop as soon as k are accepted.
    const auto end = s.tree.qend();
    for (auto it = s.tree.qbegin(bgi::nearest(point, static_cast<unsigned>(s.tree.size())));
         it != end && hits.size() < k; ++it) {
      if (filter(s.stores[it->second].id)) add(*it);
    }
  }
  // The tree's batch query returns its k in no particular order.
  std::sort(hits.begin(), hits.end(), [](const Hit& a, const Hit& b) {
    return a.distance_m != b.distance_m ? a.distance_m < b.distance_m : a.store_id < b.store_id;
  });
  return hits;
}

}  // namespace vetahut::location
