#pragma once
// Learning sparse parity with noise: one entry that picks, by predicted cost
// in word operations, among three certified methods:
//  - exhaustive: every C(n, k) subset, cost ~ C(n, k) ceil(m / 64);
//  - bucket_search: meet-in-the-middle bucketed on clean rows, cost
//    ~ (C(n, k/2) + C(n, k - k/2)) / (1 - p)^r (plan_bucket_search);
//  - prange (robust_gf2, information-set decoding): random (n + 2)-row
//    systems until one is free of flips, cost ~ n^2 ceil(n / 64) / (1 - p)^(n + 2),
//    independent of k: it wins for large k at small n and p.
// All three report `found` only through the union-bound certificate
// (certificate.hpp), so an answer is wrong with probability <= alpha whichever
// method ran. For parity, every Walsh coefficient of order below k is exactly
// zero, so correlation screening of single bits carries no signal here.
//
//   auto train = sutro::tasks::sparse_parity(100, 3, 42, {.noise = 0.1}).packed(sutro::tasks::split::train, 1000);
//   auto r = sutro::solvers::noisy_parity{}.solve(train);
//   // r.reason: "bucket_search: certified: 96 rows wrong (...)"
//   auto plan = sutro::solvers::plan_noisy_parity(train.spec, train.count);   // what it would run, and why

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "sutro/solvers/bucket_search.hpp"
#include "sutro/solvers/certificate.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/input_check.hpp"
#include "sutro/solvers/result.hpp"
#include "sutro/solvers/robust_gf2.hpp"

namespace sutro::solvers {

enum class parity_method { automatic, exhaustive, bucket_search, prange };

[[nodiscard]] inline const char* to_string(parity_method m) noexcept {
  switch (m) {
    case parity_method::exhaustive:
      return "exhaustive";
    case parity_method::bucket_search:
      return "bucket_search";
    case parity_method::prange:
      return "prange";
    default:
      return "automatic";
  }
}

struct noisy_parity_options {
  parity_method method = parity_method::automatic;  ///< force one method (tests, comparisons)
  double alpha = 1e-6;                              ///< bound on P(found names a wrong subset)
  double miss = 1e-4;                               ///< randomized methods: chance of missing a clean draw
  std::uint64_t seed = 0x5eed;
  std::size_t max_trials = 10'000'000;  ///< prange: cap on the trials its budget may ask for
  /// Above this expected cost (word operations, about a nanosecond each) of
  /// the method chosen, fail up front; infinity: no cap. The randomized
  /// methods also stop once their rounds or trials have cost about this much
  /// (by the plan's cost per round or trial), so a run that certifies nothing
  /// is capped too (uncapped it would spend up to ln(1 / miss) = 9 times the
  /// expected cost).
  double max_cost = 1e12;
};

/// The predicted cost (word operations) of each method and the choice.
struct parity_plan {
  parity_method method = parity_method::exhaustive;
  double exhaustive_cost = 0, bucket_cost = 0, prange_cost = 0;
  /// Prange's trials: enough for a clean system with probability 1 - miss,
  /// or fewer where max_cost or max_trials allow fewer.
  std::size_t prange_trials = 0;
  bucket_plan bucket{};
};

[[nodiscard]] inline parity_plan plan_noisy_parity(const tasks::task_spec& spec, std::size_t m,
                                                   const noisy_parity_options& o = {}) {
  detail::check_probability(o.alpha, "sutro::solvers::plan_noisy_parity", "alpha");
  detail::check_probability(o.miss, "sutro::solvers::plan_noisy_parity", "miss");
  detail::check_max_cost(o.max_cost, "sutro::solvers::plan_noisy_parity");
  constexpr double inf = std::numeric_limits<double>::infinity();
  parity_plan pl;
  const auto n = double(spec.n), p = spec.noise;
  pl.exhaustive_cost = exhaustive_cost(spec.n, spec.k, m);
  pl.bucket = plan_bucket_search(spec.n, spec.k, m, p,
                                 {.seed = o.seed, .alpha = o.alpha, .miss = o.miss, .max_cost = o.max_cost});
  pl.bucket_cost = pl.bucket.expected_cost;
  const double q = std::pow(1.0 - p, n + 2.0);  // a random system of ~n + 2 rows has no flip
  const double q_low =
      std::max(std::pow(1.0 - detail::noise_high(p, m), n + 2.0),
               detail::clean_draw_if_certifiable(m, spec.n + 2, union_bound_certificate(spec.n, spec.k, m, o.alpha)));
  const double trials = q_low >= 1.0 ? 1.0 : std::ceil(std::log(o.miss) / std::log1p(-q_low));
  // No more trials than max_cost pays for: a run that certifies nothing
  // spends them all, up to ln(1 / miss) = 9 times the expected cost.
  const double trial_cost = (n + 2.0) * n * std::ceil((n + 1.0) / 64.0);
  const double affordable = std::fmax(1.0, std::floor(o.max_cost / trial_cost));
  const double allowed = std::fmin(std::fmin(trials, affordable), double(o.max_trials));
  // double(max_trials) may round up to 2^64, which size_t cannot hold.
  pl.prange_trials = allowed >= double(o.max_trials) ? o.max_trials : std::size_t(allowed);
  pl.prange_cost = m > spec.n ? trial_cost / q : inf;
  pl.method = parity_method::exhaustive;
  double best = pl.exhaustive_cost;
  if (pl.bucket_cost < best) best = pl.bucket_cost, pl.method = parity_method::bucket_search;
  if (pl.prange_cost < best) pl.method = parity_method::prange;
  if (o.method != parity_method::automatic) pl.method = o.method;
  return pl;
}

class noisy_parity {
 public:
  noisy_parity() = default;
  /// Throws std::invalid_argument unless 0 < alpha < 1, 0 < miss < 1 and max_cost > 0.
  explicit noisy_parity(noisy_parity_options o) : opt_(o) {
    detail::check_probability(o.alpha, "sutro::solvers::noisy_parity", "alpha");
    detail::check_probability(o.miss, "sutro::solvers::noisy_parity", "miss");
    detail::check_max_cost(o.max_cost, "sutro::solvers::noisy_parity");
  }
  [[nodiscard]] std::string_view name() const noexcept { return "noisy_parity"; }
  [[nodiscard]] const noisy_parity_options& options() const noexcept { return opt_; }

