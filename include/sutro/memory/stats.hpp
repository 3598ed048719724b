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
    raise(peak_, now);
    raise(region_peak_, now);
  }

  void record_deallocation(std::size_t bytes) noexcept {
    deallocations_.fetch_add(1, std::memory_order_relaxed);
    in_use_.fetch_sub(bytes, std::memory_order_relaxed);
  }

  /// The counters since construction or the last reset().
  [[nodiscard]] stats_snapshot snapshot() const noexcept {
    // Each base is read before its counter (acquire, paired with reset()'s
    // release), so a reset() racing with this call cannot make the difference
    // wrap; the counters only grow.
    const auto since = [](const std::atomic<std::uint64_t>& base, const std::atomic<std::uint64_t>& counter) {
      const std::uint64_t b = base.load(std::memory_order_acquire);
      const std::uint64_t c = counter.load(std::memory_order_relaxed);
      return c >= b ? c - b : 0;
    };
    return {since(reset_allocations_, allocations_), since(reset_deallocations_, deallocations_),
            in_use_.load(std::memory_order_relaxed), peak_.load(std::memory_order_relaxed),
            since(reset_total_bytes_, total_bytes_)};
  }

  /// Zeroes every counter except bytes_in_use (live blocks stay live); the
  /// peak restarts from the bytes in use. A scoped_measurement open across the
  /// reset still reports its whole region.
  void reset() noexcept {
    reset_allocations_.store(allocations_.load(std::memory_order_relaxed), std::memory_order_release);
    reset_deallocations_.store(deallocations_.load(std::memory_order_relaxed), std::memory_order_release);
    reset_total_bytes_.store(total_bytes_.load(std::memory_order_relaxed), std::memory_order_release);
    peak_.store(in_use_.load(std::memory_order_relaxed), std::memory_order_relaxed);
  }

 private:
  friend class scoped_measurement;

  // Regions count from these, which reset() leaves alone: monotonic counts
  // and a peak of their own that a region lowers on entry and raises back on
  // exit.
  [[nodiscard]] stats_snapshot lifetime() const noexcept {
    return {allocations_.load(std::memory_order_relaxed), deallocations_.load(std::memory_order_relaxed),
            in_use_.load(std::memory_order_relaxed), region_peak_.load(std::memory_order_relaxed),
            total_bytes_.load(std::memory_order_relaxed)};
  }
  std::uint64_t exchange_region_peak(std::uint64_t value) noexcept {
    return region_peak_.exchange(value, std::memory_order_relaxed);
  }
  void raise_region_peak(std::uint64_t candidate) noexcept { raise(region_peak_, candidate); }
  static void raise(std::atomic<std::uint64_t>& peak, std::uint64_t candidate) noexcept {
    std::uint64_t seen = peak.load(std::memory_order_relaxed);
    while (candidate > seen && !peak.compare_exchange_weak(seen, candidate, std::memory_order_relaxed)) {
    }
  }

  std::atomic<std::uint64_t> allocations_{0};
  std::atomic<std::uint64_t> deallocations_{0};
  std::atomic<std::uint64_t> in_use_{0};
  std::atomic<std::uint64_t> peak_{0};
  std::atomic<std::uint64_t> region_peak_{0};
  std::atomic<std::uint64_t> total_bytes_{0};
  std::atomic<std::uint64_t> reset_allocations_{0};
  std::atomic<std::uint64_t> reset_deallocations_{0};
  std::atomic<std::uint64_t> reset_total_bytes_{0};
};

/// The process-wide counter used by default-constructed accounting allocators,
/// and so by every library container unless told otherwise.
inline stats& default_stats() noexcept {
  static stats instance;
  return instance;
}

}  // namespace sutro::memory
