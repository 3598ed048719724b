// Transpose in units of 512 input rows x 512 columns (8 words): the unit's
// input is 512 row segments of one cache line each, its output 512 row
// segments of one cache line each (output words [ib/64, ib/64 + 8) of rows
// [64 bj, 64 bj + 512)), so both sides move whole lines and the unit's 64 KiB
// sit in L1/L2. Measured at 16384^2 on Zen 5 (docs/performance.md): writing
// one word per output row per 64x64 tile, as a tile-at-a-time loop does,
// costs 3 to 4x the whole unit, whatever the kernel inside.
//
// Inside a unit: at the levels with GFNI and VBMI, 8x8 bit blocks are
// transposed by GF2P8AFFINEQB after byte moves (VPERMB) and qword moves
// (VPERMT2Q) put each block in one qword; elsewhere each 64x64 tile takes
// the six masked-swap rounds of the scalar kernel, `lanes` tiles per register.

namespace transpose_unit {

inline constexpr std::size_t rows = 512;  // input rows per unit (= output words 8: one line)
inline constexpr std::size_t words = 8;   // input words per unit (512 output rows)
// Outputs of this size or more are written with non-temporal stores: a store
// that misses costs a read of the line first. On an Intel Xeon (2 MiB L2)
// the 8192^2 transpose (8 MiB out) between other work took 3.4 to 3.6 ms
// streamed against 4.2 to 4.5 cached; back to back, its input still in
// cache, 2.6 against 2.0.
inline constexpr std::size_t stream_bytes = std::size_t{4} << 20;

/// The unit's input: row i is src + i * stride, `words` words; rows from
/// `rows_in` on read as zero (the last band of a matrix).
struct source {
  const word* src;
  std::size_t stride;
  std::size_t rows_in = rows;
  const word* row(std::size_t i) const noexcept {
    alignas(64) static constexpr word zero_line[words] = {};
    return i < rows_in ? src + i * stride : zero_line;
  }
};

#if SUTRO_KERNEL_LEVEL >= 4
/// r[j] <- qword j of r[0..7] (an 8x8 transpose of qwords across registers).
inline void qword_transpose(__m512i* r) noexcept {
  const __m512i a_lo = _mm512_set_epi64(14, 6, 12, 4, 10, 2, 8, 0), a_hi = _mm512_set_epi64(15, 7, 13, 5, 11, 3, 9, 1);
  const __m512i b_lo = _mm512_set_epi64(13, 12, 5, 4, 9, 8, 1, 0), b_hi = _mm512_set_epi64(15, 14, 7, 6, 11, 10, 3, 2);
  const __m512i c_lo = _mm512_set_epi64(11, 10, 9, 8, 3, 2, 1, 0), c_hi = _mm512_set_epi64(15, 14, 13, 12, 7, 6, 5, 4);
  __m512i a[8], b[8];
  for (int p = 0; p < 8; p += 2) {
    a[p] = _mm512_permutex2var_epi64(r[p], a_lo, r[p + 1]);
    a[p + 1] = _mm512_permutex2var_epi64(r[p], a_hi, r[p + 1]);
  }
  for (int p : {0, 1, 4, 5}) {
    b[p] = _mm512_permutex2var_epi64(a[p], b_lo, a[p + 2]);
    b[p + 2] = _mm512_permutex2var_epi64(a[p], b_hi, a[p + 2]);
  }
  for (int p = 0; p < 4; ++p) {
    r[p] = _mm512_permutex2var_epi64(b[p], c_lo, b[p + 4]);
    r[p + 4] = _mm512_permutex2var_epi64(b[p], c_hi, b[p + 4]);
  }
}

/// Qword q, byte b -> qword b, byte q (rev: to byte 7 - q).
template <bool rev>
inline __m512i byte_transpose(__m512i x) noexcept {
  alignas(64) static constexpr unsigned char plain[64] = {0, 8,  16, 24, 32, 40, 48, 56, 1, 9,  17, 25, 33, 41, 49, 57,
                                                          2, 10, 18, 26, 34, 42, 50, 58, 3, 11, 19, 27, 35, 43, 51, 59,
                                                          4, 12, 20, 28, 36, 44, 52, 60, 5, 13, 21, 29, 37, 45, 53, 61,
                                                          6, 14, 22, 30, 38, 46, 54, 62, 7, 15, 23, 31, 39, 47, 55, 63};
  alignas(64) static constexpr unsigned char reversed[64] = {
      56, 48, 40, 32, 24, 16, 8,  0,  57, 49, 41, 33, 25, 17, 9,  1,  58, 50, 42, 34, 26, 18,
      10, 2,  59, 51, 43, 35, 27, 19, 11, 3,  60, 52, 44, 36, 28, 20, 12, 4,  61, 53, 45, 37,
      29, 21, 13, 5,  62, 54, 46, 38, 30, 22, 14, 6,  63, 55, 47, 39, 31, 23, 15, 7};
  // maskz: GCC 12 warns on the unmasked form
  return _mm512_maskz_permutexvar_epi8(~__mmask64{0}, _mm512_load_si512(rev ? reversed : plain), x);
}

/// out[o * 8 + s] = word s of output row o of the unit.
inline void unit(source in, word* out) noexcept {
  // GF2P8AFFINEQB(eye, A) maps byte k to bits A[7 - j] bit k: with A the
  // byte-reversed block, the transposed block.
  const __m512i eye = _mm512_set1_epi64(static_cast<long long>(0x8040201008040201ull));
  alignas(64) word blocks[8 * 8 * 8];      // [tile W][row group R]: 8x8 blocks, transposed
  alignas(64) word groups[8 * 8 * 8 * 8];  // [W][C][s]: output rows 64W + 8C + 0..7, word s
  for (std::size_t s = 0; s < 8; ++s) {
    for (std::size_t R = 0; R < 8; ++R) {
      __m512i v[8];  // rows 64 s + 8 R + r: [r][W][C][bit c]
      for (std::size_t r = 0; r < 8; ++r) v[r] = _mm512_loadu_si512(in.row(64 * s + 8 * R + r));
      qword_transpose(v);                  // v[W]: [r][C][c]
      for (std::size_t W = 0; W < 8; ++W)  // -> [C][c][bit r]
        _mm512_store_si512(blocks + (W * 8 + R) * 8, _mm512_gf2p8affine_epi64_epi8(eye, byte_transpose<true>(v[W]), 0));
    }
    for (std::size_t W = 0; W < 8; ++W) {
      __m512i v[8];  // [R][C][c][r]
      for (std::size_t R = 0; R < 8; ++R) v[R] = _mm512_load_si512(blocks + (W * 8 + R) * 8);
      qword_transpose(v);                  // v[C]: [R][c][r]
      for (std::size_t C = 0; C < 8; ++C)  // -> [c][R][r]: qword c is output row 64W + 8C + c
        _mm512_store_si512(groups + ((W * 8 + C) * 8 + s) * 8, byte_transpose<false>(v[C]));
    }
  }
  for (std::size_t g = 0; g < 64; ++g) {
    __m512i v[8];  // [s][c]
    for (std::size_t s = 0; s < 8; ++s) v[s] = _mm512_load_si512(groups + (g * 8 + s) * 8);
    qword_transpose(v);  // v[c]: words s of output row 8g + c
    for (std::size_t c = 0; c < 8; ++c) _mm512_store_si512(out + (8 * g + c) * 8, v[c]);
  }
}
#else
inline void unit(source in, word* out) noexcept {
  using batch = word_batch;
  constexpr std::size_t lanes = batch::size;
  static_assert(words % lanes == 0, "a unit is a whole number of registers wide");
  alignas(64) word tile[64 * lanes];
  for (std::size_t s = 0; s < 8; ++s)
    for (std::size_t g = 0; g < words; g += lanes) {
      batch t[64];
      for (std::size_t r = 0; r < 64; ++r) t[r] = batch::load_unaligned(in.row(64 * s + r) + g);
      word m = 0x00000000FFFFFFFFull;
      for (std::size_t j = 32; j != 0; j >>= 1, m ^= m << j) {
        const batch mask(m), shift(static_cast<word>(j));
        for (std::size_t k = 0; k < 64; k = ((k | j) + 1) & ~j) {
          const batch x = ((t[k] >> shift) ^ t[k | j]) & mask;
          t[k | j] = t[k | j] ^ x;
          t[k] = t[k] ^ (x << shift);
        }
      }
      for (std::size_t r = 0; r < 64; ++r) t[r].store_aligned(tile + r * lanes);
      for (std::size_t l = 0; l < lanes; ++l)
        for (std::size_t r = 0; r < 64; ++r) out[(64 * (g + l) + r) * 8 + s] = tile[r * lanes + l];
    }
}
#endif

/// Copies a line of 8 words; non-temporal when asked and the target is aligned.
inline void put_line(word* dst, const word* src, bool stream) noexcept {
#if SUTRO_KERNEL_LEVEL >= 3
  const __m512i v = _mm512_load_si512(src);
  if (stream && reinterpret_cast<std::uintptr_t>(dst) % 64 == 0)
    _mm512_stream_si512(reinterpret_cast<__m512i*>(dst), v);
  else
    _mm512_storeu_si512(dst, v);
#elif SUTRO_KERNEL_LEVEL == 2
  const __m256i lo = _mm256_load_si256(reinterpret_cast<const __m256i*>(src));
  const __m256i hi = _mm256_load_si256(reinterpret_cast<const __m256i*>(src + 4));
  if (stream && reinterpret_cast<std::uintptr_t>(dst) % 32 == 0) {
    _mm256_stream_si256(reinterpret_cast<__m256i*>(dst), lo);
    _mm256_stream_si256(reinterpret_cast<__m256i*>(dst + 4), hi);
  } else {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), lo);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + 4), hi);
  }
