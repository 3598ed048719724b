#pragma once
// The test behind every noisy `found`: a union bound over all C(n, k) subsets.
//
// For uniform inputs, a subset T other than the secret S labels each row by
// parity(T) = parity(S) xor parity(T delta S), and the last term is a fair
// coin independent of the label noise. So T's disagreements with the m
// training labels are Binomial(m, 1/2) whatever the noise rate, and
//   P(some wrong T has <= t disagreements) <= C(n, k) * P(Bin(m, 1/2) <= t).
// The threshold t is the largest with that bound <= alpha. A solver that names
// a subset with at most t disagreements is wrong with probability <= alpha,
// however it chose the subset (the bound covers every candidate at once), and
// the noise rate only decides whether the secret gets under t. For sparse sum
// a wrong subset matches a row with probability <= 1/2 too (its sum over
// T \ S is a sum of independent signs), so the same bound holds there.
//
//   auto c = sutro::solvers::union_bound_certificate(100, 3, 1000, 1e-6);
//   bool ok = disagreements <= c.threshold;   // c.valid: some t qualifies

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "sutro/config/number_text.hpp"

namespace sutro::solvers {

struct certificate {
  double log_candidates = 0;  ///< ln C(n, k): the subsets the bound covers
  std::size_t rows = 0;       ///< m: rows every candidate is checked on
  double alpha = 0;           ///< bound on P(a wrong subset passes)
  bool valid = false;         ///< some t >= 0 passes (m large enough)
  std::size_t threshold = 0;  ///< most disagreements certified (when valid)

  /// The union bound at t disagreements: C(n, k) P(Bin(m, 1/2) <= t), capped at 1.
  [[nodiscard]] double false_positive(std::size_t t) const;
  /// "alpha = 1e-06 over C(n,k) = 1140 subsets, m = 500: <= 177 rows wrong".
  [[nodiscard]] std::string describe() const;
};

namespace detail {
[[nodiscard]] inline double log_choose(double n, double k) {
  return std::lgamma(n + 1) - std::lgamma(k + 1) - std::lgamma(n - k + 1);
}
/// "1 row", "0 rows", "2 rows": a count and its noun, singular for one.
[[nodiscard]] inline std::string counted(std::size_t n, const char* noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}
[[nodiscard]] inline std::string format_double(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", v);
  return buf;
}
/// Throws std::invalid_argument ("<who>: <name> must be in (0, 1), got nan")
/// unless 0 < v < 1: a NaN, negative or huge bound would make every count
/// pass the certificate and a wrong subset come back as found.
inline void check_probability(double v, const char* who, const char* name) {
  if (!(v > 0.0 && v < 1.0))
    throw std::invalid_argument(std::string(who) + ": " + name + " must be in (0, 1), got " +
                                sutro::detail::number_text(v));
}
/// Throws std::invalid_argument unless max_cost > 0 (infinity: no cap); a
/// NaN would let every plan past the cap.
inline void check_max_cost(double v, const char* who) {
  if (!(v > 0.0))
    throw std::invalid_argument(std::string(who) + ": max_cost must be > 0 (infinity for no cap), got " +
                                sutro::detail::number_text(v));
}
/// ln P(Bin(m, 1/2) <= t), summed from the largest term down (no underflow).
[[nodiscard]] inline double log_half_binomial_cdf(std::size_t m, std::size_t t) {
  if (t >= m) return 0.0;
  const double md = static_cast<double>(m);
  const double top = log_choose(md, static_cast<double>(t));
  double sum = 0, term = 1;  // terms relative to C(m, t)
  for (std::size_t i = t; i-- > 0 && term > 1e-18;) {
    term *= static_cast<double>(i + 1) / (md - static_cast<double>(i));  // C(m, i) / C(m, i + 1)
    sum += term;
  }
  return top + std::log1p(sum) - md * std::log(2.0);
}
}  // namespace detail

inline double certificate::false_positive(std::size_t t) const {
  return std::exp(std::fmin(0.0, log_candidates + detail::log_half_binomial_cdf(rows, t)));
}

inline std::string certificate::describe() const {
  std::string s = "alpha = " + detail::format_double(alpha) + " over " +
                  detail::format_double(std::exp(log_candidates)) + " subsets, m = " + std::to_string(rows);
  return valid ? s + ": certifies <= " + detail::counted(threshold, "row") + " wrong"
               : s + ": too few rows to certify any subset";
}

/// The certificate for a weight-k subset of n bits checked on m rows. With
/// n = k there is one candidate, which is the secret: every count passes.
/// Throws std::invalid_argument unless 0 < alpha < 1.
[[nodiscard]] inline certificate union_bound_certificate(std::size_t n, std::size_t k, std::size_t m, double alpha) {
  detail::check_probability(alpha, "sutro::solvers::union_bound_certificate", "alpha");
  certificate c;
  c.rows = m;
  c.alpha = alpha;
  c.log_candidates = detail::log_choose(static_cast<double>(n), static_cast<double>(k));
  if (n == k) {
    c.valid = true;
    c.threshold = m;
    return c;
  }
  // The bound grows with t: walk up the CDF until it passes ln alpha.
  const double target = std::log(alpha) - c.log_candidates;
  if (detail::log_half_binomial_cdf(m, 0) > target) return c;
  std::size_t lo = 0, hi = m / 2 + 1;  // lo passes; past m / 2 nothing does for alpha < 1 / 2
  while (hi - lo > 1) {
    const std::size_t mid = lo + (hi - lo) / 2;
    (detail::log_half_binomial_cdf(m, mid) <= target ? lo : hi) = mid;
  }
  c.valid = true;
  c.threshold = lo;
  return c;
}

}  // namespace sutro::solvers
