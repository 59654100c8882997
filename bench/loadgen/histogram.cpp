#include "histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace vetahut::loadgen {

int LatencyHistogram::IndexOf(std::int64_t v) {
  if (v < kExact) return static_cast<int>(std::max<std::int64_t>(v, 0));
  const int magnitude = std::bit_width(static_cast<std::uint64_t>(v)) - 1;  // ≥ 7
  if (magnitude - 7 >= kMagnitudes) return kBuckets - 1;
  const int shift = magnitude - 6;
  const int sub = static_cast<int>(v >> shift);  // 64..127
  return kExact + (magnitude - 7) * kSubBuckets + (sub - kSubBuckets);
}

std::int64_t LatencyHistogram::UpperBoundOf(int index) {
  if (index < kExact) return index;
  const int magnitude = (index - kExact) / kSubBuckets + 7;
  const int sub = (index - kExact) % kSubBuckets + kSubBuckets;
  const int shift = magnitude - 6;
  return ((static_cast<std::int64_t>(sub) + 1) << shift) - 1;
}

void LatencyHistogram::Record(std::int64_t micros) {
  micros = std::max<std::int64_t>(micros, 0);
  ++buckets_[IndexOf(micros)];
  if (count_ == 0 || micros < min_) min_ = micros;
  max_ = std::max(max_, micros);
  ++count_;
  sum_ += micros;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (int i = 0; i < kBuckets; ++i) buckets_[i] += other.buckets_[i];
  min_ = count_ ? std::min(min_, other.min_) : other.min_;
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

std::int64_t LatencyHistogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  const auto rank = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_))));
  std::uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[i];
    if (seen >= rank) return i == kBuckets - 1 ? max_ : std::clamp(UpperBoundOf(i), min_, max_);
  }
  return max_;
}

}  // namespace vetahut::loadgen
