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
//
// The loops index memory only through handles that the memory-access policy
// (memory/access_policy.hpp) makes from pointers: raw_access, the default, is
// the plain pointer code; recording_access records every word read and
// written, which is how the lab traces the solvers' own loops:
//
//   sutro::memory::trace t;
//   sutro::solvers::gf2_basis<1, sutro::memory::recording_access> traced(20, {&t});

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "sutro/backend/traits.hpp"
#include "sutro/memory/access_policy.hpp"
#include "sutro/memory/accessor.hpp"
#include "sutro/memory/accounting_allocator.hpp"
#include "sutro/memory/aligned_allocator.hpp"
#include "sutro/memory/trace.hpp"

namespace sutro::solvers {

/// Work buffers of the solvers: counted by the accounting allocator, so the
/// lab's memory columns include them.
template <class T>
using work_vector = std::vector<T, backend_allocator_t<scalar, T>>;

namespace detail {
/// std::equal / std::copy of n words through handles (the standard algorithms
/// on raw pointers: the code as it always was).
template <class A, class B>
bool equal_words(A a, B b, std::size_t n) {
  if constexpr (std::is_pointer_v<A> && std::is_pointer_v<B>) {
    return std::equal(a, a + n, b);
  } else {
    for (std::size_t w = 0; w < n; ++w)
      if (std::uint64_t(a[w]) != std::uint64_t(b[w])) return false;
    return true;
  }
}
template <class S, class D>
void copy_words(S src, D dst, std::size_t n) {
  if constexpr (std::is_pointer_v<S> && std::is_pointer_v<D>) {
    std::copy(src, src + n, dst);
  } else {
    for (std::size_t w = 0; w < n; ++w) dst[w] = std::uint64_t(src[w]);
  }
}
}  // namespace detail

template <std::size_t W, class Memory = memory::raw_access>
class gf2_basis {
  static constexpr bool nothrow = !Memory::records;

 public:
  explicit gf2_basis(std::size_t n, Memory mem = {}) : n_(n), nw_(W ? W : (n + 64) / 64), mem_(mem) {
    if (W && n + 1 > 64 * W)
      throw std::invalid_argument("sutro::solvers::gf2_basis<" + std::to_string(W) + ">: n = " + std::to_string(n) +
                                  " needs more than " + std::to_string(W) + " words per equation");
    if constexpr (W == 0) {
      rows_.assign(n_ * nw_, 0);
      has_.assign(nw_, 0);
    } else {
      has_.fill(0);
    }
  }

  [[nodiscard]] std::size_t n() const noexcept { return n_; }
  [[nodiscard]] std::size_t words() const noexcept { return nw(); }
  [[nodiscard]] std::size_t rank() const noexcept { return rank_; }
  [[nodiscard]] bool full() const noexcept { return rank_ == n_; }

  void clear() noexcept(nothrow) {
    for (std::size_t w = 0; w < nw(); ++w) has(w) = 0;
    rank_ = 0;
  }

  /// Reduces `eq` (modified in place; a pointer or a handle to `words()`
  /// words) and adds it. Returns 1 when the rank grew, 0 when it was implied,
  /// -1 when it contradicts the basis (0 = 1).
  template <class P>
  int insert(P eq) noexcept(nothrow&& std::is_pointer_v<P>) {
    std::size_t w = 0;
    for (;;) {
      std::uint64_t v = 0;
      for (; w < nw(); ++w) {
        v = std::uint64_t(eq[w]) & coef_mask(w);
        if (v) break;
      }
      if (w == nw()) return (std::uint64_t(eq[n_ / 64]) >> (n_ % 64)) & 1u ? -1 : 0;
      const std::size_t c = w * 64 + static_cast<std::size_t>(std::countr_zero(v));
      const auto pivot = mem_(row(c));
      if ((std::uint64_t(has(c / 64)) >> (c % 64)) & 1u) {
        for (std::size_t i = w; i < nw(); ++i) {
          const std::uint64_t s = pivot[i];
          eq[i] ^= s;
        }
      } else {
        for (std::size_t i = 0; i < nw(); ++i) pivot[i] = std::uint64_t(eq[i]);
        has(c / 64) |= std::uint64_t{1} << (c % 64);
        ++rank_;
        return 1;
      }
    }
  }

  /// The solution (requires full()): x (a pointer or a handle) gets `words()` words, bits [0, n).
  template <class P>
  void solve(P x) const noexcept(nothrow&& std::is_pointer_v<P>) {
    for (std::size_t w = 0; w < nw(); ++w) x[w] = 0;
    for (std::size_t c = n_; c-- > 0;) {
      const auto r = mem_(row(c));
      unsigned bit = (std::uint64_t(r[n_ / 64]) >> (n_ % 64)) & 1u;
      for (std::size_t w = c / 64; w < nw(); ++w)
        bit ^= static_cast<unsigned>(std::popcount(std::uint64_t(r[w]) & std::uint64_t(x[w]))) & 1u;
      x[c / 64] |= std::uint64_t{bit} << (c % 64);
    }
  }

 private:
  // The word count as a constant when W fixes it: the loops over a row
  // unroll, and the fixed-width paths need fewer registers.
  [[nodiscard]] std::size_t nw() const noexcept { return W ? W : nw_; }
  [[nodiscard]] std::uint64_t coef_mask(std::size_t w) const noexcept {
    if (w < n_ / 64) return ~std::uint64_t{0};
    if (w == n_ / 64) return (std::uint64_t{1} << (n_ % 64)) - 1;
    return 0;
  }
  // has_[w] itself under memory::raw_access: indexing the member array (not through
  // data()) is what the optimizer was always given, and it schedules it better.
  decltype(auto) has(std::size_t w) noexcept(nothrow) {
    if constexpr (Memory::records)
      return mem_(has_.data())[w];
    else
      return (has_[w]);
  }
  std::uint64_t* row(std::size_t c) noexcept { return rows_.data() + c * nw(); }
  const std::uint64_t* row(std::size_t c) const noexcept { return rows_.data() + c * nw(); }

  using row_storage =
      std::conditional_t<(W > 0), std::array<std::uint64_t, 64 * W*(W ? W : 1)>, work_vector<std::uint64_t>>;
  using mask_storage = std::conditional_t<(W > 0), std::array<std::uint64_t, (W ? W : 1)>, work_vector<std::uint64_t>>;
  std::size_t n_;
  std::size_t nw_;
  std::size_t rank_ = 0;
  [[no_unique_address]] Memory mem_;
  row_storage rows_;  // row c: the basis equation whose lowest coefficient is c
  mask_storage has_;  // bit c: row c is present
};

}  // namespace sutro::solvers
