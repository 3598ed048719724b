// Misuse of networks and training that used to pass silently or crash:
// failed reserves, absurd batches, labels the loss does not take, NaN that
// was swallowed (ReLU, hinge, EGD) and the mean loss of an empty batch.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <new>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/budget_allocator.hpp"
#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/nn/activation.hpp"
#include "sutro/nn/loss.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/recorded_mlp.hpp"
#include "sutro/nn/task_data.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/nn/widen.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/tasks/sparse_task.hpp"

#if defined(SUTRO_CATCH2_V3)
using Catch::Approx;
#endif

namespace nn = sutro::nn;
namespace optim = sutro::optim;
namespace tasks = sutro::tasks;

namespace {

using sutro::testing::budget_allocator;

template <class Net>
std::vector<float> outputs(Net& net, const std::vector<float>& x, std::size_t batch) {
  std::vector<float> f(batch);
  net.forward(x, batch, f);
  return f;
}

// Every factory rule, each with a learning rate that trains (20, 3).
template <class Check>
void for_each_rule(const Check& check) {
  check("sgd", optim::sgd({.lr = 0.1, .weight_decay = 0.01}));
  check("momentum", optim::momentum({.lr = 0.05}));
  check("nesterov", optim::nesterov({.lr = 0.05}));
  check("adam", optim::adam({.lr = 0.01}));
  check("adamw", optim::adamw({.lr = 0.01}));
  check("sign_sgd", optim::sign_sgd({.lr = 0.01}));
  check("egd", optim::egd({.lr = 0.1, .weight_decay = 0.01}));
  check("muon", optim::muon({.lr = 0.02}));
}
}  // namespace

TEST_CASE("a failed reserve leaves the network as it was", "[nn][misuse]") {
  const auto data = nn::to_dataset<float>(tasks::sparse_parity(20, 3, 7).packed(tasks::split::train, 64));
  SECTION("length_error: a batch whose buffers overflow size_t, first reserve") {
    nn::mlp<float> net({.inputs = 20, .hidden = {200}}, 1);
    CHECK_THROWS_AS(net.reserve(std::numeric_limits<std::size_t>::max() / 8), std::length_error);
    CHECK_THROWS_AS(net.reserve(std::numeric_limits<std::size_t>::max()), std::length_error);
    nn::mlp<float> fresh({.inputs = 20, .hidden = {200}}, 1);
    CHECK(outputs(net, data.x, 64) == outputs(fresh, data.x, 64));
  }
  SECTION("bad_alloc from the network's allocator, before and after a first reserve") {
    using alloc = budget_allocator<float>;
    for (const std::size_t first : {std::size_t{0}, std::size_t{16}}) {
      auto budget = std::make_shared<std::size_t>(std::numeric_limits<std::size_t>::max());
      nn::mlp<float, sutro::default_backend, alloc> net({.inputs = 20, .hidden = {200, 50}}, 1, alloc(budget));
      nn::mlp<float> ref({.inputs = 20, .hidden = {200, 50}}, 1);
      if (first) net.reserve(first);
      *budget = 256 * 1024;  // enough for 64 samples (about 170 KB), not for 4096
      CHECK_THROWS_AS(net.reserve(4096), std::bad_alloc);
      CHECK(outputs(net, data.x, 64) == outputs(ref, data.x, 64));
      CHECK(net.loss_and_gradient(data.x, data.y, 64, nn::loss::hinge) ==
            ref.loss_and_gradient(data.x, data.y, 64, nn::loss::hinge));
    }
  }
}

TEST_CASE("train_buffer_rows: the batch, at most the rows, at least the evaluation chunk", "[nn][misuse]") {
  STATIC_REQUIRE(nn::train_buffer_rows(32, 1000) == nn::evaluation_rows);
  STATIC_REQUIRE(nn::train_buffer_rows(1000, 400) == 400);
  STATIC_REQUIRE(nn::train_buffer_rows(std::numeric_limits<std::size_t>::max(), 5000) == 5000);
  STATIC_REQUIRE(nn::train_buffer_rows(0, 0) == nn::evaluation_rows);
}

