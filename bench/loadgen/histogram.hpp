#pragma once
/// A latency histogram with bounded relative error (log-linear buckets, like HdrHistogram with
/// two significant digits): constant memory, O(1) record, mergeable, exact count and max.
#include <array>
#include <cstdint>

namespace vetahut::loadgen {

class LatencyHistogram final {
 public:
  /// Values are whole microseconds; negative ones count as 0, huge ones (> ~38 h) as the top
  /// bucket.
  void Record(std::int64_t micros);
  void Merge(const LatencyHistogram& other);

  std::uint64_t Count() const { return count_; }
  std::int64_t Max() const { return max_; }
  std::int64_t Min() const { return count_ ? min_ : 0; }
  double Mean() const {
    return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0;
  }

  /// The value at percentile `p` (0 < p ≤ 100): the smallest recorded value v such that at least
  /// p% of the values are ≤ v, to within the bucket width (≤ 1/64 of the value), never above Max.
  /// 0 when empty.
  std::int64_t Percentile(double p) const;

 private:
  static constexpr int kExact = 128;      // 0..127 µs each have their own bucket
  static constexpr int kSubBuckets = 64;  // then 64 per power of two
  static constexpr int kMagnitudes = 31;  // 2^7 .. 2^37 µs
  static constexpr int kBuckets = kExact + kMagnitudes * kSubBuckets;

  static int IndexOf(std::int64_t v);
  static std::int64_t UpperBoundOf(int index);

  std::array<std::uint64_t, kBuckets> buckets_{};
  std::uint64_t count_ = 0;
  std::int64_t max_ = 0;
  std::int64_t min_ = 0;
  std::int64_t sum_ = 0;
};

}  // namespace vetahut::loadgen
