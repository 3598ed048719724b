// Misuse of the optimizer API that used to pass silently or corrupt memory:
// positional options that swap meaning between factories, out-of-range
// values, and a state built for one network used on another.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/optim/grokfast.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/optim/polar.hpp"

#if defined(SUTRO_CATCH2_V3)
using Catch::Approx;
#endif

namespace nn = sutro::nn;
namespace optim = sutro::optim;

// Each true when the expression compiles for doubles a, b, c (a concept, so
// that an invalid call reads as false rather than a hard error).
template <class D>
concept momentum_positional = requires(D a, D b) {
  optim::momentum(a, b);
};
template <class D>
concept adamw_positional = requires(D a, D b) {
  optim::adamw(a, b);
};
template <class D>
concept sgd_positional = requires(D a, D b) {
  optim::sgd(a, b);
};
template <class D>
concept sgd_lr_only = requires(D a) {
  optim::sgd(a);
};
template <class D>
concept nesterov_positional = requires(D a, D b, D c) {
  optim::nesterov(a, b, c);
};
template <class D>
concept adam_positional = requires(D a, D b, D c) {
  optim::adam(a, b, c);
};
template <class D>
concept sign_sgd_positional = requires(D a, D b) {
  optim::sign_sgd(a, b);
};
template <class D>
concept egd_positional = requires(D a, D b) {
  optim::egd(a, b);
};
template <class D>
concept muon_positional = requires(D a, D b, D c) {
  optim::muon(a, b, c);
};
template <class D>
concept momentum_braced = requires(D a, D b) {
  optim::momentum({a, b});
};
template <class D>
concept momentum_braced_skip = requires(D a, D b) {
  optim::momentum({{}, a, b});
};
template <class D>
concept momentum_options_positional = requires(D a, D b) {
  optim::momentum_options{a, b};
};
template <class D>
concept adam_options_positional = requires(D a, D b, D c) {
  optim::adam_options{a, b, c};
};
template <class D>
concept sgd_options_positional = requires(D a) {
  optim::sgd_options{a};
};
template <class D>
concept scale_by_adam_positional = requires(D a, D b, D c) {
  optim::scale_by_adam{a, b, c};
};
template <class D>
concept momentum_named = requires(D a, D b) {
  optim::momentum({.lr = a, .beta = b});
};
template <class D>
concept scale_by_adam_named = requires(D a, D b) {
  optim::scale_by_adam{.beta1 = a, .beta2 = b};
};

