// TrackedArray's events, checked by porting a numpy solver line by line and
// comparing with the challenge's evaluator run on the Python original.
#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/metrics/dmd/clock_dmc_challenge.hpp"
#include "sutro/metrics/dmd/clock_dmc_numpy.hpp"

using namespace sutro::metrics::dmd;
using sutro::testing::thrown_message;

namespace {

// GF(2) Gauss-Jordan on the first n + 1 rows in numpy: x_bin = ((1 - x) // 2)
// .astype(int8), an augmented (n + 1) x (n + 1) int8 matrix, a pivot found by
// scanning aug[r, col] == 1, rows swapped by fancy indexing, and
// aug[r] = (aug[r] + aug[row]) % 2 for every other row with a 1 in the column.
std::vector<int> numpy_gf2(clock_dmc& t, const challenge_data& d) {
  numpy_events np(t);
  const int n = d.n_bits, m = n + 1, w = n + 1;
  const auto N = static_cast<std::uint64_t>(d.n_samples);
  const numpy_events::array x{d.x_buffer, N * static_cast<std::uint64_t>(n)}, y{d.y_buffer, N};
  auto xb = np.astype(np.ufunc("floor_divide", {np.ufunc("subtract", {x}, x.size)}, x.size));
  auto yb = np.astype(np.ufunc("floor_divide", {np.ufunc("subtract", {y}, y.size)}, y.size));
  const auto A = np.copy(np.slice(xb, std::uint64_t(m * n)));
  const auto b = np.copy(np.slice(yb, std::uint64_t(m)));
  const auto aug = np.fresh("zeros", std::uint64_t(m * w));
  np.setitem(aug, numpy_events::index::view, std::uint64_t(m * n), &A);
  np.setitem(aug, numpy_events::index::view, std::uint64_t(m), &b);
  std::vector<std::vector<int>> g(static_cast<std::size_t>(m), std::vector<int>(static_cast<std::size_t>(w)));
  for (int r = 0; r < m; ++r) {
    for (int c = 0; c < n; ++c) g[std::size_t(r)][std::size_t(c)] = d.x[std::size_t(r * n + c)] < 0;
    g[std::size_t(r)][std::size_t(n)] = d.y[std::size_t(r)] < 0;
  }
  std::vector<int> pivot_cols;
  int row = 0;
  for (int col = 0; col < n; ++col) {
    int pivot = -1;
    for (int r = row; r < m; ++r) {
      np.element(aug);
      if (g[std::size_t(r)][std::size_t(col)] == 1) {
        pivot = r;
        break;
      }
    }
    if (pivot < 0) continue;
    pivot_cols.push_back(col);
    if (pivot != row) {
      const auto pair = np.slice(aug, std::uint64_t(2 * w));
      np.setitem(aug, numpy_events::index::fancy, std::uint64_t(2 * w), &pair);
      std::swap(g[std::size_t(row)], g[std::size_t(pivot)]);
    }
    for (int r = 0; r < m; ++r) {
      if (r == row) continue;
      np.element(aug);
      if (g[std::size_t(r)][std::size_t(col)] != 1) continue;
      const auto a = np.slice(aug, std::uint64_t(w));
      const auto p = np.slice(aug, std::uint64_t(w));
      const auto v = np.ufunc("remainder", {np.ufunc("add", {a, p}, std::uint64_t(w))}, std::uint64_t(w));
      np.setitem(aug, numpy_events::index::view, std::uint64_t(w), &v);
      for (int c = 0; c < w; ++c) g[std::size_t(r)][std::size_t(c)] ^= g[std::size_t(row)][std::size_t(c)];
    }
    ++row;
  }
  std::vector<int> secret;
  for (std::size_t i = 0; i < pivot_cols.size(); ++i) {
    np.element(aug);
    if (g[i][std::size_t(n)] == 1) secret.push_back(pivot_cols[i]);
  }
  for (int c = 0; c < n && static_cast<int>(secret.size()) < d.k_sparse; ++c)
    if (std::find(secret.begin(), secret.end(), c) == secret.end()) secret.push_back(c);
  secret.resize(std::min<std::size_t>(secret.size(), std::size_t(d.k_sparse)));
  return secret;
}

}  // namespace

TEST_CASE("clock dmc: numpy events of a ported GF(2) solver match the evaluator", "[dmd][clock]") {
  // The evaluator (bin/evaluate, numpy 2.4) on the Python original: per seed
  // 3,459,740.5 / 3,466,771.9 / 3,463,503.0, mean 3,463,338.5.
  const auto r = evaluate_sparse_parity_challenge(numpy_gf2);
  REQUIRE(r.seeds.size() == 3);
  CHECK(r.seeds[0].dmc == 3459740.5);
  CHECK(r.seeds[1].dmc == 3466771.9);
  CHECK(r.seeds[2].dmc == 3463503.0);
  CHECK(r.dmc == 3463338.5);
  CHECK(r.accuracy == 1.0);
}

