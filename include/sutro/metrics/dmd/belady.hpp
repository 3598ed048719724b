#pragma once
// Belady's MIN stack distance, online over a growing time axis, in O(log T)
// per load (bytedmd_ir.py's opt_reuse_distances, which rescans every
// interval of the dormancy, is quadratic).
//
// A load of v at time i whose previous event (its store or its previous
// load) was at p has rank 1 + max over tau in (p, i) of C(tau), where C(tau)
// counts the other values W whose dormancy [a_W, b_W - 1] holds tau and whose
// dormancy ends (their next load b_W) before i. Every dormancy that ended
// before i was closed at its own load, so C(tau) = #{closed [a, b-1] with
// a <= tau < b}. Positions are made in time order; a dormancy closed at time
// b covers [a, b-1], all positions made so far from a on. So for a position
// tau, C(tau) = (closed intervals with a <= tau) - (closed before tau was
// made): a Fenwick tree over the starts a and the count at tau's birth.
//
// A query asks for the maximum of C over a suffix (p, now). A position with
// C no larger than that of a later position never wins again (every later
// close that adds to it adds to the later one too), so only a chain of
// positions with C strictly falling from old to new stays alive, and the
// answer is C at the first alive position after p (a bitmap with summary
// levels finds it). A close adds 1 to the alive positions from a on: only the
// alive position just before a can become dominated (its margin over the
// next one drops by exactly 1), so at most one leaves per close.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sutro/metrics/lru_stack.hpp"

namespace sutro::metrics::dmd::detail {

/// A set of positions as a bitmap with a summary level per 64x: the first
/// member at or after i in a few word operations, near i in memory.
class position_set {
 public:
  static constexpr std::size_t none = ~std::size_t{0};
  void reset(std::size_t n) {
    levels_.clear();
    do {
      n = (n + 63) / 64;
      levels_.emplace_back(n, 0);
    } while (n > 1);
  }
  void insert(std::size_t i) noexcept {
    for (auto& words : levels_) {
      const bool was_empty = words[i >> 6] == 0;
      words[i >> 6] |= std::uint64_t{1} << (i & 63);
      if (!was_empty) return;
      i >>= 6;
    }
  }
  void erase(std::size_t i) noexcept {
    for (auto& words : levels_) {
      words[i >> 6] &= ~(std::uint64_t{1} << (i & 63));
      if (words[i >> 6] != 0) return;
      i >>= 6;
    }
  }
  [[nodiscard]] std::size_t next(std::size_t i) const noexcept {
    for (std::size_t l = 0; l < levels_.size(); ++l) {
      const std::size_t w = i >> 6;
      if (w >= levels_[l].size()) return none;
      if (const std::uint64_t m = levels_[l][w] & (~std::uint64_t{0} << (i & 63)); m != 0) {
        i = w * 64 + static_cast<std::size_t>(std::countr_zero(m));
        while (l-- > 0) i = i * 64 + static_cast<std::size_t>(std::countr_zero(levels_[l][i]));
        return i;
      }
      i = w + 1;
    }
    return none;
  }

 private:
  std::vector<std::vector<std::uint64_t>> levels_;  // levels_[0]: the positions
};

class belady_ranks {
 public:
  /// `events`: how many positions the walk makes at most (sizes the first allocation).
  /// `min_capacity`: the fewest positions kept before compacting.
  explicit belady_ranks(std::size_t events, std::size_t min_capacity = std::size_t{1} << 16)
      : min_capacity_(std::max<std::size_t>(min_capacity, 2)) {
    reserve(std::min(events, min_capacity_));
  }

