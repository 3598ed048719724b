#pragma once
// Exact LRU stack (reuse) distance of every access in a trace, O(log W) per
// access, inclusive convention: an immediate re-access has distance 1. In
// the trace a b b c a the second b has distance 1 and the second a 3.
//
//   sutro::metrics::reuse_distance rd({.unit = sutro::memory::granularity::word});
//   for (auto& x : v) rd.access_bytes(&x, sizeof x);   // 8-byte words
//   rd.dmd();                  // sum of sqrt(d) over non-cold accesses
//   rd.histogram()[d];         // accesses at distance d (index 0 unused)
//   rd.misses(64);             // misses of a 64-entry fully associative LRU cache
//
// How: metrics::lru_stack keeps a mark at the time slot of the latest
// access of each live key and counts the marks from a slot on (see there);
// metrics::key_slots maps keys to their slots (pages of consecutive keys, a
// hash table for sparse ones). Reuse times
// need no per-key array (a cache miss per access): the sum over reuses of
// (t - previous t) telescopes into the times of the live marks minus those of
// first accesses, and a mark's time follows from its slot (a list made at
// each compaction, arithmetic since), so mean_reuse_time() sums over the live
// marks.
//
// Cold (first) accesses follow cold_policy:
//   separate     - not in the histogram, counted in cold_accesses() (infinite distance)
//   stack_depth  - distance = number of distinct keys seen so far + 1, in the histogram
//   preloaded    - every key must have been preload()ed; a cold access throws
// preload(k) places k on top of the stack without recording an access (so the
// last key preloaded is at depth 1), under any policy.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "sutro/backend/cpu.hpp"
#include "sutro/metrics/key_slots.hpp"
#include "sutro/metrics/lru_stack.hpp"

namespace sutro::metrics {

namespace detail {
/// The last byte of the range [a, a + bytes), bytes >= 1; a range that would
/// pass the top of the address space is refused (its units would wrap to
/// address 0). `who` names the caller in the message.
[[nodiscard]] inline std::uintptr_t last_byte(std::uintptr_t a, std::size_t bytes, const char* who) {
  if (bytes - 1 > std::numeric_limits<std::uintptr_t>::max() - a) {
    char at[2 + 2 * sizeof(std::uintptr_t) + 1];
    std::snprintf(at, sizeof at, "0x%jx", static_cast<std::uintmax_t>(a));
    throw std::invalid_argument(std::string(who) + ": the byte range at address " + at + " of " +
                                std::to_string(bytes) + " bytes passes the top of the address space");
  }
  return a + (bytes - 1);
}
}  // namespace detail

/// Unit of an address key: element = the caller's key as given (access()),
/// otherwise the byte address divided by 1, 8 or 64 (access_bytes()).
enum class granularity : std::uint32_t { element = 0, byte = 1, word = 8, line = 64 };

enum class cold_policy { separate, stack_depth, preloaded };

struct reuse_distance_options {
  granularity unit = granularity::element;
  cold_policy cold = cold_policy::separate;
  std::size_t initial_window = 1 << 12;  ///< time slots before the first compaction (at least 512)
};

class reuse_distance {
 public:
  explicit reuse_distance(reuse_distance_options options = {}) : opt_(options), stack_(options.initial_window) {}

  /// Records one access to `key` (a unit index) and returns its distance,
  /// 0 for a cold access under cold_policy::separate. A cold access under
  /// cold_policy::preloaded throws std::invalid_argument and records nothing.
  std::uint64_t access(std::uint64_t key) { return step<false>(key, nullptr); }

