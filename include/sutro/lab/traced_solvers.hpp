#pragma once
// The lab's traced runs for exact solvers (from_solver attaches them). Each
// says which trace it is: the library's own GF(2) kernels on traced matrices
// (gf2::traced_matrix, scalar kernel, 8-byte words), doing the elimination
// the solver does, or the solver's loop re-written over traced handles (a
// model, and named so). robust_gf2 and the sparse-sum solvers have none here;
// the table says so.

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>
#include <limits>
#include <vector>
#include <cstddef>
#include <string>
#include <utility>

#include "sutro/gf2/traced.hpp"
#include "sutro/lab/data_movement.hpp"
#include "sutro/lab/method.hpp"
#include "sutro/memory/accessor.hpp"
#include "sutro/solvers/bit_columns.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/gf2_general.hpp"

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
  static traced_report run(const solvers::gf2_general&, const problem& p) {
    const auto& d = p.train;
    auto t = lab_trace(memory::granularity::word);
    auto a = gf2::traced(detail::augmented(d, d.count), t);
    (void)gf2::echelonize(a, true);
    return measure(t,
                   "gf2_general's elimination: reduced echelon of [A|y] over all m training rows (gf2 scalar "
                   "kernel on gf2::traced_matrix; building [A|y] and reading x off untraced), 8-byte words",
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
  static traced_report run(const solvers::gf2_elimination&, const problem& p) {
    const auto& d = p.train;
    const std::size_t rows = std::min(d.count, d.spec.n + 16);
    auto t = lab_trace(memory::granularity::word);
    auto a = gf2::traced(detail::augmented(d, rows), t);
    (void)gf2::echelonize(a, true);
    const auto words = memory::traced_view(d.words.data(), d.words.size(), t);
    const auto labels = memory::traced_view(d.labels.data(), d.labels.size(), t);
    std::uint64_t sink = 0;
    for (std::size_t i = rows; i < d.count; ++i) {
      for (std::size_t w = 0; w < d.row_words; ++w) sink ^= words[i * d.row_words + w];
      sink ^= static_cast<std::uint64_t>(labels[i].get());
    }
    (void)sink;
    return measure(t,
                   "model of gf2_elimination: reduced echelon of [X|y] on its first n+16 rows (gf2 scalar kernel "
                   "on gf2::traced_matrix) + one read per word and label of the other rows, 8-byte words",
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
  static traced_report run(const solvers::exhaustive& s, const problem& p) {
    const auto& d = p.train;
    const auto cols = solvers::bit_columns::from(d, s.options().max_samples);
    const std::size_t k = d.spec.k, nw = cols.words, n = cols.n;
    const bool exact = d.spec.noise == 0.0, stop_at_first = s.options().stop_at_first;
    auto t = lab_trace(memory::granularity::word);
    std::vector<std::uint64_t> prefix_words((k + 1) * nw, 0);
    const auto col = memory::make_handle(cols.data.data(), memory::traced_accessor<const std::uint64_t>{&t});
    const auto prefix = memory::make_handle(prefix_words.data(), memory::traced_accessor<std::uint64_t>{&t});
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

} // namespace sutro::lab
