// M4RI-style elimination (Albrecht, Bard and Hart 2010, "Efficient dense
// Gaussian elimination over the field with two elements"): find up to 64
// pivots in a 64-column panel with plain row operations on the few candidate
// rows, make the pivot rows an identity on their pivot columns, then clear
// those columns in every other row with eight 8-bit Four-Russians tables, one
// pass over the matrix per 64 pivots instead of one per pivot. The pivot rule
// (leftmost column, first row below) and the row swaps are the reference's, so
// both forms match it bit for bit.

namespace m4ri_elim {

// Columns per table pass: 8 tables of 256 x 256 bytes (512 KiB) sit in L2.
// Measured at 8192 and 16384: 32 words beat 8 and 16 by 1.5x to 4x; 64 (1 MiB
// of tables) was within noise of 32.
inline constexpr std::size_t slab_words = 32;
/// Words of columns per panel: up to 64 * panel_words pivots per pass over the
/// matrix. Measured at 8192 and 16384: 2 (16 tables, slabs of 16 or 32 words)
/// and 4 were 1.0x to 1.5x slower than 1: the lookups, not the passes over
/// memory, bound this kernel. The pivot search and the tables' row indices
/// hold a panel's pivot columns in one word.
inline constexpr std::size_t panel_words = 1;
inline constexpr std::size_t max_pivots = 64 * panel_words;
// A pass reads one word of each row it clears and records one word of that
// row of L: a kilobyte apart at 8192 columns, so each is a cache miss the
// hardware prefetcher does not foresee. Prefetched this many rows ahead, the
// 8192^2 elimination took 32 to 34 ms against 35 to 37 on an Intel Xeon
// (2 MiB L2; 8 and 32 rows alike); prefetching the rows' slabs for the table
// pass as well gained nothing.
inline constexpr std::size_t prefetch_rows = 16;

inline word bits_at(const word* row, std::size_t nwords, std::size_t bit) noexcept {
  const std::size_t w = bit / 64, s = bit % 64;
  word v = row[w] >> s;
  if (s != 0 && w + 1 < nwords) v |= row[w + 1] << (64 - s);
  return v;
}

inline word gather(word x, word mask) noexcept {
#if SUTRO_KERNEL_LEVEL >= 2
  return _pext_u64(x, mask);
#else
  word out = 0;
  for (word bit = 1; mask; mask &= mask - 1, bit <<= 1)
    if (x & mask & (~mask + 1)) out |= bit;
  return out;
#endif
}

// XORs into each row of `targets` the pivot rows that bit p of its index
// idx[t] selects (piv: words [w0, used) of each, pstride apart), through
// eight tables of every combination of 8 of them, sw words wide.
template <std::size_t sw>
void apply_tables_of(detail::mblock a, const word* piv, std::size_t pstride, std::size_t k, std::size_t w0,
                     const detail::scratch_vector<std::size_t>& targets, const detail::scratch_vector<word>& idx) {
  using batch = word_batch;
  constexpr std::size_t nb = sw / batch::size;
  const std::size_t used = a.words(), ntab = (k + 7) / 8;
  detail::scratch_vector<word> local;
  auto& kept = kept_or_local(elimination_table_workspace(), local, (ntab * 256 + max_pivots) * sw);
  word* const tab = kept.data();
  word* const padded = tab + ntab * 256 * sw;
  for (std::size_t s0 = w0; s0 < used; s0 += sw) {
    const std::size_t width = std::min(sw, used - s0);
    for (std::size_t g = 0; g < ntab; ++g) {
      const word* rp[8];
      for (std::size_t j = 0; j < 8; ++j) {
        const std::size_t p = g * 8 + j;
        if (p >= k) {
          rp[j] = nullptr;
        } else if (width < sw) {
          word* q = padded + p * sw;
          std::memset(q, 0, sw * sizeof(word));
          std::memcpy(q, piv + p * pstride + (s0 - w0), width * sizeof(word));
          rp[j] = q;
        } else {
          rp[j] = piv + p * pstride + (s0 - w0);
        }
      }
      m4rm::build_table<sw>(tab + g * 256 * sw, rp);
    }
    for (std::size_t t = 0; t < targets.size(); ++t) {
      const word* x = idx.data() + t * panel_words;
      batch acc[nb];
      for (std::size_t v = 0; v < nb; ++v) acc[v] = batch(word{0});
      for (std::size_t g = 0; g < ntab; ++g) {
        const word* e = tab + (g * 256 + ((x[g / 8] >> (8 * (g % 8))) & 0xff)) * sw;
        for (std::size_t v = 0; v < nb; ++v) acc[v] = acc[v] ^ batch::load_aligned(e + v * batch::size);
      }
      word* row = a.row(targets[t]) + s0;
      if (width == sw) {
        for (std::size_t v = 0; v < nb; ++v)
          (acc[v] ^ batch::load_unaligned(row + v * batch::size)).store_unaligned(row + v * batch::size);
      } else {
        // The last slab: whole registers while they fit, then the rest.
        const std::size_t full = width / batch::size, rest = width % batch::size;
        for (std::size_t v = 0; v < full; ++v)
          (acc[v] ^ batch::load_unaligned(row + v * batch::size)).store_unaligned(row + v * batch::size);
#if SUTRO_KERNEL_LEVEL >= 3
        // A masked store leaves the words past the slab (other columns) untouched.
        if (rest != 0) {
          const __mmask8 mask = static_cast<__mmask8>((1u << rest) - 1);
          word* tail = row + full * batch::size;
          _mm512_mask_storeu_epi64(
              tail, mask,
              _mm512_xor_si512(_mm512_maskz_loadu_epi64(mask, tail), reinterpret_cast<const __m512i&>(acc[full].v)));
        }
#else
        alignas(64) word tmp[sw];
        for (std::size_t v = full; v < nb; ++v) acc[v].store_aligned(tmp + v * batch::size);
        for (std::size_t w = full * batch::size; w < full * batch::size + rest; ++w) row[w] ^= tmp[w];
#endif
      }
    }
  }
}

/// apply_tables_of with the narrowest tables that hold the remaining columns
/// in one slab: each row then loads 8 table entries of that width, not of
/// slab_words. The passes near the right end of a matrix (and all of the
/// recursive PLE's base blocks, 16 words wide) are that narrow.
inline void apply_tables(detail::mblock a, const word* piv, std::size_t pstride, std::size_t k, std::size_t w0,
                         const detail::scratch_vector<std::size_t>& targets, const detail::scratch_vector<word>& idx) {
  const std::size_t width = a.words() - w0;
  if (width <= 8)
    apply_tables_of<8>(a, piv, pstride, k, w0, targets, idx);
  else if (width <= 16)
    apply_tables_of<16>(a, piv, pstride, k, w0, targets, idx);
  else
    apply_tables_of<slab_words>(a, piv, pstride, k, w0, targets, idx);
}

// Threads share an elimination whose matrix has this many words (rows times
// words per row) and, within it, the passes over this many words of rows.
// A pass handed to a started team costs about a microsecond of
// synchronization. Zen 4, 8192^2 on two threads (min of 21, three rounds):
// 2^12 took 17.2-17.5 ms, 2^11 17.1-17.3 and 2^13 17.5-18.0; below 2^13 the
// recursive elimination's last passes in each base block are shared too.
inline constexpr std::size_t min_team_words = std::size_t{1} << 16;
inline constexpr std::size_t min_team_pass_words = std::size_t{1} << 12;

/// The first column in [j0, col_limit) where one of rows [r0, a.rows) has a
/// one; col_limit if none. Each row is read only up to the best column so
/// far, so a dense block costs about a word per row and a zero one a pass.
[[nodiscard]] inline std::size_t first_one_column(detail::cblock a, std::size_t r0, std::size_t j0,
                                                  std::size_t col_limit) noexcept {
  std::size_t best = col_limit;
  for (std::size_t i = r0; i < a.rows && best > j0; ++i) {
    const word* row = a.row(i);
    const std::size_t last = (best - 1) / 64;  // the last word that can hold a better column
    std::size_t w = j0 / 64;
    word x = row[w] & (~word{0} << (j0 % 64));
    while (x == 0 && w < last) x = row[++w];
    if (x != 0) best = std::min(best, 64 * w + static_cast<std::size_t>(std::countr_zero(x)));
  }
  return best;
}

/// The pivot search of one panel, columns [c, c_end) from row r: the leftmost
/// column first, the first row at or below with a one there, the panel's
/// earlier pivots applied to each scanned row when it is scanned. advance()
/// stops before row `limit` (rows a pass on another member still owns) and a
/// later call goes on from there, so the next panel's search can run beside
/// the current pass. A column without a pivot before the panel has any ends
/// the search at the next column where a remaining row has a one
/// (first_one_column, up to col_limit), where the next panel starts whole: a
/// matrix of low rank is then done after one pass over its zero rows, not a
/// scan of them per column.
struct pivot_search {
  static_assert(max_pivots == 64, "a panel's pivot columns are one word");
  std::size_t r = 0, c = 0, c_end = 0, col_limit = 0;
  std::size_t j = 0;           // the column being searched
  std::size_t resume = 0;      // where column j's scan goes on, 0: at r + k
  std::size_t scanned_to = 0;  // rows [r + k, scanned_to) have applied[] valid
  std::size_t k = 0;           // pivots found
  std::size_t pc[max_pivots];  // their columns
  // u[p]: pivot row p's bits at the pivot columns (bit q: pc[q]). Pivot row
  // p is zero at pc[q] for q < p and one at pc[p], so the pivots a scanned
  // row takes follow from its bits there by a forward substitution on words,
  // without a branch per pivot on random bits.
  word u[max_pivots];
  word pmask = 0;  // the pivot columns, relative to c
  // tm = U^-1: row q says which pivot rows make the one that is an identity
  // on pc. xtm: x tm for every byte of x (eight 256-entry tables of tm's rows,
  // Four Russians), the plain form's table index of a row with x at pc.
  word tm[max_pivots];
  word xtm[8][256];
  bool factored = false;

