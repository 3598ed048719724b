// docs/gf2.md, "Matrices and vectors": build, inspect, multiply, transpose.
#include <cstdio>
#include <iostream>

#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;

int main() {
  using M = gf2::matrix<>;  // default backend (simd when built with xsimd), accounting allocator
  using V = gf2::vector<>;

  M a = M::from_rows({"0110", "1011", "0001"});
  a.flip(2, 0);  // row 2 becomes 1001
  M b = M::random(4, 130, /*seed=*/7);
  M c = a * b;              // 3 x 130
  M t = gf2::transpose(c);  // 130 x 3
  V x = V::from_string("1100");
  V y = a * x;  // matrix-vector: "111"

  std::cout << a << "rank " << gf2::rank(a) << ", a*x = " << y << '\n';
  // Padding bits past cols() are zero, so whole words can be compared or hashed.
  auto row = c.row_words(0);
  std::printf("row 0 of c: %zu words, the last holds %zu columns\n", row.size(), c.cols() % 64);

  // A window: rows [0, 2), columns [0, 64) of b, no copy; results of
  // operations on windows are ordinary matrices.
  auto w = b.window(gf2::row_range{0, 2}, gf2::col_range{0, 64});
  M w_copy = w.to_matrix();
  if (!(gf2::transpose(w) == gf2::transpose(w_copy))) return 1;
  if (!(gf2::transpose(t) == c)) return 1;
  if (!(y == V::from_string("111"))) return 1;
  return 0;
}