  /// Records a batch of accesses; same result as one by one, faster: the
  /// keys' map entries are prefetched far ahead and the bitmap lines of their marks
  /// nearer, histogram updates are batched so that their cache misses
  /// overlap; the in-block counts use POPCNT or AVX-512 VPOPCNTDQ where the
  /// CPU has them (asked at run time, capped by cpu::scoped_level_limit).
  /// A refused access (a cold key under cold_policy::preloaded) throws; the
  /// keys before it stay recorded, it and those after it are not, so the
  /// counts stay consistent (accesses() == histogram total + cold_accesses()).
  void access(const std::uint64_t* keys, std::size_t n) {
    // Counts of a long batch go to 32-bit bins (half the cache lines of the
    // histogram), folded into it at the end: at most 2^31 accesses a piece.
    constexpr std::size_t piece = std::size_t{1} << 31;
    for (; n > piece; keys += piece, n -= piece) access_piece(keys, piece);
    access_piece(keys, n);
  }
  /// Every unit overlapped by the byte range [p, p + bytes) is accessed once,
  /// in address order. Requires byte/word/line granularity; a range passing
  /// the top of the address space is refused (std::invalid_argument) before
  /// any access. The range may end at the last address.
  void access_bytes(const void* p, std::size_t bytes) {
    const auto unit = static_cast<std::uint64_t>(opt_.unit);
    if (unit == 0)
      throw std::invalid_argument("sutro::metrics::reuse_distance::access_bytes: needs byte, word or line granularity");
    if (bytes == 0) return;
    const auto a = reinterpret_cast<std::uintptr_t>(p);
    const std::uint64_t last = detail::last_byte(a, bytes, "sutro::metrics::reuse_distance::access_bytes") / unit;
    // Stops on reaching `last` rather than passing it: the last unit may be
    // the largest key, past which k would wrap.
    for (std::uint64_t k = a / unit;; ++k) {
      access(k);
      if (k == last) break;
    }
  }

  /// Whether `key` was accessed or preloaded (under cold_policy::preloaded,
  /// whether an access to it is taken).
  [[nodiscard]] bool known(std::uint64_t key) const noexcept { return slots_.contains(key); }

  /// Puts `key` on top of the stack as if just accessed, without counting an
  /// access (an input that is already in fast memory).
  void preload(std::uint64_t key) {
    std::uint32_t* pos = slots_.insert(key);
    if (*pos == detached) {
      ++distinct_;
      time_sum_ -= accesses_;
    } else {  // the interval up to now is no reuse: take its start back out
      time_sum_ += slot_time(*pos) - accesses_;
      stack_.erase(*pos);
      *pos = detached;
    }
    place(pos);
  }

  // --- results -----------------------------------------------------------
  /// histogram()[d] = accesses at distance d; index 0 is always 0; the size
  /// is at least the largest distance + 1 (trailing zeros may follow).
  [[nodiscard]] const std::vector<std::uint64_t>& histogram() const noexcept { return hist_; }
  [[nodiscard]] std::uint64_t accesses() const noexcept { return accesses_; }
  [[nodiscard]] std::uint64_t cold_accesses() const noexcept { return cold_; }
  [[nodiscard]] std::uint64_t distinct() const noexcept { return distinct_; }
  /// Accesses with a previous access to the same key (the histogram minus
  /// the stack_depth cold accesses).
  [[nodiscard]] std::uint64_t reuses() const noexcept { return reuses_; }

