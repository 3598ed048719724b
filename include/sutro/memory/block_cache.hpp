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

#if defined(__SANITIZE_ADDRESS__)
#define SUTRO_DETAIL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SUTRO_DETAIL_ASAN 1
#endif
#endif

class block_cache {
 public:
  static constexpr std::size_t max_blocks = 16;
#if defined(SUTRO_DETAIL_ASAN)
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
      while (count_ > 0 && (count_ == max_blocks || held_ + bytes > limit_)) {
        evicted[n_evicted++] = kept_[0];
        held_ -= kept_[0].bytes;
        for (std::size_t j = 1; j < count_; ++j) kept_[j - 1] = kept_[j];
        --count_;
      }
      kept_[count_++] = entry{p, bytes, align};
      held_ += bytes;
    }
    for (std::size_t i = 0; i < n_evicted; ++i) free_block(evicted[i]);
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
      for (std::size_t i = 0; i < count_; ++i) all[n++] = kept_[i];
      count_ = 0;
      held_ = 0;
    }
    for (std::size_t i = 0; i < n; ++i) free_block(all[i]);
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

  static void free_block(const entry& e) noexcept {
#if defined(__cpp_sized_deallocation)
    ::operator delete (e.p, e.bytes, std::align_val_t{e.align});
#else
    ::operator delete (e.p, std::align_val_t{e.align});
#endif
  }

  void trim_to_limit() noexcept {
    entry evicted[max_blocks];
    std::size_t n = 0;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      while (count_ > 0 && held_ > limit_) {
        evicted[n++] = kept_[0];
        held_ -= kept_[0].bytes;
        for (std::size_t j = 1; j < count_; ++j) kept_[j - 1] = kept_[j];
        --count_;
      }
    }
    for (std::size_t i = 0; i < n; ++i) free_block(evicted[i]);
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
