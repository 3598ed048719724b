// Tracing the library's own containers: a GF(2) product and elimination on
// gf2::recorded_matrix, and one MLP training step on nn::recorded_mlp. The same
// scalar kernel code runs as untraced, with every word (GF(2)) or float (MLP)
// access recorded; the results are checked against untraced runs.
//
//   ./build/default/examples/metrics_recorded_library
#include <cstdio>
#include <span>
#include <utility>
#include <vector>

#include "sutro/gf2/all.hpp"
#include "sutro/gf2/recorded.hpp"
#include "sutro/lab/data_movement.hpp"
#include "sutro/metrics/summary.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/recorded_mlp.hpp"
#include "sutro/optim/optimizers.hpp"

namespace gf2 = sutro::gf2;
namespace mem = sutro::memory;

static void print(const char* what, const mem::trace& t, std::uint64_t element_bytes) {
  const auto r = sutro::lab::measure(t, what, element_bytes);
  std::printf("%-44s reads %8.0f  writes %7.0f  mean RD %7.1f  DMD %10.0f  ByteDMD-tr %11.0f  energy %.3g J\n", what,
              r.metrics.at("reads"), r.metrics.at("writes"), r.metrics.at("mean_reuse_distance"), r.metrics.at("dmd"),
              r.metrics.at("bytedmd_trace"), r.metrics.at("energy_j"));
}

int main() {
  using M = gf2::matrix<>;
  int failures = 0;

  // GF(2): C = A B, then the rank of C, at word granularity.
  const M a = M::random(64, 128, 1), b = M::random(128, 96, 2);
  {
    mem::trace t = sutro::lab::lab_trace(mem::granularity::word);
    auto c = gf2::mul(gf2::recorded(M(a), t), gf2::recorded(M(b), t));
    print("gf2 64x128 * 128x96 (scalar kernel)", t, 8);
    const std::size_t r = gf2::rank(c);  // traced too: copy + elimination
    print("  ... then its rank (copy + elimination)", t, 8);
    const M plain = std::move(c).release();
    failures += !(plain == a * b) + (r != gf2::rank(a * b));
  }

  // MLP: one step (forward, backward, SGD update) of 20-200-1 on a batch of 32, per float.
  const std::size_t n = 20, batch = 32;
  std::vector<float> x(batch * n), y(batch);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = (i * 7919 % 13) < 6 ? 1.0f : -1.0f;
  for (std::size_t i = 0; i < batch; ++i) y[i] = (i % 3) ? 1.0f : -1.0f;
  {
    mem::trace t = sutro::lab::lab_trace(mem::granularity::element);
    sutro::nn::recorded_mlp<float> net({.inputs = n, .hidden = {200}}, 1, t);
    net.reserve(batch);
    const float loss = net.loss_and_gradient(x, y, batch, sutro::nn::loss::hinge);
    const auto rule = sutro::optim::sgd({.lr = 0.1, .weight_decay = 0.01});
    auto traced_state = net.init_state(rule);
    net.step(rule, traced_state);  // optim::sgd's own loops, recorded
    print("mlp 20-200-1 step, batch 32 (scalar kernels)", t, 4);

    sutro::nn::mlp<float> ref({.inputs = n, .hidden = {200}}, 1);  // untraced, the build's best kernels
    const float ref_loss = ref.loss_and_gradient(x, y, batch, sutro::nn::loss::hinge);
    auto state = rule.init(ref.params());
    rule.update_and_apply(ref.grads(), state, ref.params());
    auto traced_params = net.params();  // reading them back is traced too
    std::size_t differ = 0;
    for (std::size_t i = 0; i < ref.parameter_count(); ++i) differ += float(traced_params[i]) != ref.flat_params()[i];
    std::printf("loss %.6f (untraced %.6f), %zu of %zu parameters differ after the step\n", loss, ref_loss, differ,
                ref.parameter_count());
#if defined(NDEBUG)  // optimized builds: bit for bit (see tests/nn/traced_test.cpp)
    failures += (loss != ref_loss) + (differ != 0);
#endif
  }
  if (failures) std::printf("MISMATCH\n");
  return failures ? 1 : 0;
}
