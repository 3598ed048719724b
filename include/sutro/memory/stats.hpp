#pragma once
// memory::stats: thread-safe allocation counters shared by the accounting
// allocator and the pmr adaptor.
//
//   sutro::memory::stats counter;
//   std::vector<int, sutro::memory::accounting_allocator<int>> v(counter);
//   v.resize(1000);
//   counter.snapshot().bytes_in_use;   // 4000

#include <atomic>
#include <cstddef>
#include <cstdint>

namespace sutro::memory {

/// A consistent-enough copy of the counters (each field is read atomically).
struct stats_snapshot {
  std::uint64_t allocations = 0;
  std::uint64_t deallocations = 0;
  std::uint64_t bytes_in_use = 0;
  std::uint64_t peak_bytes = 0;
  std::uint64_t total_bytes = 0;  ///< sum of all bytes ever allocated
};

class stats {
 public:
  stats() = default;
  stats(const stats&) = delete;
  stats& operator=(const stats&) = delete;

  void record_allocation(std::size_t bytes) noexcept {
    allocations_.fetch_add(1, std::memory_order_relaxed);
    total_bytes_.fetch_add(bytes, std::memory_order_relaxed);
    const std::uint64_t now = in_use_.fetch_add(bytes, std::memory_order_relaxed) + bytes;
    raise_peak(now);
  }

  void record_deallocation(std::size_t bytes) noexcept {
    deallocations_.fetch_add(1, std::memory_order_relaxed);
    in_use_.fetch_sub(bytes, std::memory_order_relaxed);
  }

  [[nodiscard]] stats_snapshot snapshot() const noexcept {
    return {allocations_.load(std::memory_order_relaxed), deallocations_.load(std::memory_order_relaxed),
            in_use_.load(std::memory_order_relaxed), peak_.load(std::memory_order_relaxed),
            total_bytes_.load(std::memory_order_relaxed)};
  }

  /// Zeroes every counter except bytes_in_use (live blocks stay live); the
  /// peak restarts from the bytes in use.
  void reset() noexcept {
    allocations_.store(0, std::memory_order_relaxed);
    deallocations_.store(0, std::memory_order_relaxed);
    total_bytes_.store(0, std::memory_order_relaxed);
    peak_.store(in_use_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  }

  /// Replaces the peak and returns the old one; used by scoped_measurement to
  /// observe the peak of a region and then restore the enclosing one.
  std::uint64_t exchange_peak(std::uint64_t value) noexcept { return peak_.exchange(value, std::memory_order_relaxed); }
  void raise_peak(std::uint64_t candidate) noexcept {
    std::uint64_t seen = peak_.load(std::memory_order_relaxed);
    while (candidate > seen && !peak_.compare_exchange_weak(seen, candidate, std::memory_order_relaxed)) {
    }
  }

 private:
  std::atomic<std::uint64_t> allocations_{0};
  std::atomic<std::uint64_t> deallocations_{0};
  std::atomic<std::uint64_t> in_use_{0};
  std::atomic<std::uint64_t> peak_{0};
  std::atomic<std::uint64_t> total_bytes_{0};
};

/// The process-wide counter used by default-constructed accounting allocators,
/// and so by every library container unless told otherwise.
inline stats& default_stats() noexcept {
  static stats instance;
  return instance;
}

}  // namespace sutro::memory
