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

#include <cstdint>
#include <vector>

namespace sutro::dmd::detail {

class belady_ranks {
 public:
  explicit belady_ranks(std::size_t events)
      : fenwick_(events + 1, 0), born_(events, 0), prev_(events, none), next_(events, 0), margin_(events, 0) {}

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
    if (prev_[r] != none && --margin_[r] == 0) remove_before(r);
  }
  /// Makes the position at time now (after the event there is priced).
  void advance() noexcept {
    const std::uint32_t t = now_++;
    born_[t] = closed_;
    next_[t] = t;
    prev_[t] = newest_;
    margin_[t] = newest_count_;
    if (newest_ != none && newest_count_ == 0) remove_before(t);
    newest_ = t;
    newest_count_ = 0;
  }

 private:
  static constexpr std::uint32_t none = ~std::uint32_t{0};
  [[nodiscard]] std::uint64_t count_at(std::uint32_t t) const noexcept {
    std::uint64_t s = 0;
    for (std::size_t i = std::size_t{t} + 1; i > 0; i &= i - 1) s += fenwick_[i];
    return s - born_[t];
  }
  /// The first alive position at or after t (t < now).
  [[nodiscard]] std::uint32_t find(std::uint32_t t) noexcept {
    while (next_[t] != t) {
      next_[t] = next_[next_[t]];
      t = next_[t];
    }
    return t;
  }
  /// Removes the alive position just before alive position r (dominated by r).
  void remove_before(std::uint32_t r) noexcept {
    const std::uint32_t l = prev_[r];
    prev_[r] = prev_[l];
    margin_[r] = margin_[l];
    next_[l] = l + 1;
  }

  std::vector<std::uint32_t> fenwick_;  // starts of closed dormancies, by position
  std::vector<std::uint32_t> born_;     // closed dormancies when the position was made
  std::vector<std::uint32_t> prev_;     // alive: the alive position before it
  std::vector<std::uint32_t> next_;     // union-find toward the next alive position
  std::vector<std::uint32_t> margin_;   // alive: C(prev) - C(this)
  std::uint32_t now_ = 0;
  std::uint32_t closed_ = 0;
  std::uint32_t newest_ = none;
  std::uint32_t newest_count_ = 0;  // C(newest)
};

}  // namespace sutro::dmd::detail
