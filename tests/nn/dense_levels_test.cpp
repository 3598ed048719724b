// Every instruction-set level's dense kernels (nn/simd/dense.inl) against the
// scalar reference, bit for bit: forced with scoped_level_limit, checked with
// last_kernel_level() that the level's own kernel ran. Inputs are finite with
// nonzero biases, the case where skipping zero inputs (the reference) and
// adding them (the tiles) agree.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "support/catch.hpp"
#include "sutro/backend/cpu.hpp"
#include "sutro/nn/kernels.hpp"
#include "sutro/nn/simd/dense.hpp"

namespace k = sutro::nn::kernels;
namespace cpu = sutro::cpu;

namespace {

template <class T>
std::vector<T> random_values(std::size_t n, std::mt19937_64& rng, bool with_zeros = false) {
  std::normal_distribution<T> normal;
  std::vector<T> v(n);
  for (auto& x : v) x = with_zeros && (rng() & 3) == 0 ? T(0) : normal(rng);
  return v;
}

template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

// 200: the harness's hidden width, 13 zmm of floats, which the backward
// splits into two register tiles; 21 and 33 rows: 16-row blocks of dot rows
// followed by the 4-row path and by single rows.
const std::size_t sizes[] = {0, 1, 15, 16, 17, 63, 64, 65, 200};
const std::size_t row_counts[] = {0, 1, 3, 5, 17, 21, 33};

// Runs every kernel with `tag` on random inputs and compares with the
// reference; `expected` is the level whose kernel must have run.
template <class Tag>
void check_kernels(Tag tag, cpu::level expected) {
  const std::string level(cpu::name(expected));
  std::mt19937_64 rng(7);
  constexpr float pad = -7.0f;
  // The level's one-kernel backward against the expected gW, gw and gb,
  // nothing written past their ends.
  const auto check_fused = [&](const std::vector<std::size_t>& active, std::size_t fi, std::size_t fo,
                               const std::vector<float>& in, const std::vector<float>& a, const std::vector<float>& wo,
                               const std::vector<float>& g, const std::vector<float>& gW, const std::vector<float>& gw,
                               const std::vector<float>& gb) {
    std::vector<float> fW(fi * fo + 16, pad), fw(fo + 16, pad), fb(fo + 16, pad);
    k::relu_output_weight_grad(tag, active.data(), active.size(), fi, fo, g.data(), in.data(), a.data(), wo.data(),
                               fW.data(), fw.data(), fb.data());
    CHECK(cpu::last_kernel_level() == expected);
    for (const auto* v : {&fW, &fw, &fb})
      for (std::size_t i = v->size() - 16; i < v->size(); ++i) REQUIRE((*v)[i] == pad);
    fW.resize(fi * fo);
    fw.resize(fo);
    fb.resize(fo);
    CHECK(same_bits(gW, fW));
    CHECK(same_bits(gw, fw));
    CHECK(same_bits(gb, fb));
  };
  // dense_forward and dense_forward_relu on `in` (float) and dense_forward on
  // fresh doubles, against the reference, nothing written past the end.
  const auto check_forward = [&](std::size_t rows, std::size_t fi, std::size_t fo, const std::vector<float>& in) {
    const auto W = random_values<float>(fi * fo, rng), bias = random_values<float>(fo, rng);
    std::vector<float> ref(rows * fo), got(rows * fo + 16, pad);
    k::dense_forward(sutro::scalar{}, rows, fi, fo, in.data(), W.data(), bias.data(), ref.data());
    k::dense_forward(tag, rows, fi, fo, in.data(), W.data(), bias.data(), got.data());
    CHECK(cpu::last_kernel_level() == expected);
    for (std::size_t i = rows * fo; i < got.size(); ++i) REQUIRE(got[i] == pad);
    got.resize(rows * fo);
    CHECK(same_bits(ref, got));

    k::dense_forward_relu(sutro::scalar{}, rows, fi, fo, in.data(), W.data(), bias.data(), ref.data());
    k::dense_forward_relu(tag, rows, fi, fo, in.data(), W.data(), bias.data(), got.data());
    CHECK(cpu::last_kernel_level() == expected);
    CHECK(same_bits(ref, got));

    const auto ind = random_values<double>(rows * fi, rng, true), Wd = random_values<double>(fi * fo, rng),
               bd = random_values<double>(fo, rng);
    std::vector<double> refd(rows * fo), gotd(rows * fo);
    k::dense_forward(sutro::scalar{}, rows, fi, fo, ind.data(), Wd.data(), bd.data(), refd.data());
    k::dense_forward(tag, rows, fi, fo, ind.data(), Wd.data(), bd.data(), gotd.data());
    CHECK(cpu::last_kernel_level() == expected);
    CHECK(same_bits(refd, gotd));
  };
  for (std::size_t rows : row_counts)
    for (std::size_t fi : sizes)
      for (std::size_t fo : sizes) {
        INFO(level << ": " << rows << " x " << fi << " -> " << fo);
        const auto in = random_values<float>(rows * fi, rng, true);
        check_forward(rows, fi, fo, in);

        // One output over the rows (n = fi).
        const auto w = random_values<float>(fi, rng);
        std::vector<float> dref(rows), dgot(rows + 16, pad);
        k::dense_dot_rows(sutro::scalar{}, rows, fi, in.data(), w.data(), 0.5f, dref.data());
        k::dense_dot_rows(tag, rows, fi, in.data(), w.data(), 0.5f, dgot.data());
        CHECK(cpu::last_kernel_level() == expected);
        for (std::size_t i = rows; i < dgot.size(); ++i) REQUIRE(dgot[i] == pad);
        dgot.resize(rows);
        CHECK(same_bits(dref, dgot));

        // Backward over a subset of `rows` samples (ReLU layer of width fo,
        // inputs of width fi), in order.
        std::vector<std::size_t> active;
        for (std::size_t b = 0; b < rows; ++b)
          if (rng() % 4 != 0) active.push_back(b);
        const auto delta = random_values<float>(rows * fo, rng);
        std::vector<float> gref(fi * fo, 1.0f), ggot(fi * fo, 2.0f);
        k::dense_weight_grad(sutro::scalar{}, active.data(), active.size(), fi, fo, in.data(), delta.data(),
                             gref.data());
        k::dense_weight_grad(tag, active.data(), active.size(), fi, fo, in.data(), delta.data(), ggot.data());
        CHECK(cpu::last_kernel_level() == expected);
        CHECK(same_bits(gref, ggot));

        auto a = random_values<float>(rows * fo, rng, true);
        for (auto& v : a) v = v > 0.0f ? v : 0.0f;
        const auto wo = random_values<float>(fo, rng), g = random_values<float>(rows, rng);
        std::vector<float> dr(rows * fo, 9.0f), dg(rows * fo, 9.0f), gwr(fo, 3.0f), gwg(fo, 4.0f), gbr(fo, 5.0f),
            gbg(fo, 6.0f);
        k::relu_output_backward(sutro::scalar{}, active.data(), active.size(), fo, g.data(), a.data(), wo.data(),
                                dr.data(), gwr.data(), gbr.data());
        k::relu_output_backward(tag, active.data(), active.size(), fo, g.data(), a.data(), wo.data(), dg.data(),
                                gwg.data(), gbg.data());
        CHECK(cpu::last_kernel_level() == expected);
        CHECK(same_bits(dr, dg));
        CHECK(same_bits(gwr, gwg));
        CHECK(same_bits(gbr, gbg));

        // Both in one kernel (a ReLU layer over inputs of width fi): the
        // reference's bits of the two kernels above, the level's the same.
        std::vector<float> cW(fi * fo, 1.5f), fWr(fi * fo, 2.5f), fwr(fo, 3.5f), fbr(fo, 4.5f);
        k::dense_weight_grad(sutro::scalar{}, active.data(), active.size(), fi, fo, in.data(), dr.data(), cW.data());
        k::relu_output_weight_grad(sutro::scalar{}, active.data(), active.size(), fi, fo, g.data(), in.data(), a.data(),
                                   wo.data(), fWr.data(), fwr.data(), fbr.data());
        CHECK(same_bits(cW, fWr));
        CHECK(same_bits(gwr, fwr));
        CHECK(same_bits(gbr, fbr));
        check_fused(active, fi, fo, in, a, wo, g, fWr, fwr, fbr);
      }

  // The one-kernel backward over more samples than one chunk of the AVX2
  // path's delta buffer (64): the sums carried across chunks in gW.
  for (std::size_t rows : {64, 65, 128, 129, 150})
    for (std::size_t fi : {1, 20, 21})
      for (std::size_t fo : {17, 200}) {
        INFO(level << ": relu_output_weight_grad over " << rows << " samples, " << fi << " -> " << fo);
        const auto in = random_values<float>(rows * fi, rng, true);
        auto a = random_values<float>(rows * fo, rng, true);
        for (auto& v : a) v = v > 0.0f ? v : 0.0f;
        const auto wo = random_values<float>(fo, rng), g = random_values<float>(rows, rng);
        std::vector<std::size_t> active;  // all samples (chunk edges exactly), or 7 in 8 of 150
        for (std::size_t b = 0; b < rows; ++b)
          if (rows != 150 || rng() % 8 != 0) active.push_back(b);
        std::vector<float> delta(rows * fo), gw(fo), gb(fo), gW(fi * fo);
        k::relu_output_backward(sutro::scalar{}, active.data(), active.size(), fo, g.data(), a.data(), wo.data(),
                                delta.data(), gw.data(), gb.data());
        k::dense_weight_grad(sutro::scalar{}, active.data(), active.size(), fi, fo, in.data(), delta.data(), gW.data());
        check_fused(active, fi, fo, in, a, wo, g, gW, gw, gb);
      }

  // The forward over every row count up to two tiles of 8 (the AVX-512
  // tile height) and a few beyond, so that every tile height runs, with
  // column counts that split into tiles of 1 to 3 registers and a masked tail.
  for (std::size_t rows = 0; rows <= 26; rows += rows < 17 ? 1 : 9)
    for (std::size_t fi : {std::size_t{1}, std::size_t{20}})
      for (std::size_t fo : {std::size_t{1}, std::size_t{16}, std::size_t{17}, std::size_t{48}, std::size_t{200}}) {
        INFO(level << ": forward tiles, " << rows << " x " << fi << " -> " << fo);
        check_forward(rows, fi, fo, random_values<float>(rows * fi, rng, true));
      }

  // The output unit's dot products in blocks of 16 rows (dot16_rows16 at
  // AVX-512) and their remainders: every tail length 0..15 of the masked
  // tail block, two lengths of whole registers, nothing written past the end.
  for (std::size_t rows : {std::size_t{16}, std::size_t{32}, std::size_t{37}})
    for (std::size_t n = 0; n <= 33; ++n) {
      INFO(level << ": dot rows " << rows << " x " << n);
      const auto in = random_values<float>(rows * n, rng, true), w = random_values<float>(n, rng);
      std::vector<float> dref(rows), dgot(rows + 16, pad);
      k::dense_dot_rows(sutro::scalar{}, rows, n, in.data(), w.data(), 0.5f, dref.data());
      k::dense_dot_rows(tag, rows, n, in.data(), w.data(), 0.5f, dgot.data());
      CHECK(cpu::last_kernel_level() == expected);
      for (std::size_t i = rows; i < dgot.size(); ++i) REQUIRE(dgot[i] == pad);
      dgot.resize(rows);
      CHECK(same_bits(dref, dgot));
    }

  // Gram matrices of k rows of length n (the polar factor's), k != n; every
  // tail length in 0..15 takes a different mix of masked registers (AVX2:
  // four of four lanes).
  for (std::size_t kk : {std::size_t{0}, std::size_t{1}, std::size_t{5}, std::size_t{9}})
    for (std::size_t n : {0, 1, 5, 9, 12, 15, 16, 17, 20, 31, 63, 64, 65, 200}) {
      INFO(level << ": gram " << kk << " x " << n);
      const auto Wg = random_values<double>(kk * n, rng);
      std::vector<double> aref(kk * kk, -1.0), agot(kk * kk, -2.0);
      k::gram_rows(sutro::scalar{}, kk, n, Wg.data(), aref.data());
      k::gram_rows(tag, kk, n, Wg.data(), agot.data());
      CHECK(cpu::last_kernel_level() == expected);
      CHECK(same_bits(aref, agot));
    }

  // Inverses of symmetric positive definite matrices (the polar factor's
  // Newton route) at every register count, and matrices that are not
  // positive definite, which both refuse.
  for (std::size_t n : {0, 1, 2, 7, 8, 9, 16, 20, 24, 25, 32, 33, 40}) {
    INFO(level << ": spd_inverse " << n << " x " << n);
    const auto g = random_values<double>(n * n, rng);
    std::vector<double> a(n * n);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        double v = i == j ? 0.5 : 0.0;
        for (std::size_t p = 0; p < n; ++p) v += g[i * n + p] * g[j * n + p];
        a[i * n + j] = v;
      }
    auto ref = a, got = a;
    CHECK(k::spd_inverse(sutro::scalar{}, n, ref.data()));
    CHECK(k::spd_inverse(tag, n, got.data()));
    CHECK(cpu::last_kernel_level() == expected);
    CHECK(same_bits(ref, got));
    // Out of place: the same bits, the input untouched.
    std::vector<double> out_scalar(n * n, -3.0), out_level(n * n, -4.0);
    CHECK(k::spd_inverse(sutro::scalar{}, n, static_cast<const double*>(a.data()), out_scalar.data()));
    CHECK(k::spd_inverse(tag, n, static_cast<const double*>(a.data()), out_level.data()));
    CHECK(cpu::last_kernel_level() == expected);
    CHECK(same_bits(ref, out_scalar));
    CHECK(same_bits(ref, out_level));
    double off_identity = 0.0;  // A A^-1 = I
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        double v = 0.0;
        for (std::size_t p = 0; p < n; ++p) v += a[i * n + p] * ref[p * n + j];
        off_identity = std::max(off_identity, std::abs(v - (i == j ? 1.0 : 0.0)));
      }
    CHECK(off_identity < 1e-9);
    if (n >= 2) {
      auto indefinite = a;
      indefinite[(n - 1) * n + n - 1] = -1.0;  // a negative diagonal entry: no positive definite matrix has one
      auto ref_bad = indefinite, got_bad = indefinite;
      CHECK_FALSE(k::spd_inverse(sutro::scalar{}, n, ref_bad.data()));
      CHECK_FALSE(k::spd_inverse(tag, n, got_bad.data()));
      // A bound on the pivots: the first pivot is a[0][0], not above itself.
      auto ref_bound = a, got_bound = a;
      CHECK_FALSE(k::spd_inverse(sutro::scalar{}, n, ref_bound.data(), a[0]));
      CHECK_FALSE(k::spd_inverse(tag, n, got_bound.data(), a[0]));
      CHECK(same_bits(got_bound, a));  // refused before the first write
      // Refused midway: diagonal entries n, n - 1, ..., 1 (pivots near them), bound 1.5.
      auto graded = a;
      for (std::size_t i = 0; i < n; ++i) graded[i * n + i] = double(n - i) + 1e-3 * a[i * n + i];
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < n; ++j)
          if (i != j) graded[i * n + j] = 1e-3 * a[i * n + j];
      // Bound b refuses pivot n - floor(b) first: 1.5 to 4.5 reach every
      // place in a pass of four pivots and in a pair, and a lone last one,
      // over the sizes.
      for (const double bound : {1.5, 2.5, 3.5, 4.5}) {
        if (bound > double(n)) continue;
        auto ref_mid = graded, got_mid = graded;
        CHECK_FALSE(k::spd_inverse(sutro::scalar{}, n, ref_mid.data(), bound));
        CHECK_FALSE(k::spd_inverse(tag, n, got_mid.data(), bound));
        CHECK(same_bits(ref_mid, got_mid));  // the same partial elimination
        std::vector<double> out_mid(n * n, -5.0);
        const auto graded_before = graded;
        CHECK_FALSE(k::spd_inverse(tag, n, static_cast<const double*>(graded.data()), out_mid.data(), bound));
        CHECK(same_bits(ref_mid, out_mid));
        CHECK(same_bits(graded, graded_before));
      }
    }
  }

  // Signed zeros: a lane whose products all underflow from below is -0 in
  // the reference, +0 where a masked register adds 0 * 0 (n = 17, 20, 33);
  // with no masked lane every lane is -0 on both sides (n = 16, 32). The
  // sum's + 0 makes every case +0.
  for (std::size_t n : {std::size_t{16}, std::size_t{17}, std::size_t{20}, std::size_t{32}, std::size_t{33}}) {
    INFO(level << ": gram of underflowing products, 2 x " << n);
    std::vector<double> Wg(2 * n);
    for (std::size_t t = 0; t < n; ++t) {
      Wg[t] = -1e-200;
      Wg[n + t] = 1e-200;
    }
    std::vector<double> aref(4, -1.0), agot(4, -2.0);
    k::gram_rows(sutro::scalar{}, 2, n, Wg.data(), aref.data());
    k::gram_rows(tag, 2, n, Wg.data(), agot.data());
    CHECK(same_bits(aref, agot));
    CHECK_FALSE(std::signbit(aref[1]));
  }

  // One Newton step of the polar factor on M and its inverse (any values:
  // the step is elementwise), every chunk count, a ragged last chunk, and
  // chunks holding two diagonal elements (k = 2 to 6).
  for (std::size_t n : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 16, 20, 24, 25, 33}) {
    INFO(level << ": newton_polar_step " << n << " x " << n);
    const auto m = random_values<double>(n * n, rng), mi = random_values<double>(n * n, rng);
    auto m_ref = m, m_got = m;
    std::vector<double> f_ref(n * n, -1.0), f_got(n * n, -2.0);
    const double z = 0.75 + 0.5 * double(n % 3);
    const double dev_ref = k::newton_polar_step(sutro::scalar{}, n, z, m_ref.data(), mi.data(), f_ref.data());
    const double dev_got = k::newton_polar_step(tag, n, z, m_got.data(), mi.data(), f_got.data());
    CHECK(cpu::last_kernel_level() == expected);
    CHECK(same_bits(m_ref, m_got));
    CHECK(same_bits(f_ref, f_got));
    CHECK(same_bits(std::vector<double>{dev_ref}, std::vector<double>{dev_got}));
    double dev = 0.0;  // the definitions, to rounding
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) {
        const double id = i == j ? 1.0 : 0.0, x = m[i * n + j], v = mi[i * n + j];
        CHECK(std::abs(f_ref[i * n + j] - 0.5 * (z * id + v / z)) <= 1e-15 * (1.0 + std::abs(v / z)));
        const double next = 0.25 * (z * z * x + 2.0 * id + v / (z * z));
        CHECK(std::abs(m_ref[i * n + j] - next) <= 1e-15 * (1.0 + std::abs(z * z * x) + std::abs(v / (z * z))));
        dev += (next - id) * (next - id);
      }
    CHECK(std::abs(dev_ref - dev) <= 1e-13 * (1.0 + dev));
  }

  // Dot rows over special values: -0, infinities and NaN in the inputs, a
  // -0 bias. The same operations in the same order give the same bits, NaN
  // aside, whose payload may differ: there only NaN-ness is compared.
  for (std::size_t rows : {16, 21, 33})
    for (std::size_t n : {7, 16, 20, 200}) {
      INFO(level << ": dot rows with special values, " << rows << " x " << n);
      const float specials[] = {-0.0f, 0.0f, std::numeric_limits<float>::infinity(),
                                -std::numeric_limits<float>::infinity(), std::numeric_limits<float>::quiet_NaN()};
      auto x = random_values<float>(rows * n, rng);
      for (std::size_t i = 0; i < x.size(); ++i)
        if (rng() % 8 == 0) x[i] = specials[rng() % (i % 3 == 0 ? 5 : 2)];  // mostly zeros, some inf and NaN
      const auto w = random_values<float>(n, rng);
      for (const float bias : {-0.0f, 0.5f}) {
        std::vector<float> ref(rows), got(rows);
        k::dense_dot_rows(sutro::scalar{}, rows, n, x.data(), w.data(), bias, ref.data());
        k::dense_dot_rows(tag, rows, n, x.data(), w.data(), bias, got.data());
        for (std::size_t b = 0; b < rows; ++b) {
          if (std::isnan(ref[b])) {
            CHECK(std::isnan(got[b]));
          } else {
            CHECK(std::memcmp(&ref[b], &got[b], sizeof(float)) == 0);
          }
        }
      }
    }

  // The polar factor's transposes: float to double and back (the 8 x 8 blocks
  // at AVX-512, partial at every edge), against the reference, nothing
  // written past the end.
  auto transpose_both = [&](auto from_zero, auto to_zero, std::size_t rows, std::size_t cols) {
    using From = decltype(from_zero);
    using To = decltype(to_zero);
    const auto in = random_values<From>(rows * cols, rng);  // double to float: most round
    std::vector<To> ref(rows * cols), got(rows * cols + 9, To(-3));
    k::transpose_convert(sutro::scalar{}, rows, cols, in.data(), ref.data());
    k::transpose_convert(tag, rows, cols, in.data(), got.data());
    if constexpr (!std::is_same_v<From, To>) CHECK(cpu::last_kernel_level() == expected);  // same type: the reference
    for (std::size_t i = rows * cols; i < got.size(); ++i) REQUIRE(got[i] == To(-3));
    got.resize(rows * cols);
    CHECK(same_bits(ref, got));
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < cols; ++c) REQUIRE(ref[c * rows + r] == static_cast<To>(in[r * cols + c]));
    if constexpr (std::is_same_v<From, To>) {  // nn::kernels::transpose is this conversion
      std::vector<To> plain(rows * cols);
      k::transpose(rows, cols, in.data(), plain.data());
      CHECK(same_bits(ref, plain));
    }
  };
  for (std::size_t rows : {0, 1, 7, 8, 9, 17, 64, 65, 200})
    for (std::size_t cols : {0, 1, 7, 8, 9, 20, 33}) {
      INFO(level << ": transpose_convert " << rows << " x " << cols);
      transpose_both(0.0f, 0.0, rows, cols);
      transpose_both(0.0, 0.0f, rows, cols);
      transpose_both(0.0f, 0.0f, rows, cols);
    }

  // axpy and dot (the MLP's backward, Muon and the polar factor), float and double.
  auto vector_ops = [&](auto zero) {
    using T = decltype(zero);
    for (std::size_t n : {0, 1, 15, 16, 17, 63, 64, 65, 200}) {
      INFO(level << ": axpy/dot of " << n << (sizeof(T) == 4 ? " floats" : " doubles"));
      const auto x = random_values<T>(n, rng), y0 = random_values<T>(n, rng);
      const T a = random_values<T>(1, rng)[0];
      auto yref = y0, ygot = y0;
      k::axpy(sutro::scalar{}, n, a, x.data(), yref.data());
      k::axpy(tag, n, a, x.data(), ygot.data());
      CHECK(cpu::last_kernel_level() == expected);
      CHECK(same_bits(yref, ygot));
      const std::vector<T> dref{k::dot(sutro::scalar{}, n, x.data(), y0.data())},
          dgot{k::dot(tag, n, x.data(), y0.data())};
      CHECK(cpu::last_kernel_level() == expected);
      CHECK(same_bits(dref, dgot));
    }
  };
  vector_ops(0.0f);
  vector_ops(0.0);
}

}  // namespace

