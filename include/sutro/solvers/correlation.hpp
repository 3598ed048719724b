#pragma once
// Passive solver for sparse majority, threshold and AND: the group's
// first-order Fourier method (correlate the label with each input bit, keep
// the k strongest), with a certified `found`.
//
//   auto train = sutro::tasks::sparse_majority(20, 3, 42).packed(sutro::tasks::split::train, 500);
//   auto r = sutro::solvers::correlation{}.solve(train);
//   // r.status == found, r.subset == the secret, r.reason: the certificate
//
// Certificate: a subset T other than S labels a uniform row differently from S
// with probability d_j, which depends only on j = |T ∩ S| (computed exactly
// below from the label rule). With the spec's noise p (a flip independent of
// the input), T disagrees with a noisy label with probability
// q_j = d_j + p (1 - 2 d_j). So over every one of the C(k, j) C(n - k, k - j)
// subsets at overlap j,
//   P(some wrong T has <= t disagreements) <= sum_j C(k, j) C(n - k, k - j) P(Bin(m, q_j) <= t),
// and the answer is found when its disagreements are at most the largest t
// with that bound <= alpha (1e-6), whatever way the subset was picked.
//
// A constant rule (threshold t = -k: every row +1, or 1 in 0/1) has d_j = 0
// for every j: every subset labels every row alike, noise or not, so the data
// cannot tell the secret from any other subset and the answer is ambiguous.
// Label noise does not change that: it makes every subset, the secret too,
// disagree with about m p rows, and a certificate calibrated on those counts
// would only reject the secret (`failed`) for no fault of the data. A rule
// that hardly depends on the inputs (t near -k) has small d_j: without noise
// too few rows certify nothing (ambiguous); with noise the secret's own count
// may lie above what certifies (failed, with both counts).
//
// The work buffers are solvers::work_vector (the accounting allocator), so
// the lab's allocation columns count them; the answer and its reason are the
// solve_result's own std::vector and std::string, as every solver's.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sutro/solvers/certificate.hpp"
#include "sutro/solvers/gf2_basis.hpp"
#include "sutro/solvers/result.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace sutro::solvers {

namespace detail {
/// P(a uniform row gets different labels from two subsets of size k sharing j indices).
inline double overlap_disagreement(const tasks::task_spec& s, std::size_t j) {
  const std::size_t k = s.k, u = k - j;
  const auto choose = [](std::size_t n, std::size_t r) { return std::exp(log_choose(double(n), double(r))); };
  const std::int32_t t = tasks::threshold_of(s);
  double d = 0;
  for (std::size_t a = 0; a <= j; ++a)  // ones among the shared bits, then among each side's own bits
    for (std::size_t b = 0; b <= u; ++b)
      for (std::size_t c = 0; c <= u; ++c)
        if (tasks::label_from_count(s.kind, s.enc, a + b, k, t) != tasks::label_from_count(s.kind, s.enc, a + c, k, t))
          d += choose(j, a) * choose(u, b) * choose(u, c);
  return d / std::ldexp(1.0, static_cast<int>(j + 2 * u));
}

/// ln P(Bin(m, q) <= t).
[[nodiscard]] inline double log_binomial_cdf(std::size_t m, double q, std::size_t t) {
  if (t >= m || q <= 0.0) return 0.0;
  if (q >= 1.0) return -INFINITY;
  const auto term = [&](std::size_t i) {
    return log_choose(double(m), double(i)) + double(i) * std::log(q) + double(m - i) * std::log1p(-q);
  };
  // The terms rise up to the mode floor((m + 1) q) and fall after it, so the
  // largest of terms 0..t is known without storing them (no allocation per
  // call; the solve's bisection makes O(k log m) calls).
  const auto mode = static_cast<std::size_t>(std::floor(double(m + 1) * q));
  const double best = term(std::min(t, mode));
  double sum = 0;
  for (std::size_t i = 0; i <= t; ++i) sum += std::exp(term(i) - best);
  return best + std::log(sum);
}
}  // namespace detail

struct correlation {
  double alpha = 1e-6;  ///< bound on P(found names a wrong subset)

  [[nodiscard]] std::string_view name() const noexcept { return "correlation"; }

