#pragma once
// Symmetric eigendecompositions of small dense matrices, for the polar
// factor's eigen route (optim/polar.hpp): Householder tridiagonalization with
// implicit QL (tridiagonal_ql_eigen, written over an access policy so that a
// recorded run is this code) and round-robin Jacobi (jacobi_eigen, the simple
// cross-check).
//
//   std::vector<double> a = {2, 1, 1, 2}, vt(4), w(2), e(2);
//   sutro::optim::tridiagonal_ql_eigen(2, a.data(), vt.data(), w.data(), e.data());
//   // w = {1, 3} (in some order), rows of vt the eigenvectors

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <utility>

#include "sutro/memory/access_policy.hpp"
#include "sutro/nn/ops.hpp"
#include "sutro/nn/scalar/fma.hpp"

namespace sutro::optim {

/// Jacobi eigendecomposition of the symmetric n x n matrix `a` (row-major,
/// destroyed): eigenvalues into w, eigenvectors into the rows of vt. Sweeps
/// use the round-robin (tournament) order: each round rotates n/2 disjoint
/// pairs, whose angles are independent, so their divisions and square roots
/// overlap instead of forming one long dependency chain. Returns the sweeps.
inline std::size_t jacobi_eigen(std::size_t n, double* a, double* vt, double* w, std::size_t max_sweeps = 64) {
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

namespace detail {
/// sqrt(p^2 + q^2), as hypot where the squares leave double's normal range:
/// a Gram matrix scaled to O(1) still has tiny off-diagonal entries beside
/// large gaps when G's columns differ by some 1e150 (p near 1e155). The
/// plain square root takes a fifth of hypot's time on the QL's critical path.
[[nodiscard]] inline double radius(double p, double q) noexcept {
  const double ss = nn::kernels::any::fmadd(p, p, q * q);
  return ss >= std::numeric_limits<double>::min() && ss <= std::numeric_limits<double>::max() ? std::sqrt(ss)
                                                                                              : std::hypot(p, q);
}

template <class Mode>
void tridiagonal_ql_eigen_loops(std::size_t n, double* a, double* vt, double* w, double* e, const Mode& m) {
  using nn::kernels::any::fmadd;
  if (n == 0) return;
  const auto d = m(w);
  const auto E = m(e);
  const auto A = m(a);
  const auto Vt = m(vt);
  // V is addressed column-major: the input is symmetric, so this is the same
  // matrix, and tred2's inner loops (which run down columns) become unit-stride.
  auto V = [&](std::size_t i, std::size_t j) -> decltype(auto) { return A[j * n + i]; };
  // tred2: Householder reduction to tridiagonal form.
  for (std::size_t j = 0; j < n; ++j) d[j] = double(V(n - 1, j));
  for (std::size_t i = n - 1; i > 0; --i) {
    double scale = 0.0, h = 0.0;
    for (std::size_t k = 0; k < i; ++k) {
      const double dk = d[k];
      scale += std::abs(dk);
    }
    if (scale == 0.0) {
      E[i] = double(d[i - 1]);
      for (std::size_t j = 0; j < i; ++j) {
        d[j] = double(V(i - 1, j));
        V(i, j) = 0.0;
        V(j, i) = 0.0;
      }
    } else {
      for (std::size_t k = 0; k < i; ++k) {
        const double dk = double(d[k]) / scale;
        d[k] = dk;
        h = fmadd(dk, dk, h);
      }
      double f = d[i - 1];
      double g = std::sqrt(h);
      if (f > 0) g = -g;
      E[i] = scale * g;
      h = fmadd(-f, g, h);
      d[i - 1] = f - g;
      for (std::size_t j = 0; j < i; ++j) E[j] = 0.0;
      for (std::size_t j = 0; j < i; ++j) {
        f = d[j];
        V(j, i) = f;
        const double ej = E[j], vjj = V(j, j);
        g = fmadd(vjj, f, ej);
        for (std::size_t k = j + 1; k + 1 <= i; ++k) {
          const double vkj = V(k, j), dk = d[k];
          g = fmadd(vkj, dk, g);
          const double ek = E[k];
          E[k] = fmadd(vkj, f, ek);
        }
        E[j] = g;
      }
      f = 0.0;
      for (std::size_t j = 0; j < i; ++j) {
        const double ej = double(E[j]) / h;
        E[j] = ej;
        const double dj = d[j];
        f = fmadd(ej, dj, f);
      }
      const double hh = f / (h + h);
      for (std::size_t j = 0; j < i; ++j) {
        const double ej = E[j], dj = d[j];
        E[j] = fmadd(-hh, dj, ej);
      }
      for (std::size_t j = 0; j < i; ++j) {
        f = d[j];
        g = E[j];
        for (std::size_t k = j; k + 1 <= i; ++k) {
          const double vkj = V(k, j), ek = E[k], dk = d[k];
          V(k, j) = vkj - fmadd(f, ek, g * dk);
        }
        d[j] = double(V(i - 1, j));
        V(i, j) = 0.0;
      }
    }
    d[i] = h;
  }
  for (std::size_t i = 0; i + 1 < n; ++i) {  // accumulate the transformations
    V(n - 1, i) = double(V(i, i));
    V(i, i) = 1.0;
    const double h = d[i + 1];
    if (h != 0.0) {
      for (std::size_t k = 0; k <= i; ++k) d[k] = double(V(k, i + 1)) / h;
      for (std::size_t j = 0; j <= i; ++j) {
        double g = 0.0;
        for (std::size_t k = 0; k <= i; ++k) {
          const double x = V(k, i + 1), y = V(k, j);
          g = fmadd(x, y, g);
        }
        for (std::size_t k = 0; k <= i; ++k) {
          const double vkj = V(k, j), dk = d[k];
          V(k, j) = fmadd(-g, dk, vkj);
        }
      }
    }
    for (std::size_t k = 0; k <= i; ++k) V(k, i + 1) = 0.0;
  }
  for (std::size_t j = 0; j < n; ++j) {
    d[j] = double(V(n - 1, j));
    V(n - 1, j) = 0.0;
  }
  V(n - 1, n - 1) = 1.0;
  E[0] = 0.0;
  // Eigenvectors as rows of vt, so that QL's rotations run along rows.
  nn::ops::copy(m, static_cast<const double*>(a), n * n, vt);  // column i of V is row i of `a`
  // tql2: implicit QL on the tridiagonal (d, e).
  for (std::size_t i = 1; i < n; ++i) E[i - 1] = double(E[i]);
  E[n - 1] = 0.0;
  double f = 0.0, tst1 = 0.0;
  const double eps = std::numeric_limits<double>::epsilon();
  for (std::size_t l = 0; l < n; ++l) {
    {
      const double dl = d[l], el = E[l];
      tst1 = std::max(tst1, std::abs(dl) + std::abs(el));
    }
    std::size_t mm = l;
    while (mm < n && std::abs(double(E[mm])) > eps * tst1) ++mm;
    if (mm == n) mm = n - 1;
    if (mm > l) {
      for (int iter = 0; iter < 64; ++iter) {
        double g = d[l];
        const double el = E[l];
        double p = (double(d[l + 1]) - g) / (2.0 * el);
        double r = detail::radius(p, 1.0);
        if (p < 0) r = -r;
        const double dl0 = el / (p + r);
        d[l] = dl0;
        const double dl1 = el * (p + r);
        d[l + 1] = dl1;
        double h = g - dl0;
        for (std::size_t i = l + 2; i < n; ++i) d[i] -= h;
        f += h;
        p = d[mm];
        double c = 1.0, c2 = 1.0, c3 = 1.0, s = 0.0, s2 = 0.0;
        const double el1 = E[l + 1];
        for (std::size_t i = mm; i-- > l;) {
          c3 = c2;
          c2 = c;
          s2 = s;
          const double ei = E[i], di = d[i];
          g = c * ei;
          h = c * p;
          r = detail::radius(p, ei);
          E[i + 1] = s * r;
          // c di - s g with c = p / r, s = ei / r, as one division: the next
          // p then waits on one division after the square root, not two
          // products and a division; this recurrence is the eigensolver's
          // critical path.
          const double pnext = fmadd(p, di, -(ei * g)) / r;
          s = ei / r;
          c = p / r;
          p = pnext;
          d[i + 1] = fmadd(s, fmadd(c, g, s * di), h);
          const memory::handle_of<Mode, double> v0 = Vt + i * n;
          const memory::handle_of<Mode, double> v1 = Vt + (i + 1) * n;
          for (std::size_t k = 0; k < n; ++k) {
            const double x1 = v1[k], x0 = v0[k];
            v1[k] = fmadd(s, x0, c * x1);
            v0[k] = fmadd(c, x0, -(s * x1));
          }
        }
        const double el_now = E[l];
        p = -s * s2 * c3 * el1 * el_now / dl1;
        E[l] = s * p;
        d[l] = c * p;
        if (!(std::abs(double(E[l])) > eps * tst1)) break;
      }
    }
    d[l] += f;
    E[l] = 0.0;
  }
}
}  // namespace detail

/// Symmetric eigendecomposition by Householder tridiagonalization and the
/// implicit QL algorithm (EISPACK tred2/tql2, as in JAMA): about 10 n^3 flops
/// with unit-stride inner loops, several times faster than Jacobi at n = 20.
/// `a` (n x n row-major, destroyed) holds V during the reduction; eigenvalues
/// go to w, eigenvectors to the rows of vt; e is scratch of n doubles.
/// Scale `a` to entries of order 1 first (polar_factor divides by its largest
/// diagonal entry): the rotations take sqrt(x^2 + y^2) (detail::radius), and
/// hypot only where the squares leave double's normal range.
///
/// Written over an access policy (nn/ops.hpp) so that EGD's recorded run
/// is this code: every element is read into a local before the arithmetic
/// that uses it, and every a * b + c is spelled fmadd (nn/scalar/fma.hpp),
/// so both instantiations, on every build, round alike: left to the compiler,
/// GCC contracts plain expressions on FMA targets only, and not always the
/// same ones in the two. Raw runs take the FMA copy on targets without FMA
/// (nn::kernels::any::element_loop), where fmadd would be a libm call.
template <class Mode>
void tridiagonal_ql_eigen(std::size_t n, double* a, double* vt, double* w, double* e, const Mode& m) {
  nn::kernels::any::element_loop(m, [&] { detail::tridiagonal_ql_eigen_loops(n, a, vt, w, e, m); });
}

inline void tridiagonal_ql_eigen(std::size_t n, double* a, double* vt, double* w, double* e) {
  tridiagonal_ql_eigen(n, a, vt, w, e, memory::raw_access{});
}

}  // namespace sutro::optim
