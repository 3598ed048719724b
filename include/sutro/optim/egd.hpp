#pragma once
// EGD, egalitarian gradient descent (Pasand and Dohmatob, arXiv 2510.04930),
// the group's variant: a matrix gradient G = U S V^T becomes U V^T (exact
// polar factor, pseudo-inverse where G is rank deficient), a bias vector
// g / ||g||, a scalar bias sign(g). No momentum. NaN or inf in a gradient
// gives NaN directions, so that training reports the divergence.
//
//   auto opt = sutro::optim::egd({.lr = 0.1, .weight_decay = 0.01});   // W -= 0.1 (G~ + 0.01 W)
//   auto raw = sutro::optim::scale_by_egd{};   // the direction alone, for chains

#include <cmath>
#include <cstddef>
#include <limits>
#include <type_traits>

#include "sutro/nn/ops.hpp"
#include "sutro/nn/scalar/fma.hpp"
#include "sutro/optim/norm.hpp"
#include "sutro/optim/polar.hpp"
#include "sutro/optim/transform.hpp"

namespace sutro::optim {

/// Replaces each update by its "egalitarian" direction (see above).
struct scale_by_egd {
  double rcond = -1.0;  // polar_factor's cut; < 0: default
  /// Throws std::invalid_argument for an rcond polar_factor refuses.
  template <class T>
  polar_workspace init(tensors<T> params) const {
    detail::check_rcond("scale_by_egd", rcond);
    polar_workspace ws;
    for (const auto& p : params)
      if (p.kind() == param_kind::matrix) ws.reserve(p.rows, p.cols);  // capacity only grows
    return ws;
  }
  template <class T, class Mode = memory::raw_access>
  void update(tensors<T> u, polar_workspace& ws, tensors<T>, const Mode& m = Mode{}) const {
    for (const auto& t : u) {
      const memory::handle_of<Mode, T> v = m(t.data);
      switch (t.kind()) {
        case param_kind::matrix:
          polar_factor(t, ws, rcond, m);
          break;
        case param_kind::vector: {
          const std::size_t n = t.size();
          const double sq = detail::sum_of_squares<memory::is_raw_v<Mode>>(
              n, [&](std::size_t i) { return static_cast<double>(T(v[i])); });
          // A float vector's squares stay in double's range: the rescaled
          // second pass can only matter for double.
          const double norm = std::is_same_v<T, float> ? std::sqrt(sq) : detail::norm_from_sum(sq, [&](auto visit) {
            for (std::size_t j = 0; j < n; ++j) visit(static_cast<double>(T(v[j])));
          });
          if (!std::isfinite(norm)) {  // NaN or inf in g: a NaN direction, as for matrices
            for (std::size_t j = 0; j < n; ++j) v[j] = std::numeric_limits<T>::quiet_NaN();
          } else if (norm > 0.0) {
            const T f = static_cast<T>(1.0 / norm);
            if (std::isfinite(f)) {
              for (std::size_t j = 0; j < n; ++j) v[j] *= f;
            } else {  // a norm so small that 1 / norm is past T's range (float below 3e-39)
              for (std::size_t j = 0; j < n; ++j) v[j] = static_cast<T>(static_cast<double>(T(v[j])) / norm);
            }
          }
          break;
        }
        case param_kind::scalar: {
          const T x = v[0];
          v[0] = std::isfinite(x) ? static_cast<T>((x > T(0)) - (x < T(0))) : std::numeric_limits<T>::quiet_NaN();
          break;
        }
      }
    }
  }
};

}  // namespace sutro::optim
