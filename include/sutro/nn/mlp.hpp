#pragma once
// mlp<T, Backend, Alloc>: a multilayer perceptron with 1 or 2 hidden layers
// and one scalar output, forward and backward written out. Parameters and
// gradients live in two contiguous buffers; optimizers see them as per-layer
// tensor_ref views. Backend (a host backend tag: sutro::scalar, sutro::simd,
// simd_on<Arch>; default_backend when omitted) picks the dense kernels of the
// passes and of the optimizer rules train() runs on it; every host backend
// gives the scalar reference's bits (nn/simd/dense.hpp says where not).
//
//   sutro::nn::mlp<float> net({.inputs = 20, .hidden = {200}}, /*seed*/ 1);
//   sutro::nn::mlp ref(sutro::scalar{}, {.inputs = 20, .hidden = {200}}, 1);  // mlp<float, scalar>
//   std::vector<float> x(32 * 20, 1.0f), y(32, 1.0f), f(32);
//   net.forward(x, 32, f);                                  // f = network outputs
//   float l = net.loss_and_gradient(x, y, 32, sutro::nn::loss::hinge);  // fills net.grads()
//   for (auto g : net.grads()) { /* g.rows, g.cols, g.data */ }
//
// Order of params()/grads(): W1 (n x h1), b1 (1 x h1), [W2 (h1 x h2), b2],
// w_out (h_last x 1), b_out (1 x 1). Weights are stored (fan_in x fan_out) as
// in Flax, so that every inner loop runs along a layer's outputs, contiguously;
// their views say so (layout::in_out) for rules that care which side is the
// output (Muon's scale). The batch loss is the mean over samples. Samples whose
// loss gradient is 0 (met hinge margins) and zero activations are skipped in
// backward, which makes late epochs cheap. Steady-state steps allocate nothing:
// buffers grow only when a larger batch than any before arrives (reserve()).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sutro/memory/accessor.hpp"
#include "sutro/memory/trace.hpp"
#include "sutro/nn/activation.hpp"
#include "sutro/nn/init.hpp"
#include "sutro/nn/kernels.hpp"
#include "sutro/nn/loss.hpp"
#include "sutro/nn/ops.hpp"
#include "sutro/nn/tensor.hpp"

namespace sutro::nn {

struct mlp_config {
  std::size_t inputs = 20;
  std::vector<std::size_t> hidden{200};  // one or two hidden layers
  activation act = activation::relu;
  init hidden_init = init::he_normal();
  init output_init = init::he_normal();
};

template <class T, class Backend, class Alloc>
class recorded_mlp;

namespace detail {
// Alloc's default for the networks of nn (mlp, recorded_mlp): void for a type
// that is no backend tag (an allocator given where the backend goes), so that
// the `backend` constraint names the mistake instead of backend_traits failing.
template <class B, class T>
struct network_allocator {
  using type = void;
};
template <backend B, class T>
struct network_allocator<B, T> {
  using type = backend_allocator_t<B, T>;
};

using shape_list = std::vector<std::pair<std::size_t, std::size_t>>;

// The (rows, cols) of W1, b1, [W2, b2], w_out, b_out, for every backend's
// network; throws std::invalid_argument for a config no network takes.
inline shape_list parameter_shapes(const mlp_config& cfg) {
  if (cfg.inputs == 0 || cfg.hidden.empty() || cfg.hidden.size() > 2 ||
      std::find(cfg.hidden.begin(), cfg.hidden.end(), std::size_t{0}) != cfg.hidden.end())
    throw std::invalid_argument("sutro::nn::mlp::mlp: needs inputs > 0 and 1 or 2 nonzero hidden layers, got " +
                                std::to_string(cfg.inputs) + " inputs and " + std::to_string(cfg.hidden.size()) +
                                " hidden layers");
  if (to_string(cfg.act) == "?")  // an enum cast from an integer: every pass would compute nothing
    throw std::invalid_argument("sutro::nn::mlp::mlp: activation " + std::to_string(static_cast<int>(cfg.act)) +
                                " is not relu, leaky_relu, tanh, sigmoid or identity");
  shape_list shapes;
  std::size_t fan_in = cfg.inputs;
  std::vector<std::size_t> outs(cfg.hidden);
  outs.push_back(1);
  for (std::size_t fo : outs) {
    shapes.push_back({fan_in, fo});
    shapes.push_back({1, fo});
    fan_in = fo;
  }
  return shapes;
}

/// The number of parameters; std::length_error when it passes `most` (the
/// buffer's max_size), before a product that wraps could size them small.
[[nodiscard]] inline std::size_t parameter_total(const shape_list& shapes, std::size_t most) {
  std::size_t total = 0;
  for (auto [r, c] : shapes) {
    if (c != 0 && r > (most - total) / c)
      throw std::length_error("sutro::nn::mlp::mlp: a " + std::to_string(r) + " x " + std::to_string(c) +
                              " tensor takes the parameters past " + std::to_string(most));
    total += r * c;
  }
  return total;
}

// One view per tensor of `shapes`, laid out one after another from `flat`.
template <class T>
std::vector<tensor_ref<T>> tensor_views(T* flat, const shape_list& shapes) {
  std::vector<tensor_ref<T>> views;
  for (auto [r, c] : shapes) {
    views.push_back({flat, r, c, layout::in_out});
    flat += r * c;
  }
  return views;
}

// What every backend's network holds on the host: the config, the parameter
// shapes, the flat parameters and gradients and a view per tensor, with the
// accessors of the public interface. Networks derive from it.
template <class T, class Alloc>
class network_parameters {
 public:
  [[nodiscard]] const mlp_config& config() const noexcept { return cfg_; }
  [[nodiscard]] std::size_t inputs() const noexcept { return cfg_.inputs; }
  [[nodiscard]] std::span<const tensor_ref<T>> params() const noexcept { return param_refs_; }
  [[nodiscard]] std::span<const tensor_ref<T>> grads() const noexcept { return grad_refs_; }
  [[nodiscard]] std::span<T> flat_params() noexcept { return params_; }
  [[nodiscard]] std::span<T> flat_grads() noexcept { return grads_; }
  [[nodiscard]] std::size_t parameter_count() const noexcept { return params_.size(); }

