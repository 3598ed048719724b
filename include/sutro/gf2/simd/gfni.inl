// GF(2) product with GF2P8AFFINEQB: one instruction multiplies eight 8x8 bit
// matrices by eight others (8 x 512 AND-XOR steps), read from L1 with no
// tables to build. A is packed into 8x8 blocks of bytes (byte r of a qword:
// row r of the block), B into transposed 8x8 blocks as the instruction wants
// them, and C accumulates in the packed form of A, unpacked once at the end.
// Block loops: 24 registers of C (24 rows x 512 columns) stay in registers
// while 128 bytes of k stream by, each B block loaded feeding three affine
// steps; B's blocks of that range (64 KiB) stay in L1/L2. Measured on these
// Zen cores (n = 8192, 16384): 3 row blocks beat 1 and 2 by 1.5x and 1.2x, and
// 128 bytes of k beat 64 by 1.2x at 16384.
// Compiled only at the levels with GFNI and AVX512-VBMI.

#if SUTRO_KERNEL_LEVEL >= 4
namespace gfni {

inline constexpr std::size_t min_rows = 64;
inline constexpr std::size_t nj = 8;    // registers of C per row block, three row blocks at once
inline constexpr std::size_t kc = 128;  // bytes of k per pass (B block: 8 x 128 x 64 B = 64 KiB)

using zbuf = detail::scratch_vector<word>;

// Qword q, byte b -> qword b, byte q: an 8x8 byte transpose.
inline __m512i byte_transpose(__m512i x) noexcept {
  alignas(64) static constexpr unsigned char idx[64] = {0, 8,  16, 24, 32, 40, 48, 56, 1, 9,  17, 25, 33, 41, 49, 57,
                                                        2, 10, 18, 26, 34, 42, 50, 58, 3, 11, 19, 27, 35, 43, 51, 59,
                                                        4, 12, 20, 28, 36, 44, 52, 60, 5, 13, 21, 29, 37, 45, 53, 61,
                                                        6, 14, 22, 30, 38, 46, 54, 62, 7, 15, 23, 31, 39, 47, 55, 63};
  return _mm512_maskz_permutexvar_epi8(~__mmask64{0}, _mm512_load_si512(idx),
                                       x);  // maskz: GCC 12 warns on the unmasked form
}

// r[i] qword j -> r[j] qword i: an 8x8 transpose of qwords across registers.
inline void qword_transpose(__m512i r[8]) noexcept {
  __m512i s[8], u[8];
  // maskz forms: GCC 12 warns on the unmasked ones.
  for (int k = 0; k < 4; ++k) {
    s[2 * k] = _mm512_maskz_unpacklo_epi64(0xff, r[2 * k], r[2 * k + 1]);  // qwords 0 2 4 6 of both, interleaved
    s[2 * k + 1] = _mm512_maskz_unpackhi_epi64(0xff, r[2 * k], r[2 * k + 1]);
  }
  const __m512i lo2 = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0), hi2 = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
  for (int h = 0; h < 2; ++h)
    for (int k = 0; k < 2; ++k) {
      u[4 * h + k] = _mm512_permutex2var_epi64(s[4 * h + k], lo2, s[4 * h + k + 2]);
      u[4 * h + k + 2] = _mm512_permutex2var_epi64(s[4 * h + k], hi2, s[4 * h + k + 2]);
    }
  const __m512i lo4 = _mm512_set_epi64(11, 10, 9, 8, 3, 2, 1, 0), hi4 = _mm512_set_epi64(15, 14, 13, 12, 7, 6, 5, 4);
  for (int k = 0; k < 4; ++k) {
    r[k] = _mm512_permutex2var_epi64(u[k], lo4, u[k + 4]);
    r[k + 4] = _mm512_permutex2var_epi64(u[k], hi4, u[k + 4]);
  }
}

inline __mmask8 first_words(std::size_t n) noexcept {
  return n >= 8 ? __mmask8(0xff) : static_cast<__mmask8>((1u << n) - 1u);
}

