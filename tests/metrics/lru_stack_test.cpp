// metrics::lru_stack and id_lru_stack against a naive O(n) list LRU stack:
// random pushes, takes, erases and depth queries over stacks of 0, 1, 63, 64,
// 65 and more items, with small windows so that compactions happen often; and
// reuse_distance's batched path under each popcount kernel it dispatches to.
#include <algorithm>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "support/catch.hpp"
#include "sutro/backend/cpu.hpp"
#include "sutro/metrics/lru_stack.hpp"
#include "sutro/metrics/reuse_distance.hpp"

using sutro::metrics::id_lru_stack;
using sutro::metrics::lru_stack;

namespace {

// Items by id, top of the stack first.
struct naive_lru {
  std::vector<std::uint32_t> items;
  [[nodiscard]] std::uint64_t depth(std::uint32_t id) const {
    return static_cast<std::uint64_t>(std::find(items.begin(), items.end(), id) - items.begin()) + 1;
  }
  void push(std::uint32_t id) { items.insert(items.begin(), id); }
  void erase(std::uint32_t id) { items.erase(std::find(items.begin(), items.end(), id)); }
};

// Drives an lru_stack with a table id -> slot (the caller's side of compaction).
struct engine_lru {
  static constexpr std::uint32_t off = ~std::uint32_t{0};
  lru_stack stack;
  std::vector<std::uint32_t> slot;
  std::uint64_t compactions = 0;
  engine_lru(std::size_t ids, std::size_t window) : stack(window), slot(ids, off) {}
  void push(std::uint32_t id) {
    if (stack.full()) {
      stack.compact([&](auto renumber) {
        for (auto& s : slot)
          if (s != off) s = renumber(s);
      });
      ++compactions;
    }
    slot[id] = stack.push();
  }
};

// `ids` distinct ids; a stack filled to `fill` items first, then random steps:
// an access (take + push: the reuse distance), an erase, a push of an absent
// id, or a depth query; every answer checked against the list.
void check_random(std::uint32_t ids, std::uint32_t fill, std::size_t window, std::size_t steps, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  naive_lru ref;
  engine_lru eng(ids, window);
  std::vector<std::uint32_t> pos(ids, id_lru_stack::off);
  id_lru_stack by_id(pos, window);
  std::vector<std::uint32_t> on, off;  // ids on the stack and not
  for (std::uint32_t i = 0; i < ids; ++i) off.push_back(i);
  std::shuffle(off.begin(), off.end(), rng);
  auto push_new = [&] {
    const std::uint32_t id = off.back();
    off.pop_back();
    on.push_back(id);
    ref.push(id);
    eng.push(id);
    by_id.push(id);
  };
  auto remove_on = [&](std::size_t k) {
    const std::uint32_t id = on[k];
    on[k] = on.back();
    on.pop_back();
    off.push_back(id);
    return id;
  };
  while (on.size() < fill && !off.empty()) push_new();
  REQUIRE(eng.stack.size() == on.size());
  REQUIRE(by_id.live() == on.size());
  for (std::uint32_t id : on) {
    REQUIRE(eng.stack.depth(eng.slot[id]) == ref.depth(id));
    REQUIRE(by_id.depth(id) == ref.depth(id));
  }
  for (std::size_t step = 0; step < steps; ++step) {
    const auto kind = rng() % 8;
    if (on.empty() || (kind == 0 && !off.empty())) {
      if (off.empty()) continue;
      push_new();
    } else if (kind == 1) {  // erase
      const std::uint32_t id = remove_on(rng() % on.size());
      ref.erase(id);
      eng.stack.erase(eng.slot[id]);
      eng.slot[id] = engine_lru::off;
      by_id.drop(id);
      REQUIRE(pos[id] == id_lru_stack::off);
    } else if (kind == 2) {  // take without push back
      const std::uint32_t id = remove_on(rng() % on.size());
      const std::uint64_t d = ref.depth(id);
      ref.erase(id);
      REQUIRE(eng.stack.take(eng.slot[id]) == d);
      eng.slot[id] = engine_lru::off;
      REQUIRE(by_id.take(id) == d);
    } else if (kind == 3) {  // depth query only
      const std::uint32_t id = on[rng() % on.size()];
      REQUIRE(eng.stack.depth(eng.slot[id]) == ref.depth(id));
      REQUIRE(by_id.depth(id) == ref.depth(id));
    } else {  // an access: its depth, then to the top (biased towards the top half sometimes)
      const std::uint32_t id = on[rng() % on.size()];
      const std::uint64_t d = ref.depth(id);
      ref.erase(id);
      ref.push(id);
      REQUIRE(eng.stack.take(eng.slot[id]) == d);
      eng.slot[id] = engine_lru::off;
      eng.push(id);
      REQUIRE(by_id.depth(id) == d);
      by_id.drop(id);
      by_id.push(id);
    }
    REQUIRE(eng.stack.size() == ref.items.size());
    REQUIRE(by_id.live() == ref.items.size());
  }
  // Every item at the end, in stack order.
  for (std::size_t k = 0; k < ref.items.size(); ++k) {
    REQUIRE(eng.stack.depth(eng.slot[ref.items[k]]) == k + 1);
    REQUIRE(by_id.depth(ref.items[k]) == k + 1);
  }
  if (steps >= 4 * window) CHECK(eng.compactions > 0);
}

}  // namespace