  void start(std::size_t row, std::size_t col, std::size_t col_end, std::size_t limit_col) noexcept {
    r = row, c = col, c_end = col_end, col_limit = limit_col, j = col, resume = 0, scanned_to = row, k = 0, pmask = 0;
    factored = false;
  }

  /// tm, and xtm where the plain form needs it, once the search is complete.
  void factor(bool with_xtm) noexcept {
    for (std::size_t p = 0; p < k; ++p) tm[p] = word{1} << p;
    for (std::size_t p = k; p-- > 1;)
      for (std::size_t q = 0; q < p; ++q) tm[q] ^= tm[p] & (word{0} - ((u[q] >> p) & 1));
    if (with_xtm)
      for (std::size_t g = 0; g < 8; ++g) {
        xtm[g][0] = 0;
        for (std::size_t v = 1; v < 256; ++v) {
          const std::size_t p = 8 * g + static_cast<std::size_t>(std::countr_zero(v));
          xtm[g][v] = xtm[g][v & (v - 1)] ^ (p < k ? tm[p] : word{0});
        }
      }
    factored = true;
  }

  /// Whether the panel's search is complete; false: it needs row `limit`.
  bool advance(detail::mblock a, std::uint16_t* applied, ple_sink* rec, std::size_t limit) {
    const std::size_t used = a.words(), w0 = c / 64;
    for (; j < c_end && k < max_pivots && r + k < a.rows; ++j) {
      const std::size_t w = j / 64;
      const word bit = word{1} << (j % 64);
      std::size_t i = std::max(resume, r + k);
      resume = 0;
      for (; i < a.rows; ++i) {
        if (i >= limit) {
          resume = i;
          return false;
        }
        if (i >= scanned_to) applied[i] = 0, scanned_to = i + 1;
        if (applied[i] < k) {
          word y = gather(bits_at(a.row(i), used, c), pmask);
          word take = 0;  // the pending pivots row i takes
          for (std::size_t p = applied[i]; p < k; ++p) {
            const word f = (y >> p) & 1;
            y ^= u[p] & (word{0} - f);
            take |= f << p;
          }
          for (word t = take; t != 0; t &= t - 1)
            xor_row(level_tag{}, a.row(i) + w0, a.row(r + static_cast<std::size_t>(std::countr_zero(t))) + w0,
                    used - w0);
          if (rec && take != 0) rec->set_bits(i, r, take);
        }
        applied[i] = static_cast<std::uint16_t>(k);
        if (a.row(i)[w] & bit) {
          const std::size_t dst = r + k;
          if (i != dst) {
            std::swap_ranges(a.row(i) + w0, a.row(i) + used, a.row(dst) + w0);
            std::swap(applied[i], applied[dst]);
            if (rec) rec->swap(i, dst);
          }
          for (std::size_t p = 0; p < k; ++p) u[p] |= ((a.row(r + p)[w] >> (j % 64)) & 1) << k;
          u[k] = word{1} << k;
          pmask |= word{1} << (j - c);
          pc[k++] = j;
          break;
        }
      }
      // Rows below r are final only where this search owns them all.
      if (k == 0 && i == a.rows && limit >= a.rows) {
        j = first_one_column(a, r, j + 1, col_limit);
        return true;
      }
    }
    return true;
  }
};

}  // namespace m4ri_elim

