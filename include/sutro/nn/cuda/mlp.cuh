#pragma once
// mlp<T, sutro::cuda>: the network of nn/mlp.hpp with its passes on a CUDA
// device. Forward and backward (every dense layer, activation and gradient)
// run as kernels on device copies of the parameters; the loss, its gradient
// and the optimizer rule run on the host, on host mirrors of the parameters
// and gradients, with the same code as the host networks. So nn::train, every
// sutro::optim rule (EGD and Muon included) and the callbacks work unchanged:
//
//   #include "sutro/nn/cuda/mlp.cuh"   // nvcc
//   sutro::nn::mlp net(sutro::cuda{}, {.inputs = 20, .hidden = {200}}, /*seed*/ 1);   // mlp<float, cuda>
//   auto r = sutro::nn::train(net, sutro::optim::sgd({.lr = 0.1}), fit, held, {.epochs = 50});
//
// The host mirror is the truth: each pass uploads the parameters (a rule may
// have changed them) and the batch, and loss_and_gradient downloads the
// gradients. The initial weights are the host network's for the same config
// and seed, bit for bit. The device sums in another order than the host
// kernels, so outputs and gradients agree with mlp<T, scalar> to rounding
// (tests/cuda/nn_mlp_cuda_test.cu bounds it), not bit for bit. For networks
// this small the copies and launches dominate; the point is one model code
// for every backend. Recorded runs (nn::train_recorded) need a host network.

#if !defined(__CUDACC__)
#error "sutro/nn/cuda/mlp.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sutro/backend/cuda/error.cuh"
#include "sutro/memory/cuda/device_buffer.cuh"
#include "sutro/nn/mlp.hpp"