TEST_CASE("train: an absurd batch is the whole set; a throwing train leaves the network as it was", "[nn][misuse]") {
  const auto task = tasks::sparse_parity(20, 3, 7);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, 200));
  const auto test = nn::to_dataset<float>(task.packed(tasks::split::test, 100));
  const auto opt = optim::sgd({.lr = 0.1, .weight_decay = 0.01});
  const nn::train_options whole{.epochs = 3, .batch = 200, .seed = 1, .stop_when_solved = false};
  nn::mlp<float> a({.inputs = 20, .hidden = {64}}, 3), b({.inputs = 20, .hidden = {64}}, 3);
  auto absurd = whole;
  absurd.batch = std::numeric_limits<std::size_t>::max();
  const auto ra = nn::train(a, opt, train.view(), test.view(), absurd);
  const auto rb = nn::train(b, opt, train.view(), test.view(), whole);
  CHECK(ra.steps == 3);
  CHECK(ra.test_accuracy == rb.test_accuracy);
  CHECK(std::equal(a.flat_params().begin(), a.flat_params().end(), b.flat_params().begin()));

  // bad_alloc while sizing the buffers, then a throwing callback mid-training:
  // both leave parameters (and gradients) as before, and a retry trains as a fresh network does.
  using alloc = budget_allocator<float>;
  auto budget = std::make_shared<std::size_t>(std::numeric_limits<std::size_t>::max());
  nn::mlp<float, sutro::default_backend, alloc> net({.inputs = 20, .hidden = {64}}, 3, alloc(budget));
  const std::vector<float> p0(net.flat_params().begin(), net.flat_params().end());
  *budget = 4 * 1024;
  CHECK_THROWS_AS(nn::train(net, opt, train.view(), test.view(), whole), std::bad_alloc);
  CHECK(std::equal(p0.begin(), p0.end(), net.flat_params().begin()));
  *budget = std::numeric_limits<std::size_t>::max();
  nn::callbacks boom;
  boom.on_step = [](const nn::step_info& s) -> nn::action {
    if (s.step == 2) throw std::runtime_error("callback failed");
    return nn::action::proceed;
  };
  const std::vector<float> g0(net.flat_grads().begin(), net.flat_grads().end());
  auto small = whole;
  small.batch = 32;
  CHECK_THROWS_AS(nn::train(net, opt, train.view(), test.view(), small, boom), std::runtime_error);
  CHECK(std::equal(p0.begin(), p0.end(), net.flat_params().begin()));
  CHECK(std::equal(g0.begin(), g0.end(), net.flat_grads().begin()));
  nn::mlp<float> fresh({.inputs = 20, .hidden = {64}}, 3);
  const auto r1 = nn::train(net, opt, train.view(), test.view(), small);
  const auto r2 = nn::train(fresh, opt, train.view(), test.view(), small);
  CHECK(r1.test_accuracy == r2.test_accuracy);
  CHECK(std::equal(fresh.flat_params().begin(), fresh.flat_params().end(), net.flat_params().begin()));
}

TEST_CASE("labels are checked against the loss", "[nn][misuse]") {
  const auto task = tasks::sparse_parity(20, 3, 7);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, 100));
  const auto test = nn::to_dataset<float>(task.packed(tasks::split::test, 50));
  auto zero_one = train;
  for (auto& y : zero_one.y) y = y > 0 ? 1.0f : 0.0f;
  std::size_t first_zero = 0;
  while (zero_one.y[first_zero] != 0.0f) ++first_zero;
  nn::mlp<float> net({.inputs = 20, .hidden = {32}}, 1);
  const std::vector<float> p0(net.flat_params().begin(), net.flat_params().end());

  // 0/1 labels with the hinge loss used to train to chance with no error.
  const std::string msg = sutro::testing::thrown_message(
      [&] { (void)nn::train(net, optim::sgd({.lr = 0.1}), zero_one.view(), test.view(), {.epochs = 2}); });
  CHECK(msg == "sutro::nn::train: training set: hinge loss needs labels -1 or +1, got 0 at index " +
                   std::to_string(first_zero) + " (0/1 labels: map y to 2 y - 1)");
  CHECK(std::equal(p0.begin(), p0.end(), net.flat_params().begin()));
  CHECK(sutro::testing::thrown_message([&] {
          (void)nn::train(net, optim::sgd({.lr = 0.1}), zero_one.view(), test.view(),
                          {.epochs = 2, .loss_kind = nn::loss::logistic});
        }).find("sutro::nn::train: training set: logistic loss needs labels -1 or +1") == 0);
  CHECK(sutro::testing::thrown_message([&] {
          (void)net.loss_and_gradient(zero_one.x, zero_one.y, 100, nn::loss::hinge);
        }).find("sutro::nn::mlp::loss_and_gradient: hinge loss needs labels -1 or +1, got 0") == 0);
  // A classification test set must be +-1 too.
  CHECK(sutro::testing::thrown_message([&] {
          (void)nn::train(net, optim::sgd({.lr = 0.1}), train.view(), zero_one.view(), {.epochs = 1});
        }).find("sutro::nn::train: test set: classification needs labels -1 or +1, got 0 at index ") == 0);

  // MSE takes any finite target, and states it.
  const auto sum_task = tasks::sparse_sum(20, 3, 7);
  auto sum = nn::to_dataset<float>(sum_task.packed(tasks::split::train, 100));
  const auto sum_test = nn::to_dataset<float>(sum_task.packed(tasks::split::test, 50));
  const nn::train_options reg{.epochs = 1, .loss_kind = nn::loss::mse, .target = nn::target_kind::regression};
  CHECK_NOTHROW(nn::train(net, optim::sgd({.lr = 0.01}), sum.view(), sum_test.view(), reg));
  sum.y[7] = std::numeric_limits<float>::quiet_NaN();
  CHECK(sutro::testing::thrown_message([&] {
          (void)nn::train(net, optim::sgd({.lr = 0.01}), sum.view(), sum_test.view(), reg);
        }).find("sutro::nn::train: training set: mse loss needs finite labels, got ") == 0);
  sum.y[7] = std::numeric_limits<float>::infinity();
  CHECK(sutro::testing::thrown_message([&] {
          (void)nn::train(net, optim::sgd({.lr = 0.01}), sum.view(), sum_test.view(), reg);
        }).find("at index 7") != std::string::npos);
  CHECK_NOTHROW(nn::check_labels(nn::loss::hinge, std::span<const float>()));
}

