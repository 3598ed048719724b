#pragma once
// train(): mini-batch training of an mlp with any optimizer rule (sutro::optim
// or your own struct with init/update), seeded shuffling, per-step and
// per-epoch callbacks, early stop at a target test accuracy, and divergence
// detection. Deterministic for a fixed (network seed, options.seed).
//
//   sutro::nn::mlp<float> net({.inputs = 20, .hidden = {200}}, /*seed*/ 1);
//   auto result = sutro::nn::train(net, sutro::optim::egd({.lr = 0.1, .weight_decay = 0.01}), train_set, test_set,
//                                  {.epochs = 100, .batch = 32, .seed = 1});
//   if (result.status == sutro::nn::train_status::solved) use(result.epochs_to_solve);
//
//   sutro::memory::trace t;                                 // the same run, recorded:
//   auto rec = sutro::nn::train_recorded(net2, rule, train_set, test_set, options, t);
//   // rec.result == result, the same weights bit for bit; t holds every element
//   // read and write of every epoch: batches, forward, backward, the rule's update,
//   // the divergence check and the per-epoch accuracy.
//
// Accuracy: sign agreement for classification (labels +-1), rounded
// prediction == label for regression (sparse sum). An epoch is one pass over
// the shuffled training set, the last batch possibly smaller; a batch larger
// than the training set is the whole set.
//
// Checked before training (std::invalid_argument): feature counts, labels
// against the loss (check_labels: hinge and logistic need -1 or +1, mse finite
// values) and, for classification, test labels -1 or +1. Divergence: a
// non-finite batch loss (NaN inputs and NaN parameters reach it: ReLU and
// the losses propagate NaN), a batch holding a NaN or inf input (even where
// the output stays finite), non-finite parameters after an epoch, or a NaN or
// inf test input or output (an overflow) after the first epoch
// end the run with train_status::diverged; every sutro::optim rule turns a non-finite
// gradient into non-finite parameters. Strong guarantee: if train throws, the
// network's parameters and gradients are as they were before the call.

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <limits>
#include <optional>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sutro/config/number_text.hpp"
#include "sutro/memory/trace.hpp"
#include "sutro/nn/dataset.hpp"
#include "sutro/nn/loss.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/ops.hpp"
#include "sutro/nn/random.hpp"

