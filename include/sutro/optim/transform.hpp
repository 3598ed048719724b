#pragma once
// The optimizer concept, in the optax style. A rule is a small struct with
//   state init(tensors<T> params) const;
//   void update(tensors<T> updates, state&, tensors<T> params) const;
// `update` turns gradients into updates in place, layer by layer (each a
// tensor_ref with its shape, so matrix-aware rules see rows and cols); then
// apply_updates adds them to the parameters. Rules compose with chain().
//
//   auto opt = sutro::optim::chain(sutro::optim::add_decayed_weights(0.01),
//                                  sutro::optim::scale(-0.1));          // SGD + wd
//   auto state = opt.init(net.params());
//   sutro::optim::step(opt, state, net.grads(), net.params());          // update + apply
//
// A new rule is one struct with those two members: see docs/optim.md and
// examples/optim_custom.cpp.

#include <concepts>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "sutro/nn/tensor.hpp"

namespace sutro::optim {

using nn::param_kind;
using nn::tensor_ref;

/// Per-layer views of parameters, gradients or updates.
template <class T>
using tensors = std::span<const tensor_ref<T>>;

namespace detail {
template <class R, class T>
using state_of = decltype(std::declval<const R&>().init(std::declval<tensors<T>>()));
}

// Written with declval rather than a nested requires on the parameters: nvcc's
// front end aborts on the latter (internal error in get_param_for_param_ref).
template <class R, class T>
concept gradient_transformation =
    requires(const R& rule, tensors<T> t) { rule.init(t); } &&
    requires(const R& rule, tensors<T> t, detail::state_of<R, T>& state) { rule.update(t, state, t); };

/// Throws std::invalid_argument naming the first layer whose shapes differ.
template <class T>
void check_shapes(tensors<T> updates, tensors<T> params, const char* what = "optim") {
  if (updates.size() != params.size())
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(updates.size()) +
                                " update tensors for " + std::to_string(params.size()) + " parameters");
  for (std::size_t i = 0; i < params.size(); ++i)
    if (updates[i].rows != params[i].rows || updates[i].cols != params[i].cols)
      throw std::invalid_argument(std::string(what) + ": layer " + std::to_string(i) + " update " +
                                  nn::shape_string(updates[i].rows, updates[i].cols) +
                                  " vs parameter " + nn::shape_string(params[i].rows, params[i].cols));
}

/// params += updates.
template <class T>
void apply_updates(tensors<T> params, tensors<T> updates) {
  check_shapes(updates, params, "apply_updates");
  for (std::size_t l = 0; l < params.size(); ++l) {
    T* __restrict p = params[l].data;
    const T* __restrict u = updates[l].data;
    for (std::size_t i = 0, n = params[l].size(); i < n; ++i) p[i] += u[i];
  }
}

/// One optimizer step: check shapes, transform `grads` into updates in place, apply them.
template <class Rule, class State, class T>
void step(const Rule& rule, State& state, tensors<T> grads, tensors<T> params) {
  check_shapes(grads, params, "optim::step");
  rule.update(grads, state, params);
  apply_updates(params, grads);
}

/// A stateless rule that acts element by element: `map(u, p)` returns the new
/// update from the update and the parameter (scale, add_decayed_weights, clip,
/// scale_by_sign). A chain fuses its trailing such rules with the apply step.
template <class R, class T>
concept pointwise_rule = requires(const R& rule, T u, T p) {
  { rule.map(u, p) } -> std::convertible_to<T>;
};

template <class... Rules>
struct chain_t {
  std::tuple<Rules...> rules;

  template <class T>
  auto init(tensors<T> params) const {
    return std::apply([&](const auto&... r) { return std::make_tuple(r.init(params)...); }, rules);
  }
  template <class T, class State>
  void update(tensors<T> updates, State& state, tensors<T> params) const {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (std::get<I>(rules).update(updates, std::get<I>(state), params), ...);
    }(std::index_sequence_for<Rules...>{});
  }

  /// update() then params += updates, with the trailing pointwise rules and
  /// the addition done in one pass (the same operations in the same order per
  /// element, so the same results; `updates` ends up holding the updates).
  template <class T, class State>
  void update_and_apply(tensors<T> updates, State& state, tensors<T> params) const {
    constexpr std::size_t first = first_fused<T>();
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (std::get<I>(rules).update(updates, std::get<I>(state), params), ...);
    }(std::make_index_sequence<first>{});
    for (std::size_t l = 0; l < params.size(); ++l) {
      T* __restrict p = params[l].data;
      T* __restrict u = updates[l].data;
      for (std::size_t i = 0, n = params[l].size(); i < n; ++i) {
        T v = u[i];
        [&]<std::size_t... I>(std::index_sequence<I...>) {
          ((v = std::get<first + I>(rules).map(v, p[i])), ...);
        }(std::make_index_sequence<sizeof...(Rules) - first>{});
        u[i] = v;
        p[i] += v;
      }
    }
  }

 private:
  // Index of the first rule of the trailing run of pointwise rules.
  template <class T>
  static constexpr std::size_t first_fused() {
    constexpr bool pw[] = {pointwise_rule<Rules, T>..., false};
    std::size_t first = sizeof...(Rules);
    while (first > 0 && pw[first - 1]) --first;
    return first;
  }
};

/// Applies the rules in order (each sees the previous one's output).
template <class... Rules>
chain_t<Rules...> chain(Rules... rules) {
  return {std::tuple<Rules...>(std::move(rules)...)};
}

/// State of rules that keep none.
struct empty_state {};

} // namespace sutro::optim
