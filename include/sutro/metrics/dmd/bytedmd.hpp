#pragma once
// ByteDMD, the group's metric, exactly as the group's tool computes it
// (github.com/cybertronai/ByteDMD, bytedmd.py, main branch): an idealized
// processor on an LRU stack of values; only reads cost; a b-byte value at
// depth d costs sum_{j=(d-1)b+1}^{db} ceil(sqrt(j)). The function runs once
// against tracked<T> (recording), then the log is priced in a second pass
// (liveness needs the future).
//
//   using sutro::metrics::dmd::tracked;
//   auto dot = [](const std::vector<tracked<double>>& a, const std::vector<tracked<double>>& b) {
//     return a[0] * b[0] + a[1] * b[1];
//   };
//   auto r = sutro::metrics::dmd::bytedmd(dot, std::vector{1.0, 2.0}, std::vector{3.0, 4.0});
//   r.cost;        // 11
//   r.depths();    // {2, 4, 2, 3, 2, 1}
//   std::cout << sutro::metrics::dmd::listing(r);   // every instruction with depths and costs
//
// Rules (docs/metrics.md): arguments are preloaded, the first argument ends
// on top and elements of one argument are pushed in order (nested containers
// row by row; the same container object passed twice is one set of values);
// an instruction prices all its inputs against the stack before it; then its
// distinct inputs move to the top in read order, inputs read for the last
// time are removed, and the outputs are pushed free. A value never read (an
// unused input, a dead intermediate) is removed as soon as it is created;
// the values f returns stay on the stack to the end.

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <map>
#include <ostream>
#include <ranges>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <typeindex>
#include <utility>
#include <vector>

#include "sutro/metrics/dmd/context.hpp"
#include "sutro/metrics/dmd/cost.hpp"
#include "sutro/metrics/dmd/load_walk.hpp"
#include "sutro/metrics/dmd/tracked.hpp"
#include "sutro/metrics/dmd/variant.hpp"
#include "sutro/metrics/lru_stack.hpp"

