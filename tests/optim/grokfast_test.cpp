// GrokFast's EMA transform: two steps computed by hand, random tensors of
// sizes 0, 1, 63, 64, 65 against the formula written out, raw against
// recorded, composition with SGD inside nn::train, and its errors.
#include <cmath>
#include <cstddef>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "sutro/memory/trace.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/recorded_mlp.hpp"
#include "sutro/nn/scalar/fma.hpp"
#include "sutro/nn/task_data.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/optim/grokfast.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/tasks/sparse_task.hpp"

#if defined(SUTRO_CATCH2_V3)
using Catch::Approx;
#endif

namespace nn = sutro::nn;
namespace optim = sutro::optim;
namespace mem = sutro::memory;

static_assert(optim::gradient_transformation<optim::scale_by_grokfast, float>);
static_assert(optim::runs_under<optim::scale_by_grokfast, double, mem::recording_access>);

namespace {
template <class T>
struct layers {
  std::vector<T> p, g;
  std::vector<nn::tensor_ref<T>> P, G;
  // One tensor per (rows x cols) shape, packed into p and g.
  explicit layers(const std::vector<std::pair<std::size_t, std::size_t>>& shapes) {
    std::size_t total = 0;
    for (auto [r, c] : shapes) total += r * c;
    p.assign(total, T(0));
    g.assign(total, T(0));
    std::size_t off = 0;
    for (auto [r, c] : shapes) {
      P.push_back({p.data() + off, r, c});
      G.push_back({g.data() + off, r, c});
      off += r * c;
    }
  }
  [[nodiscard]] optim::tensors<T> params() const { return P; }
  [[nodiscard]] optim::tensors<T> grads() const { return G; }
};

std::string message_of(const std::invalid_argument& e) { return e.what(); }
}  // namespace

TEST_CASE("grokfast: two steps by hand", "[optim][grokfast]") {
  // alpha 0.5, lambda 2 keep every value exact in binary:
  // step 1, g = 1: ema = 0.5 * 0 + 0.5 * 1 = 0.5, u = 1 + 2 * 0.5 = 2
  // step 2, g = 3: ema = 0.5 * 0.5 + 0.5 * 3 = 1.75, u = 3 + 2 * 1.75 = 6.5
  layers<double> t({{1, 1}});
  const auto rule = optim::grokfast({.alpha = 0.5, .lambda = 2.0});
  auto s = rule.init(t.params());
  t.g[0] = 1.0;
  rule.update(t.grads(), s, t.params());
  CHECK(t.g[0] == 2.0);
  CHECK(s.ema[0][0] == 0.5);
  t.g[0] = 3.0;
  rule.update(t.grads(), s, t.params());
  CHECK(t.g[0] == 6.5);
  CHECK(s.ema[0][0] == 1.75);

  // The group's setting, alpha 0.98, lambda 2, through SGD lr 0.1, wd 0.01 on W = 1:
  // step 1, g = 1: ema = 0.02, u = 1.04, W = 1 - 0.1 (1.04 + 0.01) = 0.895
  // step 2, g = -1: ema = 0.98 * 0.02 - 0.02 = -0.0004, u = -1.0008,
  //         W = 0.895 - 0.1 (-1.0008 + 0.00895) = 0.994185
  layers<double> w({{1, 1}});
  w.p[0] = 1.0;
  const auto opt = optim::chain(optim::grokfast({.alpha = 0.98, .lambda = 2.0}), optim::add_decayed_weights{0.01},
                                optim::scale{-0.1});
  auto os = opt.init(w.params());
  w.g[0] = 1.0;
  optim::step(opt, os, w.grads(), w.params());
  CHECK(w.p[0] == Approx(0.895).epsilon(1e-14));
  w.g[0] = -1.0;
  optim::step(opt, os, w.grads(), w.params());
  CHECK(w.p[0] == Approx(0.994185).epsilon(1e-14));
  CHECK(std::get<0>(os.rules).ema[0][0] == Approx(-0.0004).epsilon(1e-12));
}

TEST_CASE("grokfast: random tensors of sizes 0, 1, 63, 64, 65 against the formula", "[optim][grokfast]") {
  using nn::kernels::any::fmadd;  // the rounding of the build's raw a * b + c, as the rule's
  std::mt19937_64 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (std::size_t n : {0u, 1u, 63u, 64u, 65u}) {
    INFO("size " << n);
    layers<float> t({{n, 1}, {1, n}, {n, 3}, {1, 1}});
    const auto rule = optim::grokfast({.alpha = 0.9, .lambda = 1.5});
    auto s = rule.init(t.params());
    std::vector<float> ema(t.g.size(), 0.0f);
    const float a = 0.9f, oma = static_cast<float>(1.0 - 0.9), lam = 1.5f;
    for (int step = 0; step < 3; ++step) {
      for (auto& v : t.g) v = normal(rng);
      std::vector<float> want(t.g.size());
      for (std::size_t i = 0; i < t.g.size(); ++i) {
        ema[i] = fmadd(a, ema[i], oma * t.g[i]);
        want[i] = fmadd(lam, ema[i], t.g[i]);
      }
      rule.update(t.grads(), s, t.params());
      std::size_t differ = 0, off = 0;
      for (std::size_t l = 0; l < t.G.size(); ++l)
        for (std::size_t i = 0; i < t.G[l].size(); ++i, ++off)
          differ += t.g[off] != want[off] || s.ema[l][i] != ema[off];
      CHECK(differ == 0);
    }
  }
}