TEST_CASE("optimizer factories take named options only", "[optim][misuse]") {
  // The old positional calls: momentum(0.05, 0.01) set beta = 0.01, adamw(0.01, 0.9) weight decay 0.9.
  STATIC_REQUIRE_FALSE(momentum_positional<double>);
  STATIC_REQUIRE_FALSE(adamw_positional<double>);
  STATIC_REQUIRE_FALSE(sgd_positional<double>);
  STATIC_REQUIRE_FALSE(sgd_lr_only<double>);
  STATIC_REQUIRE_FALSE(nesterov_positional<double>);
  STATIC_REQUIRE_FALSE(adam_positional<double>);
  STATIC_REQUIRE_FALSE(sign_sgd_positional<double>);
  STATIC_REQUIRE_FALSE(egd_positional<double>);
  STATIC_REQUIRE_FALSE(muon_positional<double>);
  // Nor positionally through the options aggregate, not even with a leading {}.
  STATIC_REQUIRE_FALSE(momentum_braced<double>);
  STATIC_REQUIRE_FALSE(momentum_braced_skip<double>);
  STATIC_REQUIRE_FALSE(momentum_options_positional<double>);
  STATIC_REQUIRE_FALSE(adam_options_positional<double>);
  STATIC_REQUIRE_FALSE(sgd_options_positional<double>);
  STATIC_REQUIRE_FALSE(scale_by_adam_positional<double>);
  STATIC_REQUIRE(momentum_named<double>);
  STATIC_REQUIRE(scale_by_adam_named<double>);

  // Every name means the same in every factory, and reaches the rule it names.
  const auto mom = optim::momentum({.lr = 0.05, .weight_decay = 0.01});
  CHECK(std::get<0>(mom.rules).decay == 0.01);
  CHECK(std::get<1>(mom.rules).beta == 0.9);
  CHECK_FALSE(std::get<1>(mom.rules).nesterov);
  CHECK(std::get<2>(mom.rules).factor == -0.05);
  const auto nest = optim::nesterov({.lr = 0.05, .beta = 0.8});
  CHECK((std::get<1>(nest.rules).beta == 0.8 && std::get<1>(nest.rules).nesterov));
  const auto adamw = optim::adamw({.lr = 0.01, .beta1 = 0.8, .beta2 = 0.99, .eps = 1e-6, .weight_decay = 0.1});
  CHECK(std::get<0>(adamw.rules).beta1 == 0.8);
  CHECK(std::get<0>(adamw.rules).beta2 == 0.99);
  CHECK(std::get<0>(adamw.rules).eps == 1e-6);
  CHECK(std::get<1>(adamw.rules).decay == 0.1);
  CHECK(std::get<2>(adamw.rules).factor == -0.01);
  CHECK(std::get<1>(optim::adamw({.lr = 0.01}).rules).decay == 0.01);
  const auto adam = optim::adam({.lr = 1e-3, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0.02});
  CHECK(std::get<0>(adam.rules).decay == 0.02);
  CHECK(std::get<1>(adam.rules).beta2 == 0.999);
  CHECK(std::get<2>(adam.rules).factor == -1e-3);
  const auto muon = optim::muon({.lr = 0.02, .weight_decay = 0.01});
  CHECK(std::get<0>(muon.rules).beta == 0.95);
  CHECK(std::get<2>(muon.rules).decay == 0.01);
  CHECK(std::get<3>(muon.rules).factor == -0.02);
  const auto sgd = optim::sgd({.lr = 0.1, .weight_decay = 0.01});
  CHECK((std::get<0>(sgd.rules).decay == 0.01 && std::get<1>(sgd.rules).factor == -0.1));
  const auto sign = optim::sign_sgd({.lr = 0.01, .weight_decay = 0.02});
  CHECK((std::get<1>(sign.rules).decay == 0.02 && std::get<2>(sign.rules).factor == -0.01));
  const auto egd = optim::egd({.lr = 0.1, .weight_decay = 0.03});
  CHECK((std::get<1>(egd.rules).decay == 0.03 && std::get<2>(egd.rules).factor == -0.1));
}