TEST_CASE("NaN is never swallowed: ReLU, losses, empty batches", "[nn][misuse]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> z{nan, -1.0f, 2.0f, -0.0f};
  nn::activate(nn::activation::relu, std::span<float>(z));
  CHECK(std::isnan(z[0]));
  CHECK((z[1] == 0.0f && z[2] == 2.0f && z[3] == 0.0f && !std::signbit(z[3])));

  CHECK(std::isnan(nn::loss_value(nn::loss::hinge, 0.5f, nan)));
  CHECK(std::isnan(nn::loss_gradient(nn::loss::hinge, 0.5f, nan)));
  CHECK(std::isnan(nn::loss_value(nn::loss::hinge, nan, 1.0f)));
  CHECK(std::isnan(nn::loss_gradient(nn::loss::hinge, nan, 1.0f)));
  CHECK(nn::loss_value(nn::loss::hinge, 2.0f, 1.0f) == 0.0f);
  CHECK(nn::loss_gradient(nn::loss::hinge, 1.0f, 1.0f) == 0.0f);
  CHECK(nn::loss_gradient(nn::loss::hinge, 0.5f, -1.0f) == 1.0f);

  // A NaN input reaches the output (ReLU layers propagate it), 1 and 2 hidden layers.
  for (const auto& hidden : {std::vector<std::size_t>{200}, std::vector<std::size_t>{64, 17}}) {
    nn::mlp<float> net({.inputs = 20, .hidden = hidden}, 1);
    std::vector<float> x(3 * 20, 1.0f), f(3);
    x[20 + 5] = nan;
    net.forward(x, 3, f);
    CHECK(std::isfinite(f[0]));
    CHECK(std::isnan(f[1]));
    CHECK(std::isfinite(f[2]));
  }

  nn::mlp<float> net({.inputs = 20, .hidden = {200}}, 1);
  std::vector<float> x(20, 1.0f), y(1, 1.0f);
  CHECK(sutro::testing::thrown_message([&] {
          (void)net.loss_and_gradient(x, y, 0, nn::loss::hinge);
        }).find("sutro::nn::mlp::loss_and_gradient: batch 0") == 0);
}

TEST_CASE("NaN or inf in inputs or parameters ends training as diverged, for every rule", "[nn][misuse]") {
  const auto task = tasks::sparse_parity(20, 3, 7);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, 200));
  const auto test = nn::to_dataset<float>(task.packed(tasks::split::test, 100));
  const nn::train_options o{.epochs = 5, .batch = 32, .seed = 1};
  auto check = [&](const char* name, const auto& rule) {
    INFO(name);
    for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
      auto poisoned = train;
      poisoned.x[137 * 20 + 4] = bad;  // one input of one row
      nn::mlp<float> net({.inputs = 20, .hidden = {64}}, 3);
      CHECK(nn::train(net, rule, poisoned.view(), test.view(), o).status == nn::train_status::diverged);
      nn::mlp<float> weights({.inputs = 20, .hidden = {64}}, 3);
      weights.flat_params()[100] = bad;  // one weight of W1
      CHECK(nn::train(weights, rule, train.view(), test.view(), o).status == nn::train_status::diverged);
    }
  };
  for_each_rule(check);
}

