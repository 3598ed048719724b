#pragma once
// Meet-in-the-middle for noisy sparse parity, bucketed on a few clean rows
// (the light-bulb idea: find the one pair of "bulbs" that agree on a hash).
// Split k = h1 + h2. On rows R free of label noise, y_R xor cols_R(A) equals
// cols_R(B) exactly when A and B split the secret. Each round draws r random
// rows, keys every h1-subset A by that r-bit word (label included) in a sorted
// table, and streams every h2-subset B looking its key up: a collision names
// the candidate A u B, checked on all m rows against the union-bound
// certificate (certificate.hpp). The round succeeds when its r rows are clean,
// probability about (1 - p)^r; spurious collisions number about
// C(n, h1) C(n, h2) 2^-r. r is chosen to minimize the expected cost of both.
//
//   auto train = sutro::tasks::sparse_parity(200, 3, 42, {.noise = 0.1}).packed(sutro::tasks::split::train, 1000);
//   auto r = sutro::solvers::bucket_search{}.solve(train);   // ~10 rounds of C(200, 2) lookups
//
// `found` is wrong with probability <= alpha (the certificate covers every
// weight-k subset, however the candidate was found). Rounds stop at the first
// certified candidate or after enough rounds that a clean round was missed
// with probability <= miss: then `failed`, with the best candidate's count.
// The budget takes the larger of two clean-round probabilities: (1 - p')^r
// with p' the high end of the flip rate, and C(m - t, r) / C(m, r), which
// holds whenever the secret could pass the certificate (<= t flipped rows).
// A search that can certify nothing would spend that whole budget, so three
// rules end it sooner, each missing a certifiable answer with probability
// <= miss or only past max_cost:
//  - not run when the secret's own flips, Bin(m, p_low) with p_low the
//    declared rate less three standard deviations, are <= t with
//    probability below miss (too few rows for the noise);
//  - stopped when the best candidate is over t but at most the count that
//    some wrong subset reaches with probability <= miss (the certificate at
//    miss in place of alpha): it is the secret, which cannot be certified;
//  - no more rounds than max_cost pays for at the predicted cost of a round.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sutro/solvers/bit_columns.hpp"
#include "sutro/solvers/certificate.hpp"
#include "sutro/solvers/gf2_basis.hpp"
#include "sutro/solvers/input_check.hpp"
#include "sutro/solvers/result.hpp"
#include "sutro/solvers/robust_gf2.hpp"