  /// Draws fresh weights from `seed` (biases zero): the same draw for every backend.
  void reinitialize(std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::fill(params_.begin(), params_.end(), T(0));
    const std::size_t layers = cfg_.hidden.size() + 1;
    for (std::size_t l = 0; l < layers; ++l)
      initialize(param_refs_[2 * l], l + 1 < layers ? cfg_.hidden_init : cfg_.output_init, rng);
  }

 protected:
  network_parameters(mlp_config config, std::uint64_t seed, const Alloc& alloc)
      : cfg_(std::move(config)),
        shapes_(parameter_shapes(cfg_)),
        params_(parameter_total(shapes_, std::allocator_traits<Alloc>::max_size(alloc)), T(0), alloc),
        grads_(params_.size(), T(0), alloc),
        param_refs_(tensor_views(params_.data(), shapes_)),
        grad_refs_(tensor_views(grads_.data(), shapes_)) {
    reinitialize(seed);
  }
  network_parameters(const network_parameters&) = delete;  // views point into the buffers
  network_parameters& operator=(const network_parameters&) = delete;
  ~network_parameters() = default;

  mlp_config cfg_;
  shape_list shapes_;
  std::vector<T, Alloc> params_, grads_;
  std::vector<tensor_ref<T>> param_refs_, grad_refs_;
};

// The argument checks of the passes, with one wording for every backend.
inline void check_input_size(std::size_t values, std::size_t batch, std::size_t inputs, const char* what) {
  if (inputs != 0 && batch > values / inputs)  // values < batch x inputs, with no product to wrap
    throw std::invalid_argument(std::string("sutro::nn::mlp::") + what + ": input holds " + std::to_string(values) +
                                " values, need batch " + std::to_string(batch) + " x " + std::to_string(inputs) +
                                " inputs");
}
inline void check_output_size(std::size_t values, std::size_t batch) {
  if (values < batch)
    throw std::invalid_argument("sutro::nn::mlp::forward: output span holds " + std::to_string(values) +
                                " values, batch is " + std::to_string(batch));
}
inline void check_loss_batch(std::size_t batch, std::size_t labels) {
  if (batch == 0) throw std::invalid_argument("sutro::nn::mlp::loss_and_gradient: batch 0 (a mean over no samples)");
  if (labels < batch)
    throw std::invalid_argument("sutro::nn::mlp::loss_and_gradient: " + std::to_string(labels) +
                                " labels for a batch of " + std::to_string(batch));
}
}  // namespace detail

template <class T = float, backend Backend = default_backend,
          class Alloc = typename detail::network_allocator<Backend, T>::type>
class mlp : public detail::network_parameters<T, Alloc> {
  static_assert(is_host_backend_v<Backend>,
                "sutro::nn::mlp<T, cuda> is defined in sutro/nn/cuda/mlp.cuh: include it and compile with nvcc");
  using buffer = std::vector<T, Alloc>;
  using raw = memory::raw_access_on<Backend>;
  using base = detail::network_parameters<T, Alloc>;
  using base::cfg_, base::shapes_, base::params_, base::grads_, base::param_refs_, base::grad_refs_;