  /// DMD (Smith, Goldfarb, Ding, ICS'22): sum over histogram of sqrt(d).
  [[nodiscard]] double dmd() const noexcept {
    double s = 0;
    for (std::size_t d = 1; d < hist_.size(); ++d) s += static_cast<double>(hist_[d]) * std::sqrt(double(d));
    return s;
  }
  /// Mean of the distinct-address distance over the histogram.
  [[nodiscard]] double mean_reuse_distance() const noexcept {
    double s = 0, n = 0;
    for (std::size_t d = 1; d < hist_.size(); ++d) {
      s += double(hist_[d]) * double(d);
      n += double(hist_[d]);
    }
    return n ? s / n : 0.0;
  }
  /// Mean reuse TIME (accesses since the previous access to the same key,
  /// counting the access itself, so an immediate re-access is 1): what the
  /// group's first "ARD" actually computed. Cold accesses excluded.
  /// O(window): sums the times of the live marks.
  [[nodiscard]] double mean_reuse_time() const noexcept {
    if (!reuses_) return 0.0;
    std::uint64_t sum = time_sum_;  // modulo 2^64; the true sum fits
    for_each_live([&](std::uint64_t t) { sum += t; });
    return double(sum) / double(reuses_);
  }
  /// Misses of a fully associative LRU cache holding `capacity` units: every
  /// access with distance > capacity, plus every cold access.
  [[nodiscard]] std::uint64_t misses(std::uint64_t capacity) const noexcept {
    std::uint64_t m = cold_;
    if (capacity >= hist_.size()) return m;  // capacity + 1 would wrap at the largest capacity
    for (std::size_t d = capacity + 1; d < hist_.size(); ++d) m += hist_[d];
    return m;
  }
  [[nodiscard]] double miss_ratio(std::uint64_t capacity) const noexcept {
    return accesses_ ? double(misses(capacity)) / double(accesses_) : 0.0;
  }
  /// curve[c] = miss ratio at capacity c, for c = 0 .. histogram().size() - 1
  /// (from the largest distance on, every entry is the cold accesses' share).
  [[nodiscard]] std::vector<double> miss_ratio_curve() const {
    std::vector<double> curve(std::max<std::size_t>(hist_.size(), 1));
    std::uint64_t m = cold_;
    for (std::size_t d = hist_.size(); d-- > 1;) {
      curve[d] = accesses_ ? double(m) / double(accesses_) : 0.0;
      m += hist_[d];
    }
    curve[0] = accesses_ ? double(m) / double(accesses_) : 0.0;
    return curve;
  }
  /// Accesses served by each level of an inclusive LRU hierarchy with the
  /// given increasing capacities (units); the last entry (one more than
  /// capacities) counts what misses them all, cold accesses included.
  [[nodiscard]] std::vector<std::uint64_t> tier_counts(const std::vector<std::uint64_t>& capacities) const {
    for (std::size_t i = 1; i < capacities.size(); ++i)
      if (capacities[i] <= capacities[i - 1])
        throw std::invalid_argument("sutro::metrics::reuse_distance::tier_counts: capacities must increase (" +
                                    std::to_string(capacities[i - 1]) + " then " + std::to_string(capacities[i]) + ")");
    std::vector<std::uint64_t> out(capacities.size() + 1, 0);
    std::size_t t = 0;
    for (std::size_t d = 1; d < hist_.size(); ++d) {
      while (t < capacities.size() && d > capacities[t]) ++t;
      out[t] += hist_[d];
    }
    out.back() += cold_;
    return out;
  }
  /// Bytes of bookkeeping currently held (grows with distinct keys + window).
  [[nodiscard]] std::size_t memory_bytes() const noexcept {
    return stack_.memory_bytes() + slots_.memory_bytes() +
           (hist_.capacity() + old_time_.capacity()) * sizeof(std::uint64_t) +
           bins_.capacity() * sizeof(std::uint32_t) + breaks_.capacity() * sizeof(time_break);
  }
  [[nodiscard]] const reuse_distance_options& options() const noexcept { return opt_; }

