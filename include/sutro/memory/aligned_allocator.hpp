#pragma once
// aligned_allocator<T, Alignment>: a stateless standard allocator returning
// memory aligned to `Alignment` bytes (64 by default: one cache line, one
// AVX-512 register). The library's host containers allocate through it.
//
//   std::vector<std::uint64_t, sutro::memory::aligned_allocator<std::uint64_t>> words(n);
//   assert(reinterpret_cast<std::uintptr_t>(words.data()) % 64 == 0);

#include <cstddef>
#include <limits>
#include <new>

#include "sutro/backend/traits.hpp"

namespace sutro::memory {

template <class T, std::size_t Alignment = simd_alignment>
class aligned_allocator {
  static_assert(Alignment >= alignof(T), "alignment weaker than the type's own");
  static_assert((Alignment & (Alignment - 1)) == 0, "alignment must be a power of two");

 public:
  using value_type = T;
  using size_type = std::size_t;
  using difference_type = std::ptrdiff_t;
  using propagate_on_container_move_assignment = std::true_type;
  using is_always_equal = std::true_type;
  static constexpr std::size_t alignment = Alignment;

  template <class U>
  struct rebind {
    using other = aligned_allocator<U, Alignment>;
  };

  constexpr aligned_allocator() noexcept = default;
  template <class U>
  constexpr aligned_allocator(const aligned_allocator<U, Alignment>&) noexcept {}

  [[nodiscard]] T* allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
    return static_cast<T*>(::operator new (n * sizeof(T), std::align_val_t{Alignment}));
  }
  void deallocate(T* p, std::size_t n) noexcept {
#if defined(__cpp_sized_deallocation)
    ::operator delete (p, n * sizeof(T), std::align_val_t{Alignment});
#else  // clang enables sized deallocation only with -fsized-deallocation
    (void)n;
    ::operator delete (p, std::align_val_t{Alignment});
#endif
  }

  template <class U>
  friend constexpr bool operator==(const aligned_allocator&, const aligned_allocator<U, Alignment>&) noexcept {
    return true;
  }
};

}  // namespace sutro::memory
