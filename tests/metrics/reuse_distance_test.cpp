#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/metrics/energy_estimate.hpp"
#include "sutro/metrics/reuse_distance.hpp"

#if defined(SUTRO_CATCH2_V3)
using Catch::Approx;
#endif

using sutro::metrics::cold_policy;
using sutro::metrics::granularity;
using sutro::metrics::reuse_distance;

namespace {

std::vector<std::uint64_t> trimmed(std::vector<std::uint64_t> h) {
  while (!h.empty() && h.back() == 0) h.pop_back();
  return h;
}

// O(N M) reference: an explicit LRU stack, top at index 0.
struct naive_stack {
  cold_policy cold;
  std::vector<std::uint64_t> stack;
  std::map<std::uint64_t, std::uint64_t> hist;
  std::uint64_t cold_count = 0;
  std::uint64_t access(std::uint64_t k) {
    auto it = std::find(stack.begin(), stack.end(), k);
    std::uint64_t d;
    if (it == stack.end()) {
      if (cold == cold_policy::separate) {
        ++cold_count;
        d = 0;
      } else {
        d = stack.size() + 1;
        ++hist[d];
      }
    } else {
      d = static_cast<std::uint64_t>(it - stack.begin()) + 1;
      stack.erase(it);
      ++hist[d];
    }
    stack.insert(stack.begin(), k);
    return d;
  }
};

// A second, independent reference for long traces: a Fenwick tree over raw
// time steps (one per access or preload, never compacted) marking the latest
// step of each key, plus the reuse-time sum (accesses between, inclusive).
struct raw_time_reference {
  std::vector<std::uint32_t> tree;
  std::unordered_map<std::uint64_t, std::pair<std::size_t, std::uint64_t>> last;  // step, access count
  std::size_t step = 0;
  std::uint64_t accesses = 0, reuse_time_sum = 0, reuses = 0;
  explicit raw_time_reference(std::size_t steps) : tree(steps + 1, 0) {}
  void add(std::size_t i, int v) {
    for (++i; i < tree.size(); i += i & (~i + 1)) tree[i] += static_cast<std::uint32_t>(v);
  }
  std::uint64_t prefix(std::size_t i) const {  // marks at steps < i
    std::uint64_t s = 0;
    for (; i > 0; i &= i - 1) s += tree[i];
    return s;
  }
  std::uint64_t touch(std::uint64_t k, bool is_access) {  // distance, 0 if cold
    accesses += is_access;
    std::uint64_t d = 0;
    auto it = last.find(k);
    if (it != last.end()) {
      d = prefix(step) - prefix(it->second.first);
      add(it->second.first, -1);
      if (is_access) reuse_time_sum += accesses - it->second.second, ++reuses;
    }
    add(step, 1);
    last[k] = {step++, accesses};
    return d;
  }
};

}  // namespace

TEST_CASE("the brief's example a b b c a", "[metrics]") {
  reuse_distance rd;
  std::vector<std::uint64_t> got;
  for (std::uint64_t k : {0, 1, 1, 2, 0}) got.push_back(rd.access(k));
  CHECK(got == std::vector<std::uint64_t>{0, 0, 1, 0, 3});
  CHECK(rd.cold_accesses() == 3);
  CHECK(rd.histogram()[1] == 1);
  CHECK(rd.histogram()[3] == 1);
  CHECK(rd.dmd() == Approx(1 + std::sqrt(3.0)));
  CHECK(rd.mean_reuse_distance() == Approx(2.0));
  CHECK(rd.mean_reuse_time() == Approx((1 + 4) / 2.0));  // b: 1 access later, a: 4 later
}

TEST_CASE("Fenwick engine equals the naive LRU stack on random traces", "[metrics]") {
  std::mt19937_64 rng(42);
  for (cold_policy cold : {cold_policy::separate, cold_policy::stack_depth}) {
    for (std::size_t n : {0u, 1u, 63u, 64u, 65u, 1000u, 20000u}) {
      for (std::uint64_t alphabet : {1u, 2u, 7u, 64u, 300u, 5000u}) {
        // Small windows force many compactions.
        reuse_distance rd({.unit = granularity::element, .cold = cold, .initial_window = 64});
        naive_stack ref{cold, {}, {}, 0};
        std::uniform_int_distribution<std::uint64_t> pick(0, alphabet - 1);
        for (std::size_t i = 0; i < n; ++i) {
          // Skewed keys so both short and long distances occur.
          const std::uint64_t k = (rng() & 1) ? pick(rng) % 8 : pick(rng) * 0x9E3779B97F4A7C15ULL;
          REQUIRE(rd.access(k) == ref.access(k));
        }
        REQUIRE(rd.cold_accesses() == ref.cold_count);
        for (auto [d, c] : ref.hist) REQUIRE(rd.histogram().at(d) == c);
        std::uint64_t total = rd.cold_accesses();
        for (auto c : rd.histogram()) total += c;
        REQUIRE(total == n);
        REQUIRE(rd.distinct() == ref.stack.size());
      }
    }
  }
}

