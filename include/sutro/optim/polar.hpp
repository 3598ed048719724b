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
// G G^T) in double, diagonalize it (Householder tridiagonalization +
// implicit QL; jacobi_eigen is the simpler alternative kept for checks), and apply
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
#include <type_traits>
#include <vector>

#include "sutro/backend/traits.hpp"
#include "sutro/memory/accounting_allocator.hpp"
#include "sutro/memory/aligned_allocator.hpp"
#include "sutro/nn/kernels.hpp"
#include "sutro/nn/tensor.hpp"

namespace sutro::optim {

/// Scratch of the matrix rules, through the library's (accounting, aligned) allocator.
using scratch_buffer = std::vector<double, backend_allocator_t<default_backend, double>>;

struct polar_workspace {
  scratch_buffer g, a, vt, w, e, p, rowmajor, out, zeros;
  void reserve(std::size_t rows, std::size_t cols) {
    const std::size_t k = std::min(rows, cols);
    g.resize(rows * cols);
    rowmajor.resize(rows * cols);
    out.resize(rows * cols);
    zeros.resize(std::max(rows, cols));
    a.resize(k * k);
    vt.resize(k * k);
    p.resize(k * k);
    w.resize(k);
    e.resize(k);
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

/// Symmetric eigendecomposition by Householder tridiagonalization and the
/// implicit QL algorithm (EISPACK tred2/tql2, as in JAMA): about 10 n^3 flops
/// with unit-stride inner loops, several times faster than Jacobi at n = 20.
/// `a` (n x n row-major, destroyed) holds V during the reduction; eigenvalues
/// go to w, eigenvectors to the rows of vt; e is scratch of n doubles.
/// Scale `a` to entries of order 1 first (polar_factor divides by its largest
/// diagonal entry): the rotations use sqrt(x^2 + y^2), not hypot.
inline void tridiagonal_ql_eigen(std::size_t n, double* a, double* vt, double* w, double* e) {
  if (n == 0) return;
  double* d = w;
  // V is addressed column-major: the input is symmetric, so this is the same
  // matrix, and tred2's inner loops (which run down columns) become unit-stride.
  auto V = [&](std::size_t i, std::size_t j) -> double& { return a[j * n + i]; };
  // tred2: Householder reduction to tridiagonal form.
  for (std::size_t j = 0; j < n; ++j) d[j] = V(n - 1, j);
  for (std::size_t i = n - 1; i > 0; --i) {
    double scale = 0.0, h = 0.0;
    for (std::size_t k = 0; k < i; ++k) scale += std::abs(d[k]);
    if (scale == 0.0) {
      e[i] = d[i - 1];
      for (std::size_t j = 0; j < i; ++j) {
        d[j] = V(i - 1, j);
        V(i, j) = 0.0;
        V(j, i) = 0.0;
      }
    } else {
      for (std::size_t k = 0; k < i; ++k) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      double f = d[i - 1];
      double g = std::sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (std::size_t j = 0; j < i; ++j) e[j] = 0.0;
      for (std::size_t j = 0; j < i; ++j) {
        f = d[j];
        V(j, i) = f;
        g = e[j] + V(j, j) * f;
        for (std::size_t k = j + 1; k + 1 <= i; ++k) {
          g += V(k, j) * d[k];
          e[k] += V(k, j) * f;
        }
        e[j] = g;
      }
      f = 0.0;
      for (std::size_t j = 0; j < i; ++j) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const double hh = f / (h + h);
      for (std::size_t j = 0; j < i; ++j) e[j] -= hh * d[j];
      for (std::size_t j = 0; j < i; ++j) {
        f = d[j];
        g = e[j];
        for (std::size_t k = j; k + 1 <= i; ++k) V(k, j) -= (f * e[k] + g * d[k]);
        d[j] = V(i - 1, j);
        V(i, j) = 0.0;
      }
    }
    d[i] = h;
  }
  for (std::size_t i = 0; i + 1 < n; ++i) {  // accumulate the transformations
    V(n - 1, i) = V(i, i);
    V(i, i) = 1.0;
    const double h = d[i + 1];
    if (h != 0.0) {
      for (std::size_t k = 0; k <= i; ++k) d[k] = V(k, i + 1) / h;
      for (std::size_t j = 0; j <= i; ++j) {
        double g = 0.0;
        for (std::size_t k = 0; k <= i; ++k) g += V(k, i + 1) * V(k, j);
        for (std::size_t k = 0; k <= i; ++k) V(k, j) -= g * d[k];
      }
    }
    for (std::size_t k = 0; k <= i; ++k) V(k, i + 1) = 0.0;
  }
  for (std::size_t j = 0; j < n; ++j) {
    d[j] = V(n - 1, j);
    V(n - 1, j) = 0.0;
  }
  V(n - 1, n - 1) = 1.0;
  e[0] = 0.0;
  // Eigenvectors as rows of vt, so that QL's rotations run along rows.
  std::copy_n(a, n * n, vt);  // column i of V is row i of `a`
  // tql2: implicit QL on the tridiagonal (d, e).
  for (std::size_t i = 1; i < n; ++i) e[i - 1] = e[i];
  e[n - 1] = 0.0;
  double f = 0.0, tst1 = 0.0;
  const double eps = std::numeric_limits<double>::epsilon();
  for (std::size_t l = 0; l < n; ++l) {
    tst1 = std::max(tst1, std::abs(d[l]) + std::abs(e[l]));
    std::size_t m = l;
    while (m < n && std::abs(e[m]) > eps * tst1) ++m;
    if (m == n) m = n - 1;
    if (m > l) {
      for (int iter = 0; iter < 64; ++iter) {
        double g = d[l];
        double p = (d[l + 1] - g) / (2.0 * e[l]);
        // sqrt instead of hypot (a fifth of the time): callers pass matrices
        // scaled to O(1), and |p| stays below about 1 / eps before convergence.
        double r = std::sqrt(p * p + 1.0);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const double dl1 = d[l + 1];
        double h = g - d[l];
        for (std::size_t i = l + 2; i < n; ++i) d[i] -= h;
        f += h;
        p = d[m];
        double c = 1.0, c2 = 1.0, c3 = 1.0, s = 0.0, s2 = 0.0;
        const double el1 = e[l + 1];
        for (std::size_t i = m; i-- > l;) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = std::sqrt(p * p + e[i] * e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          double* __restrict v0 = vt + i * n;
          double* __restrict v1 = vt + (i + 1) * n;
          for (std::size_t k = 0; k < n; ++k) {
            const double x1 = v1[k], x0 = v0[k];
            v1[k] = s * x0 + c * x1;
            v0[k] = c * x0 - s * x1;
          }
        }
        p = -s * s2 * c3 * el1 * e[l] / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (!(std::abs(e[l]) > eps * tst1)) break;
      }
    }
    d[l] += f;
    e[l] = 0.0;
  }
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
  nn::kernels::gram_rows(default_backend{}, k, l, wd, a);
  double* vt = ws.vt.data();
  double* w = ws.w.data();
  double amax = 0.0;
  for (std::size_t i = 0; i < k; ++i) amax = std::max(amax, a[i * k + i]);
  if (amax == 0.0) {  // G == 0: U V^T = 0
    std::fill_n(g.data, m * n, T(0));
    return 0;
  }
  for (std::size_t i = 0; i < k * k; ++i) a[i] /= amax;  // eigenvalues scale with it; the cut is relative
  ws.e.resize(k);
  tridiagonal_ql_eigen(k, a, vt, w, ws.e.data());
  double lmax = 0.0;
  for (std::size_t i = 0; i < k; ++i) lmax = std::max(lmax, w[i]);
  const double cut = rcond * rcond * lmax;
  std::size_t rank = 0;
  for (std::size_t i = 0; i < k; ++i) {
    if (lmax > 0.0 && w[i] > cut) {
      w[i] = 1.0 / std::sqrt(w[i] * amax);  // undo the scaling
      ++rank;
    } else {
      w[i] = 0.0;
    }
  }
  // P = V diag(w) V^T = sum_i w_i v_i v_i^T (v_i = row i of vt), then
  // U V^T = G P (m >= n) or P G (m < n) in double (an ill-conditioned G
  // would lose digits in float), from a row-major copy: no transposes.
  double* P = ws.p.data();
  std::fill_n(P, k * k, 0.0);
  for (std::size_t i = 0; i < k; ++i) {
    if (w[i] == 0.0) continue;
    const double* v = vt + i * k;
    for (std::size_t r = 0; r < k; ++r) nn::kernels::axpy(k, w[i] * v[r], v, P + r * k);
  }
  double* rowmajor = ws.rowmajor.data();
  double* out = ws.out.data();
  if (m >= n) {
    for (std::size_t i = 0; i < m * n; ++i) rowmajor[i] = static_cast<double>(g.data[i]);
    ws.zeros.assign(n, 0.0);
    nn::kernels::dense_forward(m, n, n, rowmajor, P, ws.zeros.data(), out);
  } else {
    ws.zeros.assign(n, 0.0);
    nn::kernels::dense_forward(m, m, n, P, wd, ws.zeros.data(), out);
  }
  for (std::size_t i = 0; i < m * n; ++i) g.data[i] = static_cast<T>(out[i]);
  return rank;
}

} // namespace sutro::optim