 private:
  void access_piece(const std::uint64_t* keys, std::size_t n) {
#if SUTRO_LRU_VPOPCNT
    const cpu::level l = cpu::active_level();
    if (l >= cpu::level::avx512_gfni) return access_vpopcnt(keys, n);
    if (l >= cpu::level::avx2) return access_popcnt(keys, n);
#endif
    access_batch<metrics::popcount_kernel::plain>(keys, n);
  }
#if SUTRO_LRU_VPOPCNT
  __attribute__((target("avx512f,avx512vpopcntdq,popcnt"), flatten)) void access_vpopcnt(const std::uint64_t* keys,
                                                                                         std::size_t n) {
    access_batch<metrics::popcount_kernel::vpopcnt>(keys, n);
  }
  __attribute__((target("popcnt"), flatten)) void access_popcnt(const std::uint64_t* keys, std::size_t n) {
    access_batch<metrics::popcount_kernel::popcnt>(keys, n);
  }
#endif
  // Inlined into each caller, so that the VPOPCNTDQ caller's target covers
  // all of it (step, take and the in-block count inline into one loop).
  template <metrics::popcount_kernel K>
#if defined(__GNUC__)
  [[gnu::always_inline]]
#endif
  inline void
  access_batch(const std::uint64_t* keys, std::size_t n) {
    // Distances in accesses, measured at 10^5 and 10^7 distinct keys: the map
    // entry must arrive before the near stage reads it, the bitmap line before
    // the access. A paged map finds the entry's address once, in the far stage.
    constexpr std::size_t ahead = 64, near = 16, chunk = 512, ring = 128;
    static_assert(near < ahead && ahead < ring);
    std::uint64_t d[chunk];
    std::uint32_t*
        spot[ring];  // paged: keys[i]'s entry in its page (nullptr: no page yet) from `ahead` before, at i % ring
    std::uint32_t* hint[ring];  // keys[i]'s entry (nullptr: not in the map) from `near` before, at i % ring
    std::uint64_t generation = slots_.generation();
    // 32-bit bins pay off when folding them (a pass over the histogram) costs
    // less than an access does; a short batch counts straight into hist_.
    const bool staged = 4 * n >= hist_.size();
    const auto fold = [&] {
      if (bins_.size() > hist_.size()) hist_.resize(bins_.size(), 0);
      for (std::size_t k = 0; k < bins_.size(); ++k) hist_[k] += bins_[k];
      bins_.clear();
    };
    const auto restart = [&](std::size_t from) {  // both stages for the accesses from .. from + ahead - 1
      for (std::size_t j = from; j < std::min(from + ahead, n); ++j) {
        spot[j % ring] = slots_.page_entry(keys[j]);
        if (j < from + near) hint[j % ring] = slots_.find(keys[j]);
      }
    };
    restart(0);
    for (std::size_t base = 0; base < n; base += chunk) {
      const std::size_t m = std::min(chunk, n - base);
      std::size_t done = 0;
      try {
        for (; done < m; ++done) {
          const std::size_t i = base + done;
          if (slots_.generation() != generation) [[unlikely]] {  // the entries moved
            generation = slots_.generation();
            restart(i);
          }
          const bool paged = slots_.paged();
          if (i + ahead < n) {
            if (paged) {
              std::uint32_t* s = slots_.page_entry(keys[i + ahead]);
              spot[(i + ahead) % ring] = s;
              if (s) metrics::detail::prefetch_line(s);
            } else {
              slots_.prefetch(keys[i + ahead]);
            }
          }
          if (i + near < n) {
            std::uint32_t* h;
            if (paged) {
              std::uint32_t* s = spot[(i + near) % ring];
              h = s && *s != metrics::key_slots::absent ? s : nullptr;
            } else {
              h = slots_.find(keys[i + near]);
            }
            hint[(i + near) % ring] = h;
            if (h && *h < detached) stack_.prefetch(*h);
          }
          d[done] = step<true, K>(keys[i], hint[i % ring]);
        }
      } catch (...) {  // keep the accesses made before the failing one
        fold();
        for (std::size_t i = 0; i < done; ++i)
          if (d[i]) count(d[i]);
        throw;
      }
      std::uint64_t top = 0;
      for (std::size_t i = 0; i < m; ++i) top = std::max(top, d[i]);
      if (staged) {
        add_counts(bins_, d, m, top);
      } else {
        add_counts(hist_, d, m, top);
      }
    }
    fold();
  }
  // bins[d[i]] += 1 for each nonzero d[i] (0: a separate cold access, not in
  // the histogram); top = the largest d[i]. Prefetched ahead: distances are
  // random lines of the histogram.
  template <class Bins>
  static void add_counts(Bins& bins, const std::uint64_t* d, std::size_t m, std::uint64_t top) {
    constexpr std::size_t ahead = 16;
    if (top >= bins.size()) bins.resize(std::max<std::size_t>(top + 1, bins.size() * 2), 0);
    for (std::size_t i = 0; i < m; ++i) {
      if (i + ahead < m) metrics::detail::prefetch_line(&bins[d[i + ahead]]);
      bins[d[i]] += d[i] != 0;
    }
  }

  static constexpr std::uint32_t detached = metrics::key_slots::fresh;  // key known, not on the stack (transient)
  static constexpr std::uint64_t never = ~std::uint64_t{0};
  struct time_break {  // from `slot` on, slot s was placed at access count time + (s - slot)
    std::size_t slot;
    std::uint64_t time;
  };