TEST_CASE("byte, word and line granularity map addresses to units", "[metrics]") {
  std::mt19937_64 rng(7);
  for (granularity g : {granularity::byte, granularity::word, granularity::line}) {
    const std::uint64_t unit = static_cast<std::uint64_t>(g);
    reuse_distance rd({.unit = g});
    naive_stack ref{cold_policy::separate, {}, {}, 0};
    std::vector<std::uint8_t> buffer(4096);
    for (int i = 0; i < 3000; ++i) {
      const std::size_t off = rng() % 4000, len = 1 + rng() % 17;
      rd.access_bytes(buffer.data() + off, len);
      const auto a = reinterpret_cast<std::uintptr_t>(buffer.data()) + off;
      for (std::uint64_t k = a / unit; k <= (a + len - 1) / unit; ++k) ref.access(k);
    }
    for (auto [d, c] : ref.hist) REQUIRE(rd.histogram().at(d) == c);
    REQUIRE(rd.cold_accesses() == ref.cold_count);
  }
  reuse_distance element;
  int x = 0;
  CHECK_THROWS_AS(element.access_bytes(&x, 4), std::invalid_argument);
}

TEST_CASE("preloaded inputs: last preloaded is on top, cold access throws", "[metrics]") {
  reuse_distance rd({.unit = granularity::element, .cold = cold_policy::preloaded});
  for (std::uint64_t k : {10, 11, 12}) rd.preload(k);
  CHECK(rd.access(12) == 1);
  CHECK(rd.access(10) == 3);
  CHECK(rd.access(10) == 1);
  CHECK(rd.accesses() == 3);
  CHECK_THROWS_AS(rd.access(99), std::invalid_argument);
  CHECK(rd.distinct() == 3);
  CHECK(rd.access(11) == 3);  // the failed access left no trace
  CHECK_THROWS_AS(rd.access(99), std::invalid_argument);
}

TEST_CASE("batch access equals one by one", "[metrics]") {
  std::mt19937_64 rng(5);
  std::vector<std::uint64_t> keys(100000);
  for (auto& k : keys) k = rng() % 3000;
  reuse_distance a, b;
  a.access(keys.data(), keys.size());
  for (auto k : keys) b.access(k);
  CHECK(trimmed(a.histogram()) == trimmed(b.histogram()));
  CHECK(a.mean_reuse_time() == b.mean_reuse_time());
  // A failing batch keeps what it recorded before the failure.
  reuse_distance p({.cold = cold_policy::preloaded}), q({.cold = cold_policy::preloaded});
  for (std::uint64_t k = 0; k < 10; ++k) p.preload(k), q.preload(k);
  std::vector<std::uint64_t> bad(1000);
  for (std::size_t i = 0; i < bad.size(); ++i) bad[i] = i % 10;
  bad[700] = 99;
  CHECK_THROWS_AS(p.access(bad.data(), bad.size()), std::invalid_argument);
  for (std::size_t i = 0; i < 700; ++i) q.access(bad[i]);
  CHECK(trimmed(p.histogram()) == trimmed(q.histogram()));
  CHECK(p.accesses() == q.accesses());  // the refused access is not one
  CHECK(p.mean_reuse_time() == q.mean_reuse_time());
}

TEST_CASE("long and short batches in any sequence equal one by one", "[metrics]") {
  // A long batch counts into 32-bit bins folded at its end, a short one
  // (under a quarter of the histogram's size) straight into the histogram.
  std::mt19937_64 rng(17);
  std::vector<std::uint64_t> keys(200000);
  for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = i < 80000 ? rng() % 20000 : rng() % 40000;
  reuse_distance a, b;
  const std::size_t cuts[] = {0, 50000, 50010, 50500, 51000, 80000, 80003, 200000};
  for (std::size_t c = 0; c + 1 < std::size(cuts); ++c) {
    a.access(keys.data() + cuts[c], cuts[c + 1] - cuts[c]);
    for (std::size_t i = cuts[c]; i < cuts[c + 1]; ++i) b.access(keys[i]);
    REQUIRE(trimmed(a.histogram()) == trimmed(b.histogram()));
  }
  CHECK(a.reuses() == b.reuses());
  CHECK(a.mean_reuse_time() == b.mean_reuse_time());
  CHECK(a.dmd() == b.dmd());
}

