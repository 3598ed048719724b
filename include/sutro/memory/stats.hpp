#pragma once
// memory::stats: thread-safe allocation counters shared by the accounting
// allocator and the pmr adaptor.
//
//   sutro::memory::stats counter;
//   std::vector<int, sutro::memory::accounting_allocator<int>> v(counter);
//   v.resize(1000);
//   counter.snapshot().bytes_in_use;   // 4000

#include <algorithm>
#include <atomic>
#include <cassert>
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
  /// Every scoped_measurement on this counter must end before it: the counter
  /// links the open ones.
  ~stats() { assert(newest_ == nullptr && "sutro::memory::stats destroyed while a scoped_measurement is open"); }

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

  // Regions count from these, which reset() leaves alone: monotonic counts,
  // and region_peak_, the peak since the newest open region began. Each older
  // open region keeps the peak of its own stretch, from its start to the next
  // region's start, so a region's peak is the largest of its stretch, every
  // newer one's and region_peak_. Regions may end in any order (two threads
  // sharing a counter): an ending region's stretch joins the next older one.
  struct region_link {
    region_link* older = nullptr;
    region_link* newer = nullptr;
    std::uint64_t stretch_peak = 0;
  };
  [[nodiscard]] stats_snapshot lifetime() const noexcept {
    return {allocations_.load(std::memory_order_relaxed), deallocations_.load(std::memory_order_relaxed),
            in_use_.load(std::memory_order_relaxed), region_peak_.load(std::memory_order_relaxed),
            total_bytes_.load(std::memory_order_relaxed)};
  }
  /// Opens `r` and returns the counters at its start.
  stats_snapshot open_region(region_link& r) noexcept {
    const region_guard g(*this);
    stats_snapshot start = lifetime();
    const std::uint64_t before = region_peak_.exchange(start.bytes_in_use, std::memory_order_relaxed);
    if (newest_ != nullptr) newest_->stretch_peak = before;
    r.older = newest_;
    r.newer = nullptr;
    if (newest_ != nullptr) newest_->newer = &r;
    newest_ = &r;
    return start;
  }
  /// The counters now, with the peak since `r`, open, began.
  [[nodiscard]] stats_snapshot region_now(const region_link& r) const noexcept {
    const region_guard g(*this);
    stats_snapshot now = lifetime();
    for (const region_link* n = &r; n != newest_; n = n->newer)
      now.peak_bytes = std::max(now.peak_bytes, n->stretch_peak);
    return now;
  }
  void close_region(region_link& r) noexcept {
    const region_guard g(*this);
    if (&r == newest_) {
      if (r.older != nullptr) raise(region_peak_, r.older->stretch_peak);
      newest_ = r.older;
    } else {
      if (r.older != nullptr) r.older->stretch_peak = std::max(r.older->stretch_peak, r.stretch_peak);
      r.newer->older = r.older;
    }
    if (r.older != nullptr) r.older->newer = r.newer;
    r.older = r.newer = nullptr;
  }
  // Regions open and close rarely: a spin lock, which cannot throw.
  class region_guard {
   public:
    explicit region_guard(const stats& s) noexcept : lock_(s.region_lock_) {
      while (lock_.test_and_set(std::memory_order_acquire)) lock_.wait(true, std::memory_order_relaxed);
    }
    region_guard(const region_guard&) = delete;
    region_guard& operator=(const region_guard&) = delete;
    ~region_guard() {
      lock_.clear(std::memory_order_release);
      lock_.notify_one();
    }

   private:
    std::atomic_flag& lock_;
  };
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
  mutable std::atomic_flag region_lock_ = ATOMIC_FLAG_INIT;
  region_link* newest_ = nullptr;
};

/// The process-wide counter used by default-constructed accounting allocators,
/// and so by every library container unless told otherwise.
inline stats& default_stats() noexcept {
  static stats instance;
  return instance;
}

}  // namespace sutro::memory
