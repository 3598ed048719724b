#pragma once
// A trained MLP (sutro::nn) as a lab method: trains on the dense training
// rows with any sutro::optim rule, early-stopping on a validation split carved
// from the training set (never the test set), and answers through `predict`.
//
//   auto sgd = sutro::lab::mlp_method("sgd_mlp", sutro::optim::sgd({.lr = 0.1, .weight_decay = 0.01}));
//   auto egd = sutro::lab::mlp_method("egd_mlp", sutro::optim::egd({.lr = 0.1, .weight_decay = 0.01}));
//   auto rep = sutro::lab::run(sutro::lab::challenge(), {sgd, egd});
//   // traced runs: the whole training recorded; {.trace_every_epochs = 4} records a declared sample

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sutro/lab/data_movement.hpp"
#include "sutro/lab/method.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/task_data.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/optim/option_check.hpp"

namespace sutro::lab {

struct mlp_method_options {
  std::vector<std::size_t> hidden{200};
  std::size_t epochs = 100;
  std::size_t batch = 32;
  std::uint64_t seed = 1;            ///< initialization and shuffling
  double validation_fraction = 0.2;  ///< last rows of the training set, for early stopping
  double stop_accuracy = 0.95;       ///< stop once validation accuracy reaches it (above 1: never)
  /// The traced run (lab::method::recorded_run) is the same training under
  /// nn::train_recorded: every epoch's batches, forward, backward, the rule's own
  /// update and the validation pass, recorded. 1 records the whole training; k > 1
  /// is a declared sample: epochs 1, 1 + k, 1 + 2k, ... are recorded, and the
  /// additive metrics (accesses, reads, writes, DMD, ByteDMD-tr, energy) are
  /// scaled by epochs run / epochs recorded; the trace's description and the
  /// metric "sample_scale" say so.
  std::size_t trace_every_epochs = 1;
  /// Keep the trace's events for ByteDMD-tr (16 bytes an access, about 0.4 GB
  /// an epoch of the group's harness); off, ByteDMD-tr is reported as not measured.
  bool trace_bytedmd = false;
  /// Called after every epoch of the timed and the traced trainings (progress
  /// display); returning nn::action::stop ends that training early.
  std::function<nn::action(const nn::epoch_info&)> on_epoch{};
};

/// The rows of m training rows that an MLP method fits on; the last
/// m - mlp_fit_rows(m, o) are its validation rows. Throws
/// std::invalid_argument for a validation_fraction outside (0, 1).
[[nodiscard]] inline std::size_t mlp_fit_rows(std::size_t m, const mlp_method_options& o) {
  if (!(o.validation_fraction > 0.0 && o.validation_fraction < 1.0))
    throw std::invalid_argument("sutro::lab::mlp_fit_rows: validation_fraction must be in (0, 1), got " +
                                optim::detail::option_value(o.validation_fraction));
  return m - static_cast<std::size_t>(static_cast<double>(m) * o.validation_fraction);
}

namespace detail {
// The metrics that add up over epochs (lab/data_movement.hpp's keys).
inline bool additive_metric(const std::string& key) {
  return key == "accesses" || key == "reads" || key == "writes" || key == "dmd" || key == "energy_j" ||
         key == "bytedmd_trace" || key.starts_with("phase.");
}

// The training rows as nn::to_dataset gives them: inputs in the task's
// encoding, labels -1/+1 for the hinge loss (a 0/1 label y as 2 y - 1), so the
// network sees the task as it is posed in either encoding. `data` owns them.
struct mlp_split {
  std::shared_ptr<const nn::task_dataset<float>> data;
  nn::dataset_view<float> fit, validation;
};

inline mlp_split split_for_mlp(const problem& p, const mlp_method_options& o) {
  const std::size_t n = p.train_dense.spec.n, m = p.train_dense.count;
  const std::size_t fit = mlp_fit_rows(m, o), held = m - fit;
  if (fit == 0 || held == 0)
    throw std::invalid_argument("sutro::lab::mlp_method: " + std::to_string(m) +
                                " training rows leave no fit or validation rows");
  mlp_split out;
  out.data = std::make_shared<const nn::task_dataset<float>>(nn::to_dataset<float>(p.train_dense));
  const float* x = out.data->x.data();
  const float* y = out.data->y.data();
  out.fit = {std::span<const float>(x, fit * n), std::span<const float>(y, fit), n};
  out.validation = {std::span<const float>(x + fit * n, held * n), std::span<const float>(y + fit, held), n};
  return out;
}

// The lab scores a 0/1 parity prediction as 1 when it is >= 0.5; the network's
// hinge output f separates at 0, so 0.5 + f / 2 keeps both the sign and the margin.
[[nodiscard]] inline float prediction_in_encoding(float f, tasks::encoding enc) noexcept {
  return enc == tasks::encoding::zero_one ? 0.5f + 0.5f * f : f;
}

// Refused when the method is built, not at its first run: a negative or NaN
// validation_fraction would wrap when the rows are split.
inline void check_mlp_options(const mlp_method_options& o) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("sutro::lab::mlp_method: " + what); };
  if (o.epochs == 0) fail("epochs must be positive");
  if (o.batch == 0) fail("batch must be positive");
  if (o.trace_every_epochs == 0) fail("trace_every_epochs must be positive");
  if (o.hidden.empty() || std::find(o.hidden.begin(), o.hidden.end(), std::size_t{0}) != o.hidden.end())
    fail("hidden needs one or more layer sizes, each positive");
  if (!(o.validation_fraction > 0.0 && o.validation_fraction < 1.0))
    fail("validation_fraction must be in (0, 1), got " + optim::detail::option_value(o.validation_fraction));
  if (!(o.stop_accuracy > 0.0))
    fail("stop_accuracy must be positive (above 1: never stop), got " + optim::detail::option_value(o.stop_accuracy));
}