namespace sutro::solvers {

struct bucket_search_options {
  std::uint64_t seed = 0x5eed;  ///< of the row choice (the result is deterministic)
  double alpha = 1e-6;          ///< bound on P(found names a wrong subset)
  double miss = 1e-4;           ///< rounds: enough that no clean round happens with at most this probability
  std::size_t key_bits = 0;     ///< rows per key, 1..64 (0: the cheapest by the cost model)
  /// Above this expected cost (word operations, about a nanosecond each) the
  /// search fails up front; infinity: no cap. The rounds also stop once their
  /// predicted cost reaches it, so a search that certifies nothing costs at
  /// most max_cost too (uncapped, its whole round budget is up to
  /// ln(1 / miss) = 9 times the expected cost).
  double max_cost = 1e12;
};

/// What a bucket search will do on (n, k, m, p): its key width, round budget
/// and expected cost in word operations (the unit noisy_parity compares).
struct bucket_plan {
  std::size_t key_bits = 0;
  /// Rounds at most: enough to miss a clean round with probability <= miss,
  /// or fewer where max_cost pays for fewer (capped).
  std::size_t max_rounds = 0;
  double expected_cost = std::numeric_limits<double>::infinity();
  double round_cost = std::numeric_limits<double>::infinity();  ///< predicted word operations of one round
  bool capped = false;  ///< max_rounds is max_cost / round_cost, below the miss budget
  /// P(Bin(m, p_low) <= t), p_low = p - 3 sqrt(p (1 - p) / m): the chance
  /// that the secret's own flips leave it certifiable, at the low end of the
  /// declared rate. Below miss the search is not run.
  double secret_passes = 0;
};

namespace detail {
/// The round and trial budgets assume this many flipped rows: the m rows
/// hold Bin(m, p) flips, and a sample with more than m p of them makes a
/// clean draw rarer than (1 - p)^r.
[[nodiscard]] inline double noise_high(double p, std::size_t m) {
  return p == 0.0 ? 0.0 : std::fmin(0.5, p + 3.0 * std::sqrt(p * (1.0 - p) / double(m)));
}
/// The low end, three standard deviations down: the declared rate is often
/// an assumption (sutro.solve assumes 10%), and cleaner rows than declared
/// must not make a search look hopeless.
[[nodiscard]] inline double noise_low(double p, std::size_t m) {
  return p == 0.0 ? 0.0 : std::fmax(0.0, p - 3.0 * std::sqrt(p * (1.0 - p) / double(m)));
}
/// A lower bound on P(r random rows of m are clean) given that the secret
/// can pass the certificate at all (it then mislabels at most t rows):
/// C(m - t, r) / C(m, r). Where t is small (few rows for the noise) this caps
/// the budget: past it a missing answer means no certifiable answer.
[[nodiscard]] inline double clean_draw_if_certifiable(std::size_t m, std::size_t r, const certificate& c) {
  if (!c.valid || c.threshold + r > m) return 0.0;
  const auto md = double(m), rd = double(r), td = double(c.threshold);
  return std::exp(log_choose(md - td, rd) - log_choose(md, rd));
}
/// P(Bin(m, p) <= t). The tail away from the mode is summed from its largest
/// term outward, relative to it (no underflow, stops once the terms vanish).
[[nodiscard]] inline double binomial_cdf(std::size_t m, double p, std::size_t t) {
  if (t >= m || p <= 0.0) return 1.0;
  if (p >= 1.0) return 0.0;
  const double md = double(m), odds = p / (1.0 - p);
  const auto log_term = [&](double i) { return log_choose(md, i) + i * std::log(p) + (md - i) * std::log1p(-p); };
  const bool lower = double(t) < std::floor((md + 1.0) * p);  // t below the mode
  const std::size_t top = lower ? t : t + 1;
  double sum = 1, term = 1;
  if (lower) {
    for (std::size_t i = top; i > 0 && term > 1e-17 * sum; --i) {
      term *= double(i) / ((md - double(i) + 1.0) * odds);  // P(i - 1) / P(i)
      sum += term;
    }
  } else {
    for (std::size_t i = top; i < m && term > 1e-17 * sum; ++i) {
      term *= (md - double(i)) / (double(i) + 1.0) * odds;  // P(i + 1) / P(i)
      sum += term;
    }
  }
  const double tail = std::fmin(1.0, std::exp(log_term(double(top))) * sum);
  return lower ? tail : 1.0 - tail;
}
}  // namespace detail

[[nodiscard]] inline bucket_plan plan_bucket_search(std::size_t n, std::size_t k, std::size_t m, double p,
                                                    const bucket_search_options& o = {}) {
  detail::check_probability(o.alpha, "sutro::solvers::plan_bucket_search", "alpha");
  detail::check_probability(o.miss, "sutro::solvers::plan_bucket_search", "miss");
  detail::check_max_cost(o.max_cost, "sutro::solvers::plan_bucket_search");
  bucket_plan best;
  const std::size_t h1 = k / 2, h2 = k - h1;
  const double a = std::exp(detail::log_choose(double(n), double(h1)));
  const double b = std::exp(detail::log_choose(double(n), double(h2)));
  if (a > 1e8 || m == 0) return best;  // the table would not fit
  // A table entry or probe (a recursion step, a binary search) costs about
  // five of exhaustive's word steps: measured on the project's Zen 5 with
  // benchmarks/noisy_parity at (50, 3), (100, 3) and (200, 3).
  constexpr double probe_weight = 5.0;
  const auto cert = union_bound_certificate(n, k, m, o.alpha);
  const double lookup = probe_weight * (1.0 + std::log2(a + 1.0)), verify = double(k) * double((m + 63) / 64 + 1);
  const double secret_passes = cert.valid ? detail::binomial_cdf(m, detail::noise_low(p, m), cert.threshold) : 0.0;
  const auto plan_for = [&](std::size_t r) {
    bucket_plan pl;
    pl.key_bits = r;
    pl.secret_passes = secret_passes;
    const double q = std::pow(1.0 - p, double(r));  // all r rows clean
    pl.round_cost = (a + b) * lookup + a * b * std::ldexp(1.0, -int(r)) * verify + double(r * n) / 8.0;
    pl.expected_cost = pl.round_cost / q;
    const double q_low =
        std::max(std::pow(1.0 - detail::noise_high(p, m), double(r)), detail::clean_draw_if_certifiable(m, r, cert));
    const double rounds = q_low >= 1.0 ? 1.0 : std::ceil(std::log(o.miss) / std::log1p(-q_low));
    pl.max_rounds = rounds > 1e9 ? std::size_t{1000000000} : std::max<std::size_t>(1, std::size_t(rounds));
    // Comparing in double: max_cost may be infinite, the quotient past size_t.
    const double affordable = std::fmax(1.0, std::floor(o.max_cost / pl.round_cost));
    if (affordable < double(pl.max_rounds)) {
      pl.max_rounds = std::size_t(affordable);
      pl.capped = true;
    }
    return pl;
  };
  const std::size_t top = std::min<std::size_t>(64, m);
  if (o.key_bits) return plan_for(std::min(o.key_bits, top));
  for (std::size_t r = 1; r <= top; ++r) {
    const auto pl = plan_for(r);
    if (pl.expected_cost < best.expected_cost) best = pl;
  }
  return best;
}

class bucket_search {
 public:
  bucket_search() = default;
  /// Throws std::invalid_argument unless 0 < alpha < 1, 0 < miss < 1 and max_cost > 0.
  explicit bucket_search(bucket_search_options o) : opt_(o) {
    detail::check_probability(o.alpha, "sutro::solvers::bucket_search", "alpha");
    detail::check_probability(o.miss, "sutro::solvers::bucket_search", "miss");
    detail::check_max_cost(o.max_cost, "sutro::solvers::bucket_search");
  }
  [[nodiscard]] std::string_view name() const noexcept { return "bucket_search"; }
  [[nodiscard]] const bucket_search_options& options() const noexcept { return opt_; }

