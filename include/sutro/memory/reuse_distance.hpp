#pragma once
// Exact LRU stack (reuse) distance of every access in a trace, O(log W) per
// access, inclusive convention: an immediate re-access has distance 1. In
// the trace a b b c a the second b has distance 1 and the second a 3.
//
//   sutro::memory::reuse_distance rd({.unit = sutro::memory::granularity::word});
//   for (auto& x : v) rd.access_bytes(&x, sizeof x);   // 8-byte words
//   rd.dmd();                  // sum of sqrt(d) over non-cold accesses
//   rd.histogram()[d];         // accesses at distance d (index 0 unused)
//   rd.misses(64);             // misses of a 64-entry fully associative LRU cache
//
// How: a bitmap over access times holds a 1 at the time slot of the latest
// access of each live key; the distance of an access to a key last seen at
// slot p is the number of 1s from p on. Counting them: popcounts inside the
// 512-bit block of p (one cache line), plus a fixed-height tree of 16-way
// nodes over blocks whose nodes hold exclusive prefix counts (one load per
// level to query, one 16-lane add per level to update: no data-dependent
// branches). The block being filled at the end of the time axis enters the
// tree only once it is full. When the time axis fills up, the live marks are
// renumbered densely (compaction), so memory is O(distinct keys + window)
// and the trace can be arbitrarily long. Reuse times need no per-key array
// (a cache miss per access): the sum over reuses of (t - previous t)
// telescopes into the times of the live marks minus those of first accesses,
// and a mark's time follows from its slot (a list made at each compaction,
// arithmetic since), so mean_reuse_time() sums over the live marks.
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
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace sutro::memory {

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
  explicit reuse_distance(reuse_distance_options options = {}) : opt_(options) {
    window_ = std::bit_ceil(std::max<std::size_t>(options.initial_window, block_bits));
    bits_.assign(window_ / 64, 0);
    build_tree();
    rehash(1 << 10);
  }

  /// Records one access to `key` (a unit index) and returns its distance,
  /// 0 for a cold access under cold_policy::separate.
  std::uint64_t access(std::uint64_t key) { return step<false>(key); }

  /// Records a batch of accesses; same result as one by one, faster: hash
  /// slots are prefetched ahead and histogram updates are batched so that
  /// their cache misses overlap.
  void access(const std::uint64_t* keys, std::size_t n) {
    constexpr std::size_t ahead = 24, chunk = 512;
    std::uint64_t d[chunk];
    for (std::size_t base = 0; base < n; base += chunk) {
      const std::size_t m = std::min(chunk, n - base);
      std::size_t done = 0;
      try {
        for (; done < m; ++done) {
          if (base + done + ahead < n) __builtin_prefetch(&table_[mix(keys[base + done + ahead]) & mask_]);
          d[done] = step<true>(keys[base + done]);
        }
      } catch (...) {  // keep the accesses made before the failing one
        for (std::size_t i = 0; i < done; ++i)
          if (d[i]) count(d[i]);
        throw;
      }
      std::uint64_t top = 0;
      for (std::size_t i = 0; i < m; ++i) top = std::max(top, d[i]);
      if (top >= hist_.size()) hist_.resize(std::max<std::size_t>(top + 1, hist_.size() * 2), 0);
      for (std::size_t i = 0; i < m; ++i) {
        if (i + 8 < m) __builtin_prefetch(&hist_[d[i + 8]]);
        hist_[d[i]] += d[i] != 0;  // 0 = a separate cold access, not in the histogram
      }
    }
  }

  /// Every unit overlapped by the byte range [p, p + bytes) is accessed once,
  /// in address order. Requires byte/word/line granularity.
  void access_bytes(const void* p, std::size_t bytes) {
    const auto unit = static_cast<std::uint64_t>(opt_.unit);
    if (unit == 0)
      throw std::invalid_argument("reuse_distance::access_bytes needs byte, word or line granularity");
    if (bytes == 0) return;
    const auto a = reinterpret_cast<std::uintptr_t>(p);
    for (std::uint64_t k = a / unit, last = (a + bytes - 1) / unit; k <= last; ++k) access(k);
  }

  /// Puts `key` on top of the stack as if just accessed, without counting an
  /// access (an input that is already in fast memory).
  void preload(std::uint64_t key) {
    const std::size_t slot = find_or_insert(key);
    const std::uint32_t pos = table_[slot].pos;
    if (pos == detached) {
      ++distinct_;
      time_sum_ -= accesses_;
    } else {  // the interval up to now is no reuse: take its start back out
      time_sum_ += slot_time(pos) - accesses_;
      clear(pos);
      table_[slot].pos = detached;
    }
    place(slot);
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
    for (std::size_t d = capacity + 1; d < hist_.size(); ++d) m += hist_[d];
    return m;
  }
  [[nodiscard]] double miss_ratio(std::uint64_t capacity) const noexcept {
    return accesses_ ? double(misses(capacity)) / double(accesses_) : 0.0;
  }
  /// curve[c] = miss ratio at capacity c, for c = 0 .. max distance.
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
        throw std::invalid_argument("reuse_distance::tier_counts: capacities must increase (" +
                                    std::to_string(capacities[i - 1]) + " then " +
                                    std::to_string(capacities[i]) + ")");
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
    return tree_.capacity() * sizeof(node) + bits_.capacity() * sizeof(std::uint64_t) +
           table_.capacity() * sizeof(entry) + (hist_.capacity() + old_time_.capacity()) * sizeof(std::uint64_t) +
           breaks_.capacity() * sizeof(time_break);
  }
  [[nodiscard]] const reuse_distance_options& options() const noexcept { return opt_; }

 private:
  static constexpr std::size_t block_bits = 512;  // one cache line of bitmap
  static constexpr std::uint32_t unused = std::numeric_limits<std::uint32_t>::max();  // empty slot
  static constexpr std::uint32_t detached = unused - 1;  // key known, not on the stack (transient)
  static constexpr std::uint64_t never = ~std::uint64_t{0};
  struct alignas(16) entry {  // 16 bytes: never straddles a cache line
    std::uint64_t key;
    std::uint32_t pos;  // time slot of its latest access, or unused / detached
    std::uint32_t spare;
  };
  struct alignas(64) node {  // c[j] = marks in children 0..j-1 (exclusive prefix)
    std::uint32_t c[16];
  };
  // lanes_after[k][j] = all ones where j > k: the lanes a child k's count enters.
  alignas(64) static constexpr std::uint32_t lanes_after[16][16] = {
#define SUTRO_RD_ROW(k)                                                                                     \
  {0 > k ? ~0u : 0u, 1 > k ? ~0u : 0u, 2 > k ? ~0u : 0u, 3 > k ? ~0u : 0u, 4 > k ? ~0u : 0u, 5 > k ? ~0u : 0u, \
   6 > k ? ~0u : 0u, 7 > k ? ~0u : 0u, 8 > k ? ~0u : 0u, 9 > k ? ~0u : 0u, 10 > k ? ~0u : 0u,                  \
   11 > k ? ~0u : 0u, 12 > k ? ~0u : 0u, 13 > k ? ~0u : 0u, 14 > k ? ~0u : 0u, 15 > k ? ~0u : 0u}
      SUTRO_RD_ROW(0),  SUTRO_RD_ROW(1),  SUTRO_RD_ROW(2),  SUTRO_RD_ROW(3),  SUTRO_RD_ROW(4),  SUTRO_RD_ROW(5),
      SUTRO_RD_ROW(6),  SUTRO_RD_ROW(7),  SUTRO_RD_ROW(8),  SUTRO_RD_ROW(9),  SUTRO_RD_ROW(10), SUTRO_RD_ROW(11),
      SUTRO_RD_ROW(12), SUTRO_RD_ROW(13), SUTRO_RD_ROW(14), SUTRO_RD_ROW(15)};