TEST_CASE("clock dmc: numpy event rules", "[dmd][clock]") {
  clock_dmc t;
  numpy_events np(t);
  const auto x = np.input("x", 10);
  const auto s = np.slice(x, 4);  // reads 4 of x, writes a new 4
  CHECK(t.name(s.id) == "_slice_1");
  np.element(s);
  np.ufunc_scalar({x});
  np.setitem(x, numpy_events::index::element, 1);    // x[3] = 5: only the write
  np.setitem(x, numpy_events::index::view, 2);       // x[:2] = 5: the view, then the write
  np.setitem(x, numpy_events::index::fancy, 4, &s);  // x[[0, 1, 2, 3]] = s: s read, x written
  np.ufunc_out({s}, x);
  CHECK(t.clock() == 10 + 4 + 4 + 1 + 10 + 1 + (2 + 2 + 2) + (4 + 4) + 4 + 10);
  CHECK(t.reads() == 6);
  CHECK(t.writes() == 7);
}

TEST_CASE("clock dmc: a numpy event that throws records nothing", "[dmd][clock]") {
  constexpr std::uint64_t max = ~std::uint64_t{0};
  clock_dmc t;
  numpy_events np(t);
  const auto x = np.input("x", 10);  // clock 10
  const auto z = np.input("z", 0);   // written at 10 with nothing in it
  const numpy_events::array big{t.buffer("big"), 0};
  t.write(big.id, max - 40);  // clock max - 30
  struct state {
    std::uint64_t clock, reads, writes, x_sum, z_sum;
    std::size_t buffers;
    bool operator==(const state&) const = default;
  };
  const auto now = [&] {
    return state{t.clock(), t.reads(), t.writes(), t.stats(x.id).sum_dist, t.stats(z.id).sum_dist, t.buffers()};
  };
  const auto before = now();
  const std::string at = "sutro::metrics::dmd::numpy_events::";

  // the clock: x would be read and priced, a result name interned, before the write overflowed
  CHECK(thrown_message<std::overflow_error>([&] { (void)np.ufunc("add", {x}, 100); }) ==
        at + "ufunc: the clock 18446744073709551595 + size 100 overflows 64 bits");
  CHECK(thrown_message<std::overflow_error>([&] { (void)np.input("y", 100); }).find(at + "input: the clock") == 0);
  CHECK(thrown_message<std::overflow_error>([&] { (void)np.slice(x, 20); }).find(at + "slice: the clock") == 0);
  CHECK(thrown_message<std::overflow_error>([&] {
          np.setitem(x, numpy_events::index::view, 25);
        }).find(at + "setitem: the clock") == 0);
  CHECK(thrown_message<std::overflow_error>([&] {
          np.ufunc_out({x}, numpy_events::array{x.id, 25});
        }).find(at + "ufunc_out: the clock") == 0);
  // an unknown id after a good one
  CHECK(thrown_message<std::out_of_range>([&] {
          np.ufunc_scalar({x, numpy_events::array{99, 1}});
        }) == at + "ufunc_scalar: unknown buffer id 99");
  CHECK(now() == before);

  // a buffer's distance sum: z read twice at distance max - 40, the second past 64 bits
  const numpy_events::array z0{z.id, 0};
  CHECK(thrown_message<std::overflow_error>([&] {
          np.ufunc_scalar({z0, z0});
        }).find(at + "ufunc_scalar: the distance sum of buffer 'z'") == 0);
  CHECK(now() == before);
  np.ufunc_scalar({z0});  // once is fine
  CHECK(t.reads() == before.reads + 1);
  // big would be priced before z's sum overflowed
  CHECK(thrown_message<std::overflow_error>([&] {
          np.ufunc_scalar({big, z0});
        }) ==
        at + "ufunc_scalar: the distance sum of buffer 'z' (18446744073709551575 + 18446744073709551575) overflows 64 "
             "bits");
  CHECK(t.reads() == before.reads + 1);
  CHECK(t.stats(big.id).read_count == 0);

  // no name was used up: the next result is the first
  CHECK(t.name(np.fresh("zeros", 0).id) == "_zeros_1");
  CHECK(t.last_write(x.id) == std::uint64_t{0});
  CHECK_FALSE(t.last_write(t.buffer("never")).has_value());
}
