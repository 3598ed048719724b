#pragma once
// polar_factor: replaces a small matrix G = U S V^T by U V^T (all nonzero
// singular values set to 1, zero ones kept at 0: the pseudo-inverse
// convention), up to rounding amplified by the Gram matrix's squared
// condition: a kept singular value s adds an error of about
// 1e-16 (s_max / s)^2 (measured against a double SVD, largest entry error:
// 1e-12 at s = 1e-3 s_max, 3e-9 at 1e-4, up to 4e-5 at 1e-6, 4e-3 at 2e-7).
//
//   sutro::nn::tensor<float> g(200, 20);           // a layer's gradient
//   sutro::optim::polar_workspace ws;
//   std::size_t rank = sutro::optim::polar_factor(g.ref(), ws);   // g <- U V^T
//
// Method: with k = min(rows, cols), form the k x k Gram matrix A (G^T G or
// G G^T) in double and apply P = A^-1/2 (eigenvalues below the cut mapped to
// 0): U V^T = G P (or P G), so a 200 x 20 gradient costs a 20 x 20 problem
// instead of an SVD of the full matrix. Singular values below rcond * s_max
// count as zero (default rcond: max(rows, cols) * float epsilon, numpy's
// matrix_rank rule for float32 data; the Gram route resolves singular values
// down to about 1e-7 s_max in double, so a smaller rcond is refused). Three
// routes to P:
// - Newton (detail::newton_inverse_sqrt): the scaled Newton iteration for the
//   polar factor, run on the Gram matrix (inverses of positive definite
//   matrices, products), where a bound certifies that no eigenvalue is near
//   the cut, so that the rank is k;
// - deflated Newton (detail::deflated_inverse_sqrt): a rank-deficient A cut
//   down to its rank r by a pivoted Cholesky factorization, whose r x r part
//   takes the Newton route, where bounds certify the rank on both sides;
// - eigen (polar_factor_eigen): Householder tridiagonalization and implicit
//   QL (optim/symmetric_eigen.hpp), P = V diag(f(lambda)) V^T with
//   f = lambda^-1/2 above the cut and 0 below. It decides every other case.
// The routes agree to rounding (about 1e-16 (s_max / s_min)^2, the Gram
// matrix's own error; the deflated route within 1e-10 to first order): the
// error figures above, measured on the eigen route, are of the same order as
// the routes' differences (tests/optim/polar_test.cpp). The Newton routes take
// a few iterations of short dependency chains where QL's rotations form one
// long chain of square roots and divisions.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sutro/backend/traits.hpp"
#include "sutro/config/number_text.hpp"
#include "sutro/memory/accounting_allocator.hpp"
#include "sutro/memory/aligned_allocator.hpp"
#include "sutro/nn/kernels.hpp"
#include "sutro/nn/ops.hpp"
#include "sutro/nn/tensor.hpp"
#include "sutro/optim/symmetric_eigen.hpp"

