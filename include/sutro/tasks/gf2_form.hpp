#pragma once
// Packed samples as sutro::gf2 objects: the inputs as a gf2::matrix (one row
// per sample) and the labels as a gf2::vector of bits, ready for gf2::solve,
// rank, multiply.
//
//   auto train = sutro::tasks::sparse_parity(200, 3, 42).packed(sutro::tasks::split::train, 260);
//   auto [A, y] = sutro::tasks::to_gf2(train);     // 260 x 200 matrix, 260-bit vector
//   auto s = sutro::gf2::solve(A, y);               // s.solution: the secret's indicator

#include <cstddef>
#include <utility>

#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/vector.hpp"
#include "sutro/tasks/samples.hpp"

namespace sutro::tasks {

template <class Backend = sutro::default_backend>
struct gf2_samples {
  gf2::matrix<Backend> x;  ///< count x n input bits
  gf2::vector<Backend> y;  ///< label bits (packed_samples::label_bit)
};

template <class Backend = sutro::default_backend>
[[nodiscard]] gf2_samples<Backend> to_gf2(const packed_samples& p) {
  check_layout(p, "sutro::tasks::to_gf2");
  gf2_samples<Backend> out{gf2::matrix<Backend>(p.count, p.spec.n), gf2::vector<Backend>(p.count)};
  for (std::size_t i = 0; i < p.count; ++i) {
    auto dst = out.x.row_words(i);
    for (std::size_t w = 0; w < p.row_words; ++w) dst[w] = p.row(i)[w];  // padding bits are zero in both
    out.y.set_unchecked(i, p.label_bit(i) != 0);
  }
  return out;
}

}  // namespace sutro::tasks