TEST_CASE("miss-ratio curve and tier counts follow the histogram", "[metrics]") {
  reuse_distance rd;
  std::mt19937_64 rng(3);
  for (int i = 0; i < 5000; ++i) rd.access(rng() % 200);
  const auto curve = rd.miss_ratio_curve();
  for (std::size_t c = 0; c < curve.size(); ++c) REQUIRE(curve[c] == Approx(rd.miss_ratio(c)));
  for (std::size_t c = 1; c < curve.size(); ++c) REQUIRE(curve[c] <= curve[c - 1]);
  CHECK(rd.misses(1000) == rd.cold_accesses());
  const auto tiers = rd.tier_counts({4, 32, 128});
  CHECK(tiers.size() == 4);
  CHECK(tiers[0] == rd.accesses() - rd.misses(4));
  CHECK(tiers[0] + tiers[1] == rd.accesses() - rd.misses(32));
  CHECK(tiers[3] == rd.misses(128));
  CHECK_THROWS_AS(rd.tier_counts({8, 8}), std::invalid_argument);
}

TEST_CASE("memory stays proportional to distinct keys on a long trace", "[metrics]") {
  reuse_distance rd;
  for (int i = 0; i < 2000000; ++i) rd.access(static_cast<std::uint64_t>(i % 1000));
  CHECK(rd.histogram()[1000] == 2000000 - 1000);
  CHECK(rd.memory_bytes() < 200000);
}

// ICS'22 closed form for naive i-j-k multiplication (Smith, Goldfarb, Ding).
// Accounting: C in a register; each inner step reads B[k][j] then A[i][k];
// the product is run twice and the SECOND pass is measured (steady state).
// Then B's distances equal the paper's B terms exactly, and every A access
// with j > 0 has distance exactly 2n. The paper also prices the n^2 A
// accesses with j = 0 at 2n; their true steady-state distance is larger
// (A's row was last used one whole pass earlier), so sutro reports them
// apart instead of silently agreeing.
TEST_CASE("ICS'22 naive matmul DMD closed form, n = 2..32", "[metrics]") {
  for (std::uint64_t n = 2; n <= 32; ++n) {
    reuse_distance rd;
    const std::uint64_t b0 = n * n;
    std::map<std::uint64_t, std::uint64_t> bh;
    std::uint64_t a_inner = 0, a_first = 0;
    for (int pass = 0; pass < 2; ++pass)
      for (std::uint64_t i = 0; i < n; ++i)
        for (std::uint64_t j = 0; j < n; ++j)
          for (std::uint64_t k = 0; k < n; ++k) {
            const auto db = rd.access(b0 + k * n + j);
            const auto da = rd.access(i * n + k);
            if (pass == 0) continue;
            ++bh[db];
            if (j > 0) {
              REQUIRE(da == 2 * n);
              ++a_inner;
            } else {
              REQUIRE(da > 2 * n);
              ++a_first;
            }
          }
    std::map<std::uint64_t, std::uint64_t> expect;
    expect[n * n + 2 * n] += n * n * n - 2 * n * n + n;
    for (std::uint64_t i = 1; i < n; ++i) expect[n * n + n + i] += 2 * n;
    expect[n * n + n] += n;
    REQUIRE(bh == expect);
    REQUIRE(a_inner + a_first == n * n * n);
    const double N = double(n);
    double formula = N * N * N * std::sqrt(2 * N) + (N * N * N - 2 * N * N + N) * std::sqrt(N * N + 2 * N) +
                     N * std::sqrt(N * N + N);
    for (std::uint64_t i = 1; i < n; ++i) formula += 2 * N * std::sqrt(N * N + N + double(i));
    double measured = double(a_inner + a_first) * std::sqrt(2 * N);
    for (auto [d, c] : bh) measured += double(c) * std::sqrt(double(d));
    REQUIRE(measured == Approx(formula).epsilon(1e-12));
  }
}

