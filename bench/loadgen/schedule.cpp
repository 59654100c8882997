#include "schedule.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace vetahut::loadgen {
namespace {

/// Arrivals expected in the first `t` seconds of one phase.
double PhaseIntegral(const RatePhase& p, double t) {
  const double slope = p.seconds > 0 ? (p.to_rate - p.from_rate) / p.seconds : 0;
  return p.from_rate * t + slope * t * t / 2;
}

/// The time within phase `p` at which `x` arrivals (0 ≤ x ≤ the phase's total) are expected:
/// the root of slope/2·t² + from·t − x = 0 that lies in [0, seconds].
double PhaseInverse(const RatePhase& p, double x) {
  const double a = p.seconds > 0 ? (p.to_rate - p.from_rate) / (2 * p.seconds) : 0;
  const double b = p.from_rate;
  double t;
  if (std::abs(a) < 1e-12) {
    t = b > 0 ? x / b : p.seconds;
  } else {
    const double disc = std::max(0.0, b * b + 4 * a * x);
    // The numerically stable form of (−b + √disc) / 2a.
    t = 2 * x / (b + std::sqrt(disc));
  }
  return std::clamp(t, 0.0, p.seconds);
}

}  // namespace

double TotalSeconds(const std::vector<RatePhase>& phases) {
  double total = 0;
  for (const auto& p : phases) total += p.seconds;
  return total;
}

double RateAt(const std::vector<RatePhase>& phases, double t) {
  if (t < 0) return 0;
  for (const auto& p : phases) {
    if (t < p.seconds) return p.from_rate + (p.to_rate - p.from_rate) * (t / p.seconds);
    t -= p.seconds;
  }
  return 0;
}

double ExpectedArrivals(const std::vector<RatePhase>& phases, double t) {
  double total = 0;
  for (const auto& p : phases) {
    if (t <= 0) break;
    const double in = std::min(t, p.seconds);
    total += PhaseIntegral(p, in);
    t -= p.seconds;
  }
  return total;
}

std::vector<double> ArrivalTimes(const std::vector<RatePhase>& phases, ArrivalProcess process,
                                 std::uint64_t seed) {
  // Arrivals are placed in "expected count" space (where the process has rate 1) and mapped back
  // through the inverse of the integrated rate: exact for a time-varying rate, uniform or Poisson.
  std::vector<double> out;
  std::mt19937_64 rng(seed);
  std::exponential_distribution<double> gap(1.0);
  double x = process == ArrivalProcess::kUniform ? 0.5 : gap(rng);
  double phase_start_time = 0;
  double phase_start_x = 0;
  for (const auto& p : phases) {
    const double phase_x = PhaseIntegral(p, p.seconds);
    while (x < phase_start_x + phase_x) {
      const double t = phase_start_time + PhaseInverse(p, x - phase_start_x);
      if (t >= phase_start_time + p.seconds) break;
      out.push_back(t);
      x += process == ArrivalProcess::kUniform ? 1.0 : gap(rng);
    }
    phase_start_time += p.seconds;
    phase_start_x += phase_x;
  }
  return out;
}

std::vector<RatePhase> Scaled(std::vector<RatePhase> phases, double time, double rate) {
  for (auto& p : phases) {
    p.seconds *= time;
    p.from_rate *= rate;
    p.to_rate *= rate;
  }
  return phases;
}

}  // namespace vetahut::loadgen
