#pragma once
// The lab's traced runs for exact solvers (from_solver attaches them). Each
// says which trace it is: the library's own GF(2) kernels on traced matrices
// (gf2::recorded_matrix, scalar kernel, 8-byte words), doing the elimination
// the solver does, the solver's loop re-written over traced handles (a
// model, and named so), or the solver's own loops instantiated over traced
// handles (robust_gf2: memory::recording_access).

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>
#include <limits>
#include <numeric>
#include <cmath>
#include <vector>
#include <cstddef>
#include <string>
#include <utility>

#include "sutro/gf2/recorded.hpp"
#include "sutro/lab/data_movement.hpp"
#include "sutro/lab/method.hpp"
#include "sutro/memory/accessor.hpp"
#include "sutro/solvers/bit_columns.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/gf2_general.hpp"
#include "sutro/solvers/robust_gf2.hpp"
#include "sutro/solvers/sparse_sum.hpp"

namespace sutro::lab {
namespace detail {
/// [X | y] of rows [0, rows) as a GF(2) matrix (built untraced: it is the input).
inline gf2::matrix<scalar> augmented(const tasks::packed_samples& d, std::size_t rows) {
  const std::size_t n = d.spec.n;
  gf2::matrix<scalar> a(rows, n + 1);
  for (std::size_t i = 0; i < rows; ++i) {
    auto dst = a.row_words(i);
    for (std::size_t w = 0; w < d.row_words; ++w) dst[w] = d.row(i)[w];
    a.set(i, n, d.label_bit(i) != 0);
  }
  return a;
}
} // namespace detail

/// gf2_general solves the whole set through gf2::solve, i.e. one reduced
/// echelon form of [A | y]: traced here with the scalar elimination kernel.
template <>
struct solver_trace<solvers::gf2_general> {
  static constexpr bool available = true;
  static recorded_report run(const solvers::gf2_general&, const problem& p) {
    const auto& d = p.train;
    auto t = lab_trace(memory::granularity::word);
    auto a = gf2::recorded(detail::augmented(d, d.count), t);
    (void)gf2::echelonize(a, true);
    return measure(t,
                   "gf2_general's elimination: reduced echelon of [A|y] over all m training rows (gf2 scalar "
                   "kernel on gf2::recorded_matrix; building [A|y] and reading x off untraced), 8-byte words",
                   8);
  }
};

/// A model of gf2_elimination on the library's kernels: its fast path is a
/// Gauss-Jordan on the first n + 16 rows (stack arrays, not traced), then a
/// check of every other row. Traced: the reduced echelon of those rows'
/// [X | y] with the gf2 scalar kernel, then one read of each word and of the
/// label of every other row.
template <>
struct solver_trace<solvers::gf2_elimination> {
  static constexpr bool available = true;
  static recorded_report run(const solvers::gf2_elimination&, const problem& p) {
    const auto& d = p.train;
    const std::size_t rows = std::min(d.count, d.spec.n + 16);
    auto t = lab_trace(memory::granularity::word);
    auto a = gf2::recorded(detail::augmented(d, rows), t);
    (void)gf2::echelonize(a, true);
    const auto words = memory::recording_view(d.words.data(), d.words.size(), t);
    const auto labels = memory::recording_view(d.labels.data(), d.labels.size(), t);
    std::uint64_t sink = 0;
    for (std::size_t i = rows; i < d.count; ++i) {
      for (std::size_t w = 0; w < d.row_words; ++w) sink ^= words[i * d.row_words + w];
      sink ^= static_cast<std::uint64_t>(labels[i].get());
    }
    (void)sink;
    return measure(t,
                   "model of gf2_elimination: reduced echelon of [X|y] on its first n+16 rows (gf2 scalar kernel "
                   "on gf2::recorded_matrix) + one read per word and label of the other rows, 8-byte words",
                   8);
  }
};

/// A model of exhaustive: its search (solvers/exhaustive.hpp) re-written over
/// traced handles, same order and early exits: per prefix level one XOR of a
/// column into the prefix words, per leaf popcounts of prefix ^ column words
/// until the subset can no longer matter. The column form (bit_columns::from)
/// is built untraced.
template <>
struct solver_trace<solvers::exhaustive> {
  static constexpr bool available = true;
  static recorded_report run(const solvers::exhaustive& s, const problem& p) {
    const auto& d = p.train;
    const auto cols = solvers::bit_columns::from(d, s.options().max_samples);
    const std::size_t k = d.spec.k, nw = cols.words, n = cols.n;
    const bool exact = d.spec.noise == 0.0, stop_at_first = s.options().stop_at_first;
    auto t = lab_trace(memory::granularity::word);
    std::vector<std::uint64_t> prefix_words((k + 1) * nw, 0);
    const auto col = memory::make_handle(cols.data.data(), memory::recording_accessor<const std::uint64_t>{&t});
    const auto prefix = memory::make_handle(prefix_words.data(), memory::recording_accessor<std::uint64_t>{&t});
    for (std::size_t w = 0; w < nw; ++w) prefix[w] = std::uint64_t(col[n * nw + w]);
    std::size_t matches = 0, best = std::numeric_limits<std::size_t>::max(), second = best;
    bool stop = false;
    std::function<void(std::size_t, std::size_t)> search = [&](std::size_t depth, std::size_t start) {
      const auto pw = prefix + depth * nw;
      if (depth + 1 == k) {
        for (std::size_t j = start; j < n && !stop; ++j) {
          const auto c = col + j * nw;
          const std::size_t bound = exact ? 0 : second;
          std::size_t count = 0;
          for (std::size_t w = 0; w < nw && count <= bound; ++w) {
            const std::uint64_t a = pw[w], b = c[w];
            count += static_cast<std::size_t>(std::popcount(a ^ b));
          }
          if (count > bound) continue;
          if (exact) {
            if (++matches >= 2 || stop_at_first) stop = true;
          } else if (count < best) {
            second = best;
            best = count;
          } else {
            second = count;
          }
        }
        return;
      }
      const auto q = prefix + (depth + 1) * nw;
      for (std::size_t j = start; j + (k - depth) <= n && !stop; ++j) {
        const auto c = col + j * nw;
        for (std::size_t w = 0; w < nw; ++w) {
          const std::uint64_t a = pw[w], b = c[w];
          q[w] = a ^ b;
        }
        search(depth + 1, j + 1);
      }
    };
    if (k > 0) search(0, 0);
    return measure(t,
                   "model of exhaustive: its subset search (prefix XORs, early-exit popcounts) over traced column "
                   "words of its m rows; column form built untraced; 8-byte words",
                   8);
  }
};

namespace detail {
/// The sparse-sum solvers' data as traced handles (rows, labels) and their
/// shared final pass (verify_sum: every row against the candidate mask).
struct traced_sum_rows {
  const tasks::packed_samples& d;
  memory::trace& t;
  memory::handle_t<const std::uint64_t, memory::recording_accessor<const std::uint64_t>> rows =
      memory::make_handle(d.words.data(), memory::recording_accessor<const std::uint64_t>{&t});
  memory::handle_t<const std::int32_t, memory::recording_accessor<const std::int32_t>> labels =
      memory::make_handle(d.labels.data(), memory::recording_accessor<const std::int32_t>{&t});
  long label_pm(std::size_t i) const {
    const long y = std::int32_t(labels[i]);
    return d.spec.enc == tasks::encoding::plus_minus_one ? y : static_cast<long>(d.spec.k) - 2 * y;
  }
  /// Adds y_i (+-1 encoding) at every set input bit j of row i: c[j] += y_i.
  template <class C>
  void accumulate_by_bit(C c, long& total) const {
    for (std::size_t i = 0; i < d.count; ++i) {
      const long y = label_pm(i);
      total += y;
      for (std::size_t w = 0; w < d.row_words; ++w)
        for (std::uint64_t v = rows[i * d.row_words + w]; v; v &= v - 1) {
          const std::size_t j = w * 64 + static_cast<std::size_t>(std::countr_zero(v));
          c[j] = static_cast<typename std::remove_cvref_t<decltype(c[j])>::value_type>(c[j] + y);
        }
    }
  }
  void verify(const std::vector<std::uint64_t>& mask) const {  // mask: registers (k bits)
    for (std::size_t i = 0; i < d.count; ++i) {
      long c = 0;
      for (std::size_t w = 0; w < d.row_words; ++w) c += std::popcount(std::uint64_t(rows[i * d.row_words + w]) & mask[w]);
      (void)(c + label_pm(i));
    }
  }
};
} // namespace detail

/// A model of sum_correlation: its passes (per-bit label sums, the
/// correlation transform, the stable sort by correlation, the check of every
/// row) re-written over traced handles: sample words, labels (4-byte, read
/// within their word) and the correlation array (8-byte longs).
template <>
struct solver_trace<solvers::sum_correlation> {
  static constexpr bool available = true;
  static recorded_report run(const solvers::sum_correlation&, const problem& p) {
    const auto& d = p.train;
    const std::size_t n = d.spec.n, k = d.spec.k;
    auto t = lab_trace(memory::granularity::word);
    const detail::traced_sum_rows in{d, t};
    std::vector<long> cbuf(n, 0);
    const auto c = memory::make_handle(cbuf.data(), memory::recording_accessor<long>{&t});
    long total = 0;
    in.accumulate_by_bit(c, total);
    for (std::size_t j = 0; j < n; ++j) c[j] = total - 2 * long(c[j]);
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return long(c[a]) > long(c[b]); });
    if (k < n && long(c[order[k - 1]]) == long(c[order[k]])) return done(t);
    std::vector<std::uint64_t> mask(d.row_words, 0);
    for (std::size_t i = 0; i < k && i < n; ++i) mask[order[i] / 64] |= std::uint64_t{1} << (order[i] % 64);
    in.verify(mask);
    return done(t);
  }
  static recorded_report done(const memory::trace& t) {
    return measure(t,
                   "model of sum_correlation: its passes (label sums per input bit, stable sort, check of every "
                   "row) over traced sample words, labels and correlations; 8-byte words",
                   8);
  }
};

