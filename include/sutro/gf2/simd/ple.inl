// Recursive PLE (the column recursion of M4RI's _mzd_ple): split A = [A1 A2]
// at a multiple of 64 columns, P1 A1 = L1 E1 recursively, apply P1 to A2,
// E12 = L11^-1 A2top (triangular solve), A2bot += L21 E12 (the fast product),
// recurse on A2bot. The trailing updates, nearly all of the work on large
// matrices, run on the GFNI / Strassen product instead of Four Russians
// table passes; blocks of at most ple_rec::base_cols columns take the flat
// M4RI elimination, or at the GFNI levels, where they have at least twice as
// many rows as columns, that of their first rows and one product for the
// rest (ple_rec::tall_block). Pivot choice and row swaps are those of the flat
// elimination (leftmost column, first row at or below), so P, L and E are
// the reference's bit for bit: the rows of A1 below its rank are zero after
// its elimination, so swapping them later changes nothing there, and the
// pivot rows of A1 satisfy L11 E = (P1 A)top on every column.

namespace ple_rec {
// Measured single thread on 8192^2 and 16384^2 random matrices on a loaded
// Zen 5 (CPU time, noisy): 1024 and 2048 alike, 512 a little and 256 clearly
// slower.
inline constexpr std::size_t base_cols = 1024;
// PLE: below this many rows or columns the flat elimination is as fast
// (8192^2: 50-65 ms recursive, 65 ms flat; 16384^2: 230-350 ms, 460 ms).
inline constexpr std::size_t min_dim = 2048;
// The plain echelon form is the PLE's E, but the recursion must record L
// (m x min(m, n) bits of scratch) and the flat elimination need not. With
// tall_block (GFNI levels), Intel Xeon, medians of 9 and 15: the recursion
// takes 2.3 ms at 2560^2 (flat 2.7), 5.6 ms at 4096^2 (8.3), 8.7 at 5000^2
// (14.4-15.3); at 2048^2 both take 1.5 ms.
// Below the GFNI levels (no tall blocks): the crossing measured with flat
// base blocks only, on Zen 4 at the GFNI level (best of 5: 4096^2 flat
// 9.9-10.2 ms, recursive 10.8-11.0; 5120^2 18-24 ms against 15-16); not
// measured at the lower levels themselves.
#if SUTRO_KERNEL_LEVEL >= 4
inline constexpr std::size_t min_dim_echelon = 2048;
#else
inline constexpr std::size_t min_dim_echelon = 5120;
#endif

// Row-wise copies of at least this many words are shared by a team.
inline constexpr std::size_t min_team_copy_words = std::size_t{1} << 15;

/// f(i0, i1) over [0, rows): in contiguous shares on the current team
/// (thread_team::current) where `words` of work are enough to share, else at once.
template <class F>
void on_rows(std::size_t words, std::size_t rows, unsigned threads, F&& f) {
  cpu::thread_team* team = words >= min_team_copy_words ? cpu::thread_team::current(threads) : nullptr;
  if (team != nullptr)
    cpu::share_range(*team, rows, f);
  else
    f(std::size_t{0}, rows);
}

template <class W>
detail::block<W> sub(detail::block<W> m, std::size_t r0, std::size_t rows, std::size_t c0, std::size_t cols) noexcept {
  return {m.data + r0 * m.stride + c0 / 64, rows, cols, m.stride};
}

using temp = matrix<::sutro::scalar, detail::scratch_allocator<word>>;

/// Rows [r0, r0 + rows) and bit columns [c0, c0 + cols) of l, aligned at column 0.
inline temp copy_bits(detail::cblock l, std::size_t r0, std::size_t rows, std::size_t c0, std::size_t cols) {
  temp out(rows, cols);
  const std::size_t nw = out.words_used();
  for (std::size_t i = 0; i < rows; ++i) {
    word* dst = out.row_ptr(i);
    const word* src = l.row(r0 + i);
    for (std::size_t k = 0; k < nw; ++k) dst[k] = m4ri_elim::bits_at(src, l.words(), c0 + 64 * k);
    if (nw != 0) dst[nw - 1] &= detail::tail_mask(cols);
  }
  return out;
}

/// ple_flat on a compact copy of a (in `rows`, reused from block to block):
/// the rows of a window of a wide matrix are its stride apart (1 KiB at 8192
/// columns), so the flat passes over them map to few cache sets and many
/// pages, and take several times longer there than on the same rows side by
/// side.
inline echelon_info flat_compact(detail::mblock a, ple_sink& out, unsigned threads,
                                 detail::scratch_vector<word>& rows) {
  const std::size_t nw = a.words(), stride = detail::padded_words(a.cols);
  if (a.stride <= stride) return ple_flat(a, out, threads);
  if (rows.size() < a.rows * stride) rows.resize(a.rows * stride);
  const detail::mblock c{rows.data(), a.rows, a.cols, stride};
  const auto copy = [&](detail::mblock from, detail::mblock to) {
    on_rows(a.rows * nw, a.rows, threads, [&](std::size_t i0, std::size_t i1) {
      for (std::size_t i = i0; i < i1; ++i) std::copy_n(from.row(i), nw, to.row(i));
    });
  };
  copy(a, c);
  const echelon_info info = ple_flat(c, out, threads);
  copy(c, a);
  return info;
}

// Whether base blocks try tall_block: the product it runs is several times
// cheaper than the table passes it replaces on the GFNI kernel only; over
// Four Russians (Intel Xeon, 8192^2, levels avx2 and avx512, medians of 5)
// the elimination took 91 and 85 ms with it against 79 and 70 without.
inline constexpr bool tall_blocks = SUTRO_KERNEL_LEVEL >= 4;
// A base block tries tall_block where it has at least tall_rows_per_col
// times as many rows as columns and at least tall_min_cols columns; the PLE
// of its first cols + tall_extra_rows rows has full rank but for a chance
// of about 2^-64 on random rows.
inline constexpr std::size_t tall_rows_per_col = 2;
inline constexpr std::size_t tall_min_cols = 128;
inline constexpr std::size_t tall_extra_rows = 64;

/// The base block of a tall a (m x n, m >= 2 n): the PLE of its first
/// t = n + 64 rows. Where that has rank n, the pivot search of the whole
/// block would have taken the same rows (it takes the first row with a one,
/// and every column has one in those rows), so P, the pivot rows and their
/// multipliers are those of the top rows' PLE, the rows below are neither
/// swapped nor pivots, and their multipliers X satisfy X U = B (U: the n x n
/// unit upper triangular pivot rows, B: the rows below): X = B U^-1, one
/// product where the table passes would sweep every row below 16 times.
/// Those rows then become zero, as the elimination leaves them. Returns false,
/// with a, out and info untouched, where the top rows have rank below n.
[[nodiscard]] inline bool tall_block(detail::mblock a, ple_sink& out, detail::scratch_vector<word>& rows,
                                     unsigned threads, echelon_info& info) {
  const std::size_t m = a.rows, n = a.cols, t = n + tall_extra_rows, nw = a.words();
  const std::size_t stride = detail::padded_words(n);
  if (rows.size() < t * stride) rows.resize(t * stride);
  const detail::mblock top{rows.data(), t, n, stride};
  on_rows(t * nw, t, threads, [&](std::size_t i0, std::size_t i1) {
    for (std::size_t i = i0; i < i1; ++i) std::copy_n(a.row(i), nw, top.row(i));
  });
  // The top rows' PLE records into a sink of their own: where it falls
  // short of rank n, out has not changed.
  detail::scratch_vector<word> top_l(t * stride, 0);
  detail::scratch_vector<std::size_t> top_perm(t);
  for (std::size_t i = 0; i < t; ++i) top_perm[i] = i;
  ple_sink top_sink{{top_l.data(), t, n, stride}, top_perm.data(), 0};
  echelon_info top_info = echelonize_m4ri(top, false, n, threads, &top_sink, /*stop_at_gap=*/true);
  if (top_info.rank < n) return false;
  // Rows [0, t) of out move as the top rows' PLE swapped them: perm, and the
  // words of L holding the earlier blocks' multipliers (the bits from col0
  // on are zero in every row yet); then the new multipliers, at col0.
  const auto record = [&] {
    const std::size_t left = std::min(out.l.words(), (out.col0 + 63) / 64);
    detail::scratch_vector<std::size_t> moved, old_perm;
    for (std::size_t i = 0; i < t; ++i)
      if (top_perm[i] != i) moved.push_back(i);
    detail::scratch_vector<word> saved(moved.size() * left);
    for (std::size_t q = 0; q < moved.size(); ++q) {
      std::copy_n(out.l.row(moved[q]), left, saved.data() + q * left);
      old_perm.push_back(out.perm[moved[q]]);
    }
    for (std::size_t q = 0; q < moved.size(); ++q) {
      const std::size_t i = moved[q], from = top_perm[i];  // a moved row's source moved too
      const std::size_t slot =
          static_cast<std::size_t>(std::lower_bound(moved.begin(), moved.end(), from) - moved.begin());
      std::copy_n(saved.data() + slot * left, left, out.l.row(i));
      out.perm[i] = old_perm[slot];
    }
    for (std::size_t i = 0; i < t; ++i)
      for (std::size_t w = 0; w < stride; ++w)
        if (const word bits = top_l[i * stride + w]; bits != 0) out.set_bits(i, 64 * w, bits);
    for (std::size_t i = 0; i < t; ++i) std::copy_n(top.row(i), nw, a.row(i));
  };
  // U^-1, for X = B U^-1 below.
  temp u_inv = temp::identity(n);
  const auto invert = [&](unsigned solve_threads) {
    trsm_upper(u_inv.block(), detail::cblock(sub(top, 0, n, 0, n)), solve_threads);
  };
  // On a team the two are independent: one member records while another
  // inverts (on two threads, sharing each of them took longer than this).
  cpu::thread_team* team = cpu::thread_team::current(threads);
  if (team != nullptr && team->size() > 1) {
    memory::stats& counter = detail::scratch_stats();
    team->run([&](unsigned member, unsigned) {
      const detail::scratch_scope scope(&counter);
      if (member == 0)
        record();
      else if (member == 1)
        invert(1);
    });
  } else {
    record();
    invert(threads);
  }
  // X into L's rows [t, m), columns [col0, col0 + n), zero so far.
  const detail::cblock below = sub(a, t, m - t, 0, n);
  if (out.col0 % 64 == 0) {
    mul_add(sub(out.l, t, m - t, out.col0, n), below, u_inv.block(), threads);
  } else {
    temp x(m - t, n);
    mul_add(x.block(), below, u_inv.block(), threads);
    for (std::size_t i = 0; i < m - t; ++i)
      for (std::size_t w = 0; w < stride; ++w)
        if (const word bits = x.row_ptr(i)[w]; bits != 0) out.set_bits(t + i, 64 * w, bits);
  }
  on_rows((m - t) * nw, m - t, threads, [&](std::size_t i0, std::size_t i1) {
    for (std::size_t i = t + i0; i < t + i1; ++i) std::fill_n(a.row(i), nw, word{0});
  });
  info = std::move(top_info);
  return true;
}

/// A base block: tall_block where it applies and succeeds, else the flat
/// elimination on a compact copy (`rows`: their scratch, reused).
[[nodiscard]] inline echelon_info base_block(detail::mblock a, ple_sink& out, unsigned threads,
                                             detail::scratch_vector<word>& rows) {
  echelon_info info;
  if (tall_blocks && a.cols >= tall_min_cols && a.rows >= tall_rows_per_col * a.cols) {
    const bool taken = tall_block(a, out, rows, threads, info);
    ++(taken ? tall_block_stats().taken : tall_block_stats().given_up);
    if (taken) return info;
  }
  return flat_compact(a, out, threads, rows);
}

/// Rows [r0, r0 + rows) and columns [c0, c0 + cols) of the recorded L, as a
/// window where c0 is whole words (the columns right of c0 + cols are not
/// recorded yet, so they are zero), else as a copy.
struct l_block {
  temp copy;
  detail::cblock view;
  l_block(detail::cblock l, std::size_t r0, std::size_t rows, std::size_t c0, std::size_t cols)
      : copy(c0 % 64 == 0 ? temp(0, 0) : copy_bits(l, r0, rows, c0, cols)),
        view(c0 % 64 == 0 ? sub(l, r0, rows, c0, cols) : copy.block()) {}
};

/// PLE of a, recording into out (its l rows and perm entries are a's rows,
/// out.col0 the rank found above a); appends the pivots plus c_abs.
inline std::size_t recurse(detail::mblock a, ple_sink out, std::vector<std::size_t>& pivots, std::size_t c_abs,
                           unsigned threads, detail::scratch_vector<word>& flat_rows) {
  const std::size_t m = a.rows, n = a.cols;
  if (n <= base_cols || m <= 64) {
    const echelon_info info = base_block(a, out, threads, flat_rows);
    for (std::size_t p : info.pivots) pivots.push_back(c_abs + p);
    return info.rank;
  }
  const std::size_t n1 = (n / 2 + 63) / 64 * 64;
  const detail::mblock a1 = sub(a, 0, m, 0, n1), a2 = sub(a, 0, m, n1, n - n1);
  detail::scratch_vector<std::size_t> before(out.perm, out.perm + m);
  const std::size_t r1 = recurse(a1, out, pivots, c_abs, threads, flat_rows);
  // The row swaps of A1's elimination moved whole rows of A1 and L: move A2's.
  {
    // perm holds the rows of the whole matrix: index[v - lo] is the row that held v before.
    const auto [lo_it, hi_it] = std::minmax_element(before.begin(), before.end());
    const std::size_t lo = *lo_it;
    detail::scratch_vector<std::size_t> index(*hi_it - lo + 1, 0);
    for (std::size_t j = 0; j < m; ++j) index[before[j] - lo] = j;
    // Row i of A2 takes the row src(i) held: one cycle of that permutation
    // at a time, through one spare row (each moved row copied once, no
    // buffer of all of them).
    // On a team, each member moves its own share of A2's words.
    const auto src = [&](std::size_t i) { return index[out.perm[i] - lo]; };
    memory::stats& counter = detail::scratch_stats();
    on_rows(m * a2.words(), a2.words(), threads, [&](std::size_t w0, std::size_t w1) {
      const detail::scratch_scope scope(&counter);
      const std::size_t w = w1 - w0;
      detail::scratch_vector<word> spare(w);
      detail::scratch_vector<unsigned char> done(m, 0);
      for (std::size_t i = 0; i < m; ++i) {
        if (done[i] || src(i) == i) continue;
        std::copy_n(a2.row(i) + w0, w, spare.data());
        std::size_t j = i;
        for (std::size_t k = src(j); k != i; j = k, k = src(k)) {
          std::copy_n(a2.row(k) + w0, w, a2.row(j) + w0);
          done[j] = 1;
        }
        std::copy_n(spare.data(), w, a2.row(j) + w0);
        done[j] = 1;
      }
    });
  }
  if (r1 != 0) {
    const l_block l11(out.l, 0, r1, out.col0, r1);
    const detail::mblock top = sub(a2, 0, r1, 0, n - n1);
    trsm_lower(top, l11.view, threads);
    if (r1 < m) {
      const l_block l21(out.l, r1, m - r1, out.col0, r1);
      mul_add(sub(a2, r1, m - r1, 0, n - n1), l21.view, top, threads);
    }
  }
  if (r1 == m) return r1;
  const ple_sink rest{{out.l.row(r1), m - r1, out.l.cols, out.l.stride}, out.perm + r1, out.col0 + r1};
  return r1 + recurse(sub(a2, r1, m - r1, 0, n - n1), rest, pivots, c_abs + n1, threads, flat_rows);
}

}  // namespace ple_rec