TEST_CASE("optimizer factories reject values out of range, naming them", "[optim][misuse]") {
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  CHECK(sutro::testing::thrown_message([] { (void)optim::sgd({}); }) ==
        "sutro::optim::sgd: lr must be positive and finite, got 0");
  CHECK(sutro::testing::thrown_message([] { (void)optim::sgd({.lr = -0.1}); }) ==
        "sutro::optim::sgd: lr must be positive and finite, got -0.1");
  CHECK(sutro::testing::thrown_message([&] { (void)optim::egd({.lr = nan}); }).find("sutro::optim::egd: lr") == 0);
  CHECK(sutro::testing::thrown_message([&] {
          (void)optim::sign_sgd({.lr = inf});
        }).find("sutro::optim::sign_sgd: lr") == 0);
  CHECK(sutro::testing::thrown_message([] { (void)optim::momentum({.lr = 0.05, .beta = 1.0}); }) ==
        "sutro::optim::momentum: beta must be in [0, 1), got 1");
  CHECK(sutro::testing::thrown_message([] { (void)optim::nesterov({.lr = 0.05, .beta = -0.5}); }) ==
        "sutro::optim::nesterov: beta must be in [0, 1), got -0.5");
  CHECK(sutro::testing::thrown_message([&] {
          (void)optim::muon({.lr = 0.02, .beta = nan});
        }).find("sutro::optim::muon: beta must be in [0, 1), got ") == 0);
  CHECK(sutro::testing::thrown_message([] { (void)optim::adam({.lr = 0.01, .beta1 = 1.5}); }) ==
        "sutro::optim::adam: beta1 must be in [0, 1), got 1.5");
  CHECK(sutro::testing::thrown_message([] { (void)optim::adamw({.lr = 0.01, .beta2 = 1.0}); }) ==
        "sutro::optim::adamw: beta2 must be in [0, 1), got 1");
  CHECK(sutro::testing::thrown_message([] { (void)optim::adam({.lr = 0.01, .eps = 0.0}); }) ==
        "sutro::optim::adam: eps must be positive and finite, got 0");
  CHECK(sutro::testing::thrown_message([] { (void)optim::sgd({.lr = 0.1, .weight_decay = -0.01}); }) ==
        "sutro::optim::sgd: weight_decay must be >= 0 and finite, got -0.01");
  CHECK(sutro::testing::thrown_message([&] { (void)optim::adamw({.lr = 0.01, .weight_decay = inf}); }) ==
        "sutro::optim::adamw: weight_decay must be >= 0 and finite, got inf");
  // The edges that are fine.
  CHECK_NOTHROW(optim::momentum({.lr = 1e-9, .beta = 0.0}));
  CHECK_NOTHROW(optim::adam({.lr = 1.0, .beta1 = 0.0, .beta2 = 0.999999}));
}

namespace {
template <class Opt>
void check_foreign_state(const char* name, const Opt& opt) {
  INFO(name);
  nn::mlp<float> small({.inputs = 10, .hidden = {30}}, 1), big({.inputs = 20, .hidden = {200}}, 2),
      deep({.inputs = 20, .hidden = {200, 8}}, 3);
  auto state = opt.init(small.params());
  for (auto* other : {&big, &deep}) {
    const std::vector<float> before(other->flat_params().begin(), other->flat_params().end());
    const std::string msg =
        sutro::testing::thrown_message([&] { optim::step(opt, state, other->grads(), other->params()); });
    CHECK(msg.find("optimizer state built for shapes [(10 x 30), (1 x 30), (30 x 1), (1 x 1)]") != std::string::npos);
    CHECK(msg.find("updates have shapes [(20 x 200), (1 x 200), ") != std::string::npos);
    CHECK(msg.find("sutro::optim::") == 0);
    // Thrown before any write.
    CHECK(std::equal(before.begin(), before.end(), other->flat_params().begin()));
  }
  CHECK_NOTHROW(optim::step(opt, state, small.grads(), small.params()));
}
}  // namespace

TEST_CASE("a state built for another network throws, naming both shapes", "[optim][misuse]") {
  check_foreign_state("sgd", optim::sgd({.lr = 0.1}));
  check_foreign_state("momentum", optim::momentum({.lr = 0.1}));
  check_foreign_state("nesterov", optim::nesterov({.lr = 0.1}));
  check_foreign_state("adam", optim::adam({.lr = 0.01}));
  check_foreign_state("adamw", optim::adamw({.lr = 0.01}));
  check_foreign_state("sign_sgd", optim::sign_sgd({.lr = 0.01}));
  check_foreign_state("egd", optim::egd({.lr = 0.1}));
  check_foreign_state("muon", optim::muon({.lr = 0.02}));
  // The buffer-holding rules on their own, outside a chain.
  check_foreign_state("accumulate_momentum", optim::accumulate_momentum{0.9, false});
  check_foreign_state("scale_by_adam", optim::scale_by_adam{});

  // The fused path nn::train takes checks too.
  nn::mlp<float> a({.inputs = 10, .hidden = {30}}, 1), b({.inputs = 20, .hidden = {200}}, 2);
  const auto opt = optim::momentum({.lr = 0.1});
  auto state = opt.init(a.params());
  const std::string msg = sutro::testing::thrown_message([&] { opt.update_and_apply(b.grads(), state, b.params()); });
  CHECK(msg.find("sutro::optim::chain::update_and_apply: optimizer state built for shapes [(10 x 30)") == 0);
  CHECK(msg.find("updates have shapes [(20 x 200)") != std::string::npos);
}