namespace sutro::nn {

namespace cuda_kernels {

// Per element, the formulas of nn/activation.hpp (tests compare every
// activation against the host network).
template <class T>
__device__ inline T activate_one(activation a, T v) {
  switch (a) {
    case activation::relu:
      return v <= T(0) ? T(0) : v;  // NaN propagates
    case activation::leaky_relu:
      return v > T(0) ? v : T(leaky_relu_slope) * v;
    case activation::tanh:
      return tanh(v);
    case activation::sigmoid:
      return T(1) / (T(1) + exp(-v));
    case activation::identity:
      return v;
  }
  return v;
}

/// d times activation' at the point whose output is y.
template <class T>
__device__ inline T times_derivative(activation a, T y, T d) {
  switch (a) {
    case activation::relu:
      return y > T(0) ? d : T(0);
    case activation::leaky_relu:
      return y > T(0) ? d : T(leaky_relu_slope) * d;
    case activation::tanh:
      return d * fma(-y, y, T(1));
    case activation::sigmoid:
      return d * (y * (T(1) - y));
    case activation::identity:
      return d;
  }
  return d;
}

#define SUTRO_GRID_STRIDE(i, n)                                                     \
  for (std::size_t i = blockIdx.x * std::size_t{blockDim.x} + threadIdx.x; i < (n); \
       i += std::size_t{gridDim.x} * blockDim.x)

/// out[b, j] = act(bias[j] + sum_i in[b, i] W[i, j]); W is (fi x fo) row-major.
template <class T>
__global__ void dense_forward(std::size_t B, std::size_t fi, std::size_t fo, const T* in, const T* W, const T* bias,
                              activation act, T* out) {
  SUTRO_GRID_STRIDE(idx, B * fo) {
    const std::size_t b = idx / fo, j = idx % fo;
    T acc = bias[j];
    for (std::size_t i = 0; i < fi; ++i) acc = fma(in[b * fi + i], W[i * fo + j], acc);
    out[idx] = activate_one(act, acc);
  }
}

/// f[b] = bias + in[b, :] . w.
template <class T>
__global__ void dot_rows(std::size_t B, std::size_t h, const T* in, const T* w, const T* bias, T* f) {
  SUTRO_GRID_STRIDE(b, B) {
    T acc = T(0);
    for (std::size_t j = 0; j < h; ++j) acc = fma(in[b * h + j], w[j], acc);
    f[b] = acc + bias[0];
  }
}

// Samples whose loss gradient df[b] is 0 (met hinge margins) are skipped, as
// the host network skips them: their rows of delta are 0 and never read.

/// Output layer: gw[j] = sum_b df[b] a[b, j]; delta[b, j] = act'(a) df[b] w[j].
template <class T>
__global__ void output_backward(std::size_t B, std::size_t h, const T* df, const T* a, const T* w, activation act,
                                T* delta, T* gw) {
  SUTRO_GRID_STRIDE(j, h) {
    T g = T(0);
    for (std::size_t b = 0; b < B; ++b) {
      const T d = df[b];
      if (d == T(0)) {
        delta[b * h + j] = T(0);
        continue;
      }
      const T y = a[b * h + j];
      g = fma(d, y, g);
      delta[b * h + j] = times_derivative(act, y, d * w[j]);
    }
    gw[j] = g;
  }
}

/// gb[j] = sum_b delta[b, j] over active samples.
template <class T>
__global__ void column_sums(std::size_t B, std::size_t fo, const T* df, const T* delta, T* gb) {
  SUTRO_GRID_STRIDE(j, fo) {
    T s = T(0);
    for (std::size_t b = 0; b < B; ++b)
      if (df[b] != T(0)) s += delta[b * fo + j];
    gb[j] = s;
  }
}

/// gW[i, j] = sum_b in[b, i] delta[b, j] over active samples.
template <class T>
__global__ void weight_grad(std::size_t B, std::size_t fi, std::size_t fo, const T* df, const T* in, const T* delta,
                            T* gW) {
  SUTRO_GRID_STRIDE(idx, fi * fo) {
    const std::size_t i = idx / fo, j = idx % fo;
    T s = T(0);
    for (std::size_t b = 0; b < B; ++b)
      if (df[b] != T(0)) s = fma(in[b * fi + i], delta[b * fo + j], s);
    gW[idx] = s;
  }
}

/// prev[b, i] = act'(in[b, i]) sum_j W[i, j] delta[b, j] over active samples (0 elsewhere).
template <class T>
__global__ void delta_back(std::size_t B, std::size_t fi, std::size_t fo, const T* df, const T* in, const T* W,
                           const T* delta, activation act, T* prev) {
  SUTRO_GRID_STRIDE(idx, B * fi) {
    const std::size_t b = idx / fi, i = idx % fi;
    if (df[b] == T(0)) {
      prev[idx] = T(0);
      continue;
    }
    T s = T(0);
    for (std::size_t j = 0; j < fo; ++j) s = fma(W[i * fo + j], delta[b * fo + j], s);
    prev[idx] = times_derivative(act, in[idx], s);
  }
}

#undef SUTRO_GRID_STRIDE

inline constexpr unsigned threads = 256;
}  // namespace cuda_kernels

template <class T, class Alloc>
class mlp<T, sutro::cuda, Alloc> : public detail::network_parameters<T, backend_allocator_t<default_backend, T>> {
  static_assert(std::is_floating_point_v<T>, "sutro::nn::mlp<T, cuda>: T is float or double");
  static_assert(std::is_same_v<Alloc, memory::device_allocator<T>>,
                "sutro::nn::mlp<T, cuda>: Alloc is memory::device_allocator<T> (it may carry its own stats)");
  using host_alloc = backend_allocator_t<default_backend, T>;
  using host_buffer = std::vector<T, host_alloc>;
  using device_alloc = memory::device_allocator<T>;
  using device_buffer = memory::device_buffer<T>;
  using base = detail::network_parameters<T, host_alloc>;
  using base::cfg_, base::shapes_, base::params_, base::grads_, base::param_refs_, base::grad_refs_;

 public:
  using value_type = T;
  using backend_type = sutro::cuda;
  using allocator_type = Alloc;
  /// The allocator of the host mirrors and of nn::train's host buffers.
  using host_allocator_type = host_alloc;
  /// The access policy of the host side (train's bookkeeping, the rules).
  using host_access = memory::raw_access_on<default_backend>;

  mlp(sutro::cuda, mlp_config config, std::uint64_t seed = 0, const Alloc& alloc = Alloc())
      : mlp(std::move(config), seed, alloc) {}

  explicit mlp(mlp_config config, std::uint64_t seed = 0, const Alloc& alloc = Alloc())
      : base(std::move(config), seed, host_alloc()),
        alloc_(alloc),
        dparams_(params_.size(), device_alloc(alloc_)),
        dgrads_(params_.size(), device_alloc(alloc_)) {}

