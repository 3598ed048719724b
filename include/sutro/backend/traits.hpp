#pragma once
// backend_traits<B>: what the rest of the library needs to know about a
// backend tag (memory space, default allocator, whether it can run in this
// build). default_backend: the best backend compiled in.
//
//   using B = sutro::default_backend;                       // simd if xsimd, else scalar
//   static_assert(sutro::backend_traits<B>::available);
//   std::vector<std::uint64_t, sutro::backend_allocator_t<B, std::uint64_t>> words(n);

#include <cstddef>
#include <type_traits>

#include "sutro/backend/tags.hpp"
#include "sutro/config/macros.hpp"

namespace sutro {

/// Alignment of every buffer the library allocates on the host: one cache
/// line, which is also the widest SIMD register (AVX-512).
inline constexpr std::size_t simd_alignment = 64;

namespace memory {
// Declared here, defined in sutro/memory: the traits name them without
// making the backend layer depend on the memory layer.
template <class T, std::size_t Alignment>
class aligned_allocator;
template <class T, class Upstream>
class accounting_allocator;
template <class T>
class device_allocator;
}  // namespace memory

/// Primary template left undefined: an unknown tag is a compile error.
template <class Backend>
struct backend_traits;

template <>
struct backend_traits<scalar> {
  using memory_space = host_space;
  template <class T>
  using allocator = memory::accounting_allocator<T, memory::aligned_allocator<T, simd_alignment>>;
  static constexpr bool available = true;
};

template <class Arch>
struct backend_traits<simd_on<Arch>> : backend_traits<scalar> {
  static constexpr bool available = SUTRO_SIMD_ENABLED != 0;
};

template <>
struct backend_traits<cuda> {
  using memory_space = device_space;
  template <class T>
  using allocator = memory::device_allocator<T>;
  /// True only in translation units compiled by nvcc.
  static constexpr bool available = SUTRO_COMPILING_CUDA != 0;
};

/// The best host backend of this build: simd when xsimd is available.
using default_backend = std::conditional_t<SUTRO_SIMD_ENABLED != 0, simd, scalar>;

template <class Backend, class T>
using backend_allocator_t = typename backend_traits<Backend>::template allocator<T>;

template <class Backend>
inline constexpr bool is_host_backend_v = std::is_same_v<typename backend_traits<Backend>::memory_space, host_space>;

/// A backend tag: anything with a backend_traits specialization.
template <class B>
concept backend = requires {
  typename backend_traits<B>::memory_space;
};

}  // namespace sutro