TEST_CASE("sign-like rules keep NaN so that divergence shows", "[optim][misuse]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> g{nan, 2.0f, -3.0f, 0.0f}, p(4, 0.0f);
  const std::vector<optim::tensor_ref<float>> gv{{g.data(), 1, 4}}, pv{{p.data(), 1, 4}};
  const optim::scale_by_sign sign;
  auto s = sign.init(optim::tensors<float>(pv));
  sign.update(optim::tensors<float>(gv), s, optim::tensors<float>(pv));
  CHECK(std::isnan(g[0]));
  CHECK((g[1] == 1.0f && g[2] == -1.0f && g[3] == 0.0f));
  CHECK(std::isnan(sign.map(nan, 0.0f)));

  // EGD: a NaN anywhere in a matrix, vector or scalar gradient gives NaN directions.
  std::vector<float> W(6, 1.0f), b(3, 1.0f), c(1, nan), PW(6), Pb(3), Pc(1);
  W[4] = nan;
  b[1] = std::numeric_limits<float>::infinity();
  const std::vector<optim::tensor_ref<float>> u{{W.data(), 2, 3}, {b.data(), 1, 3}, {c.data(), 1, 1}},
      q{{PW.data(), 2, 3}, {Pb.data(), 1, 3}, {Pc.data(), 1, 1}};
  const optim::scale_by_egd egd;
  auto ws = egd.init(optim::tensors<float>(q));
  egd.update(optim::tensors<float>(u), ws, optim::tensors<float>(q));
  for (float v : W) CHECK(std::isnan(v));
  CHECK(!std::isfinite(b[0] + b[1] + b[2]));
  CHECK(std::isnan(c[0]));
}

TEST_CASE("sign, clip and EGD turn an infinite gradient into NaN, not a finite step", "[optim][misuse]") {
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> g{inf, -inf, 1.0f}, p(3, 0.0f);
  const std::vector<optim::tensor_ref<float>> gv{{g.data(), 1, 3}}, pv{{p.data(), 1, 3}};
  const optim::scale_by_sign sign;
  auto s = sign.init(optim::tensors<float>(pv));
  sign.update(optim::tensors<float>(gv), s, optim::tensors<float>(pv));
  CHECK((std::isnan(g[0]) && std::isnan(g[1]) && g[2] == 1.0f));
  CHECK(std::isnan(sign.map(-inf, 0.0f)));

  std::vector<float> h{inf, -inf, 2.0f, -0.25f};
  const std::vector<optim::tensor_ref<float>> hv{{h.data(), 1, 4}}, qv{{p.data(), 1, 3}};
  const optim::clip clip{0.5};
  auto cs = clip.init(optim::tensors<float>(hv));
  clip.update(optim::tensors<float>(hv), cs, optim::tensors<float>(hv));
  CHECK((std::isnan(h[0]) && std::isnan(h[1]) && h[2] == 0.5f && h[3] == -0.25f));
  CHECK(std::isnan(clip.map(inf, 0.0f)));

  for (const float bad : {inf, -inf}) {  // EGD's scalar bias: sign(g)
    std::vector<float> c{bad}, pc{0.0f};
    const std::vector<optim::tensor_ref<float>> cv{{c.data(), 1, 1}}, pcv{{pc.data(), 1, 1}};
    const optim::scale_by_egd egd;
    auto ws = egd.init(optim::tensors<float>(pcv));
    egd.update(optim::tensors<float>(cv), ws, optim::tensors<float>(pcv));
    CHECK(std::isnan(c[0]));
  }
}