TEST_CASE("backward refuses a batch other than the last forward's; a NaN prediction is never right", "[nn][misuse]") {
  nn::mlp<float> net({.inputs = 3, .hidden = {4}}, 1);
  std::vector<float> x(12, 0.5f), out(4), df(4, 1.0f);
  net.forward(x, 4, out);
  net.forward(std::span<const float>(x.data(), 6), 2, out);
  CHECK(sutro::testing::thrown_message([&] { net.backward(x, df, 4); }) ==
        "sutro::nn::mlp::backward: a batch of 4, but the last forward() ran 2 rows (backward uses its activations)");
  net.forward(x, 4, out);
  net.backward(x, df, 4);
  // Test inputs that are all NaN give NaN outputs: accuracy 0, not 1 (f >= 0 is false for NaN).
  std::vector<float> nan_x(12, std::numeric_limits<float>::quiet_NaN()), minus(4, -1.0f);
  const nn::dataset_view<float> bad(nan_x, minus, 3);
  CHECK(nn::accuracy(net, bad, nn::target_kind::classification) == 0.0);
}

TEST_CASE("sizes that overflow are refused: tensor, dataset_view, view_of", "[nn][misuse]") {
  const std::size_t big = std::size_t{1} << 32;
  CHECK(sutro::testing::thrown_message<std::length_error>([&] {
          nn::tensor<float> t(big, big);
        }).find("sutro::nn::tensor::tensor: ") == 0);
  const std::vector<float> none, two(2, 1.0f);
  CHECK(sutro::testing::thrown_message([&] {
          nn::dataset_view<float> v(none, two, std::size_t{1} << 63);
        }).find("sutro::nn::dataset_view: 0 input values do not form 2 rows") == 0);
  tasks::dense_samples s;
  s.spec.n = 10;
  s.count = 100;
  s.x.assign(10, 0.0f);
  s.y.assign(100, 1.0f);
  CHECK(sutro::testing::thrown_message([&] { (void)nn::view_of(s); }) ==
        "sutro::nn::view_of: dense samples hold 10 values and 100 labels for 100 rows of 10");
  s.x.assign(1000, 0.0f);
  CHECK(nn::view_of(s).rows() == 100);
}

TEST_CASE("train refuses an empty test set and accuracy thresholds outside (0, 1]; uniform(a) needs a finite a >= 0",
          "[nn][misuse]") {
  const auto task = tasks::sparse_parity(20, 3, 7);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, 64));
  const auto test = nn::to_dataset<float>(task.packed(tasks::split::test, 32));
  const auto opt = optim::sgd({.lr = 0.1});
  nn::mlp<float> net({.inputs = 20, .hidden = {8}}, 3);
  const std::vector<float> p0(net.flat_params().begin(), net.flat_params().end());
  const nn::dataset_view<float> empty({}, {}, 20);
  CHECK(sutro::testing::thrown_message([&] {
          (void)nn::train(net, opt, train.view(), empty, {.epochs = 2});
        }).find("sutro::nn::train: empty test set") == 0);
  for (double bad : {0.0, -0.5, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
    INFO("threshold " << bad);
    CHECK(sutro::testing::thrown_message([&] {
            (void)nn::train(net, opt, train.view(), test.view(), {.epochs = 2, .solve_accuracy = bad});
          }).find("sutro::nn::train: solve_accuracy must be in (0, 1], got ") == 0);
    CHECK(sutro::testing::thrown_message([&] {
            (void)nn::train(net, opt, train.view(), test.view(), {.epochs = 2, .milestone_accuracy = bad});
          }).find("sutro::nn::train: milestone_accuracy must be in (0, 1], got ") == 0);
  }
  CHECK(sutro::testing::thrown_message([&] { (void)nn::train(net, opt, train.view(), test.view(), {.epochs = 0}); }) ==
        "sutro::nn::train: epochs 0 (nothing would be trained)");
  CHECK(std::equal(p0.begin(), p0.end(), net.flat_params().begin()));  // nothing trained
  (void)nn::train(net, opt, train.view(), test.view(), {.epochs = 1, .solve_accuracy = 1.0});

  for (double bad : {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(), -1.0}) {
    INFO("bound " << bad);
    CHECK(sutro::testing::thrown_message([&] {
            nn::mlp<float> u({.inputs = 4, .hidden = {3}, .hidden_init = nn::init::uniform(bad)}, 1);
          }).find("sutro::nn::initialize: uniform(a) needs a finite a >= 0, got ") == 0);
  }
  nn::mlp<float> zero_bound({.inputs = 4, .hidden = {3}, .hidden_init = nn::init::uniform(0.0)}, 1);
  CHECK(zero_bound.flat_params()[0] == 0.0f);
}

