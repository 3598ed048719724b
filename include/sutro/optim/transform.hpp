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
// examples/optim_custom.cpp. The library's rules take a last, defaulted
// argument, the memory-access policy (nn/ops.hpp): the same loops run raw
// (memory::raw_access, the default) or record every element they touch
// (memory::recording_access), which is how nn::train_recorded prices an optimizer.

#include <concepts>
#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "sutro/nn/ops.hpp"
#include "sutro/nn/scalar/fma.hpp"
#include "sutro/nn/tensor.hpp"

namespace sutro::optim {

using nn::param_kind;
using nn::tensor_ref;

/// Per-layer views of parameters, gradients or updates.
template <class T>
using tensors = std::span<const tensor_ref<T>>;

namespace detail {
// First member of the options structs whose fields are several doubles.
// Nothing converts to it (its default constructor is explicit, so not even
// `{}` does), which makes a positional `{0.05, 0.9}` a compile error, while
// designated initializers skip it.
struct names_required {
  explicit names_required() = default;
};

template <class R, class T>
using state_of = decltype(std::declval<const R&>().init(std::declval<tensors<T>>()));
}  // namespace detail

// Written with declval rather than a nested requires on the parameters: nvcc's
// front end aborts on the latter (internal error in get_param_for_param_ref).
template <class R, class T>
concept gradient_transformation = requires(const R& rule, tensors<T> t) {
  rule.init(t);
}
&&requires(const R& rule, tensors<T> t, detail::state_of<R, T>& state) { rule.update(t, state, t); };

/// A rule whose update runs under memory-access policy Mode (nn/ops.hpp):
/// `rule.update(updates, state, params, mode)`.
template <class R, class T, class Mode>
concept runs_under = gradient_transformation<R, T> &&
    requires(const R& rule, tensors<T> t, detail::state_of<R, T>& state, const Mode& m) {
  rule.update(t, state, t, m);
};

/// Throws std::invalid_argument naming the first layer whose shapes differ.
template <class T>
void check_shapes(tensors<T> updates, tensors<T> params, const char* what = "sutro::optim::check_shapes") {
  if (updates.size() != params.size())
    throw std::invalid_argument(std::string(what) + ": " + std::to_string(updates.size()) + " update tensors for " +
                                std::to_string(params.size()) + " parameters");
  for (std::size_t i = 0; i < params.size(); ++i)
    if (updates[i].rows != params[i].rows || updates[i].cols != params[i].cols)
      throw std::invalid_argument(std::string(what) + ": layer " + std::to_string(i) + " update " +
                                  nn::shape_string(updates[i].rows, updates[i].cols) + " vs parameter " +
                                  nn::shape_string(params[i].rows, params[i].cols));
}

/// The per-layer shapes an optimizer state was built for. Rules whose state
/// holds per-layer buffers, and chain(), keep one and check every update
/// against it, so that a state built for another network throws instead of
/// reading or writing past its buffers.
///
///   optim::shape_record shapes(net.params());
///   shapes.check(other.grads(), "optim::step");   // throws, naming both shape lists
class shape_record {
 public:
  shape_record() = default;
  template <class T>
  explicit shape_record(tensors<T> params) {
    shapes_.reserve(params.size());
    for (const auto& p : params) shapes_.emplace_back(p.rows, p.cols);
  }

  /// Throws std::invalid_argument, naming both shape lists, unless `updates` has the recorded shapes.
  template <class T>
  void check(tensors<T> updates, const char* who) const {
    bool same = updates.size() == shapes_.size();
    for (std::size_t i = 0; same && i < shapes_.size(); ++i)
      same = updates[i].rows == shapes_[i].first && updates[i].cols == shapes_[i].second;
    if (same) return;
    std::string got;
    for (const auto& u : updates) got += (got.empty() ? "" : ", ") + nn::shape_string(u.rows, u.cols);
    throw std::invalid_argument(std::string("sutro::") + who + ": optimizer state built for shapes [" + to_string() +
                                "], updates have shapes [" + got + "]");
  }

  /// "(20 x 200), (1 x 200), ...".
  [[nodiscard]] std::string to_string() const {
    std::string s;
    for (const auto& [r, c] : shapes_) s += (s.empty() ? "" : ", ") + nn::shape_string(r, c);
    return s;
  }
  [[nodiscard]] std::size_t layers() const noexcept { return shapes_.size(); }