TEST_CASE("long traces over many keys equal a raw-time Fenwick reference", "[metrics]") {
  // Up to 1e5 live keys: several levels of the block tree, many compactions,
  // keys dense, sparse (hashed) and near 2^64.
  std::mt19937_64 rng(11);
  for (std::uint64_t alphabet : {511u, 512u, 513u, 8191u, 70000u, 100000u}) {
    for (int keys = 0; keys < 3; ++keys) {
      const std::size_t n = alphabet > 10000 ? 400000 : 60000;
      reuse_distance rd({.unit = granularity::element, .cold = cold_policy::separate, .initial_window = 512});
      raw_time_reference ref(n);
      std::uniform_int_distribution<std::uint64_t> pick(0, alphabet - 1);
      for (std::size_t i = 0; i < n; ++i) {
        // Mostly uniform; sometimes a recent key (short distances), sometimes a sweep.
        std::uint64_t x = (i % 3 == 0) ? i % alphabet : pick(rng);
        if (i % 7 == 0) x = pick(rng) % 16;
        const std::uint64_t k = keys == 0 ? x : keys == 1 ? x * 0x9E3779B97F4A7C15ULL : ~std::uint64_t{0} - x;
        REQUIRE(rd.access(k) == ref.touch(k, true));
      }
      REQUIRE(rd.reuses() == ref.reuses);
      REQUIRE(rd.distinct() == ref.last.size());
      CHECK(rd.mean_reuse_time() == double(ref.reuse_time_sum) / double(ref.reuses));
    }
  }
}

TEST_CASE("reuse time stays exact with preloads and refused accesses across compactions", "[metrics]") {
  std::mt19937_64 rng(13);
  for (cold_policy cold : {cold_policy::separate, cold_policy::stack_depth, cold_policy::preloaded}) {
    reuse_distance rd({.unit = granularity::element, .cold = cold, .initial_window = 512});
    raw_time_reference ref(200000);
    std::vector<std::uint64_t> batch;
    std::uint64_t distinct = 0;
    for (std::uint64_t k = 0; k < 300; ++k) rd.preload(k), ref.touch(k, false), ++distinct;
    for (int round = 0; round < 200; ++round) {
      const int what = int(rng() % 8);
      if (what == 0) {  // preload, new or existing key
        const std::uint64_t k = rng() % 3000;
        distinct += ref.last.count(k) == 0;
        rd.preload(k);
        ref.touch(k, false);
      } else if (what == 1 && cold == cold_policy::preloaded) {
        // A refused access changes nothing: no count, no later reuse time.
        CHECK_THROWS_AS(rd.access(1000000 + rng() % 5), std::invalid_argument);
      } else {  // a run of accesses, by batch or one by one
        batch.clear();
        for (int i = 0, m = int(rng() % 1000); i < m; ++i) {
          std::uint64_t k = rng() % (what < 4 ? 300 : 3000);
          if (cold == cold_policy::preloaded && !ref.last.count(k)) k %= 300;
          batch.push_back(k);
        }
        if (what & 1) {
          rd.access(batch.data(), batch.size());
          for (auto k : batch) distinct += ref.last.count(k) == 0, ref.touch(k, true);
        } else {
          for (auto k : batch) {
            distinct += ref.last.count(k) == 0;
            const auto expect = ref.touch(k, true);
            REQUIRE(rd.access(k) == (expect ? expect : cold == cold_policy::stack_depth ? distinct : 0));
          }
        }
      }
      REQUIRE(rd.accesses() == ref.accesses);
      REQUIRE(rd.reuses() == ref.reuses);
      REQUIRE(rd.distinct() == distinct);
      REQUIRE(rd.mean_reuse_time() == (ref.reuses ? double(ref.reuse_time_sum) / double(ref.reuses) : 0.0));
    }
  }
}

TEST_CASE("misses at the largest capacity count the cold accesses only", "[metrics]") {
  reuse_distance rd;
  for (int round = 0; round < 3; ++round)
    for (std::uint64_t k : {0, 1, 2}) (void)rd.access(k);
  (void)rd.access(0);
  CHECK(rd.misses(~std::uint64_t{0}) == 3);  // capacity + 1 used to wrap to 0 and count all 10
  CHECK(rd.misses(~std::uint64_t{0} - 1) == 3);
  CHECK(rd.misses(2) == 10);
  CHECK(rd.miss_ratio(~std::uint64_t{0}) == Approx(0.3));
}

