#pragma once
// The brief's reference functions for ByteDMD, written against tracked<double>
// exactly as the group's Python tool traces them (s = A[i][0] x[0], then
// s = s + A[i][j] x[j]): the published costs are matvec 26 / 157 / 896 at
// N = 2 / 4 / 8 and matmul 57 / 720 / 8867 / 109783 at N = 2 / 4 / 8 / 16.
//
//   std::vector<std::vector<double>> A(4, std::vector<double>(4, 1.0)), B = A;
//   auto r = sutro::metrics::dmd::bytedmd(sutro::metrics::dmd::reference::matmul, A, B);   // r.cost == 720
//   // bytedmd(matmul, A, A) costs 612: one object passed twice is one set of values.

#include <cstddef>
#include <vector>

#include "sutro/metrics/dmd/tracked.hpp"

namespace sutro::metrics::dmd::reference {

using vector = std::vector<tracked<double>>;
using matrix = std::vector<vector>;

/// Row-wise matrix-vector product.
inline vector matvec(const matrix& A, const vector& x) {
  vector y;
  for (std::size_t i = 0; i < A.size(); ++i) {
    auto s = A[i][0] * x[0];
    for (std::size_t j = 1; j < x.size(); ++j) s = s + A[i][j] * x[j];
    y.push_back(s);
  }
  return y;
}

/// Naive i-j-k product of square matrices.
inline matrix matmul(const matrix& A, const matrix& B) {
  const std::size_t n = A.size();
  matrix C(n, vector(n));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      auto s = A[i][0] * B[0][j];
      for (std::size_t k = 1; k < n; ++k) s = s + A[i][k] * B[k][j];
      C[i][j] = s;
    }
  return C;
}

}  // namespace sutro::metrics::dmd::reference