namespace sutro::nn {

enum class train_status { trained, solved, diverged, stopped };

[[nodiscard]] inline constexpr std::string_view to_string(train_status s) noexcept {
  switch (s) {
    case train_status::trained:
      return "trained";
    case train_status::solved:
      return "solved";
    case train_status::diverged:
      return "diverged";
    case train_status::stopped:
      return "stopped";
  }
  return "?";
}

enum class target_kind { classification, regression };

struct train_options {
  std::size_t epochs = 100;
  std::size_t batch = 32;
  std::uint64_t seed = 0;  // shuffling
  loss loss_kind = loss::hinge;
  target_kind target = target_kind::classification;
  double solve_accuracy = 0.95;      // "solved" threshold on test accuracy
  double milestone_accuracy = 0.90;  // epochs_to_milestone records the first epoch above it
  bool stop_when_solved = true;
};

struct step_info {
  std::size_t epoch;  // 1-based
  std::size_t step;   // 0-based over the whole run
  double loss;        // mean batch loss before the update
};

struct epoch_info {
  std::size_t epoch;  // 1-based
  double train_loss;  // mean of the epoch's batch losses
  double test_accuracy;
  double seconds;  // since training started
};

enum class action { proceed, stop };

struct callbacks {
  std::function<action(const step_info&)> on_step;
  std::function<action(const epoch_info&)> on_epoch;
  std::ostream* log = nullptr;  // one line per epoch when set
};

struct train_result {
  train_status status = train_status::trained;
  std::size_t epochs = 0;
  std::size_t steps = 0;
  std::optional<std::size_t> epochs_to_milestone;
  std::optional<std::size_t> epochs_to_solve;
  double test_accuracy = 0.0;
  double train_loss = 0.0;
  double seconds = 0.0;
};

/// Fraction of rows predicted right (see the header comment), in chunks,
/// under access policy m (nn/ops.hpp).
/// The host-side buffer type of net's training and evaluation (host memory
/// for every backend, the device network's included).
template <class Net>
using host_buffer_t = std::vector<typename Net::value_type, typename Net::host_allocator_type>;

/// Rows that accuracy (and train's evaluation) pass through the network at once.
inline constexpr std::size_t evaluation_rows = 256;

/// The rows train reserves the network's buffers for (mlp::reserve): the
/// batch, at most the rows trained on, and at least evaluation_rows. A
/// caller can check that size before training, as sutro-lab does.
[[nodiscard]] constexpr std::size_t train_buffer_rows(std::size_t batch, std::size_t rows) noexcept {
  return std::max(std::min(batch, rows), evaluation_rows);
}

template <class T, class Backend, class Alloc, class Mode>
double accuracy_in(const Mode& m, mlp<T, Backend, Alloc>& net, dataset_view<T> data, target_kind target,
                   host_buffer_t<mlp<T, Backend, Alloc>>& out_buffer, bool* saw_non_finite = nullptr) {
  data.check("sutro::nn::accuracy");
  if (data.features != net.inputs())
    throw std::invalid_argument("sutro::nn::accuracy: data has " + std::to_string(data.features) +
                                " features, network " + std::to_string(net.inputs()) + " inputs");
  if (data.rows() == 0) return 0.0;
  const std::size_t chunk = evaluation_rows;
  out_buffer.resize(std::max(out_buffer.size(), chunk));
  std::size_t right = 0;
  const auto out = m(static_cast<const T*>(out_buffer.data()));
  const auto labels = m(data.y.data());
  for (std::size_t first = 0; first < data.rows(); first += chunk) {
    const std::size_t n = std::min(chunk, data.rows() - first);
    net.forward_in(m, data.x.subspan(first * data.features, n * data.features), n, std::span<T>(out_buffer.data(), n));
    for (std::size_t i = 0; i < n; ++i) {
      const T f = out[i], y = labels[first + i];
      // A NaN or infinite output is never a right prediction (f >= 0 would
      // otherwise score a NaN as the class -1).
      const bool ok = std::isfinite(f) && (target == target_kind::classification ? ((f >= T(0) ? T(1) : T(-1)) == y)
                                                                                 : (std::nearbyint(f) == y));
      right += ok ? 1 : 0;
      if (saw_non_finite != nullptr && !std::isfinite(f)) *saw_non_finite = true;
    }
  }
  return static_cast<double>(right) / static_cast<double>(data.rows());
}

/// Fraction of rows predicted right (see the header comment), in chunks.
template <class T, class Backend, class Alloc>
double accuracy(mlp<T, Backend, Alloc>& net, dataset_view<T> data, target_kind target,
                host_buffer_t<mlp<T, Backend, Alloc>>& out_buffer) {
  return accuracy_in(typename mlp<T, Backend, Alloc>::host_access{}, net, data, target, out_buffer);
}

template <class T, class Backend, class Alloc>
double accuracy(mlp<T, Backend, Alloc>& net, dataset_view<T> data, target_kind target) {
  host_buffer_t<mlp<T, Backend, Alloc>> out;
  return accuracy(net, data, target, out);
}

namespace detail {
// The optimizer step without depending on sutro::optim (which sits above nn):
// grads and params share one layout, so applying is a flat add.
// A rule that can fuse its last elementwise steps with the addition (optim's
// chain) does so.
// Under a recording policy the rule's own loops record when it takes the
// policy as a last argument (sutro::optim's rules do); a rule that does not
// runs raw, and update_recorded_v says so.
template <class Rule, class State, class T, class Backend, class Alloc,
          class Mode = typename mlp<T, Backend, Alloc>::host_access>
void apply_rule(const Rule& rule, State& state, mlp<T, Backend, Alloc>& net, const Mode& m = Mode{}) {
  if constexpr (requires { rule.update_and_apply(net.grads(), state, net.params(), m); }) {
    rule.update_and_apply(net.grads(), state, net.params(), m);
    return;
  } else if constexpr (!memory::records_v<Mode> &&
                       requires { rule.update_and_apply(net.grads(), state, net.params()); }) {
    rule.update_and_apply(net.grads(), state, net.params());
    return;
  } else if constexpr (requires { rule.update(net.grads(), state, net.params(), m); }) {
    rule.update(net.grads(), state, net.params(), m);
  } else {
    rule.update(net.grads(), state, net.params());
  }
  const memory::handle_of<Mode, T> p = m(net.flat_params().data());
  const memory::handle_of<Mode, const T> g = m(static_cast<const T*>(net.flat_grads().data()));
  for (std::size_t i = 0, n = net.parameter_count(); i < n; ++i) p[i] += g[i];
}

// Runs every part of the training raw, under Raw (the network's host_access:
// its backend's kernels).
template <class Raw>
struct run_raw {
  template <class F>
  decltype(auto) operator()(std::size_t, F&& f) const {
    return f(Raw{});
  }
};

// Runs the parts of epochs 1, 1 + every, 1 + 2 every, ... under
// memory::recording_access, the others raw under Raw.
template <class Raw>
struct run_sampled {
  memory::recording_access rec;
  std::size_t every = 1;
  [[nodiscard]] bool recorded(std::size_t epoch) const noexcept { return (epoch - 1) % every == 0; }
  template <class F>
  decltype(auto) operator()(std::size_t epoch, F&& f) const {
    if (recorded(epoch)) return f(rec);
    return f(Raw{});
  }
};
}  // namespace detail

/// True when `rule`'s update records its own reads and writes under
/// memory::recording_access (it takes the policy as a last argument, as sutro::optim's
/// rules do); otherwise train_recorded records everything but the update.
template <class Rule, class T = float, backend Backend = default_backend,
          class Alloc = typename detail::network_allocator<Backend, T>::type>
inline constexpr bool update_recorded_v =
    requires(const Rule& rule, mlp<T, Backend, Alloc>& net,
             decltype(std::declval<const Rule&>().init(std::declval<mlp<T, Backend, Alloc>&>().params()))& state,
             const memory::recording_access& m) {
  rule.update(net.grads(), state, net.params(), m);
};

namespace detail {
/// Whether any of x[0, n) is NaN or inf. A value is either exactly when its
/// exponent bits are all set; the branch-free OR over integers vectorizes
/// (std::isfinite in a loop does not), so a check of every input or every
/// parameter stays a small share of a short epoch.
template <class T>
[[nodiscard]] bool any_non_finite(const T* x, std::size_t n) noexcept {
  static_assert(std::numeric_limits<T>::is_iec559, "the exponent-mask test assumes IEEE 754");
  using bits_t = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
  static_assert(sizeof(bits_t) == sizeof(T));
  constexpr bits_t exponent = std::bit_cast<bits_t>(std::numeric_limits<T>::infinity());
  bits_t any = 0;
  for (std::size_t i = 0; i < n; ++i) any |= static_cast<bits_t>((std::bit_cast<bits_t>(x[i]) & exponent) == exponent);
  return any != 0;
}

/// Per row of `d`, whether an input is NaN or inf; empty when all are finite.
/// An infinite input can leave the output finite (tanh and sigmoid saturate,
/// ReLU sends -inf to 0) and a met hinge margin skips the sample in backward,
/// so neither the loss nor the parameters would show it: train reads the
/// inputs themselves, once, before the epochs (raw: setup is not recorded).
template <class T>
[[nodiscard]] std::vector<char> non_finite_rows(const dataset_view<T>& d) {
  std::vector<char> bad;
  if (!any_non_finite(d.x.data(), d.x.size())) return bad;
  bad.assign(d.rows(), 0);
  for (std::size_t i = 0, n = d.x.size(); i < n; ++i)
    if (!std::isfinite(d.x[i])) bad[i / d.features] = 1;
  return bad;
}

template <class T, class Backend, class Alloc, class Rule, class Runner>
train_result train_steps(const Runner& run, mlp<T, Backend, Alloc>& net, const Rule& rule, dataset_view<T> train_set,
                         dataset_view<T> test_set, const train_options& opt, const callbacks& cb);

template <class T, class Backend, class Alloc, class Rule, class Runner>
train_result train_under(const Runner& run, mlp<T, Backend, Alloc>& net, const Rule& rule, dataset_view<T> train_set,
                         dataset_view<T> test_set, const train_options& opt, const callbacks& cb) {
  train_set.check("sutro::nn::train: training set");
  test_set.check("sutro::nn::train: test set");
  for (const auto& [name, d] : {std::pair{"training set", &train_set}, std::pair{"test set", &test_set}})
    if (d->features != net.inputs())
      throw std::invalid_argument(std::string("sutro::nn::train: ") + name + " rows have " +
                                  std::to_string(d->features) + " features, network expects " +
                                  std::to_string(net.inputs()));
  if (opt.batch == 0) throw std::invalid_argument("sutro::nn::train: batch size 0");
  if (opt.epochs == 0) throw std::invalid_argument("sutro::nn::train: epochs 0 (nothing would be trained)");
  if (train_set.rows() == 0) throw std::invalid_argument("sutro::nn::train: empty training set");
  if (test_set.rows() == 0)
    throw std::invalid_argument(
        "sutro::nn::train: empty test set (its accuracy decides solved and stops training; pass the training set to "
        "evaluate on it)");
  for (const auto& [name, v] :
       {std::pair{"solve_accuracy", opt.solve_accuracy}, std::pair{"milestone_accuracy", opt.milestone_accuracy}})
    if (!(v > 0.0 && v <= 1.0))
      throw std::invalid_argument(std::string("sutro::nn::train: ") + name + " must be in (0, 1], got " +
                                  sutro::detail::number_text(v));
  if (opt.target != target_kind::classification && opt.target != target_kind::regression)
    throw std::invalid_argument("sutro::nn::train: target " + std::to_string(static_cast<int>(opt.target)) +
                                " is not classification or regression");
  check_labels(opt.loss_kind, train_set.y, "sutro::nn::train: training set");
  if (opt.target == target_kind::classification) {
    for (std::size_t i = 0; i < test_set.rows(); ++i)
      if (test_set.y[i] != T(1) && test_set.y[i] != T(-1))
        throw std::invalid_argument("sutro::nn::train: test set: classification needs labels -1 or +1, got " +
                                    sutro::detail::number_text(static_cast<double>(test_set.y[i])) + " at index " +
                                    std::to_string(i));
  } else {
    check_labels(loss::mse, test_set.y, "sutro::nn::train: test set");
  }

  // Kept to restore on an exception (a throwing callback or rule): the strong guarantee.
  const host_buffer_t<mlp<T, Backend, Alloc>> params_before(net.flat_params().begin(), net.flat_params().end());
  const host_buffer_t<mlp<T, Backend, Alloc>> grads_before(net.flat_grads().begin(), net.flat_grads().end());
  try {
    return train_steps(run, net, rule, train_set, test_set, opt, cb);
  } catch (...) {
    std::copy(params_before.begin(), params_before.end(), net.flat_params().begin());
    std::copy(grads_before.begin(), grads_before.end(), net.flat_grads().begin());
    throw;
  }
}

template <class T, class Backend, class Alloc, class Rule, class Runner>
train_result train_steps(const Runner& run, mlp<T, Backend, Alloc>& net, const Rule& rule, dataset_view<T> train_set,
                         dataset_view<T> test_set, const train_options& opt, const callbacks& cb) {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  const std::size_t n = net.inputs(), rows = train_set.rows();
  const std::size_t batch = std::min(opt.batch, rows);
  net.reserve(train_buffer_rows(batch, rows));
  auto state = rule.init(net.params());
  host_buffer_t<mlp<T, Backend, Alloc>> xb(batch * n), yb(batch), eval_out(evaluation_rows);
  std::vector<std::size_t> order(rows);
  for (std::size_t i = 0; i < rows; ++i) order[i] = i;
  std::mt19937_64 rng(opt.seed);
  const std::vector<char> bad_rows = non_finite_rows(train_set);
  const bool bad_test_input = !non_finite_rows(test_set).empty();

  train_result res;
  auto finite = [&](const auto& m) {
    memory::enter_phase(m, "evaluation");
    const auto p = m(static_cast<const T*>(net.flat_params().data()));
    const std::size_t count = net.parameter_count();
    if constexpr (std::is_pointer_v<decltype(p)>) {
      return !any_non_finite(p, count);
    } else {  // recorded: each parameter read once, in order
      for (std::size_t i = 0; i < count; ++i)
        if (!std::isfinite(T(p[i]))) return false;
      return true;
    }
  };
  bool stop = false;
  for (std::size_t epoch = 1; epoch <= opt.epochs && !stop; ++epoch) {
    for (std::size_t i = rows; i > 1; --i) std::swap(order[i - 1], order[uniform_index(rng, i)]);
    double loss_sum = 0.0;
    std::size_t batches = 0;
    for (std::size_t first = 0; first < rows && !stop; first += batch) {
      const std::size_t B = std::min(batch, rows - first);
      const T l = run(epoch, [&](const auto& m) {
        memory::enter_phase(m, "forward");
        const auto y_in = m(train_set.y.data());
        const auto y_out = m(yb.data());
        for (std::size_t b = 0; b < B; ++b) {
          ops::copy(m, train_set.row(order[first + b]).data(), n, xb.data() + b * n);
          y_out[b] = T(y_in[order[first + b]]);
        }
        return net.loss_and_gradient_in(m, std::span<const T>(xb.data(), B * n), std::span<const T>(yb.data(), B), B,
                                        opt.loss_kind);
      });
      bool bad_input = false;
      if (!bad_rows.empty())
        for (std::size_t b = 0; b < B; ++b) bad_input = bad_input || bad_rows[order[first + b]] != 0;
      if (!std::isfinite(l) || bad_input) {  // a non-finite input has no finite loss, whatever l came out as
        res.status = train_status::diverged;
        res.train_loss = bad_input ? std::numeric_limits<double>::quiet_NaN() : static_cast<double>(l);
        res.epochs = epoch;
        stop = true;
        break;
      }
      run(epoch, [&](const auto& m) {
        memory::enter_phase(m, "update");
        apply_rule(rule, state, net, m);
      });
      loss_sum += static_cast<double>(l);
      ++batches;
      if (cb.on_step && cb.on_step({epoch, res.steps, static_cast<double>(l)}) == action::stop) {
        res.status = train_status::stopped;
        stop = true;
      }
      ++res.steps;
    }
    if (res.status == train_status::diverged) break;
    res.epochs = epoch;
    res.train_loss = batches ? loss_sum / static_cast<double>(batches) : 0.0;
    if (!run(epoch, finite)) {
      res.status = train_status::diverged;
      break;
    }
    bool non_finite_output = false;
    res.test_accuracy = run(
        epoch, [&](const auto& m) { return accuracy_in(m, net, test_set, opt.target, eval_out, &non_finite_output); });
    if (non_finite_output || bad_test_input) {
      res.status = train_status::diverged;
      break;
    }
    if (!res.epochs_to_milestone && res.test_accuracy >= opt.milestone_accuracy) res.epochs_to_milestone = epoch;
    if (!res.epochs_to_solve && res.test_accuracy >= opt.solve_accuracy) {
      res.epochs_to_solve = epoch;
      res.status = train_status::solved;
      if (opt.stop_when_solved) stop = true;
    }
    const double secs = std::chrono::duration<double>(clock::now() - start).count();
    if (cb.log)
      *cb.log << "epoch " << epoch << " loss " << res.train_loss << " test_acc " << res.test_accuracy << " t " << secs
              << " s\n";
    if (cb.on_epoch && cb.on_epoch({epoch, res.train_loss, res.test_accuracy, secs}) == action::stop) {
      if (res.status != train_status::solved) res.status = train_status::stopped;
      stop = true;
    }
  }
  res.seconds = std::chrono::duration<double>(clock::now() - start).count();
  return res;
}
}  // namespace detail

template <class T, class Backend, class Alloc, class Rule>
train_result train(mlp<T, Backend, Alloc>& net, const Rule& rule, dataset_view<T> train_set, dataset_view<T> test_set,
                   const train_options& opt, const callbacks& cb = {}) {
  return detail::train_under(detail::run_raw<typename mlp<T, Backend, Alloc>::host_access>{}, net, rule, train_set,
                             test_set, opt, cb);
}

struct recorded_training {
  train_result result;              ///< as train() returns it for the same arguments
  std::size_t epochs_recorded = 0;  ///< epochs whose accesses are in the trace
  bool update_recorded = false;     ///< the rule's own update is in the trace (update_recorded_v)
};

/// train() with the recording policy: the same code and the same result, bit
/// for bit, and every element access of epochs 1, 1 + every_epochs, ... in
/// `t` (every_epochs = 1: the whole training). Recorded per epoch: the batch
/// gathers (reads of the training rows and labels), forward, loss, backward,
/// the rule's update and apply, the divergence check over the parameters and
/// the accuracy pass over test_set; each in its phase of the trace (forward:
/// gathers, forward pass and loss; backward; update; evaluation: the check
/// and the accuracy pass), see memory::trace::phases(). Not recorded: shuffling the row order and
/// the active-sample lists (index bookkeeping), and setup (buffers, rule.init).
template <class T, class Backend, class Alloc, class Rule>
recorded_training train_recorded(mlp<T, Backend, Alloc>& net, const Rule& rule, dataset_view<T> train_set,
                                 dataset_view<T> test_set, const train_options& opt, memory::trace& t,
                                 std::size_t every_epochs = 1, const callbacks& cb = {}) {
  if (every_epochs == 0) throw std::invalid_argument("sutro::nn::train_recorded: every_epochs must be positive");
  const detail::run_sampled<typename mlp<T, Backend, Alloc>::host_access> run{memory::recording_access{&t},
                                                                              every_epochs};
  recorded_training out;
  out.result = detail::train_under(run, net, rule, train_set, test_set, opt, cb);
  for (std::size_t e = 1; e <= out.result.epochs; ++e) out.epochs_recorded += run.recorded(e) ? 1 : 0;
  out.update_recorded = update_recorded_v<Rule, T, Backend, Alloc>;
  return out;
}

}  // namespace sutro::nn
