#pragma once
// Robust GF(2) elimination for noisy parity labels: solve many random subsets
// of the equations (each just large enough for full rank), keep the candidate
// that agrees with the most training rows. A subset free of flipped labels
// yields the secret; that happens with probability about (1 - p)^(n + 2) per trial.
//
//   auto train = sutro::tasks::sparse_parity(20, 3, 42, {.noise = 0.15}).packed(sutro::tasks::split::train, 500);
//   auto r = sutro::solvers::robust_gf2{}.solve(train);
//
// Candidates whose weight is not k (k is part of the task's public
// definition) are discarded before scoring; the search stops early once a
// candidate's agreement on the rows its system did not use is `exit_z`
// standard deviations above chance, or once the best candidate passes the
// certificate on all rows. `found` needs weight k and the
// union-bound certificate on all m rows (certificate.hpp: wrong with
// probability <= alpha, whichever trial produced the candidate).
// About (1 - p)^-(n + 2) trials are needed: at (100, 3), p = 0.1 that is
// ~40,000; noisy_parity picks a cheaper method there.
//
//   sutro::memory::trace t;                                  // every access of the trials:
//   auto same = sutro::solvers::robust_gf2{}.solve(train, sutro::memory::recording_access{&t});

#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sutro/solvers/certificate.hpp"
#include "sutro/solvers/gf2_basis.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/result.hpp"

