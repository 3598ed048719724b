#pragma once
// Popcount reductions over packed 64-bit words, the smallest primitive that
// runs through every backend. xor_popcount is the Hamming distance of two bit
// strings; and_popcount's low bit is their GF(2) dot product.
//
//   std::vector<std::uint64_t> a = ..., b = ...;
//   auto d = sutro::bits::xor_popcount(sutro::default_backend{}, a, b);
//   bool dot = sutro::bits::and_popcount(sutro::scalar{}, a, b) & 1;
//
// With sutro::cuda the spans must hold device pointers and the calling
// translation unit must be compiled by nvcc.

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "sutro/backend/traits.hpp"
#include "sutro/bits/ops.hpp"
#include "sutro/bits/scalar/popcount.hpp"
#if SUTRO_SIMD_ENABLED
#include "sutro/bits/simd/popcount.hpp"
#endif
#if defined(__CUDACC__)
#include "sutro/bits/cuda/popcount.cuh"
#endif

namespace sutro::bits {
namespace detail {

template <class Backend, class Op>
std::uint64_t checked_op_popcount(Backend tag, Op op, std::span<const std::uint64_t> a,
                                  std::span<const std::uint64_t> b, const char* what) {
  static_assert(!std::is_same_v<typename backend_traits<Backend>::memory_space, device_space> || SUTRO_COMPILING_CUDA,
                "the cuda backend needs this translation unit compiled by nvcc");
  if (a.size() != b.size())
    throw std::invalid_argument(std::string("sutro::bits::") + what + ": spans differ in length (" +
                                std::to_string(a.size()) + " and " + std::to_string(b.size()) + " words)");
  return kernels::op_popcount(tag, op, a.data(), b.data(), a.size());
}

}  // namespace detail

/// Number of set bits of a XOR b (their Hamming distance).
/// Throws std::invalid_argument when the spans differ in length.
template <backend Backend>
std::uint64_t xor_popcount(Backend tag, std::span<const std::uint64_t> a, std::span<const std::uint64_t> b) {
  return detail::checked_op_popcount(tag, xor_op{}, a, b, "xor_popcount");
}

/// Number of set bits of a AND b; its low bit is the GF(2) dot product.
/// Throws std::invalid_argument when the spans differ in length.
template <backend Backend>
std::uint64_t and_popcount(Backend tag, std::span<const std::uint64_t> a, std::span<const std::uint64_t> b) {
  return detail::checked_op_popcount(tag, and_op{}, a, b, "and_popcount");
}

}  // namespace sutro::bits
