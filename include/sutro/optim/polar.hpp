#pragma once
// polar_factor: replaces a small matrix G = U S V^T by U V^T (all nonzero
// singular values set to 1, zero ones kept at 0: the pseudo-inverse
// convention), exactly up to rounding.
//
//   sutro::nn::tensor<float> g(200, 20);           // a layer's gradient
//   sutro::optim::polar_workspace ws;
//   std::size_t rank = sutro::optim::polar_factor(g.ref(), ws);   // g <- U V^T
//
// Method: with k = min(rows, cols), form the k x k Gram matrix A (G^T G or
// G G^T) in double, diagonalize it with Jacobi rotations, and apply
// P = V diag(f(lambda)) V^T with f = lambda^-1/2 above the cut, 0 below:
// U V^T = G P (or P G). A 200 x 20 gradient costs one 20 x 20 eigenproblem
// instead of an SVD of the full matrix. Singular values below rcond * s_max
// count as zero (default rcond: max(rows, cols) * float epsilon, numpy's
// matrix_rank rule for float32 data; the Gram route resolves singular values
// down to about 1e-7 s_max in double, so rcond must stay above that).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "sutro/nn/kernels.hpp"
#include "sutro/nn/tensor.hpp"

namespace sutro::optim {

struct polar_workspace {
  std::vector<double> g, a, vt, w, p, q, zeros;
  void reserve(std::size_t rows, std::size_t cols) {
    const std::size_t k = std::min(rows, cols);
    g.resize(rows * cols);
    q.resize(rows * cols);
    a.resize(k * k);
    vt.resize(k * k);
    p.resize(k * k);
    w.resize(k);
    zeros.resize(std::max(rows, cols));
  }
};

/// Jacobi eigendecomposition of the symmetric n x n matrix `a` (row-major,
/// destroyed): eigenvalues into w, eigenvectors into the rows of vt. Sweeps
/// use the round-robin (tournament) order: each round rotates n/2 disjoint
/// pairs, whose angles are independent, so their divisions and square roots
/// overlap instead of forming one long dependency chain. Returns the sweeps.
inline std::size_t jacobi_eigen(std::size_t n, double* a, double* vt, double* w,
                                std::size_t max_sweeps = 64) {
  std::fill_n(vt, n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) vt[i * n + i] = 1.0;
  if (n < 2) {
    if (n == 1) w[0] = a[0];
    return 0;
  }
  const std::size_t players = n + (n & 1);  // an odd n gets a bye (index n)
  constexpr std::size_t max_pairs = 64;
  std::size_t ring[2 * max_pairs];
  std::size_t P[max_pairs], Q[max_pairs];
  double C[max_pairs], S[max_pairs];
  const bool small = players <= 2 * max_pairs;
  std::size_t sweep = 0;
  for (; sweep < max_sweeps; ++sweep) {
    double off = 0.0, diag = 0.0;
    for (std::size_t p = 0; p < n; ++p) {
      diag += a[p * n + p] * a[p * n + p];
      for (std::size_t q = p + 1; q < n; ++q) off += a[p * n + q] * a[p * n + q];
    }
    if (off <= 1e-32 * diag || off == 0.0) break;
    if (!small) {  // large matrices: plain cyclic order, one pair at a time
      for (std::size_t p = 0; p + 1 < n; ++p)
        for (std::size_t q = p + 1; q < n; ++q) {
          const double apq = a[p * n + q];
          if (apq == 0.0) continue;
          const double theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
          const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
          const double c = 1.0 / std::sqrt(t * t + 1.0), sn = t * c;
          for (std::size_t k = 0; k < n; ++k) {
            const double x = a[p * n + k], y = a[q * n + k];
            a[p * n + k] = c * x - sn * y;
            a[q * n + k] = sn * x + c * y;
          }
          for (std::size_t k = 0; k < n; ++k) {
            const double x = a[k * n + p], y = a[k * n + q];
            a[k * n + p] = c * x - sn * y;
            a[k * n + q] = sn * x + c * y;
          }
          a[p * n + q] = a[q * n + p] = 0.0;
          for (std::size_t k = 0; k < n; ++k) {
            const double x = vt[p * n + k], y = vt[q * n + k];
            vt[p * n + k] = c * x - sn * y;
            vt[q * n + k] = sn * x + c * y;
          }
        }
      continue;
    }
    for (std::size_t i = 0; i < players; ++i) ring[i] = i;
    for (std::size_t round = 0; round + 1 < players; ++round) {
      std::size_t m = 0;
      for (std::size_t i = 0; i < players / 2; ++i) {
        std::size_t p = ring[i], q = ring[players - 1 - i];
        if (p >= n || q >= n) continue;
        if (p > q) std::swap(p, q);
        const double apq = a[p * n + q];
        if (apq == 0.0) continue;
        P[m] = p;
        Q[m] = q;
        ++m;
      }
      // Angles of all pairs first (independent), then the rotations.
      for (std::size_t j = 0; j < m; ++j) {
        const std::size_t p = P[j], q = Q[j];
        const double apq = a[p * n + q];
        const double theta = (a[q * n + q] - a[p * n + p]) / (2.0 * apq);
        const double t = (theta >= 0 ? 1.0 : -1.0) / (std::abs(theta) + std::sqrt(theta * theta + 1.0));
        C[j] = 1.0 / std::sqrt(t * t + 1.0);
        S[j] = t * C[j];
      }
      for (std::size_t j = 0; j < m; ++j) {  // rows p, q of A and of vt
        const double c = C[j], sn = S[j];
        double* __restrict rp = a + P[j] * n;
        double* __restrict rq = a + Q[j] * n;
        double* __restrict vp = vt + P[j] * n;
        double* __restrict vq = vt + Q[j] * n;
        for (std::size_t k = 0; k < n; ++k) {
          const double x = rp[k], y = rq[k];
          rp[k] = c * x - sn * y;
          rq[k] = sn * x + c * y;
        }
        for (std::size_t k = 0; k < n; ++k) {
          const double x = vp[k], y = vq[k];
          vp[k] = c * x - sn * y;
          vq[k] = sn * x + c * y;
        }
      }
      for (std::size_t k = 0; k < n; ++k) {  // columns p, q: disjoint pairs commute
        double* row = a + k * n;
        for (std::size_t j = 0; j < m; ++j) {
          const double x = row[P[j]], y = row[Q[j]];
          row[P[j]] = C[j] * x - S[j] * y;
          row[Q[j]] = S[j] * x + C[j] * y;
        }
      }
      for (std::size_t j = 0; j < m; ++j) a[P[j] * n + Q[j]] = a[Q[j] * n + P[j]] = 0.0;
      // Next round: player 0 stays, the others rotate by one.
      const std::size_t last = ring[players - 1];
      for (std::size_t i = players - 1; i > 1; --i) ring[i] = ring[i - 1];
      ring[1] = last;
    }
  }
  for (std::size_t i = 0; i < n; ++i) w[i] = a[i * n + i];
  return sweep;
}

/// g <- U V^T in place; returns the numerical rank. rcond < 0 picks the default.
template <class T>
std::size_t polar_factor(nn::tensor_ref<T> g, polar_workspace& ws, double rcond = -1.0) {
  const std::size_t m = g.rows, n = g.cols, k = std::min(m, n);
  if (k == 0) return 0;
  if (rcond < 0) rcond = static_cast<double>(std::max(m, n)) * std::numeric_limits<float>::epsilon();
  ws.reserve(m, n);
  // W is G (m < n) or G^T (m >= n), stored row-major k x l, in double: the
  // Gram matrix is then k x k dot products of W's rows, and the result
  // P W is one register-blocked product.
  const std::size_t l = std::max(m, n);
  double* wd = ws.g.data();
  if (m >= n) {
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t i = 0; i < n; ++i) wd[i * m + r] = static_cast<double>(g.data[r * n + i]);
  } else {
    for (std::size_t i = 0; i < m * n; ++i) wd[i] = static_cast<double>(g.data[i]);
  }
  double* a = ws.a.data();
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = 0; j <= i; ++j) a[i * k + j] = a[j * k + i] = nn::kernels::dot(l, wd + i * l, wd + j * l);
  double* vt = ws.vt.data();
  double* w = ws.w.data();
  jacobi_eigen(k, a, vt, w);
  double lmax = 0.0;
  for (std::size_t i = 0; i < k; ++i) lmax = std::max(lmax, w[i]);
  const double cut = rcond * rcond * lmax;
  std::size_t rank = 0;
  for (std::size_t i = 0; i < k; ++i) {
    if (lmax > 0.0 && w[i] > cut) {
      w[i] = 1.0 / std::sqrt(w[i]);
      ++rank;
    } else {
      w[i] = 0.0;
    }
  }
  // P = V diag(w) V^T = sum_i w_i v_i v_i^T (v_i = row i of vt).
  double* P = ws.p.data();
  std::fill_n(P, k * k, 0.0);
  for (std::size_t i = 0; i < k; ++i) {
    if (w[i] == 0.0) continue;
    const double* v = vt + i * k;
    for (std::size_t r = 0; r < k; ++r) nn::kernels::axpy(k, w[i] * v[r], v, P + r * k);
  }
  double* q = ws.q.data();
  ws.zeros.assign(l, 0.0);
  nn::kernels::dense_forward(k, k, l, P, wd, ws.zeros.data(), q);  // q = P W (k x l)
  if (m >= n) {
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t i = 0; i < n; ++i) g.data[r * n + i] = static_cast<T>(q[i * m + r]);
  } else {
    for (std::size_t i = 0; i < m * n; ++i) g.data[i] = static_cast<T>(q[i]);
  }
  return rank;
}

} // namespace sutro::optim