TEST_CASE("dense kernels: every level gives the reference's bits", "[nn][kernels][levels]") {
  for (cpu::level l : cpu::all_levels) {
    if (!cpu::supports(l)) continue;
    const cpu::level expected = sutro::cpu::dispatch_compiled ? l : cpu::level::generic;
    SECTION(std::string(cpu::name(l))) {
      cpu::scoped_level_limit cap(l);
      check_kernels(sutro::simd{}, expected);
    }
  }
}

TEST_CASE("dense kernels: a level tag pins its kernels", "[nn][kernels][levels]") {
  for (cpu::level l : cpu::all_levels) {
    if (!cpu::supports(l) || !sutro::cpu::dispatch_compiled) continue;
    if (l == cpu::level::avx2) check_kernels(sutro::simd_on<sutro::level_arch<cpu::level::avx2>>{}, l);
    if (l == cpu::level::generic) check_kernels(sutro::simd_on<sutro::level_arch<cpu::level::generic>>{}, l);
  }
}

#if defined(SUTRO_HAS_XSIMD)
TEST_CASE("dense kernels: xsimd tags run the level they name", "[nn][kernels][levels]") {
  if (!sutro::cpu::dispatch_compiled) return;
  if (cpu::supports(cpu::level::avx2)) check_kernels(sutro::simd_on<xsimd::avx2>{}, cpu::level::avx2);
  if (cpu::supports(cpu::level::sse2)) check_kernels(sutro::simd_on<xsimd::sse2>{}, cpu::level::sse2);
}
#endif
