// nn::train_recorded splits its trace into the training's phases (forward,
// backward, update, evaluation): the phases add up to the whole trace, and
// the optimizer's own update is what tells two rules apart.

#include <cstdint>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/memory/trace.hpp"
#include "sutro/nn/task_data.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace nn = sutro::nn;
namespace optim = sutro::optim;
namespace mem = sutro::memory;
namespace tasks = sutro::tasks;

namespace {

struct recorded {
  std::vector<mem::phase_totals> phases;
  std::uint64_t reads = 0, writes = 0, accesses = 0;
  double dmd = 0;
};

template <class Rule>
recorded record_training(const Rule& rule) {
  const auto task = tasks::sparse_parity(12, 3, 7);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, 96));
  const auto test = nn::to_dataset<float>(task.packed(tasks::split::test, 32));
  nn::mlp<float> net({.inputs = 12, .hidden = {16}}, 11);
  const nn::train_options opt{.epochs = 2, .batch = 16, .seed = 3, .stop_when_solved = false};
  mem::trace t({.unit = mem::granularity::element});
  const auto out = nn::train_recorded(net, rule, train.view(), test.view(), opt, t);
  REQUIRE(out.result.epochs == 2);
  return {t.phases(), t.reads(), t.writes(), t.distances().accesses(), t.distances().dmd()};
}

const mem::phase_totals& phase(const recorded& r, const std::string& name) {
  for (const auto& p : r.phases)
    if (p.name == name) return p;
  FAIL("no phase " << name);
  return r.phases.front();
}

}  // namespace

TEST_CASE("a recorded training is split into forward, backward, update and evaluation", "[nn][trace]") {
  const recorded r = record_training(optim::sgd({.lr = 0.1}));
  REQUIRE(r.phases.size() == 4);
  CHECK(r.phases[0].name == "forward");
  CHECK(r.phases[1].name == "backward");
  CHECK(r.phases[2].name == "update");
  CHECK(r.phases[3].name == "evaluation");
  std::uint64_t reads = 0, writes = 0, accesses = 0;
  double dmd = 0;
  for (const auto& p : r.phases) {
    INFO(p.name);
    CHECK(p.reads > 0);
    CHECK(p.writes + p.reads == p.accesses);  // element granularity, writes counted
    reads += p.reads;
    writes += p.writes;
    accesses += p.accesses;
    dmd += p.dmd;
  }
  CHECK(reads == r.reads);  // every access of the run is in one phase
  CHECK(writes == r.writes);
  CHECK(accesses == r.accesses);
  CHECK(dmd == Approx(r.dmd).epsilon(1e-12));
}

TEST_CASE("the update phase is where optimizers differ", "[nn][trace]") {
  const recorded sgd = record_training(optim::sgd({.lr = 0.1}));
  const recorded adam = record_training(optim::adam({.lr = 0.01}));
  // Same network, same batches: the forward passes read and write the same elements.
  CHECK(phase(sgd, "forward").accesses == phase(adam, "forward").accesses);
  // Adam reads and writes two moments per parameter besides the gradient: SGD's
  // update plus at least 4 accesses per parameter (the net has 12*16+16+16+1 = 225) per step.
  const std::uint64_t steps = 2 * (96 / 16), params = 12 * 16 + 16 + 16 + 1;
  CHECK(phase(adam, "update").accesses >= phase(sgd, "update").accesses + 4 * params * steps);
}