#undef SUTRO_RD_ROW
  struct time_break {  // from `slot` on, slot s was placed at access count time + (s - slot)
    std::size_t slot;
    std::uint64_t time;
  };

  template <bool Batch>
  std::uint64_t step(std::uint64_t key) {
    ++accesses_;
    const std::size_t slot = find_or_insert(key);
    const std::uint32_t pos = table_[slot].pos;
    std::uint64_t d;
    if (pos == detached) [[unlikely]] {
      d = cold(slot, key);
      if (!Batch && d) count(d);
    } else {
      d = live_ - rank(pos);  // marks from pos on, itself included
      clear(pos);
      table_[slot].pos = detached;  // not live while place() may compact
      ++reuses_;
      if (!Batch) count(d);
    }
    place(slot);
    return d;
  }
  std::uint64_t cold(std::size_t slot, std::uint64_t key) {
    if (opt_.cold == cold_policy::preloaded) {
      table_[slot].pos = unused;  // leave the table as it was
      --used_;
      erase_fixup(slot);
      throw std::invalid_argument("reuse_distance: cold access to key " + std::to_string(key) +
                                  " under cold_policy::preloaded (preload every input first)");
    }
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

  // Marks at time slots < pos: tree over the blocks before pos's block, then
  // masked popcounts of the words of its block (branch-free, one cache line).
  [[nodiscard]] std::uint64_t rank(std::uint32_t pos) const noexcept {
    const std::size_t b = pos / block_bits;
    std::uint64_t s = 0;
    std::size_t i = b;
    for (std::size_t l = 0; l < levels_; ++l, i /= 16) s += tree_[level_at_[l] + i / 16].c[i % 16];
    // Mask: all ones before word wi, the bits below pos in word wi, nothing
    // after; GNU vector types make this a few vector instructions on both
    // GCC and clang (plain loops came out as branches or shuffles).
    const std::uint64_t* w = &bits_[b * 8];
    const std::uint64_t wi = (pos >> 6) & 7, low = (std::uint64_t{1} << (pos & 63)) - 1;
#if defined(__GNUC__) && defined(__AVX512VPOPCNTDQ__)
    using v8 = std::uint64_t __attribute__((vector_size(64)));
    const v8 idx = {0, 1, 2, 3, 4, 5, 6, 7};
    v8 x;
    std::memcpy(&x, w, sizeof x);
    x &= (v8)(idx < wi) | ((v8)(idx == wi) & low);
    for (int j = 0; j < 8; ++j) s += static_cast<std::uint64_t>(std::popcount(static_cast<std::uint64_t>(x[j])));
#else  // scalar popcounts, masks by arithmetic (no branches)
    for (std::uint64_t j = 0; j < 8; ++j) {
      const std::uint64_t m = (std::uint64_t{0} - std::uint64_t(j < wi)) | (low & (std::uint64_t{0} - std::uint64_t(j == wi)));
      s += static_cast<std::uint64_t>(std::popcount(w[j] & m));
    }
#endif
    return s;
  }
  void tree_add(std::size_t b, std::uint32_t delta) noexcept {  // delta: count change, modulo 2^32
    std::size_t i = b;
    for (std::size_t l = 0; l < levels_; ++l, i /= 16) {
      node& nd = tree_[level_at_[l] + i / 16];
      const std::uint32_t* after = lanes_after[i % 16];
#if defined(__GNUC__)  // 4 native vector adds per level (masks from a table, no compares: GCC does
                       // vector compares wider than the machine's, or broadcasts into them, lane by lane)
      using v4 = std::uint32_t __attribute__((vector_size(16)));
      const v4 d = {delta, delta, delta, delta};
      for (std::size_t h = 0; h < 16; h += 4) {
        v4 x, m;
        std::memcpy(&x, nd.c + h, sizeof x);
        std::memcpy(&m, after + h, sizeof m);
        x += m & d;
        std::memcpy(nd.c + h, &x, sizeof x);
      }
#else
      for (std::size_t j = 0; j < 16; ++j) nd.c[j] += after[j] & delta;
#endif
    }
  }
  [[nodiscard]] std::uint32_t block_count(std::size_t b) const noexcept {
    std::uint32_t s = 0;
    for (std::size_t j = 0; j < 8; ++j) s += static_cast<std::uint32_t>(std::popcount(bits_[b * 8 + j]));
    return s;
  }
  void clear(std::uint32_t pos) noexcept {
    bits_[pos >> 6] &= ~(std::uint64_t{1} << (pos & 63));
    --live_;
    const std::size_t b = pos / block_bits;
    tree_add(b, 0u - std::uint32_t(b < next_ / block_bits));  // the block being filled is not in the tree
  }
  void place(std::size_t slot) {
    if (next_ == window_) [[unlikely]] compact();
    const std::size_t t = next_++;
    table_[slot].pos = static_cast<std::uint32_t>(t);
    bits_[t >> 6] |= std::uint64_t{1} << (t & 63);
    ++live_;
    if (accesses_ != expect_) [[unlikely]] breaks_.push_back({t, accesses_});  // a preload or a failed access
    expect_ = accesses_ + 1;
    if (next_ % block_bits == 0) tree_add(t / block_bits, block_count(t / block_bits));  // block full
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
    for (std::size_t i = 0; i < (next_ + 63) / 64; ++i)
      for (std::uint64_t x = bits_[i]; x; x &= x - 1) {
        const std::size_t s = i * 64 + static_cast<std::size_t>(std::countr_zero(x));
        if (s < fresh_begin_) {
          f(old_time_[s]);
        } else {
          while (k + 1 < breaks_.size() && breaks_[k + 1].slot <= s) ++k;
          f(breaks_[k].time + (s - breaks_[k].slot));
        }
      }
  }
  // Renumber live marks 0..live-1 in time order (new slot = rank among
  // marks); grow so that at least 7/8 of the window is free afterwards (at
  // least half near the 2^31-slot limit): a slot costs one bit, and the pass
  // over the hash table is then paid once per 7 x live accesses or more.
  void compact() {
    std::size_t w = window_;
    while (w < 8 * (live_ + 1) && 2 * w < std::size_t(detached)) w *= 2;  // slots fit 32 bits
    if (w < 2 * (live_ + 1))
      throw std::length_error("reuse_distance: too many distinct keys (" + std::to_string(live_) + " live)");
    std::vector<std::uint64_t> times;
    times.reserve(live_);
    for_each_live([&](std::uint64_t t) { times.push_back(t); });
    std::vector<std::uint32_t> before(bits_.size());  // marks in words 0..i-1
    std::uint32_t run = 0;
    for (std::size_t i = 0; i < bits_.size(); ++i) {
      before[i] = run;
      run += static_cast<std::uint32_t>(std::popcount(bits_[i]));
    }
    for (entry& e : table_) {
      if (e.pos >= detached) continue;
      const std::size_t wi = e.pos >> 6;
      const std::uint64_t below = bits_[wi] & ((std::uint64_t{1} << (e.pos & 63)) - 1);
      e.pos = before[wi] + static_cast<std::uint32_t>(std::popcount(below));
    }
    const std::size_t n = run;
    window_ = w;
    bits_.assign(w / 64, 0);
    for (std::size_t i = 0; i < n / 64; ++i) bits_[i] = ~std::uint64_t{0};
    if (n % 64) bits_[n / 64] = (std::uint64_t{1} << (n % 64)) - 1;
    next_ = n;
    build_tree();
    old_time_.swap(times);
    fresh_begin_ = n;
    breaks_.clear();
    expect_ = never;
  }
  // Levels of 16-way nodes over the window's blocks, up to a single root;
  // the full blocks before next_'s block are counted.
  void build_tree() {
    const std::size_t blocks = window_ / block_bits;
    std::size_t total = 0;
    levels_ = 0;
    for (std::size_t m = blocks; levels_ == 0 || m > 1; ++levels_) {
      m = (m + 15) / 16;
      level_at_[levels_] = total;
      total += m;
    }
    tree_.assign(total, node{});
    std::vector<std::uint32_t> cnt(blocks, 0), up;
    for (std::size_t b = 0; b < next_ / block_bits; ++b) cnt[b] = block_count(b);
    for (std::size_t l = 0; l < levels_; ++l) {
      up.assign((cnt.size() + 15) / 16, 0);
      for (std::size_t k = 0; k < cnt.size(); ++k) {
        node& nd = tree_[level_at_[l] + k / 16];
        for (std::size_t j = k % 16 + 1; j < 16; ++j) nd.c[j] += cnt[k];
        up[k / 16] += cnt[k];
      }
      cnt.swap(up);
    }
  }
  static std::uint64_t mix(std::uint64_t k) noexcept {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    return k;
  }
  // Returns the key's slot; a new key gets pos == detached.
  std::size_t find_or_insert(std::uint64_t key) {
    std::size_t i = mix(key) & mask_;
    while (table_[i].pos != unused) {
      if (table_[i].key == key) return i;
      i = (i + 1) & mask_;
    }
    if (4 * (used_ + 1) > 3 * table_.size()) {
      rehash(table_.size() * 2);
      return find_or_insert(key);
    }
    table_[i] = {key, detached, 0};
    ++used_;
    return i;
  }
  // Backward-shift deletion after emptying slot i (linear probing).
  void erase_fixup(std::size_t i) {
    for (std::size_t j = (i + 1) & mask_; table_[j].pos != unused; j = (j + 1) & mask_) {
      const std::size_t home = mix(table_[j].key) & mask_;
      if (((j - home) & mask_) >= ((j - i) & mask_)) {
        table_[i] = table_[j];
        table_[j].pos = unused;
        i = j;
      }
    }
  }
  void rehash(std::size_t size) {
    std::vector<entry> old;
    old.swap(table_);
    table_.assign(size, entry{0, unused, 0});
    mask_ = size - 1;
    for (const entry& e : old) {
      if (e.pos == unused) continue;
      std::size_t i = mix(e.key) & mask_;
      while (table_[i].pos != unused) i = (i + 1) & mask_;
      table_[i] = e;
    }
  }

  reuse_distance_options opt_;
  std::vector<std::uint64_t> bits_;  // 1 at the latest time slot of each live key
  std::vector<node> tree_;           // levels_ levels, level l from tree_[level_at_[l]]
  std::size_t level_at_[8] = {};     // 16^7 blocks of 512 slots exceed any window
  std::size_t levels_ = 0;
  std::vector<entry> table_;
  std::vector<std::uint64_t> hist_;
  // Access count of each live mark's placement (for mean_reuse_time):
  // slots < fresh_begin_ (renumbered by the last compaction) in old_time_,
  // later ones from breaks_ (one entry per preload or failed access).
  std::vector<std::uint64_t> old_time_;
  std::vector<time_break> breaks_;
  std::size_t fresh_begin_ = 0;
  std::uint64_t expect_ = never;  // placement time that continues the current break
  std::size_t window_ = 0, next_ = 0, mask_ = 0, used_ = 0;
  std::uint64_t live_ = 0, accesses_ = 0, cold_ = 0, distinct_ = 0, reuses_ = 0;
  std::uint64_t time_sum_ = 0;  // reuse times' sum minus the live marks' times, modulo 2^64
};

}  // namespace sutro::memory
