#pragma once
// Column-major bit form of packed samples: column j holds input bit j of
// every row (ceil(m / 64) words), so a subset's parity over all rows is the
// XOR of its columns and its agreement with the labels one popcount.
//
//   auto cols = sutro::solvers::bit_columns::from(train);
//   std::uint64_t w = cols.col(3)[0];        // bit i: b_3 of row i (rows 0..63)
//
// Building the columns reads every sample word and label through the memory
// policy (memory/access_policy.hpp), so a solver's recorded run includes it:
//
//   sutro::memory::trace t;
//   auto traced = sutro::solvers::bit_columns::from(train, 0, sutro::memory::recording_access{&t});

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sutro/memory/access_policy.hpp"
#include "sutro/solvers/gf2_basis.hpp"
#include "sutro/tasks/samples.hpp"

namespace sutro::solvers {
namespace detail {
/// tasks::packed_samples::label_bit of a label y the caller read (through a handle).
[[nodiscard]] inline unsigned label_bit_value(const tasks::packed_samples& d, std::int32_t y) noexcept {
  return d.spec.enc == tasks::encoding::plus_minus_one ? (y < 0 ? 1u : 0u) : (static_cast<unsigned>(y) & 1u);
}

/// Parity of row i's inputs with x (words through mem): agrees with the label when equal to its label bit.
template <class X, class Memory>
[[nodiscard]] unsigned row_parity(const tasks::packed_samples& d, std::size_t i, X x, Memory mem) {
  const auto r = mem(d.row(i));
  unsigned p = 0;
  for (std::size_t w = 0; w < d.row_words; ++w)
    p ^= static_cast<unsigned>(std::popcount(std::uint64_t(r[w]) & std::uint64_t(x[w])));
  return p & 1u;
}
}  // namespace detail

struct bit_columns {
  std::size_t n = 0, m = 0, words = 0;
  work_vector<std::uint64_t> data;  ///< (n + 1) columns; column n is the label bits

  [[nodiscard]] const std::uint64_t* col(std::size_t j) const noexcept { return data.data() + j * words; }
  [[nodiscard]] const std::uint64_t* labels() const noexcept { return col(n); }

  /// The first m rows (all when m = 0) of `d`, label column from the labels;
  /// samples read and columns written through `mem` (the zero fill is the allocation).
  template <class Memory = memory::raw_access>
  [[nodiscard]] static bit_columns from(const tasks::packed_samples& d, std::size_t m = 0, Memory mem = {}) {
    bit_columns c;
    c.n = d.spec.n;
    c.m = m && m < d.count ? m : d.count;
    c.words = (c.m + 63) / 64;
    c.data.assign((c.n + 1) * c.words, 0);
    const auto out = mem(c.data.data());
    const auto labels = mem(d.labels.data());
    for (std::size_t i = 0; i < c.m; ++i) {
      const std::uint64_t bit = std::uint64_t{1} << (i % 64);
      const auto r = mem(d.row(i));
      for (std::size_t w = 0; w < d.row_words; ++w)
        for (std::uint64_t v = r[w]; v; v &= v - 1)
          out[(w * 64 + static_cast<std::size_t>(std::countr_zero(v))) * c.words + i / 64] |= bit;
      if (detail::label_bit_value(d, labels[i])) out[c.n * c.words + i / 64] |= bit;
    }
    return c;
  }
};

}  // namespace sutro::solvers
