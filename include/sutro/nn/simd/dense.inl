// Dense-layer kernels of one instruction-set level, compiled once per level
// (foreach_level.inl, included by nn/simd/dense.hpp; no include guard, no
// includes). Every function with a vector in its signature is defined here,
// so it gets the level's target: none crosses into code of another level.
//
// avx2 and above: register tiles of up to 4 rows x NR registers (AVX-512: 6
// zmm, 24 accumulators of 32 registers; AVX2: 3 ymm, 12 of 16; the AVX-512
// forward: 8 rows x 3 zmm), so each weight (or delta) load feeds up to 4 (8)
// fused multiply-adds and each broadcast input up to NR, where the reference
// loops issue one load per multiply-add.
// Columns past the last full register are masked, never read or written
// (spd_inverse's copies excepted: whole registers wherever they stay inside A).
// Below avx2 (no FMA unit, so nothing to gain over the reference): the
// reference loops of nn/scalar/dense.hpp.

#if SUTRO_KERNEL_LEVEL >= 2
namespace tiles {

// One register of T at this level, and the few operations the tiles use.
template <class T>
struct vreg;

#if SUTRO_KERNEL_LEVEL >= 3
template <>
struct vreg<float> {
  using reg = __m512;
  using mask_type = __mmask16;
  static constexpr std::size_t lanes = 16;
  // The lanes of columns [c, n) among c, c + 1, ..., c + 15 (none when c >= n).
  static mask_type mask(std::size_t c, std::size_t n) noexcept {
    const std::size_t left = c < n ? n - c : 0;
    return left >= lanes ? mask_type(0xffff) : static_cast<mask_type>((1u << left) - 1u);
  }
  static reg zero() noexcept { return _mm512_setzero_ps(); }
  static reg load(mask_type m, const float* p) noexcept { return _mm512_maskz_loadu_ps(m, p); }
  static reg loadu(const float* p) noexcept { return _mm512_loadu_ps(p); }
  static void store(float* p, mask_type m, reg v) noexcept { _mm512_mask_storeu_ps(p, m, v); }
  static void storeu(float* p, reg v) noexcept { _mm512_storeu_ps(p, v); }
  static reg set1(float x) noexcept { return _mm512_set1_ps(x); }
  static reg fmadd(reg a, reg b, reg c) noexcept { return _mm512_fmadd_ps(a, b, c); }
  static reg add(reg a, reg b) noexcept { return _mm512_add_ps(a, b); }
  // v <= 0 ? +0 : v as a masked move (-0 gives +0, NaN stays NaN so that a
  // diverged layer shows in the loss); _mm512_max_ps would drop the NaN.
  static reg relu(reg v) noexcept {
    return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_NLE_UQ), v);
  }
  // a > 0 ? b * c : +0 per lane.
  static reg mul_where_positive(reg a, reg b, reg c) noexcept {
    return _mm512_maskz_mul_ps(_mm512_cmp_ps_mask(a, _mm512_setzero_ps(), _CMP_GT_OQ), b, c);
  }
};
template <>
struct vreg<double> {
  using reg = __m512d;
  using mask_type = __mmask8;
  static constexpr std::size_t lanes = 8;
  static mask_type mask(std::size_t c, std::size_t n) noexcept {
    const std::size_t left = c < n ? n - c : 0;
    return left >= lanes ? mask_type(0xff) : static_cast<mask_type>((1u << left) - 1u);
  }
  static reg zero() noexcept { return _mm512_setzero_pd(); }
  static reg load(mask_type m, const double* p) noexcept { return _mm512_maskz_loadu_pd(m, p); }
  static reg loadu(const double* p) noexcept { return _mm512_loadu_pd(p); }
  static void store(double* p, mask_type m, reg v) noexcept { _mm512_mask_storeu_pd(p, m, v); }
  static void storeu(double* p, reg v) noexcept { _mm512_storeu_pd(p, v); }
  static reg set1(double x) noexcept { return _mm512_set1_pd(x); }
  static reg fmadd(reg a, reg b, reg c) noexcept { return _mm512_fmadd_pd(a, b, c); }
  static reg add(reg a, reg b) noexcept { return _mm512_add_pd(a, b); }
  static reg relu(reg v) noexcept {
    return _mm512_maskz_mov_pd(_mm512_cmp_pd_mask(v, _mm512_setzero_pd(), _CMP_NLE_UQ), v);
  }
  static reg mul_where_positive(reg a, reg b, reg c) noexcept {
    return _mm512_maskz_mul_pd(_mm512_cmp_pd_mask(a, _mm512_setzero_pd(), _CMP_GT_OQ), b, c);
  }
};
#else
// AVX2 masks are vectors (all ones in a lane to load or store it), plus
// whether all lanes are in: whole registers take plain loads and stores, since
// AMD cores run a masked store (VMASKMOVPS) many times slower than a plain one
// (Zen 3: the SGD epoch spent a quarter of its time in them).
struct avx2_mask {
  __m256i lanes;
  bool full;
};
template <>
struct vreg<float> {
  using reg = __m256;
  using mask_type = avx2_mask;
  static constexpr std::size_t lanes = 8;
  static mask_type mask(std::size_t c, std::size_t n) noexcept {
    const std::size_t left = c < n ? n - c : 0;
    const int k = left >= lanes ? static_cast<int>(lanes) : static_cast<int>(left);
    return {_mm256_cmpgt_epi32(_mm256_set1_epi32(k), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)), left >= lanes};
  }
  static reg zero() noexcept { return _mm256_setzero_ps(); }
  static reg load(mask_type m, const float* p) noexcept {
    return m.full ? _mm256_loadu_ps(p) : _mm256_maskload_ps(p, m.lanes);
  }
  static reg loadu(const float* p) noexcept { return _mm256_loadu_ps(p); }
  static void store(float* p, mask_type m, reg v) noexcept {
    if (m.full)
      _mm256_storeu_ps(p, v);
    else
      _mm256_maskstore_ps(p, m.lanes, v);
  }
  static void storeu(float* p, reg v) noexcept { _mm256_storeu_ps(p, v); }
  static reg set1(float x) noexcept { return _mm256_set1_ps(x); }
  static reg fmadd(reg a, reg b, reg c) noexcept { return _mm256_fmadd_ps(a, b, c); }
  static reg add(reg a, reg b) noexcept { return _mm256_add_ps(a, b); }
  static reg relu(reg v) noexcept { return _mm256_and_ps(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_NLE_UQ), v); }
  static reg mul_where_positive(reg a, reg b, reg c) noexcept {
    return _mm256_and_ps(_mm256_cmp_ps(a, _mm256_setzero_ps(), _CMP_GT_OQ), _mm256_mul_ps(b, c));
  }
};
template <>
struct vreg<double> {
  using reg = __m256d;
  using mask_type = avx2_mask;
  static constexpr std::size_t lanes = 4;
  static mask_type mask(std::size_t c, std::size_t n) noexcept {
    const std::size_t left = c < n ? n - c : 0;
    const long long k = left >= lanes ? static_cast<long long>(lanes) : static_cast<long long>(left);
    return {_mm256_cmpgt_epi64(_mm256_set1_epi64x(k), _mm256_setr_epi64x(0, 1, 2, 3)), left >= lanes};
  }
  static reg zero() noexcept { return _mm256_setzero_pd(); }
  static reg load(mask_type m, const double* p) noexcept {
    return m.full ? _mm256_loadu_pd(p) : _mm256_maskload_pd(p, m.lanes);
  }
  static reg loadu(const double* p) noexcept { return _mm256_loadu_pd(p); }
  static void store(double* p, mask_type m, reg v) noexcept {
    if (m.full)
      _mm256_storeu_pd(p, v);
    else
      _mm256_maskstore_pd(p, m.lanes, v);
  }
  static void storeu(double* p, reg v) noexcept { _mm256_storeu_pd(p, v); }
  static reg set1(double x) noexcept { return _mm256_set1_pd(x); }
  static reg fmadd(reg a, reg b, reg c) noexcept { return _mm256_fmadd_pd(a, b, c); }
  static reg add(reg a, reg b) noexcept { return _mm256_add_pd(a, b); }
  static reg relu(reg v) noexcept { return _mm256_and_pd(_mm256_cmp_pd(v, _mm256_setzero_pd(), _CMP_NLE_UQ), v); }
  static reg mul_where_positive(reg a, reg b, reg c) noexcept {
    return _mm256_and_pd(_mm256_cmp_pd(a, _mm256_setzero_pd(), _CMP_GT_OQ), _mm256_mul_pd(b, c));
  }
};
#endif

