// A seed's training run gives the same bits on every build: -march=native or
// a baseline target without FMA (-march=x86-64-v2; the Python wheel takes the
// compiler's default x86-64), any -O level, sanitizers or not, whichever instruction-set level
// the kernels pick at run time (nn/scalar/fma.hpp: every multiply-add is
// rounded once). The expected values are FNV-1a hashes of the trained
// parameters' bits from a -march=native Release build (g++ 12.2, AMD EPYC
// Zen 5); CI checks them in its Release build and in its baseline build
// (-march=x86-64-v2 under ASan and UBSan, on the AVX-512 kernels and again on
// the AVX2 ones), so the seeded tables of docs/optim.md hold for each. The
// element loops' copy for CPUs without FMA (SUTRO_FMA_CLONES' "default") runs
// on no CI machine: the baseline build also runs this file as
// test_optim_default_copy, that copy's code in place of the clones.
// Only IEEE basic operations, fused multiply-adds and square roots take part
// (he_uniform init, ReLU, hinge or MSE, rules without libm calls), so no
// libm version can move the bits either.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <span>
#include <string>

#include "support/catch.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/task_data.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/optim/grokfast.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace nn = sutro::nn;
namespace optim = sutro::optim;
namespace tasks = sutro::tasks;

namespace {

std::string bits_hash(std::span<const float> v) {
  std::uint64_t h = 14695981039346656037ull;
  for (const float x : v) {
    std::uint32_t b = 0;
    std::memcpy(&b, &x, sizeof b);
    h = (h ^ b) * 1099511628211ull;
  }
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

// Three epochs of the harness's network (20-200-1, batch 32) on (20, 3):
// parity with hinge, or sparse sum with MSE.
template <class Rule>
std::string trained_hash(const Rule& rule, bool sum = false) {
  const auto task = sum ? tasks::sparse_sum(20, 3, 3) : tasks::sparse_parity(20, 3, 3);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, 1000));
  const auto test = nn::to_dataset<float>(task.packed(tasks::split::test, 200));
  nn::mlp<float> net(
      {.inputs = 20, .hidden = {200}, .hidden_init = nn::init::he_uniform(), .output_init = nn::init::he_uniform()}, 3);
  nn::train_options opt{.epochs = 3, .batch = 32, .seed = 3, .loss_kind = train.loss_kind, .stop_when_solved = false};
  if (train.regression) opt.target = nn::target_kind::regression;
  const auto r = nn::train(net, rule, train.view(), test.view(), opt);
  REQUIRE(r.epochs == 3);
  return bits_hash(net.flat_params());
}

}  // namespace

TEST_CASE("training gives the same bits on every build, for every rule", "[nn][optim][reproducibility]") {
  CHECK(trained_hash(optim::sgd({.lr = 0.1, .weight_decay = 0.01})) == "30253e716b41ca35");
  CHECK(trained_hash(optim::momentum({.lr = 0.05, .beta = 0.9, .weight_decay = 0.01})) == "b25ebf549d7c3dd3");
  CHECK(trained_hash(optim::nesterov({.lr = 0.05, .beta = 0.9, .weight_decay = 0.01})) == "e3e3f1e1a72682fe");
  CHECK(trained_hash(optim::sign_sgd({.lr = 0.01, .weight_decay = 0.01})) == "92c2734cf52d01d7");
  CHECK(trained_hash(optim::egd({.lr = 0.1, .weight_decay = 0.01})) == "cddcbe3938046653");
  CHECK(trained_hash(optim::muon({.lr = 0.02, .beta = 0.95, .weight_decay = 0.01})) == "19343ad5d69e8778");
  CHECK(trained_hash(optim::chain(optim::grokfast({.alpha = 0.98, .lambda = 2.0}), optim::add_decayed_weights{0.01},
                                  optim::scale{-0.1})) == "3fff2409824ca720");
  CHECK(trained_hash(optim::chain(optim::clip_by_global_norm{1.0}, optim::add_decayed_weights{0.01},
                                  optim::scale{-0.1})) == "46a2b94dca3003e1");
  CHECK(trained_hash(optim::egd({.lr = 0.1, .weight_decay = 0.01}), true) == "406266b6a10ba0df");
}
