#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "support/catch.hpp"
#include "sutro/memory/stats.hpp"
#include "sutro/nn/init.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/task_data.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/tasks/sparse_task.hpp"

#if defined(SUTRO_CATCH2_V3)
using Catch::Approx;
#endif

namespace nn = sutro::nn;
namespace optim = sutro::optim;
namespace tasks = sutro::tasks;

TEST_CASE("mlp shapes, parameter views and bad input", "[nn][mlp]") {
  nn::mlp<float> net({.inputs = 20, .hidden = {200}}, 1);
  const auto p = net.params();
  REQUIRE(p.size() == 4);
  CHECK((p[0].rows == 20 && p[0].cols == 200 && p[0].kind() == nn::param_kind::matrix));
  CHECK((p[0].fan_in() == 20 && p[0].fan_out() == 200));
  CHECK(p[1].kind() == nn::param_kind::vector);
  CHECK((p[2].rows == 200 && p[2].cols == 1));
  CHECK(p[3].kind() == nn::param_kind::scalar);
  CHECK(net.parameter_count() == 20 * 200 + 200 + 200 + 1);
  CHECK(reinterpret_cast<std::uintptr_t>(net.flat_params().data()) % 64 == 0);

  CHECK_THROWS_AS(nn::mlp<float>({.inputs = 20, .hidden = {}}), std::invalid_argument);
  CHECK_THROWS_AS(nn::mlp<float>({.inputs = 20, .hidden = {4, 4, 4}}), std::invalid_argument);
  CHECK_THROWS_AS(nn::mlp<float>({.inputs = 0, .hidden = {4}}), std::invalid_argument);
  std::vector<float> x(10 * 19), out(10);
  try {
    net.forward(x, 10, out);
    FAIL("no throw");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("10 x 20") != std::string::npos);
  }
  std::vector<float> y(3);
  CHECK_THROWS_AS(nn::dataset_view<float>(x, y, 20), std::invalid_argument);
}

TEST_CASE("initializations have the documented statistics", "[nn][init]") {
  std::mt19937_64 rng(9);
  nn::tensor<double> w(400, 50);
  nn::initialize(w.ref(), nn::init::he_normal(), rng);
  double sq = 0;
  for (double v : w.ref().span()) sq += v * v;
  CHECK(sq / static_cast<double>(w.size()) == Approx(2.0 / 50).epsilon(0.05));
  nn::initialize(w.ref(), nn::init::uniform(0.3), rng);
  for (double v : w.ref().span()) CHECK(std::abs(v) <= 0.3);
  nn::initialize(w.ref(nn::layout::out_in), nn::init::sparse(4), rng);
  for (std::size_t r = 0; r < w.rows(); ++r) {
    int nz = 0;
    for (std::size_t c = 0; c < w.cols(); ++c) nz += w(r, c) != 0.0;
    CHECK(nz == 4);
  }
  nn::tensor<float> t(20, 30);  // in_out: 30 units of 20 inputs each
  nn::initialize(t.ref(nn::layout::in_out), nn::init::sparse(3), rng);
  for (std::size_t c = 0; c < t.cols(); ++c) {
    int nz = 0;
    for (std::size_t r = 0; r < t.rows(); ++r) nz += t(r, c) != 0.0f;
    CHECK(nz == 3);
  }
  CHECK_THROWS_AS(nn::initialize(t.ref(nn::layout::in_out), nn::init::sparse(21), rng), std::invalid_argument);
}

TEST_CASE("training is deterministic for a fixed seed and steps allocate nothing", "[nn][train]") {
  const auto task = tasks::sparse_parity(20, 3, 7);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, 300));
  const auto test = nn::to_dataset<float>(task.packed(tasks::split::test, 100));
  const nn::train_options opts{.epochs = 3, .batch = 32, .seed = 5, .stop_when_solved = false};
  auto run = [&] {
    nn::mlp<float> net({.inputs = 20, .hidden = {64}}, 3);
    auto r = nn::train(net, optim::egd({.lr = 0.1, .weight_decay = 0.01}), train.view(), test.view(), opts);
    return std::pair{std::vector<float>(net.flat_params().begin(), net.flat_params().end()), r};
  };
  const auto [a, ra] = run();
  const auto [b, rb] = run();
  CHECK(a == b);
  CHECK(ra.test_accuracy == rb.test_accuracy);
  CHECK(ra.epochs == 3);
  CHECK(ra.steps == 3 * 10);  // 300 rows: 9 full batches of 32 and one of 12

  // After the first step, no allocation through the network's allocator.
  nn::mlp<float> net({.inputs = 20, .hidden = {64}}, 3);
  std::vector<float> x(train.x.begin(), train.x.begin() + 32 * 20), y(train.y.begin(), train.y.begin() + 32);
  auto opt = optim::muon({.lr = 0.02});
  auto state = opt.init(net.params());
  net.loss_and_gradient(x, y, 32, nn::loss::hinge);
  optim::step(opt, state, net.grads(), net.params());
  const auto before = sutro::memory::default_stats().snapshot();
  for (int i = 0; i < 3; ++i) {
    net.loss_and_gradient(x, y, 32, nn::loss::hinge);
    optim::step(opt, state, net.grads(), net.params());
  }
  CHECK(sutro::memory::default_stats().snapshot().allocations == before.allocations);
}