  [[nodiscard]] solve_result solve(const tasks::packed_samples& d) const {
    const char* who = "sutro::solvers::correlation";
    detail::check_probability(alpha, who, "alpha");
    const auto kind = d.spec.kind;
    if (kind != tasks::task_kind::majority && kind != tasks::task_kind::threshold && kind != tasks::task_kind::and_)
      throw std::invalid_argument(std::string(who) + ": needs sparse majority, threshold or AND samples, got " +
                                  tasks::to_string(kind));
    check_labels(d, who);
    const std::size_t n = d.spec.n, k = d.spec.k, m = d.count;

    // Correlation of the centred label with each x_j = 1 - 2 b_j.
    double mean = 0;
    for (std::size_t i = 0; i < m; ++i) mean += d.labels[i];
    mean /= double(m);
    work_vector<double> corr(n, 0.0);
    for (std::size_t i = 0; i < m; ++i) {
      const double y = d.labels[i] - mean;
      for (std::size_t j = 0; j < n; ++j) corr[j] += d.bit(i, j) ? -y : y;
    }
    work_vector<std::uint32_t> order(n);
    for (std::size_t j = 0; j < n; ++j) order[j] = static_cast<std::uint32_t>(j);
    // Ties broken by index, the order a stable sort gives, without the
    // temporary buffer std::stable_sort takes from plain operator new.
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k), order.end(),
                      [&](std::uint32_t a, std::uint32_t b) {
                        const double ca = std::abs(corr[a]), cb = std::abs(corr[b]);
                        return ca > cb || (ca == cb && a < b);
                      });
    std::vector<std::uint32_t> pick(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k));
    std::sort(pick.begin(), pick.end());

    // Disagreements of the picked subset with the labels (the task's label
    // rule on the picked bits, as sparse_task::label_with computes it).
    const std::int32_t t_rule = tasks::threshold_of(d.spec);
    work_vector<std::uint64_t> mask(d.row_words, 0);
    for (auto j : pick) mask[j / 64] |= std::uint64_t{1} << (j % 64);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < m; ++i) {
      const std::uint64_t* row = d.row(i);
      std::size_t ones = 0;
      for (std::size_t w = 0; w < d.row_words; ++w) ones += static_cast<std::size_t>(std::popcount(row[w] & mask[w]));
      wrong += tasks::label_from_count(kind, d.spec.enc, ones, k, t_rule) != d.labels[i];
    }

    solve_result r;
    r.stats.samples_used = m;
    r.stats.candidates = 1;
    r.stats.disagreements = wrong;
    // The largest t whose union bound over every wrong subset is <= alpha.
    work_vector<double> log_count, dj;
    log_count.reserve(k);
    dj.reserve(k);
    bool constant_rule = true;  // d_j = 0 at every overlap: every subset labels every row alike
    for (std::size_t j = 0; j < k; ++j) {
      if (k - j > n - k) continue;  // no subset at this overlap
      log_count.push_back(detail::log_choose(double(k), double(j)) + detail::log_choose(double(n - k), double(k - j)));
      const double dd = detail::overlap_disagreement(d.spec, j);
      constant_rule = constant_rule && dd == 0.0;
      dj.push_back(dd + d.spec.noise * (1 - 2 * dd));
    }
    const auto bound = [&](std::size_t t) {
      double b = 0;
      for (std::size_t i = 0; i < dj.size(); ++i) b += std::exp(log_count[i] + detail::log_binomial_cdf(m, dj[i], t));
      return b;
    };
    const std::string at = "alpha = " + detail::format_double(alpha) + ", m = " + std::to_string(m);
    if (dj.empty()) {  // n == k: one subset, the secret
      r.status = solve_status::found;
      r.subset = pick;
      r.reason = "n = k: the only subset";
    } else if (constant_rule) {
      r.status = solve_status::ambiguous;
      r.reason = "the label rule is constant (" + std::string(tasks::to_string(kind)) +
                 ", t = " + std::to_string(tasks::threshold_of(d.spec)) + ", k = " + std::to_string(k) +
                 "): every subset labels every row alike, so no number of rows, noisy or not, tells the secret "
                 "apart; top-k by correlation is " +
                 subset_text(pick);
    } else if (bound(0) > alpha) {
      r.status = solve_status::ambiguous;
      r.reason = at +
                 ": too few rows to tell subsets apart (a wrong subset may agree with every row); top-k by "
                 "correlation is " +
                 subset_text(pick);
    } else {
      std::size_t t = 0, hi = m;  // bound(t) <= alpha; the bound grows with t
      while (hi - t > 1) {
        const std::size_t mid = t + (hi - t) / 2;
        (bound(mid) <= alpha ? t : hi) = mid;
      }
      r.reason =
          at + ": certifies <= " + detail::counted(t, "row") + " wrong; the top-k subset has " + std::to_string(wrong);
      if (wrong <= t) {
        r.status = solve_status::found;
        r.subset = pick;
      } else {
        r.status = solve_status::failed;
      }
    }
    return r;
  }

 private:
  static std::string subset_text(const std::vector<std::uint32_t>& s) {
    std::string out = "{";
    for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
    return out + "}";
  }
  /// check_samples' checks (its label rule knows parity and sum only): the
  /// spec, widths, row count, zero padding, labels the kind can produce.
  static void check_labels(const tasks::packed_samples& d, const char* who) {
    const std::string at = std::string(who) + ": ";
    tasks::check_layout(d, who);
    if (d.count == 0) throw std::invalid_argument(at + "no rows (count = 0): the correlations need samples");
    const bool pm = d.spec.enc == tasks::encoding::plus_minus_one && d.spec.kind != tasks::task_kind::and_;
    for (std::size_t i = 0; i < d.count; ++i) {
      const auto y = d.labels[i];
      if (pm ? (y != 1 && y != -1) : (y != 0 && y != 1))
        throw std::invalid_argument(at + "label " + std::to_string(y) + " of row " + std::to_string(i) + " is not a " +
                                    tasks::to_string(d.spec.kind) + " label");
    }
  }
};

}  // namespace sutro::solvers
