// The simd dense kernels against the scalar reference on random inputs: same
// summation order and std::fma rounding, so they agree (bit for bit, checked
// level by level in dense_levels_test.cpp; here to rounding, with coverage of
// sizes up to 200).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <random>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/nn/kernels.hpp"

namespace k = sutro::nn::kernels;

namespace {

std::vector<float> random_floats(std::size_t n, std::mt19937_64& rng, bool with_zeros = false) {
  std::normal_distribution<float> normal;
  std::vector<float> v(n);
  for (auto& x : v) x = with_zeros && (rng() & 3) == 0 ? 0.0f : normal(rng);
  return v;
}

// |a - b| <= tol * (sum of |terms| + 1): the sums' own rounding scale.
void check_close(const std::vector<float>& a, const std::vector<float>& b, const std::vector<float>& scale,
                 const std::string& what) {
  REQUIRE(a.size() == b.size());
  std::size_t bad = 0, exact = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] == b[i]) ++exact;
    if (!(std::abs(a[i] - b[i]) <= 1e-5f * (scale[i] + 1.0f))) ++bad;
  }
  INFO(what << ": " << exact << " of " << a.size() << " bitwise equal");
  CHECK(bad == 0);
}

const std::size_t sizes[] = {0, 1, 15, 16, 17, 63, 64, 65, 200};

}  // namespace

#if SUTRO_SIMD_ENABLED
TEST_CASE("simd dense_forward(_relu) and dense_dot_rows match the scalar reference", "[nn][kernels]") {
  std::mt19937_64 rng(11);
  for (std::size_t rows : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{5}, std::size_t{32}})
    for (std::size_t fi : {std::size_t{0}, std::size_t{1}, std::size_t{20}, std::size_t{65}})
      for (std::size_t fo : sizes) {
        const auto in = random_floats(rows * fi, rng, true), W = random_floats(fi * fo, rng),
                   bias = random_floats(fo, rng);
        std::vector<float> scale(rows * fo, 0.0f);
        for (std::size_t b = 0; b < rows; ++b)
          for (std::size_t c = 0; c < fo; ++c) {
            float s = std::abs(bias[c]);
            for (std::size_t i = 0; i < fi; ++i) s += std::abs(in[b * fi + i] * W[i * fo + c]);
            scale[b * fo + c] = s;
          }
        const std::string what = std::to_string(rows) + " x " + std::to_string(fi) + " -> " + std::to_string(fo);
        std::vector<float> ref(rows * fo, -1.0f), got(rows * fo + 16, -7.0f);
        k::dense_forward(sutro::scalar{}, rows, fi, fo, in.data(), W.data(), bias.data(), ref.data());
        k::dense_forward(sutro::simd{}, rows, fi, fo, in.data(), W.data(), bias.data(), got.data());
        CHECK(std::all_of(got.begin() + static_cast<std::ptrdiff_t>(rows * fo), got.end(),
                          [](float v) { return v == -7.0f; }));  // nothing past the end
        got.resize(rows * fo);
        check_close(ref, got, scale, "dense_forward " + what);
        k::dense_forward_relu(sutro::scalar{}, rows, fi, fo, in.data(), W.data(), bias.data(), ref.data());
        k::dense_forward_relu(sutro::simd{}, rows, fi, fo, in.data(), W.data(), bias.data(), got.data());
        check_close(ref, got, scale, "dense_forward_relu " + what);
        CHECK(std::all_of(got.begin(), got.end(), [](float v) { return v >= 0.0f; }));

        // A layer with one output over the same rows (n = fi).
        const auto w = random_floats(fi, rng);
        std::vector<float> dref(rows), dgot(rows), dscale(rows, 0.0f);
        for (std::size_t b = 0; b < rows; ++b)
          for (std::size_t i = 0; i < fi; ++i) dscale[b] += std::abs(in[b * fi + i] * w[i]);
        k::dense_dot_rows(sutro::scalar{}, rows, fi, in.data(), w.data(), 0.5f, dref.data());
        k::dense_dot_rows(sutro::simd{}, rows, fi, in.data(), w.data(), 0.5f, dgot.data());
        check_close(dref, dgot, dscale, "dense_dot_rows " + what);
      }
}