TEST_CASE("reserve and a refused backward never leave backward reading zeroed activations", "[nn][misuse]") {
  // Growing the buffers zeroed the activations of the last forward pass;
  // backward then ran on them (gradients 10x off) with no error.
  std::vector<float> x(6), df{0.7f, -1.3f};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = 0.25f * static_cast<float>(i) - 0.5f;
  auto gradients = [&](auto between) {
    nn::mlp<float, sutro::scalar> net({.inputs = 3, .hidden = {4}}, 1);
    std::vector<float> out(2);
    net.forward(x, 2, out);
    between(net);
    net.backward(x, df, 2);
    return std::vector<float>(net.flat_grads().begin(), net.flat_grads().end());
  };
  const auto plain = gradients([](auto&) {});
  CHECK(gradients([&](auto& net) {  // refused: a batch other than the forward's, checked before any change
          std::vector<float> big_x(300 * 3), big_df(300);
          CHECK_THROWS_AS(net.backward(big_x, big_df, 300), std::invalid_argument);
        }) == plain);
  nn::mlp<float, sutro::scalar> net({.inputs = 3, .hidden = {4}}, 1);
  std::vector<float> out(2);
  net.forward(x, 2, out);
  net.reserve(1000);
  CHECK(sutro::testing::thrown_message([&] { net.backward(x, df, 2); }) ==
        "sutro::nn::mlp::backward: a batch of 2, but the last forward() ran 0 rows (backward uses its activations)");
}

TEST_CASE("configs, data and rules that would read past their buffers are refused", "[nn][misuse]") {
  using sutro::testing::thrown_message;
  // 4 x 2^62 parameters overflow size_t: refused, not sized to the wrapped count.
  CHECK_THROWS_AS(nn::mlp<float>({.inputs = std::size_t{1} << 62, .hidden = {4}}, 1), std::length_error);
  CHECK(thrown_message<std::length_error>([] {
          nn::mlp<float> net({.inputs = 20, .hidden = {std::size_t{1} << 62}}, 1);
        }).find("sutro::nn::mlp::mlp: ") == 0);
  nn::mlp_config odd{.inputs = 3, .hidden = {4}};
  odd.act = static_cast<nn::activation>(17);
  CHECK(thrown_message([&] { nn::mlp<float> net(odd, 1); }) ==
        "sutro::nn::mlp::mlp: activation 17 is not relu, leaky_relu, tanh, sigmoid or identity");

  // A dataset_view built field by field: 10 values are not 5 rows of 5.
  nn::mlp<float> net({.inputs = 5, .hidden = {8}}, 1);
  std::vector<float> x(10, 0.5f), y(5, 1.0f);
  nn::dataset_view<float> d;
  d.x = x;
  d.y = y;
  d.features = 5;
  CHECK(thrown_message([&] { (void)nn::train(net, optim::sgd({.lr = 0.1}), d, d, {.epochs = 1}); }) ==
        "sutro::nn::train: training set: 10 input values do not form 5 rows x 5 features");
  CHECK(thrown_message([&] {
          (void)nn::accuracy(net, d, nn::target_kind::classification);
        }).find("sutro::nn::accuracy: 10 input values") == 0);
  const auto loss9 = static_cast<nn::loss>(9);
  CHECK(thrown_message([&] { nn::check_labels(loss9, std::span<const float>(y)); }) ==
        "sutro::nn::check_labels: loss 9 is not hinge, mse or logistic");
  CHECK(std::isnan(nn::loss_value(loss9, 0.5f, 1.0f)));

  // add_decayed_weights read the parameters by the updates' shapes.
  std::vector<float> u(8, 1.0f), p(3, 1.0f);
  std::vector<nn::tensor_ref<float>> U{{u.data(), 2, 2}, {u.data() + 4, 2, 2}}, P{{p.data(), 3, 1}};
  optim::empty_state es;
  CHECK_THROWS_AS(optim::add_decayed_weights{0.5}.update(optim::tensors<float>(U), es, optim::tensors<float>(P)),
                  std::invalid_argument);
}