 public:
  using value_type = T;
  using backend_type = Backend;
  using allocator_type = Alloc;
  /// The allocator of nn::train's host buffers (the device network's differs).
  using host_allocator_type = Alloc;
  /// The access policy nn::train's raw runs use with this network.
  using host_access = raw;

  /// The same network with its backend named by a tag (deduces mlp<float, Backend>).
  mlp(Backend, mlp_config config, std::uint64_t seed = 0, const Alloc& alloc = Alloc())
      : mlp(std::move(config), seed, alloc) {}

  explicit mlp(mlp_config config, std::uint64_t seed = 0, const Alloc& alloc = Alloc())
      : base(std::move(config), seed, alloc), delta_(alloc), delta_prev_(alloc), f_(alloc), df_(alloc) {
    for (std::size_t l = 0; l < cfg_.hidden.size(); ++l) acts_.emplace_back(alloc);
  }

  /// Sizes the work buffers for batches up to `batch` (call once before a
  /// loop). Growing them discards the last forward pass (a backward() after
  /// it throws instead of reading zeroed activations). Strong guarantee: when
  /// it throws (std::length_error for a batch whose buffers cannot be sized,
  /// std::bad_alloc), the network is as before.
  void reserve(std::size_t batch) {
    if (batch <= capacity_) return;
    std::size_t widest = 0;
    for (std::size_t w : cfg_.hidden) widest = std::max(widest, w);
    const Alloc alloc = params_.get_allocator();
    if (batch > buffer(alloc).max_size() / widest)
      throw std::length_error("sutro::nn::mlp::reserve: batch " + std::to_string(batch) + " x " +
                              std::to_string(widest) + " hidden units overflows a buffer");
    // Built aside and swapped in (swaps do not throw), so a failure leaves the old buffers.
    std::vector<buffer> acts;
    acts.reserve(cfg_.hidden.size());
    for (std::size_t w : cfg_.hidden) acts.emplace_back(w * batch, T(0), alloc);
    std::vector<std::size_t> active;
    active.reserve(batch);
    // A fused backward keeps its deltas in registers; only deeper layers pass them back.
    const std::size_t delta_size = fused_backward() ? 0 : widest * batch;
    buffer delta(delta_size, T(0), alloc), delta_prev(cfg_.hidden.size() > 1 ? delta_size : 0, T(0), alloc);
    buffer f(batch, T(0), alloc), df(batch, T(0), alloc);
    acts_.swap(acts);
    active_.swap(active);
    delta_.swap(delta);
    delta_prev_.swap(delta_prev);
    f_.swap(f);
    df_.swap(df);
    capacity_ = batch;
    forward_rows_ = 0;
  }

  /// out[b] = network(x row b); x is (batch x inputs) row-major.
  void forward(std::span<const T> x, std::size_t batch, std::span<T> out) { forward_in(raw{}, x, batch, out); }

  /// Mean loss over the batch; grads() receive its gradient. Non-finite
  /// outputs give a non-finite loss (the trainer reports divergence).
  /// Throws std::invalid_argument for batch 0 and for labels the loss does
  /// not take (check_labels: hinge and logistic need -1 or +1).
  T loss_and_gradient(std::span<const T> x, std::span<const T> y, std::size_t batch, loss kind) {
    if (y.size() >= batch) check_labels(kind, y.first(batch), "sutro::nn::mlp::loss_and_gradient");
    return loss_and_gradient_in(raw{}, x, y, batch, kind);
  }