/// PLE: the recursion where the matrix is large, else the flat elimination.
inline echelon_info ple(detail::mblock a, ple_sink& out, unsigned threads) {
  ::sutro::cpu::detail::note_kernel(this_level);
  if (std::min(a.rows, a.cols) < ple_rec::min_dim) return ple_flat(a, out, threads);
  echelon_info info;
  detail::scratch_vector<word> flat_rows;
  // For the base blocks' passes, the products and the copies.
  std::optional<cpu::thread_team> own;
  const cpu::team_scope scope(threads > 1 ? *cpu::current_or_own(threads, true, own) : own.emplace(1));
  info.rank = ple_rec::recurse(a, out, info.pivots, 0, threads, flat_rows);
  return info;
}

/// Elimination: the plain form of a large matrix by the recursive PLE (with a
/// scratch L), else the flat M4RI or row-by-row elimination.
inline echelon_info echelonize(detail::mblock a, bool reduced, std::size_t col_limit, unsigned threads) {
  ::sutro::cpu::detail::note_kernel(this_level);
  if (reduced || col_limit != a.cols || std::min(a.rows, a.cols) < ple_rec::min_dim_echelon)
    return echelonize_flat(a, reduced, col_limit, threads);
  // L: the thread's kept buffer (see elimination_workspace), or one of this
  // call's when its scratch is counted elsewhere. Zeroed: the recursion reads
  // L's columns right of those recorded so far as zero.
  const std::size_t lcols = std::min(a.rows, a.cols), lstride = detail::padded_words(lcols);
  detail::scratch_vector<word> local;
  auto& lbuf = kept_or_local(elimination_workspace(), local, a.rows * lstride);
  // For the base blocks' passes, the products and the copies.
  std::optional<cpu::thread_team> own;
  const cpu::team_scope scope(threads > 1 ? *cpu::current_or_own(threads, true, own) : own.emplace(1));
  ple_rec::on_rows(a.rows * lstride, a.rows, threads, [&](std::size_t i0, std::size_t i1) {
    std::fill(lbuf.data() + i0 * lstride, lbuf.data() + i1 * lstride, word{0});
  });
  detail::scratch_vector<std::size_t> perm(a.rows);
  for (std::size_t i = 0; i < a.rows; ++i) perm[i] = i;
  ple_sink sink{{lbuf.data(), a.rows, lcols, lstride}, perm.data()};
  echelon_info info;
  detail::scratch_vector<word> flat_rows;
  info.rank = ple_rec::recurse(a, sink, info.pivots, 0, threads, flat_rows);
  return info;
}
