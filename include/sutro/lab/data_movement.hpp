#pragma once
// What the lab reports about a method's traced run, and how it prices a trace.
//
//   sutro::memory::trace t = sutro::lab::lab_trace(sutro::memory::granularity::word);
//   ... run library code on traced containers (gf2::recorded_matrix, nn::recorded_mlp) ...
//   sutro::lab::recorded_report r = sutro::lab::measure(t, "which trace, in words", /*element bytes*/ 8);
//   r.metrics["dmd"]; r.metrics["bytedmd_trace"]; r.metrics["energy_j"];
//
// Metrics (keys of recorded_report::metrics), all of ONE memory trace:
//   accesses, reads, writes, cold, distinct  counts (writes are accesses too)
//   mean_reuse_distance  mean LRU stack distance, inclusive, cold accesses excluded
//   mean_reuse_time      mean accesses between reuses (the group's old "ARD")
//   dmd                  sum of sqrt(reuse distance), cold excluded (ICS'22)
//   energy_j             LRU estimate on the pebble-game hierarchy (cold from the last tier)
//   bytedmd_trace        "ByteDMD-tr": ByteDMD's stack rules applied to the memory
//                        trace (trace_bytedmd below). NOT the ByteDMD of a function
//                        written against metrics::dmd::tracked<T>: a different trace.
//   phase.<name>.reads, .writes, .accesses, .dmd
//                        the same counts split by the run's phases (memory::trace::
//                        enter_phase; an MLP's training: forward, backward, update,
//                        evaluation), when the run marked any

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "sutro/memory/trace.hpp"
#include "sutro/metrics/dmd/bytedmd.hpp"
#include "sutro/metrics/dmd/context.hpp"
#include "sutro/metrics/summary.hpp"