  /// Sizes the device work buffers for batches up to `batch`; growing them
  /// discards the last forward pass, as on the host. Strong guarantee: when
  /// it throws (std::length_error, sutro::cuda_error for device memory), the
  /// network is as before.
  void reserve(std::size_t batch) {
    if (batch <= capacity_) return;
    std::size_t widest = cfg_.inputs;
    for (std::size_t w : cfg_.hidden) widest = std::max(widest, w);
    if (batch > host_buffer(host_alloc()).max_size() / widest)
      throw std::length_error("sutro::nn::mlp<cuda>::reserve: batch " + std::to_string(batch) + " x " +
                              std::to_string(widest) + " units overflows a buffer");
    const device_alloc a(alloc_);
    std::vector<device_buffer> acts;
    for (std::size_t w : cfg_.hidden) acts.emplace_back(w * batch, a);
    device_buffer x(cfg_.inputs * batch, a), delta(widest * batch, a), prev(widest * batch, a), f(batch, a),
        df(batch, a);
    host_buffer fh(batch, T(0)), dfh(batch, T(0));
    acts_.swap(acts);
    x_.swap(x);
    delta_.swap(delta);
    prev_.swap(prev);
    f_.swap(f);
    df_.swap(df);
    fh_.swap(fh);
    dfh_.swap(dfh);
    capacity_ = batch;
    forward_rows_ = 0;  // the activations are gone with the old buffers
  }

  /// out[b] = network(x row b); x is (batch x inputs) row-major, on the host.
  void forward(std::span<const T> x, std::size_t batch, std::span<T> out) { forward_in(host_access{}, x, batch, out); }

  /// Mean loss over the batch; grads() receive its gradient (downloaded).
  /// Throws std::invalid_argument for batch 0 and for labels the loss does not take.
  T loss_and_gradient(std::span<const T> x, std::span<const T> y, std::size_t batch, loss kind) {
    if (y.size() >= batch) check_labels(kind, y.first(batch), "sutro::nn::mlp::loss_and_gradient");
    return loss_and_gradient_in(host_access{}, x, y, batch, kind);
  }

  /// Gradient of sum_b dloss_df[b] * f[b] for the batch of the last forward(), whose
  /// activations stay on the device; x is uploaded again for the first layer.
  void backward(std::span<const T> x, std::span<const T> dloss_df, std::size_t batch) {
    // Checked before anything changes (reserve would drop the activations backward reads).
    detail::check_input_size(x.size(), batch, cfg_.inputs, "backward");
    if (batch != forward_rows_)
      throw std::invalid_argument("sutro::nn::mlp<cuda>::backward: a batch of " + std::to_string(batch) +
                                  ", but the last forward() ran " + std::to_string(forward_rows_) +
                                  " rows (backward uses its activations)");
    if (dloss_df.size() < batch)
      throw std::invalid_argument("sutro::nn::mlp<cuda>::backward: " + std::to_string(dloss_df.size()) +
                                  " output gradients for a batch of " + std::to_string(batch));
    std::copy_n(dloss_df.data(), batch, dfh_.data());
    df_.upload(dfh_.data(), batch);
    x_.upload(x.data(), batch * cfg_.inputs);
    backward_device(batch);
  }

  // The entry points nn::train calls, with the host side's access policy. A
  // recording policy cannot see device memory: record a host network instead.
  template <class Mode>
  void forward_in(const Mode&, std::span<const T> x, std::size_t batch, std::span<T> out) {
    static_assert(!memory::records_v<Mode>, "sutro::nn::mlp<cuda>: recorded runs need a host network");
    check_batch(x, batch, "forward");
    detail::check_output_size(out.size(), batch);
    forward_device(x.data(), batch);
    f_.download(out.data(), batch);
  }

  template <class Mode>
  T loss_and_gradient_in(const Mode&, std::span<const T> x, std::span<const T> y, std::size_t batch, loss kind) {
    static_assert(!memory::records_v<Mode>, "sutro::nn::mlp<cuda>: recorded runs need a host network");
    check_batch(x, batch, "loss_and_gradient");
    detail::check_loss_batch(batch, y.size());
    forward_device(x.data(), batch);
    f_.download(fh_.data(), batch);
    const T mean = batch_loss<T>(kind, batch, static_cast<const T*>(fh_.data()), y.data(), dfh_.data());
    df_.upload(dfh_.data(), batch);
    backward_device(batch);
    return mean;
  }

