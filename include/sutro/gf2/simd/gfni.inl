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

inline word at(detail::cblock m, std::size_t i, std::size_t w) noexcept { return i < m.rows ? m.row(i)[w] : 0; }

// ap[I * kb + q]: byte r = byte q of row 8I + r of a.
inline void pack_a(detail::cblock a, std::size_t kb, word* ap) {
  const std::size_t mi = (a.rows + 7) / 8;
  for (std::size_t I = 0; I < mi; ++I)
    for (std::size_t w = 0; w < a.words(); ++w) {
      const std::size_t i = 8 * I;
      const __m512i rows =
          _mm512_set_epi64(static_cast<long long>(at(a, i + 7, w)), static_cast<long long>(at(a, i + 6, w)),
                           static_cast<long long>(at(a, i + 5, w)), static_cast<long long>(at(a, i + 4, w)),
                           static_cast<long long>(at(a, i + 3, w)), static_cast<long long>(at(a, i + 2, w)),
                           static_cast<long long>(at(a, i + 1, w)), static_cast<long long>(at(a, i + 0, w)));
      _mm512_store_si512(ap + I * kb + 8 * w, byte_transpose(rows));
    }
}

// bz[(j * kb + q) * 8 + l]: the block of rows 8q.. and columns 64j + 8l.. of b,
// as GF2P8AFFINEQB's matrix operand: byte 7 - i holds column i (bit k: row k).
inline void pack_b(detail::cblock b, std::size_t kb, std::size_t cw, word* bz) {
  const __m512i flip = _mm512_set1_epi64(0x0102040810204080LL);
  for (std::size_t q = 0; q < kb; ++q)
    for (std::size_t j = 0; j < cw; ++j) {
      const std::size_t k = 8 * q;
      // Rows in reverse order: after the byte transpose, qword l holds byte
      // 7 - r = row r of block l; the affine step with `flip` transposes bits.
      const __m512i rows =
          _mm512_set_epi64(static_cast<long long>(at(b, k + 0, j)), static_cast<long long>(at(b, k + 1, j)),
                           static_cast<long long>(at(b, k + 2, j)), static_cast<long long>(at(b, k + 3, j)),
                           static_cast<long long>(at(b, k + 4, j)), static_cast<long long>(at(b, k + 5, j)),
                           static_cast<long long>(at(b, k + 6, j)), static_cast<long long>(at(b, k + 7, j)));
      _mm512_store_si512(bz + (j * kb + q) * 8, _mm512_gf2p8affine_epi64_epi8(flip, byte_transpose(rows), 0));
    }
}

