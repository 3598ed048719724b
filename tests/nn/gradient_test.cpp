// Finite-difference checks, in float64, of every layer, activation and loss.
#include <cmath>
#include <random>
#include <vector>

#include "support/catch.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/random.hpp"

#if defined(SUTRO_CATCH2_V3)
using Catch::Approx;
#endif

namespace nn = sutro::nn;

namespace {

struct batch_data {
  std::vector<double> x, y;
};

batch_data make_batch(std::size_t n, std::size_t B, nn::loss kind, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  batch_data d;
  for (std::size_t i = 0; i < n * B; ++i) d.x.push_back(nn::standard_normal(rng));
  for (std::size_t b = 0; b < B; ++b)
    d.y.push_back(kind == nn::loss::mse ? nn::standard_normal(rng) : (rng() & 1 ? 1.0 : -1.0));
  return d;
}

// Reference forward pass straight from the definitions (views in in_out layout).
double reference_loss(nn::mlp<double>& net, const batch_data& d, std::size_t B, nn::loss kind) {
  const auto p = net.params();
  const std::size_t L = p.size() / 2;
  double total = 0.0;
  for (std::size_t b = 0; b < B; ++b) {
    std::vector<double> in(d.x.begin() + static_cast<long>(b * net.inputs()),
                           d.x.begin() + static_cast<long>((b + 1) * net.inputs()));
    for (std::size_t l = 0; l < L; ++l) {
      const auto W = p[2 * l];
      std::vector<double> out(W.cols);
      for (std::size_t j = 0; j < W.cols; ++j) {
        double z = p[2 * l + 1].data[j];
        for (std::size_t i = 0; i < W.rows; ++i) z += in[i] * W(i, j);
        if (l + 1 < L) {
          std::vector<double> one{z};
          nn::activate(net.config().act, std::span<double>(one));
          z = one[0];
        }
        out[j] = z;
      }
      in = out;
    }
    total += nn::loss_value(kind, in[0], d.y[b]);
  }
  return total / static_cast<double>(B);
}

}  // namespace

TEST_CASE("mlp forward matches the reference and backward matches finite differences", "[nn][grad]") {
  const auto act = GENERATE(nn::activation::relu, nn::activation::leaky_relu, nn::activation::tanh,
                            nn::activation::sigmoid, nn::activation::identity);
  const auto kind = GENERATE(nn::loss::hinge, nn::loss::mse, nn::loss::logistic);
  // Widths below, at and across the register blocks (8 doubles, 32 per 4 registers).
  const auto hidden =
      GENERATE(std::vector<std::size_t>{7}, std::vector<std::size_t>{6, 5}, std::vector<std::size_t>{1},
               std::vector<std::size_t>{37}, std::vector<std::size_t>{9, 17}, std::vector<std::size_t>{32, 8});
  // 65 inputs: past the one-kernel backward of a single ReLU layer (up to 64).
  const std::size_t n = GENERATE(std::size_t{5}, std::size_t{65}), B = 4;
  nn::mlp<double> net({.inputs = n, .hidden = hidden, .act = act}, 11);
  // Nonzero biases so that every parameter matters.
  std::mt19937_64 rng(3);
  for (std::size_t l = 1; l < net.params().size(); l += 2)
    for (auto& v : net.params()[l].span()) v = 0.1 * nn::standard_normal(rng);
  const auto d = make_batch(n, B, kind, 5);

  const double loss = net.loss_and_gradient(d.x, d.y, B, kind);
  CHECK(loss == Approx(reference_loss(net, d, B, kind)).epsilon(1e-12));
  std::vector<double> analytic(net.flat_grads().begin(), net.flat_grads().end());

  auto params = net.flat_params();
  const double h = 1e-6;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const double keep = params[i];
    params[i] = keep + h;
    const double up = reference_loss(net, d, B, kind);
    params[i] = keep - h;
    const double down = reference_loss(net, d, B, kind);
    params[i] = keep;
    const double numeric = (up - down) / (2 * h);
    INFO("activation " << nn::to_string(act) << ", loss " << nn::to_string(kind) << ", parameter " << i);
    CHECK(analytic[i] == Approx(numeric).margin(1e-6).epsilon(1e-5));
  }
}

TEST_CASE("losses: values and derivatives at hand-computed points", "[nn][loss]") {
  using nn::loss;
  CHECK(nn::loss_value(loss::hinge, 0.5, 1.0) == 0.5);
  CHECK(nn::loss_value(loss::hinge, 2.0, 1.0) == 0.0);
  CHECK(nn::loss_gradient(loss::hinge, 0.5, -1.0) == 1.0);
  CHECK(nn::loss_gradient(loss::hinge, -2.0, -1.0) == 0.0);
  CHECK(nn::loss_value(loss::mse, 3.0, 1.0) == 4.0);
  CHECK(nn::loss_gradient(loss::mse, 3.0, 1.0) == 4.0);
  CHECK(nn::loss_value(loss::logistic, 0.0, 1.0) == Approx(std::log(2.0)));
  CHECK(nn::loss_gradient(loss::logistic, 0.0, 1.0) == Approx(-0.5));
  CHECK(std::isfinite(nn::loss_value(loss::logistic, -1000.0, 1.0)));
  CHECK(nn::loss_value(loss::logistic, -1000.0, 1.0) == Approx(1000.0));
  for (double f : {-3.0, -0.3, 0.4, 2.0})
    for (double y : {-1.0, 1.0})
      for (auto l : {loss::hinge, loss::mse, loss::logistic}) {
        const double h = 1e-6;
        if (l == loss::hinge && std::abs(f * y - 1.0) < 1e-3) continue;
        const double num = (nn::loss_value(l, f + h, y) - nn::loss_value(l, f - h, y)) / (2 * h);
        CHECK(nn::loss_gradient(l, f, y) == Approx(num).margin(1e-6));
      }
}

TEST_CASE("activation derivatives match finite differences", "[nn][activation]") {
  for (auto a : {nn::activation::relu, nn::activation::leaky_relu, nn::activation::tanh, nn::activation::sigmoid,
                 nn::activation::identity})
    for (double z : {-2.0, -0.5, 0.3, 1.7}) {
      const double h = 1e-6;
      std::vector<double> v{z + h, z - h, z};
      nn::activate(a, std::span<double>(v));
      double d = 1.0;
      nn::multiply_by_derivative(a, 1, &v[2], &d);
      CHECK(d == Approx((v[0] - v[1]) / (2 * h)).margin(1e-6));
      CHECK(nn::derivative_from_output(a, v[2]) == Approx(d));
    }
}
