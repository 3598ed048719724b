#pragma once
// The ByteDMD price of one read and the priced result every variant returns.
// A b-byte value read at element depth d costs the sum of ceil(sqrt(j)) over
// its bytes' depths j = (d-1)b+1 .. db (the group's rule; b = 1: ceil(sqrt(d))).
//
//   sutro::metrics::dmd::read_cost(5, 1);                  // 3
//   sutro::metrics::dmd::trace_cost({1, 2, 3}, 4);          // the tool's trace_to_bytedmd

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sutro/metrics/dmd/context.hpp"

namespace sutro::metrics::dmd {

namespace detail {
/// ceil(sqrt(d)) for the shallow depths most reads hit: a table in L1 beats
/// the square root's latency.
inline constexpr std::size_t shallow_depths = 4096;
inline constexpr auto shallow_ceil_sqrt = [] {
  std::array<std::uint8_t, shallow_depths + 1> t{};
  for (std::size_t d = 1, r = 1; d <= shallow_depths; ++d) {
    while (r * r < d) ++r;
    t[d] = static_cast<std::uint8_t>(r);
  }
  return t;
}();
}  // namespace detail

/// ceil(sqrt(n)), exact for every 64-bit n.
[[nodiscard]] inline std::uint64_t ceil_sqrt(std::uint64_t n) noexcept {
  if (n <= detail::shallow_depths) return detail::shallow_ceil_sqrt[n];
  // ceil(sqrt(n)) = floor(sqrt(n - 1)) + 1 for n >= 1.
  const std::uint64_t m = n - 1;
  // Below 2^52 the correctly rounded square root of an exact double never
  // crosses an integer, so floor(sqrt(m)) needs no correction.
  if (m < (std::uint64_t{1} << 52)) return static_cast<std::uint64_t>(std::sqrt(static_cast<double>(m))) + 1;
  // Above, double(m) is rounded (up to 2^64 itself, whose root 2^32 squares
  // to 0 in 64 bits): clamp to the largest root whose square fits, then fix
  // the rounding, which is off by a few at most.
  constexpr std::uint64_t top = 0xFFFF'FFFF;  // floor(sqrt(2^64 - 1))
  std::uint64_t r = std::min(static_cast<std::uint64_t>(std::sqrt(static_cast<double>(m))), top);
  while (r * r > m) --r;
  while (r < top && (r + 1) * (r + 1) <= m) ++r;
  return r + 1;
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
  if (bytes == 0)
    throw std::invalid_argument(std::string("sutro::metrics::dmd::") + who + ": bytes_per_element must be >= 1");
  if (bytes > max_byte_depth)
    throw std::overflow_error(std::string("sutro::metrics::dmd::") + who + ": bytes_per_element = " +
                              std::to_string(bytes) + " overflows the 64-bit cost (depth x bytes must stay <= 2^40)");
}
}  // namespace detail

/// Cost of reading a `bytes`-byte value at element depth `depth` (>= 1).
/// Throws std::overflow_error when depth x bytes exceeds max_byte_depth.
[[nodiscard]] inline std::uint64_t read_cost(std::uint64_t depth, std::uint64_t bytes) {
  detail::check_bytes(bytes, "read_cost");
  if (depth == 0) throw std::invalid_argument("sutro::metrics::dmd::read_cost: depth must be >= 1");
  if (depth > max_byte_depth / bytes)
    throw std::overflow_error(
        "sutro::metrics::dmd::read_cost: depth x bytes_per_element exceeds 2^40 (the cost would overflow)");
  return detail::read_cost_unchecked(depth, bytes);
}
/// The tool's trace_to_bytedmd: the cost of a depth trace at `bytes` bytes per element.
[[nodiscard]] inline std::uint64_t trace_cost(const std::vector<std::uint64_t>& depths, std::uint64_t bytes) {
  std::uint64_t c = 0;
  for (std::uint64_t d : depths)
    if (__builtin_add_overflow(c, read_cost(d, bytes), &c))
      throw std::overflow_error("sutro::metrics::dmd::trace_cost: the total cost overflows 64 bits");
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
  std::uint32_t inputs = 0;    ///< preloaded values
  std::uint32_t results = 0;   ///< values kept live to the end (what f returned)
  std::uint32_t max_live = 0;  ///< the largest stack depth reached
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

}  // namespace sutro::metrics::dmd