// Row i of m, words [w, w + 8) as far as `words` reach; 0 past m's rows.
inline __m512i row_words(detail::cblock m, std::size_t i, std::size_t w, std::size_t words) noexcept {
  return i < m.rows ? _mm512_maskz_loadu_epi64(first_words(words - w), m.row(i) + w) : _mm512_setzero_si512();
}

// ap[I * kb + q]: byte r = byte q of row 8I + r of a. Eight words of eight
// rows at a time: r[t] = row 8I + t, transposed so that r[t] holds word w + t
// of the eight rows.
inline void pack_a(detail::cblock a, std::size_t kb, word* ap) {
  const std::size_t mi = (a.rows + 7) / 8, nw = a.words();
  for (std::size_t I = 0; I < mi; ++I)
    for (std::size_t w = 0; w < nw; w += 8) {
      __m512i r[8];
      for (std::size_t t = 0; t < 8; ++t) r[t] = row_words(a, 8 * I + t, w, nw);
      qword_transpose(r);
      for (std::size_t t = 0; t < 8 && w + t < nw; ++t)
        _mm512_store_si512(ap + I * kb + 8 * (w + t), byte_transpose(r[t]));
    }
}

// bz[(j * kb + q) * 8 + l]: the block of rows 8q.. and columns 64j + 8l.. of b,
// as GF2P8AFFINEQB's matrix operand: byte 7 - i holds column i (bit k: row k).
inline void pack_b(detail::cblock b, std::size_t kb, std::size_t cw, word* bz) {
  const __m512i flip = _mm512_set1_epi64(0x0102040810204080LL);
  for (std::size_t q = 0; q < kb; ++q)
    for (std::size_t j = 0; j < cw; j += 8) {
      // Rows in reverse order (r[l] = row 8q + 7 - l): after the transposes,
      // qword l of block j holds byte 7 - r = row r; the affine step with
      // `flip` transposes bits.
      __m512i r[8];
      for (std::size_t l = 0; l < 8; ++l) r[l] = row_words(b, 8 * q + 7 - l, j, cw);
      qword_transpose(r);
      for (std::size_t t = 0; t < 8 && j + t < cw; ++t)
        _mm512_store_si512(bz + ((j + t) * kb + q) * 8, _mm512_gf2p8affine_epi64_epi8(flip, byte_transpose(r[t]), 0));
    }
}

// C += the packed product cz (mi x cw blocks, see micro): eight blocks of a
// row block at a time, transposed into eight rows of eight words.
inline void unpack_add(detail::mblock c, const word* cz, std::size_t mi, std::size_t cw) {
  for (std::size_t I = 0; I < mi; ++I)
    for (std::size_t j = 0; j < cw; j += 8) {
      __m512i r[8];
      for (std::size_t t = 0; t < 8; ++t)
        r[t] = j + t < cw ? byte_transpose(_mm512_load_si512(cz + (I * cw + j + t) * 8)) : _mm512_setzero_si512();
      qword_transpose(r);
      const __mmask8 m = first_words(cw - j);
      for (std::size_t t = 0; t < 8 && 8 * I + t < c.rows; ++t) {
        word* row = c.row(8 * I + t) + j;
        _mm512_mask_storeu_epi64(row, m, _mm512_xor_si512(_mm512_maskz_loadu_epi64(m, row), r[t]));
      }
    }
}

// A packed operand: `rows` rows of `words` words, `stride` words apart. In
// words, A is (row blocks) x (bytes of k), B is (words of columns) x (8 words
// per byte of k), and the product is (row blocks) x (8 words per word of
// columns); Strassen's quadrants, sums and products stay in these layouts.
struct pblock {
  word* p;
  std::size_t rows, words, stride;
  [[nodiscard]] word* row(std::size_t i) const noexcept { return p + i * stride; }
  [[nodiscard]] pblock sub(std::size_t r0, std::size_t nr, std::size_t w0, std::size_t nw) const noexcept {
    return {p + r0 * stride + w0, nr, nw, stride};
  }
};

