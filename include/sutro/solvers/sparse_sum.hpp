#pragma once
// Exact solvers for sparse sum (y = sum of x_i over S, x in {-1, +1}; the 0/1
// encoding is mapped to it): GF(2) does not apply.
//  - sum_correlation: c_i = sum_j x_ij y_j is m in expectation for i in S and
//    0 otherwise; take the k largest (ties at the boundary: ambiguous).
//  - sum_least_squares: solve the normal equations (Gram matrix from
//    xor-popcounts of bit columns) by Cholesky and round w_i to {0, 1}.
// Both check the subset on every training row: `found` needs k indices and,
// noise-free, every row right; noisy, the union-bound certificate
// (certificate.hpp: a wrong subset of size k matches a row with probability
// <= 1/2, so P(found and wrong) <= alpha = 1e-6).
//
//   auto train = sutro::tasks::sparse_sum(20, 3, 42).packed(sutro::tasks::split::train, 100);
//   auto r = sutro::solvers::sum_correlation{}.solve(train);   // r.subset == secret
//   sutro::memory::trace t;                                     // the same solve, every access recorded:
//   auto same = sutro::solvers::sum_correlation{}.solve(train, sutro::memory::recording_access{&t});

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sutro/memory/access_policy.hpp"
#include "sutro/solvers/bit_columns.hpp"
#include "sutro/solvers/certificate.hpp"
#include "sutro/solvers/gf2_basis.hpp"
#include "sutro/solvers/input_check.hpp"
#include "sutro/solvers/result.hpp"
#include "sutro/tasks/samples.hpp"

namespace sutro::solvers {
namespace detail {
inline void require_sum(const tasks::packed_samples& d, const char* who) {
  check_samples(d, tasks::task_kind::sum, who);
}
inline constexpr double sum_alpha = 1e-6;
/// A label y (read by the caller, through a handle) in the +-1 encoding.
[[nodiscard]] inline long sum_label_pm(const tasks::packed_samples& d, std::int32_t y) noexcept {
  return d.spec.enc == tasks::encoding::plus_minus_one ? static_cast<long>(y)
                                                       : static_cast<long>(d.spec.k) - 2 * static_cast<long>(y);
}
/// Sets status/subset from a candidate mask after checking it on every row
/// (mask, sample words and labels read through mem).
template <class Memory>
void verify_sum(const tasks::packed_samples& d, const work_vector<std::uint64_t>& mask, solve_result& res, Memory mem) {
  const auto mk = mem(mask.data());
  long ones = 0;
  for (std::size_t w = 0; w < mask.size(); ++w) ones += std::popcount(std::uint64_t(mk[w]));
  const auto labels = mem(d.labels.data());
  std::size_t bad = 0;
  for (std::size_t i = 0; i < d.count; ++i) {
    const auto r = mem(d.row(i));
    long c = 0;
    for (std::size_t w = 0; w < d.row_words; ++w) c += std::popcount(std::uint64_t(r[w]) & std::uint64_t(mk[w]));
    bad += ones - 2 * c != sum_label_pm(d, labels[i]);
  }
  res.stats.disagreements = bad;
  const auto cert = union_bound_certificate(d.spec.n, d.spec.k, d.count, sum_alpha);
  const auto wrong = std::to_string(bad) + " of " + std::to_string(d.count) + " rows wrong";
  if (ones != static_cast<long>(d.spec.k)) {
    res.reason = "the rounded subset has " + std::to_string(ones) + " indices, spec.k = " + std::to_string(d.spec.k);
  } else if (d.spec.noise == 0.0 && bad != 0) {
    res.reason = wrong + " on noise-free data: the labels are not a k-sparse sum";
  } else if (!cert.valid || bad > cert.threshold) {
    res.reason = "not certified: " + wrong + "; " + cert.describe();
  } else {
    res.status = solve_status::found;
    res.subset = mask_to_subset(mask.data(), mask.size());  // the answer read off (not through mem)
    res.reason = "certified: " + wrong + ", " + cert.describe();
  }
}
}  // namespace detail

// Both solvers index every array (sample words, labels, columns, sums, the
// Gram matrix, the mask) through mem(pointer): the pointer itself under
// memory::raw_access (the timed code), a recording handle under
// memory::recording_access (the lab's traced run).

class sum_correlation {
 public:
  [[nodiscard]] std::string_view name() const noexcept { return "sum_correlation"; }

  [[nodiscard]] solve_result solve(const tasks::packed_samples& d) const { return solve(d, memory::raw_access{}); }
  /// The same solve, arrays reached through `mem` (memory::recording_access{&trace}
  /// records each access); the result is the same. std::stable_sort moves the
  /// n indices itself: its comparisons' reads of the sums are recorded, its
  /// moves of the indices are not.
  template <class Memory>
  [[nodiscard]] solve_result solve(const tasks::packed_samples& d, Memory mem) const {
    detail::require_sum(d, "sutro::solvers::sum_correlation");
    const std::size_t n = d.spec.n, k = d.spec.k;
    work_vector<long> sums(n, 0);
    const auto c = mem(sums.data());
    const auto labels = mem(d.labels.data());
    long total = 0;
    for (std::size_t i = 0; i < d.count; ++i) {
      const long y = detail::sum_label_pm(d, labels[i]);
      total += y;
      const auto r = mem(d.row(i));
      for (std::size_t w = 0; w < d.row_words; ++w)
        for (std::uint64_t v = r[w]; v; v &= v - 1) c[w * 64 + static_cast<std::size_t>(std::countr_zero(v))] += y;
    }
    for (std::size_t j = 0; j < n; ++j) c[j] = total - 2 * long(c[j]);  // sum_j x_ij y_j with x = 1 - 2b
    work_vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return long(c[a]) > long(c[b]); });
    const auto ord = mem(static_cast<const std::uint32_t*>(order.data()));
    solve_result res;
    res.stats.samples_used = d.count;
    res.stats.candidates = 1;
    if (k < n && long(c[ord[k - 1]]) == long(c[ord[k]])) {
      res.status = solve_status::ambiguous;
      res.reason = "correlation tie at the k-th place";
      return res;
    }
    work_vector<std::uint64_t> mask(d.row_words, 0);
    const auto mk = mem(mask.data());
    for (std::size_t t = 0; t < k; ++t) {
      const std::uint32_t j = ord[t];
      mk[j / 64] |= std::uint64_t{1} << (j % 64);
    }
    detail::verify_sum(d, mask, res, mem);
    return res;
  }
};

