#pragma once
// ByteDMD, the group's metric: an idealized processor on an LRU stack of
// values; only reads cost; a b-byte value at depth d costs
// sum_{j=(d-1)b+1}^{db} ceil(sqrt(j)). The function runs once against
// traced<T> (recording), then the log is priced in a second pass.
//
//   using sutro::dmd::traced;
//   auto dot = [](const std::vector<traced<double>>& a, const std::vector<traced<double>>& b) {
//     auto s = a[0] * b[0];
//     for (std::size_t i = 1; i < a.size(); ++i) s = s + a[i] * b[i];
//     return s;
//   };
//   auto r = sutro::dmd::bytedmd(dot, std::vector{1.0, 2.0}, std::vector{3.0, 4.0});
//   r.cost;        // 11
//   r.depths();    // {2, 4, 2, 3, 2, 1}
//   std::cout << sutro::dmd::listing(r);   // every instruction with depths and costs
//
// Rules (docs/metrics.md): arguments are preloaded, the first argument ends
// on top and elements of one argument are pushed in order (nested containers
// flattened row by row); an instruction prices all its inputs against the
// stack before it; then its distinct inputs move to the top in read order,
// inputs read for the last time are removed, and the output is pushed free.
// A value that is never read (a result, an unused input) has no last use, so
// it stays on the stack: that is the reading that reproduces every published
// value (dropping unread results gives 25 instead of 26 for matvec N = 2).

#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <ostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
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
/// sum_{j=1}^{n} ceil(sqrt(j)), exact.
[[nodiscard]] inline std::uint64_t ceil_sqrt_prefix(std::uint64_t n) noexcept {
  if (n == 0) return 0;
  const std::uint64_t m = ceil_sqrt(n);
  const std::uint64_t M = m - 1;  // full blocks k = 1..M, block k has 2k-1 terms of value k
  const std::uint64_t full = M * (M + 1) * (2 * M + 1) / 3 - M * (M + 1) / 2;
  return full + m * (n - M * M);
}
/// Cost of reading a `bytes`-byte value at element depth `depth` (>= 1).
[[nodiscard]] inline std::uint64_t read_cost(std::uint64_t depth, std::uint64_t bytes) noexcept {
  if (bytes == 1) return ceil_sqrt(depth);
  return ceil_sqrt_prefix(depth * bytes) - ceil_sqrt_prefix((depth - 1) * bytes);
}

struct read_event {
  std::uint32_t value;
  std::uint64_t depth;
  std::uint64_t cost;
};
struct priced_instruction {
  const char* op;
  std::vector<read_event> reads;
  std::uint32_t output;  ///< no_value for a plain read (branch, conversion)
};

