#pragma once
// nn::recorded_mlp: an MLP whose forward pass, backward pass and optimizer steps record
// every element they read or write in a memory::trace, for measuring the data
// movement of the library's own network code. It owns the network and hands
// out no pointer (parameters are memory::view objects with the traced
// accessor); the passes are mlp's own code run in its traced mode, which calls
// the scalar kernel bodies (nn/scalar/dense.hpp) with accessed pointers.
//
//   sutro::memory::trace t;                                  // element granularity: one key per float
//   sutro::nn::recorded_mlp<float> net({.inputs = 20, .hidden = {200}}, /*seed*/ 1, t);
//   float l = net.loss_and_gradient(x, y, 32, sutro::nn::loss::hinge);
//   auto rule = sutro::optim::sgd({.lr = 0.1, .weight_decay = 0.01});
//   auto state = net.init_state(rule);
//   net.step(rule, state);                                   // the rule's own loops, recorded
//   auto plain = std::move(net).release();                   // std::unique_ptr<mlp<float>>
//
// Counted: each read and write of an element of the parameters, gradients,
// activations, deltas, outputs, loss gradients, of the caller's x, y and
// out spans, and of the optimizer's state and scratch. Not counted: accumulators and locals (registers), the list of
// active sample indices (bookkeeping), and sizing the work buffers (reserve()
// zero-fills them once, before any pass). Results are bit-identical to the
// untraced scalar backend; the simd kernels sum in the same order, so they
// match it too.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>

#include "sutro/memory/accessor.hpp"
#include "sutro/memory/trace.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/ops.hpp"
#include "sutro/nn/train.hpp"

namespace sutro::nn {

template <class T = float, class Backend = default_backend,
          class Alloc = typename detail::network_allocator<Backend, T>::type>
class recorded_mlp {
 public:
  using network = mlp<T, Backend, Alloc>;
  using flat_view = memory::view<T, memory::recording_accessor<T>>;

  recorded_mlp(mlp_config config, std::uint64_t seed, memory::trace& t, const Alloc& alloc = Alloc())
      : net_(std::make_unique<network>(std::move(config), seed, alloc)), mode_{&t} {}
  /// Takes a network (trained or not) over.
  recorded_mlp(std::unique_ptr<network> net, memory::trace& t) : net_(std::move(net)), mode_{&t} {
    if (!net_) throw std::invalid_argument("sutro::nn::recorded_mlp: null network");
  }

  [[nodiscard]] const mlp_config& config() const { return live("config").config(); }
  [[nodiscard]] std::size_t parameter_count() const { return live("parameter_count").parameter_count(); }
  [[nodiscard]] memory::trace& recorder() const noexcept { return *mode_.sink; }
  /// All parameters / gradients, flat in mlp's order, traced.
  [[nodiscard]] flat_view params() { return view_of(live("params").flat_params()); }
  [[nodiscard]] flat_view grads() { return view_of(live("grads").flat_grads()); }

  /// Sizes the work buffers (untraced zero fill); the passes call it too.
  void reserve(std::size_t batch) { live("reserve").reserve(batch); }

  void forward(std::span<const T> x, std::size_t batch, std::span<T> out) {
    live("forward").forward_in(mode_, x, batch, out);
  }
  /// As mlp::loss_and_gradient, labels checked the same way (not recorded).
  T loss_and_gradient(std::span<const T> x, std::span<const T> y, std::size_t batch, loss kind) {
    network& net = live("loss_and_gradient");
    if (y.size() >= batch) check_labels(kind, y.first(batch), "sutro::nn::recorded_mlp::loss_and_gradient");
    return net.loss_and_gradient_in(mode_, x, y, batch, kind);
  }

  /// The state `rule` keeps for this network (setup: not recorded).
  template <class Rule>
  [[nodiscard]] auto init_state(const Rule& rule) const {
    return rule.init(live("init_state").params());
  }
  /// One update by `rule`, the code train() runs, under the recording policy:
  /// the rule's own loops are recorded when it takes the policy
  /// (update_recorded_v; every sutro::optim rule does), the apply always.
  template <class Rule, class State>
  void step(const Rule& rule, State& state) {
    detail::apply_rule(rule, state, live("step"), mode_);
  }

  /// Ends tracing and gives the network back; every later call but
  /// destruction throws std::logic_error.
  std::unique_ptr<network> release() && { return std::move(net_); }

 private:
  network& live(const char* who) const {
    if (!net_)
      throw std::logic_error(std::string("sutro::nn::recorded_mlp::") + who +
                             ": the network was released (std::move(net).release()) or moved away");
    return *net_;
  }
  flat_view view_of(std::span<T> s) const {
    return flat_view(s.data(), s.size(), memory::recording_accessor<T>{mode_.sink});
  }
  std::unique_ptr<network> net_;
  memory::recording_access mode_;
};

}  // namespace sutro::nn
