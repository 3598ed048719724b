#pragma once
// One experiment, written once, run on any backend tag: how many samples does
// exact elimination need to pin down the secret of a sparse parity task?
// For each sample budget m it makes `systems` tasks (one per seed), generates
// their train samples in the backend's memory and solves them all there.
// main.cpp runs it with sutro::simd (simd_part.cpp, host compiler) and with
// sutro::cuda (cuda_part.cu, nvcc) and compares the answers bit for bit.
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

#include "sutro/nn/mlp.hpp"
#include "sutro/nn/task_data.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/solvers/batch.hpp"
#include "sutro/tasks/batch.hpp"
#include "sutro/tasks/sparse_task.hpp"
#if defined(__CUDACC__)
#include "sutro/nn/cuda/mlp.cuh"  // mlp<float, sutro::cuda>
#endif

namespace two_backends {

struct config {
  std::size_t n = 64, k = 3, systems = 20000;
  std::vector<std::size_t> budgets = {48, 60, 64, 66, 70, 80};
};

struct outcome {
  std::size_t samples = 0;
  std::vector<sutro::solvers::small_result> results;  // one per seed, the same on every backend
  std::size_t found = 0;
};

// [experiment]
template <sutro::backend Backend>
std::vector<outcome> samples_needed(Backend tag, const config& c) {
  const sutro::tasks::task_spec spec{sutro::tasks::task_kind::parity, c.n, c.k};
  std::vector<std::uint64_t> seeds(c.systems);
  std::iota(seeds.begin(), seeds.end(), std::uint64_t{1});
  std::vector<outcome> out;
  for (std::size_t m : c.budgets) {
    // Samples live where the backend computes (device memory for cuda) ...
    const auto train = sutro::tasks::generate_batch(tag, spec, seeds, sutro::tasks::split::train, m);
    // ... and every system is solved there; only the answers come back.
    outcome o{m, sutro::solvers::solve_batch(tag, train), 0};
    for (const auto& r : o.results) o.found += r.status == sutro::solvers::solve_status::found;
    out.push_back(std::move(o));
  }
  return out;
}
// [experiment]

struct training {
  std::size_t epochs = 0;
  double test_accuracy = 0;
};

// A network trained on (20,3) with SGD: the same code on the host's simd
// kernels or on the device (passes on the GPU, the rule on host mirrors).
// [network]
template <sutro::backend Backend>
training train_parity(Backend tag) {
  const auto task = sutro::tasks::sparse_parity(20, 3, /*seed*/ 42);
  const auto fit = sutro::nn::to_dataset<float>(task.packed(sutro::tasks::split::train, 1000));
  const auto held = sutro::nn::to_dataset<float>(task.packed(sutro::tasks::split::test, 500));
  sutro::nn::mlp net(tag, {.inputs = 20, .hidden = {200}}, /*seed*/ 1);  // mlp<float, Backend>
  const auto r =
      sutro::nn::train(net, sutro::optim::sgd({.lr = 0.1, .weight_decay = 0.01}), fit.view(), held.view(), {.seed = 1});
  return {r.epochs, r.test_accuracy};
}
// [network]

// The two instantiations, compiled by different compilers.
std::vector<outcome> run_simd(const config& c);
std::vector<outcome> run_cuda(const config& c);
training train_simd();
training train_cuda();
bool cuda_device_visible();

}  // namespace two_backends