// Tile shape: accumulators + one register per loaded column block + one
// broadcast must fit the register file (32 zmm, 16 ymm).
inline constexpr std::size_t max_tile_rows = 4;
inline constexpr std::size_t max_tile_regs = SUTRO_KERNEL_LEVEL >= 3 ? 6 : 3;

// Splits nreg registers into tiles of at most Max, as even as possible.
template <std::size_t Max = max_tile_regs, class Tile>
inline void for_each_register_tile(std::size_t nreg, Tile&& tile) {
  const std::size_t tiles = (nreg + Max - 1) / Max;
  std::size_t r0 = 0;
  for (std::size_t t = 0; t < tiles; ++t) {
    const std::size_t nr = (nreg - r0) / (tiles - t);
    tile(r0, nr);
    r0 += nr;
  }
}

// f(integral_constant<n>) for a runtime n in [1, N].
template <std::size_t N, class F>
inline void with_constant(std::size_t n, F&& f) {
  if constexpr (N == 1) {
    f(std::integral_constant<std::size_t, 1>{});
  } else {
    if (n >= N)
      f(std::integral_constant<std::size_t, N>{});
    else
      with_constant<N - 1>(n, f);
  }
}

// f(integral_constant<NB>, integral_constant<NR>) for runtime nb in [1, Rows], nr in [1, Regs].
template <std::size_t Rows = max_tile_rows, std::size_t Regs = max_tile_regs, class F>
inline void with_tile(std::size_t nb, std::size_t nr, F&& f) {
  with_constant<Rows>(nb, [&](auto NB) { with_constant<Regs>(nr, [&](auto NR) { f(NB, NR); }); });
}

// The forward's tiles at AVX-512: 8 rows by up to 3 registers, measured
// faster than 4 by up to 6 (68 against 59 G FMA/s for a batch of 32 from 20
// inputs to 200 on the Intel Xeon of docs/performance.md, "What bounds the
// kernels"; a tile loop alone: 93 G/s at 8 x 3, 85 at 6 x 4, 78 at 4 x 4).
inline constexpr std::size_t forward_tile_rows = SUTRO_KERNEL_LEVEL >= 3 ? 8 : max_tile_rows;
inline constexpr std::size_t forward_tile_regs = SUTRO_KERNEL_LEVEL >= 3 ? 3 : max_tile_regs;

// out[b, c] = init[c] + sum_i A[b * a_stride + i] W[i, c] for NB rows b and
// NR registers of columns c from c0, one fused multiply-add per term in i order.
template <class T, std::size_t NB, std::size_t NR, bool Relu>
inline void tile_forward(std::size_t fi, std::size_t fo, std::size_t c0, const T* A, std::size_t a_stride, const T* W,
                         const T* init, T* out, std::size_t out_stride) noexcept {
  using V = vreg<T>;
  constexpr std::size_t L = V::lanes;
  typename V::reg acc[NB][NR];
  typename V::mask_type mask[NR];
  SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) {
    mask[r] = V::mask(c0 + L * r, fo);
    const auto v = V::load(mask[r], init + c0 + L * r);
    SUTRO_NN_UNROLL for (std::size_t b = 0; b < NB; ++b) acc[b][r] = v;
  }
  for (std::size_t i = 0; i < fi; ++i) {
    typename V::reg w[NR];
    SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) w[r] = V::load(mask[r], W + i * fo + c0 + L * r);
    SUTRO_NN_UNROLL for (std::size_t b = 0; b < NB; ++b) {
      const auto x = V::set1(A[b * a_stride + i]);
      SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) acc[b][r] = V::fmadd(x, w[r], acc[b][r]);
    }
  }
  SUTRO_NN_UNROLL for (std::size_t b = 0; b < NB; ++b) SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r)
      V::store(out + b * out_stride + c0 + L * r, mask[r], Relu ? V::relu(acc[b][r]) : acc[b][r]);
}

// gW[i, c] = sum_k in[rows[k] * fi + i] delta[rows[k], c] for NI inputs i and
// NR registers of columns c from c0, in k order.
template <class T, std::size_t NI, std::size_t NR>
inline void tile_weight_grad(const std::size_t* rows, std::size_t nrows, std::size_t fi, std::size_t fo, std::size_t c0,
                             const T* in, const T* delta, T* gW) noexcept {
  using V = vreg<T>;
  constexpr std::size_t L = V::lanes;
  typename V::reg acc[NI][NR];
  typename V::mask_type mask[NR];
  SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) mask[r] = V::mask(c0 + L * r, fo);
  SUTRO_NN_UNROLL for (std::size_t i = 0; i < NI; ++i) SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) acc[i][r] =
      V::zero();
  for (std::size_t k = 0; k < nrows; ++k) {
    const std::size_t b = rows[k];
    typename V::reg d[NR];
    SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) d[r] = V::load(mask[r], delta + b * fo + c0 + L * r);
    SUTRO_NN_UNROLL for (std::size_t i = 0; i < NI; ++i) {
      const auto x = V::set1(in[b * fi + i]);
      SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) acc[i][r] = V::fmadd(x, d[r], acc[i][r]);
    }
  }
  SUTRO_NN_UNROLL for (std::size_t i = 0; i < NI; ++i) SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r)
      V::store(gW + i * fo + c0 + L * r, mask[r], acc[i][r]);
}

template <class T, bool Relu>
inline void dense_forward(std::size_t rows, std::size_t fi, std::size_t fo, const T* in, const T* W, const T* bias,
                          T* out) noexcept {
  constexpr std::size_t L = vreg<T>::lanes;
  const std::size_t nreg = (fo + L - 1) / L;
  for (std::size_t b0 = 0; b0 < rows; b0 += forward_tile_rows) {
    const std::size_t nb = std::min(forward_tile_rows, rows - b0);
    for_each_register_tile<forward_tile_regs>(nreg, [&](std::size_t r0, std::size_t nr) {
      with_tile<forward_tile_rows, forward_tile_regs>(nb, nr, [&](auto NB, auto NR) {
        tile_forward<T, decltype(NB)::value, decltype(NR)::value, Relu>(fi, fo, L * r0, in + b0 * fi, fi, W, bias,
                                                                        out + b0 * fo, fo);
      });
    });
  }
}

template <class T>
inline void dense_weight_grad(const std::size_t* rows, std::size_t nrows, std::size_t fi, std::size_t fo, const T* in,
                              const T* delta, T* gW) noexcept {
  constexpr std::size_t L = vreg<T>::lanes;
  const std::size_t nreg = (fo + L - 1) / L;
  for (std::size_t i0 = 0; i0 < fi; i0 += max_tile_rows) {
    const std::size_t ni = std::min(max_tile_rows, fi - i0);
    for_each_register_tile(nreg, [&](std::size_t r0, std::size_t nr) {
      with_tile(ni, nr, [&](auto NI, auto NR) {
        tile_weight_grad<T, decltype(NI)::value, decltype(NR)::value>(rows, nrows, fi, fo, L * r0, in + i0, delta,
                                                                      gW + i0 * fo);
      });
    });
  }
}

// The reference's 16 lane sums of x . y (lane l takes l, l + 16, ...) in
// 16 / lanes registers, added lane by lane, then the ragged tail.
template <class T>
inline T dot16(std::size_t n, const T* x, const T* y) noexcept {
  using V = vreg<T>;
  constexpr std::size_t L = V::lanes, R = 16 / L;
  typename V::reg acc[R];
  SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) acc[r] = V::zero();
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16)
    SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) acc[r] =
        V::fmadd(V::loadu(x + i + L * r), V::loadu(y + i + L * r), acc[r]);
  T lane[16];
  SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) V::storeu(lane + L * r, acc[r]);
  T tail = T(0);
  for (; i < n; ++i) tail = std::fma(x[i], y[i], tail);
  T s = T(0);
  for (std::size_t l = 0; l < 16; ++l) s += lane[l];
  return s + tail;
}