namespace sutro::optim {

/// Scratch of the matrix rules, through the library's (accounting, aligned) allocator.
using scratch_buffer = std::vector<double, backend_allocator_t<default_backend, double>>;

/// How the last polar_factor found P = A^-1/2 (docs/optim.md, "The polar
/// factor"): none (an empty, zero or non-finite G needs no P), newton (the
/// scaled Newton iteration on the full-rank Gram matrix), deflated (a
/// pivoted Cholesky found the rank, Newton on the rest) or eigen (the
/// symmetric eigendecomposition, which decides ranks near the cut).
enum class polar_route { none, newton, deflated, eigen };

struct polar_workspace {
  scratch_buffer g, a, vt, w, e, s, p, out, zeros, m, mi, zn, lt, ci;
  /// The last polar_factor's route, and its Newton iterations (0 on the
  /// eigen route and on none).
  polar_route route = polar_route::none;
  std::size_t newton_iterations = 0;
  void reserve(std::size_t rows, std::size_t cols) {
    const std::size_t k = std::min(rows, cols);
    g.resize(rows * cols);
    out.resize(rows * cols);
    s.resize(k * k);
    zeros.assign(std::max(rows, cols), 0.0);
    a.resize(k * k);
    vt.resize(k * k);
    p.resize(k * k);
    m.resize(k * k);
    mi.resize(k * k);
    zn.resize(k * k);
    lt.resize(k * k);
    ci.resize(k * k);
    w.resize(k);
    e.resize(k);
  }
};

namespace detail {
/// The Gram route resolves singular values down to about 1e-7 s_max: below
/// that cut, eigenvalues of rounding noise would be taken as directions.
inline constexpr double min_rcond = 1e-7;
inline void check_rcond(const char* who, double rcond) {
  if (!(rcond < 1.0) || (rcond >= 0.0 && rcond < min_rcond))
    throw std::invalid_argument(std::string("sutro::optim::") + who +
                                ": rcond must be in [1e-7, 1) (negative for the default), got " +
                                sutro::detail::number_text(rcond));
}
/// P = V diag(f(lambda)) V^T for the k x k Gram matrix A (scaled by 1 / amax;
/// destroyed), f = (lambda amax)^-1/2 above the cut rcond^2 lambda_max and 0
/// below: the eigen route, which decides the rank. Returns the rank.
template <class Mode>
std::size_t eigen_inverse_sqrt(std::size_t k, double* a, double amax, double rcond, polar_workspace& ws,
                               const Mode& mode) {
  double* vt = ws.vt.data();
  double* w = ws.w.data();
  const auto wh = mode(w);
  tridiagonal_ql_eigen(k, a, vt, w, ws.e.data(), mode);
  double lmax = 0.0;
  for (std::size_t i = 0; i < k; ++i) lmax = std::max(lmax, double(wh[i]));
  const double cut = rcond * rcond * lmax;
  std::size_t rank = 0;
  for (std::size_t i = 0; i < k; ++i) {
    const double wi = wh[i];
    if (lmax > 0.0 && wi > cut) {
      wh[i] = 1.0 / std::sqrt(wi * amax);  // undo the scaling
      ++rank;
    } else {
      wh[i] = 0.0;
    }
  }
  // P = V diag(w) V^T = S Vt with S[r][i] = w_i vt[i][r].
  double* S = ws.s.data();
  {
    const memory::handle_of<Mode, double> sh = mode(S);
    const auto vth = mode(static_cast<const double*>(vt));
    for (std::size_t r = 0; r < k; ++r)
      for (std::size_t i = 0; i < k; ++i) {
        const double wi = wh[i], v = vth[i * k + r];
        sh[r * k + i] = wi * v;
      }
  }
  nn::ops::dense_forward(mode, k, k, k, static_cast<const double*>(S), static_cast<const double*>(vt),
                         static_cast<const double*>(ws.zeros.data()), ws.p.data());
  return rank;
}

/// The sum of squares of value(0), ..., value(n - 1) in 8 partial sums
/// (value t into t mod 8, fused multiply-adds), added as a tree: independent
/// chains where one running sum would be a chain of n dependent additions.
/// Whole chunks of 8 first, so that the partial sums stay in one register
/// (a loop indexing part[t % 8] keeps them in memory: a quarter of a Newton
/// route's own time). NoThrow: value cannot throw (raw reads), so the loop
/// may run in an FMA copy (nn::kernels::any::element_loop).
template <bool NoThrow, class Value>
[[nodiscard]] double sum_of_squares(std::size_t n, Value value) {
  double part[8] = {};
  nn::kernels::any::element_loop<NoThrow>([&] {
    std::size_t t = 0;
    for (; t + 8 <= n; t += 8)
      for (std::size_t l = 0; l < 8; ++l) {
        const double v = value(t + l);
        part[l] = std::fma(v, v, part[l]);
      }
    for (std::size_t l = 0; t < n; ++t, ++l) {
      const double v = value(t);
      part[l] = std::fma(v, v, part[l]);
    }
  });
  return nn::kernels::any::tree_sum8(part);
}

/// Stops the Newton iteration: with E = M - I below one of these (Frobenius
/// norm), the truncated series for (I + E)^-1/2 of that degree (linear,
/// quadratic, cubic, quintic) leaves an error below 4e-17: its first dropped
/// term is at most 3/8 (1e-8)^2, 5/16 (2e-6)^3, 35/128 (1e-4)^4 or
/// 231/1024 (2e-3)^6. A cubic costs two 20 x 20 products and a quintic three,
/// against an inverse and a product for each Newton iteration they save.
inline constexpr double newton_finish_linear = 1e-8, newton_finish_quadratic = 2e-6, newton_finish_cubic = 1e-4,
                        newton_finish_quintic = 2e-3;
inline constexpr std::size_t max_newton_iterations = 64;

/// The degree of the series that finishes the Newton iteration at
/// dev = ||M - I||_F^2 (1, 2, 3 or 5), or 0 where it must iterate on.
[[nodiscard]] constexpr int newton_finish_degree(double dev) noexcept {
  const auto below = [dev](double bound) { return dev <= bound * bound; };
  return below(newton_finish_linear)      ? 1
         : below(newton_finish_quadratic) ? 2
         : below(newton_finish_cubic)     ? 3
         : below(newton_finish_quintic)   ? 5
                                          : 0;
}

/// F (ws.s) = (I + E)^-1/2 for E = M - I (M: ws.m, k x k) by the series
/// I - E/2 + 3/8 E^2 - 5/16 E^3 + 35/128 E^4 - 63/256 E^5 to `degree`
/// (1, 2, 3 or 5). E^2 goes to ws.mi and E^3 to `scratch` (k x k); the
/// quintic's upper half E^3 (-5/16 I + 35/128 E - 63/256 E^2) is one more
/// product, into M (whose E is not needed once F holds the lower half).
template <class Mode>
void newton_finish(std::size_t k, int degree, polar_workspace& ws, const Mode& mode, double* scratch) {
  const std::size_t kk = k * k;
  double* M = ws.m.data();
  double* Mi = ws.mi.data();
  double* F = ws.s.data();
  double* Zn = scratch;
  const double* zeros = ws.zeros.data();
  const auto Mh = mode(M);
  const auto Mih = mode(Mi);
  const auto Fh = mode(F);
  const auto Znh = mode(Zn);
  if (degree >= 2) {
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < k; ++j) {
        const double e = Mh[i * k + j] - (i == j ? 1.0 : 0.0);
        Fh[i * k + j] = e;
      }
    nn::ops::dense_forward(mode, k, k, k, static_cast<const double*>(F), static_cast<const double*>(F), zeros, Mi);
  }
  if (degree >= 3)
    nn::ops::dense_forward(mode, k, k, k, static_cast<const double*>(Mi), static_cast<const double*>(F), zeros, Zn);
  nn::kernels::any::element_loop(mode, [&] {
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < k; ++j) {
        const double id = i == j ? 1.0 : 0.0, e = Mh[i * k + j] - id;
        double f = nn::kernels::any::fmadd(-0.5, e, id);
        if (degree >= 2) {
          const double e2 = Mih[i * k + j];
          f = nn::kernels::any::fmadd(0.375, e2, f);
          if (degree == 3) {
            const double e3 = Znh[i * k + j];
            f = nn::kernels::any::fmadd(-0.3125, e3, f);
          } else if (degree == 5) {
            const double upper =
                nn::kernels::any::fmadd(-63.0 / 256.0, e2, nn::kernels::any::fmadd(35.0 / 128.0, e, -0.3125 * id));
            Mih[i * k + j] = upper;
          }
        }
        Fh[i * k + j] = f;
      }
  });
  if (degree == 5) {
    nn::ops::dense_forward(mode, k, k, k, static_cast<const double*>(Zn), static_cast<const double*>(Mi), zeros, M);
    for (std::size_t i = 0; i < kk; ++i) {
      const double lower = Fh[i], upper = Mh[i];
      Fh[i] = lower + upper;
    }
  }
}