#else
  (void)stream;
  std::copy_n(src, 8, dst);
#endif
}

inline void fence() noexcept {
#if SUTRO_KERNEL_LEVEL >= 2
  _mm_sfence();
#endif
}

}  // namespace transpose_unit

/// out = in^T (out is cols(in) x rows(in)); every output word is written once.
/// Units past the last row or word read zeros; nearly empty ones (a few
/// tiles) go tile by tile through the scalar kernel, which is cheaper there.
inline void transpose(detail::mblock out, detail::cblock in) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
  namespace tu = transpose_unit;
  if (in.rows == 0 || in.cols == 0) return;
  alignas(64) static thread_local word lines[tu::words * 64 * 8];     // the unit's output
  alignas(64) static thread_local word padded[tu::rows * tu::words];  // a unit short of words
  const bool stream = out.rows * out.words() * sizeof(word) >= tu::stream_bytes;
  word tile[64];
  for (std::size_t ib = 0; ib < in.rows; ib += tu::rows) {
    const std::size_t rn = std::min(tu::rows, in.rows - ib);
    const std::size_t ow = ib / 64, own = std::min<std::size_t>(8, out.words() - ow);
    for (std::size_t bj = 0; bj < in.words(); bj += tu::words) {
      const std::size_t wn = std::min(tu::words, in.words() - bj);
      const std::size_t on = std::min<std::size_t>(64 * wn, in.cols - 64 * bj);  // output rows
      if ((rn + 63) / 64 * wn <= 4) {
        transpose_tiles(detail::mblock{out.row(64 * bj) + ow, on, rn, out.stride},
                        detail::cblock{in.row(ib) + bj, rn, on, in.stride}, tile + 0);
        continue;
      }
      tu::source src{in.row(ib) + bj, in.stride, rn};
      if (wn < tu::words) {
        for (std::size_t i = 0; i < rn; ++i) {
          std::copy_n(in.row(ib + i) + bj, wn, padded + i * tu::words);
          std::fill_n(padded + i * tu::words + wn, tu::words - wn, word{0});
        }
        src = {padded, tu::words, rn};
      }
      tu::unit(src, lines);
      if (own == 8)
        for (std::size_t o = 0; o < on; ++o) tu::put_line(out.row(64 * bj + o) + ow, lines + o * 8, stream);
      else
        for (std::size_t o = 0; o < on; ++o) std::copy_n(lines + o * 8, own, out.row(64 * bj + o) + ow);
    }
  }
  if (stream) tu::fence();
}
