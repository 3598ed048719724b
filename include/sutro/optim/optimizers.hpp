#pragma once
// Ready-made optimizers, each a chain of rules (see rules.hpp), each taking
// its options by name. lr is the step size (updates are -lr times the
// direction); weight_decay adds weight_decay * W to the direction, before
// the rule (L2, sgd/momentum/nesterov/adam) or after it (decoupled,
// adamw/sign_sgd/egd/muon), as the group's harness does.
//
//   #include "sutro/optim/optimizers.hpp"
//   auto opt = sutro::optim::momentum({.lr = 0.05, .beta = 0.9, .weight_decay = 0.01});
//   auto adam = sutro::optim::adam({.lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8});
//   auto state = opt.init(net.params());
//   sutro::optim::step(opt, state, net.grads(), net.params());
//
// One meaning per field name in every options struct, always declared in
// this order (designated initializers must follow it): lr, beta, beta1,
// beta2, eps, weight_decay. A positional `momentum({0.05, 0.01})` does not
// compile, and the factories throw std::invalid_argument for values out of
// range (lr > 0, betas in [0, 1), eps > 0, weight_decay >= 0, all finite).

#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>

#include "sutro/optim/egd.hpp"
#include "sutro/optim/muon.hpp"
#include "sutro/optim/option_check.hpp"
#include "sutro/optim/rules.hpp"
#include "sutro/optim/transform.hpp"

namespace sutro::optim {

/// sgd, sign_sgd and egd: a step size and weight decay.
struct sgd_options {
  detail::names_required named_{};
  double lr = 0.0;  ///< required: > 0
  double weight_decay = 0.0;
};
using sign_sgd_options = sgd_options;
using egd_options = sgd_options;

/// momentum, nesterov and muon: plus the momentum coefficient.
struct momentum_options {
  detail::names_required named_{};
  double lr = 0.0;  ///< required: > 0
  double beta = 0.9;
  double weight_decay = 0.0;
};
using nesterov_options = momentum_options;

/// muon: momentum 0.95 by default (Keller Jordan's setting).
struct muon_options {
  detail::names_required named_{};
  double lr = 0.0;  ///< required: > 0
  double beta = 0.95;
  double weight_decay = 0.0;
};

/// adam: the two moment decays and eps.
struct adam_options {
  detail::names_required named_{};
  double lr = 0.0;  ///< required: > 0
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
};

/// adamw: as adam, with weight decay 0.01 by default (PyTorch's).
struct adamw_options {
  detail::names_required named_{};
  double lr = 0.0;  ///< required: > 0
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.01;
};

/// W -= lr (g + weight_decay W).  `sgd({.lr = 0.1})`
[[nodiscard]] inline auto sgd(const sgd_options& o) {
  detail::check_lr("sgd", o.lr);
  detail::check_weight_decay("sgd", o.weight_decay);
  return chain(add_decayed_weights{o.weight_decay}, scale{-o.lr});
}

/// Heavy ball: m = beta m + g + weight_decay W; W -= lr m.  `momentum({.lr = 0.05, .beta = 0.9})`
[[nodiscard]] inline auto momentum(const momentum_options& o) {
  detail::check_lr("momentum", o.lr);
  detail::check_beta("momentum", "beta", o.beta);
  detail::check_weight_decay("momentum", o.weight_decay);
  return chain(add_decayed_weights{o.weight_decay}, accumulate_momentum{o.beta, false}, scale{-o.lr});
}

/// Nesterov: m = beta m + g'; W -= lr (g' + beta m), g' = g + weight_decay W.
[[nodiscard]] inline auto nesterov(const nesterov_options& o) {
  detail::check_lr("nesterov", o.lr);
  detail::check_beta("nesterov", "beta", o.beta);
  detail::check_weight_decay("nesterov", o.weight_decay);
  return chain(add_decayed_weights{o.weight_decay}, accumulate_momentum{o.beta, true}, scale{-o.lr});
}

namespace detail {
inline scale_by_adam adam_rule(const char* who, double lr, double beta1, double beta2, double eps, double wd) {
  check_lr(who, lr);
  check_beta(who, "beta1", beta1);
  check_beta(who, "beta2", beta2);
  check_eps(who, eps);
  check_weight_decay(who, wd);
  return scale_by_adam{.beta1 = beta1, .beta2 = beta2, .eps = eps};
}
}  // namespace detail

/// Adam with L2 regularization folded into the gradient (weight decay before the moments).
[[nodiscard]] inline auto adam(const adam_options& o) {
  const auto rule = detail::adam_rule("adam", o.lr, o.beta1, o.beta2, o.eps, o.weight_decay);
  return chain(add_decayed_weights{o.weight_decay}, rule, scale{-o.lr});
}

/// AdamW: decoupled weight decay, W -= lr (adam_direction + weight_decay W).
[[nodiscard]] inline auto adamw(const adamw_options& o) {
  const auto rule = detail::adam_rule("adamw", o.lr, o.beta1, o.beta2, o.eps, o.weight_decay);
  return chain(rule, add_decayed_weights{o.weight_decay}, scale{-o.lr});
}

/// W -= lr (sign(g) + weight_decay W)
[[nodiscard]] inline auto sign_sgd(const sign_sgd_options& o) {
  detail::check_lr("sign_sgd", o.lr);
  detail::check_weight_decay("sign_sgd", o.weight_decay);
  return chain(scale_by_sign{}, add_decayed_weights{o.weight_decay}, scale{-o.lr});
}

/// The group's EGD: W -= lr (G~ + weight_decay W), see egd.hpp.
[[nodiscard]] inline auto egd(const egd_options& o) {
  detail::check_lr("egd", o.lr);
  detail::check_weight_decay("egd", o.weight_decay);
  return chain(scale_by_egd{}, add_decayed_weights{o.weight_decay}, scale{-o.lr});
}

/// Muon: Nesterov momentum, Newton-Schulz on matrices, W -= lr (O + weight_decay W).
[[nodiscard]] inline auto muon(const muon_options& o) {
  detail::check_lr("muon", o.lr);
  detail::check_beta("muon", "beta", o.beta);
  detail::check_weight_decay("muon", o.weight_decay);
  return chain(accumulate_momentum{o.beta, true}, scale_by_newton_schulz{}, add_decayed_weights{o.weight_decay},
               scale{-o.lr});
}

}  // namespace sutro::optim