// With `rec`, also records the PLE factors (non-reduced form only): the row
// swaps, and as L the multiple of each pivot row XORed into each row, which
// for a table pass is x tm when the row has x at the pivot columns: the
// pivot rows that are an identity there are tm times the pivot rows.
// With `stop_at_gap`, returns once a panel's pivot search has met a column
// without a pivot: a partly eliminated a, and the rank of the panels before
// (for callers that need every column to be a pivot column and discard the
// rest otherwise).
inline echelon_info echelonize_m4ri(detail::mblock a, bool reduced, std::size_t col_limit, unsigned threads,
                                    ple_sink* rec, bool stop_at_gap = false) {
  ::sutro::cpu::detail::note_kernel(this_level);
  const level_tag tag;
  echelon_info info;
  const std::size_t used = a.words();
  detail::scratch_vector<std::uint16_t> applied(a.rows, 0);  // panel pivots already applied to each row
  // Members beside the caller: the current team (a recursive elimination's),
  // else started once for this one where its passes are long enough to share
  // (m4ri_elim::min_team_words).
  std::optional<cpu::thread_team> own;
  cpu::thread_team* team = cpu::current_or_own(threads, a.rows * used >= m4ri_elim::min_team_words, own);
  memory::stats& counter = detail::scratch_stats();
  struct lane {
    detail::scratch_vector<std::size_t> targets;  // the share's rows to clear
    detail::scratch_vector<word> idx;             // and their indices into the tables
  };
  std::vector<lane> lanes(team != nullptr ? team->size() : 1);
  // The next panel's search runs on member 0 beside the current pass where a
  // team shares it: member 0 takes the pass's first rows (where the search
  // looks), fewer than the others by what the last search took, at the others'
  // last time per row.
  const std::unique_ptr<m4ri_elim::pivot_search[]> searches(
      new m4ri_elim::pivot_search[2]);  // 33 KiB: not on the stack
  m4ri_elim::pivot_search* cur = &searches[0];
  m4ri_elim::pivot_search* next = &searches[1];
  bool ahead = false;          // *cur was started beside the last pass
  double search_seconds = -1;  // the last search beside a pass, < 0: none yet
  double row_seconds = -1;     // a member's time per row of the last such pass
  const auto panel_end = [&](std::size_t col) { return std::min(col + 64 * m4ri_elim::panel_words, col_limit); };
  std::size_t r = 0, c = 0;
  while (c < col_limit && r < a.rows) {
    const std::size_t w0 = c / 64;
    if (!ahead) cur->start(r, c, panel_end(c), col_limit);
    ahead = false;
    (void)cur->advance(a, applied.data(), rec, a.rows);
    if (stop_at_gap && cur->k < cur->j - c) break;
    const std::size_t j = cur->j;
    const std::size_t* const pc = cur->pc;
    const word pmask = cur->pmask;
    const std::size_t k = cur->k;
    if (k != 0) {
      if (!cur->factored) cur->factor(!reduced);
      const word* const tm = cur->tm;
      // The tables combine pivot rows that are an identity on pc. The reduced
      // form keeps those in the matrix, so it forms them in place: tm is upper
      // triangular, so row q takes only rows below it, which are still the
      // unreduced ones when q runs upwards from the first. The plain form keeps
      // the reference's unreduced pivot rows, and its tables combine those rows
      // with a target's bits times tm instead.
      const std::size_t pw = used - w0;
      if (reduced)
        for (std::size_t q = 0; q < k; ++q)
          for (word t = tm[q] & ~(word{1} << q); t != 0; t &= t - 1)
            xor_row(tag, a.row(r + q) + w0, a.row(r + static_cast<std::size_t>(std::countr_zero(t))) + w0, pw);
      if (rec)
        for (std::size_t p = 0; p < k; ++p) rec->set(r + p, r + p);
      // The rows to clear: those above the pivots (reduced form only), then those below.
      const std::size_t above = reduced ? r : 0, candidates = above + (a.rows - r - k);
      // Each member takes a contiguous share of the rows: reads their bits at
      // the pivot columns, records L, and applies the tables to them.
      auto clear_rows = [&](unsigned member, std::size_t q0, std::size_t q1) {
        auto& [targets, idx] = lanes[member];
        // Sized for every row of the share up front: a range insert per row
        // costs 2% of an 8192^2 elimination.
        targets.resize(q1 - q0);
        idx.resize(q1 - q0);
        std::size_t found = 0;
        for (std::size_t q = q0; q < q1; ++q) {
          const std::size_t i = q < above ? q : r + k + (q - above);
          if (const std::size_t ahead_q = q + m4ri_elim::prefetch_rows; ahead_q < q1) {
            const std::size_t ia = ahead_q < above ? ahead_q : r + k + (ahead_q - above);
            __builtin_prefetch(a.row(ia) + c / 64);
            if (rec) __builtin_prefetch(rec->l.row(ia) + (rec->col0 + r) / 64, 1);
          }
          // Bits at the pivot columns: bit p is pivot p.
          word x = m4ri_elim::gather(m4ri_elim::bits_at(a.row(i), used, c), pmask);
          if (x == 0) continue;
          if (!reduced) {
            word xt = 0;
            for (std::size_t g = 0; g < 8; ++g) xt ^= cur->xtm[g][(x >> (8 * g)) & 0xff];
            x = xt;
            if (rec) rec->set_bits(i, r, x);
          }
          targets[found] = i;
          idx[found] = x;
          ++found;
        }
        targets.resize(found);
        idx.resize(found);
        m4ri_elim::apply_tables(a, a.row(r) + w0, a.stride, k, w0, targets, idx);
      };
      const bool shared = team != nullptr && candidates * (used - w0) >= m4ri_elim::min_team_pass_words;
      const bool look = shared && team->size() > 1 && !reduced && j < col_limit && r + k < a.rows;
      if (shared) {
        const unsigned members = team->size();
        std::size_t first = candidates / members;
        if (look && search_seconds >= 0 && row_seconds > 0) {
          const double lighter = search_seconds / row_seconds * (members - 1) / members;  // rows
          first -= static_cast<std::size_t>(std::min(static_cast<double>(first - first / 8), lighter));
        }
        if (look) next->start(r + k, j, panel_end(j), col_limit);
        double member0_search = 0, member1_clear = 0;
        team->run([&](unsigned member, unsigned) {
          using clock = std::chrono::steady_clock;
          const detail::scratch_scope scope(&counter);  // the members' tables count with the caller's scratch
          const std::size_t rest = candidates - first;
          const auto t0 = clock::now();
          if (member == 0) {
            clear_rows(0, 0, first);
            if (!look) return;
            const auto t1 = clock::now();
            if (next->advance(a, applied.data(), rec, r + k + first)) next->factor(true);  // else after the pass
            member0_search = std::chrono::duration<double>(clock::now() - t1).count();
          } else {
            clear_rows(member, first + rest * (member - 1) / (members - 1), first + rest * member / (members - 1));
            if (member == 1 && look) member1_clear = std::chrono::duration<double>(clock::now() - t0).count();
          }
        });
        if (look) {
          search_seconds = member0_search;
          const std::size_t rows1 = (candidates - first) / (members - 1);
          if (rows1 != 0) row_seconds = member1_clear / static_cast<double>(rows1);
          ahead = true;
        }
      } else {
        clear_rows(0, 0, candidates);
      }
      info.pivots.insert(info.pivots.end(), pc, pc + k);
      r += k;
    }
    c = j;
    if (ahead) std::swap(cur, next);
  }
  info.rank = r;
  return info;
}

