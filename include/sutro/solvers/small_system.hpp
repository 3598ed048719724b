#pragma once
// One small GF(2) system (n <= 128 unknowns) solved in fixed-size storage, by
// host and device code alike: the per-system core of solvers::solve_batch.
//
//   auto r = sutro::solvers::solve_small<64>(n, m, [&](std::size_t i, std::uint64_t* row) {
//     ...write row i's input words...; return label_bit;   // the equation <row, s> = label
//   });
//   if (r.status == sutro::solvers::solve_status::found) use(r.mask);  // the secret's indicator
//
// Same answer as gf2_elimination::eliminate (uncertified: no weight or noise
// check) on the same rows (tests/solvers/small_system_test.cpp):
// found (full rank, every row agrees), failed (some row contradicts the others) or
// ambiguous (consistent, rank below n). Rows are inserted one at a time into an
// echelon basis indexed by pivot column (pivot = lowest set bit), so a system never
// holds more than n rows, whatever the number of samples: MaxN x (MaxN / 64) words,
// 512 bytes at MaxN = 64, 2 KiB at 128. After full rank the remaining rows only
// verify the solution (one popcount each).

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sutro/config/macros.hpp"
#include "sutro/solvers/result.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace sutro::solvers {

/// One system's answer in a fixed-size form (device friendly); subset() gives
/// the sorted indices a solve_result holds.
struct small_result {
  std::uint64_t mask[2] = {0, 0};  ///< bit j: j is in the secret (found only)
  solve_status status = solve_status::failed;
  std::uint32_t rank = 0;           ///< rank of the rows inserted (the system's rank)
  std::uint32_t samples_used = 0;   ///< rows inserted before full rank (or all)
  std::uint32_t disagreements = 0;  ///< rows contradicting the basis or the solution

  [[nodiscard]] std::vector<std::uint32_t> subset() const {
    return status == solve_status::found ? detail::mask_to_subset(mask, 2) : std::vector<std::uint32_t>{};
  }
  friend bool operator==(const small_result& a, const small_result& b) noexcept {
    return a.mask[0] == b.mask[0] && a.mask[1] == b.mask[1] && a.status == b.status && a.rank == b.rank &&
           a.samples_used == b.samples_used && a.disagreements == b.disagreements;
  }
};

/// Echelon basis of at most MaxN columns (MaxN <= 128); label bits kept beside the rows.
template <std::size_t MaxN>
class small_system {
  static_assert(MaxN >= 1 && MaxN <= 128, "small_system holds at most 128 unknowns");

 public:
  static constexpr std::size_t words = (MaxN + 63) / 64;

  SUTRO_HOST_DEVICE explicit small_system(std::size_t n) : n_(static_cast<std::uint32_t>(n)) {
    for (std::size_t w = 0; w < words; ++w) pivots_[w] = labels_[w] = 0;
  }

  [[nodiscard]] SUTRO_HOST_DEVICE std::uint32_t rank() const { return rank_; }
  [[nodiscard]] SUTRO_HOST_DEVICE bool full() const { return rank_ == n_; }

  /// Adds the equation <row, s> = label (row: `words` words, bits >= n zero).
  /// Returns 1 (new pivot), 0 (implied by the basis) or -1 (contradicts it).
  SUTRO_HOST_DEVICE int insert(const std::uint64_t* row, unsigned label) {
    std::uint64_t eq[words];
    for (std::size_t w = 0; w < words; ++w) eq[w] = row[w];
    unsigned lab = label & 1u;
    std::size_t w = 0;
    for (;;) {
      while (w < words && eq[w] == 0) ++w;  // bits below the current pivot stay clear
      if (w == words) return lab ? -1 : 0;
      const std::size_t c = w * 64 + lowest_bit(eq[w]);
      if (!((pivots_[c / 64] >> (c % 64)) & 1u)) {
        for (std::size_t v = 0; v < words; ++v) basis_[c][v] = eq[v];
        pivots_[c / 64] |= std::uint64_t{1} << (c % 64);
        labels_[c / 64] |= std::uint64_t{lab} << (c % 64);
        ++rank_;
        return 1;
      }
      for (std::size_t v = w; v < words; ++v) eq[v] ^= basis_[c][v];
      lab ^= static_cast<unsigned>(labels_[c / 64] >> (c % 64)) & 1u;
    }
  }