inline nn::callbacks mlp_callbacks(const mlp_method_options& o) {
  nn::callbacks cb;
  cb.on_epoch = o.on_epoch;
  return cb;
}

inline nn::train_options mlp_train_options(const mlp_method_options& o) {
  nn::train_options t;
  t.epochs = o.epochs;
  t.batch = o.batch;
  t.seed = o.seed;
  t.loss_kind = nn::loss::hinge;
  t.solve_accuracy = std::min(o.stop_accuracy, 1.0);
  t.stop_when_solved = o.stop_accuracy <= 1.0;
  return t;
}
}  // namespace detail

/// Sparse parity with hinge loss, as in the group's harness. In the 0/1
/// encoding the labels are trained as -1/+1 and `predict` answers 0.5 + f / 2.
template <class Rule>
method mlp_method(std::string name, Rule rule, mlp_method_options o = {}) {
  detail::check_mlp_options(o);
  method out_method{std::move(name),
                    [rule, o](const problem& p) {
                      const auto split = detail::split_for_mlp(p, o);
                      const std::size_t n = p.train_dense.spec.n;
                      auto net =
                          std::make_shared<nn::mlp<float>>(nn::mlp_config{.inputs = n, .hidden = o.hidden}, o.seed);
                      (void)nn::train(*net, rule, split.fit, split.validation, detail::mlp_train_options(o),
                                      detail::mlp_callbacks(o));
                      method_output out;
                      out.status = solvers::solve_status::failed;  // names no subset
                      out.samples_used = p.train_dense.count;
                      out.predict = [net, n, enc = p.spec.enc](const float* row) {
                        float f = 0;
                        net->forward(std::span<const float>(row, n), 1, std::span<float>(&f, 1));
                        return detail::prediction_in_encoding(f, enc);
                      };
                      return out;
                    },
                    {tasks::task_kind::parity}};
  out_method.allocations_accounted = true;  // nn and optim buffers use the accounting allocator
  out_method.recorded_run = [rule, o, name = out_method.name](const problem& p) {
    const auto split = detail::split_for_mlp(p, o);
    const std::size_t n = p.train_dense.spec.n;
    nn::mlp<float> net(nn::mlp_config{.inputs = n, .hidden = o.hidden}, o.seed);
    auto t = lab_trace(memory::granularity::element, o.trace_bytedmd, p.max_trace_bytes);
    const auto rec = [&] {
      try {
        return nn::train_recorded(net, rule, split.fit, split.validation, detail::mlp_train_options(o), t,
                                  o.trace_every_epochs, detail::mlp_callbacks(o));
      } catch (const memory::trace_limit_error&) {
        throw std::runtime_error(detail::trace_limit_message("sutro::lab::mlp_method", name, p.spec.n, p.spec.k,
                                                             p.train.count, p.max_trace_bytes));
      }
    }();
    const std::size_t run = rec.result.epochs;
    std::string what =
        "nn::train_recorded, the timed training under the recording policy (scalar kernels, one key "
        "per 4-byte float): " +
        std::to_string(run) + (run == 1 ? " epoch" : " epochs") + " of batches of " + std::to_string(o.batch) +
        ", forward + backward + " +
        (rec.update_recorded ? std::string("the rule's own update")
                             : std::string("apply (the rule's update takes no access policy: "
                                           "not recorded)")) +
        " + validation";
    const double scale =
        rec.epochs_recorded == 0 ? 1.0 : static_cast<double>(run) / static_cast<double>(rec.epochs_recorded);
    if (rec.epochs_recorded < run) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.2f", scale);
      what += "; SAMPLED: 1 epoch in " + std::to_string(o.trace_every_epochs) + " (" +
              std::to_string(rec.epochs_recorded) + " of " + std::to_string(run) +
              ") recorded, accesses/DMD/ByteDMD-tr/energy scaled x" + buf + ", means as recorded";
    } else {
      what += ", every epoch recorded";
    }
    if (!o.trace_bytedmd) what += "; ByteDMD-tr not measured (trace_bytedmd off: events not kept)";
    recorded_report r = measure(t, std::move(what), 4);
    for (auto& [key, value] : r.metrics)
      if (detail::additive_metric(key)) value *= scale;
    r.metrics["sample_scale"] = scale;
    return r;
  };
  return out_method;
}

}  // namespace sutro::lab