TEST_CASE("lru_stack equals a naive list stack at sizes 0, 1, 63, 64, 65 and more", "[metrics]") {
  for (std::uint32_t fill : {0u, 1u, 63u, 64u, 65u, 511u, 512u, 513u, 3000u})
    for (std::size_t window : {std::size_t{512}, std::size_t{4096}}) {
      INFO("fill " << fill << ", window " << window);
      check_random(fill + 8, fill, window, 4000, 1000 + fill + window);
    }
}

TEST_CASE("lru_stack: forced compactions keep depths across many windows", "[metrics]") {
  // Few live items and a minimal window: a compaction every ~448 pushes.
  for (std::uint32_t ids : {1u, 2u, 63u, 64u, 65u, 200u}) {
    INFO("ids " << ids);
    check_random(ids, ids, 512, 20000, 7 + ids);
  }
  // Many live items: the window grows across compactions, the tree gains levels.
  check_random(20000, 20000, 512, 30000, 99);
}

TEST_CASE("lru_stack: a full stack reports full() and compacts to 8x live", "[metrics]") {
  lru_stack s(512);
  REQUIRE(s.size() == 0);
  REQUIRE(s.window() == 512);
  std::vector<std::uint32_t> slot;
  while (!s.full()) slot.push_back(s.push());
  REQUIRE(slot.size() == 512);
  for (std::size_t k = 0; k < 512; ++k) REQUIRE(s.depth(slot[k]) == 512 - k);
  for (std::size_t k = 0; k < 500; ++k) s.erase(slot[k]);  // 12 left: slots 500..511
  std::size_t calls = 0;
  s.compact([&](auto renumber) {
    for (std::size_t k = 500; k < 512; ++k) slot[k] = renumber(slot[k]), ++calls;
  });
  REQUIRE(calls == 12);
  REQUIRE(s.used() == 12);
  REQUIRE(s.window() == 512);  // 8 x 13 rounds to 128, the minimum is kept
  for (std::size_t k = 500; k < 512; ++k) {
    REQUIRE(slot[k] == k - 500);
    REQUIRE(s.depth(slot[k]) == 512 - k);
  }
  // Growth: 600 live items need a window of at least 8 x 601.
  lru_stack g(512);
  std::vector<std::uint32_t> gs;
  for (int k = 0; k < 600; ++k) {
    if (g.full())
      g.compact([&](auto renumber) {
        for (auto& x : gs) x = renumber(x);
      });
    gs.push_back(g.push());
  }
  REQUIRE(g.window() == 8192);
  for (std::size_t k = 0; k < gs.size(); ++k) REQUIRE(g.depth(gs[k]) == 600 - k);
}

TEST_CASE("reuse_distance batches equal one by one under every popcount kernel", "[metrics]") {
  using sutro::cpu::level;
  std::mt19937_64 rng(2024);
  for (level l : {level::generic, level::sse2, level::avx2, level::avx512, level::avx512_gfni}) {
    if (!sutro::cpu::supports(l)) continue;
    sutro::cpu::scoped_level_limit cap(l);
    for (std::uint64_t distinct : {1u, 63u, 64u, 65u, 1000u, 6000u})
      for (std::size_t n :
           {std::size_t{0}, std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{65}, std::size_t{40000}}) {
        INFO("level " << sutro::cpu::name(l) << ", distinct " << distinct << ", n " << n);
        std::vector<std::uint64_t> keys(n);
        for (std::size_t i = 0; i < n; ++i)  // runs of a sweep among uniform draws
          keys[i] = (i / 97) % 2 ? rng() % distinct : (i * 7) % distinct;
        for (auto cold : {sutro::metrics::cold_policy::separate, sutro::metrics::cold_policy::stack_depth}) {
          sutro::metrics::reuse_distance batch({.cold = cold, .initial_window = 512}),
              single({.cold = cold, .initial_window = 512});
          batch.access(keys.data(), keys.size());
          for (auto k : keys) (void)single.access(k);
          auto trim = [](std::vector<std::uint64_t> h) {
            while (!h.empty() && h.back() == 0) h.pop_back();
            return h;
          };
          REQUIRE(trim(batch.histogram()) == trim(single.histogram()));
          REQUIRE(batch.cold_accesses() == single.cold_accesses());
          REQUIRE(batch.reuses() == single.reuses());
          REQUIRE(batch.mean_reuse_time() == single.mean_reuse_time());
        }
      }
  }
}