#if SUTRO_KERNEL_LEVEL >= 3
// v[q] = row q of a 16 x 16 float block; col[j] = column j (lane q: v[q][j]).
// t: pairs of rows interleaved; u[4 g + j]: in 128-bit block k, column
// 4 k + j of rows 4 g .. 4 g + 3; then blocks k of u[j], u[4 + j], ...
// gathered into column 4 k + j of all 16 rows (16 + 16 + 32 = 64 shuffles).
// The maskz forms with a full mask: the plain intrinsics pass an undefined
// vector that GCC 12 reports under -Wmaybe-uninitialized.
inline void transpose16(const __m512 v[16], __m512 col[16]) noexcept {
  constexpr __mmask16 full = 0xffff;
  constexpr __mmask8 full_pd = 0xff;
  __m512 t[16], u[16];
  SUTRO_UNROLL(8) for (std::size_t r = 0; r < 8; ++r) {
    t[2 * r] = _mm512_maskz_unpacklo_ps(full, v[2 * r], v[2 * r + 1]);
    t[2 * r + 1] = _mm512_maskz_unpackhi_ps(full, v[2 * r], v[2 * r + 1]);
  }
  SUTRO_UNROLL(4) for (std::size_t g = 0; g < 4; ++g) {
    const __m512d a = _mm512_castps_pd(t[4 * g]), b = _mm512_castps_pd(t[4 * g + 1]);
    const __m512d c = _mm512_castps_pd(t[4 * g + 2]), d = _mm512_castps_pd(t[4 * g + 3]);
    u[4 * g] = _mm512_castpd_ps(_mm512_maskz_unpacklo_pd(full_pd, a, c));
    u[4 * g + 1] = _mm512_castpd_ps(_mm512_maskz_unpackhi_pd(full_pd, a, c));
    u[4 * g + 2] = _mm512_castpd_ps(_mm512_maskz_unpacklo_pd(full_pd, b, d));
    u[4 * g + 3] = _mm512_castpd_ps(_mm512_maskz_unpackhi_pd(full_pd, b, d));
  }
  SUTRO_UNROLL(4) for (std::size_t j = 0; j < 4; ++j) {
    const __m512 ab_lo = _mm512_maskz_shuffle_f32x4(full, u[j], u[4 + j], _MM_SHUFFLE(1, 0, 1, 0));
    const __m512 ab_hi = _mm512_maskz_shuffle_f32x4(full, u[j], u[4 + j], _MM_SHUFFLE(3, 2, 3, 2));
    const __m512 cd_lo = _mm512_maskz_shuffle_f32x4(full, u[8 + j], u[12 + j], _MM_SHUFFLE(1, 0, 1, 0));
    const __m512 cd_hi = _mm512_maskz_shuffle_f32x4(full, u[8 + j], u[12 + j], _MM_SHUFFLE(3, 2, 3, 2));
    col[j] = _mm512_maskz_shuffle_f32x4(full, ab_lo, cd_lo, _MM_SHUFFLE(2, 0, 2, 0));
    col[4 + j] = _mm512_maskz_shuffle_f32x4(full, ab_lo, cd_lo, _MM_SHUFFLE(3, 1, 3, 1));
    col[8 + j] = _mm512_maskz_shuffle_f32x4(full, ab_hi, cd_hi, _MM_SHUFFLE(2, 0, 2, 0));
    col[12 + j] = _mm512_maskz_shuffle_f32x4(full, ab_hi, cd_hi, _MM_SHUFFLE(3, 1, 3, 1));
  }
}

// dot16 of 16 float rows at once, each in dot16's order (same bits), with the
// rows in the lanes of the final sums: the 16 x 16 lane sums are transposed
// so that adding lane l of every row is one vector addition, and so is the
// ragged tail's block (masked row loads and the transpose, not a gather a column).
// Four rows with scalar lane sums (below) spend most of their time on those adds.
inline void dot16_rows16(std::size_t n, const float* in, const float* y, float bias, float* out) noexcept {
  __m512 acc[16];
  SUTRO_UNROLL(16) for (std::size_t q = 0; q < 16; ++q) acc[q] = _mm512_setzero_ps();
  const std::size_t whole = n / 16 * 16;
  // Two passes of 8 rows: 16 row pointers do not fit the 15 general
  // registers, and reloading spilled pointers doubled the loads per FMA.
  SUTRO_UNROLL(2) for (std::size_t h = 0; h < 16; h += 8) {
    const float* x = in + h * n;
    for (std::size_t i = 0; i < whole; i += 16) {
      const __m512 yv = _mm512_loadu_ps(y + i);
      SUTRO_UNROLL(8)
      for (std::size_t q = 0; q < 8; ++q) acc[h + q] = _mm512_fmadd_ps(_mm512_loadu_ps(x + q * n + i), yv, acc[h + q]);
    }
  }
  __m512 col[16];
  transpose16(acc, col);
  __m512 s = _mm512_setzero_ps();
  SUTRO_UNROLL(16) for (std::size_t l = 0; l < 16; ++l) s = _mm512_add_ps(s, col[l]);
  __m512 tail = _mm512_setzero_ps();
  if (whole < n) {
    // The ragged tail's columns: each row's tail loaded (masked), the block
    // transposed, then dot16's chain over the columns in order.
    const auto tail_mask = static_cast<__mmask16>((1u << (n - whole)) - 1u);
    __m512 rows[16], cols[16];
    SUTRO_UNROLL(16)
    for (std::size_t q = 0; q < 16; ++q) rows[q] = _mm512_maskz_loadu_ps(tail_mask, in + q * n + whole);
    transpose16(rows, cols);
    for (std::size_t c = 0; whole + c < n; ++c) tail = _mm512_fmadd_ps(cols[c], _mm512_set1_ps(y[whole + c]), tail);
  }
  _mm512_storeu_ps(out, _mm512_add_ps(_mm512_set1_ps(bias), _mm512_add_ps(s, tail)));
}
#endif

// dot16 of Q rows against one y, each row summed in dot16's order (same
// bits): the rows' lane sums and tails are independent chains, so their
// latencies overlap where one row at a time would wait on each addition.
template <class T>
inline void dot16_rows(std::size_t rows, std::size_t n, const T* in, const T* y, T bias, T* out) noexcept {
  using V = vreg<T>;
  constexpr std::size_t L = V::lanes, R = 16 / L, Q = 4;
  std::size_t b = 0;
#if SUTRO_KERNEL_LEVEL >= 3
  if constexpr (std::is_same_v<T, float>)
    for (; b + 16 <= rows; b += 16) dot16_rows16(n, in + b * n, y, bias, out + b);
#endif
  for (; b + Q <= rows; b += Q) {
    const T* x = in + b * n;
    typename V::reg acc[Q][R];
    SUTRO_NN_UNROLL for (std::size_t q = 0; q < Q; ++q) SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) acc[q][r] =
        V::zero();
    std::size_t i = 0;
    for (; i + 16 <= n; i += 16) SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) {
        const auto yv = V::loadu(y + i + L * r);
        SUTRO_NN_UNROLL for (std::size_t q = 0; q < Q; ++q) acc[q][r] =
            V::fmadd(V::loadu(x + q * n + i + L * r), yv, acc[q][r]);
      }
    T lane[Q][16];
    SUTRO_NN_UNROLL for (std::size_t q = 0; q < Q; ++q) SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r)
        V::storeu(lane[q] + L * r, acc[q][r]);
    T tail[Q] = {}, s[Q] = {};
    for (std::size_t t = i; t < n; ++t)
      SUTRO_NN_UNROLL for (std::size_t q = 0; q < Q; ++q) tail[q] = std::fma(x[q * n + t], y[t], tail[q]);
    for (std::size_t l = 0; l < 16; ++l) SUTRO_NN_UNROLL for (std::size_t q = 0; q < Q; ++q) s[q] += lane[q][l];
    SUTRO_NN_UNROLL for (std::size_t q = 0; q < Q; ++q) out[b + q] = bias + (s[q] + tail[q]);
  }
  for (; b < rows; ++b) out[b] = bias + dot16(n, in + b * n, y);
}

