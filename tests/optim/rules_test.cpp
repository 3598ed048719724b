// Optimizer steps against hand-computed values.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <vector>

#include "support/catch.hpp"
#include "sutro/nn/tensor.hpp"
#include "sutro/optim/optimizers.hpp"

#if defined(SUTRO_CATCH2_V3)
using Catch::Approx;
#endif

namespace nn = sutro::nn;
namespace optim = sutro::optim;

namespace {
// A toy parameter set: a 2x2 matrix, a 2-vector and a scalar, with gradients.
struct toy {
  std::vector<double> p{1, 2, 3, 4, 0.5, -0.5, 2}, g{0.1, -0.2, 0.3, 0.4, 3, 4, -0.7};
  std::vector<nn::tensor_ref<double>> P{{p.data(), 2, 2}, {p.data() + 4, 2, 1}, {p.data() + 6, 1, 1}};
  std::vector<nn::tensor_ref<double>> G{{g.data(), 2, 2}, {g.data() + 4, 2, 1}, {g.data() + 6, 1, 1}};
  void set_grad(std::vector<double> v) { std::copy(v.begin(), v.end(), g.begin()); }
  template <class Opt, class State>
  void step(const Opt& opt, State& s) {
    optim::step(opt, s, optim::tensors<double>(G), optim::tensors<double>(P));
  }
};
}  // namespace

TEST_CASE("sgd with weight decay: W -= lr (g + wd W)", "[optim]") {
  toy t;
  const auto p0 = t.p, g0 = t.g;
  auto opt = optim::sgd({.lr = 0.1, .weight_decay = 0.01});
  auto s = opt.init(optim::tensors<double>(t.P));
  t.step(opt, s);
  for (std::size_t i = 0; i < t.p.size(); ++i) CHECK(t.p[i] == Approx(p0[i] - 0.1 * (g0[i] + 0.01 * p0[i])));
}

TEST_CASE("momentum and Nesterov over two steps", "[optim]") {
  for (bool nest : {false, true}) {
    toy t;
    const double x0 = t.p[0];
    auto opt = nest ? optim::nesterov({.lr = 0.1, .beta = 0.9}) : optim::momentum({.lr = 0.1, .beta = 0.9});
    auto s = opt.init(optim::tensors<double>(t.P));
    t.set_grad({1, 1, 1, 1, 1, 1, 1});
    t.step(opt, s);  // m = 1; step 1 (heavy ball) or 1 + 0.9 (Nesterov)
    t.set_grad({2, 2, 2, 2, 2, 2, 2});
    t.step(opt, s);  // m = 0.9 + 2 = 2.9; step 2.9 or 2 + 0.9 * 2.9
    const double expected = nest ? x0 - 0.1 * 1.9 - 0.1 * (2 + 0.9 * 2.9) : x0 - 0.1 - 0.1 * 2.9;
    CHECK(t.p[0] == Approx(expected));
  }
}

TEST_CASE("adam and adamw first steps", "[optim]") {
  toy t;
  const auto p0 = t.p, g00 = t.g;
  auto opt = optim::adam({.lr = 0.01});
  auto s = opt.init(optim::tensors<double>(t.P));
  t.step(opt, s);  // bias-corrected first step = lr * g / (|g| + eps) = lr * sign(g)
  for (std::size_t i = 0; i < t.p.size(); ++i)
    CHECK(t.p[i] == Approx(p0[i] - 0.01 * (g00[i] > 0 ? 1 : -1)).epsilon(1e-6));
  toy w;
  auto optw = optim::adamw({.lr = 0.01, .weight_decay = 0.1});
  auto sw = optw.init(optim::tensors<double>(w.P));
  const auto g0 = w.g;
  w.step(optw, sw);
  for (std::size_t i = 0; i < w.p.size(); ++i)
    CHECK(w.p[i] == Approx(p0[i] - 0.01 * ((g0[i] > 0 ? 1 : -1) + 0.1 * p0[i])).epsilon(1e-6));
}

