#pragma once
// The "DMC" of the group's sparse-parity challenge evaluator
// (github.com/cybertronai/sparse-parity-challenge, bin/evaluate with
// src/sparse_parity/tracker.py's MemTracker): buffers are named; a clock
// advances by the size of every read and write; a read of a buffer costs
// size * sqrt(clock - clock at its last write). Reads never refresh a
// buffer (distance is time since the last write, not an LRU depth), and a
// read of a never-written buffer is not priced but still advances the clock.
//
//   sutro::metrics::dmd::clock_dmc t;
//   t.write("x", 10);          // clock 0 -> 10
//   t.read("x");               // size 10 (the last write's), distance 10; clock -> 20
//   t.read("x", 1);            // distance 20; clock -> 21
//   t.dmc();                   // 10 * sqrt(10) + 1 * sqrt(20)
//
// dmc() sums in event order as Python 3.12+ sum() does (Neumaier
// compensation; the challenge's CI runs 3.12); dmc_plain() as Python up to
// 3.11. buffer(name) interns a name once; calls by id skip the hashing.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sutro::metrics::dmd {

/// Per-buffer read statistics, as the tracker's summary()['per_buffer'].
struct clock_dmc_buffer_stats {
  std::uint64_t size = 0;        // the size of the buffer's first priced read
  std::uint64_t read_count = 0;  // priced reads
  std::uint64_t min_dist = 0, max_dist = 0;
  std::uint64_t sum_dist = 0;  // avg_dist = sum_dist / read_count
};

class clock_dmc {
  __extension__ typedef unsigned __int128 u128;  // sum(size * dist) exactly, as Python's ints

 public:
  using buffer_id = std::uint32_t;

  /// The id of a name (created on first use); ids are dense from 0.
  [[nodiscard]] buffer_id buffer(std::string_view name) {
    if (const auto it = ids_.find(name); it != ids_.end()) return it->second;
    const auto [it, fresh] = ids_.try_emplace(std::string(name), static_cast<buffer_id>(bufs_.size()));
    if (fresh) {
      bufs_.push_back({});
      names_.push_back(it->first);
    }
    return it->second;
  }
  [[nodiscard]] const std::string& name(buffer_id b) const { return names_.at(b); }

  // A call that throws (an unknown id, a clock or total past 64 bits) leaves
  // the tracker as it was: every check comes before the first change, and a
  // name is not interned for a call that fails.

  /// MemTracker.write(name, size).
  void write(buffer_id b, std::uint64_t size) {
    auto& s = at(b, "write");
    const std::uint64_t next = advanced(size, "write");
    s.written = true;
    s.write_time = clock_;
    s.write_size = size;
    ++writes_;
    clock_ = next;
  }
  void write(std::string_view name, std::uint64_t size) {
    (void)advanced(size, "write");
    write(buffer(name), size);
  }

  /// MemTracker.read(name, size): returns the distance, -1 if never written.
  std::int64_t read(buffer_id b, std::uint64_t size) {
    auto& s = at(b, "read");
    const std::uint64_t next = advanced(size, "read");
    std::int64_t dist = -1;
    if (s.written) {
      const std::uint64_t d = clock_ - s.write_time;
      auto& st = s.stats;
      std::uint64_t sum_dist;
      if (__builtin_add_overflow(st.sum_dist, d, &sum_dist))
        throw std::overflow_error("sutro::metrics::dmd::clock_dmc::read: the distance sum of buffer '" + names_[b] +
                                  "' (" + std::to_string(st.sum_dist) + " + " + std::to_string(d) +
                                  ") overflows 64 bits");
      dist = static_cast<std::int64_t>(d);
      add(static_cast<double>(size) * std::sqrt(static_cast<double>(d)));
      ++reads_;
      floats_read_ += size;  // at most the clock, which did not overflow
      float_dist_ += static_cast<u128>(size) * d;
      if (st.read_count++ == 0) st.size = size, st.min_dist = st.max_dist = d;
      st.min_dist = std::min(st.min_dist, d);
      st.max_dist = std::max(st.max_dist, d);
      st.sum_dist = sum_dist;
    }
    clock_ = next;
    return dist;
  }
  /// MemTracker.read(name): the size of the buffer's last write (0 if none).
  std::int64_t read(buffer_id b) { return read(b, at(b, "read").write_size); }
  std::int64_t read(std::string_view name, std::uint64_t size) {
    (void)advanced(size, "read");
    return read(buffer(name), size);
  }
  // A new name has no write, so its read has size 0 and cannot fail.
  std::int64_t read(std::string_view name) { return read(buffer(name)); }