// Product block (I, j): byte r of word l = byte 8j + l of row 8I + r.
// Each B block loaded feeds `mr` row blocks: one load per mr affine steps.
// The first pass over k (q0 == 0) overwrites the block unless `accumulate`.
template <std::size_t mr, std::size_t n>
inline void micro(pblock c, const pblock& a, const pblock& b, std::size_t I, std::size_t j0, std::size_t q0,
                  std::size_t qn, bool accumulate) {
  __m512i acc[mr][n];
  if (q0 == 0 && !accumulate) {
    SUTRO_UNROLL(16)
    for (std::size_t u = 0; u < mr; ++u) SUTRO_UNROLL(16)
    for (std::size_t t = 0; t < n; ++t) acc[u][t] = _mm512_setzero_si512();
  } else {
    SUTRO_UNROLL(16)
    for (std::size_t u = 0; u < mr; ++u) SUTRO_UNROLL(16)
    for (std::size_t t = 0; t < n; ++t) acc[u][t] = _mm512_load_si512(c.row(I + u) + (j0 + t) * 8);
  }
  const word* b0 = b.row(j0) + q0 * 8;
  const std::size_t bs = b.stride;
  // Two steps of k per accumulator update: VPTERNLOGQ folds both products
  // into it at once, one logic op per two affine steps instead of one each
  // (Zen 4, n = 8192: 0.053 s against 0.062 s). qn is even: see mul_add.
  for (std::size_t q = 0; q < qn; q += 2) {
    __m512i x[mr], y[mr];
    SUTRO_UNROLL(16)
    for (std::size_t u = 0; u < mr; ++u) {
      x[u] = _mm512_set1_epi64(static_cast<long long>(a.row(I + u)[q0 + q]));
      y[u] = _mm512_set1_epi64(static_cast<long long>(a.row(I + u)[q0 + q + 1]));
    }
    SUTRO_UNROLL(16)
    for (std::size_t t = 0; t < n; ++t) {
      const __m512i bt = _mm512_load_si512(b0 + t * bs + q * 8);
      const __m512i bu = _mm512_load_si512(b0 + t * bs + q * 8 + 8);
      SUTRO_UNROLL(16)
      for (std::size_t u = 0; u < mr; ++u)
        acc[u][t] = _mm512_ternarylogic_epi64(acc[u][t], _mm512_gf2p8affine_epi64_epi8(x[u], bt, 0),
                                              _mm512_gf2p8affine_epi64_epi8(y[u], bu, 0), 0x96);  // a ^ b ^ c
    }
  }
  SUTRO_UNROLL(16)
  for (std::size_t u = 0; u < mr; ++u) SUTRO_UNROLL(16)
  for (std::size_t t = 0; t < n; ++t) _mm512_store_si512(c.row(I + u) + (j0 + t) * 8, acc[u][t]);
}

template <std::size_t mr>
inline void micro_any(std::size_t n, pblock c, const pblock& a, const pblock& b, std::size_t I, std::size_t j0,
                      std::size_t q0, std::size_t qn, bool accumulate) {
  switch (n) {
    case 8:
      return micro<mr, 8>(c, a, b, I, j0, q0, qn, accumulate);
    case 7:
      return micro<mr, 7>(c, a, b, I, j0, q0, qn, accumulate);
    case 6:
      return micro<mr, 6>(c, a, b, I, j0, q0, qn, accumulate);
    case 5:
      return micro<mr, 5>(c, a, b, I, j0, q0, qn, accumulate);
    case 4:
      return micro<mr, 4>(c, a, b, I, j0, q0, qn, accumulate);
    case 3:
      return micro<mr, 3>(c, a, b, I, j0, q0, qn, accumulate);
    case 2:
      return micro<mr, 2>(c, a, b, I, j0, q0, qn, accumulate);
    default:
      return micro<mr, 1>(c, a, b, I, j0, q0, qn, accumulate);
  }
}