struct bytedmd_result {
  std::uint64_t cost = 0;
  std::uint64_t bytes_per_element = 1;
  std::uint32_t inputs = 0;  ///< preloaded values
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

/// Prices a recorded context (the second pass). O(log V) per read.
[[nodiscard]] inline bytedmd_result price(const context& ctx, std::uint64_t bytes_per_element = 1,
                                          bool keep_events = true) {
  if (bytes_per_element == 0) throw std::invalid_argument("dmd::price: bytes_per_element must be >= 1");
  const auto& ins = ctx.instructions();
  const auto& in = ctx.inputs();
  const std::uint32_t V = ctx.values();
  constexpr std::uint32_t never = no_value;
  std::vector<std::uint32_t> last_use(V, never), pos(V, never), seen(V, never);
  for (std::uint32_t t = 0; t < ins.size(); ++t)
    for (std::uint32_t k = 0; k < ins[t].count; ++k) last_use[in[ins[t].first + k]] = t;

  // Bitmap over push times (1 = the latest time of a value on the stack),
  // with a Fenwick tree over its 64-bit words' popcounts.
  const std::size_t slots = ctx.preload().size() + in.size() + ins.size() + 1;
  std::vector<std::uint64_t> bits(slots / 64 + 1, 0);
  std::vector<std::uint32_t> tree(bits.size() + 1, 0);
  std::size_t now = 0;
  std::uint64_t live = 0;
  auto add_word = [&](std::size_t w, std::uint32_t d) {
    for (std::size_t i = w + 1; i < tree.size(); i += i & (~i + 1)) tree[i] += d;
  };
  auto prefix = [&](std::size_t p) {  // marks at slots <= p
    std::uint64_t s = static_cast<std::uint64_t>(std::popcount(bits[p >> 6] << (63 - (p & 63))));
    for (std::size_t i = p >> 6; i > 0; i &= i - 1) s += tree[i];
    return s;
  };
  auto push = [&](std::uint32_t v) {
    pos[v] = static_cast<std::uint32_t>(now);
    bits[now >> 6] |= std::uint64_t{1} << (now & 63);
    add_word(now >> 6, 1);
    ++now;
    ++live;
  };
  auto drop = [&](std::uint32_t v) {
    bits[pos[v] >> 6] &= ~(std::uint64_t{1} << (pos[v] & 63));
    add_word(pos[v] >> 6, std::uint32_t(-1));
    pos[v] = never;
    --live;
  };

  bytedmd_result r;
  r.bytes_per_element = bytes_per_element;
  r.inputs = static_cast<std::uint32_t>(ctx.preload().size());
  for (std::uint32_t v : ctx.preload()) {
    if (pos[v] != never) throw std::invalid_argument("dmd::price: value preloaded twice");
    push(v);
  }
  if (keep_events) r.events.reserve(ins.size());
  for (std::uint32_t t = 0; t < ins.size(); ++t) {
    const instruction& I = ins[t];
    if (keep_events) r.events.push_back({I.op, {}, I.output});
    for (std::uint32_t k = 0; k < I.count; ++k) {
      const std::uint32_t v = in[I.first + k];
      if (pos[v] == never)
        throw std::logic_error("dmd::price: value v" + std::to_string(v) +
                               " read but never defined or preloaded (an escape from the tracer)");
      const std::uint64_t depth = live - prefix(pos[v]) + 1;
      const std::uint64_t c = read_cost(depth, bytes_per_element);
      r.cost += c;
      if (keep_events) r.events.back().reads.push_back({v, depth, c});
    }
    for (std::uint32_t k = 0; k < I.count; ++k) {  // distinct inputs to the top, in read order
      const std::uint32_t v = in[I.first + k];
      if (seen[v] == t) continue;
      seen[v] = t;
      drop(v);
      if (last_use[v] != t) push(v);
    }
    if (I.output != no_value) push(I.output);
  }
  return r;
}

// --- arguments: plain values and containers become traced, in preload order
namespace detail {
template <class X>
struct tracer {
  using type = X;
};
template <class T>
  requires std::is_arithmetic_v<T>
struct tracer<T> {
  using type = traced<T>;
  static type make(const T& x, std::vector<std::uint32_t>& order) {
    type t = type::input(x);
    order.push_back(t.id());
    return t;
  }
};
template <class T>
struct tracer<traced<T>> {
  using type = traced<T>;
  static type make(const traced<T>& x, std::vector<std::uint32_t>& order) {
    return tracer<T>::make(x.untraced_value(), order);
  }
};
template <class X, class A>
struct tracer<std::vector<X, A>> {
  using type = std::vector<typename tracer<X>::type>;
  static type make(const std::vector<X, A>& x, std::vector<std::uint32_t>& order) {
    type out;
    out.reserve(x.size());
    for (const auto& e : x) out.push_back(tracer<X>::make(e, order));
    return out;
  }
};
template <class X, std::size_t N>
struct tracer<std::array<X, N>> {
  using type = std::array<typename tracer<X>::type, N>;
  static type make(const std::array<X, N>& x, std::vector<std::uint32_t>& order) {
    type out;
    for (std::size_t i = 0; i < N; ++i) out[i] = tracer<X>::make(x[i], order);
    return out;
  }
};
}  // namespace detail

struct bytedmd_options {
  std::uint64_t bytes_per_element = 1;
  bool keep_events = true;  ///< false: cost only (faster, no per-read log)
};

/// Runs f on traced copies of args (preloaded as the rules say) and prices it.
namespace detail {
template <class F, class... Args, std::size_t... I>
bytedmd_result run(bytedmd_options opt, F&& f, std::index_sequence<I...>, const Args&... args) {
  context ctx;
  std::vector<std::vector<std::uint32_t>> orders(sizeof...(Args));
  // Braced init: arguments are converted (given ids) left to right.
  std::tuple<typename tracer<Args>::type...> traced_args{tracer<Args>::make(args, orders[I])...};
  std::vector<std::uint32_t> preload;  // bottom first: last argument first
  for (std::size_t i = orders.size(); i-- > 0;) preload.insert(preload.end(), orders[i].begin(), orders[i].end());
  ctx.set_preload(std::move(preload));
  std::apply([&](auto&... xs) { (void)std::forward<F>(f)(xs...); }, traced_args);
  return price(ctx, opt.bytes_per_element, opt.keep_events);
}
}  // namespace detail

/// Runs f on traced copies of args (preloaded as the rules say) and prices it.
template <class F, class... Args>
bytedmd_result bytedmd(bytedmd_options opt, F&& f, const Args&... args) {
  return detail::run(opt, std::forward<F>(f), std::index_sequence_for<Args...>{}, args...);
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
     << " preloaded inputs v0..)\n";
  for (const auto& e : r.events) {
    std::uint64_t c = 0;
    if (e.output != no_value) os << "v" << e.output << " = ";
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
