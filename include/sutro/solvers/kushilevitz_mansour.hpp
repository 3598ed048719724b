#pragma once
// The group's Kushilevitz-Mansour method on query access: estimate each bit's
// influence from bit-flip pairs (ask f(x) and f(x with bit i flipped) for
// random x) and keep the bits whose labels change. KM-min is one pair per bit
// (2n queries: 40 at n = 20); the group uses 20 pairs per bit on sparse AND,
// whose secret bits change the label only on 2^-(k-1) of the inputs.
//
//   auto task = sutro::tasks::sparse_parity(20, 3, 42);
//   sutro::tasks::query_oracle oracle(task);
//   auto r = sutro::solvers::km_min(oracle);                         // 1 pair per bit
//   // r.status == found, r.subset == task.secret(), r.queries == 40
//   sutro::tasks::query_oracle conj(sutro::tasks::sparse_and(20, 3, 42));
//   auto a = sutro::solvers::kushilevitz_mansour(conj, {.pairs_per_bit = 20});   // 800 queries
//
// `found` is certified. A bit counts as relevant when its pairs differ more
// often than label noise alone explains: at least `cut` of m pairs, the least
// count whose chance under noise alone (a pair of noisy labels differs with
// probability 2p(1 - p), at most 2p - p^2 for sum) is at most false_positive / n
// (union bound over the n bits). Without noise the cut is 1: one differing
// pair proves the label depends on the bit. So a found answer (exactly k
// relevant bits) is wrong with probability at most false_positive (0 without
// noise); fewer than k relevant bits is `ambiguous` (more pairs per bit help),
// more than k is `failed`. `ranked` holds the group's answer (the k most
// influential bits), found or not. Pairs too few to beat the noise at all
// (cut > m: KM-min under any noise) are `failed` at once, before any query:
// queries = 0, `ranked` empty, every influence -1 (not asked).
//
// This is the influence form the group runs, not the original recursive
// search for heavy Fourier coefficients; for a k-junta the two find the same bits.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "sutro/config/number_text.hpp"
#include "sutro/solvers/result.hpp"
#include "sutro/tasks/philox.hpp"
#include "sutro/tasks/query.hpp"