 private:
  std::vector<std::pair<std::size_t, std::size_t>> shapes_;
};

/// State of a chain: the shapes it was built for and one state per rule.
template <class States>
struct chain_state {
  shape_record shapes;
  States rules;
};

/// params += updates.
template <class T, class Mode = memory::raw_access>
void apply_updates(tensors<T> params, tensors<T> updates, const Mode& m = Mode{}) {
  check_shapes(updates, params, "sutro::optim::apply_updates");
  for (std::size_t l = 0; l < params.size(); ++l) {
    const memory::handle_of<Mode, T> p = m(params[l].data);
    const memory::handle_of<Mode, const T> u = m(static_cast<const T*>(updates[l].data));
    for (std::size_t i = 0, n = params[l].size(); i < n; ++i) p[i] += u[i];
  }
}

/// One optimizer step: check shapes, transform `grads` into updates in place, apply them.
template <class Rule, class State, class T, class Mode = memory::raw_access>
void step(const Rule& rule, State& state, tensors<T> grads, tensors<T> params, const Mode& m = Mode{}) {
  check_shapes(grads, params, "sutro::optim::step");
  if constexpr (requires { rule.update(grads, state, params, m); }) {
    rule.update(grads, state, params, m);
  } else {
    static_assert(!memory::records_v<Mode>,
                  "sutro::optim::step: this rule's update takes no access policy, so it cannot record");
    rule.update(grads, state, params);
  }
  apply_updates(params, grads, m);
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

  template <class R, class T, class S, class Mode>
  static void update_one(const R& r, tensors<T> u, S& s, tensors<T> p, const Mode& m) {
    if constexpr (requires { r.update(u, s, p, m); })
      r.update(u, s, p, m);
    else
      r.update(u, s, p);
  }

  template <class T>
  auto init(tensors<T> params) const {
    using states = decltype(std::apply([&](const auto&... r) { return std::make_tuple(r.init(params)...); }, rules));
    return chain_state<states>{shape_record(params),
                               std::apply([&](const auto&... r) { return std::make_tuple(r.init(params)...); }, rules)};
  }
  // A member rule written without a policy argument runs raw: a chain holding
  // one runs under a raw policy only (runs_under says so).
  template <class T, class State, class Mode = memory::raw_access>
  requires(!memory::records_v<Mode> || (runs_under<Rules, T, Mode> && ...)) void update(tensors<T> updates,
                                                                                        State& state, tensors<T> params,
                                                                                        const Mode& m = Mode{}) const {
    state.shapes.check(updates, "optim::chain::update");
    check_shapes(updates, params, "sutro::optim::chain::update");
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (update_one(std::get<I>(rules), updates, std::get<I>(state.rules), params, m), ...);
    }
    (std::index_sequence_for<Rules...>{});
  }

  /// update() then params += updates, with the trailing pointwise rules and
  /// the addition done in one pass (the same operations in the same order per
  /// element, so the same results; `updates` ends up holding the updates).
  template <class T, class State, class Mode = memory::raw_access>
  requires(!memory::records_v<Mode> ||
           (runs_under<Rules, T, Mode> && ...)) void update_and_apply(tensors<T> updates, State& state,
                                                                      tensors<T> params, const Mode& m = Mode{}) const {
    constexpr std::size_t first = first_fused<T>();
    state.shapes.check(updates, "optim::chain::update_and_apply");
    check_shapes(updates, params, "sutro::optim::chain::update_and_apply");
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (update_one(std::get<I>(rules), updates, std::get<I>(state.rules), params, m), ...);
    }
    (std::make_index_sequence<first>{});
    // In an FMA copy where nothing in it can throw (element_loop).
    constexpr bool nothrow_maps = []<std::size_t... I>(std::index_sequence<I...>) {
      return (noexcept(std::get<first + I>(std::declval<const std::tuple<Rules...>&>()).map(T{}, T{})) && ...);
    }
    (std::make_index_sequence<sizeof...(Rules) - first>{});
    nn::kernels::any::element_loop<memory::is_raw_v<Mode> && nothrow_maps>([&] {
      for (std::size_t l = 0; l < params.size(); ++l) {
        const memory::handle_of<Mode, T> p = m(params[l].data);
        const memory::handle_of<Mode, T> u = m(updates[l].data);
        for (std::size_t i = 0, n = params[l].size(); i < n; ++i) {
          T v = u[i];
          const T w = p[i];
          [&]<std::size_t... I>(std::index_sequence<I...>) { ((v = std::get<first + I>(rules).map(v, w)), ...); }
          (std::make_index_sequence<sizeof...(Rules) - first>{});
          u[i] = v;
          p[i] = w + v;  // v is stored rounded, so no build fuses this sum with the map's product
        }
      }
    });
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
[[nodiscard]] chain_t<Rules...> chain(Rules... rules) {
  return {std::tuple<Rules...>(std::move(rules)...)};
}

/// State of rules that keep none.
struct empty_state {};

}  // namespace sutro::optim
