#pragma once
// Building blocks: scale, add_decayed_weights, clip, clip_by_global_norm,
// scale_by_schedule, accumulate_momentum (heavy ball / Nesterov), scale_by_adam,
// scale_by_sign.
//
//   using namespace sutro::optim;
//   auto adamw = chain(scale_by_adam{.beta2 = 0.99}, add_decayed_weights{0.01}, scale{-1e-3});
//   auto warm = chain(accumulate_momentum{0.9}, scale_by_schedule(linear_warmup(100)), scale(-0.1));

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "sutro/backend/traits.hpp"
#include "sutro/memory/accounting_allocator.hpp"
#include "sutro/memory/aligned_allocator.hpp"
#include "sutro/nn/ops.hpp"
#include "sutro/nn/scalar/fma.hpp"
#include "sutro/optim/norm.hpp"
#include "sutro/optim/option_check.hpp"
#include "sutro/optim/transform.hpp"

namespace sutro::optim {

template <class T>
using state_buffer = std::vector<T, backend_allocator_t<default_backend, T>>;

/// One zeroed buffer per parameter tensor.
template <class T>
[[nodiscard]] std::vector<state_buffer<T>> zeros_like(tensors<T> params) {
  std::vector<state_buffer<T>> out;
  out.reserve(params.size());
  for (const auto& p : params) out.emplace_back(p.size(), T(0));
  return out;
}

/// u *= factor.
struct scale {
  double factor = 1.0;
  /// Throws std::invalid_argument unless factor is finite.
  template <class T>
  empty_state init(tensors<T>) const {
    detail::check_finite("scale", "factor", factor);
    detail::check_fits<T>("scale", "factor", factor);
    return {};
  }
  template <class T, class Mode = memory::raw_access>
  void update(tensors<T> u, empty_state&, tensors<T>, const Mode& m = Mode{}) const {
    const T f = static_cast<T>(factor);
    for (const auto& t : u) {
      const memory::handle_of<Mode, T> v = m(t.data);
      for (std::size_t i = 0, n = t.size(); i < n; ++i) v[i] *= f;
    }
  }
  template <class T>
  T map(T u, T) const noexcept {
    return u * static_cast<T>(factor);
  }
};

/// u += decay * params (decoupled weight decay when placed after the rule).
struct add_decayed_weights {
  double decay = 0.0;
  /// Throws std::invalid_argument unless decay is finite and >= 0.
  template <class T>
  empty_state init(tensors<T>) const {
    detail::check_nonnegative("add_decayed_weights", "decay", decay);
    detail::check_fits<T>("add_decayed_weights", "decay", decay);
    return {};
  }
  template <class T, class Mode = memory::raw_access>
  void update(tensors<T> u, empty_state&, tensors<T> p, const Mode& m = Mode{}) const {
    if (decay == 0.0) return;
    check_shapes(u, p, "sutro::optim::add_decayed_weights::update");  // it reads p by u's shapes
    const T d = static_cast<T>(decay);
    nn::kernels::any::element_loop(m, [&] {
      for (std::size_t l = 0; l < u.size(); ++l) {
        const memory::handle_of<Mode, T> ul = m(u[l].data);
        const memory::handle_of<Mode, const T> pl = m(static_cast<const T*>(p[l].data));
        for (std::size_t i = 0, n = u[l].size(); i < n; ++i) {
          const T w = pl[i], v = ul[i];
          ul[i] = nn::kernels::any::fmadd(d, w, v);
        }
      }
    });
  }
  // fmadd: u + d * p rounded once, spelled out so that the raw and the
  // recorded runs (whose reads split the expression) and every build agree.
  template <class T>
  T map(T u, T p) const noexcept {
    return decay == 0.0 ? u : nn::kernels::any::fmadd(static_cast<T>(decay), p, u);
  }
};

/// Each element clipped to [-max_abs, max_abs]; NaN or inf becomes NaN
/// (a divergence is reported, not clipped away).
struct clip {
  double max_abs = 1.0;
  /// Throws std::invalid_argument unless max_abs is finite and > 0.
  template <class T>
  empty_state init(tensors<T>) const {
    detail::check_positive("clip", "max_abs", max_abs);
    return {};
  }
  template <class T, class Mode = memory::raw_access>
  void update(tensors<T> u, empty_state&, tensors<T>, const Mode& mode = Mode{}) const {
    const T m = static_cast<T>(max_abs);
    for (const auto& t : u) {
      const memory::handle_of<Mode, T> v = mode(t.data);
      for (std::size_t i = 0, n = t.size(); i < n; ++i) {
        const T x = v[i];
        v[i] = std::isfinite(x) ? std::clamp(x, -m, m) : std::numeric_limits<T>::quiet_NaN();
      }
    }
  }
  template <class T>
  T map(T u, T) const noexcept {
    return std::isfinite(u) ? std::clamp(u, static_cast<T>(-max_abs), static_cast<T>(max_abs))
                            : std::numeric_limits<T>::quiet_NaN();
  }
};

/// All updates scaled down together so that their joint L2 norm is <= max_norm.
struct clip_by_global_norm {
  double max_norm = 1.0;
  /// Throws std::invalid_argument unless max_norm is finite and > 0 (a
  /// negative one would flip the update into gradient ascent).
  template <class T>
  empty_state init(tensors<T>) const {
    detail::check_positive("clip_by_global_norm", "max_norm", max_norm);
    return {};
  }
  template <class T, class Mode = memory::raw_access>
  void update(tensors<T> u, empty_state&, tensors<T>, const Mode& m = Mode{}) const {
    double sq = 0.0;
    nn::kernels::any::element_loop(m, [&] {
      for (const auto& t : u) {
        const memory::handle_of<Mode, const T> v = m(static_cast<const T*>(t.data));
        for (std::size_t i = 0, n = t.size(); i < n; ++i) {
          const auto x = static_cast<double>(T(v[i]));
          sq = nn::kernels::any::fmadd(x, x, sq);
        }
      }
    });
    const double norm = detail::norm_from_sum(sq, [&](auto visit) {
      for (const auto& t : u) {
        const memory::handle_of<Mode, const T> v = m(static_cast<const T*>(t.data));
        for (std::size_t i = 0, n = t.size(); i < n; ++i) visit(static_cast<double>(T(v[i])));
      }
    });
    if (!(norm > max_norm)) return;
    const T f = static_cast<T>(max_norm / norm);
    for (const auto& t : u) {
      const memory::handle_of<Mode, T> v = m(t.data);
      for (std::size_t i = 0, n = t.size(); i < n; ++i) v[i] *= f;
    }
  }
};

struct step_count {
  std::size_t count = 0;
};

/// u *= schedule(step), step = 0, 1, ... counted per update.
template <class Schedule>
struct scale_by_schedule {
  Schedule schedule;
  explicit scale_by_schedule(Schedule s) : schedule(std::move(s)) {}
  template <class T>
  step_count init(tensors<T>) const {
    return {};
  }
  template <class T, class Mode = memory::raw_access>
  void update(tensors<T> u, step_count& s, tensors<T>, const Mode& m = Mode{}) const {
    const T f = static_cast<T>(schedule(s.count++));
    for (const auto& t : u) {
      const memory::handle_of<Mode, T> v = m(t.data);
      for (std::size_t i = 0, n = t.size(); i < n; ++i) v[i] *= f;
    }
  }
};

/// Factor rising linearly from 1/steps to 1 over `steps` updates.
[[nodiscard]] inline auto linear_warmup(std::size_t steps) {
  return [steps](std::size_t t) {
    return steps == 0 ? 1.0 : std::min(1.0, static_cast<double>(t + 1) / static_cast<double>(steps));
  };
}

/// Factor 0.5 (1 + cos(pi t / steps)) down to `floor` after `steps` updates.
[[nodiscard]] inline auto cosine_decay(std::size_t steps, double floor = 0.0) {
  // NaN would poison every parameter, and a floor above 1 makes the factor rise.
  if (!(floor >= 0.0 && floor <= 1.0)) detail::refuse_option("cosine_decay", "floor", "in [0, 1]", floor);
  return [steps, floor](std::size_t t) {
    const double x = std::min(1.0, static_cast<double>(t) / static_cast<double>(steps ? steps : 1));
    return floor + (1.0 - floor) * 0.5 * (1.0 + std::cos(3.14159265358979323846 * x));
  };
}

/// Momentum accumulation: m = beta m + u; u = m, or u + beta m with
/// Nesterov (optax's `trace`; the name says what it keeps, and leaves
/// "trace" to memory::trace).
template <class T>
struct momentum_state {
  shape_record shapes;  ///< the parameters it was built for; update() checks them
  std::vector<state_buffer<T>> m;
};

struct accumulate_momentum {
  double beta = 0.9;
  bool nesterov = false;
  /// Throws std::invalid_argument unless beta is in [0, 1), and below 1 as a T.
  template <class T>
  momentum_state<T> init(tensors<T> p) const {
    detail::check_beta("accumulate_momentum", "beta", beta);
    detail::check_beta_fits<T>("accumulate_momentum", "beta", beta);
    return {shape_record(p), zeros_like(p)};
  }
  template <class T, class Mode = memory::raw_access>
  void update(tensors<T> u, momentum_state<T>& s, tensors<T>, const Mode& mode = Mode{}) const {
    using nn::kernels::any::fmadd;
    s.shapes.check(u, "optim::accumulate_momentum::update");
    const T b = static_cast<T>(beta);
    nn::kernels::any::element_loop(mode, [&] {
      for (std::size_t l = 0; l < u.size(); ++l) {
        const memory::handle_of<Mode, T> ul = mode(u[l].data);
        const memory::handle_of<Mode, T> ml = mode(s.m[l].data());
        for (std::size_t i = 0, n = u[l].size(); i < n; ++i) {
          const T mi = ml[i], ui = ul[i];
          const T mn = fmadd(b, mi, ui);
          ml[i] = mn;
          ul[i] = nesterov ? fmadd(b, mn, ui) : mn;
        }
      }
    });
  }
};

template <class T>
struct adam_state {
  shape_record shapes;  ///< the parameters it was built for; update() checks them
  std::vector<state_buffer<T>> m, v;
  std::size_t count = 0;
};

/// Adam's direction m_hat / (sqrt(v_hat) + eps) (Kingma and Ba), bias-corrected.
/// Fields by name only: `scale_by_adam{.beta1 = 0.9, .beta2 = 0.99}`.
struct scale_by_adam {
  detail::names_required named_{};
  double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
  /// Throws std::invalid_argument unless beta1 and beta2 are in [0, 1) (and below 1 as a T) and eps is
  /// positive and finite (beta1 = 1 divides by 1 - beta1^t = 0).
  template <class T>
  adam_state<T> init(tensors<T> p) const {
    detail::check_beta("scale_by_adam", "beta1", beta1);
    detail::check_beta("scale_by_adam", "beta2", beta2);
    detail::check_beta_fits<T>("scale_by_adam", "beta1", beta1);
    detail::check_beta_fits<T>("scale_by_adam", "beta2", beta2);
    detail::check_eps("scale_by_adam", eps);
    detail::check_fits<T>("scale_by_adam", "eps", eps);
    return {shape_record(p), zeros_like(p), zeros_like(p), 0};
  }
  template <class T, class Mode = memory::raw_access>
  void update(tensors<T> u, adam_state<T>& s, tensors<T>, const Mode& mode = Mode{}) const {
    using nn::kernels::any::fmadd;
    s.shapes.check(u, "optim::scale_by_adam::update");
    ++s.count;
    const T c1 = static_cast<T>(1.0 / (1.0 - std::pow(beta1, static_cast<double>(s.count))));
    const T c2 = static_cast<T>(1.0 / (1.0 - std::pow(beta2, static_cast<double>(s.count))));
    const T B1 = static_cast<T>(beta1), B2 = static_cast<T>(beta2), E = static_cast<T>(eps);
    nn::kernels::any::element_loop(mode, [&] {
      for (std::size_t l = 0; l < u.size(); ++l) {
        const memory::handle_of<Mode, T> ul = mode(u[l].data);
        const memory::handle_of<Mode, T> ml = mode(s.m[l].data());
        const memory::handle_of<Mode, T> vl = mode(s.v[l].data());
        for (std::size_t i = 0, n = u[l].size(); i < n; ++i) {
          const T mi = ml[i], vi = vl[i], ui = ul[i];
          const T mn = fmadd(B1, mi, (T(1) - B1) * ui);
          const T vn = fmadd(B2, vi, (T(1) - B2) * ui * ui);
          ml[i] = mn;
          vl[i] = vn;
          // A second moment past T's range would give a zero step forever: NaN
          // instead, so that training reports the divergence.
          const T den = std::sqrt(vn * c2) + E;
          ul[i] = std::isfinite(den) ? (mn * c1) / den : std::numeric_limits<T>::quiet_NaN();
        }
      }
    });
  }
};

/// u = sign(u) (0 stays 0; NaN or inf becomes NaN, so that training sees a divergence).
struct scale_by_sign {
  template <class T>
  empty_state init(tensors<T>) const {
    return {};
  }
  template <class T, class Mode = memory::raw_access>
  void update(tensors<T> u, empty_state&, tensors<T>, const Mode& m = Mode{}) const {
    for (const auto& t : u) {
      const memory::handle_of<Mode, T> v = m(t.data);
      for (std::size_t i = 0, n = t.size(); i < n; ++i) {
        const T x = v[i];
        v[i] = std::isfinite(x) ? static_cast<T>((x > T(0)) - (x < T(0))) : std::numeric_limits<T>::quiet_NaN();
      }
    }
  }
  template <class T>
  T map(T u, T) const noexcept {
    return std::isfinite(u) ? static_cast<T>((u > T(0)) - (u < T(0))) : std::numeric_limits<T>::quiet_NaN();
  }
};

}  // namespace sutro::optim
