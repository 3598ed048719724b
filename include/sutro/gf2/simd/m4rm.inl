// Method of Four Russians product (Arlazarov et al. 1970; M4RI's mzd_mul_m4rm)
// with the tables sized for L2: for a slab of `slab_words` columns of C and B
// and `kwords` words (64 rows of B each) of A, build one 256-entry table per 8
// rows of B (all XOR combinations, 255 row XORs each), then every row of C
// takes one table row per byte of A instead of up to eight row XORs.
// Accumulators stay in registers across the 8 * kwords lookups of a row.

namespace m4rm {

inline constexpr std::size_t kwords = 1;        // one word of A: m4rm_tables tables
inline constexpr std::size_t row_block = 8192;  // rows of C per table build
inline constexpr std::size_t tables = ::sutro::gf2::kernels::m4rm_tables * kwords;
inline constexpr std::size_t entries = ::sutro::gf2::kernels::m4rm_table_entries;
static_assert(entries == 256, "one table per byte of A");
/// Below this many rows of A a table costs more than it saves.
inline constexpr std::size_t min_rows = 128;

// T[x] = XOR of rows j of `rows` whose bit j is set in x, built by doubling;
// entries are sw words apart.
template <std::size_t sw>
void build_table(word* t, const word* const* rows) noexcept {
  using batch = word_batch;
  std::memset(t, 0, sw * sizeof(word));
  for (std::size_t j = 0; j < 8; ++j) {
    const std::size_t half = std::size_t{1} << j;
    const word* r = rows[j];
    word* dst = t + half * sw;
    if (r == nullptr) {
      std::memcpy(dst, t, half * sw * sizeof(word));
      continue;
    }
    for (std::size_t x = 0; x < half; ++x)
      for (std::size_t w = 0; w < sw; w += batch::size)
        (batch::load_aligned(t + x * sw + w) ^ batch::load_unaligned(r + w)).store_aligned(dst + x * sw + w);
  }
}

template <std::size_t slab_words>
void slab(detail::mblock c, detail::cblock a, detail::cblock b, std::size_t s0, word* tab) {
  using batch = word_batch;
  constexpr std::size_t nb = slab_words / batch::size;
  const std::size_t width = std::min(slab_words, c.words() - s0);
  // B rows restricted to the slab, zero padded to slab_words when the slab is partial.
  detail::scratch_vector<word> padded(width < slab_words ? 64 * kwords * slab_words : 0);
  for (std::size_t k0 = 0; k0 < a.words(); k0 += kwords) {
    for (std::size_t t = 0; t < tables; ++t) {
      const word* rp[8];
      for (std::size_t j = 0; j < 8; ++j) {
        const std::size_t k = k0 * 64 + t * 8 + j;
        if (k >= b.rows) {
          rp[j] = nullptr;
        } else if (width < slab_words) {
          word* p = padded.data() + (t * 8 + j) * slab_words;
          std::memset(p, 0, slab_words * sizeof(word));
          std::memcpy(p, b.row(k) + s0, width * sizeof(word));
          rp[j] = p;
        } else {
          rp[j] = b.row(k) + s0;
        }
      }
      build_table<slab_words>(tab + t * entries * slab_words, rp);
    }
    const std::size_t kn = std::min(kwords, a.words() - k0);
    for (std::size_t i = 0; i < a.rows; ++i) {
      word aw[kwords] = {};
      for (std::size_t q = 0; q < kn; ++q) aw[q] = a.row(i)[k0 + q];
      batch acc[nb];
      for (std::size_t v = 0; v < nb; ++v) acc[v] = batch(word{0});
      for (std::size_t q = 0; q < kn; ++q)
        for (std::size_t t = 0; t < 8; ++t) {
          const word* e = tab + ((q * 8 + t) * entries + ((aw[q] >> (8 * t)) & 0xff)) * slab_words;
          for (std::size_t v = 0; v < nb; ++v) acc[v] = acc[v] ^ batch::load_aligned(e + v * batch::size);
        }
      word* cr = c.row(i) + s0;
      if (width == slab_words) {
        for (std::size_t v = 0; v < nb; ++v)
          (acc[v] ^ batch::load_unaligned(cr + v * batch::size)).store_unaligned(cr + v * batch::size);
      } else {
        // The last slab: whole registers while they fit, then words.
        const std::size_t full = width / batch::size;
        for (std::size_t v = 0; v < full; ++v)
          (acc[v] ^ batch::load_unaligned(cr + v * batch::size)).store_unaligned(cr + v * batch::size);
        alignas(64) word tmp[slab_words];
        for (std::size_t v = full; v < nb; ++v) acc[v].store_aligned(tmp + v * batch::size);
        for (std::size_t w = full * batch::size; w < width; ++w) cr[w] ^= tmp[w];
      }
    }
  }
}

template <std::size_t slab_words>
void mul_add_slabs(detail::mblock c, detail::cblock a, detail::cblock b, unsigned threads) {
  const std::size_t nslabs = (c.words() + slab_words - 1) / slab_words;
  const std::size_t table_words = tables * entries * slab_words;
  memory::stats& counter = detail::scratch_stats();  // passed on to the threads
  auto run = [&](std::size_t first, std::size_t step) {
    const detail::scratch_scope scope(&counter);
    detail::scratch_vector<word> tab(table_words);
    for (std::size_t s = first; s < nslabs; s += step)
      for (std::size_t r0 = 0; r0 < a.rows; r0 += row_block) {
        const std::size_t rn = std::min(row_block, a.rows - r0);
        slab<slab_words>({c.row(r0), rn, c.cols, c.stride}, {a.row(r0), rn, a.cols, a.stride}, b, s * slab_words,
                         tab.data());
      }
  };
  // The current team or this thread's kept one, each member every nt-th slab.
  const double min_work_per_thread = product_work_per_member(threads);
  const double work = static_cast<double>(a.rows) * static_cast<double>(a.cols) * static_cast<double>(c.cols);
  const auto by_work = static_cast<std::size_t>(std::max(1.0, work / min_work_per_thread));
  std::optional<cpu::thread_team> own;
  cpu::thread_team* team = cpu::current_or_own(threads, nslabs > 1 && by_work > 1, own);
  const std::size_t nt = team == nullptr ? 1 : std::min<std::size_t>({team->size(), nslabs, by_work});
  if (nt <= 1) return run(0, 1);
  team->run([&](unsigned member, unsigned) {
    if (member < nt) run(member, nt);
  });
}

}  // namespace m4rm