  [[nodiscard]] solve_result solve(const tasks::packed_samples& d) const {
    check_samples(d, tasks::task_kind::parity, "sutro::solvers::bucket_search");
    const std::size_t n = d.spec.n, k = d.spec.k, m = d.count;
    const auto plan = plan_bucket_search(n, k, m, d.spec.noise, opt_);
    const auto cert = union_bound_certificate(n, k, m, opt_.alpha);
    solve_result res;
    res.stats.samples_used = m;
    if (plan.key_bits == 0) {
      res.reason = "bucket_search does not apply: C(n, k / 2) is too large for its table, or m = 0";
      return res;
    }
    if (!cert.valid) {
      res.reason = "no subset can be certified: " + cert.describe();
      return res;
    }
    if (!(plan.expected_cost <= opt_.max_cost)) {
      res.reason = "not run: its expected cost, " + detail::format_double(plan.expected_cost) +
                   " word operations, is over max_cost = " + detail::format_double(opt_.max_cost);
      return res;
    }
    // A noise-free spec leaves no room for a wrong row: the bound's budget
    // would pass labels that are no parity at all (an AND, another draw's).
    const bool exact = d.spec.noise == 0.0;
    if (!exact && plan.secret_passes < opt_.miss) {
      res.reason = "not run: the secret's own flips, Bin(m = " + std::to_string(m) +
                   ", p = " + detail::format_double(detail::noise_low(d.spec.noise, m)) +
                   ", the low end of spec.noise = " + detail::format_double(d.spec.noise) +
                   "), are <= " + std::to_string(cert.threshold) + " with probability " +
                   detail::format_double(plan.secret_passes) + ", below miss = " + detail::format_double(opt_.miss) +
                   ": too few rows for this noise; " + cert.describe();
      return res;
    }
    // Past `secret` rows wrong, a wrong subset shows up with probability
    // <= miss; a candidate at or under it but over t is the secret, which
    // then cannot be certified.
    const auto seen = union_bound_certificate(n, k, m, opt_.miss);
    const std::size_t secret = !exact && seen.valid && seen.threshold > cert.threshold ? seen.threshold : 0;
    search s{d, bit_columns::from(d), plan.key_bits, k / 2, k - k / 2, exact ? 0 : cert.threshold, secret};
    detail::splitmix64 rng{opt_.seed};
    std::size_t rounds = 0;
    while (rounds < plan.max_rounds && !s.done) {
      ++rounds;
      s.round(rng);
    }
    res.stats.candidates = s.checked;
    res.stats.disagreements = s.best_count;
    const std::string how = detail::counted(rounds, "round") + " of " + std::to_string(plan.key_bits) + "-row keys, " +
                            detail::counted(s.checked, "candidate") + " checked";
    const std::string best = s.best.empty() ? std::string("none") : detail::counted(s.best_count, "row") + " wrong";
    if (s.certified) {
      res.status = solve_status::found;
      res.subset.assign(s.best.begin(), s.best.end());
      res.reason = "certified: " + detail::counted(s.best_count, "row") + " wrong (" + how + "), " + cert.describe();
    } else if (s.done) {
      res.reason =
          "stopped after " + how + ": the best candidate, " + best + ", is over the certificate's " +
          std::to_string(cert.threshold) + " but at most " + std::to_string(secret) +
          ", a count some wrong subset reaches with probability <= miss = " + detail::format_double(opt_.miss) +
          ": it is the secret, and these rows cannot certify it; " + cert.describe();
    } else if (exact && !s.best.empty()) {
      res.reason = "spec.noise = 0, yet no candidate agrees with every row after " + how + " (best: " + best +
                   "): the labels are not a k-sparse parity of the inputs";
    } else if (plan.capped) {
      res.reason = "no candidate certified after " + how + " (best: " + best +
                   "): max_cost = " + detail::format_double(opt_.max_cost) + " pays for no more rounds at " +
                   detail::format_double(plan.round_cost) + " word operations each; " + cert.describe();
    } else {
      res.reason = "no candidate certified after " + how + " (best: " + best + "); " + cert.describe();
    }
    return res;
  }

