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

#include "sutro/dmd/belady.hpp"
#include "sutro/dmd/context.hpp"
#include "sutro/dmd/cost.hpp"
#include "sutro/dmd/lru_stack.hpp"
#include "sutro/dmd/variant.hpp"

namespace sutro::dmd::detail {

[[nodiscard]] inline bytedmd_result price_load_walk(const context& ctx, std::uint64_t bytes_per_element,
                                                    bool keep_events, bytedmd_variant variant) {
  if (!load_walk_variant(variant))
    throw std::invalid_argument("sutro::dmd::price: variant " + std::string(to_string(variant)) +
                                " is not priced on the load walk");
  const bool live = variant == bytedmd_variant::live, belady = variant == bytedmd_variant::belady;
  const std::size_t T = ctx.logged();
  const auto& in = ctx.inputs();
  const auto& results = ctx.results();
  const std::uint32_t V = ctx.values();
  constexpr std::uint32_t never = no_value;
  const std::uint64_t max_depth = max_byte_depth / bytes_per_element;

  std::vector<std::uint32_t> arg_position(V, 0);  // 1-based while the argument's first load is pending
  std::vector<std::uint32_t> label(keep_events ? V : 0, never);
  std::uint32_t labels = 0;
  for (std::uint32_t v : ctx.preload()) {
    if (v >= V || arg_position[v] != 0)
      throw std::invalid_argument("sutro::dmd::price: preloaded value v" + std::to_string(v) + " twice or unknown");
    arg_position[v] = ++labels;
    if (keep_events) label[v] = labels - 1;
  }

  // Loads are numbered in walk order: the log's reads, then the epilogue's.
  std::vector<std::uint64_t> last_load(live ? V : 0, std::uint64_t{never});
  std::uint64_t events = 0;
  if (live) {
    std::uint64_t load = 0;
    for (std::size_t t = 0; t < T; ++t) {
      const instruction& I = ctx.logged(t);
      for (std::uint32_t k = 0; k < I.count; ++k) last_load[in[I.first + k]] = load++;
    }
    for (std::uint32_t v : results) last_load[v] = load++;
  }
  if (belady) {
    for (std::size_t t = 0; t < T; ++t) {
      const instruction& I = ctx.logged(t);
      events += I.count + 1 + (I.output != no_value ? I.outputs : 0);
    }
    events += results.size();
    if (events >= never) throw std::length_error("sutro::dmd::price: more than 2^32 - 1 events in the load walk");
  }

  bytedmd_result r;
  r.bytes_per_element = bytes_per_element;
  r.inputs = static_cast<std::uint32_t>(ctx.preload().size());
  r.results = static_cast<std::uint32_t>(results.size());
  std::vector<std::uint32_t> pos(belady ? 0 : V, never);
  lru_positions stack(pos);
  std::vector<std::uint32_t> last_event(belady ? V : 0, never);  // belady: time of the value's latest event
  belady_ranks ranks(belady ? events : 0);
  std::uint64_t load = 0;

  auto charge = [&](std::uint32_t v, std::uint64_t depth) {
    if (depth > max_depth)
      throw std::overflow_error("sutro::dmd::price: depth " + std::to_string(depth) + " x bytes_per_element " +
                                std::to_string(bytes_per_element) + " exceeds 2^40 (the cost would overflow)");
    const std::uint64_t c = read_cost_unchecked(depth, bytes_per_element);
    if (__builtin_add_overflow(r.cost, c, &r.cost))
      throw std::overflow_error("sutro::dmd::price: the total cost overflows 64 bits");
    if (keep_events) r.events.back().reads.push_back({label[v], depth, c});
  };
  auto escape = [](std::uint32_t v) {
    return std::logic_error("sutro::dmd::price: value v" + std::to_string(v) +
                            " read but never defined or preloaded (an escape from the tracer)");
  };
  auto track = [&] {
    if (stack.live() > r.max_live) r.max_live = static_cast<std::uint32_t>(stack.live());
  };
  auto do_load = [&](std::uint32_t v) {
    if (v >= V) throw escape(v);
    const bool last = live && last_load[v] == load;
    ++load;
    if (belady) {
      std::uint64_t rank;
      if (arg_position[v] != 0) {
        rank = arg_position[v];
        arg_position[v] = 0;
      } else {
        if (last_event[v] == never) throw escape(v);
        rank = ranks.rank_since(last_event[v]);
        ranks.close(last_event[v]);
      }
      charge(v, rank);
      if (rank > r.max_live) r.max_live = static_cast<std::uint32_t>(std::min<std::uint64_t>(rank, never - 1));
      last_event[v] = ranks.now();
      ranks.advance();
      return;
    }
    if (arg_position[v] != 0) {
      charge(v, arg_position[v]);
      arg_position[v] = 0;
    } else {
      if (pos[v] == never) throw escape(v);
      charge(v, stack.depth(v));
      stack.drop(v);
    }
    if (!last) stack.push(v);
    track();
  };
  auto do_store = [&](std::uint32_t v) {
    if (keep_events) label[v] = labels++;
    if (belady) {
      last_event[v] = ranks.now();
      ranks.advance();
      return;
    }
    if (!live || last_load[v] != never) stack.push(v);
    track();
  };

  if (keep_events) r.events.reserve(T + 1);
  for (std::size_t t = 0; t < T; ++t) {
    const instruction& I = ctx.logged(t);
    if (keep_events) r.events.push_back({I.op, {}, no_value, I.outputs});
    for (std::uint32_t k = 0; k < I.count; ++k) do_load(in[I.first + k]);
    if (belady) ranks.advance();  // the op's own time step
    if (I.output == no_value) continue;
    for (std::uint32_t k = 0; k < I.outputs; ++k) do_store(I.output + k);
    if (keep_events) r.events.back().output = label[I.output];
  }
  if (keep_events) r.events.push_back({"output", {}, no_value, 0});
  for (std::uint32_t v : results) do_load(v);
  return r;
}

}  // namespace sutro::dmd::detail
