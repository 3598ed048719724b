#pragma once
// Muon (Keller Jordan, 2024): momentum, then an approximate polar factor by
// 5 quintic Newton-Schulz steps X <- a X + (b A + c A^2) X, A = X X^T, with
// (a, b, c) = (3.4445, -4.7750, 2.0315), after scaling G by its Frobenius
// norm; the result is scaled by sqrt(max(1, fan_out / fan_in)), which is
// sqrt(max(1, rows / cols)) for PyTorch-layout (out x in) views. Vectors and
// scalars (biases) get the momentum direction unchanged.
//
//   auto opt = sutro::optim::muon({.lr = 0.02, .beta = 0.95});   // momentum: Nesterov
//   sutro::optim::newton_schulz(g.ref(), ws);      // the orthogonalization alone

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

#include "sutro/nn/kernels.hpp"
#include "sutro/nn/ops.hpp"
#include "sutro/nn/scalar/fma.hpp"
#include "sutro/optim/norm.hpp"
#include "sutro/optim/polar.hpp"
#include "sutro/optim/transform.hpp"

namespace sutro::optim {

struct newton_schulz_workspace {
  scratch_buffer x, a, b, c, y, zeros;
};

inline constexpr double muon_a = 3.4445, muon_b = -4.7750, muon_c = 2.0315;

/// g <- NS5(g / ||g||_F) in place (computed in double on the wide side's
/// transpose so that A is min(rows, cols) square), under access policy m.
template <class T, class Mode = memory::raw_access>
void newton_schulz(nn::tensor_ref<T> g, newton_schulz_workspace& ws, std::size_t steps = 5, const Mode& m = Mode{}) {
  using nn::kernels::any::fmadd;
  const bool tall = g.rows > g.cols;
  const std::size_t r = tall ? g.cols : g.rows, c = tall ? g.rows : g.cols;  // X is r x c, r <= c
  if (r == 0) return;
  ws.x.resize(r * c);
  ws.a.resize(r * r);
  ws.b.resize(r * r);
  ws.c.resize(r * r);
  ws.y.resize(r * c);
  const memory::handle_of<Mode, T> gd = m(g.data);
  nn::kernels::any::element_loop(m, [&] {
    const memory::handle_of<Mode, double> x = m(ws.x.data());
    // ||g||^2 in 8 partial sums (element t into t mod 8) added as a tree:
    // one running sum would be a chain of rows x cols dependent additions.
    // fmadd spelled out, so that raw and recorded runs round alike.
    double part[8] = {};
    for (std::size_t i = 0, t = 0; i < g.rows; ++i)
      for (std::size_t j = 0; j < g.cols; ++j, ++t) {
        const auto v = static_cast<double>(T(gd[i * g.cols + j]));
        part[t % 8] = fmadd(v, v, part[t % 8]);
        x[tall ? j * c + i : i * c + j] = v;
      }
    const double norm2 = nn::kernels::any::tree_sum8(part);
    const double norm = detail::norm_from_sum(norm2, [&](auto visit) {
      for (std::size_t i = 0; i < g.rows * g.cols; ++i) visit(static_cast<double>(T(gd[i])));
    });
    const double inv = 1.0 / (norm + 1e-7);
    for (std::size_t i = 0; i < r * c; ++i) x[i] *= inv;
  });
  double* A = ws.a.data();
  double* B = ws.b.data();
  double* C = ws.c.data();
  // Not restrict: the kernels below reach A and C through other pointers.
  const auto Ah = m(A);
  const auto Ch = m(C);
  ws.zeros.assign(std::max(r, c), 0.0);
  for (std::size_t s = 0; s < steps; ++s) {
    const double* x = ws.x.data();
    double* y = ws.y.data();
    nn::ops::gram_rows(m, r, c, x, A);  // A = X X^T
    // B = b A + c A A as (b I + c A) A: one register-blocked product where
    // an axpy a row of A would wait on each row of B it just stored.
    nn::kernels::any::element_loop(m, [&] {
      for (std::size_t i = 0; i < r; ++i)
        for (std::size_t j = 0; j < r; ++j) {
          const double aij = Ah[i * r + j];
          Ch[i * r + j] = fmadd(muon_c, aij, i == j ? muon_b : 0.0);
        }
    });
    nn::ops::dense_forward(m, r, r, r, static_cast<const double*>(C), static_cast<const double*>(A),
                           static_cast<const double*>(ws.zeros.data()), B);
    // X = a X + B X: B X register-blocked, then a X added.
    nn::ops::dense_forward(m, r, r, c, static_cast<const double*>(B), x, static_cast<const double*>(ws.zeros.data()),
                           y);
    nn::kernels::any::element_loop(m, [&] {
      const memory::handle_of<Mode, const double> xh = m(x);
      const memory::handle_of<Mode, double> yh = m(y);
      for (std::size_t i = 0; i < r * c; ++i) {
        const double xi = xh[i], yi = yh[i];
        yh[i] = fmadd(muon_a, xi, yi);
      }
    });
    std::swap(ws.x, ws.y);
  }
  const memory::handle_of<Mode, const double> x = m(static_cast<const double*>(ws.x.data()));
  for (std::size_t i = 0; i < g.rows; ++i)
    for (std::size_t j = 0; j < g.cols; ++j)
      gd[i * g.cols + j] = static_cast<T>(double(x[tall ? j * c + i : i * c + j]));
}

/// Newton-Schulz on matrices, scaled by sqrt(max(1, fan_out / fan_in)); others pass through.
struct scale_by_newton_schulz {
  std::size_t steps = 5;
  template <class T>
  newton_schulz_workspace init(tensors<T>) const {
    return {};
  }
  template <class T, class Mode = memory::raw_access>
  void update(tensors<T> u, newton_schulz_workspace& ws, tensors<T>, const Mode& m = Mode{}) const {
    for (const auto& t : u) {
      if (t.kind() != param_kind::matrix) continue;
      newton_schulz(t, ws, steps, m);
      const T f =
          static_cast<T>(std::sqrt(std::max(1.0, static_cast<double>(t.fan_out()) / static_cast<double>(t.fan_in()))));
      const memory::handle_of<Mode, T> v = m(t.data);
      for (std::size_t i = 0, n = t.size(); i < n; ++i) v[i] *= f;
    }
  }
};

}  // namespace sutro::optim