TEST_CASE("polar_factor and scale_by_egd refuse an rcond below what the Gram route resolves", "[optim][misuse]") {
  nn::tensor<float> g(4, 3);
  for (std::size_t i = 0; i < g.size(); ++i) g.data()[i] = static_cast<float>(i % 5) - 2.0f;
  sutro::optim::polar_workspace ws;
  for (double bad : {0.0, 1e-10, 9.9e-8}) {
    INFO("rcond " << bad);
    CHECK(sutro::testing::thrown_message([&] {
            (void)sutro::optim::polar_factor(g.ref(), ws, bad);
          }).find("sutro::optim::polar_factor: rcond must be in [1e-7, 1) (negative for the default), got ") == 0);
  }
  CHECK(sutro::optim::polar_factor(g.ref(), ws, 1e-7) == 3);
  // scale_by_egd says so when it is built into a state, before any update.
  nn::mlp<float> net({.inputs = 3, .hidden = {4}}, 1);
  for (double bad : {2.0, 0.0, std::numeric_limits<double>::quiet_NaN()})
    CHECK(sutro::testing::thrown_message([&] {
            (void)optim::scale_by_egd{.rcond = bad}.init(net.params());
          }).find("sutro::optim::scale_by_egd: rcond must be in [1e-7, 1)") == 0);
  (void)optim::scale_by_egd{.rcond = 1e-6}.init(net.params());
}

TEST_CASE("clip and clip_by_global_norm refuse bounds that are not positive and finite", "[optim][misuse]") {
  nn::mlp<float> net({.inputs = 3, .hidden = {4}}, 1);
  for (double bad : {-1.0, 0.0, std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity()}) {
    INFO("bound " << bad);
    CHECK(sutro::testing::thrown_message([&] {
            (void)optim::clip{bad}.init(net.params());
          }).find("sutro::optim::clip: max_abs must be positive and finite, got ") == 0);
    CHECK(sutro::testing::thrown_message([&] {
            (void)optim::clip_by_global_norm{bad}.init(net.params());
          }).find("sutro::optim::clip_by_global_norm: max_norm must be positive and finite, got ") == 0);
    CHECK_THROWS_AS(optim::chain(optim::clip_by_global_norm{bad}, optim::scale{-0.1}).init(net.params()),
                    std::invalid_argument);
  }
  (void)optim::clip{0.5}.init(net.params());
}

TEST_CASE("polar_factor refuses an rcond that would cut every singular value", "[optim][misuse]") {
  nn::tensor<float> g(4, 3);
  for (std::size_t i = 0; i < g.size(); ++i) g.data()[i] = static_cast<float>(i % 5) - 2.0f;
  sutro::optim::polar_workspace ws;
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), 1.0, 2.0, std::numeric_limits<double>::infinity()}) {
    INFO("rcond " << bad);
    CHECK(sutro::testing::thrown_message([&] {
            (void)sutro::optim::polar_factor(g.ref(), ws, bad);
          }).find("sutro::optim::polar_factor: rcond must be in [1e-7, 1)") == 0);
  }
  CHECK(sutro::optim::polar_factor(g.ref(), ws, -1.0) == 3);  // rows (-2 -1 0) (1 2 -2) (-1 0 1) (2 -2 -1): full rank
}