// cz[(I * cw + j) * 8 + l]: byte r = byte 8j + l of row 8I + r of the product.
// Each B block loaded feeds `mr` row blocks: one load per mr affine steps.
template <std::size_t mr, std::size_t n>
inline void micro(const word* ap, const word* bz, word* cz, std::size_t I, std::size_t j0, std::size_t q0,
                  std::size_t qn, std::size_t kb, std::size_t cw) {
  __m512i acc[mr][n];
  const std::size_t bs = kb * 8;
  if (q0 == 0) {
    SUTRO_UNROLL(16)
    for (std::size_t u = 0; u < mr; ++u) SUTRO_UNROLL(16)
    for (std::size_t t = 0; t < n; ++t) acc[u][t] = _mm512_setzero_si512();
  } else {
    SUTRO_UNROLL(16)
    for (std::size_t u = 0; u < mr; ++u) SUTRO_UNROLL(16)
    for (std::size_t t = 0; t < n; ++t) acc[u][t] = _mm512_load_si512(cz + ((I + u) * cw + j0 + t) * 8);
  }
  const word* b0 = bz + (j0 * kb + q0) * 8;
  // Two steps of k per accumulator update: VPTERNLOGQ folds both products
  // into it at once, one logic op per two affine steps instead of one each
  // (Zen 4, n = 8192: 0.053 s against 0.062 s). qn is even: kb is 8 bytes
  // per word of k and kc is even.
  static_assert(kc % 2 == 0);
  for (std::size_t q = 0; q < qn; q += 2) {
    __m512i x[mr], y[mr];
    SUTRO_UNROLL(16)
    for (std::size_t u = 0; u < mr; ++u) {
      x[u] = _mm512_set1_epi64(static_cast<long long>(ap[(I + u) * kb + q0 + q]));
      y[u] = _mm512_set1_epi64(static_cast<long long>(ap[(I + u) * kb + q0 + q + 1]));
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
  for (std::size_t t = 0; t < n; ++t) _mm512_store_si512(cz + ((I + u) * cw + j0 + t) * 8, acc[u][t]);
}

template <std::size_t mr>
inline void micro_any(std::size_t n, const word* ap, const word* bz, word* cz, std::size_t I, std::size_t j0,
                      std::size_t q0, std::size_t qn, std::size_t kb, std::size_t cw) {
  switch (n) {
    case 8:
      return micro<mr, 8>(ap, bz, cz, I, j0, q0, qn, kb, cw);
    case 7:
      return micro<mr, 7>(ap, bz, cz, I, j0, q0, qn, kb, cw);
    case 6:
      return micro<mr, 6>(ap, bz, cz, I, j0, q0, qn, kb, cw);
    case 5:
      return micro<mr, 5>(ap, bz, cz, I, j0, q0, qn, kb, cw);
    case 4:
      return micro<mr, 4>(ap, bz, cz, I, j0, q0, qn, kb, cw);
    case 3:
      return micro<mr, 3>(ap, bz, cz, I, j0, q0, qn, kb, cw);
    case 2:
      return micro<mr, 2>(ap, bz, cz, I, j0, q0, qn, kb, cw);
    default:
      return micro<mr, 1>(ap, bz, cz, I, j0, q0, qn, kb, cw);
  }
}

inline void multiply_range(const word* ap, const word* bz, word* cz, std::size_t mi, std::size_t kb, std::size_t cw,
                           std::size_t j_first, std::size_t j_step) {
  for (std::size_t j0 = j_first * nj; j0 < cw; j0 += j_step * nj) {
    const std::size_t n = std::min(nj, cw - j0);
    for (std::size_t q0 = 0; q0 < kb; q0 += kc) {
      const std::size_t qn = std::min(kc, kb - q0);
      std::size_t I = 0;
      for (; I + 3 <= mi; I += 3) micro_any<3>(n, ap, bz, cz, I, j0, q0, qn, kb, cw);
      for (; I + 2 <= mi; I += 2) micro_any<2>(n, ap, bz, cz, I, j0, q0, qn, kb, cw);
      if (I < mi) micro_any<1>(n, ap, bz, cz, I, j0, q0, qn, kb, cw);
    }
  }
}

// Packing buffers are kept per thread (fresh pages cost more than the
// packing), counted in memory::default_stats(): a buffer that outlives the
// call must not count into a caller's stats object, which may die first.
inline zbuf& workspace() {
  thread_local zbuf buffer{detail::scratch_allocator<word>(memory::default_stats())};
  return buffer;
}

/// C += A B (shapes checked by the caller).
inline void mul_add(detail::mblock c, detail::cblock a, detail::cblock b, unsigned threads) {
  const std::size_t mi = (a.rows + 7) / 8, kb = 8 * a.words(), cw = c.words();
  // Output counted elsewhere (scratch_stats() is not the default): a buffer
  // for this call only, counted there.
  zbuf local;
  zbuf& ws = &detail::scratch_stats() == &memory::default_stats() ? workspace() : local;
  // mi is padded to even so the two-block micro kernel may read one block past.
  const std::size_t need = (mi + 1) * kb + cw * kb * 8 + (mi + 1) * cw * 8;
  if (ws.size() < need) {
    ws.clear();
    ws.shrink_to_fit();
    ws.resize(need);
  }
  word* ap = ws.data();
  word* bz = ap + (mi + 1) * kb;
  word* cz = bz + cw * kb * 8;
  pack_a(a, kb, ap);
  pack_b(b, kb, cw, bz);
  const std::size_t nchunks = (cw + nj - 1) / nj;
  const std::size_t nt = std::min<std::size_t>(threads, nchunks);
  if (nt <= 1) {
    multiply_range(ap, bz, cz, mi, kb, cw, 0, 1);
  } else {
    std::vector<std::thread> pool;
    for (std::size_t t = 1; t < nt; ++t) pool.emplace_back(multiply_range, ap, bz, cz, mi, kb, cw, t, nt);
    multiply_range(ap, bz, cz, mi, kb, cw, 0, nt);
    for (auto& th : pool) th.join();
  }
  alignas(64) word rows[8];
  for (std::size_t I = 0; I < mi; ++I)
    for (std::size_t j = 0; j < cw; ++j) {
      _mm512_store_si512(rows, byte_transpose(_mm512_load_si512(cz + (I * cw + j) * 8)));
      for (std::size_t r = 0; r < 8 && 8 * I + r < c.rows; ++r) c.row(8 * I + r)[j] ^= rows[r];
    }
}

}  // namespace gfni
#endif