  template <bool Batch, metrics::popcount_kernel K = metrics::popcount_kernel::plain>
  std::uint64_t step(std::uint64_t key, std::uint32_t* hint) {  // hint: find(key) in this generation, or nullptr
    std::uint32_t* pos = hint ? hint : slots_.insert(key);
    // Refused before anything is counted, so that accesses() stays the
    // histogram's total plus cold_accesses().
    if (*pos == detached && opt_.cold == cold_policy::preloaded) [[unlikely]]
      refuse_cold(key);
    ++accesses_;
    std::uint64_t d;
    if (*pos == detached) [[unlikely]] {
      d = cold();
      if (!Batch && d) count(d);
    } else {
      d = stack_.template take<K>(*pos);  // marks from pos on, itself included
      *pos = detached;                    // not live while place() may compact
      ++reuses_;
      if (!Batch) count(d);
    }
    place(pos);
    return d;
  }
  [[noreturn]] void refuse_cold(std::uint64_t key) {
    slots_.erase(key);  // leave the map as it was
    throw std::invalid_argument("sutro::metrics::reuse_distance::access: cold access to key " + std::to_string(key) +
                                " under cold_policy::preloaded (preload every input first)");
  }
  std::uint64_t cold() noexcept {
    ++distinct_;
    time_sum_ -= accesses_;
    if (opt_.cold == cold_policy::separate) {
      ++cold_;
      return 0;
    }
    return distinct_;  // stack size before (distinct_-1) + 1
  }
  void count(std::uint64_t d) {
    if (d >= hist_.size()) hist_.resize(std::max<std::size_t>(d + 1, hist_.size() * 2), 0);
    ++hist_[d];
  }

  void place(std::uint32_t* pos) {  // compact() keeps *pos (detached) where it is
    if (stack_.full()) [[unlikely]]
      compact();
    const std::uint32_t t = stack_.push();
    *pos = t;
    if (accesses_ != expect_) [[unlikely]]
      breaks_.push_back({t, accesses_});  // a preload
    expect_ = accesses_ + 1;
  }
  // Access count at which slot s (live) was placed.
  [[nodiscard]] std::uint64_t slot_time(std::size_t s) const noexcept {
    if (s < fresh_begin_) return old_time_[s];
    auto it = std::upper_bound(breaks_.begin(), breaks_.end(), s,
                               [](std::size_t x, const time_break& br) { return x < br.slot; });
    --it;  // breaks_[0].slot == fresh_begin_
    return it->time + (s - it->slot);
  }
  template <class F>
  void for_each_live(F&& f) const {  // f(time) for the live marks in slot order
    std::size_t k = 0;
    stack_.for_each_live([&](std::size_t s) {
      if (s < fresh_begin_) {
        f(old_time_[s]);
      } else {
        while (k + 1 < breaks_.size() && breaks_[k + 1].slot <= s) ++k;
        f(breaks_[k].time + (s - breaks_[k].slot));
      }
    });
  }
  // Renumbers the live marks densely in time order (the engine's compaction;
  // the pass over the hash table rewrites their slots) and keeps their
  // placement times as a list.
  void compact() {
    std::vector<std::uint64_t> times;
    times.reserve(stack_.size());
    for_each_live([&](std::uint64_t t) { times.push_back(t); });
    stack_.compact([&](auto renumber) {
      slots_.for_each_value([&](std::uint32_t& pos) {
        if (pos < detached) pos = renumber(pos);
      });
    });
    old_time_.swap(times);
    fresh_begin_ = stack_.used();
    breaks_.clear();
    expect_ = never;
  }
  reuse_distance_options opt_;
  metrics::lru_stack stack_;  // a mark at the latest time slot of each live key
  metrics::key_slots slots_;  // each key's slot on the stack, or detached
  std::vector<std::uint64_t> hist_;
  std::vector<std::uint32_t> bins_;  // a long batch's counts before they join hist_ (empty between calls)
  // Access count of each live mark's placement (for mean_reuse_time):
  // slots < fresh_begin_ (renumbered by the last compaction) in old_time_,
  // later ones from breaks_ (one entry per preload).
  std::vector<std::uint64_t> old_time_;
  std::vector<time_break> breaks_;
  std::size_t fresh_begin_ = 0;
  std::uint64_t expect_ = never;  // placement time that continues the current break
  std::uint64_t accesses_ = 0, cold_ = 0, distinct_ = 0, reuses_ = 0;
  std::uint64_t time_sum_ = 0;  // reuse times' sum minus the live marks' times, modulo 2^64
};

}  // namespace sutro::metrics