/// A model of sum_least_squares: Gram matrix from column XOR-popcounts, the
/// right-hand side, Cholesky and the two triangular solves on traced doubles,
/// then the check of every row. The column form is built untraced.
template <>
struct solver_trace<solvers::sum_least_squares> {
  static constexpr bool available = true;
  static recorded_report run(const solvers::sum_least_squares&, const problem& p) {
    const auto& d = p.train;
    const std::size_t n = d.spec.n;
    const auto cols = solvers::bit_columns::from(d);
    const auto m = static_cast<double>(d.count);
    auto t = lab_trace(memory::granularity::word);
    const detail::traced_sum_rows in{d, t};
    const auto col = memory::make_handle(cols.data.data(), memory::recording_accessor<const std::uint64_t>{&t});
    std::vector<double> gbuf(n * n, 0.0), rbuf(n, 0.0);
    const auto g = memory::make_handle(gbuf.data(), memory::recording_accessor<double>{&t});
    const auto rhs = memory::make_handle(rbuf.data(), memory::recording_accessor<double>{&t});
    for (std::size_t a = 0; a < n; ++a)
      for (std::size_t b = 0; b <= a; ++b) {
        std::size_t diff = 0;
        for (std::size_t w = 0; w < cols.words; ++w)
          diff += static_cast<std::size_t>(
              std::popcount(std::uint64_t(col[a * cols.words + w]) ^ std::uint64_t(col[b * cols.words + w])));
        const double v = m - 2.0 * static_cast<double>(diff);
        g[a * n + b] = v;
        g[b * n + a] = v;
      }
    long total = 0;
    in.accumulate_by_bit(rhs, total);  // (the solver sums the labels in a pass of its own first)
    for (std::size_t i = 0; i < d.count; ++i) (void)in.label_pm(i);
    for (std::size_t j = 0; j < n; ++j) rhs[j] = static_cast<double>(total) - 2.0 * double(rhs[j]);
    for (std::size_t j = 0; j < n; ++j) {
      double s = g[j * n + j];
      for (std::size_t q = 0; q < j; ++q) {
        const double x = g[j * n + q];
        s -= x * x;
      }
      if (s <= 1e-9 * m) return done(t);
      const double l = std::sqrt(s);
      g[j * n + j] = l;
      for (std::size_t i = j + 1; i < n; ++i) {
        double v = g[i * n + j];
        for (std::size_t q = 0; q < j; ++q) v -= double(g[i * n + q]) * double(g[j * n + q]);
        g[i * n + j] = v / l;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      double r = rhs[i];
      for (std::size_t q = 0; q < i; ++q) r -= double(g[i * n + q]) * double(rhs[q]);
      rhs[i] = r / double(g[i * n + i]);
    }
    for (std::size_t i = n; i-- > 0;) {
      double r = rhs[i];
      for (std::size_t q = i + 1; q < n; ++q) r -= double(g[q * n + i]) * double(rhs[q]);
      rhs[i] = r / double(g[i * n + i]);
    }
    std::vector<std::uint64_t> mask(d.row_words, 0);
    for (std::size_t i = 0; i < n; ++i)
      if (double(rhs[i]) > 0.5) mask[i / 64] |= std::uint64_t{1} << (i % 64);
    in.verify(mask);
    return done(t);
  }
  static recorded_report done(const memory::trace& t) {
    return measure(t,
                   "model of sum_least_squares: Gram matrix from column popcounts, right-hand side, Cholesky and "
                   "triangular solves on traced doubles, check of every row; column form built untraced; 8-byte "
                   "words",
                   8);
  }
};

/// robust_gf2's own code, not a model: its trials (row order shuffle,
/// equations into solvers::gf2_basis, back substitution, scoring on the rows
/// left out) and the final check of every row, run with memory::recording_access,
/// the other instantiation its loops are written for. Same options, same answer.
template <>
struct solver_trace<solvers::robust_gf2> {
  static constexpr bool available = true;
  static recorded_report run(const solvers::robust_gf2& s, const problem& p) {
    auto t = lab_trace(memory::granularity::word);
    (void)s.solve(p.train, memory::recording_access{&t});
    return measure(t,
                   "robust_gf2's own trials and final check over traced handles (sample words, labels, row order, "
                   "equation, gf2_basis rows, candidates; the subset read off untraced); 8-byte words (4-byte "
                   "labels and row indices within their word)",
                   8);
  }
};

} // namespace sutro::lab