  /// Gradient of sum_b dloss_df[b] * f[b] for the batch of the last forward().
  /// Throws std::invalid_argument when `batch` is not that forward pass's batch.
  void backward(std::span<const T> x, std::span<const T> dloss_df, std::size_t batch) {
    // Checked before anything changes: the activations of the last forward
    // pass are what backward reads (forward sized the buffers for them).
    detail::check_input_size(x.size(), batch, cfg_.inputs, "backward");
    if (batch != forward_rows_)
      throw std::invalid_argument("sutro::nn::mlp::backward: a batch of " + std::to_string(batch) +
                                  ", but the last forward() ran " + std::to_string(forward_rows_) +
                                  " rows (backward uses its activations)");
    if (dloss_df.size() < batch)
      throw std::invalid_argument("sutro::nn::mlp::backward: " + std::to_string(dloss_df.size()) +
                                  " output gradients for a batch of " + std::to_string(batch));
    std::copy_n(dloss_df.data(), batch, df_.data());
    backward_impl(raw{}, x.data(), batch);
  }

  // The passes are written once over an access policy (nn/ops.hpp):
  // memory::raw_access_on<Backend> (raw pointers, Backend's kernels: what the
  // calls above run) or memory::recording_access (every element through a traced accessor and
  // the scalar kernel bodies, same bits). nn::train_recorded runs the training
  // loop, and with it these, under the recording policy.
  template <class Mode>
  void forward_in(const Mode& m, std::span<const T> x, std::size_t batch, std::span<T> out) {
    check_batch(x, batch, "forward");
    detail::check_output_size(out.size(), batch);
    forward_impl(m, x.data(), batch);
    ops::copy(m, static_cast<const T*>(f_.data()), batch, out.data());
  }

  template <class Mode>
  T loss_and_gradient_in(const Mode& m, std::span<const T> x, std::span<const T> y, std::size_t batch, loss kind) {
    check_batch(x, batch, "loss_and_gradient");
    detail::check_loss_batch(batch, y.size());
    forward_impl(m, x.data(), batch);
    const T mean = batch_loss<T>(kind, batch, m(static_cast<const T*>(f_.data())), m(y.data()), m(df_.data()));
    memory::enter_phase(m, "backward");
    backward_impl(m, x.data(), batch);
    return mean;
  }

 private:
  template <class, class, class>
  friend class recorded_mlp;

  void check_batch(std::span<const T> x, std::size_t batch, const char* what) {
    detail::check_input_size(x.size(), batch, cfg_.inputs, what);
    reserve(batch);
  }

  // z[b, :] = bias + sum_i in[b, i] W[i, :], then the activation, per layer.
  // Zero inputs (ReLU outputs) are skipped.
  template <class Mode>
  void forward_impl(const Mode& m, const T* x, std::size_t B) {
    forward_rows_ = B;
    const T* in = x;
    std::size_t fan_in = cfg_.inputs;
    for (std::size_t l = 0; l < cfg_.hidden.size(); ++l) {
      const auto W = param_refs_[2 * l];
      const T* bias = param_refs_[2 * l + 1].data;
      const std::size_t fo = W.cols;
      T* z = acts_[l].data();
      if (cfg_.act == activation::relu) {
        ops::dense_forward_relu(m, B, fan_in, fo, in, static_cast<const T*>(W.data), bias, z);
      } else {
        ops::dense_forward(m, B, fan_in, fo, in, static_cast<const T*>(W.data), bias, z);
        ops::activate(m, cfg_.act, B * fo, z);
      }
      in = z;
      fan_in = fo;
    }
    const T* wo = param_refs_[param_refs_.size() - 2].data;
    ops::dense_dot_rows(m, B, fan_in, in, wo, T(m(static_cast<const T*>(param_refs_.back().data))[0]), f_.data());
  }