TEST_CASE("an infinite output is a divergence for every loss, whatever its sign", "[nn][misuse]") {
  const float inf = std::numeric_limits<float>::infinity();
  for (auto kind : {nn::loss::hinge, nn::loss::logistic, nn::loss::mse}) {
    INFO(nn::to_string(kind));
    CHECK(std::isnan(nn::loss_value(kind, inf, 1.0f)));
    CHECK(std::isnan(nn::loss_value(kind, -inf, -1.0f)));
    CHECK(std::isnan(nn::loss_gradient(kind, inf, 1.0f)));
  }
  // One input of inf, with weights that send it to +inf on a +1 row, where
  // hinge would saturate to 0: the run must end as diverged.
  nn::mlp<float> net({.inputs = 1, .hidden = {1}}, 1);
  for (float& w : net.flat_params()) w = 0.0f;
  net.params()[0].data[0] = 1.0f;  // W1
  net.params()[2].data[0] = 1.0f;  // w_out
  std::vector<float> x{std::numeric_limits<float>::infinity(), 1.0f, 2.0f, -1.0f}, y{1, 1, 1, -1};
  const nn::dataset_view<float> d(x, y, 1);
  CHECK(nn::train(net, optim::sgd({.lr = 0.1}), d, d, {.epochs = 2, .batch = 4}).status == nn::train_status::diverged);
}

TEST_CASE("EGD keeps a tiny float bias gradient a unit vector (1 / norm overflowed float)", "[nn][misuse]") {
  nn::tensor<float> v(1, 3);
  v(0, 0) = 1e-45f;
  v(0, 2) = -1e-45f;
  std::vector<nn::tensor_ref<float>> U{v.ref()};
  optim::scale_by_egd egd;
  auto ws = egd.init(optim::tensors<float>(U));
  egd.update(optim::tensors<float>(U), ws, optim::tensors<float>(U));
  CHECK(v(0, 0) == Approx(0.70710678f));
  CHECK(v(0, 1) == 0.0f);
  CHECK(v(0, 2) == Approx(-0.70710678f));
}

TEST_CASE("recorded_mlp checks labels; check_labels takes a vector; bad enums and ranges are refused", "[nn][misuse]") {
  sutro::memory::trace t;
  nn::recorded_mlp<float> rec({.inputs = 3, .hidden = {4}}, 1, t);
  const std::vector<float> x(6, 1.0f), y01{0.0f, 1.0f};
  CHECK(sutro::testing::thrown_message([&] {
          (void)rec.loss_and_gradient(x, y01, 2, nn::loss::hinge);
        }).find("sutro::nn::recorded_mlp::loss_and_gradient: hinge loss needs labels -1 or +1, got 0") == 0);
  CHECK(sutro::testing::thrown_message([&] {
          (void)rec.loss_and_gradient(x, std::vector<float>{1.0f, -1.0f}, 2, static_cast<nn::loss>(9));
        }).find("sutro::nn::recorded_mlp::loss_and_gradient: loss 9 is not") == 0);
  CHECK(t.reads() == 0);  // refused before anything was recorded

  CHECK_THROWS_AS(nn::check_labels(nn::loss::hinge, y01), std::invalid_argument);
  CHECK_NOTHROW(nn::check_labels(nn::loss::mse, y01));
  std::vector<double> yd{1.0, -1.0};
  CHECK_NOTHROW(nn::check_labels(nn::loss::hinge, std::span<double>(yd)));

  CHECK(sutro::testing::thrown_message([] {
          nn::mlp<float> bad({.inputs = 4, .hidden = {3}, .hidden_init = {static_cast<nn::init::kind>(9), 0.0, 0}}, 1);
        }) == "sutro::nn::initialize: init kind 9 is not he_normal, he_uniform, uniform, sparse or zeros");
  CHECK(sutro::testing::thrown_message([] {
          nn::mlp<float> big({.inputs = 4, .hidden = {3}, .hidden_init = nn::init::uniform(1e300)}, 1);
        }).find("sutro::nn::initialize: uniform(a) needs a within the weights' type's range, got 1e+300") == 0);
  nn::mlp<double> fits({.inputs = 4, .hidden = {3}, .hidden_init = nn::init::uniform(1e300)}, 1);

  nn::mlp<float> small({.inputs = 3, .hidden = {4}}, 1), wide({.inputs = 5, .hidden = {4}}, 1);
  const std::vector<float> before(wide.flat_params().begin(), wide.flat_params().end());
  CHECK(sutro::testing::thrown_message([&] {
          nn::widen_inputs(small, wide, {.scale = 1e300});
        }).find("sutro::nn::widen_inputs: scale ") == 0);
  CHECK(std::equal(before.begin(), before.end(), wide.flat_params().begin()));

  const auto task = tasks::sparse_parity(20, 3, 7);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, 64));
  const auto test = nn::to_dataset<float>(task.packed(tasks::split::test, 32));
  nn::mlp<float> net({.inputs = 20, .hidden = {8}}, 3);
  CHECK(sutro::testing::thrown_message([&] {
          (void)nn::train(net, optim::sgd({.lr = 0.1}), train.view(), test.view(),
                          {.epochs = 1, .target = static_cast<nn::target_kind>(5)});
        }) == "sutro::nn::train: target 5 is not classification or regression");
}