// Gram rows: row i against NJ rows j from j0 (the x registers loaded once
// for all NJ), NJ * 16 / lanes accumulators; the ragged tail is masked into
// its lanes. NJ is a constant, so the loop over the row tests no widths.
template <class T, std::size_t NJ>
inline void gram_block(std::size_t k, std::size_t n, const T* W, std::size_t i, std::size_t j0,
                       const typename vreg<T>::mask_type* tail_mask, T* A) noexcept {
  using V = vreg<T>;
  constexpr std::size_t L = V::lanes, R = 16 / L;
  const std::size_t full = n / 16 * 16;
  const T* x = W + i * n;
  typename V::reg acc[NJ][R];
  SUTRO_NN_UNROLL for (std::size_t q = 0; q < NJ; ++q) SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) acc[q][r] =
      V::zero();
  for (std::size_t t = 0; t < full; t += 16) {
    typename V::reg xv[R];
    SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) xv[r] = V::loadu(x + t + L * r);
    SUTRO_NN_UNROLL for (std::size_t q = 0; q < NJ; ++q) {
      const T* y = W + (j0 + q) * n + t;
      SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) acc[q][r] = V::fmadd(xv[r], V::loadu(y + L * r), acc[q][r]);
    }
  }
  if (full < n) {
    typename V::reg xv[R];
    SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) xv[r] = V::load(tail_mask[r], x + full + L * r);
    SUTRO_NN_UNROLL for (std::size_t q = 0; q < NJ; ++q) {
      const T* y = W + (j0 + q) * n + full;
      SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) acc[q][r] =
          V::fmadd(xv[r], V::load(tail_mask[r], y + L * r), acc[q][r]);
    }
  }
#if SUTRO_KERNEL_LEVEL >= 3
  if constexpr (std::is_same_v<T, double>) {
    // tree_sum16 in registers: the halves, then tree_sum8's additions as
    // shuffles (halves, pairs, neighbours). Lanes stored and read back as
    // scalars stall on store forwarding.
    // The maskz forms with a full mask, as in transpose8.
    constexpr __mmask8 full_pd = 0xff;
    SUTRO_NN_UNROLL for (std::size_t q = 0; q < NJ; ++q) {
      const __m512d h = _mm512_add_pd(acc[q][0], acc[q][1]);
      const __m512d s1 = _mm512_add_pd(h, _mm512_maskz_shuffle_f64x2(full_pd, h, h, _MM_SHUFFLE(1, 0, 3, 2)));
      const __m512d s2 = _mm512_add_pd(s1, _mm512_maskz_permutex_pd(full_pd, s1, _MM_SHUFFLE(1, 0, 3, 2)));
      const __m512d s3 = _mm512_add_pd(s2, _mm512_maskz_permute_pd(full_pd, s2, 0x55));
      A[i * k + j0 + q] = A[(j0 + q) * k + i] = _mm512_cvtsd_f64(s3) + T(0);
    }
    return;
  }
#endif
  T half[NJ][8];
  SUTRO_NN_UNROLL for (std::size_t q = 0; q < NJ; ++q) SUTRO_NN_UNROLL for (std::size_t r = 0; r < R / 2; ++r)
      V::storeu(half[q] + L * r, V::add(acc[q][r], acc[q][r + R / 2]));
  SUTRO_NN_UNROLL for (std::size_t q = 0; q < NJ; ++q) A[i * k + j0 + q] = A[(j0 + q) * k + i] =
      ::sutro::nn::kernels::any::tree_sum8(half[q]) + T(0);
}

// Row i against up to 8 / (16 / lanes) rows j at a time: 8 accumulators.
template <class T>
inline void gram_rows(std::size_t k, std::size_t n, const T* W, T* A) noexcept {
  using V = vreg<T>;
  constexpr std::size_t L = V::lanes, R = 16 / L, G = 8 / R;
  static_assert(R >= 2, "16 lanes in at least two registers");
  const std::size_t full = n / 16 * 16;
  typename V::mask_type tail_mask[R];
  SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) tail_mask[r] = V::mask(full + L * r, n);
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j0 = 0; j0 <= i; j0 += G)
      with_constant<G>(i + 1 - j0, [&](auto NJ) { gram_block<T, decltype(NJ)::value>(k, n, W, i, j0, tail_mask, A); });
}

// One Newton step for the polar factor on the k^2 elements as one array, in
// chunks of 8 (8 / lanes registers), only the last one masked (a masked
// store ending every row costs a 20 x 20 step a third of its time on the
// Zen 5). The diagonal
// (every (k + 1)-th element, at most two in a chunk) comes as loads from a
// unit vector, so that no narrow store precedes a wide load.
template <class T>
inline T newton_polar_step(std::size_t k, T z, T* M, const T* Mi, T* F) noexcept {
  using V = vreg<T>;
  constexpr std::size_t L = V::lanes, R = 8 / L;
  static_assert(R >= 1 && R * L == 8, "8 partial sums in whole registers");
  alignas(64) static constexpr T unit[24] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  const T zi = T(1) / z;
  const auto hz = V::set1(T(0.5) * z), hzi = V::set1(T(0.5) * zi), qz2 = V::set1(T(0.25) * (z * z)),
             qzi2 = V::set1(T(0.25) * (zi * zi)), half = V::set1(T(0.5)), minus_one = V::set1(T(-1));
  typename V::reg part[R];
  SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) part[r] = V::zero();
  const std::size_t kk = k * k;
  std::size_t diagonal = 0;  // the next diagonal element's index
  for (std::size_t o = 0; o < kk; o += 8) {
    // unit + first (+ second): 1 at the lanes of the chunk's diagonal elements.
    std::size_t first = 16, second = 16;
    const std::size_t end = std::min(o + 8, kk);
    if (diagonal < end) {
      first = 8 - (diagonal - o);
      diagonal += k + 1;
      if (diagonal < end) {
        second = 8 - (diagonal - o);
        diagonal += k + 1;
      }
    }
    SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) {
      const std::size_t at = o + L * r;
      const auto id = V::add(V::loadu(unit + first + L * r), V::loadu(unit + second + L * r));
      const bool whole = o + 8 <= kk;
      const auto mask = V::mask(at, kk);
      const auto m = whole ? V::loadu(M + at) : V::load(mask, M + at);
      const auto v = whole ? V::loadu(Mi + at) : V::load(mask, Mi + at);
      const auto f = V::fmadd(hzi, v, V::fmadd(id, hz, V::zero()));
      const auto next = V::fmadd(qzi2, v, V::fmadd(qz2, m, V::fmadd(id, half, V::zero())));
      if (whole) {
        V::storeu(F + at, f);
        V::storeu(M + at, next);
      } else {
        V::store(F + at, mask, f);
        V::store(M + at, mask, next);
      }
      const auto d = V::add(next, V::fmadd(id, minus_one, V::zero()));
      part[r] = V::fmadd(d, d, part[r]);
    }
  }
  T p[8];
  SUTRO_NN_UNROLL for (std::size_t r = 0; r < R; ++r) V::storeu(p + L * r, part[r]);
  return ::sutro::nn::kernels::any::tree_sum8(p);
}

// gw and gb kept in registers across the samples for NR registers of
// columns from c0: 2 NR accumulators and NR of w.
template <class T, std::size_t NR>
inline void tile_relu_output_backward(const std::size_t* rows, std::size_t nrows, std::size_t n, std::size_t c0,
                                      const T* g, const T* a, const T* w, T* delta, T* gw, T* gb) noexcept {
  using V = vreg<T>;
  constexpr std::size_t L = V::lanes;
  typename V::reg wr[NR], sw[NR], sb[NR];
  typename V::mask_type mask[NR];
  SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) {
    mask[r] = V::mask(c0 + L * r, n);
    wr[r] = V::load(mask[r], w + c0 + L * r);
    sw[r] = V::zero();
    sb[r] = V::zero();
  }
  for (std::size_t k = 0; k < nrows; ++k) {
    const std::size_t b = rows[k];
    const auto gk = V::set1(g[b]);
    SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) {
      const auto ar = V::load(mask[r], a + b * n + c0 + L * r);
      const auto d = V::mul_where_positive(ar, gk, wr[r]);
      V::store(delta + b * n + c0 + L * r, mask[r], d);
      sw[r] = V::fmadd(gk, ar, sw[r]);
      sb[r] = V::add(sb[r], d);
    }
  }
  SUTRO_NN_UNROLL for (std::size_t r = 0; r < NR; ++r) {
    V::store(gw + c0 + L * r, mask[r], sw[r]);
    V::store(gb + c0 + L * r, mask[r], sb[r]);
  }
}