TEST_CASE("grokfast: recorded update equals the raw one and records every element", "[optim][grokfast][recorded]") {
  std::mt19937_64 rng(9);
  std::normal_distribution<double> normal(0.0, 1.0);
  layers<double> raw({{65, 3}, {1, 3}, {1, 1}}), rec({{65, 3}, {1, 3}, {1, 1}});
  const auto rule = optim::grokfast({.alpha = 0.98, .lambda = 2.0});
  auto sr = rule.init(raw.params());
  auto sc = rule.init(rec.params());
  mem::trace trace;
  for (int step = 0; step < 2; ++step) {
    for (std::size_t i = 0; i < raw.g.size(); ++i) raw.g[i] = rec.g[i] = normal(rng);
    rule.update(raw.grads(), sr, raw.params());
    rule.update(rec.grads(), sc, rec.params(), mem::recording_access{&trace});
  }
  CHECK(raw.g == rec.g);
  // Per element and step: the gradient and the EMA read, both written.
  const std::size_t elements = raw.g.size();
  CHECK(trace.reads() == 2 * 2 * elements);
  CHECK(trace.writes() == 2 * 2 * elements);
}

TEST_CASE("grokfast composes with SGD in nn::train and records bit for bit", "[optim][grokfast]") {
  const auto task = sutro::tasks::sparse_parity(12, 3, 4);
  const auto train = nn::to_dataset<float>(task.packed(sutro::tasks::split::train, 160));
  const auto test = nn::to_dataset<float>(task.packed(sutro::tasks::split::test, 64));
  const nn::mlp_config cfg{.inputs = 12, .hidden = {24}};
  const nn::train_options opt{.epochs = 3, .batch = 16, .seed = 3, .stop_when_solved = false};
  const auto rule = optim::chain(optim::grokfast({.alpha = 0.98, .lambda = 2.0}), optim::add_decayed_weights{0.01},
                                 optim::scale{-0.1});
  nn::mlp<float> raw(cfg, 11), rec(cfg, 11), plain(cfg, 11);
  const auto r = nn::train(raw, rule, train.view(), test.view(), opt);
  mem::trace t;
  const auto tr = nn::train_recorded(rec, rule, train.view(), test.view(), opt, t, 1);
  CHECK(tr.update_recorded);
  CHECK(tr.result.steps == r.steps);
  // The filter changes the trajectory: the same run without it ends elsewhere.
  nn::train(plain, optim::sgd({.lr = 0.1, .weight_decay = 0.01}), train.view(), test.view(), opt);
  std::size_t differ_rec = 0, differ_plain = 0;
  for (std::size_t i = 0; i < raw.parameter_count(); ++i) {
    const float a = raw.flat_params()[i], b = rec.flat_params()[i];
#if defined(NDEBUG)
    differ_rec += a != b;
#else  // the -O1 sanitizer build contracts the raw kernels differently (tests/optim/recorded_test.cpp)
    differ_rec += !(a == b || std::fabs(a - b) <= 1e-3f * (std::fabs(a) + std::fabs(b)) + 1e-5f);
#endif
    differ_plain += a != plain.flat_params()[i];
  }
  CHECK(differ_rec == 0);
  CHECK(differ_plain > raw.parameter_count() / 2);
}

TEST_CASE("grokfast: options out of range and foreign states throw with the prefix", "[optim][grokfast]") {
  const auto bad = [](double alpha, double lambda) {
    try {
      (void)optim::grokfast({.alpha = alpha, .lambda = lambda});
    } catch (const std::invalid_argument& e) {
      return message_of(e);
    }
    return std::string();
  };
  CHECK(bad(1.0, 2.0) == "sutro::optim::grokfast: alpha must be in [0, 1), got 1");
  CHECK(bad(-0.1, 2.0) == "sutro::optim::grokfast: alpha must be in [0, 1), got -0.1");
  CHECK(bad(std::nan(""), 2.0).rfind("sutro::optim::grokfast: alpha", 0) == 0);
  CHECK(bad(0.98, INFINITY) == "sutro::optim::grokfast: lambda must be finite, got inf");
  CHECK(bad(0.0, -1.0).empty());  // alpha 0 (no smoothing) and a negative lambda are allowed
  const auto rule = optim::grokfast();
  CHECK(rule.alpha() == 0.98);
  CHECK(rule.lambda() == 2.0);

  layers<float> a({{3, 2}}), b({{2, 3}});
  // Finite as doubles, but inf or 0 as floats: refused for float parameters, as scale's factor is.
  const auto init_message = [&](double lambda) {
    try {
      (void)optim::grokfast({.lambda = lambda}).init(a.params());
    } catch (const std::invalid_argument& e) {
      return message_of(e);
    }
    return std::string();
  };
  CHECK(init_message(1e39) ==
        "sutro::optim::grokfast: lambda must be within the parameters' floating type's range, "
        "got 1e+39");
  CHECK(init_message(-1e39).rfind("sutro::optim::grokfast: lambda must be within", 0) == 0);
  CHECK(init_message(1e-50).rfind("sutro::optim::grokfast: lambda must be nonzero in the parameters' floating type",
                                  0) == 0);
  CHECK(init_message(0.0).empty());
  layers<double> wide({{3, 2}});
  CHECK_NOTHROW(optim::grokfast({.lambda = 1e39}).init(wide.params()));
  auto s = rule.init(a.params());
  CHECK_THROWS_AS(rule.update(b.grads(), s, b.params()), std::invalid_argument);
  try {
    rule.update(b.grads(), s, b.params());
  } catch (const std::invalid_argument& e) {
    CHECK(message_of(e).rfind("sutro::optim::grokfast::update: ", 0) == 0);
  }
}
