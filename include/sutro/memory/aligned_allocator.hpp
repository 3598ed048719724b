#pragma once
// aligned_allocator<T, Alignment>: a stateless standard allocator returning
// memory aligned to `Alignment` bytes (64 by default: one cache line, one
// AVX-512 register). The library's host containers allocate through it.
//
// Blocks of huge_page_bytes (2 MiB) or more start on a 2 MiB boundary and, on
// Linux, are advised to be backed by transparent huge pages: a fresh 8 MiB
// matrix otherwise takes 2048 page faults on first touch, which on a virtual
// machine cost about as much as transposing it. Such blocks are rounded up to
// whole huge pages, and a freed one is kept for the next request of its size
// (block_cache.hpp), so repeated operations skip the faults altogether.
//
//   std::vector<std::uint64_t, sutro::memory::aligned_allocator<std::uint64_t>> words(n);
//   assert(reinterpret_cast<std::uintptr_t>(words.data()) % 64 == 0);

#include <cstddef>
#include <limits>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "sutro/backend/traits.hpp"
#include "sutro/memory/block_cache.hpp"

namespace sutro::memory {

/// The size from which aligned_allocator asks for transparent huge pages.
inline constexpr std::size_t huge_page_bytes = std::size_t{1} << 21;

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

  /// The alignment a block of `bytes` gets: Alignment, or huge_page_bytes from that size on.
  [[nodiscard]] static constexpr std::size_t alignment_for(std::size_t bytes) noexcept {
    return bytes >= huge_page_bytes && Alignment < huge_page_bytes ? huge_page_bytes : Alignment;
  }

  /// The bytes actually reserved for `bytes`: whole huge pages from huge_page_bytes on
  /// (left as they are where rounding would pass the largest object size).
  [[nodiscard]] static constexpr std::size_t block_bytes(std::size_t bytes) noexcept {
    constexpr auto largest = static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max());
    if (bytes < huge_page_bytes || bytes > largest - huge_page_bytes) return bytes;
    return (bytes + huge_page_bytes - 1) / huge_page_bytes * huge_page_bytes;
  }

  [[nodiscard]] T* allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t align = alignment_for(n * sizeof(T));
    const std::size_t bytes = block_bytes(n * sizeof(T));
    if (align >= huge_page_bytes)
      if (void* kept = detail::block_cache::instance().take(bytes, align)) return static_cast<T*>(kept);
    void* p = nullptr;
    try {
      p = ::operator new (bytes, std::align_val_t{align});
    } catch (const std::bad_alloc&) {
      // The kept blocks may be what stands in the way (an address-space or cgroup limit).
      if (align < huge_page_bytes || detail::block_cache::instance().info().blocks == 0) throw;
      detail::block_cache::instance().release();
      p = ::operator new (bytes, std::align_val_t{align});
    }
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (align >= huge_page_bytes) (void)::madvise(p, bytes, MADV_HUGEPAGE);  // a hint: failure is harmless
#endif
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    const std::size_t align = alignment_for(n * sizeof(T));
    const std::size_t bytes = block_bytes(n * sizeof(T));
    if (align >= huge_page_bytes && detail::block_cache::instance().keep(p, bytes, align)) return;
#if defined(__cpp_sized_deallocation)
    ::operator delete (p, bytes, std::align_val_t{align});
#else  // clang enables sized deallocation only with -fsized-deallocation
    ::operator delete (p, std::align_val_t{align});
#endif
  }

  template <class U>
  friend constexpr bool operator==(const aligned_allocator&, const aligned_allocator<U, Alignment>&) noexcept {
    return true;
  }
};

}  // namespace sutro::memory
