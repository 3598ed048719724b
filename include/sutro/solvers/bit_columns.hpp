#pragma once
// Column-major bit form of packed samples: column j holds input bit j of
// every row (ceil(m / 64) words), so a subset's parity over all rows is the
// XOR of its columns and its agreement with the labels one popcount.
//
//   auto cols = sutro::solvers::bit_columns::from(train);
//   std::uint64_t w = cols.col(3)[0];        // bit i: b_3 of row i (rows 0..63)

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sutro/solvers/gf2_basis.hpp"
#include "sutro/tasks/samples.hpp"

namespace sutro::solvers {

struct bit_columns {
  std::size_t n = 0, m = 0, words = 0;
  work_vector<std::uint64_t> data;  ///< (n + 1) columns; column n is the label bits

  [[nodiscard]] const std::uint64_t* col(std::size_t j) const noexcept { return data.data() + j * words; }
  [[nodiscard]] const std::uint64_t* labels() const noexcept { return col(n); }

  /// The first m rows (all when m = 0) of `d`, label column from label_bit().
  static bit_columns from(const tasks::packed_samples& d, std::size_t m = 0) {
    bit_columns c;
    c.n = d.spec.n;
    c.m = m && m < d.count ? m : d.count;
    c.words = (c.m + 63) / 64;
    c.data.assign((c.n + 1) * c.words, 0);
    for (std::size_t i = 0; i < c.m; ++i) {
      const std::uint64_t bit = std::uint64_t{1} << (i % 64);
      const std::uint64_t* r = d.row(i);
      for (std::size_t w = 0; w < d.row_words; ++w)
        for (std::uint64_t v = r[w]; v; v &= v - 1)
          c.data[(w * 64 + static_cast<std::size_t>(std::countr_zero(v))) * c.words + i / 64] |= bit;
      if (d.label_bit(i)) c.data[c.n * c.words + i / 64] |= bit;
    }
    return c;
  }
};

} // namespace sutro::solvers