  /// summary()['dmc'] under Python 3.12+ (compensated sum); 0 with no priced reads.
  [[nodiscard]] double dmc() const noexcept { return (comp_ != 0.0 && std::isfinite(comp_)) ? sum_ + comp_ : sum_; }
  /// summary()['dmc'] under Python 3.11 and older (left-to-right sum).
  [[nodiscard]] double dmc_plain() const noexcept { return plain_; }
  /// summary()['weighted_ard']: sum(size * dist) / sum(size) over priced reads.
  [[nodiscard]] double weighted_ard() const noexcept {
    return floats_read_ == 0 ? 0.0 : static_cast<double>(static_cast<long double>(float_dist_) / floats_read_);
  }
  [[nodiscard]] std::uint64_t clock() const noexcept { return clock_; }  // total_floats_accessed
  [[nodiscard]] std::uint64_t reads() const noexcept { return reads_; }  // priced reads only
  [[nodiscard]] std::uint64_t writes() const noexcept { return writes_; }
  [[nodiscard]] std::uint64_t floats_read() const noexcept { return floats_read_; }  // total_floats_read
  [[nodiscard]] std::size_t buffers() const noexcept { return bufs_.size(); }
  [[nodiscard]] const clock_dmc_buffer_stats& stats(buffer_id b) const { return bufs_.at(b).stats; }
  /// The clock at the buffer's last write; none if it was never written
  /// (a read now has distance clock() - last_write(b)).
  [[nodiscard]] std::optional<std::uint64_t> last_write(buffer_id b) const {
    const auto& s = bufs_.at(b);
    return s.written ? std::optional<std::uint64_t>(s.write_time) : std::nullopt;
  }

 private:
  struct state {
    bool written = false;
    std::uint64_t write_time = 0, write_size = 0;
    clock_dmc_buffer_stats stats;
  };
  state& at(buffer_id b, const char* fn) {
    if (b >= bufs_.size())
      throw std::out_of_range(std::string("sutro::metrics::dmd::clock_dmc::") + fn + ": unknown buffer id " +
                              std::to_string(b));
    return bufs_[b];
  }
  // The clock after an event of `size`; throws, changing nothing, past 64 bits.
  [[nodiscard]] std::uint64_t advanced(std::uint64_t size, const char* fn) const {
    std::uint64_t next;
    if (__builtin_add_overflow(clock_, size, &next))
      throw std::overflow_error(std::string("sutro::metrics::dmd::clock_dmc::") + fn + ": the clock " +
                                std::to_string(clock_) + " + size " + std::to_string(size) + " overflows 64 bits");
    return next;
  }
  // CPython 3.12's sum(): Neumaier's compensated summation from the first term.
  void add(double x) noexcept {
    plain_ += x;
    if (reads_ == 0) {
      sum_ = x;
      return;
    }
    const double t = sum_ + x;
    comp_ += std::fabs(sum_) >= std::fabs(x) ? (sum_ - t) + x : (x - t) + sum_;
    sum_ = t;
  }

  struct name_hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, buffer_id, name_hash, std::equal_to<>> ids_;
  std::vector<std::string> names_;
  std::vector<state> bufs_;
  std::uint64_t clock_ = 0, reads_ = 0, writes_ = 0, floats_read_ = 0;
  u128 float_dist_ = 0;
  double sum_ = 0, comp_ = 0, plain_ = 0;
};

}  // namespace sutro::metrics::dmd
