#pragma once
// block_cache: freed blocks of huge_page_bytes (2 MiB) or more, kept for reuse.
//
// A fresh block costs a page fault and a kernel-side clear per page on its
// first touch; an 8192^2 inverse allocates several 8 MiB blocks, and on a
// virtual machine those faults took a fifth of its time. aligned_allocator
// hands a freed large block to this cache, and the next request of the same
// rounded size takes it back without asking the system. M4RI keeps a cache of
// the same kind (its mmc, 16 blocks each up to the L3 size).
//
//   sutro::memory::set_block_cache_limit(0);          // off: every block goes back at once
//   sutro::memory::set_block_cache_limit(1ull << 30);  // keep up to 1 GiB of freed blocks
//   sutro::memory::release_block_cache();             // hand the kept blocks back now
//
// Accounting is unaffected: accounting_allocator counts above this layer, so a
// kept block counts as freed. Process memory (RSS) stays up to the limit
// higher; a large allocation that fails hands the kept blocks back and tries
// once more. Under AddressSanitizer the default limit is 0, so use after free
// is still caught; a test may turn the cache on there explicitly.

#include <cstddef>
#include <mutex>
#include <new>

#include "sutro/config/macros.hpp"

namespace sutro::memory {

/// What the cache holds now, and how often it has answered.
struct block_cache_info {
  std::size_t blocks = 0;  ///< freed blocks held
  std::size_t bytes = 0;   ///< their total size
  std::size_t limit = 0;   ///< most bytes it may hold
  std::size_t hits = 0;    ///< requests answered with a held block
  std::size_t misses = 0;  ///< large requests that went to the system
};

namespace detail {

class block_cache {
 public:
  static constexpr std::size_t max_blocks = 16;
#if SUTRO_ADDRESS_SANITIZER
  static constexpr std::size_t default_limit = 0;
#else
  static constexpr std::size_t default_limit = std::size_t{256} << 20;
#endif

  /// Never destroyed: containers with static storage may free blocks after main returns.
  static block_cache& instance() {
    static block_cache* cache = new block_cache;
    return *cache;
  }

  /// A held block of exactly `bytes` at `align`, or null.
  [[nodiscard]] void* take(std::size_t bytes, std::size_t align) noexcept {
    const std::lock_guard<std::mutex> lock(mutex_);
    for (std::size_t i = count_; i-- > 0;)
      if (kept_[i].bytes == bytes && kept_[i].align == align) {
        void* p = kept_[i].p;
        held_ -= bytes;
        for (std::size_t j = i + 1; j < count_; ++j) kept_[j - 1] = kept_[j];
        --count_;
        ++hits_;
        return p;
      }
    ++misses_;
    return nullptr;
  }

  /// Keeps the block (true), evicting the oldest ones to make room, or
  /// leaves it to the caller (false) when it is over the limit by itself.
  bool keep(void* p, std::size_t bytes, std::size_t align) noexcept {
    entry evicted[max_blocks];
    std::size_t n_evicted = 0;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (bytes > limit_) return false;
      n_evicted = evict_oldest(evicted, [&] { return count_ == max_blocks || held_ + bytes > limit_; });
      kept_[count_++] = entry{p, bytes, align};
      held_ += bytes;
    }
    free_blocks(evicted, n_evicted);
    return true;
  }

  void set_limit(std::size_t bytes) noexcept {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      limit_ = bytes;
    }
    trim_to_limit();
  }

  void release() noexcept {
    entry all[max_blocks];
    std::size_t n = 0;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      n = evict_oldest(all, [] { return true; });
    }
    free_blocks(all, n);
  }

  [[nodiscard]] block_cache_info info() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return {count_, held_, limit_, hits_, misses_};
  }

 private:
  struct entry {
    void* p = nullptr;
    std::size_t bytes = 0;
    std::size_t align = 0;
  };

  // Outside the lock: the system's free may take a while for a large block.
  static void free_blocks(const entry* blocks, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
#if defined(__cpp_sized_deallocation)
      ::operator delete (blocks[i].p, blocks[i].bytes, std::align_val_t{blocks[i].align});
#else
      ::operator delete (blocks[i].p, std::align_val_t{blocks[i].align});
#endif
    }
  }

  /// With the lock held: moves the oldest blocks into `out` while `over()`
  /// says the cache holds too much; returns how many.
  template <class Over>
  std::size_t evict_oldest(entry (&out)[max_blocks], Over over) noexcept {
    std::size_t n = 0;
    while (count_ > 0 && over()) {
      out[n++] = kept_[0];
      held_ -= kept_[0].bytes;
      for (std::size_t j = 1; j < count_; ++j) kept_[j - 1] = kept_[j];
      --count_;
    }
    return n;
  }

  void trim_to_limit() noexcept {
    entry evicted[max_blocks];
    std::size_t n = 0;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      n = evict_oldest(evicted, [&] { return held_ > limit_; });
    }
    free_blocks(evicted, n);
  }

  mutable std::mutex mutex_;
  entry kept_[max_blocks];  // oldest first
  std::size_t count_ = 0;
  std::size_t held_ = 0;
  std::size_t limit_ = default_limit;
  std::size_t hits_ = 0;
  std::size_t misses_ = 0;
};

}  // namespace detail

/// The most bytes of freed large blocks kept for reuse (0 turns the cache
/// off); lowering it hands the excess back at once. Default 256 MiB (0 under
/// AddressSanitizer).
inline void set_block_cache_limit(std::size_t bytes) noexcept { detail::block_cache::instance().set_limit(bytes); }

/// Hands every kept block back to the system; the limit stays.
inline void release_block_cache() noexcept { detail::block_cache::instance().release(); }

/// The cache's contents, limit and counters.
[[nodiscard]] inline block_cache_info block_cache_state() { return detail::block_cache::instance().info(); }

}  // namespace sutro::memory