namespace m4ri_elim {
/// Whether one pivot at a time beats the table passes. Measured single
/// thread on random matrices of density 50%, 5%, 2% and 1%, square and 4:1
/// tall, 128 to 1024 (docs/performance.md, GF(2), "Choosing the elimination"):
/// below 128 rows or columns always; else up to a largest dimension that grows
/// as the density falls (fewer rows to XOR per pivot) and shrinks for the
/// reduced form (it XORs above the pivot too). Tall matrices pass it sooner,
/// as their largest dimension is the rows.
inline bool prefer_rowwise(detail::cblock a, bool reduced, std::size_t col_limit) noexcept {
  if (a.rows < 128 || col_limit < 128) return true;
  const std::size_t big = std::max(a.rows, a.cols);
  if (big > 512) return false;
  std::size_t ones = 0;
  for (std::size_t i = 0; i < a.rows; ++i)
    for (std::size_t w = 0; w < a.words(); ++w) ones += static_cast<std::size_t>(std::popcount(a.row(i)[w]));
  const double density = static_cast<double>(ones) / (static_cast<double>(a.rows) * static_cast<double>(a.cols));
  const std::size_t limit = reduced ? (density < 0.035 ? 192 : 128)
                                    : (density < 0.015   ? 512
                                       : density < 0.035 ? 320
                                                         : 256);
  return big <= limit;
}
}  // namespace m4ri_elim

inline echelon_info echelonize_flat(detail::mblock a, bool reduced, std::size_t col_limit, unsigned threads) {
  ::sutro::cpu::detail::note_kernel(this_level);
  if (m4ri_elim::prefer_rowwise(a, reduced, col_limit)) return echelonize_rowwise(level_tag{}, a, reduced, col_limit);
  return echelonize_m4ri(a, reduced, col_limit, threads, nullptr);
}

/// PLE by the M4RI elimination (see ple_sink), or the reference where it is faster.
inline echelon_info ple_flat(detail::mblock a, ple_sink& out, unsigned threads) {
  ::sutro::cpu::detail::note_kernel(this_level);
  if (m4ri_elim::prefer_rowwise(a, false, a.cols)) return ple_rowwise(level_tag{}, a, out);
  return echelonize_m4ri(a, false, a.cols, threads, &out);
}