TEST_CASE("sign-SGD, clipping, schedules", "[optim]") {
  toy t;
  const auto p0 = t.p, g0 = t.g;
  auto opt = optim::sign_sgd({.lr = 0.5});
  auto s = opt.init(optim::tensors<double>(t.P));
  t.step(opt, s);
  for (std::size_t i = 0; i < t.p.size(); ++i) CHECK(t.p[i] == Approx(p0[i] - 0.5 * (g0[i] > 0 ? 1 : -1)));

  toy c;
  auto clip = optim::chain(optim::clip_by_global_norm{1.0}, optim::scale{-1.0});
  auto sc = clip.init(optim::tensors<double>(c.P));
  double norm = 0;
  for (double v : c.g) norm += v * v;
  norm = std::sqrt(norm);
  const auto pc = c.p, gc = c.g;
  c.step(clip, sc);
  for (std::size_t i = 0; i < c.p.size(); ++i) CHECK(c.p[i] == Approx(pc[i] - gc[i] / norm));

  toy e;
  auto el = optim::chain(optim::clip{0.25}, optim::scale{-1.0});
  auto se = el.init(optim::tensors<double>(e.P));
  const auto pe = e.p, ge = e.g;
  e.step(el, se);
  for (std::size_t i = 0; i < e.p.size(); ++i) CHECK(e.p[i] == Approx(pe[i] - std::clamp(ge[i], -0.25, 0.25)));

  toy w;
  auto warm = optim::chain(optim::scale_by_schedule(optim::linear_warmup(4)), optim::scale{-1.0});
  auto sw = warm.init(optim::tensors<double>(w.P));
  const double x0 = w.p[0];
  w.set_grad({1, 1, 1, 1, 1, 1, 1});
  w.step(warm, sw);
  w.set_grad({1, 1, 1, 1, 1, 1, 1});  // update() turned the gradients into updates in place
  w.step(warm, sw);                   // factors 1/4 then 2/4
  CHECK(w.p[0] == Approx(x0 - 0.75));
  CHECK(optim::cosine_decay(10)(10) == Approx(0.0).margin(1e-12));
  CHECK(optim::cosine_decay(10)(0) == Approx(1.0));
}

TEST_CASE("EGD: polar factor on matrices, g / ||g|| on vectors, sign on scalars", "[optim][egd]") {
  toy t;
  const auto p0 = t.p;
  auto opt = optim::egd({.lr = 0.1, .weight_decay = 0.01});
  auto s = opt.init(optim::tensors<double>(t.P));
  // The matrix [[0.1, -0.2], [0.3, 0.4]]: U V^T = G (G^T G)^-1/2, checked by orthogonality below.
  t.step(opt, s);
  std::vector<double> q(4);
  for (int i = 0; i < 4; ++i)
    q[static_cast<std::size_t>(i)] = -((t.p[static_cast<std::size_t>(i)] - p0[static_cast<std::size_t>(i)]) / 0.1 +
                                       0.01 * p0[static_cast<std::size_t>(i)]);
  CHECK(q[0] * q[0] + q[2] * q[2] == Approx(1.0));  // Q^T Q = I
  CHECK(q[0] * q[1] + q[2] * q[3] == Approx(0.0).margin(1e-12));
  CHECK(q[0] * 0.1 + q[2] * 0.3 > 0);  // same orientation as G
  CHECK(t.p[4] == Approx(0.5 - 0.1 * (3.0 / 5 + 0.01 * 0.5)));
  CHECK(t.p[5] == Approx(-0.5 - 0.1 * (4.0 / 5 - 0.01 * 0.5)));
  CHECK(t.p[6] == Approx(2 - 0.1 * (-1 + 0.01 * 2)));
  // Zero gradients stay zero (no division by zero).
  toy z;
  z.set_grad({0, 0, 0, 0, 0, 0, 0});
  auto sz = opt.init(optim::tensors<double>(z.P));
  const auto pz = z.p;
  z.step(opt, sz);
  for (std::size_t i = 0; i < z.p.size(); ++i) CHECK(z.p[i] == Approx(pz[i] * (1 - 0.001)));
  // NaN or inf in a bias vector gives a NaN direction in every entry, as in a matrix.
  for (const double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    toy b;
    b.set_grad({0.1, -0.2, 0.3, 0.4, 3, bad, -1});
    auto sb = opt.init(optim::tensors<double>(b.P));
    b.step(opt, sb);
    CHECK(std::isnan(b.p[4]));
    CHECK(std::isnan(b.p[5]));
  }
}

TEST_CASE("Muon: momentum, Newton-Schulz, scale by sqrt(max(1, fan_out / fan_in))", "[optim][muon]") {
  std::vector<double> p(8 * 2, 0.0), g(8 * 2);
  for (std::size_t i = 0; i < g.size(); ++i) g[i] = std::sin(static_cast<double>(i) + 1.0);
  std::vector<nn::tensor_ref<double>> P{{p.data(), 8, 2}}, G{{g.data(), 8, 2}};  // out_in: fan_out 8
  const auto g0 = g;
  auto opt = optim::muon({.lr = 1.0, .beta = 0.95});
  auto s = opt.init(optim::tensors<double>(P));
  optim::step(opt, s, optim::tensors<double>(G), optim::tensors<double>(P));
  // First step: Nesterov momentum gives (1 + 0.95) g; NS is scale invariant.
  std::vector<double> expect(g0);
  nn::tensor<double> e(8, 2);
  std::copy(expect.begin(), expect.end(), e.data());
  optim::newton_schulz_workspace ws;
  optim::newton_schulz(e.ref(), ws);
  for (std::size_t i = 0; i < p.size(); ++i) CHECK(p[i] == Approx(-2.0 * e.data()[i]).margin(1e-9));
  // The same matrix stored in_out (fan_out = cols = 2): no extra scale.
  std::vector<double> p2(16, 0.0), g2(g0);
  std::vector<nn::tensor_ref<double>> P2{{p2.data(), 8, 2, nn::layout::in_out}},
      G2{{g2.data(), 8, 2, nn::layout::in_out}};
  auto s2 = opt.init(optim::tensors<double>(P2));
  optim::step(opt, s2, optim::tensors<double>(G2), optim::tensors<double>(P2));
  for (std::size_t i = 0; i < p.size(); ++i) CHECK(p2[i] == Approx(-e.data()[i]).margin(1e-9));
}

