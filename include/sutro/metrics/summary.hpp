#pragma once
// metrics::summarize: the data-movement numbers a harness reports for one
// traced run, each named for what it is.
//
//   sutro::memory::trace t({.unit = sutro::memory::granularity::word});
//   ... run the kernel over traced views ...
//   auto m = sutro::metrics::summarize(t, "sutro kernels, 8-byte words");
//   m.dmd; m.mean_reuse_distance; m.mean_reuse_time; m.energy.total_joules;
//
// ByteDMD is a different metric on a different trace (a function written
// against dmd::tracked<T>); report it next to these, never mixed in.

#include <concepts>
#include <cstdint>
#include <string>
#include <vector>

#include "sutro/metrics/energy_estimate.hpp"
#include "sutro/metrics/reuse_distance.hpp"

namespace sutro::metrics {

struct movement_summary {
  std::string trace;             ///< which trace this is (caller's words)
  std::uint64_t unit_bytes = 0;  ///< bytes per key (granularity, or element size)
  std::uint64_t accesses = 0, reads = 0, writes = 0, cold = 0, distinct = 0;
  double dmd = 0;                  ///< sum of sqrt(reuse distance), cold accesses excluded
  double mean_reuse_distance = 0;  ///< mean distinct-address distance (inclusive)
  double mean_reuse_time = 0;      ///< mean accesses between reuses: the group's old "ARD"
  std::vector<std::uint64_t> histogram;
  estimate energy;  ///< LRU estimate on the given hierarchy
};

[[nodiscard]] inline movement_summary summarize(const metrics::reuse_distance& rd, std::uint64_t unit_bytes,
                                                const hierarchy& h = hierarchy::pebble_game(), std::string what = {}) {
  movement_summary m;
  m.trace = std::move(what);
  m.unit_bytes = unit_bytes;
  m.accesses = rd.accesses();
  m.cold = rd.cold_accesses();
  m.distinct = rd.distinct();
  m.dmd = rd.dmd();
  m.mean_reuse_distance = rd.mean_reuse_distance();
  m.mean_reuse_time = rd.mean_reuse_time();
  m.histogram = rd.histogram();
  m.energy = h.with_unit(unit_bytes).apply(rd);
  return m;
}

/// What summarize() reads of a recorded run: its distances, its read and
/// write counts and its granularity (memory::trace, from the layer above).
template <class T>
concept summarizable_trace = requires(const T& t) {
  { t.distances() } -> std::convertible_to<const reuse_distance&>;
  { t.reads() } -> std::convertible_to<std::uint64_t>;
  { t.writes() } -> std::convertible_to<std::uint64_t>;
  static_cast<std::uint64_t>(t.options().unit);
};

/// element_bytes is the unit at element granularity (4 for float).
template <summarizable_trace Trace>
[[nodiscard]] movement_summary summarize(const Trace& t, std::string what = {},
                                         const hierarchy& h = hierarchy::pebble_game(),
                                         std::uint64_t element_bytes = 4) {
  const auto g = static_cast<std::uint64_t>(t.options().unit);
  movement_summary m = summarize(t.distances(), g ? g : element_bytes, h, std::move(what));
  m.reads = t.reads();
  m.writes = t.writes();
  return m;
}

}  // namespace sutro::metrics