namespace sutro::metrics::dmd {

/// Prices a recorded context (the second pass), as the tool's _pass2: the last
/// read of every value is found first; a value leaves the stack right after
/// its last read, or as soon as it is pushed if it is never read, unless it is
/// one of ctx.results(). O(log live) per read.
[[nodiscard]] inline bytedmd_result price(const context& ctx, std::uint64_t bytes_per_element = 1,
                                          bool keep_events = true, bytedmd_variant variant = bytedmd_variant::main) {
  const bool two_stack = variant == bytedmd_variant::two_stack;
  detail::check_bytes(bytes_per_element, "price");
  if (ctx.pending())
    throw std::logic_error("sutro::metrics::dmd::price: the context has pending instructions (call ctx.flush() first)");
  if (load_walk_variant(variant)) return detail::price_load_walk(ctx, bytes_per_element, keep_events, variant);
  const std::size_t T = ctx.logged();
  const auto& in = ctx.inputs();
  const std::uint32_t V = ctx.values();
  constexpr std::uint32_t never = no_value, forever = no_value - 1;
  const std::uint64_t max_depth = max_byte_depth / bytes_per_element;
  std::vector<std::uint32_t> last_read(V, never), pos(V, never), seen(V, never);
  std::vector<std::uint8_t> stored(V, 0);
  std::vector<std::uint32_t> label(keep_events ? V : 0, never);
  std::vector<std::uint32_t> arg_depth(two_stack ? V : 0, 0);  // two_stack: static depth of an unread argument
  std::uint32_t labels = 0;
  for (std::uint32_t t = 0; t < T; ++t) {
    const instruction& I = ctx.logged(t);
    for (std::uint32_t k = 0; k < I.count; ++k) last_read[in[I.first + k]] = t;
  }
  bytedmd_result r;
  for (std::uint32_t v : ctx.results())
    if (v < V && last_read[v] != forever) last_read[v] = forever, ++r.results;

  metrics::id_lru_stack stack(pos);
  auto store = [&](std::uint32_t v) {
    if (stored[v])
      throw std::invalid_argument("sutro::metrics::dmd::price: value v" + std::to_string(v) + " stored twice");
    stored[v] = 1;
    if (keep_events) label[v] = labels++;
    if (last_read[v] != never) stack.push(v);  // never read: removed at once
    if (stack.live() > r.max_live) r.max_live = static_cast<std::uint32_t>(stack.live());
  };
  r.bytes_per_element = bytes_per_element;
  r.inputs = static_cast<std::uint32_t>(ctx.preload().size());
  if (two_stack) {
    std::uint32_t d = 0;
    for (std::uint32_t v : ctx.preload()) {
      if (stored[v])
        throw std::invalid_argument("sutro::metrics::dmd::price: value v" + std::to_string(v) + " stored twice");
      stored[v] = 1;
      if (keep_events) label[v] = labels++;
      arg_depth[v] = ++d;
    }
  } else {
    for (std::uint32_t v : ctx.preload()) store(v);
  }
  auto charge = [&](std::uint32_t v, std::uint64_t depth) {
    if (depth > max_depth)
      throw std::overflow_error("sutro::metrics::dmd::price: depth " + std::to_string(depth) + " x bytes_per_element " +
                                std::to_string(bytes_per_element) + " exceeds 2^40 (the cost would overflow)");
    const std::uint64_t c = detail::read_cost_unchecked(depth, bytes_per_element);
    if (__builtin_add_overflow(r.cost, c, &r.cost))
      throw std::overflow_error("sutro::metrics::dmd::price: the total cost overflows 64 bits");
    if (keep_events) r.events.back().reads.push_back({label[v], depth, c});
  };
  if (keep_events) r.events.reserve(T + two_stack);
  for (std::uint32_t t = 0; t < T; ++t) {
    const instruction& I = ctx.logged(t);
    if (keep_events) r.events.push_back({I.op, {}, no_value, I.outputs});
    for (std::uint32_t k = 0; k < I.count; ++k) {  // every input against the stack before the instruction
      const std::uint32_t v = in[I.first + k];
      if (two_stack && arg_depth[v] != 0) {
        charge(v, arg_depth[v]);  // first read of an argument: its static depth
        continue;
      }
      if (pos[v] == never)
        throw std::logic_error("sutro::metrics::dmd::price: value v" + std::to_string(v) +
                               " read but never defined or preloaded (an escape from the tracer)");
      charge(v, stack.depth(v));
    }
    for (std::uint32_t k = 0; k < I.count; ++k) {  // distinct inputs to the top, in read order
      const std::uint32_t v = in[I.first + k];
      if (seen[v] == t) continue;
      seen[v] = t;
      if (two_stack && arg_depth[v] != 0)
        arg_depth[v] = 0;  // promoted onto the LRU stack
      else
        stack.drop(v);
      if (last_read[v] != t) stack.push(v);  // else: its last read, removed
      if (stack.live() > r.max_live) r.max_live = static_cast<std::uint32_t>(stack.live());
    }
    for (std::uint32_t k = 0; k < I.outputs && I.output != no_value; ++k) store(I.output + k);
    if (keep_events && I.output != no_value) r.events.back().output = label[I.output];
  }
  if (two_stack) {  // the output epilogue: each returned value read once more, nothing moves
    if (keep_events) r.events.push_back({"output", {}, no_value, 0});
    std::vector<std::uint8_t> done(V, 0);
    for (std::uint32_t v : ctx.results()) {
      if (v >= V || done[v]) continue;
      done[v] = 1;
      if (arg_depth[v] != 0)
        charge(v, arg_depth[v]);
      else if (pos[v] != never)
        charge(v, stack.depth(v));
      else
        throw std::logic_error("sutro::metrics::dmd::price: result v" + std::to_string(v) + " was never defined");
    }
  }
  return r;
}

// --- arguments: plain values and containers become tracked, in preload order
namespace detail {
struct arg_state {
  std::vector<std::uint32_t> order;                                     // preload, bottom first
  std::map<std::pair<const void*, std::type_index>, const void*> memo;  // container -> its tracked copy
  bool by_identity = true;  // false: every occurrence of a container is new values (bytedmd_ir.py's trace)
};
template <class X>
struct tracer {
  using type = X;  // unsupported argument type: no make()
};
template <class T>
requires std::is_arithmetic_v<T>
struct tracer<T> {
  using type = tracked<T>;
  static void make(const T& x, type& out, arg_state& st) {
    out = type::input(x);
    st.order.push_back(out.id());
  }
};
template <class T>
struct tracer<tracked<T>> {
  using type = tracked<T>;
  static void make(const tracked<T>& x, type& out, arg_state& st) { tracer<T>::make(x.untracked_value(), out, st); }
};
/// Containers are tracked by identity, as the tool does for Python lists and
/// tuples: the same object met again (an argument passed twice, or a row passed
/// beside its matrix) is the same set of values, pushed once.
template <class X, class Build>
void once(const X& x, typename tracer<X>::type& out, arg_state& st, Build build) {
  if (!st.by_identity) {
    build();
    return;
  }
  const auto key = std::make_pair(static_cast<const void*>(&x), std::type_index(typeid(X)));
  if (auto it = st.memo.find(key); it != st.memo.end()) {
    out = *static_cast<const typename tracer<X>::type*>(it->second);
    return;
  }
  build();
  st.memo.emplace(key, &out);
}
template <class X, class A>
struct tracer<std::vector<X, A>> {
  using type = std::vector<typename tracer<X>::type>;
  static void make(const std::vector<X, A>& x, type& out, arg_state& st) {
    once(x, out, st, [&] {
      out.clear();
      out.resize(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) tracer<X>::make(x[i], out[i], st);
    });
  }
};
template <class X, std::size_t N>
struct tracer<std::array<X, N>> {
  using type = std::array<typename tracer<X>::type, N>;
  static void make(const std::array<X, N>& x, type& out, arg_state& st) {
    once(x, out, st, [&] {
      for (std::size_t i = 0; i < N; ++i) tracer<X>::make(x[i], out[i], st);
    });
  }
};
template <class... X>
struct tracer<std::tuple<X...>> {
  using type = std::tuple<typename tracer<X>::type...>;
  static void make(const std::tuple<X...>& x, type& out, arg_state& st) {
    once(x, out, st, [&] {
      [&]<std::size_t... I>(std::index_sequence<I...>) { (tracer<X>::make(std::get<I>(x), std::get<I>(out), st), ...); }
      (std::index_sequence_for<X...>{});
    });
  }
};
template <class X, class Y>
struct tracer<std::pair<X, Y>> {
  using type = std::pair<typename tracer<X>::type, typename tracer<Y>::type>;
  static void make(const std::pair<X, Y>& x, type& out, arg_state& st) {
    once(x, out, st, [&] {
      tracer<X>::make(x.first, out.first, st);
      tracer<Y>::make(x.second, out.second, st);
    });
  }
};

// --- results: every tracked value in what f returned stays live to the end
template <class X>
concept tuple_like = requires {
  std::tuple_size<X>::value;
};
template <class X>
void keep_results(const X& x, context& ctx) {
  if constexpr (tracked_value<X>) {
    if (x.has_id() && x.serial() == ctx.serial()) ctx.keep_live(x.id());
  } else if constexpr (std::ranges::range<const X>) {
    for (const auto& e : x) keep_results(e, ctx);
  } else if constexpr (tuple_like<X>) {
    std::apply([&](const auto&... e) { (keep_results(e, ctx), ...); }, x);
  }
  // anything else (plain numbers, ...) holds no tracked value
}
}  // namespace detail

struct bytedmd_options {
  std::uint64_t bytes_per_element = 1;
  bool keep_events = true;  ///< false: cost only (faster, no per-read log)
  bytedmd_variant variant = bytedmd_variant::main;
};

namespace detail {
template <class F, class... Args>
bytedmd_result run(bytedmd_options opt, F&& f, const Args&... args) {
  check_bytes(opt.bytes_per_element, "bytedmd");
  context ctx;
  std::tuple<typename tracer<Args>::type...> tracked_args;
  arg_state st;
  const auto refs = std::forward_as_tuple(args...);
  if (opt.variant == bytedmd_variant::main) {
    // As the tool: the last argument is wrapped (pushed) first, so the first ends on top.
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      constexpr std::size_t N = sizeof...(Args);
      (tracer<std::tuple_element_t<N - 1 - I, std::tuple<Args...>>>::make(std::get<N - 1 - I>(refs),
                                                                          std::get<N - 1 - I>(tracked_args), st),
       ...);
    }
    (std::index_sequence_for<Args...>{});
  } else {
    // The dev branch wraps the first argument first (static depths 1, 2, ...);
    // bytedmd_ir.py's trace wraps every occurrence of a container anew.
    st.by_identity = !load_walk_variant(opt.variant);
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (tracer<std::tuple_element_t<I, std::tuple<Args...>>>::make(std::get<I>(refs), std::get<I>(tracked_args), st),
       ...);
    }
    (std::index_sequence_for<Args...>{});
  }
  ctx.set_preload(std::move(st.order));
  auto call = [&](auto&... xs) -> decltype(auto) { return std::forward<F>(f)(xs...); };
  if constexpr (std::is_void_v<decltype(std::apply(call, tracked_args))>) {
    std::apply(call, tracked_args);
  } else {
    decltype(auto) result = std::apply(call, tracked_args);
    keep_results(result, ctx);
  }
  ctx.flush();
  return price(ctx, opt.bytes_per_element, opt.keep_events, opt.variant);
}
}  // namespace detail