namespace sutro::solvers {

struct km_options {
  std::size_t pairs_per_bit = 1;  ///< m: KM-min 1; the group's sparse AND setting 20
  std::uint64_t seed = 0;         ///< the learner's own randomness (the query inputs)
  double false_positive = 1e-6;   ///< bound on a wrong `found` under label noise
  bool stop_at_k = false;         ///< stop asking once k bits are relevant (the rest cannot be)
};

struct km_result {
  std::vector<std::uint32_t> subset;  ///< sorted; empty unless found
  solve_status status = solve_status::failed;
  std::string reason;  ///< the certificate, or what was missing
  /// The k bits of highest influence, sorted (the group's answer); empty when nothing was asked.
  std::vector<std::uint32_t> ranked;
  std::vector<double> influence;  ///< per bit: fraction of its pairs whose labels differ (-1: not asked)
  std::uint64_t queries = 0;      ///< oracle queries this run made
  std::size_t cut = 1;            ///< differing pairs (of m) that mark a bit relevant
};

namespace detail {
/// P(X >= c) for X ~ Binomial(m, q).
inline double binomial_tail(std::size_t m, double q, std::size_t c) {
  if (c == 0) return 1.0;
  if (c > m || q <= 0.0) return 0.0;
  if (q >= 1.0) return 1.0;
  double total = 0.0;
  const double lq = std::log(q), lr = std::log1p(-q);
  for (std::size_t j = c; j <= m; ++j) {
    const double lc = std::lgamma(double(m) + 1) - std::lgamma(double(j) + 1) - std::lgamma(double(m - j) + 1);
    total += std::exp(lc + double(j) * lq + double(m - j) * lr);
  }
  return std::min(total, 1.0);
}

/// The chance that a pair of labels differs when the bit is irrelevant (noise only).
inline double pair_noise(const tasks::task_spec& s) {
  const double p = s.noise;
  return s.kind == tasks::task_kind::sum ? 2 * p - p * p : 2 * p * (1 - p);
}
}  // namespace detail

inline km_result kushilevitz_mansour(tasks::query_oracle& oracle, km_options o = {}) {
  const tasks::task_spec spec = oracle.spec();
  const std::size_t n = spec.n, k = spec.k, m = o.pairs_per_bit, rw = oracle.row_words();
  if (m == 0) throw std::invalid_argument("sutro::solvers::kushilevitz_mansour: pairs_per_bit must be positive");
  if (!(o.false_positive > 0.0 && o.false_positive < 1.0))
    throw std::invalid_argument("sutro::solvers::kushilevitz_mansour: false_positive must be in (0, 1)");

  km_result r;
  const double q0 = detail::pair_noise(spec);
  r.cut = 1;
  while (r.cut <= m && double(n) * detail::binomial_tail(m, q0, r.cut) > o.false_positive) ++r.cut;
  r.influence.assign(n, -1.0);
  const std::string pairs = std::to_string(m) + " pair" + (m == 1 ? "" : "s") + " per bit";
  if (r.cut > m) {
    // Decided by (m, p, false_positive) alone: no answer could be certified,
    // so none of the budget is spent (KM-min under noise asks nothing).
    r.status = solve_status::failed;
    r.reason = pairs + " cannot tell influence from label noise p = " + sutro::detail::number_text(spec.noise) +
               " at false-positive bound " + sutro::detail::number_text(o.false_positive) + ": even all " +
               std::to_string(m) + " differing is within the noise; no queries asked";
    return r;
  }

  const std::uint64_t before = oracle.queries();
  const tasks::philox4x32 rng{o.seed};
  std::vector<std::uint64_t> x(rw);
  std::vector<std::uint32_t> relevant;
  for (std::size_t i = 0; i < n; ++i) {
    std::size_t differ = 0;
    for (std::size_t j = 0; j < m; ++j) {
      for (std::size_t w = 0; w < rw; w += 2) {  // a fresh random input per pair, as the group draws
        std::uint64_t a, b;
        rng.words(i * m + j, 0, static_cast<std::uint32_t>(w / 2), a, b);
        x[w] = a;
        if (w + 1 < rw) x[w + 1] = b;
      }
      if (n % 64) x[rw - 1] &= ~std::uint64_t{0} >> (64 - n % 64);
      const std::int32_t y = oracle.label(x);
      x[i / 64] ^= std::uint64_t{1} << (i % 64);
      differ += oracle.label(x) != y;
    }
    r.influence[i] = double(differ) / double(m);
    if (differ >= r.cut) relevant.push_back(static_cast<std::uint32_t>(i));
    if (o.stop_at_k && relevant.size() == k) break;
  }
  r.queries = oracle.queries() - before;

  std::vector<std::uint32_t> order(n);
  for (std::size_t i = 0; i < n; ++i) order[i] = static_cast<std::uint32_t>(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return r.influence[a] > r.influence[b]; });
  r.ranked.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k));
  std::sort(r.ranked.begin(), r.ranked.end());

  if (relevant.size() == k) {
    r.status = solve_status::found;
    r.subset = relevant;
    r.reason = q0 == 0.0 ? "each of the k bits changed the label on a flip (proof of relevance)"
                         : "each of the k bits differed on >= " + std::to_string(r.cut) + " of " + pairs +
                               " (false-positive probability <= " + sutro::detail::number_text(o.false_positive) + ")";
  } else if (relevant.size() < k) {
    r.status = solve_status::ambiguous;
    r.reason = "only " + std::to_string(relevant.size()) + " of k = " + std::to_string(k) +
               " bits showed influence with " + pairs + "; more pairs per bit would find the rest";
  } else {
    r.status = solve_status::failed;
    r.reason = std::to_string(relevant.size()) + " bits showed influence, more than k = " + std::to_string(k);
  }
  return r;
}

/// KM-min: one bit-flip pair per bit.
inline km_result km_min(tasks::query_oracle& oracle, km_options o = {}) {
  o.pairs_per_bit = 1;
  return kushilevitz_mansour(oracle, o);
}

}  // namespace sutro::solvers