// Tiles as even as possible: 200 floats, 13 zmm, take two passes over the
// samples (7 + 6), not four of 4 (the last nearly empty).
template <class T>
inline void relu_output_backward(const std::size_t* rows, std::size_t nrows, std::size_t n, const T* g, const T* a,
                                 const T* w, T* delta, T* gw, T* gb) noexcept {
  constexpr std::size_t L = vreg<T>::lanes, max_regs = SUTRO_KERNEL_LEVEL >= 3 ? 7 : 3;
  for_each_register_tile<max_regs>((n + L - 1) / L, [&](std::size_t r0, std::size_t nr) {
    with_constant<max_regs>(nr, [&](auto NR) {
      tile_relu_output_backward<T, decltype(NR)::value>(rows, nrows, n, L * r0, g, a, w, delta, gw, gb);
    });
  });
}

// relu_output_backward and tile_weight_grad for NI inputs from i0 and one
// register of columns from c0, the deltas never leaving registers: NI
// accumulators, and in the first input block (First) gw and gb. One input
// block covers the harness's 20 inputs, so each delta is computed once. The
// loops over the NI accumulators unroll fully (32, not the kernels' 8), or
// GCC keeps the accumulators in memory.
template <class T, std::size_t NI, bool First>
inline void tile_relu_output_weight_grad(const std::size_t* rows, std::size_t nrows, std::size_t fi, std::size_t n,
                                         std::size_t i0, std::size_t c0, const T* g, const T* in, const T* a,
                                         const T* w, T* gW, T* gw, T* gb) noexcept {
  using V = vreg<T>;
  const auto mask = V::mask(c0, n);
  const auto wr = V::load(mask, w + c0);
  typename V::reg acc[NI > 0 ? NI : 1];
  SUTRO_UNROLL(32) for (std::size_t i = 0; i < NI; ++i) acc[i] = V::zero();
  auto sw = V::zero(), sb = V::zero();
  if (nrows > 0) {
    // Sample k + 1's delta is formed before sample k's multiply-adds: its
    // chain (row index, activation load, compare, multiply) then overlaps
    // them instead of holding them in the scheduler.
    std::size_t b = rows[0];
    auto gk = V::set1(g[b]);
    auto ar = V::load(mask, a + b * n + c0);
    auto d = V::mul_where_positive(ar, gk, wr);
    for (std::size_t k = 0; k < nrows; ++k) {
      const std::size_t bn = rows[k + 1 < nrows ? k + 1 : k];
      const auto gn = V::set1(g[bn]);
      const auto an = V::load(mask, a + bn * n + c0);
      const auto dn = V::mul_where_positive(an, gn, wr);
      if constexpr (First) {
        sw = V::fmadd(gk, ar, sw);
        sb = V::add(sb, d);
      }
      const T* x = in + b * fi + i0;
      SUTRO_UNROLL(32) for (std::size_t i = 0; i < NI; ++i) acc[i] = V::fmadd(V::set1(x[i]), d, acc[i]);
      b = bn;
      gk = gn;
      ar = an;
      d = dn;
    }
  }
  SUTRO_UNROLL(32) for (std::size_t i = 0; i < NI; ++i) V::store(gW + (i0 + i) * n + c0, mask, acc[i]);
  if constexpr (First) {
    V::store(gw + c0, mask, sw);
    V::store(gb + c0, mask, sb);
  }
}

// gW's NI rows from i0, one register of columns from c0, over kn samples
// whose deltas are in d (a register each): starting from zero (First) or
// from gW, where earlier samples left the sums.
template <class T, std::size_t NI, bool First>
inline void tile_weight_grad_from(const std::size_t* rows, std::size_t kn, std::size_t fi, std::size_t n,
                                  std::size_t i0, std::size_t c0, const T* in, const T* d, T* gW) noexcept {
  using V = vreg<T>;
  constexpr std::size_t L = V::lanes;
  const auto mask = V::mask(c0, n);
  typename V::reg acc[NI];
  SUTRO_NN_UNROLL for (std::size_t i = 0; i < NI; ++i) acc[i] =
      First ? V::zero() : V::load(mask, gW + (i0 + i) * n + c0);
  for (std::size_t k = 0; k < kn; ++k) {
    const auto dk = V::loadu(d + k * L);
    const T* x = in + rows[k] * fi + i0;
    SUTRO_NN_UNROLL for (std::size_t i = 0; i < NI; ++i) acc[i] = V::fmadd(V::set1(x[i]), dk, acc[i]);
  }
  SUTRO_NN_UNROLL for (std::size_t i = 0; i < NI; ++i) V::store(gW + (i0 + i) * n + c0, mask, acc[i]);
}

// A register of columns at a time. AVX-512: its inputs in blocks as even as
// possible of up to 20 (accumulators, of 32 registers), the deltas computed
// in each block (once for up to 20 inputs). AVX2 (16 registers, blocks of up
// to 8): a chunk of up to 64 samples' deltas computed once into a local
// buffer, then read back by each input block, so they are not recomputed
// for each block of 8 inputs.
template <class T>
inline void relu_output_weight_grad(const std::size_t* rows, std::size_t nrows, std::size_t fi, std::size_t n,
                                    const T* g, const T* in, const T* a, const T* w, T* gW, T* gw, T* gb) noexcept {
  using V = vreg<T>;
  constexpr std::size_t L = V::lanes;
#if SUTRO_KERNEL_LEVEL >= 3
  constexpr std::size_t max_inputs = 20;
  for (std::size_t c0 = 0; c0 < n; c0 += L) {
    if (fi == 0) {
      tile_relu_output_weight_grad<T, 0, true>(rows, nrows, fi, n, 0, c0, g, in, a, w, gW, gw, gb);
      continue;
    }
    for_each_register_tile<max_inputs>(fi, [&](std::size_t i0, std::size_t ni) {
      with_constant<max_inputs>(ni, [&](auto NI) {
        constexpr std::size_t N = decltype(NI)::value;
        if (i0 == 0)
          tile_relu_output_weight_grad<T, N, true>(rows, nrows, fi, n, i0, c0, g, in, a, w, gW, gw, gb);
        else
          tile_relu_output_weight_grad<T, N, false>(rows, nrows, fi, n, i0, c0, g, in, a, w, gW, gw, gb);
      });
    });
  }
#else
  constexpr std::size_t max_inputs = 8, chunk = 64;
  alignas(64) T d[chunk * L];
  for (std::size_t c0 = 0; c0 < n; c0 += L) {
    const auto mask = V::mask(c0, n);
    const auto wr = V::load(mask, w + c0);
    auto sw = V::zero(), sb = V::zero();
    for (std::size_t k0 = 0; k0 == 0 || k0 < nrows; k0 += chunk) {  // one pass without samples: zeros
      const std::size_t kn = std::min(chunk, nrows - k0);
      for (std::size_t k = 0; k < kn; ++k) {
        const std::size_t b = rows[k0 + k];
        const auto gk = V::set1(g[b]);
        const auto ar = V::load(mask, a + b * n + c0);
        const auto dk = V::mul_where_positive(ar, gk, wr);
        sw = V::fmadd(gk, ar, sw);
        sb = V::add(sb, dk);
        V::storeu(d + k * L, dk);
      }
      for_each_register_tile<max_inputs>(fi, [&](std::size_t i0, std::size_t ni) {
        with_constant<max_inputs>(ni, [&](auto NI) {
          constexpr std::size_t N = decltype(NI)::value;
          if (k0 == 0)
            tile_weight_grad_from<T, N, true>(rows + k0, kn, fi, n, i0, c0, in, d, gW);
          else
            tile_weight_grad_from<T, N, false>(rows + k0, kn, fi, n, i0, c0, in, d, gW);
        });
      });
    }
    V::store(gw + c0, mask, sw);
    V::store(gb + c0, mask, sb);
  }
#endif
}

