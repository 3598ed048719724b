#pragma once
// GF(2) elimination for noiseless sparse parity: each sample is one equation
// <b, s> = y over GF(2). Rows are added to an echelon basis until its rank is
// n, the unique solution is read off, and the remaining rows verify it.
//
//   auto train = sutro::tasks::sparse_parity(20, 3, 42).packed(sutro::tasks::split::train, 30);
//   auto r = sutro::solvers::gf2_elimination{}.solve(train);   // r.subset == task.secret()
//   sutro::memory::trace t;                                     // the same solve, every access recorded:
//   auto same = sutro::solvers::gf2_elimination{}.solve(train, sutro::memory::recording_access{&t});
//
// Rank below n: `ambiguous` (a whole affine space fits; no guess). A row that
// contradicts the others, or a solution whose weight is not spec.k: `failed`.
// A spec with noise > 0: `failed` without solving (it does not apply; use
// noisy_parity). `found` is exact under the noise-free model: the solution is
// unique and every row agrees.
// Fast paths keep one equation (inputs + label bit) in one word for n <= 63
// and in two words for n <= 127, on the stack: a vectorized Gauss-Jordan on
// the first n + 16 rows, then (if those lack full rank) the incremental basis
// over all rows. Larger n eliminates the first n + 16 rows as W = (n + 64) / 64
// words each in one aligned heap block (as 8 x 8 bit tiles updated with
// GF2P8AFFINEQB where the CPU level has GFNI, AVX-512 BW and VBMI, chosen at
// run time: gf2_elimination_tiles.hpp), falling back to the incremental basis
// sized at run time when those rows lack rank. Every path takes the earliest
// row as pivot, so its statistics (samples_used = the rows up to rank n, the
// disagreements among them) are the incremental basis's own.

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>

#include "sutro/config/macros.hpp"
#include "sutro/memory/access_policy.hpp"
#include "sutro/solvers/bit_columns.hpp"
#include "sutro/solvers/certificate.hpp"
#include "sutro/solvers/gf2_basis.hpp"
#include "sutro/solvers/gf2_elimination_tiles.hpp"
#include "sutro/solvers/input_check.hpp"
#include "sutro/solvers/result.hpp"
#include "sutro/tasks/samples.hpp"