namespace sutro::lab {

struct recorded_report {
  std::string trace;                      ///< which trace, in words (the table's footer)
  std::map<std::string, double> metrics;  ///< keys above
};

/// Bytes a traced run holds for each access it records while it keeps the
/// events for ByteDMD-tr: the 24-byte event, then ByteDMD-tr's instruction
/// and pricing state built from the event list while that list is still
/// held. 68 to 85 measured at the peak (x86-64, g++ 12, exhaustive's trace
/// at (40, 5) to (100, 3)): an estimate from it stays below the real peak.
inline constexpr std::uint64_t trace_bytes_per_access = 64;

/// What a method's traced run will hold, estimated from the task before it
/// runs (method::trace_size), for the runs whose trace grows with the search
/// rather than with the data.
struct trace_estimate {
  std::uint64_t accesses = 0;  ///< recorded accesses, each kept as an event
  std::uint64_t bytes = 0;     ///< accesses * trace_bytes_per_access
  std::string source;          ///< where the accesses come from, in words
};

namespace detail {
/// A byte count as people read it in a message: "15.9 GB", "434 MB".
[[nodiscard]] inline std::string bytes_text(double bytes) {
  char buf[40];
  if (bytes >= 1e9)
    std::snprintf(buf, sizeof buf, "%.3g GB", bytes / 1e9);
  else
    std::snprintf(buf, sizeof buf, "%.3g MB", bytes / 1e6);
  return buf;
}
}  // namespace detail

/// A trace as the lab wants it: the given granularity, cold accesses
/// separate, writes counted, events kept for ByteDMD-tr unless told not to
/// (24 bytes an access on 64-bit targets: a whole training's trace would not fit; its
/// ByteDMD-tr is then not measured, and reported as such). With max_bytes,
/// recording past max_bytes / trace_bytes_per_access kept events throws
/// memory::trace_limit_error: the whole peak stays near max_bytes, whatever
/// the program, where an estimate made before the run can miss.
[[nodiscard]] inline memory::trace lab_trace(memory::granularity unit, bool keep_events = true,
                                             std::uint64_t max_bytes = 0) {
  const std::uint64_t max_events = max_bytes == 0 ? 0 : std::max<std::uint64_t>(1, max_bytes / trace_bytes_per_access);
  return memory::trace({.unit = unit,
                        .cold = metrics::cold_policy::separate,
                        .count_writes = true,
                        .keep_events = keep_events,
                        .max_events = max_events});
}

namespace detail {
/// The message of a traced run stopped at its event limit (lab_trace's max_bytes).
[[nodiscard]] inline std::string trace_limit_message(std::string_view who, std::string_view method, std::size_t n,
                                                     std::size_t k, std::size_t train, std::uint64_t max_bytes) {
  return std::string(who) + ": " + std::string(method) + "'s traced run on (n, k) = (" + std::to_string(n) + ", " +
         std::to_string(k) + ") with " + std::to_string(train) +
         " train rows reached max_trace_bytes = " + bytes_text(double(max_bytes)) + " (" +
         std::to_string(max_bytes / trace_bytes_per_access) + " accesses kept as events for ByteDMD-tr, " +
         std::to_string(trace_bytes_per_access) + " bytes each): choose a smaller n or k or fewer rows, leave " +
         std::string(method) + " out, or raise max_trace_bytes";
}
}  // namespace detail

/// ByteDMD's stack rules on a recorded memory trace: every recorded access is
/// one instruction; a read reads the value its address holds (a read of an
/// address never written is a preloaded input: inputs are preloaded in order
/// of first read, the first one read on top); a write defines a new value for
/// its address (pushed free; the old value dies after its last read, as the
/// liveness rule says). Priced by metrics::dmd::price with `bytes_per_element` bytes per
/// value. Keys: the trace's granularity (element: the start address; byte,
/// word, line: every unit the access overlaps). Needs trace_options::keep_events.
[[nodiscard]] inline metrics::dmd::bytedmd_result trace_bytedmd(const memory::trace& t,
                                                                std::uint64_t bytes_per_element) {
  if (!t.options().keep_events)
    throw std::invalid_argument("sutro::lab::trace_bytedmd: the trace kept no events (trace_options::keep_events)");
  const auto unit = static_cast<std::uint64_t>(t.options().unit);
  metrics::dmd::context ctx;
  std::unordered_map<std::uintptr_t, std::uint32_t> holds;  // key -> current value
  std::vector<std::uint32_t> inputs;                        // in order of first read
  auto access = [&](std::uintptr_t key, memory::access_kind kind) {
    if (kind == memory::access_kind::write) {
      holds[key] = ctx.record("write", nullptr, 0, true);
      return;
    }
    auto [it, fresh] = holds.try_emplace(key, 0);
    if (fresh) {
      it->second = ctx.new_value();
      inputs.push_back(it->second);
    }
    ctx.record("read", &it->second, 1, false);
  };
  for (const auto& e : t.events()) {
    if (unit == 0) {
      access(e.address, e.kind);
    } else if (e.bytes != 0) {
      for (std::uintptr_t k = e.address / unit; k <= (e.address + e.bytes - 1) / unit; ++k) access(k, e.kind);
    }
  }
  std::reverse(inputs.begin(), inputs.end());  // bottom of the stack first: the first read ends on top
  ctx.set_preload(std::move(inputs));
  return metrics::dmd::price(ctx, bytes_per_element, false);
}

/// The lab's numbers for one trace. element_bytes: the size of one key's
/// value (8 for GF(2) words, 4 for floats at element granularity).
[[nodiscard]] inline recorded_report measure(const memory::trace& t, std::string which, std::uint64_t element_bytes) {
  const auto s = metrics::summarize(t, which, metrics::hierarchy::pebble_game(), element_bytes);
  recorded_report r;
  r.trace = std::move(which);
  r.metrics = {{"accesses", double(s.accesses)},       {"reads", double(s.reads)},
               {"writes", double(s.writes)},           {"cold", double(s.cold)},
               {"distinct", double(s.distinct)},       {"mean_reuse_distance", s.mean_reuse_distance},
               {"mean_reuse_time", s.mean_reuse_time}, {"dmd", s.dmd},
               {"energy_j", s.energy.total_joules}};
  for (const auto& ph : t.phases()) {
    const std::string key = "phase." + ph.name + ".";
    r.metrics[key + "reads"] = double(ph.reads);
    r.metrics[key + "writes"] = double(ph.writes);
    r.metrics[key + "accesses"] = double(ph.accesses);
    r.metrics[key + "dmd"] = ph.dmd;
  }
  if (t.options().keep_events) r.metrics["bytedmd_trace"] = double(trace_bytedmd(t, element_bytes).cost);
  return r;
}

}  // namespace sutro::lab
