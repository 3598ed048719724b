// Every optimizer run under the recording policy (memory::recording_access): a whole
// training recorded by nn::train_recorded ends with the weights of nn::train,
// bit for bit, and one recorded step holds the reads and writes that the
// rule's own loops make (counted by hand below: a rule whose update escaped
// the recorder would fall short).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "sutro/memory/trace.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/recorded_mlp.hpp"
#include "sutro/nn/task_data.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace nn = sutro::nn;
namespace optim = sutro::optim;
namespace mem = sutro::memory;
namespace tasks = sutro::tasks;

namespace {
// Bit for bit in optimized builds; the -O1 sanitizer build does not contract
// the raw dense kernels' a * b + c as the traced ones fuse explicitly (see
// tests/nn/traced_test.cpp), so there the weights agree to rounding.
bool same_value(float a, float b) {
#if defined(NDEBUG)
  return a == b;
#else
  return a == b || std::fabs(a - b) <= 1e-3f * (std::fabs(a) + std::fabs(b)) + 1e-5f;
#endif
}

template <class Rule>
void check_training(const std::string& name, const Rule& rule, std::size_t every) {
  INFO(name << ", recording every " << every << " epochs");
  const auto task = tasks::sparse_parity(12, 3, 7);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, 160));
  const auto test = nn::to_dataset<float>(task.packed(tasks::split::test, 64));
  const nn::mlp_config cfg{.inputs = 12, .hidden = {24}};
  const nn::train_options opt{.epochs = 3, .batch = 16, .seed = 3, .stop_when_solved = false};
  nn::mlp<float> raw(cfg, 11), rec(cfg, 11);
  const auto r = nn::train(raw, rule, train.view(), test.view(), opt);
  mem::trace t;
  const auto tr = nn::train_recorded(rec, rule, train.view(), test.view(), opt, t, every);
  CHECK(tr.update_recorded);
  CHECK(tr.result.epochs == r.epochs);
  CHECK(tr.result.steps == r.steps);
  CHECK(tr.epochs_recorded == (r.epochs + every - 1) / every);
  std::size_t differ = 0;
  for (std::size_t i = 0; i < raw.parameter_count(); ++i)
    differ += !same_value(rec.flat_params()[i], raw.flat_params()[i]);
  CHECK(differ == 0);
  CHECK(t.reads() > 0);
  CHECK(t.writes() > 0);
}

}  // namespace

TEST_CASE("recorded training equals the raw one for every optimizer", "[optim][recorded]") {
  for (std::size_t every : {1u, 2u}) {
    check_training("sgd", optim::sgd({.lr = 0.1, .weight_decay = 0.01}), every);
    check_training("momentum", optim::momentum({.lr = 0.05, .beta = 0.9, .weight_decay = 0.01}), every);
    check_training("nesterov", optim::nesterov({.lr = 0.05, .beta = 0.9, .weight_decay = 0.01}), every);
    check_training("adam", optim::adam({.lr = 0.01, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0.01}),
                   every);
    check_training("adamw", optim::adamw({.lr = 0.01, .weight_decay = 0.01}), every);
    check_training("sign_sgd", optim::sign_sgd({.lr = 0.01, .weight_decay = 0.01}), every);
    check_training("egd", optim::egd({.lr = 0.1, .weight_decay = 0.01}), every);
    check_training("muon", optim::muon({.lr = 0.02, .beta = 0.95, .weight_decay = 0.01}), every);
    check_training("clip + schedule",
                   optim::chain(optim::clip_by_global_norm{1.0}, optim::clip{0.5},
                                optim::scale_by_schedule(optim::linear_warmup(4)), optim::scale{-0.1}),
                   every);
  }
}

namespace {
// Reads and writes of one recorded update step by `rule` (gradients from one
// mse batch, so that every parameter has one).
template <class Rule>
std::pair<std::uint64_t, std::uint64_t> step_counts(const Rule& rule, std::uint64_t& params) {
  mem::trace before;
  nn::recorded_mlp<float> net({.inputs = 20, .hidden = {200}}, 5, before);
  const auto d = nn::to_dataset<float>(tasks::sparse_parity(20, 3, 9).packed(tasks::split::train, 32));
  (void)net.loss_and_gradient(d.x, d.y, 32, nn::loss::mse);
  auto state = net.init_state(rule);
  mem::trace t;
  nn::recorded_mlp<float> stepper(std::move(net).release(), t);
  stepper.step(rule, state);
  params = stepper.parameter_count();
  return {t.reads(), t.writes()};
}
}  // namespace

TEST_CASE("a recorded step holds the rule's own loops", "[optim][recorded]") {
  std::uint64_t P = 0;
  // sgd: one fused pass reading u and W, writing both.
  auto [r, w] = step_counts(optim::sgd({.lr = 0.1, .weight_decay = 0.01}), P);
  CHECK(P == 20 * 200 + 200 + 200 + 1);
  CHECK(r == 2 * P);
  CHECK(w == 2 * P);
  // momentum: decay pass (read W, u; write u), momentum (read m, u; write m, u), fused scale + apply.
  std::tie(r, w) = step_counts(optim::momentum({.lr = 0.1, .beta = 0.9, .weight_decay = 0.01}), P);
  CHECK(r == 6 * P);
  CHECK(w == 5 * P);
  std::tie(r, w) =
      step_counts(optim::nesterov({.lr = 0.1, .beta = 0.9, .weight_decay = 0.0}), P);  // wd 0: no decay pass
  CHECK(r == 4 * P);
  CHECK(w == 4 * P);
  // adam (wd 0): moments (read m, v, u; write m, v, u), fused scale + apply.
  std::tie(r, w) = step_counts(optim::adam({.lr = 0.01}), P);
  CHECK(r == 5 * P);
  CHECK(w == 5 * P);
  // sign_sgd: sign, decay and scale are all pointwise: one fused pass.
  std::tie(r, w) = step_counts(optim::sign_sgd({.lr = 0.01, .weight_decay = 0.01}), P);
  CHECK(r == 2 * P);
  CHECK(w == 2 * P);
  // egd: beyond the fused pass, W1's polar factor (20 x 200 in_out: k = 20,
  // l = 200) reads at least its 200 x 20 gradient twice and the Gram matrix's
  // k (k + 1) / 2 dot products of two 200-rows; the bias vectors are read
  // twice, the scalar once.
  std::tie(r, w) = step_counts(optim::egd({.lr = 0.1, .weight_decay = 0.01}), P);
  const std::uint64_t gram = 20 * 21 / 2 * 2 * 200;
  CHECK(r >= 2 * P + 2 * 4000 + gram + 2 * (200 + 200) + 1);
  // muon: 5 Newton-Schulz steps, each with the 20 x 20 Gram matrix of X (20 x 200).
  std::tie(r, w) = step_counts(optim::muon({.lr = 0.02, .beta = 0.95, .weight_decay = 0.01}), P);
  CHECK(r >= 2 * P + 2 * P + 5 * gram);
}
