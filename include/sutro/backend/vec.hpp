#pragma once
// A fixed-width SIMD register of integers or floats for the kernels that are
// compiled once per instruction-set level (sutro/backend/foreach_level.inl).
// It is a GCC/Clang vector extension: the compiler lowers each operation to
// the widest instructions of the function it is inlined into, so one kernel
// body becomes SSE2, AVX2 or AVX-512 code under the target pragma of its
// level. (xsimd's batches cannot do this: an xsimd architecture exists only in
// translation units compiled with its -m flags.) The API is the subset of
// xsimd::batch the kernels use.
//
//   using b = sutro::vec::batch<std::uint64_t, 64>;   // 8 lanes
//   (b::load_unaligned(x) ^ b::load_unaligned(y)).store_unaligned(x);
//
// Every member is always inlined: a 512-bit vector must never cross a call
// between functions compiled for different levels (their ABIs differ).

#include <cstddef>
#include <cstring>

#if defined(__GNUC__) || defined(__clang__)
#define SUTRO_VEC_INLINE [[gnu::always_inline]] inline
#define SUTRO_VEC_EXTENSIONS 1
#else
#define SUTRO_VEC_INLINE inline
#define SUTRO_VEC_EXTENSIONS 0
#endif

namespace sutro::vec {

#if defined(__GNUC__) && !defined(__clang__)
// Members of a 64-byte vector type defined outside an AVX-512 region draw
// GCC's note that such arguments change the ABI; they are always inlined into
// the region, so no such call exists.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

template <class T, std::size_t Bytes>
struct batch {
  static_assert(Bytes % sizeof(T) == 0 && Bytes >= sizeof(T),
                "sutro::vec::batch: Bytes must be a multiple of sizeof(T)");
  static constexpr std::size_t size = Bytes / sizeof(T);
#if SUTRO_VEC_EXTENSIONS
  typedef T register_type __attribute__((vector_size(Bytes)));
#else
  struct register_type {
    T lane[size];
  };
#endif
  register_type v;

  batch() = default;
  SUTRO_VEC_INLINE batch(T x) noexcept {  // broadcast, as xsimd's batch(T)
#if SUTRO_VEC_EXTENSIONS
    v = register_type{} + x;
#else
    for (std::size_t l = 0; l < size; ++l) v.lane[l] = x;
#endif
  }
  SUTRO_VEC_INLINE static batch from_register(const register_type& r) noexcept {
    batch b;
    b.v = r;
    return b;
  }

  SUTRO_VEC_INLINE static batch load_unaligned(const T* p) noexcept {
    batch b;
    std::memcpy(&b.v, p, Bytes);
    return b;
  }
  SUTRO_VEC_INLINE static batch load_aligned(const T* p) noexcept {
#if SUTRO_VEC_EXTENSIONS
    return from_register(*reinterpret_cast<const register_type*>(__builtin_assume_aligned(p, Bytes)));
#else
    return load_unaligned(p);
#endif
  }
  SUTRO_VEC_INLINE void store_unaligned(T* p) const noexcept { std::memcpy(p, &v, Bytes); }
  SUTRO_VEC_INLINE void store_aligned(T* p) const noexcept {
#if SUTRO_VEC_EXTENSIONS
    *reinterpret_cast<register_type*>(__builtin_assume_aligned(p, Bytes)) = v;
#else
    store_unaligned(p);
#endif
  }
  [[nodiscard]] SUTRO_VEC_INLINE T get(std::size_t lane) const noexcept {
#if SUTRO_VEC_EXTENSIONS
    return v[lane];
#else
    return v.lane[lane];
#endif
  }

#if SUTRO_VEC_EXTENSIONS
#define SUTRO_VEC_BINARY(op)                                                           \
  SUTRO_VEC_INLINE friend batch operator op(const batch& a, const batch& b) noexcept { \
    return from_register(a.v op b.v);                                                  \
  }
#else
#define SUTRO_VEC_BINARY(op)                                                           \
  SUTRO_VEC_INLINE friend batch operator op(const batch& a, const batch& b) noexcept { \
    batch r;                                                                           \
    for (std::size_t l = 0; l < size; ++l) r.v.lane[l] = a.v.lane[l] op b.v.lane[l];   \
    return r;                                                                          \
  }
#endif
  SUTRO_VEC_BINARY(+)
  SUTRO_VEC_BINARY(-)
  SUTRO_VEC_BINARY(*)
  SUTRO_VEC_BINARY(^)
  SUTRO_VEC_BINARY(&)
  SUTRO_VEC_BINARY(|)
  SUTRO_VEC_BINARY(<<)
  SUTRO_VEC_BINARY(>>)
#undef SUTRO_VEC_BINARY
};

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif

}  // namespace sutro::vec