/// P = A^-1/2 for the k x k Gram matrix A (scaled to a largest diagonal entry
/// of 1; `trace` its trace) by the scaled Newton iteration for the polar
/// factor, in product form on the Gram matrix: M = A, Z = I, then with
/// F = (z I + M^-1 / z) / 2 (z = (tr M^-1 / tr M)^1/4, Frobenius scaling),
/// Z <- Z F and M <- F M F, so that Z A Z = M throughout and Z -> A^-1/2 as
/// M -> I (quadratically). Every M is symmetric positive definite, so its
/// inverse needs no pivoting (nn::ops::spd_inverse). Once E = M - I is small,
/// Z M^-1/2 = Z (I - E/2 + 3/8 E^2 - ...) finishes it without another inverse
/// (newton_finish, to the degree that E needs).
/// Returns the iterations, or 0 (P unset) where the eigen route must decide:
/// A is not certified clear of the cut, or not numerically positive definite.
/// The certificate: every eigenvalue is at least 1 / ||A^-1||_F, and the
/// largest at most trace(A); the route runs only where the smallest clears
/// four times rcond^2 trace(A), so that the eigen route would also have kept
/// every direction (rank k) and both compute the same A^-1/2. a_inverse:
/// A^-1 where the caller has it (spd_inverse's), with a_inverse_f2 its
/// squared Frobenius norm (sum_of_squares), so neither is computed again
/// (an a_inverse without its norm leaves NaN, which the certificate refuses).
template <class Mode>
std::size_t newton_inverse_sqrt(std::size_t k, const double* a, double trace, double rcond, polar_workspace& ws,
                                const Mode& mode, const double* a_inverse = nullptr,
                                double a_inverse_f2 = std::numeric_limits<double>::quiet_NaN()) {
  const std::size_t kk = k * k;
  double* M = ws.m.data();
  double* Mi = ws.mi.data();
  double* F = ws.s.data();
  // Z and the product Z F alternate between ws.p and ws.zn (no copy back);
  // the first F is written as Z itself.
  double* Z = ws.p.data();
  double* Zn = ws.zn.data();
  const double* zeros = ws.zeros.data();
  const auto Mh = mode(M);
  nn::ops::copy(mode, a, kk, M);
  const auto multiply_z_by_f = [&] {
    nn::ops::dense_forward(mode, k, k, k, static_cast<const double*>(Z), static_cast<const double*>(F), zeros, Zn);
    std::swap(Z, Zn);
  };
  for (std::size_t it = 0; it < max_newton_iterations; ++it) {
    const double* inverse = Mi;  // M^-1: the caller's A^-1 first where it has one
    if (it == 0 && a_inverse != nullptr) {
      inverse = a_inverse;
    } else {
      // A pivot is a diagonal entry of a Schur complement of M, so at least
      // the smallest eigenvalue: one below the certificate's bound ends it early.
      const double min_pivot = it == 0 ? 4.0 * rcond * rcond * trace : 0.0;
      if (!nn::ops::spd_inverse(mode, k, static_cast<const double*>(M), Mi, min_pivot)) return 0;
    }
    const auto Mih = mode(inverse);
    double tm = 0.0, ti = 0.0;
    for (std::size_t i = 0; i < k; ++i) {
      const double mii = Mh[i * k + i], vii = Mih[i * k + i];
      tm += mii;
      ti += vii;
    }
    if (it == 0) {
      const double f2 = a_inverse != nullptr
                            ? a_inverse_f2
                            : sum_of_squares<memory::is_raw_v<Mode>>(kk, [&](std::size_t i) { return double(Mih[i]); });
      if (!(1.0 / std::sqrt(f2) > 4.0 * rcond * rcond * trace)) return 0;
    }
    const double z = std::sqrt(std::sqrt(ti / tm));
    const double dev = nn::ops::newton_polar_step(mode, k, z, M, inverse, it == 0 ? Z : F);
    if (it > 0) multiply_z_by_f();
    const int degree = newton_finish_degree(dev);
    if (degree == 0) continue;
    newton_finish(k, degree, ws, mode, Zn);
    multiply_z_by_f();
    if (Z != ws.p.data()) std::swap(ws.p, ws.zn);  // P in ws.p, as the callers read it
    return it + 1;
  }
  return 0;
}