#if SUTRO_KERNEL_LEVEL >= 3
// 8 x 8 doubles in place: v[j] holds row j, then column j. Lane pairs, then
// two rounds of 128-bit block shuffles; the maskz forms with a full mask, as
// in dot16_rows16.
inline void transpose8(__m512d v[8]) noexcept {
  constexpr __mmask8 full = 0xff;
  __m512d t[8];
  SUTRO_NN_UNROLL for (std::size_t j = 0; j < 4; ++j) {
    t[2 * j] = _mm512_maskz_unpacklo_pd(full, v[2 * j], v[2 * j + 1]);
    t[2 * j + 1] = _mm512_maskz_unpackhi_pd(full, v[2 * j], v[2 * j + 1]);
  }
  // t[odd], t[2 + odd], t[4 + odd], t[6 + odd]: in block k, column 2 k + odd
  // of rows (0, 1), (2, 3), (4, 5), (6, 7).
  SUTRO_NN_UNROLL for (std::size_t odd = 0; odd < 2; ++odd) {
    const __m512d x0 = _mm512_maskz_shuffle_f64x2(full, t[odd], t[2 + odd], _MM_SHUFFLE(2, 0, 2, 0));
    const __m512d x1 = _mm512_maskz_shuffle_f64x2(full, t[odd], t[2 + odd], _MM_SHUFFLE(3, 1, 3, 1));
    const __m512d y0 = _mm512_maskz_shuffle_f64x2(full, t[4 + odd], t[6 + odd], _MM_SHUFFLE(2, 0, 2, 0));
    const __m512d y1 = _mm512_maskz_shuffle_f64x2(full, t[4 + odd], t[6 + odd], _MM_SHUFFLE(3, 1, 3, 1));
    v[odd] = _mm512_maskz_shuffle_f64x2(full, x0, y0, _MM_SHUFFLE(2, 0, 2, 0));
    v[4 + odd] = _mm512_maskz_shuffle_f64x2(full, x0, y0, _MM_SHUFFLE(3, 1, 3, 1));
    v[2 + odd] = _mm512_maskz_shuffle_f64x2(full, x1, y1, _MM_SHUFFLE(2, 0, 2, 0));
    v[6 + odd] = _mm512_maskz_shuffle_f64x2(full, x1, y1, _MM_SHUFFLE(3, 1, 3, 1));
  }
}

// out[c * rows + r] = in[r * cols + c] in blocks of 8 x 8, widened or
// narrowed in registers; partial blocks masked, nothing past either end touched.
template <class Load, class Store>
inline void transpose_blocks(std::size_t rows, std::size_t cols, Load&& load, Store&& store) noexcept {
  for (std::size_t r0 = 0; r0 < rows; r0 += 8) {
    const std::size_t nr = std::min<std::size_t>(8, rows - r0);
    const auto rmask = static_cast<__mmask8>((1u << nr) - 1u);
    for (std::size_t c0 = 0; c0 < cols; c0 += 8) {
      const std::size_t nc = std::min<std::size_t>(8, cols - c0);
      const auto cmask = static_cast<__mmask8>((1u << nc) - 1u);
      __m512d v[8];
      SUTRO_NN_UNROLL for (std::size_t j = 0; j < 8; ++j) v[j] = j < nr ? load(r0 + j, c0, cmask) : _mm512_setzero_pd();
      transpose8(v);
      for (std::size_t c = 0; c < nc; ++c) store(c0 + c, r0, rmask, v[c]);
    }
  }
}

inline void transpose_convert(std::size_t rows, std::size_t cols, const float* in, double* out) noexcept {
  transpose_blocks(
      rows, cols,
      [&](std::size_t r, std::size_t c0, __mmask8 m) {
        const float* at = in + r * cols + c0;
        return _mm512_maskz_cvtps_pd(0xff, m == 0xff ? _mm256_loadu_ps(at) : _mm256_maskz_loadu_ps(m, at));
      },
      [&](std::size_t c, std::size_t r0, __mmask8 m, __m512d v) {
        double* at = out + c * rows + r0;
        if (m == 0xff)
          _mm512_storeu_pd(at, v);
        else
          _mm512_mask_storeu_pd(at, m, v);
      });
}

inline void transpose_convert(std::size_t rows, std::size_t cols, const double* in, float* out) noexcept {
  transpose_blocks(
      rows, cols,
      [&](std::size_t r, std::size_t c0, __mmask8 m) {
        const double* at = in + r * cols + c0;
        return m == 0xff ? _mm512_loadu_pd(at) : _mm512_maskz_loadu_pd(m, at);
      },
      [&](std::size_t c, std::size_t r0, __mmask8 m, __m512d v) {
        float* at = out + c * rows + r0;
        const __m256 f = _mm512_maskz_cvtpd_ps(0xff, v);
        if (m == 0xff)
          _mm256_storeu_ps(at, f);
        else
          _mm256_mask_storeu_ps(at, m, f);
      });
}

// Gauss-Jordan without pivoting on n rows of NR registers (stride 8 NR, zero
// past column n), as the reference: each row's multiplier and the pivot are
// taken from the row in registers, and column c is cleared by a mask, so no
// element is stored or loaded apart from its row's full registers (on Zen 5 a
// one-element store ahead of a row's vector loads stalls them: 2.7 times
// slower; the multipliers from registers gain 1.8 times more).
template <std::size_t NR>
[[gnu::always_inline]] inline __m512d pick(const __m512d* v, std::size_t block) noexcept {
  __m512d r = v[0];
  SUTRO_NN_UNROLL for (std::size_t q = 1; q < NR; ++q) if (q == block) r = v[q];
  return r;
}

// Row c of the elimination divided by its pivot, whose place takes
// 1 / pivot; false (p unchanged) where the pivot is refused.
template <std::size_t NR>
[[nodiscard, gnu::always_inline]] inline bool divide_by_pivot(__m512d* p, std::size_t c, double min_pivot) noexcept {
  constexpr __mmask8 full = 0xff;
  const std::size_t block = c / 8;
  const __m512d pivot =
      _mm512_maskz_permutexvar_pd(full, _mm512_set1_epi64(static_cast<long long>(c % 8)), pick<NR>(p, block));
  const double pv = _mm512_cvtsd_f64(pivot);
  if (!(pv > min_pivot && pv > 0.0 && pv <= std::numeric_limits<double>::max())) return false;
  const __m512d inv = _mm512_maskz_div_pd(full, _mm512_set1_pd(1.0), pivot);
  SUTRO_NN_UNROLL for (std::size_t q = 0; q < NR; ++q) {
    p[q] = _mm512_maskz_mul_pd(full, p[q], inv);
    if (q == block) p[q] = _mm512_mask_mov_pd(p[q], static_cast<__mmask8>(1u << (c % 8)), inv);
  }
  return true;
}

// x <- x - x[c] p, with x[c] taken as 0 (so that it becomes -x[c] / pivot).
template <std::size_t NR>
[[gnu::always_inline]] inline void eliminate(__m512d* x, const __m512d* p, std::size_t c) noexcept {
  constexpr __mmask8 full = 0xff;
  const std::size_t block = c / 8;
  const __m512d f =
      _mm512_maskz_permutexvar_pd(full, _mm512_set1_epi64(static_cast<long long>(c % 8)), pick<NR>(x, block));
  SUTRO_NN_UNROLL for (std::size_t q = 0; q < NR; ++q) {
    if (q == block) x[q] = _mm512_mask_mov_pd(x[q], static_cast<__mmask8>(1u << (c % 8)), _mm512_setzero_pd());
    x[q] = _mm512_maskz_fnmadd_pd(full, f, p[q], x[q]);
  }
}

template <std::size_t NR>
[[gnu::always_inline]] inline void load_row(__m512d* x, const double* row) noexcept {
  SUTRO_NN_UNROLL for (std::size_t q = 0; q < NR; ++q) x[q] = _mm512_loadu_pd(row + 8 * q);
}
template <std::size_t NR>
[[gnu::always_inline]] inline void store_row(double* row, const __m512d* x) noexcept {
  SUTRO_NN_UNROLL for (std::size_t q = 0; q < NR; ++q) _mm512_storeu_pd(row + 8 * q, x[q]);
}

// x <- x - x[c] p as `eliminate`, with c's register B, lane index and bit
// taken as constants of the pass (the row loop tests no block).
template <std::size_t NR, std::size_t B>
[[gnu::always_inline]] inline void eliminate_in(__m512d* x, const __m512d* p, __m512i lane, __mmask8 bit) noexcept {
  constexpr __mmask8 full = 0xff;
  const __m512d f = _mm512_maskz_permutexvar_pd(full, lane, x[B]);
  x[B] = _mm512_mask_mov_pd(x[B], bit, _mm512_setzero_pd());
  SUTRO_NN_UNROLL for (std::size_t q = 0; q < NR; ++q) x[q] = _mm512_maskz_fnmadd_pd(full, f, p[q], x[q]);
}