TEST_CASE("shape mismatches throw with the shapes named", "[optim]") {
  toy t;
  std::vector<nn::tensor_ref<double>> wrong{{t.g.data(), 4, 1}, {t.g.data() + 4, 2, 1}, {t.g.data() + 6, 1, 1}};
  auto opt = optim::sgd({.lr = 0.1});
  auto s = opt.init(optim::tensors<double>(t.P));
  try {
    optim::step(opt, s, optim::tensors<double>(wrong), optim::tensors<double>(t.P));
    FAIL("no throw");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("(4 x 1)") != std::string::npos);
    CHECK(std::string(e.what()).find("(2 x 2)") != std::string::npos);
  }
  std::vector<nn::tensor_ref<double>> fewer{t.G[0]};
  CHECK_THROWS_AS(optim::step(opt, s, optim::tensors<double>(fewer), optim::tensors<double>(t.P)),
                  std::invalid_argument);
}

namespace {
// A user-defined rule: one struct (the same shape as examples/optim_custom.cpp).
struct halve {
  optim::empty_state init(optim::tensors<double>) const { return {}; }
  void update(optim::tensors<double> u, optim::empty_state&, optim::tensors<double>) const {
    for (const auto& t : u)
      for (auto& v : t.span()) v *= 0.5;
  }
};
}  // namespace

TEST_CASE("a user-defined rule composes with the built-in ones", "[optim]") {
  STATIC_REQUIRE(optim::gradient_transformation<halve, double>);
  STATIC_REQUIRE(optim::gradient_transformation<decltype(optim::egd({.lr = 0.1})), float>);
  toy t;
  const auto p0 = t.p, g0 = t.g;
  auto opt = optim::chain(halve{}, optim::scale{-1.0});
  auto s = opt.init(optim::tensors<double>(t.P));
  t.step(opt, s);
  for (std::size_t i = 0; i < t.p.size(); ++i) CHECK(t.p[i] == Approx(p0[i] - 0.5 * g0[i]));
}

TEST_CASE("norm-based directions hold for double gradients whose squares leave the range", "[optim]") {
  // EGD's vector direction, clip_by_global_norm and Muon's normalization
  // are scale invariant; 1e200 squares to inf and 1e-160 to 0 in double.
  auto run = [](auto opt, double scale) {
    toy t;
    for (double& v : t.g) v *= scale;
    t.p.assign(t.p.size(), 0.0);
    auto s = opt.init(optim::tensors<double>(t.P));
    t.step(opt, s);
    return t.p;
  };
  auto same = [](const std::vector<double>& a, const std::vector<double>& b, double tol = 1e-12) {
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) CHECK(a[i] == Approx(b[i]).epsilon(tol).margin(1e-300));
  };
  const auto egd1 = run(optim::egd({.lr = 1.0}), 1.0);
  CHECK(egd1[4] == Approx(-0.6));  // (3, 4) / 5
  same(run(optim::egd({.lr = 1.0}), 1e200), egd1);
  same(run(optim::egd({.lr = 1.0}), 1e-160), egd1);
  same(run(optim::egd({.lr = 1.0}), 1e-170), egd1);  // every square is 0
  same(run(optim::egd({.lr = 1.0}), 1e-310), egd1);  // subnormal: 1 / norm is past the range
  auto matrix_part = [](std::vector<double> p) { return std::vector<double>(p.begin(), p.begin() + 4); };
  const auto muon1 = matrix_part(run(optim::muon({.lr = 1.0}), 1.0));    // biases take momentum as it is
  same(matrix_part(run(optim::muon({.lr = 1.0}), 1e200)), muon1, 1e-6);  // G / (|G| + 1e-7): nearly invariant
  // Clipping to norm 1: the clipped update is g / |g| at any scale above 1.
  auto clip = [] { return optim::chain(optim::clip_by_global_norm{1.0}, optim::scale{-1.0}); };
  const auto clip1 = run(clip(), 10.0);
  same(run(clip(), 1e200), clip1);
  same(run(clip(), 1e300), clip1);
  CHECK(run(clip(), 1e-160)[0] == Approx(-0.1e-160));  // under the bound: unchanged
}
