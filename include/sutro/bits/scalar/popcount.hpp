#pragma once
// Reference kernel: one word at a time.

#include <bit>
#include <cstddef>
#include <cstdint>

#include "sutro/backend/tags.hpp"

namespace sutro::bits::kernels {

template <class Op>
std::uint64_t op_popcount(scalar, Op op, const std::uint64_t* a, const std::uint64_t* b, std::size_t n) noexcept {
  std::uint64_t total = 0;
  for (std::size_t i = 0; i < n; ++i) total += static_cast<std::uint64_t>(std::popcount(op(a[i], b[i])));
  return total;
}

}  // namespace sutro::bits::kernels
