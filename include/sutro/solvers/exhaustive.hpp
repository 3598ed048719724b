#pragma once
// Exhaustive search / Walsh-Hadamard correlation over all C(n, k) subsets,
// bit-sliced: with the samples in column form, a subset's mistakes are
// popcount(labels ^ col_a ^ col_b ^ ...), i.e. (m - its Walsh coefficient) / 2.
// XORs of shared prefixes are reused and each popcount stops as soon as the
// subset can no longer matter.
//
//   auto train = sutro::tasks::sparse_parity(20, 3, 42).packed(sutro::tasks::split::train, 24);
//   auto r = sutro::solvers::exhaustive{}.solve(train);   // near log2 C(n, k) samples suffice
//   sutro::memory::trace t;                                // the same search, every access recorded:
//   auto same = sutro::solvers::exhaustive{}.solve(train, sutro::memory::recording_access{&t});
//
// Noiseless data (spec.noise == 0): exact matches are sought; one is `found`
// (exact under the model), two mean `ambiguous`. With stop_at_first the first
// match is `found` only when a second one is unlikely: C(n, k) 2^-m <= alpha.
// Noisy data: the subset with fewest mistakes is `found` when it passes the
// union-bound certificate (certificate.hpp: a wrong answer has probability
// <= alpha) and the runner-up does not; both passing is `ambiguous`.
// A search whose predicted cost, C(n, k) (ceil(m / 64) + 1) word operations
// (2 a subset on noise-free rows), is over max_cost fails up front, and so does one whose C(n, k) overflows a
// double, cap or none.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sutro/memory/access_policy.hpp"
#include "sutro/solvers/bit_columns.hpp"
#include "sutro/solvers/certificate.hpp"
#include "sutro/solvers/input_check.hpp"
#include "sutro/solvers/result.hpp"

namespace sutro::solvers {

struct exhaustive_options {
  std::size_t max_samples = 0;  ///< use at most this many rows (0: all)
  bool stop_at_first = false;   ///< noiseless: return the first exact match unchecked for uniqueness
  double alpha = 1e-6;          ///< bound on P(found names a wrong subset), noisy or stop_at_first
  /// Above this expected cost (word operations, about a nanosecond each:
  /// exhaustive_cost) the search fails up front; infinity: no cap.
  double max_cost = 1e12;
};

/// The predicted cost of an exhaustive search on m rows, in word operations
/// (the unit of the other solvers' max_cost): C(n, k) subsets, each a
/// popcount over ceil(m / 64) words plus its prefix step; on noise-free rows
/// (exact) a wrong subset's popcount stops at its first word, so 2 a subset.
/// Infinite where C(n, k) overflows a double.
[[nodiscard]] inline double exhaustive_cost(std::size_t n, std::size_t k, std::size_t m, bool exact = false) {
  return std::exp(detail::log_choose(double(n), double(k))) * (exact ? 2.0 : double((m + 63) / 64 + 1));
}

class exhaustive {
 public:
  exhaustive() = default;
  /// Throws std::invalid_argument unless 0 < alpha < 1 and max_cost > 0.
  explicit exhaustive(exhaustive_options o) : opt_(o) {
    detail::check_probability(o.alpha, "sutro::solvers::exhaustive", "alpha");
    detail::check_max_cost(o.max_cost, "sutro::solvers::exhaustive");
  }
  [[nodiscard]] std::string_view name() const noexcept { return "exhaustive"; }
  [[nodiscard]] const exhaustive_options& options() const noexcept { return opt_; }