/// P = A^+1/2 (the pseudo-inverse square root) for a rank-deficient k x k
/// Gram matrix A (scaled as for newton_inverse_sqrt): a Cholesky
/// factorization with diagonal pivoting stops at rank r, where the largest
/// remaining diagonal entry of the Schur complement S falls to rcond^2 / 4k.
/// Then A = L L^T + S, every eigenvalue of A past the r-th is at most
/// trace(S) <= rcond^2 / 4 (below the cut by four), and with C = L^T L
/// (r x r) the r others are at least those of C, so where C clears the cut
/// by four (newton_inverse_sqrt's certificate) the eigen route keeps exactly
/// r directions. Then P = L C^-3/2 L^T, C^-1/2 by the Newton route; S's
/// directions differ from A's discarded eigenvectors by at most about
/// trace(S) ||C^-1||, required below 1e-10. Returns the rank, or 0 where the
/// eigen route must decide.
template <class Mode>
std::size_t deflated_inverse_sqrt(std::size_t k, const double* a, double trace, double rcond, polar_workspace& ws,
                                  const Mode& mode, std::size_t& iterations) {
  constexpr double done = -std::numeric_limits<double>::infinity();
  const auto A = mode(a);
  const auto d = mode(ws.w.data());  // the Schur complement's diagonal; `done` once pivoted
  const auto Lt = mode(ws.lt.data());
  const auto minus_lp = mode(ws.e.data());  // -L^T[t, p] for the row's product
  for (std::size_t i = 0; i < k; ++i) d[i] = double(A[i * k + i]);
  const double stop = rcond * rcond / (4.0 * double(k));
  std::size_t r = 0;
  for (; r < k; ++r) {
    // The pivot: the first index of the largest remaining diagonal entry,
    // its maximum taken over 8 lanes (one scan's chain of comparisons would
    // be k long).
    double lane_max[8];
    for (std::size_t l = 0; l < 8; ++l) lane_max[l] = done;
    std::size_t at = 0;
    for (; at + 8 <= k; at += 8)
      for (std::size_t l = 0; l < 8; ++l) lane_max[l] = std::max(lane_max[l], double(d[at + l]));
    for (std::size_t l = 0; at < k; ++at, ++l) lane_max[l] = std::max(lane_max[l], double(d[at]));
    double best = done;
    for (std::size_t l = 0; l < 8; ++l) best = std::max(best, lane_max[l]);
    if (!(best > stop)) break;
    std::size_t p = 0;
    while (double(d[p]) != best) ++p;
    const double inverse_root = 1.0 / std::sqrt(best);
    d[p] = done;
    // Row r of L^T: (A[p, :] - sum over t < r of L^T[t, p] L^T[t, :]) /
    // sqrt(pivot), t in order: one row of a product whose bias is A[p, :]
    // (the row kept in registers over t, where an axpy a t would store it
    // and wait for it again); pivoted columns other than p are 0.
    for (std::size_t t = 0; t < r; ++t) {
      const double lp = Lt[t * k + p];
      minus_lp[t] = -lp;
    }
    nn::ops::dense_forward(mode, 1, r, k, static_cast<const double*>(ws.e.data()),
                           static_cast<const double*>(ws.lt.data()), a + p * k, ws.lt.data() + r * k);
    nn::kernels::any::element_loop(mode, [&] {
      for (std::size_t i = 0; i < k; ++i) {
        const double di = d[i], x = Lt[r * k + i];
        const double v = di != done || i == p ? x * inverse_root : 0.0;
        Lt[r * k + i] = v;
        if (di != done) d[i] = std::fma(-v, v, di);
      }
    });
  }
  if (r == 0 || r == k) return 0;
  double rest = 0.0;
  for (std::size_t i = 0; i < k; ++i) {
    const double di = d[i];
    if (di != done) rest += std::max(di, 0.0);
  }
  double* C = ws.vt.data();  // the eigen route's buffer: free on this one
  double* Ci = ws.ci.data();
  nn::ops::gram_rows(mode, r, k, static_cast<const double*>(ws.lt.data()), C);
  if (!nn::ops::spd_inverse(mode, r, static_cast<const double*>(C), Ci)) return 0;
  const auto Cih = mode(Ci);
  const double f2 = sum_of_squares<memory::is_raw_v<Mode>>(r * r, [&](std::size_t i) { return double(Cih[i]); });
  if (!(rest * std::sqrt(f2) <= 1e-10)) return 0;
  iterations =
      newton_inverse_sqrt(r, static_cast<const double*>(C), trace, rcond, ws, mode, static_cast<const double*>(Ci), f2);
  if (iterations == 0) return 0;
  // P = L (C^-1 C^-1/2) L^T: C^-1/2 is in ws.p (r x r); the iteration's
  // other buffers are free again.
  const double* zeros = ws.zeros.data();
  double* Mr = ws.zn.data();
  double* B = ws.mi.data();
  double* L = ws.m.data();
  nn::ops::dense_forward(mode, r, r, r, static_cast<const double*>(Ci), static_cast<const double*>(ws.p.data()), zeros,
                         Mr);
  nn::ops::dense_forward(mode, r, r, k, static_cast<const double*>(Mr), static_cast<const double*>(ws.lt.data()), zeros,
                         B);
  nn::ops::transpose_convert(mode, r, k, static_cast<const double*>(ws.lt.data()), L);
  nn::ops::dense_forward(mode, k, r, k, static_cast<const double*>(L), static_cast<const double*>(B), zeros,
                         ws.p.data());
  return r;
}