/// Runs f on tracked copies of args (preloaded as the rules say) and prices it;
/// the tracked values in f's result (a tracked<T>, or containers, pairs and
/// tuples of them, nested) stay live to the end.
template <class F, class... Args>
bytedmd_result bytedmd(bytedmd_options opt, F&& f, const Args&... args) {
  return detail::run(opt, std::forward<F>(f), args...);
}
template <class F, class... Args>
requires(!std::same_as<std::remove_cvref_t<F>, bytedmd_options>) bytedmd_result bytedmd(F&& f, const Args&... args) {
  return bytedmd(bytedmd_options{}, std::forward<F>(f), args...);
}

/// The inspection listing: one line per instruction, each read with its depth and cost.
[[nodiscard]] inline std::string listing(const bytedmd_result& r) {
  std::ostringstream os;
  os << "; ByteDMD " << r.cost << " (" << r.bytes_per_element << " byte(s) per element, " << r.inputs
     << " preloaded inputs v0.., " << r.results << " result value(s) live to the end)\n";
  for (const auto& e : r.events) {
    std::uint64_t c = 0;
    if (e.output != no_value) {
      for (std::uint32_t k = 0; k < e.outputs; ++k) os << (k ? ", v" : "v") << e.output + k;
      os << " = ";
    }
    os << e.op;
    for (const auto& rd : e.reads) {
      os << " v" << rd.value << "@" << rd.depth << "[" << rd.cost << "]";
      c += rd.cost;
    }
    os << "    ; cost " << c << "\n";
  }
  return os.str();
}

}  // namespace sutro::metrics::dmd
