#pragma once
// A trained MLP (sutro::nn) as a lab method: trains on the dense training
// rows with any sutro::optim rule, early-stopping on a validation split carved
// from the training set (never the test set), and answers through `predict`.
//
//   auto sgd = sutro::lab::mlp_method("sgd_mlp", sutro::optim::sgd(0.1, 0.01));
//   auto egd = sutro::lab::mlp_method("egd_mlp", sutro::optim::egd(0.1, 0.01));
//   auto rep = sutro::lab::run(sutro::lab::challenge(), {sgd, egd});
//   // sgd's traced run includes its update: {.traced_sgd_lr = 0.1, .traced_sgd_weight_decay = 0.01}

#include <algorithm>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "sutro/lab/method.hpp"
#include "sutro/lab/data_movement.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/traced.hpp"
#include "sutro/nn/train.hpp"

namespace sutro::lab {

struct mlp_method_options {
  std::vector<std::size_t> hidden{200};
  std::size_t epochs = 100;
  std::size_t batch = 32;
  std::uint64_t seed = 1;         ///< initialization and shuffling
  double validation_fraction = 0.2;  ///< last rows of the training set, for early stopping
  double stop_accuracy = 0.95;    ///< stop once validation accuracy reaches it
  /// The traced run (lab::method::traced_run) is one loss_and_gradient of the
  /// first `batch` fit rows on an nn::traced_mlp at initialization; with
  /// traced_sgd_lr > 0 it also takes nn::traced_mlp::sgd_step(traced_sgd_lr,
  /// traced_sgd_weight_decay) (set them to the rule's when the rule is optim::sgd;
  /// other rules' updates are not traced, and the trace description says so).
  double traced_sgd_lr = 0.0;
  double traced_sgd_weight_decay = 0.0;
};

/// Sparse parity (+-1 encoding) with hinge loss, as in the group's harness.
template <class Rule>
method mlp_method(std::string name, Rule rule, mlp_method_options o = {}) {
  method out_method{
      std::move(name),
      [rule, o](const problem& p) {
        if (p.spec.enc != tasks::encoding::plus_minus_one)
          throw std::invalid_argument("lab::mlp_method: needs the +-1 encoding (hinge loss on +-1 labels)");
        const auto& d = p.train_dense;
        const std::size_t n = d.spec.n, m = d.count;
        const auto held = static_cast<std::size_t>(static_cast<double>(m) * o.validation_fraction);
        const std::size_t fit = m - held;
        if (fit == 0 || held == 0)
          throw std::invalid_argument("lab::mlp_method: " + std::to_string(m) +
                                      " training rows leave no fit or validation rows");
        const nn::dataset_view<float> train_set{std::span<const float>(d.x.data(), fit * n),
                                                std::span<const float>(d.y.data(), fit), n};
        const nn::dataset_view<float> val_set{std::span<const float>(d.x.data() + fit * n, held * n),
                                              std::span<const float>(d.y.data() + fit, held), n};
        auto net = std::make_shared<nn::mlp<float>>(nn::mlp_config{.inputs = n, .hidden = o.hidden}, o.seed);
        nn::train_options t;
        t.epochs = o.epochs;
        t.batch = o.batch;
        t.seed = o.seed;
        t.loss_kind = nn::loss::hinge;
        t.solve_accuracy = o.stop_accuracy;
        (void)nn::train(*net, rule, train_set, val_set, t);
        method_output out;
        out.status = solvers::solve_status::failed;  // names no subset
        out.samples_used = m;
        out.predict = [net, n](const float* row) {
          float f = 0;
          net->forward(std::span<const float>(row, n), 1, std::span<float>(&f, 1));
          return f;
        };
        return out;
      },
      {tasks::task_kind::parity}};
  out_method.traced_run = [o](const problem& p) {
    const auto& d = p.train_dense;
    const std::size_t n = d.spec.n;
    const auto held = static_cast<std::size_t>(static_cast<double>(d.count) * o.validation_fraction);
    const std::size_t b = std::min(o.batch, d.count - held);
    if (b == 0) throw std::invalid_argument("lab::mlp_method: no rows for the traced run");
    auto t = lab_trace(memory::granularity::element);
    nn::traced_mlp<float> net(nn::mlp_config{.inputs = n, .hidden = o.hidden}, o.seed, t);
    net.reserve(b);  // sizing the work buffers is not part of a step
    (void)net.loss_and_gradient(std::span<const float>(d.x.data(), b * n), std::span<const float>(d.y.data(), b), b,
                                nn::loss::hinge);
    if (o.traced_sgd_lr > 0) net.sgd_step(o.traced_sgd_lr, o.traced_sgd_weight_decay);
    return measure(t,
                   std::string("nn::traced_mlp (scalar kernels, one key per 4-byte float): one training step at "
                               "initialization on a batch of ") +
                       std::to_string(o.batch) + ": forward + backward" +
                       (o.traced_sgd_lr > 0 ? " + SGD update" : " (the optimizer's update is not traced)"),
                   4);
  };
  return out_method;
}

} // namespace sutro::lab