TEST_CASE("a non-finite test input ends training as diverged, not trained", "[nn][misuse]") {
  const auto task = tasks::sparse_parity(20, 3, 7);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, 64));
  for (const float bad : {std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity()}) {
    auto test = nn::to_dataset<float>(task.packed(tasks::split::test, 32));
    test.x[5 * 20 + 3] = bad;
    nn::mlp<float> net({.inputs = 20, .hidden = {8}}, 3);
    const auto r = nn::train(net, optim::sgd({.lr = 0.1}), train.view(), test.view(), {.epochs = 3});
    CHECK(r.status == nn::train_status::diverged);
    CHECK(r.epochs == 1);
  }
}

TEST_CASE("an infinite input that leaves the output finite still ends training as diverged", "[nn][misuse]") {
  // tanh saturates: an input of +-inf gives a finite output. On the training
  // row below the hinge margin is met (f y = 2), so backward skips the row and
  // neither the loss nor the parameters would ever show the inf.
  const float inf = std::numeric_limits<float>::infinity();
  const auto make_net = [] {
    auto net =
        std::make_unique<nn::mlp<float>>(nn::mlp_config{.inputs = 2, .hidden = {1}, .act = nn::activation::tanh}, 1);
    for (float& w : net->flat_params()) w = 0.0f;
    net->params()[0].data[0] = 1.0f;  // W1: the first input drives the hidden unit
    net->params()[2].data[0] = 2.0f;  // w_out
    return net;
  };
  const std::vector<float> finite_x{1.0f, 0.5f, -1.0f, 0.5f, 0.5f, -1.0f, -0.5f, 1.0f}, y{1, -1, 1, -1};
  auto check = [&](const char* name, const auto& rule) {
    INFO(name);
    for (const float bad : {inf, -inf}) {
      std::vector<float> x = finite_x, yb = y;
      x[2] = bad;                // row 1: tanh(+-inf) = +-1, f = +-2
      yb[1] = bad > 0 ? 1 : -1;  // the margin is met
      auto net = make_net();
      const nn::dataset_view<float> poisoned(x, yb, 2), clean(finite_x, y, 2);
      const auto r = nn::train(*net, rule, poisoned, clean, {.epochs = 3, .batch = 2, .stop_when_solved = false});
      CHECK(r.status == nn::train_status::diverged);
      CHECK(std::isnan(r.train_loss));
      auto held = make_net();  // a test input of +-inf: its output is finite too
      const auto t = nn::train(*held, rule, clean, poisoned, {.epochs = 3, .batch = 2, .stop_when_solved = false});
      CHECK(t.status == nn::train_status::diverged);
      CHECK(t.epochs == 1);
    }
  };
  for_each_rule(check);
}

TEST_CASE("the input and parameter scan finds every NaN and inf that std::isfinite finds", "[nn][misuse]") {
  auto check = [](auto zero) {
    using T = decltype(zero);
    using lim = std::numeric_limits<T>;
    const T specials[] = {lim::quiet_NaN(), -lim::quiet_NaN(), lim::signaling_NaN(), lim::infinity(), -lim::infinity(),
                          lim::max(),       -lim::max(),       lim::denorm_min(),    -T(0),           lim::min()};
    for (std::size_t n : {0, 1, 15, 16, 17, 63, 64, 65, 200}) {
      std::vector<T> x(n);
      for (std::size_t i = 0; i < n; ++i) x[i] = T(i) - T(31.5);
      INFO((sizeof(T) == 4 ? "float" : "double") << ", n " << n);
      CHECK_FALSE(nn::detail::any_non_finite(x.data(), n));
      for (std::size_t at = 0; at < n; ++at)
        for (const T v : specials) {
          std::vector<T> y = x;
          y[at] = v;
          CHECK(nn::detail::any_non_finite(y.data(), n) == !std::isfinite(v));
        }
    }
    // Rows: the flags name exactly the rows holding a non-finite input.
    std::vector<T> x(7 * 3, T(1)), y(7, T(1));
    x[3 * 3 + 2] = lim::infinity();
    x[5 * 3] = lim::quiet_NaN();
    const auto bad = nn::detail::non_finite_rows(nn::dataset_view<T>(x, y, 3));
    CHECK(bad == std::vector<char>{0, 0, 0, 1, 0, 1, 0});
  };
  check(0.0f);
  check(0.0);
}