/// Packed C (+)= A B: the first pass over k overwrites C unless `accumulate`.
inline void packed_product(pblock c, pblock a, pblock b, bool accumulate) {
  const std::size_t mi = a.rows, kb = a.words, cw = b.rows;
  for (std::size_t j0 = 0; j0 < cw; j0 += nj) {
    const std::size_t n = std::min(nj, cw - j0);
    for (std::size_t q0 = 0; q0 < kb; q0 += kc) {
      const std::size_t qn = std::min(kc, kb - q0);
      std::size_t I = 0;
      for (; I + 3 <= mi; I += 3) micro_any<3>(n, c, a, b, I, j0, q0, qn, accumulate);
      for (; I + 2 <= mi; I += 2) micro_any<2>(n, c, a, b, I, j0, q0, qn, accumulate);
      if (I < mi) micro_any<1>(n, c, a, b, I, j0, q0, qn, accumulate);
    }
  }
}

namespace packed_sw {
inline void add_to(pblock dst, pblock src) noexcept {
  for (std::size_t i = 0; i < dst.rows; ++i) xor_row(dst.row(i), src.row(i), dst.words);
}
inline void sum(pblock dst, pblock x, pblock y) noexcept {
  for (std::size_t i = 0; i < dst.rows; ++i) {
    std::copy_n(x.row(i), dst.words, dst.row(i));
    xor_row(dst.row(i), y.row(i), dst.words);
  }
}
}  // namespace packed_sw

/// Packed C += A B: Strassen-Winograd while the rows, k and the columns all
/// reach `cutoff` bits, on the packed operands themselves (packing is linear,
/// so sums of packed blocks are packed sums): each operand is packed once and
/// the product unpacked once, however deep the recursion. The schedule is
/// strassen.hpp's.
inline bool strassen_applies(std::size_t mi, std::size_t kb, std::size_t cw, std::size_t cutoff) noexcept {
  return cutoff != 0 && std::min({8 * mi, 8 * kb, 64 * cw}) >= std::max<std::size_t>(cutoff, 128);
}

// Words of one level's temporaries for halves (hm, hk, hn), rounded to whole
// 64-byte lines so that the next level's blocks start aligned.
inline std::size_t strassen_temps(std::size_t hm, std::size_t hk, std::size_t hn) noexcept {
  return hn * 8 * hk + 2 * hm * 8 * hn + (hm * hk + 7) / 8 * 8;
}

/// Words of scratch packed_strassen takes for these sizes, its recursion included.
inline std::size_t strassen_scratch(std::size_t mi, std::size_t kb, std::size_t cw, std::size_t cutoff) noexcept {
  if (!strassen_applies(mi, kb, cw, cutoff)) return 0;
  const std::size_t hm = mi / 2, hk = kb / 4 * 2, hn = cw / 2;
  return strassen_temps(hm, hk, hn) + strassen_scratch(hm, hk, hn, cutoff);
}