TEST_CASE("hierarchy tiers need a finite energy, named in the message", "[metrics]") {
  using sutro::metrics::hierarchy;
  for (double bad : {-1.0, std::nan(""), HUGE_VAL}) {
    INFO("energy " << bad);
    try {
      hierarchy h({{"a", hierarchy::unbounded, bad}}, 4);
      FAIL("accepted");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).find("sutro::metrics::hierarchy: tier 'a' has energy ") == 0);
    }
  }
  CHECK_NOTHROW(hierarchy({{"a", hierarchy::unbounded, 0.0}}, 4));
}

namespace {

std::uint64_t total(const std::vector<std::uint64_t>& h) {
  std::uint64_t n = 0;
  for (auto c : h) n += c;
  return n;
}

// What every recorded access adds to: the histogram or the cold count.
void check_consistent(const reuse_distance& rd) { CHECK(rd.accesses() == total(rd.histogram()) + rd.cold_accesses()); }

}  // namespace

TEST_CASE("a refused cold access under cold_policy::preloaded changes nothing", "[metrics]") {
  reuse_distance rd({.cold = cold_policy::preloaded});
  rd.preload(1);
  CHECK(sutro::testing::thrown_message([&] {
          (void)rd.access(2);
        }).find("sutro::metrics::reuse_distance::access: cold access to key 2") == 0);
  CHECK(rd.accesses() == 0);
  CHECK(rd.reuses() == 0);
  CHECK(rd.distinct() == 1);
  CHECK(total(rd.histogram()) == 0);
  check_consistent(rd);
  CHECK(rd.access(1) == 1);  // still on top: the refused key never reached the stack
  CHECK(rd.accesses() == 1);
  CHECK(rd.reuses() == 1);
  CHECK(rd.mean_reuse_time() == 1.0);  // the refused access took no time
  check_consistent(rd);
}

TEST_CASE("a refused access in a batch keeps the accesses before it, and the counts consistent", "[metrics]") {
  // The brief's case: 1 is recorded, 2 is refused, the 1 after it is not reached.
  reuse_distance rd({.cold = cold_policy::preloaded});
  rd.preload(1);
  const std::uint64_t keys[] = {1, 2, 1};
  CHECK_THROWS_AS(rd.access(keys, 3), std::invalid_argument);
  CHECK(rd.accesses() == 1);
  CHECK(trimmed(rd.histogram()) == std::vector<std::uint64_t>{0, 1});
  check_consistent(rd);

  // Long batches (staged in 32-bit bins, refused past the first chunk) equal
  // the same prefix accessed one by one.
  std::mt19937_64 rng(21);
  for (std::size_t n : {10, 600, 5000, 100000}) {
    reuse_distance p({.cold = cold_policy::preloaded, .initial_window = 512}),
        q({.cold = cold_policy::preloaded, .initial_window = 512});
    for (std::uint64_t k = 0; k < 700; ++k) p.preload(k), q.preload(k);
    std::vector<std::uint64_t> batch(n);
    for (auto& k : batch) k = rng() % 700;
    const std::size_t bad = rng() % n;
    batch[bad] = 5000;
    CHECK_THROWS_AS(p.access(batch.data(), batch.size()), std::invalid_argument);
    for (std::size_t i = 0; i < bad; ++i) (void)q.access(batch[i]);
    CHECK(p.accesses() == bad);
    CHECK(trimmed(p.histogram()) == trimmed(q.histogram()));
    CHECK(p.reuses() == q.reuses());
    CHECK(p.mean_reuse_time() == q.mean_reuse_time());
    check_consistent(p);
    // Both go on alike after the failure.
    p.access(batch.data(), bad);
    q.access(batch.data(), bad);
    CHECK(trimmed(p.histogram()) == trimmed(q.histogram()));
    CHECK(p.mean_reuse_time() == q.mean_reuse_time());
    check_consistent(p);
  }
}

TEST_CASE("accesses() is the histogram's total plus the cold accesses under every policy", "[metrics]") {
  std::mt19937_64 rng(8);
  for (cold_policy cold : {cold_policy::separate, cold_policy::stack_depth, cold_policy::preloaded}) {
    reuse_distance rd({.cold = cold, .initial_window = 512});
    for (std::uint64_t k = 0; k < 50; ++k) rd.preload(k);
    for (int round = 0; round < 300; ++round) {
      const std::uint64_t k = rng() % 60;  // under preloaded, 50..59 are refused
      if (cold == cold_policy::preloaded && k >= 50)
        CHECK_THROWS_AS(rd.access(k), std::invalid_argument);
      else
        (void)rd.access(k);
      check_consistent(rd);
    }
  }
}
