#pragma once
// The LRU stack every stack-based ByteDMD variant walks: depth of a value in
// O(log live), push to the top, drop.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sutro/dmd/context.hpp"

namespace sutro::dmd::detail {

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

}  // namespace sutro::dmd::detail
