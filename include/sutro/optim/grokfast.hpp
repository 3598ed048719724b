#pragma once
// GrokFast (Lee et al. 2024, arXiv 2405.20233), the EMA filter: keeps an
// exponential moving average of the gradients and adds lambda times it, so
// the slow (generalizing) component of the gradient is amplified:
//   ema = alpha ema + (1 - alpha) g;   u = g + lambda ema        (ema starts at 0)
// It is a transform, so it composes with any rule; the group's setting
// (SutroYaro, exp_grokfast_curriculum) filters the data gradient, then SGD
// with weight decay:
//
//   using namespace sutro::optim;
//   auto opt = chain(grokfast({.alpha = 0.98, .lambda = 2.0}),
//                    add_decayed_weights{0.01}, scale{-0.1});  // W -= 0.1 (g + 2 ema + 0.01 W)
//   auto state = opt.init(net.params());
//   step(opt, state, net.grads(), net.params());
//
// Like the other rules it takes the memory-access policy as a last argument
// (update(u, state, p, memory::recording_access{&trace}) records every read
// and write of the gradient and the EMA buffer).

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

#include "sutro/nn/ops.hpp"
#include "sutro/nn/scalar/fma.hpp"
#include "sutro/optim/option_check.hpp"
#include "sutro/optim/rules.hpp"
#include "sutro/optim/transform.hpp"

namespace sutro::optim {

/// Options of grokfast(), by name only: `{.alpha = 0.98, .lambda = 2.0}`.
struct grokfast_options {
  detail::names_required named_{};
  double alpha = 0.98;  ///< EMA decay, in [0, 1)
  double lambda = 2.0;  ///< amplification of the EMA, finite
};

/// The EMA buffers, one per parameter tensor, and the shapes they were built for.
template <class T>
struct grokfast_state {
  shape_record shapes;
  std::vector<state_buffer<T>> ema;
};

/// The GrokFast EMA transform; build it with grokfast(options), which validates them.
class scale_by_grokfast {
 public:
  /// Throws std::invalid_argument unless 0 <= alpha < 1 and lambda is finite.
  explicit scale_by_grokfast(const grokfast_options& o = grokfast_options{}) : alpha_(o.alpha), lambda_(o.lambda) {
    detail::check_beta("grokfast", "alpha", alpha_);
    detail::check_finite("grokfast", "lambda", lambda_);
  }

  [[nodiscard]] double alpha() const noexcept { return alpha_; }
  [[nodiscard]] double lambda() const noexcept { return lambda_; }

  /// Throws std::invalid_argument for a lambda T cannot hold (1e39 is inf
  /// as a float: every update inf; 1e-50 rounds to 0: the filter off) and an
  /// alpha that rounds to 1 in T (the EMA would never decay).
  template <class T>
  [[nodiscard]] grokfast_state<T> init(tensors<T> p) const {
    detail::check_fits<T>("grokfast", "lambda", lambda_);
    detail::check_beta_fits<T>("grokfast", "alpha", alpha_);
    return {shape_record(p), zeros_like(p)};
  }

  template <class T, class Mode = memory::raw_access>
  void update(tensors<T> u, grokfast_state<T>& s, tensors<T>, const Mode& mode = Mode{}) const {
    using nn::kernels::any::fmadd;
    s.shapes.check(u, "optim::grokfast::update");
    const T a = static_cast<T>(alpha_), one_minus_a = static_cast<T>(1.0 - alpha_);
    const T lam = static_cast<T>(lambda_);
    nn::kernels::any::element_loop(mode, [&] {
      for (std::size_t l = 0; l < u.size(); ++l) {
        const memory::handle_of<Mode, T> ul = mode(u[l].data);
        const memory::handle_of<Mode, T> el = mode(s.ema[l].data());
        for (std::size_t i = 0, n = u[l].size(); i < n; ++i) {
          const T g = ul[i], e = el[i];
          // fmadd spelled out (as in rules.hpp) so that raw and recorded runs round alike.
          const T en = fmadd(a, e, one_minus_a * g);
          el[i] = en;
          ul[i] = fmadd(lam, en, g);
        }
      }
    });
  }

 private:
  double alpha_, lambda_;
};

/// GrokFast's EMA filter as a rule to chain: `chain(grokfast({.alpha = 0.98, .lambda = 2.0}), ...)`.
[[nodiscard]] inline scale_by_grokfast grokfast(const grokfast_options& o = grokfast_options{}) {
  return scale_by_grokfast(o);
}

}  // namespace sutro::optim
