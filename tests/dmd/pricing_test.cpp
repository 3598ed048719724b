// dmd::price against a literal transcription of the tool's _pass2 (a Python
// list as the stack) on random instruction logs, long enough to renumber the
// stack's time axis many times.
#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "support/catch.hpp"
#include "sutro/metrics/dmd/bytedmd.hpp"

using sutro::metrics::dmd::context;

namespace {

// The tool's _pass2: events are STORE k and READ_BATCH [k...]; last use of a
// key is its last READ_BATCH (or its STORE); results live to the end; after
// each event every key whose last use has passed is removed.
std::vector<std::uint64_t> pass2(const context& ctx) {
  struct event {
    bool store;
    std::vector<std::uint32_t> keys;
  };
  std::vector<event> ev;
  for (std::uint32_t v : ctx.preload()) ev.push_back({true, {v}});
  for (const auto& I : ctx.instructions()) {  // (a copy)
    if (I.count != 0)
      ev.push_back({false, std::vector<std::uint32_t>(ctx.inputs().begin() + I.first,
                                                      ctx.inputs().begin() + I.first + I.count)});
    for (std::uint32_t k = 0; k < I.outputs && I.output != sutro::metrics::dmd::no_value; ++k)
      ev.push_back({true, {I.output + k}});
  }
  std::vector<std::int64_t> last(ctx.values(), -1);
  for (std::size_t i = 0; i < ev.size(); ++i)
    for (std::uint32_t k : ev[i].keys)
      if (!ev[i].store || last[k] < 0) last[k] = static_cast<std::int64_t>(i);
  for (std::uint32_t k : ctx.results()) last[k] = static_cast<std::int64_t>(ev.size());
  std::vector<std::uint32_t> stack;  // bottom first
  std::vector<std::uint64_t> trace;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    if (ev[i].store) {
      stack.push_back(ev[i].keys[0]);
    } else {
      std::vector<std::uint32_t> unique;
      for (std::uint32_t k : ev[i].keys)
        if (std::find(unique.begin(), unique.end(), k) == unique.end()) unique.push_back(k);
      std::vector<std::uint64_t> depth(ctx.values());
      for (std::uint32_t k : unique) {
        const auto it = std::find(stack.begin(), stack.end(), k);
        REQUIRE(it != stack.end());
        depth[k] = static_cast<std::uint64_t>(stack.end() - it);
      }
      for (std::uint32_t k : ev[i].keys) trace.push_back(depth[k]);
      for (std::uint32_t k : unique) {
        stack.erase(std::find(stack.begin(), stack.end(), k));
        stack.push_back(k);
      }
    }
    std::erase_if(stack, [&](std::uint32_t k) { return last[k] <= static_cast<std::int64_t>(i); });
  }
  return trace;
}

}  // namespace

TEST_CASE("pricing: equals the tool's _pass2 on random logs (with stack renumbering)", "[dmd][pricing]") {
  std::mt19937_64 rng(12);
  for (int round = 0; round < 40; ++round) {
    context ctx;
    const std::uint32_t inputs = 1 + static_cast<std::uint32_t>(rng() % (round < 20 ? 20 : 400));
    std::vector<std::uint32_t> defined, preload;
    for (std::uint32_t i = 0; i < inputs; ++i) preload.push_back(ctx.new_value());
    ctx.set_preload(preload);
    defined = preload;
    const int steps = round < 20 ? 300 : 6000;
    for (int s = 0; s < steps; ++s) {
      std::uint32_t ids[4];
      const std::uint32_t n = static_cast<std::uint32_t>(rng() % 4);
      // mostly recent values (a working set), sometimes any
      for (std::uint32_t k = 0; k < n; ++k)
        ids[k] = rng() % 4 == 0 ? defined[rng() % defined.size()]
                                : defined[defined.size() - 1 - rng() % std::min<std::size_t>(defined.size(), 12)];
      const bool out = n == 0 || rng() % 5 != 0;
      const std::uint32_t v = ctx.record("op", ids, n, out);
      if (out) defined.push_back(v);
    }
    for (std::uint32_t v : defined)
      if (rng() % 10 == 0) ctx.keep_live(v);
    const auto want = pass2(ctx);
    for (std::uint64_t bytes : {1, 3, 8}) {
      const auto r = sutro::metrics::dmd::price(ctx, bytes);
      REQUIRE(r.depths() == want);
      CHECK(r.cost == sutro::metrics::dmd::trace_cost(want, bytes));
      CHECK(sutro::metrics::dmd::price(ctx, bytes, false).cost == r.cost);
    }
  }
}