  [[nodiscard]] solve_result solve(const tasks::packed_samples& d) const { return solve(d, memory::raw_access{}); }
  /// The same search with every array reached through `mem`: with
  /// memory::recording_access{&trace} each sample word and label (building the
  /// columns), column, prefix and index word it reads or writes is recorded
  /// (the lab's traced run); the result is the same.
  template <class Memory>
  [[nodiscard]] solve_result solve(const tasks::packed_samples& d, Memory mem) const {
    check_samples(d, tasks::task_kind::parity, "sutro::solvers::exhaustive");
    const std::size_t used = opt_.max_samples ? std::min(opt_.max_samples, d.count) : d.count;
    const double cost = exhaustive_cost(d.spec.n, d.spec.k, used, d.spec.noise == 0.0);
    if (!(std::isfinite(cost) && cost <= opt_.max_cost)) {
      solve_result res;
      res.stats.samples_used = used;
      res.reason = "not run: its expected cost, " + detail::format_double(cost) + " word operations (C(" +
                   std::to_string(d.spec.n) + ", " + std::to_string(d.spec.k) + ") subsets), is " +
                   (std::isfinite(cost) ? "over" : "past a double's range, whatever") +
                   " max_cost = " + detail::format_double(opt_.max_cost);
      return res;
    }
    state<Memory> s;
    s.mem = mem;
    s.cols = bit_columns::from(d, opt_.max_samples, mem);
    s.k = d.spec.k;
    s.exact = d.spec.noise == 0.0;
    s.stop_at_first = opt_.stop_at_first;
    s.idx.assign(s.k, 0);
    s.best_idx.assign(s.k, 0);
    s.prefix.assign((s.k + 1) * s.cols.words, 0);
    const auto level0 = mem(s.prefix.data());
    const auto labels = mem(s.cols.labels());
    for (std::size_t w = 0; w < s.cols.words; ++w) level0[w] = std::uint64_t(labels[w]);
    s.search(0, 0);

    solve_result res;
    res.stats.samples_used = s.cols.m;
    res.stats.candidates = s.visited;
    const auto cert = union_bound_certificate(d.spec.n, s.k, s.cols.m, opt_.alpha);
    if (s.exact) {
      if (s.matches == 0) {
        res.reason = "no subset of size k fits the " + detail::counted(s.cols.m, "row") +
                     ": the labels are not a noise-free k-sparse parity";
      } else if (s.matches >= 2) {
        res.status = solve_status::ambiguous;
        res.reason = "two subsets of size k fit the " + detail::counted(s.cols.m, "row") + ": too few samples";
      } else if (s.stop && !cert.valid) {
        res.status = solve_status::ambiguous;
        res.reason = "stop_at_first: a match, unchecked for uniqueness, and " + cert.describe();
      } else {
        res.status = solve_status::found;
        res.subset = s.best_idx;
        res.reason = s.stop ? "first exact match; a second one has probability <= " +
                                  detail::format_double(cert.false_positive(0))
                            : "the only subset of size k that fits every row (exact under the noise-free model)";
      }
      return res;
    }
    res.stats.disagreements = s.best;
    const auto passes = [&](std::size_t t) { return cert.valid && t <= cert.threshold; };
    if (passes(s.best) && passes(s.second)) {
      res.status = solve_status::ambiguous;
      res.reason = "two subsets pass (" + std::to_string(s.best) + " and " + std::to_string(s.second) +
                   " rows wrong); " + cert.describe();
    } else if (passes(s.best)) {
      res.status = solve_status::found;
      res.subset = s.best_idx;
      res.reason = "certified: " + detail::counted(s.best, "row") + " wrong, " + cert.describe();
    } else {
      res.reason = "no subset certified: the best has " + detail::counted(s.best, "row") + " wrong; " + cert.describe();
    }
    return res;
  }

 private:
  // The search indexes every array (columns, prefix levels, index words)
  // through mem(pointer): the pointer itself under memory::raw_access, a
  // recording handle under memory::recording_access.
  template <class Memory>
  struct state {
    [[no_unique_address]] Memory mem;
    bit_columns cols;
    std::size_t k = 0;
    bool exact = true, stop_at_first = false, stop = false;
    std::vector<std::uint32_t> idx, best_idx;  // best_idx: the answer, read off untraced
    work_vector<std::uint64_t> prefix;         // level d: labels ^ columns idx[0..d)
    std::uint64_t visited = 0;
    std::size_t matches = 0;
    std::size_t best = std::numeric_limits<std::size_t>::max(), second = best;

    void search(std::size_t depth, std::size_t start) {
      const std::size_t nw = cols.words, n = cols.n;
      const auto p = mem(static_cast<const std::uint64_t*>(prefix.data() + depth * nw));
      if (depth + 1 == k) {
        leaves(p, start);
        return;
      }
      const auto q = mem(prefix.data() + (depth + 1) * nw);
      for (std::size_t j = start; j + (k - depth) <= n && !stop; ++j) {
        const auto c = mem(cols.col(j));
        for (std::size_t w = 0; w < nw; ++w) q[w] = std::uint64_t(p[w]) ^ std::uint64_t(c[w]);
        mem(idx.data())[depth] = static_cast<std::uint32_t>(j);
        search(depth + 1, j + 1);
      }
    }

    // Inlined into search: most calls scan a few columns, so a call per
    // prefix costs as much as the scan (k = 5: 1.5x the whole solve).
    template <class P>
    [[gnu::always_inline]] inline void leaves(P p, std::size_t start) {
      const std::size_t nw = cols.words, n = cols.n;
      for (std::size_t j = start; j < n && !stop; ++j) {
        ++visited;
        const auto c = mem(cols.col(j));
        const std::size_t bound = exact ? 0 : second;  // beyond it the subset cannot matter
        std::size_t count = 0;
        for (std::size_t w = 0; w < nw && count <= bound; ++w)
          count += static_cast<std::size_t>(std::popcount(std::uint64_t(p[w]) ^ std::uint64_t(c[w])));
        if (count > bound) continue;
        mem(idx.data())[k - 1] = static_cast<std::uint32_t>(j);
        if (exact) {
          if (++matches == 1) keep_best();
          if (matches >= 2 || stop_at_first) stop = true;
        } else if (count < best) {
          second = best;
          best = count;
          keep_best();
        } else {
          second = count;
        }
      }
    }

    void keep_best() {
      const auto from = mem(static_cast<const std::uint32_t*>(idx.data()));
      const auto to = mem(best_idx.data());
      for (std::size_t t = 0; t < k; ++t) to[t] = std::uint32_t(from[t]);
    }
  };

  exhaustive_options opt_{};
};

}  // namespace sutro::solvers
