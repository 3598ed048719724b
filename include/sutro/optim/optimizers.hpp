#pragma once
// Ready-made optimizers, each a chain of rules (see rules.hpp). lr is the
// step size (updates are -lr times the direction); wd adds wd * W to the
// direction before the step, as the group's harness does.
//
//   #include "sutro/optim/optimizers.hpp"
//   auto opt = sutro::optim::egd(0.1, 0.01);   // or sgd, momentum, nesterov, adam,
//                                              // adamw, sign_sgd, muon
//   auto state = opt.init(net.params());
//   sutro::optim::step(opt, state, net.grads(), net.params());

#include "sutro/optim/egd.hpp"
#include "sutro/optim/muon.hpp"
#include "sutro/optim/rules.hpp"
#include "sutro/optim/transform.hpp"

namespace sutro::optim {

/// W -= lr (g + wd W)
inline auto sgd(double lr, double wd = 0.0) { return chain(add_decayed_weights{wd}, scale{-lr}); }

/// Heavy ball: m = beta m + g + wd W; W -= lr m.
inline auto momentum(double lr, double beta = 0.9, double wd = 0.0) {
  return chain(add_decayed_weights{wd}, accumulate_momentum{beta, false}, scale{-lr});
}

/// Nesterov: m = beta m + g'; W -= lr (g' + beta m), g' = g + wd W.
inline auto nesterov(double lr, double beta = 0.9, double wd = 0.0) {
  return chain(add_decayed_weights{wd}, accumulate_momentum{beta, true}, scale{-lr});
}

/// Adam with L2 regularization folded into the gradient (wd before the moments).
inline auto adam(double lr, double b1 = 0.9, double b2 = 0.999, double eps = 1e-8, double wd = 0.0) {
  return chain(add_decayed_weights{wd}, scale_by_adam{b1, b2, eps}, scale{-lr});
}

/// AdamW: decoupled weight decay, W -= lr (adam_direction + wd W).
inline auto adamw(double lr, double wd = 0.01, double b1 = 0.9, double b2 = 0.999, double eps = 1e-8) {
  return chain(scale_by_adam{b1, b2, eps}, add_decayed_weights{wd}, scale{-lr});
}

/// W -= lr (sign(g) + wd W)
inline auto sign_sgd(double lr, double wd = 0.0) {
  return chain(scale_by_sign{}, add_decayed_weights{wd}, scale{-lr});
}

/// The group's EGD: W -= lr (G~ + wd W), see egd.hpp.
inline auto egd(double lr, double wd = 0.0) {
  return chain(scale_by_egd{}, add_decayed_weights{wd}, scale{-lr});
}

/// Muon: Nesterov momentum, Newton-Schulz on matrices, W -= lr (O + wd W).
inline auto muon(double lr, double beta = 0.95, double wd = 0.0) {
  return chain(accumulate_momentum{beta, true}, scale_by_newton_schulz{}, add_decayed_weights{wd}, scale{-lr});
}

} // namespace sutro::optim