TEST_CASE("divergence stops training with status diverged", "[nn][train]") {
  const auto task = tasks::sparse_sum(20, 3, 7);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, 200));
  const auto test = nn::to_dataset<float>(task.packed(tasks::split::test, 50));
  nn::mlp<float> net({.inputs = 20, .hidden = {32}}, 3);
  const auto r = nn::train(net, optim::sgd({.lr = 50.0}), train.view(), test.view(),
                           {.epochs = 50, .loss_kind = nn::loss::mse, .target = nn::target_kind::regression});
  CHECK(r.status == nn::train_status::diverged);
  CHECK(r.epochs < 50);
  // NaN planted in a weight is caught too.
  nn::mlp<float> bad({.inputs = 20, .hidden = {32}}, 3);
  bad.flat_params()[5] = std::numeric_limits<float>::quiet_NaN();
  CHECK(nn::train(bad, optim::sgd({.lr = 0.1}), train.view(), test.view(),
                  {.epochs = 5, .loss_kind = nn::loss::mse, .target = nn::target_kind::regression})
            .status == nn::train_status::diverged);
}

TEST_CASE("callbacks: early stop really stops, per-step stop, logging", "[nn][train]") {
  const auto task = tasks::sparse_parity(20, 3, 42);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, 1000));
  const auto test = nn::to_dataset<float>(task.packed(tasks::split::test, 200));
  nn::mlp<float> net({.inputs = 20, .hidden = {200}}, 1);
  std::size_t epochs_seen = 0;
  nn::callbacks cb;
  cb.on_epoch = [&](const nn::epoch_info& e) {
    ++epochs_seen;
    return e.epoch == 2 ? nn::action::stop : nn::action::proceed;
  };
  std::ostringstream log;
  cb.log = &log;
  auto r = nn::train(net, optim::sgd({.lr = 0.1, .weight_decay = 0.01}), train.view(), test.view(), {.epochs = 50}, cb);
  CHECK(r.status == nn::train_status::stopped);
  CHECK(r.epochs == 2);
  CHECK(epochs_seen == 2);
  CHECK(log.str().find("epoch 2") != std::string::npos);

  std::size_t steps = 0;
  nn::callbacks by_step;
  by_step.on_step = [&](const nn::step_info& s) {
    ++steps;
    return s.step == 4 ? nn::action::stop : nn::action::proceed;
  };
  net.reinitialize(1);
  r = nn::train(net, optim::sgd({.lr = 0.1}), train.view(), test.view(), {.epochs = 50}, by_step);
  CHECK(steps == 5);
  CHECK(r.steps == 5);

  // Solving stops at the first epoch whose test accuracy reaches the target.
  net.reinitialize(1);
  r = nn::train(net, optim::egd({.lr = 0.1, .weight_decay = 0.01}), train.view(), test.view(),
                {.epochs = 100, .seed = 1});
  REQUIRE(r.status == nn::train_status::solved);
  CHECK(r.epochs == *r.epochs_to_solve);
  CHECK(r.test_accuracy >= 0.95);
  CHECK(*r.epochs_to_milestone <= *r.epochs_to_solve);
}

TEST_CASE("float64 networks train with every built-in rule, 2 hidden layers too", "[nn][train]") {
  const auto task = tasks::sparse_parity(10, 2, 3);
  const auto train = nn::to_dataset<double>(task.packed(tasks::split::train, 200));
  const auto test = nn::to_dataset<double>(task.packed(tasks::split::test, 50));
  const nn::train_options o{.epochs = 2, .batch = 16, .seed = 1, .stop_when_solved = false};
  auto check = [&](const auto& rule) {
    nn::mlp<double> net({.inputs = 10, .hidden = {24, 12}, .hidden_init = nn::init::sparse(3)}, 2);
    const auto r = nn::train(net, rule, train.view(), test.view(), o);
    CHECK(r.status != nn::train_status::diverged);
    CHECK(r.epochs == 2);  // stop_when_solved = false: runs all epochs
    CHECK(std::isfinite(r.train_loss));
  };
  check(optim::sgd({.lr = 0.1, .weight_decay = 0.01}));
  check(optim::momentum({.lr = 0.05}));
  check(optim::nesterov({.lr = 0.05}));
  check(optim::adam({.lr = 0.01}));
  check(optim::adamw({.lr = 0.01}));
  check(optim::sign_sgd({.lr = 0.01}));
  check(optim::egd({.lr = 0.1, .weight_decay = 0.01}));
  check(optim::muon({.lr = 0.02}));
  check(optim::chain(optim::clip_by_global_norm{1.0}, optim::scale_by_schedule(optim::cosine_decay(20)),
                     optim::scale{-0.1}));
}