  /// The unique solution (full rank only) into x[words], by back substitution.
  SUTRO_HOST_DEVICE void solve(std::uint64_t* x) const {
    for (std::size_t w = 0; w < words; ++w) x[w] = 0;
    for (std::size_t c = n_; c-- > 0;) {
      unsigned p = static_cast<unsigned>(labels_[c / 64] >> (c % 64)) & 1u;
      for (std::size_t w = c / 64; w < words; ++w) p ^= tasks::detail::popcount64(basis_[c][w] & x[w]) & 1u;
      x[c / 64] |= std::uint64_t{p} << (c % 64);
    }
  }

 private:
  SUTRO_HOST_DEVICE static unsigned lowest_bit(std::uint64_t w) {
#if defined(__CUDA_ARCH__)
    return static_cast<unsigned>(__ffsll(static_cast<long long>(w)) - 1);
#else
    return static_cast<unsigned>(__builtin_ctzll(w));
#endif
  }

  std::uint64_t basis_[MaxN][words];  // basis_[c]: the row with lowest set bit c (when pivot c exists)
  std::uint64_t pivots_[words];
  std::uint64_t labels_[words];
  std::uint32_t n_;
  std::uint32_t rank_ = 0;
};

/// Solves the m equations given by row_of(i, row) -> label bit (row: words
/// words, zeroed before each call) for n <= MaxN unknowns, with gf2_elimination's
/// rules: rows go into the basis until full rank, the rest verify the solution.
/// More than MaxN unknowns throws std::invalid_argument on the host; device
/// code (whose callers pick MaxN from n) gets `failed` with rank 0.
template <std::size_t MaxN, class RowOf>
[[nodiscard]] SUTRO_HOST_DEVICE small_result solve_small(std::size_t n, std::size_t m, RowOf&& row_of) {
  if (n > MaxN) {
#if defined(__CUDA_ARCH__)
    return small_result{};
#else
    throw std::invalid_argument("sutro::solvers::solve_small: n = " + std::to_string(n) +
                                " unknowns, but MaxN = " + std::to_string(MaxN));
#endif
  }
  constexpr std::size_t W = small_system<MaxN>::words;
  small_system<MaxN> sys(n);
  small_result r;
  // One spare word: row_of may write rows in Philox word pairs, and GCC cannot
  // prove its row length <= W (a false -Warray-bounds otherwise).
  std::uint64_t row[W + 1];
  std::size_t i = 0;
  for (; i < m && !sys.full(); ++i) {
    for (std::size_t w = 0; w < W; ++w) row[w] = 0;
    if (sys.insert(row, row_of(i, row)) < 0) ++r.disagreements;
  }
  r.samples_used = static_cast<std::uint32_t>(i);
  r.rank = sys.rank();
  if (r.disagreements) return r;  // failed
  if (!sys.full()) {
    r.status = solve_status::ambiguous;
    return r;
  }
  std::uint64_t x[W];
  sys.solve(x);
  for (; i < m; ++i) {
    for (std::size_t w = 0; w < W; ++w) row[w] = 0;
    const unsigned label = row_of(i, row) & 1u;
    unsigned p = 0;
    for (std::size_t w = 0; w < W; ++w) p ^= tasks::detail::popcount64(row[w] & x[w]);
    r.disagreements += (p & 1u) != label;
  }
  if (r.disagreements) return r;
  for (std::size_t w = 0; w < W; ++w) r.mask[w] = x[w];
  r.status = solve_status::found;
  return r;
}

/// The smallest MaxN this library instantiates for n unknowns: 64 or 128.
[[nodiscard]] SUTRO_HOST_DEVICE constexpr std::size_t small_capacity(std::size_t n) { return n <= 64 ? 64 : 128; }

}  // namespace sutro::solvers