TEST_CASE("the building blocks refuse options their factories refuse, with the same words", "[optim][misuse]") {
  nn::mlp<float> net({.inputs = 3, .hidden = {4}}, 1);
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  auto message = [&](const auto& rule) {
    return sutro::testing::thrown_message([&] { (void)rule.init(net.params()); });
  };
  CHECK(message(optim::scale_by_adam{.beta1 = 1.0}) == "sutro::optim::scale_by_adam: beta1 must be in [0, 1), got 1");
  CHECK(message(optim::scale_by_adam{.beta2 = -0.5}) ==
        "sutro::optim::scale_by_adam: beta2 must be in [0, 1), got -0.5");
  CHECK(message(optim::scale_by_adam{.eps = 0.0}) ==
        "sutro::optim::scale_by_adam: eps must be positive and finite, got 0");
  CHECK(message(optim::accumulate_momentum{nan}) ==
        "sutro::optim::accumulate_momentum: beta must be in [0, 1), got nan");
  CHECK(message(optim::add_decayed_weights{nan}) ==
        "sutro::optim::add_decayed_weights: decay must be >= 0 and finite, got nan");
  CHECK(message(optim::add_decayed_weights{-0.1}) ==
        "sutro::optim::add_decayed_weights: decay must be >= 0 and finite, got -0.1");
  CHECK(message(optim::scale{inf}) == "sutro::optim::scale: factor must be finite, got inf");
  CHECK_THROWS_AS(optim::chain(optim::scale_by_adam{.beta1 = 1.0}, optim::scale{-0.1}).init(net.params()),
                  std::invalid_argument);
  // The factories say the same: one set of rules.
  CHECK(sutro::testing::thrown_message([] { (void)optim::adam({.lr = 0.1, .beta1 = 1.0}); }) ==
        "sutro::optim::adam: beta1 must be in [0, 1), got 1");
  (void)optim::chain(optim::scale_by_adam{}, optim::add_decayed_weights{0.01}, optim::scale{-1e-3}).init(net.params());
}

TEST_CASE("options finite as doubles but past float's range, and cosine floors outside [0, 1], are refused",
          "[optim][misuse]") {
  nn::mlp<float> net({.inputs = 3, .hidden = {4}}, 1);
  // lr = 1e39 passed "positive and finite" and became -inf as a float scale.
  CHECK(sutro::testing::thrown_message([&] { (void)optim::sgd({.lr = 1e39}).init(net.params()); }) ==
        "sutro::optim::scale: factor must be within the parameters' floating type's range, got -1e+39");
  CHECK_THROWS_AS(optim::sgd({.lr = 0.1, .weight_decay = 1e39}).init(net.params()), std::invalid_argument);
  nn::mlp<double> wide({.inputs = 3, .hidden = {4}}, 1);
  (void)optim::sgd({.lr = 1e39}).init(wide.params());  // a double fits
  for (double bad : {std::numeric_limits<double>::quiet_NaN(), -0.1, 1.5})
    CHECK(sutro::testing::thrown_message([&] {
            (void)optim::cosine_decay(10, bad);
          }).find("sutro::optim::cosine_decay: floor must be in [0, 1], got ") == 0);
  CHECK(optim::cosine_decay(10, 0.25)(10) == Approx(0.25));
}

TEST_CASE("options that would round to 0 in the parameters' type are refused", "[optim][misuse]") {
  nn::mlp<float> net({.inputs = 3, .hidden = {4}}, 1);
  // eps = 1e-50 became 0 as a float: a parameter with a zero gradient got 0 / 0.
  CHECK(sutro::testing::thrown_message([&] { (void)optim::adam({.lr = 0.01, .eps = 1e-50}).init(net.params()); }) ==
        "sutro::optim::scale_by_adam: eps must be nonzero in the parameters' floating type (it rounds to 0), got "
        "1e-50");
  // lr = 1e-50 became a scale of -0: training "trained" and changed nothing.
  CHECK(sutro::testing::thrown_message([&] {
          (void)optim::sgd({.lr = 1e-50}).init(net.params());
        }).find("sutro::optim::scale: factor must be nonzero in the parameters' floating type") == 0);
  CHECK_THROWS_AS(optim::sgd({.lr = 0.1, .weight_decay = 1e-50}).init(net.params()), std::invalid_argument);
  nn::mlp<double> wide({.inputs = 3, .hidden = {4}}, 1);
  (void)optim::adam({.lr = 0.01, .eps = 1e-50}).init(wide.params());  // a double holds it
  (void)optim::sgd({.lr = 1e-40}).init(net.params());                 // a float subnormal is not 0
}