namespace sutro::solvers {

struct gf2_elimination_options {
  std::size_t max_samples = 0;  ///< use at most this many rows (0: all)
  bool verify_all = true;       ///< check every remaining row against the solution
};

namespace detail {
inline void require_parity(const tasks::packed_samples& d, const char* who) {
  check_samples(d, tasks::task_kind::parity, who);
}

/// The common ending of the noise-free solvers: they do not apply to noisy
/// specs (one flipped label makes the system inconsistent or, worse, moves its
/// unique solution), `found` needs weight k, and every status gets its reason.
/// Under the spec's noise-free model a unique solution consistent with every
/// row is the secret: no false positive to bound.
inline solve_result noise_free_only(const tasks::packed_samples& d, const char* who) {
  solve_result r;
  r.reason = std::string(who) + " does not apply: it is noise-free and spec.noise = " + format_double(d.spec.noise) +
             " (use noisy_parity, exhaustive or robust_gf2)";
  return r;
}
/// `checked`: how many of d's rows the solution was checked against (fewer
/// with verify_all = false or max_samples), so the reason never claims more.
inline void explain_exact(const tasks::packed_samples& d, solve_result& r, std::size_t checked) {
  const std::size_t n = d.spec.n, k = d.spec.k;
  if (r.status == solve_status::found && r.subset.size() != k) {
    r.status = solve_status::failed;
    r.reason = "the unique solution has " + std::to_string(r.subset.size()) +
               " indices, spec.k = " + std::to_string(k) + ": the labels are not a k-sparse parity of the inputs";
    r.subset.clear();
  } else if (r.status == solve_status::found) {  // the numbers are in stats; this path stays cheap
    if (checked >= d.count)
      r.reason = "unique solution at rank n, weight k, every row agrees (exact under the noise-free model)";
    else
      r.reason = "unique solution at rank n, weight k, every row checked agrees (" + std::to_string(checked) + "); " +
                 detail::counted(d.count - checked, "row") +
                 " not checked (verify_all = false or max_samples): exact only if they follow the noise-free "
                 "model";
  } else if (r.status == solve_status::ambiguous) {
    r.reason = "rank " + std::to_string(r.stats.rank) + " < n = " + std::to_string(n) + " after " +
               std::to_string(r.stats.samples_used) + " rows: 2^" + std::to_string(n - r.stats.rank) + " solutions fit";
  } else {
    r.reason = detail::counted(r.stats.disagreements, "row") +
               (r.stats.disagreements == 1 ? " contradicts" : " contradict") +
               " the others: the labels are not a parity of the inputs";
  }
}
// The loops below index every array (sample words, labels, the equation,
// the basis, the Gauss-Jordan words) through mem(pointer): memory::raw_access
// returns the pointer itself, so that instantiation is the timed code;
// memory::recording_access returns a handle recording each element access
// (the lab's traced run of this solver). One-word scalars (the pivot row of a
// Gauss-Jordan step, the solution of the fast paths) live in registers.

/// Row i as an equation: input words, then the label bit at position n.
template <class E, class Memory>
void equation_into(const tasks::packed_samples& d, std::size_t i, E eq, std::size_t nw, Memory mem) {
  const auto r = mem(d.row(i));
  for (std::size_t w = 0; w < nw; ++w) eq[w] = w < d.row_words ? std::uint64_t(r[w]) : 0;
  eq[d.spec.n / 64] |= std::uint64_t{label_bit_value(d, mem(d.labels.data())[i])} << (d.spec.n % 64);
}

template <std::size_t W, class Memory>
solve_result eliminate(const tasks::packed_samples& d, std::size_t m, bool verify_all, Memory mem) {
  const std::size_t n = d.spec.n;
  gf2_basis<W, Memory> basis(n, mem);
  const std::size_t nw = basis.words();
  std::conditional_t<(W > 0), std::array<std::uint64_t, (W ? W : 1)>, work_vector<std::uint64_t>> eq{}, x{};
  if constexpr (W == 0) {
    eq.assign(nw, 0);
    x.assign(nw, 0);
  }
  solve_result res;
  std::size_t i = 0;
  for (; i < m && !basis.full(); ++i) {
    equation_into(d, i, mem(eq.data()), nw, mem);
    if (basis.insert(mem(eq.data())) < 0) ++res.stats.disagreements;
  }
  res.stats.samples_used = i;
  res.stats.rank = basis.rank();
  res.stats.candidates = 1;
  if (res.stats.disagreements) return res;  // failed: the labels are not a parity of the inputs
  if (!basis.full()) {
    res.status = solve_status::ambiguous;
    return res;
  }
  basis.solve(mem(x.data()));
  if (verify_all) {
    const auto labels = mem(d.labels.data());
    for (; i < m; ++i) res.stats.disagreements += row_parity(d, i, mem(x.data()), mem) != label_bit_value(d, labels[i]);
    if (res.stats.disagreements) return res;
  }
  res.subset = mask_to_subset(x.data(), nw);  // the answer read off (not through mem)
  res.status = solve_status::found;
  return res;
}
/// Dense Gauss-Jordan for n + 1 <= 64 W (W = 1, 2) on the first rows, as
/// structure-of-arrays words so the row-update loop vectorizes. The pivot of
/// column c is the earliest row not yet a pivot with bit c set (rows stay in
/// place), so the pivot rows are the rows the incremental basis finds
/// independent: samples_used (last pivot + 1) and the disagreements are
/// eliminate<W>'s, as in gauss_jordan_wide. Returns false (caller falls back
/// to the incremental basis) when those rows lack full rank.
template <std::size_t W, class Memory>
bool gauss_jordan(const tasks::packed_samples& d, std::size_t m, bool verify_all, solve_result& res, Memory mem) {
  static_assert(W == 1 || W == 2);
  constexpr std::size_t cap = 64 * W + 16;
  const std::size_t n = d.spec.n, rows = std::min(m, n + 16);
  if (rows < n) return false;
  alignas(64) std::uint64_t w[W][cap];
  std::uint64_t pivot_flags[cap];  // all ones: the row is a pivot
  std::uint8_t pivot_row[64 * W];  // of each column
  for (std::size_t i = 0; i < rows; ++i) {
    std::uint64_t eq[2] = {0, 0};  // registers
    equation_into(d, i, eq, W, mem);
    for (std::size_t k = 0; k < W; ++k) mem(w[k])[i] = eq[k];
  }
  const auto used = mem(pivot_flags);
  const auto prow = mem(pivot_row);
  for (std::size_t i = 0; i < rows; ++i) used[i] = 0;
  std::size_t lo = 0, last = 0;  // rows below lo are all pivots
  for (std::size_t c = 0; c < n; ++c) {
    const auto col = mem(w[c / 64]);
    const unsigned sh = static_cast<unsigned>(c % 64);
    while (lo < rows && std::uint64_t(used[lo])) ++lo;
    std::size_t p = lo;  // a pivot's flag (all ones) hides its bit
    while (p < rows && !(((std::uint64_t(col[p]) & ~std::uint64_t(used[p])) >> sh) & 1u)) ++p;
    if (p == rows) return false;
    used[p] = ~std::uint64_t{0};
    prow[c] = static_cast<std::uint8_t>(p);
    last = std::max(last, p);
    std::uint64_t piv[W];
    for (std::size_t k = 0; k < W; ++k) piv[k] = mem(w[k])[p];
    // Clear column c everywhere (the pivot row too, restored below); the word
    // holding column c goes last, since its bits are the row masks.
    for (std::size_t t = 1; t <= W; ++t) {
      const std::size_t k = (c / 64 + t) % W;
      const auto dst = mem(w[k]);
      for (std::size_t i = 0; i < rows; ++i)
        dst[i] ^= piv[k] & (std::uint64_t{0} - ((std::uint64_t(col[i]) >> sh) & 1u));
    }
    for (std::size_t k = 0; k < W; ++k) mem(w[k])[p] = piv[k];
  }
  // Pivot rows are now unit vectors plus the label bit; every other row must be 0 = 0.
  const auto rhs = mem(w[n / 64]);
  const unsigned ls = static_cast<unsigned>(n % 64);
  std::uint64_t x[2] = {0, 0};  // registers
  for (std::size_t c = 0; c < n; ++c) x[c / 64] |= ((std::uint64_t(rhs[std::size_t(prow[c])]) >> ls) & 1u) << (c % 64);
  res.stats.samples_used = last + 1;
  res.stats.rank = n;
  res.stats.candidates = 1;
  for (std::size_t i = 0; i <= last; ++i)
    res.stats.disagreements += (std::uint64_t(rhs[i]) >> ls) & ~std::uint64_t(used[i]) & 1u;
  if (res.stats.disagreements) return true;
  if (verify_all) {
    for (std::size_t i = last + 1; i < rows; ++i) res.stats.disagreements += (std::uint64_t(rhs[i]) >> ls) & 1u;
    const auto labels = mem(d.labels.data());
    for (std::size_t i = rows; i < m; ++i) {
      const auto r = mem(d.row(i));
      unsigned p = static_cast<unsigned>(std::popcount(std::uint64_t(r[0]) & x[0]));
      if constexpr (W == 2)
        p += d.row_words > 1 ? static_cast<unsigned>(std::popcount(std::uint64_t(r[1]) & x[1])) : 0u;
      res.stats.disagreements += (p & 1u) != label_bit_value(d, labels[i]);
    }
    if (res.stats.disagreements) return true;
  }
  res.subset = mask_to_subset(x, W);
  res.status = solve_status::found;
  return true;
}

/// row ^= the NT entries t + off[q] (len words each, len a multiple of 4).
/// Restrict parameters tell the compiler the table is not the row, which
/// spares a run-time overlap check per row and table.
template <std::size_t NT>
inline void xor_entries(std::uint64_t* __restrict row, const std::uint64_t* __restrict t, const std::size_t* off,
                        std::size_t len) {
  for (std::size_t w = 0; w < len; w += 4) {
    std::uint64_t x[4];  // registers
    for (std::size_t u = 0; u < 4; ++u) x[u] = row[w + u];
    SUTRO_UNROLL(16)
    for (std::size_t q = 0; q < NT; ++q)
      for (std::size_t u = 0; u < 4; ++u) x[u] ^= t[off[q] + w + u];
    for (std::size_t u = 0; u < 4; ++u) row[w + u] = x[u];
  }
}

/// Rows [from, rows) that are not pivots XOR, for each of the NT nibbles of
/// their block bits (the word k0 shifted by sh, masked), that nibble's entry
/// of its table of 16 sums of the block's reduced pivot rows (words [ka, nw),
/// entries len words apart): every such row ends with its block bits 0. NT as
/// a constant unrolls the tables, so each 4-word chunk is one vector chain.
template <std::size_t NT, class A, class U, class T>
void apply_tables(A a, U used, T t, std::size_t from, std::size_t rows, std::size_t nw, std::size_t k0, std::size_t ka,
                  std::size_t len, unsigned sh, std::uint64_t mask) {
  std::size_t entry[16 * NT];  // the offset of each entry: a load instead of a multiply per row and table
  for (std::size_t e = 0; e < 16 * NT; ++e) entry[e] = e * len;
  for (std::size_t i = from; i < rows; ++i) {
    if (std::uint64_t(used[i])) continue;
    const std::uint64_t v = (std::uint64_t(a[i * nw + k0]) >> sh) & mask;
    if (!v) continue;
    std::size_t off[NT];
    SUTRO_UNROLL(16)
    for (std::size_t q = 0; q < NT; ++q) off[q] = entry[16 * q + ((v >> (4 * q)) & 15u)];
    if constexpr (std::is_pointer_v<A> && std::is_pointer_v<T>) {
      xor_entries<NT>(a + i * nw + ka, t, off, len);
    } else {
      for (std::size_t w = 0; w < len; ++w) {
        std::uint64_t x = std::uint64_t(a[i * nw + ka + w]);
        for (std::size_t q = 0; q < NT; ++q) x ^= std::uint64_t(t[off[q] + w]);
        a[i * nw + ka + w] = x;
      }
    }
  }
}

/// Forward elimination for any n on the first min(m, n + 16) rows, each row
/// (n + 64) / 64 words (padded to a multiple of 4) in one 64-byte aligned
/// block. The pivot of column c is the earliest row not yet a pivot with bit c
/// set, so the pivot rows are exactly the rows the incremental basis finds
/// independent, and every other row is its original plus earlier pivots:
/// samples_used (last pivot + 1) and the disagreements (rows reduced to 0 = 1)
/// are eliminate<0>'s. Columns go in blocks of J <= 32 inside one word (the
/// method of four Russians): the pivots of a block are found on that word
/// alone, the rows searched noting which pivots they took as sums of the
/// block's pivot rows; those sums invert the block's J x J bit matrix, which
/// turns the pivot rows into ones reduced to a unit vector on the block's
/// columns (written back as the pivot rows). Their sums in tables of 16 per 4
/// columns, small enough for L1, let every other row clear its block bits by
/// one lookup per nibble of those bits, no per-row code to compute: one pass
/// over the matrix per block instead of one per column. Returns false (caller falls back to the
/// incremental basis) when those rows lack full rank.
template <class Memory>
bool gauss_jordan_wide(const tasks::packed_samples& d, std::size_t m, bool verify_all, solve_result& res, Memory mem) {
  const std::size_t n = d.spec.n, rows = std::min(m, n + 16);
  if (rows < n) return false;
  // Rows padded to whole chunks of 4 words: the table updates are fixed-size vector XORs.
  const std::size_t nw = ((n + 64) / 64 + 3) & ~std::size_t{3}, lw = n / 64;
  const unsigned ls = static_cast<unsigned>(n % 64);
  // nt tables of 16 entries of up to nw words per block of 4 nt columns: the
  // tables (16 KiB for nw = 16) stay in L1 while the rows stream past them.
  // Measured on the Zen 4 at n = 200 to 1000: 8 tables beat 4 and 16 (more
  // passes over the rows; more lookups per row and a larger per-block setup).
  constexpr std::size_t nt = 8, bw = 4 * nt;
  // Row i at words [i nw, (i + 1) nw); then the block's word of every row,
  // the codes, pivot flags (all ones: a pivot), the pivot row of each column,
  // the tables of pivot row sums and of reduced pivot row sums, the solution.
  const std::size_t table_words = 16 * nt * nw;
  work_vector<std::uint64_t> block(rows * nw + 3 * rows + n + 2 * table_words + nw);
  std::uint64_t* const mat = block.data();
  std::uint64_t* const word0 = mat + rows * nw;
  std::uint64_t* const codes = word0 + rows;
  std::uint64_t* const pivot = codes + rows;
  std::uint64_t* const pivot_row = pivot + rows;
  std::uint64_t* const ptable = pivot_row + n;
  std::uint64_t* const rtable = ptable + table_words;
  std::uint64_t* const xw = rtable + table_words;
  const auto labels = mem(d.labels.data());
  const auto a = mem(mat);
  for (std::size_t i = 0; i < rows; ++i) {
    const auto r = mem(d.row(i));
    for (std::size_t k = 0; k < nw; ++k) a[i * nw + k] = k < d.row_words ? std::uint64_t(r[k]) : 0;
    a[i * nw + lw] |= std::uint64_t{label_bit_value(d, labels[i])} << ls;
  }
  const auto w0 = mem(word0), code = mem(codes), used = mem(pivot), prow = mem(pivot_row);
  const auto tp = mem(ptable), tr = mem(rtable);
  std::size_t lo = 0, last = 0;  // rows below lo are all pivots
  // Per block (registers and stack, not traced): the pivot rows; their block
  // words reduced against each other; the same as sums of the block's pivot
  // rows (bit l: the block's pivot l).
  std::size_t piv[bw];
  std::uint64_t rw[bw], inv[bw];
  for (std::size_t c0 = 0, c1 = 0; c0 < n; c0 = c1) {
    const std::size_t k0 = c0 / 64, ka = k0 & ~std::size_t{3}, len = nw - ka;  // words below k0: zero in the pivots
    c1 = std::min({c0 + bw, n, (k0 + 1) * 64});
    const std::size_t J = c1 - c0;
    const unsigned sh0 = static_cast<unsigned>(c0 % 64);
    const std::uint64_t bmask = (std::uint64_t{1} << J) - 1;
    while (lo < rows && std::uint64_t(used[lo])) ++lo;
    const std::size_t first = lo;
    // Rows [first, f) hold their block word reduced by the block's pivots so
    // far (w0: no bit left in their columns) and which pivot rows they took
    // (code); the search for the earliest pivot widens f row by row. The
    // pivots so far are kept reduced against each other (rw: a unit vector on
    // the block's columns found so far), so a new row takes each of them by
    // its own bit, not one after another.
    std::size_t f = first;
    for (std::size_t j = 0; j < J; ++j) {
      const std::size_t c = c0 + j;
      const unsigned sh = sh0 + static_cast<unsigned>(j);
      while (lo < rows && std::uint64_t(used[lo])) ++lo;
      std::size_t p = lo;
      while (p < f && (std::uint64_t(used[p]) || !((std::uint64_t(w0[p]) >> sh) & 1u))) ++p;
      bool found = p < f;
      while (!found && f < rows) {
        const std::size_t i = f++;
        if (std::uint64_t(used[i])) continue;
        std::uint64_t w = std::uint64_t(a[i * nw + k0]), cd = 0;
        for (std::uint64_t take = (w >> sh0) & ((std::uint64_t{1} << j) - 1); take; take &= take - 1) {
          const unsigned l = static_cast<unsigned>(std::countr_zero(take));
          w ^= rw[l];
          cd ^= inv[l];
        }
        w0[i] = w;
        code[i] = cd;
        p = i;
        found = (w >> sh) & 1u;
      }
      if (!found) return false;
      used[p] = ~std::uint64_t{0};
      prow[c] = p;
      piv[j] = p;
      last = std::max(last, p);
      rw[j] = w0[p];
      inv[j] = std::uint64_t(code[p]) | std::uint64_t{1} << j;
      for (std::size_t l = 0; l < j; ++l) {  // keep the pivots so far reduced
        const std::uint64_t mk = std::uint64_t{0} - ((rw[l] >> sh) & 1u);
        rw[l] ^= rw[j] & mk;
        inv[l] ^= inv[j] & mk;
      }
      for (std::size_t i = p + 1; i < f; ++i) {  // the few rows already reduced past p
        const std::uint64_t mk = (std::uint64_t{0} - ((std::uint64_t(w0[i]) >> sh) & 1u)) & ~std::uint64_t(used[i]);
        w0[i] ^= rw[j] & mk;
        code[i] ^= inv[j] & mk;
      }
    }
    // inv[j] is now the sum of the block's pivot rows with block bits the unit vector j.
    // Entry s of table q: the sum of the pivot rows q 4 + (s's bits), words [ka, nw).
    const std::size_t tn = (J + 3) / 4;  // tables holding pivots
    for (std::size_t q = 0; q < tn; ++q) {
      const std::size_t base = 16 * q * len;
      for (std::size_t w = 0; w < len; ++w) tp[base + w] = 0;
      for (std::size_t e = 0; e < 4; ++e) {
        const std::size_t hi = std::size_t{1} << e, j = 4 * q + e;
        for (std::size_t w = 0; w < len; ++w)
          tp[base + hi * len + w] = j < J ? std::uint64_t(a[piv[j] * nw + ka + w]) : 0;
        add_combinations(tp, base, len, hi);
      }
    }
    // The reduced pivot rows, from those tables: the pivot rows from now on
    // (back substitution needs only no bits below their column) and the
    // single-bit entries of the tables the other rows use.
    for (std::size_t j = 0; j < J; ++j) {
      const std::size_t at = (16 * (j / 4) + (std::size_t{1} << (j % 4))) * len;
      for (std::size_t w = 0; w < len; w += 4) {
        std::uint64_t x[4] = {0, 0, 0, 0};  // registers
        for (std::size_t q = 0; q < tn; ++q) {
          const std::size_t o = (16 * q + ((inv[j] >> (4 * q)) & 15u)) * len + w;
          for (std::size_t u = 0; u < 4; ++u) x[u] ^= std::uint64_t(tp[o + u]);
        }
        for (std::size_t u = 0; u < 4; ++u) {
          tr[at + w + u] = x[u];
          a[piv[j] * nw + ka + w + u] = x[u];
        }
      }
    }
    for (std::size_t q = 0; q < nt; ++q) {  // entry 0 of every table: nibbles past J are 0
      const std::size_t base = 16 * q * len;
      for (std::size_t w = 0; w < len; ++w) tr[base + w] = 0;
      for (std::size_t e = 1; e < 4 && 4 * q + e < J; ++e) add_combinations(tr, base, len, std::size_t{1} << e);
    }
    apply_tables<nt>(a, used, tr, first, rows, nw, k0, ka, len, sh0, bmask);
  }
  // Back substitution: the pivot row of column c has no bits below c.
  const auto x = mem(xw);
  for (std::size_t c = n; c-- > 0;) {
    const std::size_t p = prow[c];
    unsigned bit = static_cast<unsigned>((std::uint64_t(a[p * nw + lw]) >> ls) & 1u);
    for (std::size_t k = c / 64; k < nw; ++k)
      bit ^= static_cast<unsigned>(std::popcount(std::uint64_t(a[p * nw + k]) & std::uint64_t(x[k]))) & 1u;
    x[c / 64] |= std::uint64_t{bit} << (c % 64);
  }
  res.stats.samples_used = last + 1;
  res.stats.rank = n;
  res.stats.candidates = 1;
  // Every row that is not a pivot is now 0 = its residual label bit.
  for (std::size_t i = 0; i <= last; ++i)
    res.stats.disagreements += (std::uint64_t(a[i * nw + lw]) >> ls) & ~std::uint64_t(used[i]) & 1u;
  if (res.stats.disagreements) return true;
  if (verify_all) {
    for (std::size_t i = last + 1; i < rows; ++i) res.stats.disagreements += (std::uint64_t(a[i * nw + lw]) >> ls) & 1u;
    for (std::size_t i = rows; i < m; ++i)
      res.stats.disagreements += row_parity(d, i, x, mem) != label_bit_value(d, labels[i]);
    if (res.stats.disagreements) return true;
  }
  res.subset = mask_to_subset(xw, nw);  // the answer read off (not through mem)
  res.status = solve_status::found;
  return true;
}
}  // namespace detail

class gf2_elimination {
 public:
  gf2_elimination() = default;
  explicit gf2_elimination(gf2_elimination_options o) : opt_(o) {}
  [[nodiscard]] std::string_view name() const noexcept { return "gf2_elimination"; }