class sum_least_squares {
 public:
  [[nodiscard]] std::string_view name() const noexcept { return "sum_least_squares"; }

  [[nodiscard]] solve_result solve(const tasks::packed_samples& d) const { return solve(d, memory::raw_access{}); }
  /// The same solve, arrays reached through `mem` (memory::recording_access{&trace}
  /// records each access, building the bit columns included); the result is the same.
  template <class Memory>
  [[nodiscard]] solve_result solve(const tasks::packed_samples& d, Memory mem) const {
    detail::require_sum(d, "sutro::solvers::sum_least_squares");
    const std::size_t n = d.spec.n;
    const auto cols = bit_columns::from(d, 0, mem);
    const auto m = static_cast<double>(d.count);
    work_vector<double> gram(n * n), right(n, 0.0);
    const auto g = mem(gram.data());
    const auto rhs = mem(right.data());
    for (std::size_t a = 0; a < n; ++a)
      for (std::size_t b = 0; b <= a; ++b) {
        const auto ca = mem(cols.col(a)), cb = mem(cols.col(b));
        std::size_t diff = 0;
        for (std::size_t w = 0; w < cols.words; ++w)
          diff += static_cast<std::size_t>(std::popcount(std::uint64_t(ca[w]) ^ std::uint64_t(cb[w])));
        const double v = m - 2.0 * static_cast<double>(diff);
        g[a * n + b] = v;
        g[b * n + a] = v;
      }
    const auto labels = mem(d.labels.data());
    double total = 0;
    for (std::size_t i = 0; i < d.count; ++i) total += static_cast<double>(detail::sum_label_pm(d, labels[i]));
    for (std::size_t i = 0; i < d.count; ++i) {
      const double y = static_cast<double>(detail::sum_label_pm(d, labels[i]));
      const auto r = mem(d.row(i));
      for (std::size_t w = 0; w < d.row_words; ++w)
        for (std::uint64_t v = r[w]; v; v &= v - 1) rhs[w * 64 + static_cast<std::size_t>(std::countr_zero(v))] += y;
    }
    for (std::size_t j = 0; j < n; ++j) rhs[j] = total - 2.0 * double(rhs[j]);
    solve_result res;
    res.stats.samples_used = d.count;
    res.stats.candidates = 1;
    // Cholesky G = L L^T in place (lower triangle); a tiny pivot: rank deficient.
    // Every multiply-subtract is an explicit fma, so the plain and recorded
    // solves round alike on every CPU: left to itself, GCC fuses some of them
    // where the code inlines (the plain solve) and not where it calls (the
    // recorded one), depending on the tuning (Intel's fuses, Zen's does not).
    for (std::size_t j = 0; j < n; ++j) {
      double s = g[j * n + j];
      for (std::size_t t = 0; t < j; ++t) {
        const double l = g[j * n + t];
        s = std::fma(-l, l, s);
      }
      if (s <= 1e-9 * m) {
        res.status = solve_status::ambiguous;
        res.reason = "the Gram matrix is singular (rank deficient inputs): least squares has many solutions";
        return res;
      }
      const double l = std::sqrt(s);
      g[j * n + j] = l;
      for (std::size_t i = j + 1; i < n; ++i) {
        double v = g[i * n + j];
        for (std::size_t t = 0; t < j; ++t) {
          const double a = g[i * n + t], b = g[j * n + t];
          v = std::fma(-a, b, v);
        }
        g[i * n + j] = v / l;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {  // L z = rhs
      for (std::size_t t = 0; t < i; ++t) {
        const double a = g[i * n + t], b = rhs[t];
        rhs[i] = std::fma(-a, b, double(rhs[i]));
      }
      rhs[i] /= double(g[i * n + i]);
    }
    for (std::size_t i = n; i-- > 0;) {  // L^T w = z
      for (std::size_t t = i + 1; t < n; ++t) {
        const double a = g[t * n + i], b = rhs[t];
        rhs[i] = std::fma(-a, b, double(rhs[i]));
      }
      rhs[i] /= double(g[i * n + i]);
    }
    work_vector<std::uint64_t> mask(d.row_words, 0);
    const auto mk = mem(mask.data());
    for (std::size_t i = 0; i < n; ++i)
      if (double(rhs[i]) > 0.5) mk[i / 64] |= std::uint64_t{1} << (i % 64);
    detail::verify_sum(d, mask, res, mem);
    return res;
  }
};

}  // namespace sutro::solvers