 private:
  struct search {
    const tasks::packed_samples& d;
    bit_columns cols;
    std::size_t r, h1, h2, threshold;
    std::size_t secret;  // a best count in (threshold, secret] ends the search uncertified
    // Counted by the accounting allocator (work_vector), as every solver's
    // buffers are, so the lab's memory columns include them.
    work_vector<std::uint64_t> key{};   // per column: its bits on this round's rows
    work_vector<std::uint32_t> rows{};  // a permutation of [0, m); the first r are this round's
    work_vector<std::pair<std::uint64_t, std::uint32_t>> table{};  // (key, A's rank)
    work_vector<std::uint32_t> a_sets{};                           // A's indices, h1 per rank
    work_vector<std::uint32_t> idx{}, cand{}, best{};
    std::uint64_t checked = 0;
    std::size_t best_count = std::numeric_limits<std::size_t>::max();
    bool done = false, certified = false;

    /// Calls f(key, indices) for every h-subset of [0, n) in lexicographic order.
    template <class F>
    void subsets(std::size_t h, std::size_t depth, std::size_t start, std::uint64_t acc, F& f) {
      if (depth == h) {
        f(acc);
        return;
      }
      for (std::size_t j = start; j + (h - depth) <= cols.n && !done; ++j) {
        idx[depth] = static_cast<std::uint32_t>(j);
        subsets(h, depth + 1, j + 1, acc ^ key[j], f);
      }
    }

    void round(detail::splitmix64& rng) {
      const std::size_t n = cols.n, m = cols.m;
      if (rows.empty()) {
        rows.resize(m);
        for (std::size_t i = 0; i < m; ++i) rows[i] = static_cast<std::uint32_t>(i);
        idx.resize(std::max(h1, h2));
      }
      key.assign(n, 0);
      std::uint64_t label_key = 0;
      for (std::size_t t = 0; t < r; ++t) {
        std::swap(rows[t], rows[t + rng.below(m - t)]);
        const std::uint64_t bit = std::uint64_t{1} << t;
        const std::uint64_t* row = d.row(rows[t]);
        for (std::size_t w = 0; w < d.row_words; ++w)
          for (std::uint64_t v = row[w]; v; v &= v - 1)
            key[w * 64 + static_cast<std::size_t>(std::countr_zero(v))] |= bit;
        if (d.label_bit(rows[t])) label_key |= bit;
      }
      table.clear();
      a_sets.clear();
      auto add = [&](std::uint64_t kv) {
        table.emplace_back(kv, static_cast<std::uint32_t>(table.size()));
        a_sets.insert(a_sets.end(), idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(h1));
      };
      subsets(h1, 0, 0, label_key, add);
      std::sort(table.begin(), table.end());
      auto probe = [&](std::uint64_t kv) {
        auto it = std::lower_bound(table.begin(), table.end(), std::pair<std::uint64_t, std::uint32_t>{kv, 0});
        for (; it != table.end() && it->first == kv && !done; ++it) check(a_sets.data() + std::size_t{it->second} * h1);
      };
      subsets(h2, 0, 0, 0, probe);
    }

    /// A u B (B in idx) checked on every row, if the two are disjoint.
    void check(const std::uint32_t* a) {
      cand.assign(a, a + h1);
      cand.insert(cand.end(), idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(h2));
      std::sort(cand.begin(), cand.end());
      if (std::adjacent_find(cand.begin(), cand.end()) != cand.end()) return;
      ++checked;
      const std::size_t limit = best_count;  // past it the count is not needed exactly
      std::size_t count = 0;
      for (std::size_t w = 0; w < cols.words && count <= limit; ++w) {
        std::uint64_t x = cols.labels()[w];
        for (auto j : cand) x ^= cols.col(j)[w];
        count += static_cast<std::size_t>(std::popcount(x));
      }
      if (count < best_count) {
        best_count = count;
        best = cand;
      }
      certified = best_count <= threshold;
      done = certified || best_count <= secret;
    }
  };

  bucket_search_options opt_{};
};

}  // namespace sutro::solvers
