// docs/gf2.md, "Elimination": echelon forms, pivots, PLE, threads, backends.
#include <cstdio>

#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;

template <class Backend>
std::size_t rank_on(const gf2::matrix<Backend>& a) {
  return gf2::rank(a);  // the same templated code runs on every host backend
}

int main() {
  using M = gf2::matrix<>;
  M a = M::random(300, 200, /*seed=*/1) * M::random(200, 500, 2);  // rank <= 200

  auto [r, info] = gf2::reduced_row_echelon(a);  // info.rank, info.pivots
  std::printf("rank %zu, first pivots %zu %zu %zu\n", info.rank, info.pivots[0], info.pivots[1], info.pivots[2]);

  auto f = gf2::ple(a);  // permute_rows(a, f.perm) == f.l * f.e
  if (!(gf2::permute_rows(a, f.perm) == f.l * f.e)) return 1;

  M e = a;
  auto in_place = gf2::echelonize(e, /*reduced=*/false, /*threads=*/2);
  if (in_place.rank != info.rank) return 1;

  gf2::matrix<sutro::scalar> s(a.rows(), a.cols());
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j) s.set(i, j, a(i, j));
  if (rank_on(s) != rank_on(a)) return 1;
  return 0;
}
