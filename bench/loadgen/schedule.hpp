#pragma once
/// The session arrival schedule of an open-loop run: a rate that changes over time (phases, each a
/// straight line from one rate to another) turned into the instants sessions start. Pure: no
/// clock, no I/O; the same phases and seed give the same instants.
#include <cstdint>
#include <vector>

namespace vetahut::loadgen {

/// One stretch of the run: the arrival rate goes linearly from `from_rate` to `to_rate`
/// (sessions per second) over `seconds`.
struct RatePhase {
  double seconds = 0;
  double from_rate = 0;
  double to_rate = 0;
};

/// How arrivals are spaced: evenly (the k-th arrival where the expected count reaches k + ½), or
/// as a Poisson process with that time-varying rate (independent visitors, bursts included).
enum class ArrivalProcess { kUniform, kPoisson };

/// The length of the run: the phases' seconds summed.
double TotalSeconds(const std::vector<RatePhase>& phases);

/// The scheduled rate at `t` seconds from the start (0 outside the phases).
double RateAt(const std::vector<RatePhase>& phases, double t);

/// The expected number of arrivals in [0, t): the integral of the rate.
double ExpectedArrivals(const std::vector<RatePhase>& phases, double t);

/// The instants (seconds from the start, ascending, all < TotalSeconds) at which sessions start.
std::vector<double> ArrivalTimes(const std::vector<RatePhase>& phases, ArrivalProcess process,
                                 std::uint64_t seed);

/// Multiplies every phase's length (`time`) and rate (`rate`): a scenario run shorter or lighter.
std::vector<RatePhase> Scaled(std::vector<RatePhase> phases, double time, double rate);

}  // namespace vetahut::loadgen
