#pragma once
// ByteDMD, the group's metric, exactly as the group's tool computes it
// (github.com/cybertronai/ByteDMD, bytedmd.py, main branch): an idealized
// processor on an LRU stack of values; only reads cost; a b-byte value at
// depth d costs sum_{j=(d-1)b+1}^{db} ceil(sqrt(j)). The function runs once
// against traced<T> (recording), then the log is priced in a second pass
// (liveness needs the future).
//
//   using sutro::dmd::traced;
//   auto dot = [](const std::vector<traced<double>>& a, const std::vector<traced<double>>& b) {
//     return a[0] * b[0] + a[1] * b[1];
//   };
//   auto r = sutro::dmd::bytedmd(dot, std::vector{1.0, 2.0}, std::vector{3.0, 4.0});
//   r.cost;        // 11
//   r.depths();    // {2, 4, 2, 3, 2, 1}
//   std::cout << sutro::dmd::listing(r);   // every instruction with depths and costs
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

#include "sutro/dmd/context.hpp"
#include "sutro/dmd/traced.hpp"

namespace sutro::dmd {

/// ceil(sqrt(n)), exact for every 64-bit n below 2^62.
[[nodiscard]] inline std::uint64_t ceil_sqrt(std::uint64_t n) noexcept {
  auto r = static_cast<std::uint64_t>(std::sqrt(static_cast<double>(n)));
  while (r * r > n) --r;  // fix the double's rounding either way
  while ((r + 1) * (r + 1) <= n) ++r;
  return r * r == n ? r : r + 1;
}
/// sum_{j=1}^{n} ceil(sqrt(j)), exact for n <= 2^40 (max_byte_depth).
[[nodiscard]] inline std::uint64_t ceil_sqrt_prefix(std::uint64_t n) noexcept {
  if (n == 0) return 0;
  const std::uint64_t m = ceil_sqrt(n);
  const std::uint64_t M = m - 1;  // full blocks k = 1..M, block k has 2k-1 terms of value k
  const std::uint64_t full = M * (M + 1) * (2 * M + 1) / 3 - M * (M + 1) / 2;
  return full + m * (n - M * M);
}
/// The largest byte depth (element depth x bytes per element) priced: beyond
/// it a single read's cost (about (2/3) n^1.5) would not be exact in 64 bits.
inline constexpr std::uint64_t max_byte_depth = std::uint64_t{1} << 40;

namespace detail {
[[nodiscard]] inline std::uint64_t read_cost_unchecked(std::uint64_t depth, std::uint64_t bytes) noexcept {
  if (bytes == 1) return ceil_sqrt(depth);
  return ceil_sqrt_prefix(depth * bytes) - ceil_sqrt_prefix((depth - 1) * bytes);
}
inline void check_bytes(std::uint64_t bytes, const char* who) {
  if (bytes == 0) throw std::invalid_argument(std::string("sutro::dmd::") + who + ": bytes_per_element must be >= 1");
  if (bytes > max_byte_depth)
    throw std::overflow_error(std::string("sutro::dmd::") + who + ": bytes_per_element = " + std::to_string(bytes) +
                              " overflows the 64-bit cost (depth x bytes must stay <= 2^40)");
}
}  // namespace detail

/// Cost of reading a `bytes`-byte value at element depth `depth` (>= 1).
/// Throws std::overflow_error when depth x bytes exceeds max_byte_depth.
[[nodiscard]] inline std::uint64_t read_cost(std::uint64_t depth, std::uint64_t bytes) {
  detail::check_bytes(bytes, "read_cost");
  if (depth == 0) throw std::invalid_argument("sutro::dmd::read_cost: depth must be >= 1");
  if (depth > max_byte_depth / bytes)
    throw std::overflow_error("sutro::dmd::read_cost: depth x bytes_per_element exceeds 2^40 (the cost would overflow)");
  return detail::read_cost_unchecked(depth, bytes);
}
/// The tool's trace_to_bytedmd: the cost of a depth trace at `bytes` bytes per element.
[[nodiscard]] inline std::uint64_t trace_cost(const std::vector<std::uint64_t>& depths, std::uint64_t bytes) {
  std::uint64_t c = 0;
  for (std::uint64_t d : depths)
    if (__builtin_add_overflow(c, read_cost(d, bytes), &c))
      throw std::overflow_error("sutro::dmd::trace_cost: the total cost overflows 64 bits");
  return c;
}

/// In events and the listing, values are numbered in the order they are
/// pushed (preloaded inputs first, the last argument's first), which is the
/// order of the tool's keys (its v1 is sutro's v0).
struct read_event {
  std::uint32_t value;
  std::uint64_t depth;
  std::uint64_t cost;
};
struct priced_instruction {
  const char* op;
  std::vector<read_event> reads;
  std::uint32_t output;       ///< first output; no_value for a plain read (branch, conversion)
  std::uint32_t outputs = 1;  ///< number of outputs (output, output + 1, ...)
};

struct bytedmd_result {
  std::uint64_t cost = 0;
  std::uint64_t bytes_per_element = 1;
  std::uint32_t inputs = 0;   ///< preloaded values
  std::uint32_t results = 0;  ///< values kept live to the end (what f returned)
  std::uint32_t max_live = 0; ///< the largest stack depth reached
  std::vector<priced_instruction> events;
  [[nodiscard]] std::vector<std::uint64_t> depths() const {
    std::vector<std::uint64_t> d;
    for (const auto& e : events)
      for (const auto& r : e.reads) d.push_back(r.depth);
    return d;
  }
  [[nodiscard]] std::uint64_t reads() const noexcept {
    std::uint64_t n = 0;
    for (const auto& e : events) n += e.reads.size();
    return n;
  }
};

namespace detail {
/// popcount without a libgcc call on targets without POPCNT.
[[nodiscard]] inline std::uint32_t ones(std::uint64_t x) noexcept {
#if defined(__POPCNT__)
  return static_cast<std::uint32_t>(std::popcount(x));
#else
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return static_cast<std::uint32_t>((x * 0x0101010101010101ull) >> 56);
#endif
}
/// The LRU stack as a bitmap over push times (1 = a value's latest push),
/// with a Fenwick tree over its 64-bit words' popcounts: depth in O(log n).
/// When the time axis fills, live values are renumbered densely, so its size
/// is proportional to the live values, not to the trace.
class lru_positions {
 public:
  explicit lru_positions(std::vector<std::uint32_t>& pos) : pos_(pos) { reset(1024); }
  [[nodiscard]] std::uint64_t live() const noexcept { return live_; }
  [[nodiscard]] std::uint64_t depth(std::uint32_t v) const noexcept { return live_ - prefix(pos_[v]) + 1; }
  void push(std::uint32_t v) {
    if (now_ == owner_.size()) compact();
    pos_[v] = static_cast<std::uint32_t>(now_);
    owner_[now_] = v;
    bits_[now_ >> 6] |= std::uint64_t{1} << (now_ & 63);
    add(now_ >> 6, 1);
    ++now_;
    ++live_;
  }
  void drop(std::uint32_t v) noexcept {
    const std::uint32_t p = pos_[v];
    bits_[p >> 6] &= ~(std::uint64_t{1} << (p & 63));
    add(p >> 6, std::uint32_t(-1));
    pos_[v] = no_value;
    --live_;
  }

