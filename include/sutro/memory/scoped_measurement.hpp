#pragma once
// scoped_measurement: what a region of code allocated, and its peak.
//
//   sutro::memory::scoped_measurement region;         // counts default_stats()
//   run_experiment();
//   sutro::memory::region_usage used = region.finish();
//   std::printf("%llu bytes at peak\n", (unsigned long long)used.peak_bytes);
//
//   auto used2 = sutro::memory::measure([&] { run_experiment(); });
//
// Regions nest, overlap and may end in any order (the counter keeps each open
// region's peak); stats::reset() inside a region changes neither its counts nor
// its peak. Allocations by other threads into the same stats during the region are
// counted too (one racing with the region's start may land on either side): give
// a measured computation its own stats to isolate it. A region must end (be
// destroyed) before its stats, and stays where it was made: the counter links it.

#include <cstdint>
#include <utility>

#include "sutro/memory/stats.hpp"

namespace sutro::memory {

struct region_usage {
  std::uint64_t allocations = 0;
  std::uint64_t deallocations = 0;
  std::uint64_t bytes_allocated = 0;  ///< sum of the sizes of the region's allocations
  std::uint64_t peak_bytes = 0;       ///< highest bytes in use, above the start level
  std::int64_t net_bytes = 0;         ///< bytes in use at the end minus at the start
};

class scoped_measurement {
 public:
  explicit scoped_measurement(stats& counter = default_stats()) noexcept
      : counter_(&counter), start_(counter.open_region(link_)) {}
  scoped_measurement(const scoped_measurement&) = delete;
  scoped_measurement& operator=(const scoped_measurement&) = delete;
  scoped_measurement(scoped_measurement&&) = delete;  // the counter holds link_'s address
  scoped_measurement& operator=(scoped_measurement&&) = delete;
  ~scoped_measurement() {
    if (!finished_) finish();
  }

  /// Usage so far, without ending the region (after finish(): its usage).
  [[nodiscard]] region_usage current() const noexcept {
    if (finished_) return result_;
    const stats_snapshot now = counter_->region_now(link_);
    region_usage u;
    u.allocations = now.allocations - start_.allocations;
    u.deallocations = now.deallocations - start_.deallocations;
    u.bytes_allocated = now.total_bytes - start_.total_bytes;
    u.peak_bytes = now.peak_bytes > start_.bytes_in_use ? now.peak_bytes - start_.bytes_in_use : 0;
    u.net_bytes = static_cast<std::int64_t>(now.bytes_in_use) - static_cast<std::int64_t>(start_.bytes_in_use);
    return u;
  }

  /// Ends the region (once) and returns its usage; later calls return the same.
  region_usage finish() noexcept {
    if (!finished_) {
      result_ = current();
      counter_->close_region(link_);
      finished_ = true;
    }
    return result_;
  }

 private:
  stats* counter_;
  stats::region_link link_;
  stats_snapshot start_;
  region_usage result_{};
  bool finished_ = false;
};

/// Runs `f()` and returns what it allocated from `counter`.
template <class F>
region_usage measure(F&& f, stats& counter = default_stats()) {
  scoped_measurement region{counter};
  std::forward<F>(f)();
  return region.finish();
}

}  // namespace sutro::memory