TEST_CASE("simd dense_weight_grad and relu_output_backward match the scalar reference", "[nn][kernels]") {
  std::mt19937_64 rng(12);
  for (std::size_t batch : {std::size_t{1}, std::size_t{7}, std::size_t{32}})
    for (std::size_t fi : {std::size_t{1}, std::size_t{4}, std::size_t{20}, std::size_t{63}})
      for (std::size_t fo : sizes) {
        std::vector<std::size_t> rows;  // a subset of the batch, in order (active samples)
        for (std::size_t b = 0; b < batch; ++b)
          if (rng() % 4 != 0) rows.push_back(b);
        const auto in = random_floats(batch * fi, rng, true), delta = random_floats(batch * fo, rng);
        std::vector<float> scale(fi * fo, 0.0f);
        for (std::size_t b : rows)
          for (std::size_t i = 0; i < fi; ++i)
            for (std::size_t c = 0; c < fo; ++c) scale[i * fo + c] += std::abs(in[b * fi + i] * delta[b * fo + c]);
        const std::string what =
            std::to_string(rows.size()) + " rows, " + std::to_string(fi) + " x " + std::to_string(fo);
        std::vector<float> ref(fi * fo, -1.0f), got(fi * fo, -2.0f);
        k::dense_weight_grad(sutro::scalar{}, rows.data(), rows.size(), fi, fo, in.data(), delta.data(), ref.data());
        k::dense_weight_grad(sutro::simd{}, rows.data(), rows.size(), fi, fo, in.data(), delta.data(), got.data());
        check_close(ref, got, scale, "dense_weight_grad " + what);

        // ReLU layer of width fo feeding one output: a holds ReLU outputs.
        auto a = random_floats(batch * fo, rng, true);
        for (auto& v : a) v = std::max(v, 0.0f);
        const auto w = random_floats(fo, rng), g = random_floats(batch, rng);
        std::vector<float> dr(batch * fo, 9.0f), dg(batch * fo, 9.0f), gwr(fo, 3.0f), gwg(fo, 4.0f), gbr(fo, 5.0f),
            gbg(fo, 6.0f), sw(fo, 0.0f), sb(fo, 0.0f);
        for (std::size_t b : rows)
          for (std::size_t c = 0; c < fo; ++c) {
            sw[c] += std::abs(g[b] * a[b * fo + c]);
            sb[c] += std::abs(g[b] * w[c]);
          }
        k::relu_output_backward(sutro::scalar{}, rows.data(), rows.size(), fo, g.data(), a.data(), w.data(), dr.data(),
                                gwr.data(), gbr.data());
        k::relu_output_backward(sutro::simd{}, rows.data(), rows.size(), fo, g.data(), a.data(), w.data(), dg.data(),
                                gwg.data(), gbg.data());
        CHECK(dr == dg);  // one product or a zero per entry: exact
        check_close(gwr, gwg, sw, "relu_output_backward gw " + what);
        check_close(gbr, gbg, sb, "relu_output_backward gb " + what);
      }
}
#endif

TEST_CASE("untagged kernels dispatch to the best backend for float and double", "[nn][kernels]") {
  const std::vector<double> in{1.0, -2.0}, W{1.0, 2.0, 3.0, 4.0, 5.0, 6.0}, bias{0.5, 0.5, 0.5};
  std::vector<double> out(3);
  k::dense_forward(1, 2, 3, in.data(), W.data(), bias.data(), out.data());
  CHECK(out == std::vector<double>{1.0 - 8.0 + 0.5, 2.0 - 10.0 + 0.5, 3.0 - 12.0 + 0.5});
  const std::vector<float> inf{1.0f, -2.0f}, Wf{1, 2, 3, 4, 5, 6}, bf{0.5f, 0.5f, 0.5f};
  std::vector<float> outf(3);
  k::dense_forward_relu(1, 2, 3, inf.data(), Wf.data(), bf.data(), outf.data());
  CHECK(outf == std::vector<float>{0.0f, 0.0f, 0.0f});
}