// Every row but c and c + 1 eliminated by pivot row p (column c), and by p2
// (column c + 1) where Both: one load and one store per row, the two rows
// skipped by splitting the loop.
template <std::size_t NR, bool Both>
[[gnu::always_inline]] inline void eliminate_other_rows(double* a, std::size_t n, std::size_t c, const __m512d* p,
                                                        const __m512d* p2) noexcept {
  constexpr std::size_t ld = 8 * NR;
  const __m512i lane = _mm512_set1_epi64(static_cast<long long>(c % 8)),
                lane2 = _mm512_set1_epi64(static_cast<long long>((c + 1) % 8));
  const auto bit = static_cast<__mmask8>(1u << (c % 8)), bit2 = static_cast<__mmask8>(1u << ((c + 1) % 8));
  const std::size_t skip_end = std::min(n, c + 2);
  // c is even (passes start at 0 or a multiple of 4 and take two columns),
  // so columns c and c + 1 share register B = c / 8.
  const auto rows = [&]<std::size_t B>() __attribute__((always_inline)) {
    const auto row = [&](std::size_t r) __attribute__((always_inline)) {
      __m512d x[NR];
      load_row<NR>(x, a + r * ld);
      eliminate_in<NR, B>(x, p, lane, bit);
      if constexpr (Both) eliminate_in<NR, B>(x, p2, lane2, bit2);
      store_row<NR>(a + r * ld, x);
    };
    // The next pass's pivot rows first, so that its pivots' divisions
    // overlap this pass's other rows.
    const std::size_t next_end = std::min(n, skip_end + 2);
    for (std::size_t r = skip_end; r < next_end; ++r) row(r);
    for (std::size_t r = 0; r < c; ++r) row(r);
    for (std::size_t r = next_end; r < n; ++r) row(r);
  };
  static_assert(NR >= 1 && NR <= 4, "spd_inverse_rows: 1 to 4 registers a row");
  switch (c / 8) {
    case 0:
      rows.template operator()<0>();
      break;
    case 1:
      if constexpr (NR >= 2) rows.template operator()<1>();
      break;
    case 2:
      if constexpr (NR >= 3) rows.template operator()<2>();
      break;
    default:
      if constexpr (NR >= 4) rows.template operator()<3>();
      break;
  }
}

// Two pivots a pass from column `from`: rows c and c + 1 become pivot rows
// first, then each other row takes both eliminations in registers. The
// operations and their order per row are the reference's (each row's steps
// are independent of the other rows'), so are the bits. A pivot refused at
// c + 1 (or an odd n's last pivot, alone) ends the pass after step c alone:
// the reference's state.
template <std::size_t NR>
[[nodiscard]] inline bool spd_inverse_pairs(std::size_t n, double* a, double min_pivot, std::size_t from) noexcept {
  constexpr std::size_t ld = 8 * NR;
  for (std::size_t c = from; c < n; c += 2) {
    const bool pair = c + 1 < n;
    __m512d p[NR], p2[NR];
    load_row<NR>(p, a + c * ld);
    if (!divide_by_pivot<NR>(p, c, min_pivot)) return false;
    SUTRO_NN_UNROLL for (std::size_t q = 0; q < NR; ++q) p2[q] = _mm512_setzero_pd();  // read only if `second`
    bool second = false;
    if (pair) {
      load_row<NR>(p2, a + (c + 1) * ld);
      eliminate<NR>(p2, p, c);
      second = divide_by_pivot<NR>(p2, c + 1, min_pivot);
      store_row<NR>(a + (c + 1) * ld, p2);
    }
    if (second) {
      __m512d x[NR];
      SUTRO_NN_UNROLL for (std::size_t q = 0; q < NR; ++q) x[q] = p[q];
      eliminate<NR>(x, p2, c + 1);
      store_row<NR>(a + c * ld, x);
      eliminate_other_rows<NR, true>(a, n, c, p, p2);
    } else {
      store_row<NR>(a + c * ld, p);
      eliminate_other_rows<NR, false>(a, n, c, p, p2);
      if (pair) return false;
    }
  }
  return true;
}

// Four pivots a pass (c a multiple of 4, so that columns c to c + 3 share
// register B): rows c to c + 3 become pivot rows in registers, each
// eliminated by the ones before it and divided, then finished by the ones
// after it, and every other row takes the four eliminations in order with
// one load and one store (half a pair pass's). Each row's operations are the
// reference's, in its order. A refused pivot returns false with nothing
// written: the caller redoes the pass two pivots at a time.
template <std::size_t NR, std::size_t B>
[[nodiscard, gnu::always_inline]] inline bool quad_pass(std::size_t n, double* a, std::size_t c,
                                                        double min_pivot) noexcept {
  constexpr std::size_t ld = 8 * NR;
  __m512d p[4][NR];
  __m512i lane[4];
  __mmask8 bit[4];
  SUTRO_NN_UNROLL for (std::size_t j = 0; j < 4; ++j) {
    lane[j] = _mm512_set1_epi64(static_cast<long long>(c % 8 + j));
    bit[j] = static_cast<__mmask8>(1u << (c % 8 + j));
    load_row<NR>(p[j], a + (c + j) * ld);
  }
  SUTRO_NN_UNROLL for (std::size_t j = 0; j < 4; ++j) {
    SUTRO_NN_UNROLL for (std::size_t i = 0; i < j; ++i) eliminate_in<NR, B>(p[j], p[i], lane[i], bit[i]);
    if (!divide_by_pivot<NR>(p[j], c + j, min_pivot)) return false;
  }
  const auto row = [&](std::size_t r) __attribute__((always_inline)) {
    __m512d x[NR];
    load_row<NR>(x, a + r * ld);
    SUTRO_NN_UNROLL for (std::size_t j = 0; j < 4; ++j) eliminate_in<NR, B>(x, p[j], lane[j], bit[j]);
    store_row<NR>(a + r * ld, x);
  };
  // The next pass's pivot rows first, so that its divisions overlap this
  // pass's other rows.
  const std::size_t next_end = std::min(n, c + 8);
  for (std::size_t r = c + 4; r < next_end; ++r) row(r);
  SUTRO_NN_UNROLL for (std::size_t j = 0; j < 3; ++j) {
    __m512d x[NR];
    SUTRO_NN_UNROLL for (std::size_t q = 0; q < NR; ++q) x[q] = p[j][q];
    SUTRO_NN_UNROLL for (std::size_t i = j + 1; i < 4; ++i) eliminate_in<NR, B>(x, p[i], lane[i], bit[i]);
    store_row<NR>(a + (c + j) * ld, x);
  }
  store_row<NR>(a + (c + 3) * ld, p[3]);
  for (std::size_t r = 0; r < c; ++r) row(r);
  for (std::size_t r = next_end; r < n; ++r) row(r);
  return true;
}

// Four pivots a pass while four remain, then pairs (and the pairs from any
// pass whose four pivots were not all accepted).
template <std::size_t NR>
[[nodiscard]] inline bool spd_inverse_rows(std::size_t n, double* a, double min_pivot) noexcept {
  std::size_t c = 0;
  for (; c + 4 <= n; c += 4) {
    const std::size_t block = c / 8;
    bool done = false;
    if (block == 0) done = quad_pass<NR, 0>(n, a, c, min_pivot);
    if constexpr (NR >= 2)
      if (block == 1) done = quad_pass<NR, 1>(n, a, c, min_pivot);
    if constexpr (NR >= 3)
      if (block == 2) done = quad_pass<NR, 2>(n, a, c, min_pivot);
    if constexpr (NR >= 4)
      if (block == 3) done = quad_pass<NR, 3>(n, a, c, min_pivot);
    if (!done) break;
  }
  return spd_inverse_pairs<NR>(n, a, min_pivot, c);
}