 private:
  void check_batch(std::span<const T> x, std::size_t batch, const char* what) {
    detail::check_input_size(x.size(), batch, cfg_.inputs, what);
    reserve(batch);
  }

  // The device copy of parameter tensor i, and of its gradient (the host views' offsets).
  [[nodiscard]] T* dparam(std::size_t i) const noexcept {
    return dparams_.data() + (param_refs_[i].data - params_.data());
  }
  [[nodiscard]] T* dgrad(std::size_t i) const noexcept {
    return dgrads_.data() + (param_refs_[i].data - params_.data());
  }

  void forward_device(const T* x, std::size_t B) {
    forward_rows_ = B;
    namespace k = cuda_kernels;
    dparams_.upload(params_.data(), params_.size());
    x_.upload(x, B * cfg_.inputs);
    const T* in = x_.data();
    std::size_t fi = cfg_.inputs;
    for (std::size_t l = 0; l < cfg_.hidden.size(); ++l) {
      const std::size_t fo = cfg_.hidden[l];
      k::dense_forward<<<memory::grid_for(B * fo, k::threads), k::threads>>>(
          B, fi, fo, in, dparam(2 * l), dparam(2 * l + 1), cfg_.act, acts_[l].data());
      SUTRO_CUDA_CHECK(cudaGetLastError());
      in = acts_[l].data();
      fi = fo;
    }
    const std::size_t L = cfg_.hidden.size();
    k::dot_rows<<<memory::grid_for(B, k::threads), k::threads>>>(B, fi, in, dparam(2 * L), dparam(2 * L + 1),
                                                                 f_.data());
    SUTRO_CUDA_CHECK(cudaGetLastError());
  }

  void backward_device(std::size_t B) {
    namespace k = cuda_kernels;
    const std::size_t L = cfg_.hidden.size(), h = cfg_.hidden.back();
    const T* df = df_.data();
    k::output_backward<<<memory::grid_for(h, k::threads), k::threads>>>(B, h, df, acts_[L - 1].data(), dparam(2 * L),
                                                                        cfg_.act, delta_.data(), dgrad(2 * L));
    SUTRO_CUDA_CHECK(cudaGetLastError());
    for (std::size_t l = L; l-- > 0;) {
      const std::size_t fi = shapes_[2 * l].first, fo = shapes_[2 * l].second;
      const T* in = l == 0 ? x_.data() : acts_[l - 1].data();
      k::column_sums<<<memory::grid_for(fo, k::threads), k::threads>>>(B, fo, df, delta_.data(), dgrad(2 * l + 1));
      SUTRO_CUDA_CHECK(cudaGetLastError());
      k::weight_grad<<<memory::grid_for(fi * fo, k::threads), k::threads>>>(B, fi, fo, df, in, delta_.data(),
                                                                            dgrad(2 * l));
      SUTRO_CUDA_CHECK(cudaGetLastError());
      if (l == 0) break;
      k::delta_back<<<memory::grid_for(B * fi, k::threads), k::threads>>>(B, fi, fo, df, in, dparam(2 * l),
                                                                          delta_.data(), cfg_.act, prev_.data());
      SUTRO_CUDA_CHECK(cudaGetLastError());
      delta_.swap(prev_);
    }
    dgrads_.download(grads_.data(), grads_.size() - 1);
    // The output bias: the sum of the active samples' gradients, in the host network's order.
    T gbo = T(0);
    for (std::size_t b = 0; b < B; ++b)
      if (dfh_[b] != T(0)) gbo += dfh_[b];
    grads_.back() = gbo;
  }

  Alloc alloc_;
  device_buffer dparams_, dgrads_, x_, delta_, prev_, f_, df_;
  host_buffer fh_, dfh_;
  std::vector<device_buffer> acts_;
  std::size_t capacity_ = 0;
  std::size_t forward_rows_ = 0;  // the batch of the last forward pass: backward() reads its activations
};

}  // namespace sutro::nn
