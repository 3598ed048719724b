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
#include <map>
#include <stdexcept>
#include <string>
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

/// A trace as the lab wants it: the given granularity, cold accesses
/// separate, writes counted, events kept for ByteDMD-tr unless told not to
/// (16 bytes an access: a whole training's trace would not fit; its
/// ByteDMD-tr is then not measured, and reported as such).
[[nodiscard]] inline memory::trace lab_trace(memory::granularity unit, bool keep_events = true) {
  return memory::trace(
      {.unit = unit, .cold = metrics::cold_policy::separate, .count_writes = true, .keep_events = keep_events});
}

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