inline void packed_strassen(pblock c, pblock a, pblock b, std::size_t cutoff, word* scratch) {
  const std::size_t mi = a.rows, kb = a.words, cw = b.rows;
  if (!strassen_applies(mi, kb, cw, cutoff)) return packed_product(c, a, b, true);
  // Halves: row blocks, an even number of bytes of k (the kernel takes k two
  // bytes at a time), words of columns.
  const std::size_t hm = mi / 2, hk = kb / 4 * 2, hn = cw / 2;
  const pblock a11 = a.sub(0, hm, 0, hk), a12 = a.sub(0, hm, hk, hk), a21 = a.sub(hm, hm, 0, hk),
               a22 = a.sub(hm, hm, hk, hk);
  const pblock b11 = b.sub(0, hn, 0, 8 * hk), b12 = b.sub(hn, hn, 0, 8 * hk), b21 = b.sub(0, hn, 8 * hk, 8 * hk),
               b22 = b.sub(hn, hn, 8 * hk, 8 * hk);
  const pblock c11 = c.sub(0, hm, 0, 8 * hn), c12 = c.sub(0, hm, 8 * hn, 8 * hn), c21 = c.sub(hm, hm, 0, 8 * hn),
               c22 = c.sub(hm, hm, 8 * hn, 8 * hn);
  // The B- and C-layout blocks first: their sizes are whole 64-byte lines,
  // so their aligned loads stay aligned. The recursion's scratch follows.
  const pblock t{scratch, hn, 8 * hk, 8 * hk};
  const pblock q{t.p + hn * 8 * hk, hm, 8 * hn, 8 * hn};
  const pblock r{q.p + hm * 8 * hn, hm, 8 * hn, 8 * hn};
  const pblock s{r.p + hm * 8 * hn, hm, hk, hk};
  word* deeper = scratch + strassen_temps(hm, hk, hn);
  std::fill_n(q.p, 2 * hm * 8 * hn, word{0});  // q and r accumulate products
  auto rec = [&](pblock cc, pblock aa, pblock bb) { packed_strassen(cc, aa, bb, cutoff, deeper); };
  using packed_sw::add_to;
  using packed_sw::sum;
  sum(s, a21, a22);  // S1
  sum(t, b12, b11);  // T1
  rec(r, s, t);      // P5
  add_to(c12, r);
  add_to(c22, r);
  add_to(s, a11);    // S2 = S1 + A11
  sum(t, t, b22);    // T2 = T1 + B22
  rec(q, a11, b11);  // P1
  add_to(c11, q);
  rec(q, s, t);  // Q = P1 + P6
  add_to(c12, q);
  add_to(c21, q);
  add_to(c22, q);
  add_to(s, a12);    // S4 = S2 + A12
  rec(c12, s, b22);  // P3
  add_to(t, b21);    // T4 = T2 + B21
  rec(c21, a22, t);  // P4
  sum(s, a11, a21);  // S3
  sum(t, b22, b12);  // T3
  for (std::size_t i = 0; i < r.rows; ++i) std::fill_n(r.row(i), r.words, word{0});
  rec(r, s, t);  // P7
  add_to(c21, r);
  add_to(c22, r);
  rec(c11, a12, b21);  // P2
  // Fringes: the odd bytes of k, the odd words of columns, the odd row block.
  if (kb > 2 * hk)
    packed_product(c.sub(0, 2 * hm, 0, 16 * hn), a.sub(0, 2 * hm, 2 * hk, kb - 2 * hk),
                   b.sub(0, 2 * hn, 16 * hk, 8 * (kb - 2 * hk)), true);
  if (cw > 2 * hn)
    packed_product(c.sub(0, 2 * hm, 16 * hn, 8 * (cw - 2 * hn)), a.sub(0, 2 * hm, 0, kb),
                   b.sub(2 * hn, cw - 2 * hn, 0, 8 * kb), true);
  if (mi > 2 * hm) packed_product(c.sub(2 * hm, mi - 2 * hm, 0, 8 * cw), a.sub(2 * hm, mi - 2 * hm, 0, kb), b, true);
}

/// Strassen-Winograd over the packed operands while every dimension reaches
/// this many bits. Measured (Zen 4, single thread, best of 5): 8192^3 0.054 s
/// with one or two levels, 0.056 s direct; 16384^3 0.355-0.358 s with three
/// levels, 0.363-0.376 s with two.
inline constexpr std::size_t strassen_cutoff = 4096;

// Packing buffers are kept per thread (fresh pages cost more than the
// packing), counted in memory::default_stats(): a buffer that outlives the
// call must not count into a caller's stats object, which may die first.
inline zbuf& workspace() {
  thread_local zbuf buffer{detail::scratch_allocator<word>(memory::default_stats())};
  return buffer;
}

// Words of one column share's buffer: its packed B, its packed product and
// the Strassen scratch (each a whole number of 64-byte lines).
inline std::size_t share_words(std::size_t mi, std::size_t kb, std::size_t cw, std::size_t cutoff) noexcept {
  return cw * kb * 8 + mi * cw * 8 + strassen_scratch(mi, kb, cw, cutoff);
}