/// C += A B by Four Russians (any xsimd architecture), on slabs of
/// `slab_words` (8, 16 or 32) words of columns; 0 sizes them for this CPU's L2.
inline void m4rm_mul_add(detail::mblock c, detail::cblock a, detail::cblock b, unsigned threads,
                         std::size_t slab_words = 0) {
  ::sutro::cpu::detail::note_kernel(this_level);
  if (a.rows < m4rm::min_rows || a.words() == 0 || c.words() == 0) {
    const std::size_t cw = c.words();
    for (std::size_t i = 0; i < a.rows; ++i)
      for (std::size_t w = 0; w < a.words(); ++w)
        for (word bits = a.row(i)[w]; bits; bits &= bits - 1)
          xor_row(level_tag{}, c.row(i), b.row(w * 64 + static_cast<std::size_t>(std::countr_zero(bits))), cw);
    return;
  }
  if (slab_words == 0) slab_words = m4rm_slab_words(::sutro::cpu::l2_cache_bytes());
  switch (slab_words) {
    case 8:
      return m4rm::mul_add_slabs<8>(c, a, b, threads);
    case 16:
      return m4rm::mul_add_slabs<16>(c, a, b, threads);
    case 32:
      return m4rm::mul_add_slabs<32>(c, a, b, threads);
    default:
      throw std::invalid_argument("sutro::gf2::m4rm_mul_add: slab_words " + std::to_string(slab_words) +
                                  " is not 0, 8, 16 or 32");
  }
}
