#pragma once
// Incremental GF(2) echelon basis for equations with a right-hand side, the
// kernel of the parity solvers. An equation is `words` 64-bit words: bits
// [0, n) are coefficients, bit n is the right-hand side. W > 0 fixes the word
// count at compile time (the fast paths: n + 1 <= 64 and <= 128) and keeps the
// basis on the stack; W = 0 sizes it at run time.
//
//   sutro::solvers::gf2_basis<1> basis(20);
//   for (...) if (basis.insert(eq) < 0) ...;     // -1: contradicts earlier equations
//   if (basis.full()) basis.solve(x);            // the unique solution

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sutro/backend/traits.hpp"
#include "sutro/memory/accounting_allocator.hpp"
#include "sutro/memory/aligned_allocator.hpp"

namespace sutro::solvers {

/// Work buffers of the solvers: counted by the accounting allocator, so the
/// lab's memory columns include them.
template <class T>
using work_vector = std::vector<T, backend_allocator_t<scalar, T>>;

template <std::size_t W>
class gf2_basis {
 public:
  explicit gf2_basis(std::size_t n) : n_(n), nw_(W ? W : (n + 64) / 64) {
    if (W && n + 1 > 64 * W)
      throw std::invalid_argument("gf2_basis<" + std::to_string(W) + ">: n = " + std::to_string(n) +
                                  " needs more than " + std::to_string(W) + " words per equation");
    if constexpr (W == 0) {
      rows_.assign(n_ * nw_, 0);
      has_.assign(nw_, 0);
    } else {
      has_.fill(0);
    }
  }

  [[nodiscard]] std::size_t n() const noexcept { return n_; }
  [[nodiscard]] std::size_t words() const noexcept { return nw_; }
  [[nodiscard]] std::size_t rank() const noexcept { return rank_; }
  [[nodiscard]] bool full() const noexcept { return rank_ == n_; }

  void clear() noexcept {
    for (std::size_t w = 0; w < nw_; ++w) has_[w] = 0;
    rank_ = 0;
  }

  /// Reduces `eq` (modified in place) and adds it. Returns 1 when the rank
  /// grew, 0 when it was implied, -1 when it contradicts the basis (0 = 1).
  int insert(std::uint64_t* eq) noexcept {
    std::size_t w = 0;
    for (;;) {
      std::uint64_t v = 0;
      for (; w < nw_; ++w) {
        v = eq[w] & coef_mask(w);
        if (v) break;
      }
      if (w == nw_) return (eq[n_ / 64] >> (n_ % 64)) & 1u ? -1 : 0;
      const std::size_t c = w * 64 + static_cast<std::size_t>(std::countr_zero(v));
      std::uint64_t* pivot = row(c);
      if ((has_[c / 64] >> (c % 64)) & 1u) {
        for (std::size_t i = w; i < nw_; ++i) eq[i] ^= pivot[i];
      } else {
        for (std::size_t i = 0; i < nw_; ++i) pivot[i] = eq[i];
        has_[c / 64] |= std::uint64_t{1} << (c % 64);
        ++rank_;
        return 1;
      }
    }
  }

  /// The solution (requires full()): x gets `words()` words, bits [0, n).
  void solve(std::uint64_t* x) const noexcept {
    for (std::size_t w = 0; w < nw_; ++w) x[w] = 0;
    for (std::size_t c = n_; c-- > 0;) {
      const std::uint64_t* r = row(c);
      unsigned bit = (r[n_ / 64] >> (n_ % 64)) & 1u;
      for (std::size_t w = c / 64; w < nw_; ++w) bit ^= static_cast<unsigned>(std::popcount(r[w] & x[w])) & 1u;
      x[c / 64] |= std::uint64_t{bit} << (c % 64);
    }
  }

 private:
  [[nodiscard]] std::uint64_t coef_mask(std::size_t w) const noexcept {
    if (w < n_ / 64) return ~std::uint64_t{0};
    if (w == n_ / 64) return (std::uint64_t{1} << (n_ % 64)) - 1;
    return 0;
  }
  std::uint64_t* row(std::size_t c) noexcept { return rows_.data() + c * nw_; }
  const std::uint64_t* row(std::size_t c) const noexcept { return rows_.data() + c * nw_; }

  using row_storage = std::conditional_t<(W > 0), std::array<std::uint64_t, 64 * W * (W ? W : 1)>,
                                         work_vector<std::uint64_t>>;
  using mask_storage = std::conditional_t<(W > 0), std::array<std::uint64_t, (W ? W : 1)>,
                                          work_vector<std::uint64_t>>;
  std::size_t n_;
  std::size_t nw_;
  std::size_t rank_ = 0;
  row_storage rows_;  // row c: the basis equation whose lowest coefficient is c
  mask_storage has_;  // bit c: row c is present
};

} // namespace sutro::solvers