 private:
  void reset(std::size_t cap) {
    cap = (cap + 63) / 64 * 64;
    owner_.assign(cap, no_value);
    bits_.assign(cap / 64, 0);
    tree_.assign(bits_.size() + 1, 0);
    now_ = 0;
  }
  void compact() {
    std::vector<std::uint32_t> order;  // live values, bottom first
    order.reserve(live_);
    for (std::size_t w = 0; w < bits_.size(); ++w)
      for (std::uint64_t b = bits_[w]; b != 0; b &= b - 1)
        order.push_back(owner_[w * 64 + static_cast<std::size_t>(std::countr_zero(b))]);
    reset(std::max<std::size_t>(1024, 4 * order.size() + 64));
    for (std::uint32_t v : order) {
      pos_[v] = static_cast<std::uint32_t>(now_);
      owner_[now_] = v;
      bits_[now_ >> 6] |= std::uint64_t{1} << (now_ & 63);
      ++now_;
    }
    for (std::size_t i = 1; i < tree_.size(); ++i) {  // O(n) Fenwick build
      tree_[i] += ones(bits_[i - 1]);
      const std::size_t j = i + (i & (~i + 1));
      if (j < tree_.size()) tree_[j] += tree_[i];
    }
  }
  void add(std::size_t w, std::uint32_t d) noexcept {
    for (std::size_t i = w + 1; i < tree_.size(); i += i & (~i + 1)) tree_[i] += d;
  }
  [[nodiscard]] std::uint64_t prefix(std::size_t p) const noexcept {  // marks at slots <= p
    std::uint64_t s = ones(bits_[p >> 6] << (63 - (p & 63)));
    for (std::size_t i = p >> 6; i > 0; i &= i - 1) s += tree_[i];
    return s;
  }
  std::vector<std::uint32_t>& pos_;
  std::vector<std::uint32_t> owner_;  // slot -> value
  std::vector<std::uint64_t> bits_;
  std::vector<std::uint32_t> tree_;
  std::size_t now_ = 0;
  std::uint64_t live_ = 0;
};
}  // namespace detail

/// Which of the group's ByteDMD models prices the log.
enum class bytedmd_variant {
  /// The tool's main branch (bytedmd.py): one LRU stack, inputs preloaded
  /// (the first argument on top), liveness compaction; the default.
  main,
  /// The tool's dev branch (bytedmd.py there): inputs sit on a fixed argument
  /// stack (the first argument's elements at depths 1, 2, ..., then the next
  /// argument's); the first read of one pays that static depth and moves it
  /// onto the LRU stack of intermediates (with liveness compaction); an
  /// output epilogue reads every returned value once more at the end
  /// (an unread argument at its static depth, the rest at their LRU depth),
  /// without moving anything. Inputs are wrapped first argument first.
  two_stack,
};

/// Prices a recorded context (the second pass), as the tool's _pass2: the last
/// read of every value is found first; a value leaves the stack right after
/// its last read, or as soon as it is pushed if it is never read, unless it is
/// one of ctx.results(). O(log live) per read.
[[nodiscard]] inline bytedmd_result price(const context& ctx, std::uint64_t bytes_per_element = 1,
                                          bool keep_events = true, bytedmd_variant variant = bytedmd_variant::main) {
  const bool two_stack = variant == bytedmd_variant::two_stack;
  detail::check_bytes(bytes_per_element, "price");
  if (ctx.pending())
    throw std::logic_error("sutro::dmd::price: the context has pending instructions (call ctx.flush() first)");
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

  detail::lru_positions stack(pos);
  auto store = [&](std::uint32_t v) {
    if (stored[v]) throw std::invalid_argument("sutro::dmd::price: value v" + std::to_string(v) + " stored twice");
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
      if (stored[v]) throw std::invalid_argument("sutro::dmd::price: value v" + std::to_string(v) + " stored twice");
      stored[v] = 1;
      if (keep_events) label[v] = labels++;
      arg_depth[v] = ++d;
    }
  } else {
    for (std::uint32_t v : ctx.preload()) store(v);
  }
  auto charge = [&](std::uint32_t v, std::uint64_t depth) {
    if (depth > max_depth)
      throw std::overflow_error("sutro::dmd::price: depth " + std::to_string(depth) + " x bytes_per_element " +
                                std::to_string(bytes_per_element) + " exceeds 2^40 (the cost would overflow)");
    const std::uint64_t c = detail::read_cost_unchecked(depth, bytes_per_element);
    if (__builtin_add_overflow(r.cost, c, &r.cost))
      throw std::overflow_error("sutro::dmd::price: the total cost overflows 64 bits");
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
        throw std::logic_error("sutro::dmd::price: value v" + std::to_string(v) +
                               " read but never defined or preloaded (an escape from the tracer)");
      charge(v, stack.depth(v));
    }
    for (std::uint32_t k = 0; k < I.count; ++k) {  // distinct inputs to the top, in read order
      const std::uint32_t v = in[I.first + k];
      if (seen[v] == t) continue;
      seen[v] = t;
      if (two_stack && arg_depth[v] != 0) arg_depth[v] = 0;  // promoted onto the LRU stack
      else stack.drop(v);
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
      if (arg_depth[v] != 0) charge(v, arg_depth[v]);
      else if (pos[v] != never) charge(v, stack.depth(v));
      else throw std::logic_error("sutro::dmd::price: result v" + std::to_string(v) + " was never defined");
    }
  }
  return r;
}

