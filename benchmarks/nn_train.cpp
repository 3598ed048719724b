// Single-thread timings of the tiny-MLP pieces, harness configuration
// (n = 20, k = 3, hidden 200, batch 32, hinge, lr 0.1, wd 0.01):
//   nn_step/<rule>      one training step: forward + backward + update
//   polar_factor_200x20 EGD's exact U V^T of a 200 x 20 gradient
//   newton_schulz_200x20 Muon's 5-step approximation of it
//   train_to_95/<rule>  a whole run to 95% test accuracy (seed 0..4 cycled)
// Data: sutro::tasks sparse parity, seed s: the secret and the 1000 train rows
// from s, the 200 test rows from s + 1000; init and shuffle from s, as
// examples/optim_reproduce does.
// Run: build/default/benchmarks/nn_train --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "sutro/nn/task_data.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace nn = sutro::nn;
namespace optim = sutro::optim;
namespace tasks = sutro::tasks;

namespace {

struct seed_data {
  nn::task_dataset<float> train, test;
};

const seed_data& data(std::uint64_t s) {
  static const std::vector<seed_data> sets = [] {
    std::vector<seed_data> v;
    for (std::uint64_t i = 0; i < 5; ++i) {
      const auto task = tasks::sparse_parity(20, 3, i);
      v.push_back({nn::to_dataset<float>(task.packed(tasks::split::train, 1000)),
                   nn::to_dataset<float>(task.packed(tasks::split::test, 200))});
    }
    return v;
  }();
  return sets[s % 5];
}

template <class Rule>
void step_bench(benchmark::State& st, Rule rule) {
  nn::mlp<float> net({.inputs = 20, .hidden = {200}}, 1);
  const auto& d = data(0).train;
  auto state = rule.init(net.params());
  std::size_t first = 0;
  for (auto _ : st) {
    const std::span<const float> x(d.x.data() + first * 20, 32 * 20), y(d.y.data() + first, 32);
    benchmark::DoNotOptimize(net.loss_and_gradient(x, y, 32, nn::loss::hinge));
    optim::step(rule, state, net.grads(), net.params());
    first = (first + 32) % (1000 - 32);
  }
}

void polar_bench(benchmark::State& st) {
  std::mt19937_64 rng(3);
  nn::tensor<float> g(200, 20), work(200, 20);
  for (auto& v : g.ref().span()) v = static_cast<float>(nn::standard_normal(rng));
  optim::polar_workspace ws;
  for (auto _ : st) {
    std::copy_n(g.data(), g.size(), work.data());
    benchmark::DoNotOptimize(optim::polar_factor(work.ref(), ws));
  }
}

void ns_bench(benchmark::State& st) {
  std::mt19937_64 rng(3);
  nn::tensor<float> g(200, 20), work(200, 20);
  for (auto& v : g.ref().span()) v = static_cast<float>(nn::standard_normal(rng));
  optim::newton_schulz_workspace ws;
  for (auto _ : st) {
    std::copy_n(g.data(), g.size(), work.data());
    optim::newton_schulz(work.ref(), ws);
    benchmark::DoNotOptimize(work.data());
  }
}

template <class Rule>
void train_bench(benchmark::State& st, Rule rule) {
  nn::mlp<float> net({.inputs = 20, .hidden = {200}}, 0);
  std::uint64_t seed = 0;
  double epochs = 0, solved = 0, runs = 0;
  for (auto _ : st) {
    net.reinitialize(seed);
    const auto r = nn::train(net, rule, data(seed).train.view(), data(seed).test.view(),
                             {.epochs = 200, .batch = 32, .seed = seed});
    epochs += static_cast<double>(r.epochs);
    solved += r.status == nn::train_status::solved;
    runs += 1;
    seed = (seed + 1) % 5;
  }
  st.counters["epochs"] = epochs / runs;
  st.counters["solved"] = solved / runs;
}

} // namespace

BENCHMARK_CAPTURE(step_bench, sgd, optim::sgd({.lr = 0.1, .weight_decay = 0.01}))->Name("nn_step/sgd");
BENCHMARK_CAPTURE(step_bench, egd, optim::egd({.lr = 0.1, .weight_decay = 0.01}))->Name("nn_step/egd");
BENCHMARK_CAPTURE(step_bench, muon, optim::muon({.lr = 0.02, .beta = 0.95, .weight_decay = 0.01}))->Name("nn_step/muon");
BENCHMARK(polar_bench)->Name("polar_factor_200x20");
BENCHMARK(ns_bench)->Name("newton_schulz_200x20");
BENCHMARK_CAPTURE(train_bench, sgd, optim::sgd({.lr = 0.1, .weight_decay = 0.01}))->Name("train_to_95/sgd")->Unit(benchmark::kMillisecond)->Iterations(10);
BENCHMARK_CAPTURE(train_bench, egd, optim::egd({.lr = 0.1, .weight_decay = 0.01}))->Name("train_to_95/egd")->Unit(benchmark::kMillisecond)->Iterations(10);

BENCHMARK_MAIN();