TEST_CASE("betas below 1 as doubles that round to 1 in the parameters' type are refused", "[optim][misuse]") {
  nn::mlp<float> net({.inputs = 3, .hidden = {4}}, 1);
  const double near_one = 0.99999999;  // in [0, 1), but 1.0f as a float
  // 1 - beta2 = 0 in float leaves v at 0, so every step would be m / eps
  // (three steps of lr 1e-3 moved a weight by 1.5e5; PyTorch moves it by 3e-3).
  CHECK(
      sutro::testing::thrown_message([&] { (void)optim::adam({.lr = 1e-3, .beta2 = near_one}).init(net.params()); }) ==
      "sutro::optim::scale_by_adam: beta2 must be below 1 in the parameters' floating type (it rounds to 1), "
      "got 0.99999999");
  CHECK(sutro::testing::thrown_message([&] {
          (void)optim::adamw({.lr = 1e-3, .beta1 = near_one}).init(net.params());
        }).find("sutro::optim::scale_by_adam: beta1 must be below 1") == 0);
  // Momentum with beta 1.0f never decays: the refused beta = 1.
  for (const auto& message :
       {sutro::testing::thrown_message(
            [&] { (void)optim::momentum({.lr = 0.1, .beta = near_one}).init(net.params()); }),
        sutro::testing::thrown_message(
            [&] { (void)optim::nesterov({.lr = 0.1, .beta = near_one}).init(net.params()); }),
        sutro::testing::thrown_message([&] { (void)optim::muon({.lr = 0.1, .beta = near_one}).init(net.params()); })})
    CHECK(message.find("sutro::optim::accumulate_momentum: beta must be below 1 in the parameters' floating type") ==
          0);
  CHECK(sutro::testing::thrown_message([&] {
          (void)optim::chain(optim::grokfast({.alpha = near_one}), optim::scale{-0.1}).init(net.params());
        }).find("sutro::optim::grokfast: alpha must be below 1 in the parameters' floating type") == 0);
  nn::mlp<double> wide({.inputs = 3, .hidden = {4}}, 1);
  (void)optim::adam({.lr = 1e-3, .beta1 = near_one, .beta2 = near_one}).init(wide.params());  // a double holds it
  (void)optim::momentum({.lr = 0.1, .beta = near_one}).init(wide.params());
  (void)optim::adam({.lr = 1e-3, .beta2 = 0.9999999}).init(net.params());  // 0.99999988f: below 1
}

TEST_CASE("Adam whose second moment overflows the parameters' type gives NaN, not a frozen zero step",
          "[optim][misuse]") {
  sutro::nn::mlp<float> net({.inputs = 3, .hidden = {4}}, 1);
  auto opt = optim::adam({.lr = 1e-3});
  auto state = opt.init(net.params());
  for (auto& g : net.flat_grads()) g = 0.0f;
  net.flat_grads()[0] = 1e21f;  // finite; its square is not
  const float second = net.flat_params()[1];
  optim::step(opt, state, net.grads(), net.params());
  CHECK(std::isnan(net.flat_params()[0]));
  CHECK(net.flat_params()[1] == second);  // a zero gradient's step stays 0
}

// The element loops may run in an FMA copy (target_clones), through which
// GCC 12 cannot unwind: the shape checks must throw before a loop is entered,
// and the error must reach the caller's catch.
TEST_CASE("a state built for another network throws from update, caught in the caller", "[optim][misuse]") {
  sutro::nn::mlp<float> small({.inputs = 4, .hidden = {3}}, 1), big({.inputs = 20, .hidden = {50}}, 1);
  int caught = 0;
  try {
    auto rule = optim::grokfast({});
    auto state = rule.init(small.params());
    rule.update(big.grads(), state, big.params());
  } catch (const std::invalid_argument&) {
    ++caught;
  }
  try {
    auto rule = optim::adam({.lr = 1e-3});
    auto state = rule.init(small.params());
    optim::step(rule, state, big.grads(), big.params());
  } catch (const std::invalid_argument&) {
    ++caught;
  }
  try {
    auto rule = optim::momentum({.lr = 0.1});
    auto state = rule.init(small.params());
    rule.update_and_apply(big.grads(), state, big.params());
  } catch (const std::invalid_argument&) {
    ++caught;
  }
  CHECK(caught == 3);
}