  [[nodiscard]] solve_result solve(const tasks::packed_samples& d) const { return solve(d, memory::raw_access{}); }
  /// The same solve with every array reached through `mem`: with
  /// memory::recording_access{&trace} each sample word, label, equation and
  /// basis word it reads or writes is recorded (the lab's traced run); the
  /// result is the same.
  template <class Memory>
  [[nodiscard]] solve_result solve(const tasks::packed_samples& d, Memory mem) const {
    constexpr const char* who = "sutro::solvers::gf2_elimination";
    detail::require_parity(d, who);
    if (d.spec.noise > 0) return detail::noise_free_only(d, who);
    solve_result r = run(d, mem);
    const std::size_t used = opt_.max_samples ? std::min(opt_.max_samples, d.count) : d.count;
    detail::explain_exact(d, r, opt_.verify_all ? used : std::min<std::size_t>(r.stats.samples_used, used));
    return r;
  }
  /// The linear algebra alone, uncertified: the unique solution of the rows
  /// whatever its weight and the spec's noise (what solve_small and the batch
  /// kernels compute); no reason is filled in.
  [[nodiscard]] solve_result eliminate(const tasks::packed_samples& d) const {
    detail::require_parity(d, "sutro::solvers::gf2_elimination::eliminate");
    return run(d, memory::raw_access{});
  }

 private:
  template <class Memory>
  [[nodiscard]] solve_result run(const tasks::packed_samples& d, Memory mem) const {
    const std::size_t m = opt_.max_samples ? std::min(opt_.max_samples, d.count) : d.count;
    const std::size_t n = d.spec.n;
    solve_result r;
    if (n + 1 <= 64)
      return detail::gauss_jordan<1>(d, m, opt_.verify_all, r, mem) ? r
                                                                    : detail::eliminate<1>(d, m, opt_.verify_all, mem);
    if (n + 1 <= 128)
      return detail::gauss_jordan<2>(d, m, opt_.verify_all, r, mem) ? r
                                                                    : detail::eliminate<2>(d, m, opt_.verify_all, mem);
    const bool tiles = detail::tiles_run();
    cpu::detail::note_kernel(tiles ? cpu::level::avx512_gfni : cpu::level::generic);
    const bool solved = tiles ? detail::gauss_jordan_tiles(d, m, opt_.verify_all, r, mem)
                              : detail::gauss_jordan_wide(d, m, opt_.verify_all, r, mem);
    return solved ? r : detail::eliminate<0>(d, m, opt_.verify_all, mem);
  }

  gf2_elimination_options opt_{};
};

}  // namespace sutro::solvers