// Columns [w0, w0 + cw) of C += A B, A packed already: packs this share of B,
// multiplies (Strassen-Winograd while it applies), adds the product into C.
inline void column_share(detail::mblock c, const pblock& pa, detail::cblock b, std::size_t w0, std::size_t cw,
                         std::size_t cutoff, word* buf) {
  const std::size_t mi = pa.rows, kb = pa.words;
  const std::size_t cols = std::min(c.cols - 64 * w0, 64 * cw);
  const detail::cblock bs{b.data + w0, b.rows, cols, b.stride};
  const detail::mblock cs{c.data + w0, c.rows, cols, c.stride};
  word* bz = buf;
  word* cz = bz + cw * kb * 8;
  pack_b(bs, kb, cw, bz);
  const pblock pb{bz, cw, 8 * kb, 8 * kb}, pc{cz, mi, 8 * cw, 8 * cw};
  if (strassen_applies(mi, kb, cw, cutoff)) {
    std::fill_n(cz, mi * cw * 8, word{0});
    packed_strassen(pc, pa, pb, cutoff, cz + mi * cw * 8);
  } else {
    packed_product(pc, pa, pb, false);
  }
  unpack_add(cs, cz, mi, cw);
}

/// C += A B (shapes checked by the caller), Strassen-Winograd on the packed
/// operands while every dimension reaches `cutoff` bits (0: never). Threads
/// take contiguous shares of C's columns, each with its own packed B, product
/// and Strassen recursion in the caller's buffer (A is packed once, shared).
inline void mul_add(detail::mblock c, detail::cblock a, detail::cblock b, unsigned threads, std::size_t cutoff) {
  // kb is a multiple of 8 (bytes per word of k), so every pass of the kernel
  // and every Strassen half of k has an even number of bytes.
  const std::size_t mi = (a.rows + 7) / 8, kb = 8 * a.words(), cw = c.words();
  // Products too small to split (the triangular solves' many) run on one thread.
  const double min_work_per_thread = product_work_per_member(threads);  // bit operations m k n
  const double work = static_cast<double>(a.rows) * static_cast<double>(a.cols) * static_cast<double>(c.cols);
  std::optional<cpu::thread_team> own;
  cpu::thread_team* team = cpu::current_or_own(threads, work >= 2 * min_work_per_thread && (cw + nj - 1) / nj > 1, own);
  const std::size_t by_work = static_cast<std::size_t>(std::max(1.0, work / min_work_per_thread));
  const std::size_t nt =
      team == nullptr
          ? 1
          : std::max<std::size_t>(1, std::min<std::size_t>({std::size_t{team->size()}, (cw + nj - 1) / nj, by_work}));
  std::vector<std::size_t> first(nt + 1);
  for (std::size_t t = 0; t <= nt; ++t) first[t] = cw * t / nt;
  std::vector<std::size_t> offset(nt + 1, mi * kb);
  for (std::size_t t = 0; t < nt; ++t) offset[t + 1] = offset[t] + share_words(mi, kb, first[t + 1] - first[t], cutoff);
  // Output counted elsewhere (scratch_stats() is not the default): a buffer
  // for this call only, counted there.
  zbuf local;
  zbuf& ws = kept_or_local(workspace(), local, offset[nt]);
  const pblock pa{ws.data(), mi, kb, kb};
  auto share = [&](std::size_t t) {
    column_share(c, pa, b, first[t], first[t + 1] - first[t], cutoff, ws.data() + offset[t]);
  };
  if (team != nullptr && nt > 1) {
    // The team packs A too, each member a share of its row blocks.
    team->run([&](unsigned member, unsigned members) {
      const std::size_t i0 = mi * member / members, i1 = mi * (member + 1) / members;
      const std::size_t r0 = std::min(a.rows, 8 * i0), r1 = std::min(a.rows, 8 * i1);
      if (r1 > r0) pack_a({a.row(r0), r1 - r0, a.cols, a.stride}, kb, ws.data() + i0 * kb);
    });
    team->run([&](unsigned member, unsigned) {
      if (member < nt) share(member);
    });
    return;
  }
  pack_a(a, kb, ws.data());
  share(0);
}

}  // namespace gfni
#endif
