// docs/gf2.md, "Triangular solves": L X = B and U x = b, PLE + two solves, errors.
#include <cstdio>
#include <stdexcept>

#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;

int main() {
  using M = gf2::matrix<>;
  using V = gf2::vector<>;
  M l = M::from_rows({"100", "110", "011"});
  M b = M::from_rows({"10", "01", "11"});
  M x = gf2::solve_lower_triangular(l, b);  // l * x == b
  if (!(l * x == b)) return 1;

  // Only the named triangle is read: the transpose of l is upper triangular.
  V y = gf2::solve_upper_triangular(l, V::from_string("101"));  // reads l's upper triangle: I
  V z = gf2::solve_upper_triangular(gf2::transpose(l), V::from_string("101"));
  if (!(y == V::from_string("101")) || !(gf2::transpose(l) * z == V::from_string("101"))) return 1;

  // An invertible A = P^T L U solved through PLE and two triangular solves.
  M lo = M::random(500, 500, 3), up = M::random(500, 500, 4);
  for (std::size_t i = 0; i < 500; ++i)
    for (std::size_t j = 0; j < 500; ++j) {
      if (j > i) lo.set(i, j, false);
      if (j < i) up.set(i, j, false);
      if (j == i) lo.set(i, j, true), up.set(i, j, true);
    }
  const M a = lo * up;   // invertible: unit triangular factors
  auto f = gf2::ple(a);  // permute_rows(a, f.perm) == f.l * f.e
  M rhs = M::random(500, 8, 5);
  M w = gf2::solve_lower_triangular(f.l, gf2::permute_rows(rhs, f.perm));
  M sol = gf2::solve_upper_triangular(f.e, w);  // e is upper triangular when a is invertible
  if (!(a * sol == rhs)) return 1;
  std::printf("rank %zu, a * sol == rhs\n", f.rank);

  try {
    (void)gf2::solve_lower_triangular(M::from_rows({"10", "10"}), b.window(gf2::row_range{0, 2}, gf2::col_range{0, 2}));
  } catch (const std::domain_error& e) {
    std::printf("%s\n", e.what());  // ... the diagonal entry of row 1 of the 2x2 L is 0 ...
    return 0;
  }
  return 1;
}
