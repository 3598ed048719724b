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
// answer is C at the first alive position after p (union-find with path
// halving). A close adds 1 to the alive positions from a on: only the
// alive position just before a can become dominated (its margin over the
// next one drops by exactly 1), so at most one leaves per close.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sutro::dmd::detail {

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
    for (std::uint32_t t = 0; t < now_; ++t) {
      if (renumber[t] == none) continue;
      renumber[t] = n++;
      const bool alive = at_[t].next == t;
      // With the Fenwick tree cleared, born = -C keeps C(t) for alive positions (mod 2^32).
      kept.push_back({alive ? 0u - static_cast<std::uint32_t>(count_at(t)) : 0u, at_[t].prev, alive ? n - 1 : n,
                      at_[t].margin});
    }
    for (auto& k : kept)
      if (k.prev != none) k.prev = renumber[k.prev];
    for (std::uint32_t* p : held) *p = renumber[*p];
    newest_ = newest_ == none ? none : renumber[newest_];
    closed_ = 0;
    now_ = n;
    reserve(std::max(min_capacity_, 4 * std::size_t{n}));
    std::copy(kept.begin(), kept.end(), at_.begin());
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
    for (std::size_t i = std::size_t{p} + 1; i < fenwick_.size(); i += i & (~i + 1)) ++fenwick_[i];
    ++closed_;
    ++newest_count_;
    const std::uint32_t r = find(p);
    if (at_[r].prev != none && --at_[r].margin == 0) remove_before(r);
  }
  /// Makes the position at time now (after the event there is priced).
  void advance() noexcept {
    const std::uint32_t t = now_++;
    at_[t] = {closed_, newest_, t, newest_count_};
    if (newest_ != none && newest_count_ == 0) remove_before(t);
    newest_ = t;
    newest_count_ = 0;
  }

 private:
  static constexpr std::uint32_t none = ~std::uint32_t{0};
  void reserve(std::size_t capacity) {
    if (capacity >= none) capacity = none - 1;
    fenwick_.assign(capacity + 1, 0);
    at_.resize(capacity);
  }
  [[nodiscard]] std::uint64_t count_at(std::uint32_t t) const noexcept {
    std::uint32_t s = 0;  // modulo 2^32: born may be -C after a compaction
    for (std::size_t i = std::size_t{t} + 1; i > 0; i &= i - 1) s += fenwick_[i];
    return static_cast<std::uint32_t>(s - at_[t].born);
  }
  /// The first alive position at or after t (t < now).
  [[nodiscard]] std::uint32_t find(std::uint32_t t) noexcept {
    while (at_[t].next != t) {
      at_[t].next = at_[at_[t].next].next;
      t = at_[t].next;
    }
    return t;
  }
  /// Removes the alive position just before alive position r (dominated by r).
  void remove_before(std::uint32_t r) noexcept {
    const std::uint32_t l = at_[r].prev;
    at_[r].prev = at_[l].prev;
    at_[r].margin = at_[l].margin;
    at_[l].next = l + 1;
  }

  struct position {
    std::uint32_t born;    // closed dormancies when the position was made (since the last compaction)
    std::uint32_t prev;    // alive: the alive position before it
    std::uint32_t next;    // union-find toward the next alive position
    std::uint32_t margin;  // alive: C(prev) - C(this)
  };
  std::size_t min_capacity_;
  std::vector<std::uint32_t> fenwick_;  // starts of closed dormancies, by position
  std::vector<position> at_;
  std::uint32_t now_ = 0;
  std::uint32_t closed_ = 0;
  std::uint32_t newest_ = none;
  std::uint32_t newest_count_ = 0;  // C(newest)
};

}  // namespace sutro::dmd::detail