  /// True when the next advance() needs compact() first.
  [[nodiscard]] bool full() const noexcept { return now_ == at_.size(); }
  /// Renumbers the positions densely, keeping the alive ones and the ones in
  /// `held` (the latest event of every value that will be loaded again: a
  /// later close starts there), which are rewritten to their new numbers;
  /// nothing else can be reached again. Memory then follows the live values,
  /// not the length of the walk.
  void compact(std::vector<std::uint32_t*>& held) {
    std::vector<std::uint32_t> renumber(now_, none);
    for (std::uint32_t t = newest_; t != none; t = at_[t].prev) renumber[t] = 0;
    for (std::uint32_t* p : held) renumber[*p] = 0;
    std::vector<position> kept;
    std::uint32_t n = 0;
    std::vector<std::uint32_t> alive;
    for (std::uint32_t t = 0; t < now_; ++t) {
      if (renumber[t] == none) continue;
      renumber[t] = n++;
      const bool is_alive = alive_.next(t) == t;
      if (is_alive) alive.push_back(n - 1);
      // With the counts cleared, born = -C keeps C(t) for alive positions (mod 2^32).
      kept.push_back({is_alive ? 0u - static_cast<std::uint32_t>(count_at(t)) : 0u, at_[t].prev, at_[t].margin});
    }
    for (auto& k : kept)
      if (k.prev != none) k.prev = renumber[k.prev];
    for (std::uint32_t* p : held) *p = renumber[*p];
    newest_ = newest_ == none ? none : renumber[newest_];
    closed_ = 0;
    now_ = n;
    reserve(std::max(min_capacity_, 4 * std::size_t{n}));
    std::copy(kept.begin(), kept.end(), at_.begin());
    for (std::uint32_t t : alive) alive_.insert(t);
  }

  /// Time of the next position to be made.
  [[nodiscard]] std::uint32_t now() const noexcept { return now_; }

  /// 1 + max C(tau) over tau in (p, now): the MIN stack distance of a load
  /// at time now whose value's previous event was at time p < now.
  [[nodiscard]] std::uint64_t rank_since(std::uint32_t p) noexcept {
    if (p + 1 >= now_) return 1;
    return 1 + count_at(find(p + 1));
  }
  /// The dormancy [p, now - 1] ends with the load at time now.
  void close(std::uint32_t p) noexcept {
    starts_[p >> 6] |= std::uint64_t{1} << (p & 63);  // one dormancy starts at a position: its value's event
    for (std::size_t i = std::size_t{p >> 6} + 1; i < word_tree_.size(); i += i & (~i + 1)) ++word_tree_[i];
    ++closed_;
    ++newest_count_;
    const std::uint32_t r = find(p);
    if (at_[r].prev != none && --at_[r].margin == 0) remove_before(r);
  }
  /// Makes the position at time now (after the event there is priced).
  void advance() noexcept {
    const std::uint32_t t = now_++;
    at_[t] = {closed_, newest_, newest_count_};
    alive_.insert(t);
    if (newest_ != none && newest_count_ == 0) remove_before(t);
    newest_ = t;
    newest_count_ = 0;
  }

 private:
  static constexpr std::uint32_t none = ~std::uint32_t{0};
  void reserve(std::size_t capacity) {
    if (capacity >= none) capacity = none - 1;
    starts_.assign((capacity + 63) / 64, 0);
    word_tree_.assign(starts_.size() + 1, 0);
    alive_.reset(capacity);
    at_.resize(capacity);
  }
  [[nodiscard]] std::uint64_t count_at(std::uint32_t t) const noexcept {
    // modulo 2^32: born may be -C after a compaction
    auto s = metrics::detail::ones(starts_[t >> 6] << (63 - (t & 63)));
    for (std::size_t i = t >> 6; i > 0; i &= i - 1) s += word_tree_[i];
    return static_cast<std::uint32_t>(s - at_[t].born);
  }
  /// The first alive position at or after t (t < now; the newest is alive).
  [[nodiscard]] std::uint32_t find(std::uint32_t t) const noexcept {
    return static_cast<std::uint32_t>(alive_.next(t));
  }
  /// Removes the alive position just before alive position r (dominated by r).
  void remove_before(std::uint32_t r) noexcept {
    const std::uint32_t l = at_[r].prev;
    at_[r].prev = at_[l].prev;
    at_[r].margin = at_[l].margin;
    alive_.erase(l);
  }

  struct position {
    std::uint32_t born;    // closed dormancies when the position was made (since the last compaction)
    std::uint32_t prev;    // alive: the alive position before it
    std::uint32_t margin;  // alive: C(prev) - C(this)
  };
  position_set alive_;
  std::size_t min_capacity_;
  // The starts of closed dormancies as a bitmap over positions, with a
  // Fenwick tree over its words' counts: 64 times smaller than a tree over
  // positions, so its upper levels stay in cache.
  std::vector<std::uint64_t> starts_;
  std::vector<std::uint32_t> word_tree_;
  std::vector<position> at_;
  std::uint32_t now_ = 0;
  std::uint32_t closed_ = 0;
  std::uint32_t newest_ = none;
  std::uint32_t newest_count_ = 0;  // C(newest)
};

}  // namespace sutro::metrics::dmd::detail