TEST_CASE("a recorded_mlp released or moved away throws instead of reaching a null network", "[nn][misuse]") {
  sutro::memory::trace t;
  nn::recorded_mlp<float> rec({.inputs = 3, .hidden = {4}}, 1, t);
  auto net = std::move(rec).release();
  REQUIRE(net != nullptr);
  std::vector<float> x(3, 1.0f), f(1), y{1.0f};
  CHECK(sutro::testing::thrown_message<std::logic_error>([&] {
          rec.forward(x, 1, f);
        }).find("sutro::nn::recorded_mlp::forward: the network was released") == 0);
  CHECK(sutro::testing::thrown_message<std::logic_error>([&] {
          (void)rec.loss_and_gradient(x, y, 1, nn::loss::hinge);
        }).find("sutro::nn::recorded_mlp::loss_and_gradient: ") == 0);
  CHECK_THROWS_AS((void)rec.params(), std::logic_error);
  CHECK_THROWS_AS((void)rec.config(), std::logic_error);
  CHECK_THROWS_AS(rec.reserve(4), std::logic_error);
  auto rule = optim::sgd({.lr = 0.1});
  CHECK_THROWS_AS((void)rec.init_state(rule), std::logic_error);

  nn::recorded_mlp<float> from({.inputs = 3, .hidden = {4}}, 1, t);
  nn::recorded_mlp<float> to(std::move(from));
  to.forward(x, 1, f);
  CHECK_THROWS_AS(from.forward(x, 1, f), std::logic_error);  // NOLINT(bugprone-use-after-move): the point
  CHECK(t.reads() > 0);
}

TEST_CASE("batch_loss refuses batch 0; labels and options near a valid value are printed exactly", "[nn][misuse]") {
  std::vector<float> f(1), labels(1), df(1);
  CHECK(sutro::testing::thrown_message([&] {
          (void)nn::batch_loss<float>(nn::loss::mse, 0, f.data(), labels.data(), df.data());
        }) == "sutro::nn::batch_loss: batch must be positive, got 0");
  CHECK(sutro::testing::thrown_message([] { nn::check_labels(nn::loss::hinge, std::vector<float>{1.0000001f}); }) ==
        "sutro::nn::check_labels: hinge loss needs labels -1 or +1, got 1.0000001192092896 at index 0");
  CHECK(sutro::testing::thrown_message([] {
          nn::mlp<float> net({.inputs = 2, .hidden = {3}}, 1);
          const std::vector<float> x{1.0f, -1.0f}, y{1.0f};
          const nn::dataset_view<float> d{x, y, 2};
          (void)nn::train(net, optim::sgd({.lr = 0.1}), d, d, {.solve_accuracy = 1.0000001});
        }) == "sutro::nn::train: solve_accuracy must be in (0, 1], got 1.0000001");
  CHECK(sutro::testing::thrown_message([] {
          nn::tensor<float> w(2, 2);
          std::mt19937_64 rng(1);
          nn::initialize(w.ref(), nn::init::uniform(-1e-9), rng);
        }) == "sutro::nn::initialize: uniform(a) needs a finite a >= 0, got -1e-09");
}

TEST_CASE("train names the set whose width differs from the network's", "[nn][misuse]") {
  nn::mlp<float> net({.inputs = 2, .hidden = {3}}, 1);
  const std::vector<float> x2{1.0f, -1.0f}, x3{1.0f, -1.0f, 1.0f}, y{1.0f};
  const nn::dataset_view<float> two{x2, y, 2}, three{x3, y, 3};
  CHECK(sutro::testing::thrown_message([&] { (void)nn::train(net, optim::sgd({.lr = 0.1}), two, three, {}); }) ==
        "sutro::nn::train: test set rows have 3 features, network expects 2");
  CHECK(sutro::testing::thrown_message([&] { (void)nn::train(net, optim::sgd({.lr = 0.1}), three, two, {}); }) ==
        "sutro::nn::train: training set rows have 3 features, network expects 2");
}

TEST_CASE("to_dataset and view_of check a hand-built dense spec as the packed overload does", "[nn][misuse]") {
  sutro::tasks::dense_samples d;
  d.spec.n = 2;
  d.spec.k = 5;
  d.count = 1;
  d.x = {1.0f, -1.0f};
  d.y = {1.0f};
  CHECK(sutro::testing::thrown_message([&] { (void)nn::to_dataset<float>(d); }).find("sutro::nn::to_dataset: ") == 0);
  CHECK(sutro::testing::thrown_message([&] { (void)nn::view_of(d); }).find("sutro::nn::view_of: ") == 0);
}