// Up to 32 x 32: a padded copy of `in` on the stack, eliminated in
// registers, copied to `out` (which may be `in`); larger matrices take the
// reference.
[[nodiscard]] inline bool spd_inverse(std::size_t n, const double* in, double* out, double min_pivot) noexcept {
  constexpr std::size_t max_n = 32;
  if (n > max_n) {
    if (in != out) std::copy_n(in, n * n, out);
    return ::sutro::nn::kernels::spd_inverse(::sutro::scalar{}, n, out, min_pivot);
  }
  alignas(64) double buf[max_n * max_n];
  const std::size_t nr = (n + 7) / 8, ld = 8 * nr;
  const auto tail = static_cast<__mmask8>(n % 8 == 0 ? 0xff : (1u << (n % 8)) - 1u);
  // Whole-register loads and stores wherever they stay inside A (a row's
  // last register reaches into the rows after it: read and masked off, or
  // written before those rows overwrite it): a masked load and store in
  // every row make a 20 x 20 inverse a quarter slower on the Zen 5.
  const std::size_t nn = n * n;
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t q = 0; q < nr; ++q) {
      const std::size_t at = r * n + 8 * q;
      const __mmask8 m = q + 1 == nr ? tail : __mmask8(0xff);
      const __m512d v =
          at + 8 <= nn ? _mm512_maskz_mov_pd(m, _mm512_loadu_pd(in + at)) : _mm512_maskz_loadu_pd(m, in + at);
      _mm512_store_pd(buf + r * ld + 8 * q, v);
    }
  bool ok = false;
  switch (nr) {
    case 1:
      ok = spd_inverse_rows<1>(n, buf, min_pivot);
      break;
    case 2:
      ok = spd_inverse_rows<2>(n, buf, min_pivot);
      break;
    case 3:
      ok = spd_inverse_rows<3>(n, buf, min_pivot);
      break;
    default:
      ok = spd_inverse_rows<4>(n, buf, min_pivot);
      break;
  }
  for (std::size_t r = 0; r < n; ++r)
    for (std::size_t q = 0; q < nr; ++q) {
      const std::size_t at = r * n + 8 * q;
      const __m512d v = _mm512_load_pd(buf + r * ld + 8 * q);
      if (at + 8 <= nn)
        _mm512_storeu_pd(out + at, v);
      else
        _mm512_mask_storeu_pd(out + at, tail, v);
    }
  return ok;
}
#endif

}  // namespace tiles
#endif

// The entry points: one per kernel, each recording its level.

template <class T>
void axpy(std::size_t n, T a, const T* __restrict x, T* __restrict y) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
  for (std::size_t i = 0; i < n; ++i) y[i] = std::fma(a, x[i], y[i]);  // the FMA unit from avx2 on
}

template <class T>
T dot(std::size_t n, const T* __restrict x, const T* __restrict y) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
#if SUTRO_KERNEL_LEVEL >= 2
  return tiles::dot16(n, x, y);
#else
  return ::sutro::nn::kernels::any::dot<T, const T*, const T*>(n, x, y);
#endif
}

template <class T>
void dense_forward(std::size_t rows, std::size_t fi, std::size_t fo, const T* __restrict in, const T* __restrict W,
                   const T* __restrict bias, T* __restrict out) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
#if SUTRO_KERNEL_LEVEL >= 2
  tiles::dense_forward<T, false>(rows, fi, fo, in, W, bias, out);
#else
  ::sutro::nn::kernels::dense_forward(::sutro::scalar{}, rows, fi, fo, in, W, bias, out);
#endif
}

template <class T>
void dense_forward_relu(std::size_t rows, std::size_t fi, std::size_t fo, const T* __restrict in, const T* __restrict W,
                        const T* __restrict bias, T* __restrict out) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
#if SUTRO_KERNEL_LEVEL >= 2
  tiles::dense_forward<T, true>(rows, fi, fo, in, W, bias, out);
#else
  ::sutro::nn::kernels::dense_forward_relu(::sutro::scalar{}, rows, fi, fo, in, W, bias, out);
#endif
}

template <class T>
void dense_dot_rows(std::size_t rows, std::size_t n, const T* __restrict in, const T* __restrict w, T bias,
                    T* __restrict out) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
#if SUTRO_KERNEL_LEVEL >= 2
  tiles::dot16_rows(rows, n, in, w, bias, out);
#else
  ::sutro::nn::kernels::dense_dot_rows(::sutro::scalar{}, rows, n, in, w, bias, out);
#endif
}

template <class T>
void gram_rows(std::size_t k, std::size_t n, const T* __restrict W, T* __restrict A) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
#if SUTRO_KERNEL_LEVEL >= 2
  tiles::gram_rows(k, n, W, A);
#else
  ::sutro::nn::kernels::gram_rows(::sutro::scalar{}, k, n, W, A);
#endif
}

template <class T>
[[nodiscard]] bool spd_inverse(std::size_t n, T* __restrict A, T min_pivot) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
#if SUTRO_KERNEL_LEVEL >= 3
  return tiles::spd_inverse(n, A, A, min_pivot);
#else
  return ::sutro::nn::kernels::spd_inverse(::sutro::scalar{}, n, A, min_pivot);
#endif
}

template <class T>
[[nodiscard]] bool spd_inverse(std::size_t n, const T* __restrict in, T* __restrict out, T min_pivot) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
#if SUTRO_KERNEL_LEVEL >= 3
  return tiles::spd_inverse(n, in, out, min_pivot);
#else
  return ::sutro::nn::kernels::spd_inverse(::sutro::scalar{}, n, in, out, min_pivot);
#endif
}

template <class T>
[[nodiscard]] T newton_polar_step(std::size_t k, T z, T* __restrict M, const T* __restrict Mi,
                                  T* __restrict F) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
#if SUTRO_KERNEL_LEVEL >= 2
  return tiles::newton_polar_step(k, z, M, Mi, F);
#else
  return ::sutro::nn::kernels::newton_polar_step(::sutro::scalar{}, k, z, M, Mi, F);
#endif
}

template <class From, class To>
void transpose_convert(std::size_t rows, std::size_t cols, const From* __restrict in, To* __restrict out) noexcept {
  static_assert((std::is_same_v<From, float> && std::is_same_v<To, double>) ||
                    (std::is_same_v<From, double> && std::is_same_v<To, float>),
                "the level kernels convert float to double and back; other pairs take the reference");
  ::sutro::cpu::detail::note_kernel(this_level);
#if SUTRO_KERNEL_LEVEL >= 3
  tiles::transpose_convert(rows, cols, in, out);
#else
  ::sutro::nn::kernels::transpose_convert(::sutro::scalar{}, rows, cols, in, out);
#endif
}

template <class T>
void relu_output_backward(const std::size_t* rows, std::size_t nrows, std::size_t n, const T* __restrict g,
                          const T* __restrict a, const T* __restrict w, T* __restrict delta, T* __restrict gw,
                          T* __restrict gb) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
#if SUTRO_KERNEL_LEVEL >= 2
  tiles::relu_output_backward(rows, nrows, n, g, a, w, delta, gw, gb);
#else
  ::sutro::nn::kernels::relu_output_backward(::sutro::scalar{}, rows, nrows, n, g, a, w, delta, gw, gb);
#endif
}

template <class T>
void dense_weight_grad(const std::size_t* rows, std::size_t nrows, std::size_t fi, std::size_t fo,
                       const T* __restrict in, const T* __restrict delta, T* __restrict gW) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
#if SUTRO_KERNEL_LEVEL >= 2
  tiles::dense_weight_grad(rows, nrows, fi, fo, in, delta, gW);
#else
  ::sutro::nn::kernels::dense_weight_grad(::sutro::scalar{}, rows, nrows, fi, fo, in, delta, gW);
#endif
}

template <class T>
void relu_output_weight_grad(const std::size_t* rows, std::size_t nrows, std::size_t fi, std::size_t n,
                             const T* __restrict g, const T* __restrict in, const T* __restrict a,
                             const T* __restrict w, T* __restrict gW, T* __restrict gw, T* __restrict gb) noexcept {
  ::sutro::cpu::detail::note_kernel(this_level);
#if SUTRO_KERNEL_LEVEL >= 2
  tiles::relu_output_weight_grad(rows, nrows, fi, n, g, in, a, w, gW, gw, gb);
#else
  ::sutro::nn::kernels::relu_output_weight_grad(::sutro::scalar{}, rows, nrows, fi, n, g, in, a, w, gW, gw, gb);
#endif
}