  // Samples with dloss/df = 0 (hinge margin met) contribute nothing and are
  // skipped in every layer, as are zero inputs.
  template <class Mode>
  void backward_impl(const Mode& m, const T* x, std::size_t B) {
    const std::size_t L = cfg_.hidden.size();
    const T* df_raw = df_.data();
    const auto df = m(df_raw);
    active_.clear();
    for (std::size_t b = 0; b < B; ++b)
      if (T(df[b]) != T(0)) active_.push_back(b);
    // Every hidden weight gradient and the output bias's are overwritten
    // below, and under ReLU w_out's and the last hidden layer's bias gradient
    // too; only the sums built by axpy start from zero.
    for (std::size_t l = 0; l + 1 < L; ++l) {
      const auto g = grad_refs_[2 * l + 1];
      ops::fill_zero(m, g.data, g.size());
    }
    // Output layer: w_out is (h x 1).
    const std::size_t h = cfg_.hidden.back();
    T* gwo = grad_refs_[2 * L].data;
    const T* wo = param_refs_[2 * L].data;
    const T* a_last = acts_[L - 1].data();
    T* gb_last = grad_refs_[2 * L - 1].data;
    if (cfg_.act != activation::relu) {
      ops::fill_zero(m, gwo, h);
      ops::fill_zero(m, gb_last, h);
    }
    T gbo = T(0);
    T* delta = delta_.data();
    for (std::size_t b : active_) gbo += T(df[b]);
    const bool fused = fused_backward();
    if (fused) {
      ops::relu_output_weight_grad(m, active_.data(), active_.size(), cfg_.inputs, h, df_raw, x, a_last, wo,
                                   grad_refs_[0].data, gwo, gb_last);
    } else if (cfg_.act == activation::relu) {
      ops::relu_output_backward(m, active_.data(), active_.size(), h, df_raw, a_last, wo, delta, gwo, gb_last);
    } else {
      for (std::size_t b : active_) {
        T* db = delta + b * h;
        const T dfb = df[b];
        ops::axpy(m, h, dfb, a_last + b * h, gwo);
        const auto dbh = m(db);
        const auto woh = m(wo);
        for (std::size_t j = 0; j < h; ++j) dbh[j] = dfb * T(woh[j]);
        ops::multiply_by_derivative(m, cfg_.act, h, a_last + b * h, db);
        ops::axpy(m, h, T(1), static_cast<const T*>(db), gb_last);
      }
    }
    m(grad_refs_[2 * L + 1].data)[0] = gbo;
    if (fused) return;
    // Hidden layers, last to first; W is (fan_in x fan_out).
    for (std::size_t l = L; l-- > 0;) {
      const auto W = param_refs_[2 * l];
      T* gW = grad_refs_[2 * l].data;
      T* gb = grad_refs_[2 * l + 1].data;
      const std::size_t fi = W.rows, fo = W.cols;
      const T* in = l == 0 ? x : acts_[l - 1].data();
      if (l + 1 < L)  // the last hidden layer's bias gradient came with the output layer
        for (std::size_t b : active_) ops::axpy(m, fo, T(1), static_cast<const T*>(delta + b * fo), gb);
      ops::dense_weight_grad(m, active_.data(), active_.size(), fi, fo, in, static_cast<const T*>(delta), gW);
      if (l == 0) break;
      // delta_prev[b, i] = act'(in[b, i]) * sum_j W[i, j] delta[b, j]
      T* dp = delta_prev_.data();
      for (std::size_t b : active_) {
        const T* db = delta + b * fo;
        T* pb = dp + b * fi;
        const auto pbh = m(pb);
        for (std::size_t i = 0; i < fi; ++i) pbh[i] = ops::dot(m, fo, static_cast<const T*>(W.data + i * fo), db);
        ops::multiply_by_derivative(m, cfg_.act, fi, in + b * fi, pb);
      }
      std::swap(delta_, delta_prev_);
      delta = delta_.data();
    }
  }

  // One ReLU layer over at most this many inputs: its whole backward in one
  // kernel (relu_output_weight_grad, the bits of relu_output_backward then
  // dense_weight_grad). It recomputes the deltas for every block of 20 inputs and
  // loads a broadcast input per multiply-add, so wider inputs take the two
  // kernels' 4-input tiles (the Intel Xeon of docs/performance.md: the fused
  // kernel 1.05 to 1.2x faster up to 40 inputs, 0.85 to 0.93x from 128).
  static constexpr std::size_t fused_backward_max_inputs = 64;
  [[nodiscard]] bool fused_backward() const noexcept {
    return cfg_.act == activation::relu && cfg_.hidden.size() == 1 && cfg_.inputs <= fused_backward_max_inputs;
  }

  std::vector<buffer> acts_;
  buffer delta_, delta_prev_, f_, df_;
  std::vector<std::size_t> active_;
  std::size_t capacity_ = 0;
  std::size_t forward_rows_ = 0;  // the batch of the last forward pass: backward() reads its activations
};

}  // namespace sutro::nn
