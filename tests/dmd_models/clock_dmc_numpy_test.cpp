// TrackedArray's events, checked by porting a numpy solver line by line and
// comparing with the challenge's evaluator run on the Python original.
#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "sutro/metrics/dmd/clock_dmc_challenge.hpp"
#include "sutro/metrics/dmd/clock_dmc_numpy.hpp"

using namespace sutro::metrics::dmd;

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