  [[nodiscard]] solve_result solve(const tasks::packed_samples& d) const {
    check_samples(d, tasks::task_kind::parity, "sutro::solvers::noisy_parity");
    const auto pl = plan_noisy_parity(d.spec, d.count, opt_);
    solve_result r;
    const double cost = pl.method == parity_method::bucket_search ? pl.bucket_cost
                        : pl.method == parity_method::prange      ? pl.prange_cost
                                                                  : pl.exhaustive_cost;
    // Prange on m <= n rows is priced at infinity ("cannot reach rank n"),
    // which robust_gf2 reports after one trial; every other infinity or NaN is
    // an overflowing plan, refused with the rest.
    const bool reports_at_once = pl.method == parity_method::prange && d.count <= d.spec.n;
    if (!reports_at_once && !(cost <= opt_.max_cost)) {
      r.stats.samples_used = d.count;
      r.reason = std::string(to_string(pl.method)) + ": not run: its expected cost, " + detail::format_double(cost) +
                 " word operations, is over max_cost = " + detail::format_double(opt_.max_cost) + " (exhaustive " +
                 detail::format_double(pl.exhaustive_cost) + ", bucket_search " +
                 detail::format_double(pl.bucket_cost) + ", prange " + detail::format_double(pl.prange_cost) + ")";
      return r;
    }
    switch (pl.method) {
      case parity_method::bucket_search:
        r = bucket_search({.seed = opt_.seed,
                           .alpha = opt_.alpha,
                           .miss = opt_.miss,
                           .key_bits = pl.bucket.key_bits,
                           .max_cost = opt_.max_cost})
                .solve(d);
        break;
      case parity_method::prange:
        r = robust_gf2({.trials = pl.prange_trials, .seed = opt_.seed, .alpha = opt_.alpha}).solve(d);
        break;
      default:
        r = noisy_exhaustive(d);
        break;
    }
    r.reason = std::string(to_string(pl.method)) + ": " + r.reason;
    // A randomized method that certifies nothing has not shown that no subset
    // fits (its draws can all be unlucky, or leave too few rows to score):
    // when the exhaustive search is affordable, its answer is definitive.
    if (r.status != solve_status::found && pl.method != parity_method::exhaustive &&
        opt_.method == parity_method::automatic &&
        pl.exhaustive_cost <= std::min(exhaustive_fallback_cost, opt_.max_cost)) {
      solve_result e = noisy_exhaustive(d);
      e.stats.candidates += r.stats.candidates;
      e.reason = "exhaustive (after " + r.reason + "): " + e.reason;
      return e;
    }
    return r;
  }
  /// Largest predicted exhaustive cost (word operations) still run after a
  /// randomized method comes back without a certified answer (about a second).
  static constexpr double exhaustive_fallback_cost = 1e9;

 private:
  // exhaustive's certificate is the noisy one only when spec.noise > 0; at
  // p = 0 its exact-match rule is stronger still.
  [[nodiscard]] solve_result noisy_exhaustive(const tasks::packed_samples& d) const {
    return exhaustive({.alpha = opt_.alpha, .max_cost = opt_.max_cost}).solve(d);
  }

  noisy_parity_options opt_{};
};

}  // namespace sutro::solvers