// --- arguments: plain values and containers become traced, in preload order
namespace detail {
struct arg_state {
  std::vector<std::uint32_t> order;                                       // preload, bottom first
  std::map<std::pair<const void*, std::type_index>, const void*> memo;  // container -> its traced copy
};
template <class X>
struct tracer {
  using type = X;  // unsupported argument type: no make()
};
template <class T>
  requires std::is_arithmetic_v<T>
struct tracer<T> {
  using type = traced<T>;
  static void make(const T& x, type& out, arg_state& st) {
    out = type::input(x);
    st.order.push_back(out.id());
  }
};
template <class T>
struct tracer<traced<T>> {
  using type = traced<T>;
  static void make(const traced<T>& x, type& out, arg_state& st) { tracer<T>::make(x.untraced_value(), out, st); }
};
/// Containers are tracked by identity, as the tool does for Python lists and
/// tuples: the same object met again (an argument passed twice, or a row passed
/// beside its matrix) is the same set of values, pushed once.
template <class X, class Build>
void once(const X& x, typename tracer<X>::type& out, arg_state& st, Build build) {
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
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (tracer<X>::make(std::get<I>(x), std::get<I>(out), st), ...);
      }(std::index_sequence_for<X...>{});
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

// --- results: every traced value in what f returned stays live to the end
template <class X>
concept tuple_like = requires { std::tuple_size<X>::value; };
template <class X>
void keep_results(const X& x, context& ctx) {
  if constexpr (traced_value<X>) {
    if (x.tracked() && x.serial() == ctx.serial()) ctx.keep_live(x.id());
  } else if constexpr (std::ranges::range<const X>) {
    for (const auto& e : x) keep_results(e, ctx);
  } else if constexpr (tuple_like<X>) {
    std::apply([&](const auto&... e) { (keep_results(e, ctx), ...); }, x);
  }
  // anything else (plain numbers, ...) holds no traced value
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
  std::tuple<typename tracer<Args>::type...> traced_args;
  arg_state st;
  const auto refs = std::forward_as_tuple(args...);
  if (opt.variant == bytedmd_variant::main) {
    // As the tool: the last argument is wrapped (pushed) first, so the first ends on top.
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      constexpr std::size_t N = sizeof...(Args);
      (tracer<std::tuple_element_t<N - 1 - I, std::tuple<Args...>>>::make(std::get<N - 1 - I>(refs),
                                                                        std::get<N - 1 - I>(traced_args), st),
       ...);
    }(std::index_sequence_for<Args...>{});
  } else {
    // The dev branch wraps the first argument first (static depths 1, 2, ...).
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (tracer<std::tuple_element_t<I, std::tuple<Args...>>>::make(std::get<I>(refs), std::get<I>(traced_args), st),
       ...);
    }(std::index_sequence_for<Args...>{});
  }
  ctx.set_preload(std::move(st.order));
  auto call = [&](auto&... xs) -> decltype(auto) { return std::forward<F>(f)(xs...); };
  if constexpr (std::is_void_v<decltype(std::apply(call, traced_args))>) {
    std::apply(call, traced_args);
  } else {
    decltype(auto) result = std::apply(call, traced_args);
    keep_results(result, ctx);
  }
  ctx.flush();
  return price(ctx, opt.bytes_per_element, opt.keep_events, opt.variant);
}
}  // namespace detail

/// Runs f on traced copies of args (preloaded as the rules say) and prices it;
/// the traced values in f's result (a traced<T>, or containers, pairs and
/// tuples of them, nested) stay live to the end.
template <class F, class... Args>
bytedmd_result bytedmd(bytedmd_options opt, F&& f, const Args&... args) {
  return detail::run(opt, std::forward<F>(f), args...);
}
template <class F, class... Args>
  requires(!std::same_as<std::remove_cvref_t<F>, bytedmd_options>)
bytedmd_result bytedmd(F&& f, const Args&... args) {
  return bytedmd(bytedmd_options{}, std::forward<F>(f), args...);
}

/// The inspection listing: one line per instruction, each read with its depth and cost.
inline std::string listing(const bytedmd_result& r) {
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

}  // namespace sutro::dmd
