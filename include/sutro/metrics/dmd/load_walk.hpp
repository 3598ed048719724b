#pragma once
// The dev branch's bytedmd_ir.py family (classic, live, belady), priced on
// its walk of loads and stores: each instruction of the log becomes a load
// of every input in read order, an op, and a store of every output; an
// epilogue loads each returned value once, in the result's order. Arguments
// sit on an argument stack (the first argument's elements at positions 1,
// 2, ...), and an argument's first load costs its position there.
// See dmd/variant.hpp for the three rules and docs/metrics.md for when to
// use which. O(log) per load.

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sutro/metrics/dmd/belady.hpp"
#include "sutro/metrics/dmd/context.hpp"
#include "sutro/metrics/dmd/cost.hpp"
#include "sutro/metrics/dmd/variant.hpp"
#include "sutro/metrics/lru_stack.hpp"

namespace sutro::metrics::dmd::detail {

/// belady_capacity: the fewest positions belady keeps before it compacts (tests make it small).
[[nodiscard]] inline bytedmd_result price_load_walk(const context& ctx, std::uint64_t bytes_per_element,
                                                    bool keep_events, bytedmd_variant variant,
                                                    std::size_t belady_capacity = std::size_t{1} << 16) {
  if (!load_walk_variant(variant))
    throw std::invalid_argument("sutro::metrics::dmd::price: variant " + std::string(to_string(variant)) +
                                " is not priced on the load walk");
  const bool live = variant == bytedmd_variant::live, belady = variant == bytedmd_variant::belady;
  const std::size_t T = ctx.logged();
  const auto& in = ctx.inputs();
  const auto& results = ctx.results();
  const std::uint32_t V = ctx.values();
  constexpr std::uint32_t never = no_value;
  const std::uint64_t max_depth = max_byte_depth / bytes_per_element;

  // Every per-value field in one record: a load touches one cache line.
  struct value_state {
    std::uint64_t last_load = std::uint64_t{never};  // live, belady: walk index of the value's last load
    std::uint32_t arg_position = 0;                  // 1-based while an argument's first load is pending
    std::uint32_t last_event = never;                // belady: position of the value's latest event
    std::uint32_t waiting_at = never;                // belady: index in `waiting`
    std::uint32_t label = never;
  };
  std::vector<value_state> val(V);
  std::uint32_t labels = 0;
  for (std::uint32_t v : ctx.preload()) {
    if (v >= V || val[v].arg_position != 0)
      throw std::invalid_argument("sutro::metrics::dmd::price: preloaded value v" + std::to_string(v) +
                                  " twice or unknown");
    val[v].arg_position = ++labels;
    val[v].label = labels - 1;
  }

  // Loads are numbered in walk order: the log's reads, then the epilogue's.
  std::uint64_t events = 0;
  {
    std::uint64_t load = 0;
    for (std::size_t t = 0; t < T; ++t) {
      const instruction& I = ctx.logged(t);
      for (std::uint32_t k = 0; k < I.count; ++k) val[in[I.first + k]].last_load = load++;
      events += I.count + (I.output != no_value ? I.outputs : 1);
    }
    for (std::uint32_t v : results) {
      if (v >= V)
        throw std::invalid_argument("sutro::metrics::dmd::price: result v" + std::to_string(v) + " is not a value");
      val[v].last_load = load++;
    }
    events += results.size();
  }

  bytedmd_result r;
  r.bytes_per_element = bytes_per_element;
  r.inputs = static_cast<std::uint32_t>(ctx.preload().size());
  r.results = static_cast<std::uint32_t>(results.size());
  std::vector<std::uint32_t> pos(belady ? 0 : V, never);
  metrics::id_lru_stack stack(pos);
  belady_ranks ranks(belady ? events : 0, belady_capacity);
  std::uint64_t load = 0;
  // belady: the values that will be loaded again (their last_event must survive a compaction)
  std::vector<std::uint32_t> waiting;
  std::vector<std::uint32_t*> held;
  auto wait = [&](std::uint32_t v, bool again) {
    if (again && val[v].waiting_at == never) {
      val[v].waiting_at = static_cast<std::uint32_t>(waiting.size());
      waiting.push_back(v);
    } else if (!again && val[v].waiting_at != never) {
      val[waiting.back()].waiting_at = val[v].waiting_at;
      waiting[val[v].waiting_at] = waiting.back();
      waiting.pop_back();
      val[v].waiting_at = never;
    }
  };
  auto step = [&] {  // belady: before an event, room for its position
    if (!ranks.full()) return;
    held.clear();
    for (std::uint32_t v : waiting) held.push_back(&val[v].last_event);
    ranks.compact(held);
  };

  auto charge = [&](std::uint32_t v, std::uint64_t depth) {
    if (depth > max_depth)
      throw std::overflow_error("sutro::metrics::dmd::price: depth " + std::to_string(depth) + " x bytes_per_element " +
                                std::to_string(bytes_per_element) + " exceeds 2^40 (the cost would overflow)");
    const std::uint64_t c = read_cost_unchecked(depth, bytes_per_element);
    if (__builtin_add_overflow(r.cost, c, &r.cost))
      throw std::overflow_error("sutro::metrics::dmd::price: the total cost overflows 64 bits");
    if (keep_events) r.events.back().reads.push_back({val[v].label, depth, c});
  };
  auto escape = [](std::uint32_t v) {
    return std::logic_error("sutro::metrics::dmd::price: value v" + std::to_string(v) +
                            " read but never defined or preloaded (an escape from the tracer)");
  };
  auto track = [&] {
    if (stack.live() > r.max_live) r.max_live = static_cast<std::uint32_t>(stack.live());
  };
  auto do_load = [&](std::uint32_t v) {
    if (v >= V) throw escape(v);
    const bool last = (live || belady) && val[v].last_load == load;
    ++load;
    if (belady) {
      step();
      std::uint64_t rank;
      if (val[v].arg_position != 0) {
        rank = val[v].arg_position;
        val[v].arg_position = 0;
      } else {
        if (val[v].last_event == never) throw escape(v);
        rank = ranks.rank_since(val[v].last_event);
        ranks.close(val[v].last_event);
      }
      charge(v, rank);
      if (rank > r.max_live) r.max_live = static_cast<std::uint32_t>(std::min<std::uint64_t>(rank, never - 1));
      val[v].last_event = ranks.now();
      wait(v, !last);
      ranks.advance();
      return;
    }
    if (val[v].arg_position != 0) {
      charge(v, val[v].arg_position);
      val[v].arg_position = 0;
    } else {
      if (pos[v] == never) throw escape(v);
      charge(v, stack.take(v));
    }
    if (!last) stack.push(v);
    track();
  };
  auto do_store = [&](std::uint32_t v) {
    val[v].label = labels++;
    if (belady) {
      step();
      val[v].last_event = ranks.now();
      wait(v, val[v].last_load != never);
      ranks.advance();
      return;
    }
    if (!live || val[v].last_load != never) stack.push(v);
    track();
  };

  if (keep_events) r.events.reserve(T + 1);
  for (std::size_t t = 0; t < T; ++t) {
    const instruction& I = ctx.logged(t);
    if (keep_events) r.events.push_back({I.op, {}, no_value, I.outputs});
    for (std::uint32_t k = 0; k < I.count; ++k) do_load(in[I.first + k]);
    // The op's own time step. Skipped before a store: no dormancy starts or
    // ends there, and every one that holds it holds the store's step too.
    if (belady && I.output == no_value) step(), ranks.advance();
    if (I.output == no_value) continue;
    for (std::uint32_t k = 0; k < I.outputs; ++k) do_store(I.output + k);
    if (keep_events) r.events.back().output = val[I.output].label;
  }
  if (keep_events) r.events.push_back({"output", {}, no_value, 0});
  for (std::uint32_t v : results) do_load(v);
  return r;
}

}  // namespace sutro::metrics::dmd::detail