namespace sutro::solvers {

struct robust_gf2_options {
  std::size_t trials = 4000;     ///< random systems to solve at most
  std::uint64_t seed = 0x5eed;   ///< of the subset choice (the result is deterministic)
  bool require_weight_k = true;  ///< only score candidates with k ones
  double exit_z = 8.0;           ///< stop when agreement is this many sigma above m/2
  double alpha = 1e-6;           ///< bound on P(found names a wrong subset)
};

namespace detail {
struct splitmix64 {
  std::uint64_t s;
  std::uint64_t operator()() noexcept {
    std::uint64_t z = (s += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::uint64_t bound) noexcept {                    // tiny bias is irrelevant for row choice
    return static_cast<std::size_t>(((*this)() >> 32) * bound >> 32);  // bound < 2^32
  }
};

// The loops below are the solver's, with every array (samples, labels, row
// order, equation, basis, candidates) indexed through mem(pointer):
// memory::raw_access returns the pointer (the plain code), memory::recording_access a handle
// that records each access (the lab's traced run).

/// tasks::packed_samples::label_bit of label y.
inline unsigned label_bit_of(const tasks::packed_samples& d, std::int32_t y) noexcept {
  return d.spec.enc == tasks::encoding::plus_minus_one ? (y < 0 ? 1u : 0u) : (y & 1u);
}
/// load_equation through mem.
template <class E, class Memory>
void load_equation(const tasks::packed_samples& d, std::size_t i, E eq, std::size_t nw, Memory mem) {
  const auto r = mem(d.row(i));
  for (std::size_t w = 0; w < nw; ++w) eq[w] = w < d.row_words ? std::uint64_t(r[w]) : 0;
  const unsigned bit = label_bit_of(d, mem(d.labels.data())[i]);
  eq[d.spec.n / 64] |= std::uint64_t{bit} << (d.spec.n % 64);
}
/// parity_with == label_bit, through mem: row i agrees with candidate x.
template <class X, class Memory>
bool agrees(const tasks::packed_samples& d, std::size_t i, X x, Memory mem) {
  const auto r = mem(d.row(i));
  unsigned p = 0;
  for (std::size_t w = 0; w < d.row_words; ++w)
    p ^= static_cast<unsigned>(std::popcount(std::uint64_t(r[w]) & std::uint64_t(x[w])));
  return (p & 1u) == label_bit_of(d, mem(d.labels.data())[i]);
}
/// std::iota / std::swap of indices through a handle (the standard ones on a pointer).
template <class P>
void iota_indices(P p, std::size_t m) {
  if constexpr (std::is_pointer_v<P>) {
    std::iota(p, p + m, 0u);
  } else {
    for (std::size_t i = 0; i < m; ++i) p[i] = static_cast<std::uint32_t>(i);
  }
}
template <class P>
void swap_indices(P p, std::size_t a, std::size_t b) {
  if constexpr (std::is_pointer_v<P>) {
    std::swap(p[a], p[b]);
  } else {
    const std::uint32_t t = p[a];
    p[a] = std::uint32_t(p[b]);
    p[b] = t;
  }
}

template <std::size_t W, class Memory>
solve_result robust_solve(const tasks::packed_samples& d, const robust_gf2_options& o, Memory mem) {
  const std::size_t n = d.spec.n, m = d.count;
  gf2_basis<W, Memory> basis(n, mem);
  const std::size_t nw = basis.words();
  work_vector<std::uint64_t> eq(nw), x(nw), best(nw, 0);
  work_vector<std::uint32_t> idx(m);
  iota_indices(mem(idx.data()), m);
  splitmix64 rng{o.seed};
  solve_result res;
  const auto cert = union_bound_certificate(n, d.spec.k, m, o.alpha);
  // A noise-free spec leaves no room for a wrong row: the bound's budget
  // would pass labels that are no parity at all (an AND, another draw's).
  const bool exact = d.spec.noise == 0.0;
  const std::size_t allowed = exact ? 0 : cert.threshold;
  bool any_full = false;
  std::size_t short_rank = n;  // below n: the rank of all m rows, found by a trial that used them all
  double best_z = -1e300;
  for (std::size_t t = 0; t < o.trials; ++t) {
    ++res.stats.candidates;
    basis.clear();
    std::size_t used = 0;
    for (; used < m && !basis.full(); ++used) {
      swap_indices(mem(idx.data()), used, used + rng.below(m - used));
      load_equation(d, mem(idx.data())[used], mem(eq.data()), nw, mem);
      (void)basis.insert(mem(eq.data()));  // contradictions: some label in this subset is flipped
    }
    if (!basis.full()) {
      // The loop stopped short of rank n only because every row went in: all
      // m rows have rank < n, and no later trial (a reordering) reaches n.
      short_rank = basis.rank();
      break;
    }
    any_full = true;
    basis.solve(mem(x.data()));
    std::size_t weight = 0;
    for (std::size_t w = 0; w < nw; ++w)
      weight += static_cast<std::size_t>(std::popcount(std::uint64_t(mem(x.data())[w])));
    if (o.require_weight_k && weight != d.spec.k) continue;
    if (equal_words(mem(x.data()), mem(best.data()), nw)) continue;
    // Score on the rows the system did not use: those it used agree by construction.
    const std::size_t held = m - used;
    if (held == 0) continue;
    long agree = 0;
    for (std::size_t i = used; i < m; ++i) agree += agrees(d, mem(idx.data())[i], mem(x.data()), mem);
    const double z =
        (2.0 * static_cast<double>(agree) - static_cast<double>(held)) / std::sqrt(static_cast<double>(held));
    if (z > best_z) {
      best_z = z;
      copy_words(mem(x.data()), mem(best.data()), nw);
      // Certified on all rows already: no later trial can change the answer's correctness.
      std::size_t wrong = 0;
      for (std::size_t i = 0; i < m && cert.valid && wrong <= allowed; ++i) wrong += !agrees(d, i, mem(x.data()), mem);
      if (cert.valid && wrong <= allowed && weight == d.spec.k) break;
    }
    if (z >= o.exit_z) break;
  }
  res.stats.samples_used = m;
  res.stats.rank = any_full ? n : short_rank < n ? short_rank : 0;
  const auto trials = detail::counted(res.stats.candidates, "trial");
  if (best_z == -1e300) {
    res.status = any_full ? solve_status::failed : solve_status::ambiguous;
    res.reason =
        any_full ? "no full-rank trial gave a solution of weight k with rows left to score (" + trials + ")"
        : short_rank < n
            ? "rank " + std::to_string(short_rank) + " < n = " + std::to_string(n) + " over all " +
                  detail::counted(m, "row") + " (m): no subset of them reaches rank n (" + trials + ")"
            : "no trial reached rank n = " + std::to_string(n) + " (" + trials + ", m = " + std::to_string(m) + ")";
    return res;
  }
  for (std::size_t i = 0; i < m; ++i) res.stats.disagreements += !agrees(d, i, mem(best.data()), mem);
  auto subset = mask_to_subset(best.data(), nw);  // the answer read off (not through mem)
  const auto wrong = detail::counted(res.stats.disagreements, "row") + " wrong";
  if (subset.size() != d.spec.k) {
    res.reason = "the best candidate has " + std::to_string(subset.size()) +
                 " indices, spec.k = " + std::to_string(d.spec.k) + " (" + trials + ")";
  } else if (exact && res.stats.disagreements > 0) {
    res.reason = "spec.noise = 0, yet the best candidate has " + wrong + " after " + trials +
                 ": the labels are not a k-sparse parity of the inputs";
  } else if (!cert.valid || res.stats.disagreements > cert.threshold) {
    res.reason = "no candidate certified: the best has " + wrong + " after " + trials + "; " + cert.describe();
  } else {
    res.subset = std::move(subset);
    res.status = solve_status::found;
    res.reason = "certified: " + wrong + " (" + trials + "), " + cert.describe();
  }
  return res;
}
}  // namespace detail

class robust_gf2 {
 public:
  robust_gf2() = default;
  /// Throws std::invalid_argument unless 0 < alpha < 1.
  explicit robust_gf2(robust_gf2_options o) : opt_(o) {
    detail::check_probability(o.alpha, "sutro::solvers::robust_gf2", "alpha");
  }
  [[nodiscard]] std::string_view name() const noexcept { return "robust_gf2"; }

  [[nodiscard]] solve_result solve(const tasks::packed_samples& d) const { return solve(d, memory::raw_access{}); }
  /// The same solve with its arrays reached through `mem`: with
  /// memory::recording_access{&trace} every word the trials read or write is recorded
  /// (the lab's traced run); the result is the same.
  template <class Memory>
  [[nodiscard]] solve_result solve(const tasks::packed_samples& d, Memory mem) const {
    detail::require_parity(d, "sutro::solvers::robust_gf2");
    if (d.spec.n + 1 <= 64) return detail::robust_solve<1>(d, opt_, mem);
    if (d.spec.n + 1 <= 128) return detail::robust_solve<2>(d, opt_, mem);
    return detail::robust_solve<0>(d, opt_, mem);
  }
  [[nodiscard]] const robust_gf2_options& options() const noexcept { return opt_; }

 private:
  robust_gf2_options opt_{};
};

}  // namespace sutro::solvers