template <class T, class Mode>
std::size_t polar_factor_by(nn::tensor_ref<T> g, polar_workspace& ws, double rcond, const Mode& mode, bool newton,
                            const char* who) {
  const std::size_t m = g.rows, n = g.cols, k = std::min(m, n);
  check_rcond(who, rcond);
  ws.route = polar_route::none;
  ws.newton_iterations = 0;
  if (k == 0) return 0;
  if (rcond < 0) rcond = static_cast<double>(std::max(m, n)) * std::numeric_limits<float>::epsilon();
  ws.reserve(m, n);
  const auto gd = mode(g.data);
  // W is G (m < n) or G^T (m >= n), stored row-major k x l, in double: the
  // Gram matrix is then k x k dot products of W's rows, and the result
  // P W is one register-blocked product.
  const std::size_t l = std::max(m, n);
  double* wd = ws.g.data();
  {
    const memory::handle_of<Mode, double> wh = mode(wd);
    if (m >= n) {
      nn::ops::transpose_convert(mode, m, n, static_cast<const T*>(g.data), wd);
    } else {
      for (std::size_t i = 0; i < m * n; ++i) wh[i] = static_cast<double>(T(gd[i]));
    }
  }
  double* a = ws.a.data();
  nn::ops::gram_rows(mode, k, l, static_cast<const double*>(wd), a);
  const auto ah = mode(a);
  double amax = 0.0, trace = 0.0;
  const auto diagonal = [&] {
    amax = 0.0, trace = 0.0;
    for (std::size_t i = 0; i < k; ++i) {
      const double d = ah[i * k + i];
      amax = std::max(amax, d);
      trace += d;
    }
  };
  diagonal();
  // U V^T is scale invariant, but the Gram matrix of a double G is not in
  // range: entries past about 1e154 square to inf, below about 1e-300 the
  // squares lose bits. Then W is scaled by the power of 2 that brings its
  // largest entry to [1, 2) (exact) and the Gram matrix formed again. A float
  // G never needs it: its squares lie in [2^-298, 2^256], so a finite trace
  // with amax == 0 is G == 0 (a zero gradient, common once a hinge loss is
  // met, is not read again).
  if (!std::is_same_v<T, float> && (!std::isfinite(trace) || amax < 0x1p-900)) {
    const memory::handle_of<Mode, double> wh2 = mode(wd);
    double big = 0.0;
    for (std::size_t i = 0; i < k * l; ++i) big = std::max(big, std::abs(double(wh2[i])));  // skips NaN
    if (std::isfinite(big) && big > 0.0) {  // NaN or inf stay for the check below, 0 is G == 0
      const int e = std::ilogb(big);        // 2^-e may not be a double: scalbn
      for (std::size_t i = 0; i < k * l; ++i) wh2[i] = std::scalbn(double(wh2[i]), -e);
      nn::ops::gram_rows(mode, k, l, static_cast<const double*>(wd), a);
      diagonal();
    }
  }
  if (!std::isfinite(trace)) {  // NaN or inf in G: NaN out, so that training sees the divergence
    for (std::size_t i = 0; i < m * n; ++i) gd[i] = std::numeric_limits<T>::quiet_NaN();
    return 0;
  }
  if (amax == 0.0) {  // G == 0: U V^T = 0
    nn::ops::fill_zero(mode, g.data, m * n);
    return 0;
  }
  for (std::size_t i = 0; i < k * k; ++i) ah[i] /= amax;  // eigenvalues scale with it; the cut is relative
  double* out = ws.out.data();
  const double* zeros = ws.zeros.data();
  std::size_t rank = k;
  if (newton) {
    ws.newton_iterations = newton_inverse_sqrt(k, a, trace / amax, rcond, ws, mode);
    if (ws.newton_iterations == 0) {
      const std::size_t r = deflated_inverse_sqrt(k, a, trace / amax, rcond, ws, mode, ws.newton_iterations);
      if (r > 0) rank = r;  // in [1, k - 1]
    }
  }
  ws.route = ws.newton_iterations == 0 ? polar_route::eigen : rank < k ? polar_route::deflated : polar_route::newton;
  double* P = ws.p.data();  // after the routes: the Newton route leaves its P there by swapping buffers
  if (ws.newton_iterations > 0) {
    const memory::handle_of<Mode, double> ph = mode(P);
    const double unscale = 1.0 / std::sqrt(amax);
    for (std::size_t i = 0; i < k * k; ++i) ph[i] *= unscale;
  } else {
    rank = eigen_inverse_sqrt(k, a, amax, rcond, ws, mode);
  }
  // U V^T = G P (m >= n) or P G (m < n), both as P W (W: G or G^T, k x l,
  // already in double): one register-blocked product l columns wide, in
  // double (an ill-conditioned G would lose digits in float). For m >= n the
  // result is (G P)^T, written back transposed.
  nn::ops::dense_forward(mode, k, k, l, static_cast<const double*>(P), static_cast<const double*>(wd), zeros, out);
  const memory::handle_of<Mode, const double> oh = mode(static_cast<const double*>(out));
  if (m >= n) {
    nn::ops::transpose_convert(mode, n, m, static_cast<const double*>(out), g.data);
  } else {
    for (std::size_t i = 0; i < m * n; ++i) gd[i] = static_cast<T>(double(oh[i]));
  }
  return rank;
}
}  // namespace detail

/// g <- U V^T in place; returns the numerical rank. rcond < 0 picks the
/// default; NaN, rcond >= 1 and 0 <= rcond < 1e-7 throw std::invalid_argument.
/// A G holding NaN or inf becomes all NaN (rank 0).
/// Any finite double G is in range (1e300 or 1e-300 scales give U V^T). m: the
/// access policy (nn/ops.hpp), raw unless given. ws.route tells the route
/// taken, ws.newton_iterations its Newton iterations.
template <class T, class Mode = memory::raw_access>
std::size_t polar_factor(nn::tensor_ref<T> g, polar_workspace& ws, double rcond = -1.0, const Mode& mode = Mode{}) {
  return detail::polar_factor_by(g, ws, rcond, mode, true, "polar_factor");
}

/// polar_factor by the eigen route alone: the reference its Newton route is
/// checked against, and what it falls back to.
template <class T, class Mode = memory::raw_access>
std::size_t polar_factor_eigen(nn::tensor_ref<T> g, polar_workspace& ws, double rcond = -1.0,
                               const Mode& mode = Mode{}) {
  return detail::polar_factor_by(g, ws, rcond, mode, false, "polar_factor_eigen");
}

}  // namespace sutro::optim
