// Single-thread timings of the tiny-MLP pieces, harness configuration
// (n = 20, k = 3, hidden 200, batch 32, hinge, lr 0.1, wd 0.01):
//   nn_step/<rule>      one training step: forward + backward + update
//   polar_factor_200x20 EGD's exact U V^T of a 200 x 20 gradient
//   newton_schulz_200x20 Muon's 5-step approximation of it
//   train_to_95/<rule>  a whole run to 95% test accuracy, seeds 0..19 once
//                       each (an iteration a seed): time and counter epochs
//                       their means; counters median_ms, median_epochs and
//                       median_ms/epoch over the seeds, the statistics
//                       benchmarks/torch_compare.py takes on both sides
//                       (training alone timed, as there)
//   epoch_mse/<rule>    one epoch from initialization under the MSE loss, where
//                       every sample is active, so its multiply-adds are known:
//                       counter FMA/s, to hold against fma_peak's
//   epochs_mse_20/sgd   the same for a run of 20 epochs: the loop itself, with
//                       train()'s checks and set-up spread over 20 epochs
//   fma_peak/f32xW      the core's FP32 multiply-add throughput: 12 independent
//                       chains of W-float vectors in registers; the faster of
//                       the two widths is the peak (f32x16 spills on cores
//                       without AVX-512)
//   loop_vs_peak/sgd    epochs_mse_20/sgd and fma_peak/f32x16 (f32x8 without
//                       AVX-512) alternated within each iteration: counter
//                       of_peak, the median ratio
//   kernel/<name>       one batch's kernel alone (32 rows, 20 inputs, 200
//                       hidden, data in cache): forward_relu (20 -> 200),
//                       backward (relu_output_weight_grad: the output weight
//                       gradient and the first layer's), dot_rows (200 -> 1);
//                       counter FMA/s, its multiply-adds as epoch_fmas counts them
//   fma_broadcast/<b>   20 chains of multiply-adds fed by broadcast floats (8
//                       without AVX-512):
//                       b = 1 gives every multiply-add its own broadcast (the
//                       backward kernel's ratio), b = 2 shares one between
//                       two; counter FMA/s, against fma_peak's
// Data: sutro::tasks sparse parity, seed s: the secret and the 1000 train rows
// from s, the 200 test rows from s + 1000; init and shuffle from s, as
// examples/optim_reproduce does.
// Run: build/default/benchmarks/nn_train --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <vector>

#include "sutro/memory/aligned_allocator.hpp"
#include "sutro/nn/kernels.hpp"
#include "sutro/nn/random.hpp"
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

constexpr std::uint64_t train_seeds = 20;

const seed_data& data(std::uint64_t s) {
  static const std::vector<seed_data> sets = [] {
    std::vector<seed_data> v;
    for (std::uint64_t i = 0; i < train_seeds; ++i) {
      const auto task = tasks::sparse_parity(20, 3, i);
      v.push_back({nn::to_dataset<float>(task.packed(tasks::split::train, 1000)),
                   nn::to_dataset<float>(task.packed(tasks::split::test, 200))});
    }
    return v;
  }();
  return sets[s % train_seeds];
}

double median_of(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : 0.5 * (v[h - 1] + v[h]);
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

// Multiply-adds of one epoch as the loop runs them, every sample active:
// forward (inputs x hidden + hidden x 1) and weight gradients (hidden for the
// output layer, inputs x hidden for the first) per training row, the update
// (one per parameter per step), and the forward pass over the test rows.
double epoch_fmas(std::size_t inputs, std::size_t hidden, std::size_t train_rows, std::size_t test_rows,
                  std::size_t batch) {
  const double forward = double(inputs * hidden + hidden), grads = double(hidden + inputs * hidden);
  const double params = double(inputs * hidden + 2 * hidden + 1);
  const double steps = double((train_rows + batch - 1) / batch);
  return double(train_rows) * (forward + grads) + steps * params + double(test_rows) * forward;
}

template <class Rule>
void epoch_mse_bench(benchmark::State& st, Rule rule, std::size_t epochs = 1) {
  nn::mlp<float> net({.inputs = 20, .hidden = {200}}, 0);
  const auto& d = data(0);
  const nn::train_options opts{
      .epochs = epochs, .batch = 32, .seed = 0, .loss_kind = nn::loss::mse, .stop_when_solved = false};
  for (auto _ : st) {
    st.PauseTiming();
    net.reinitialize(0);
    st.ResumeTiming();
    benchmark::DoNotOptimize(nn::train(net, rule, d.train.view(), d.test.view(), opts));
  }
  const double fmas = double(epochs) * epoch_fmas(20, 200, d.train.view().rows(), d.test.view().rows(), 32);
  st.counters["FMA/epoch"] = fmas / double(epochs);
  st.counters["FMA/s"] = benchmark::Counter(fmas * double(st.iterations()), benchmark::Counter::kIsRate);
}

typedef float f32x8 __attribute__((vector_size(32)));
typedef float f32x16 __attribute__((vector_size(64)));

// 12 independent chains of W-float vectors: run(rounds) issues 12 x rounds
// vector FMAs, each contracted from x * a + b (gnu++20), and keeps the results.
// run() must compile to FMAs on registers only (check with objdump -d): FMAs
// with a 64-byte memory operand retire at 75 G/s against 110 G/s from
// registers on the Intel Xeon of docs/performance.md, and would understate the peak.
template <class vec>
struct fma_chains {
  static constexpr std::size_t W = sizeof(vec) / sizeof(float), chains = 12;
  vec acc[chains], a, b;
  fma_chains() {
    for (std::size_t l = 0; l < W; ++l) {
      a[l] = 0.999f;
      b[l] = 0.001f;
    }
    for (std::size_t c = 0; c < chains; ++c)
      for (std::size_t l = 0; l < W; ++l) acc[c][l] = float(c + l);
  }
  [[nodiscard]] static constexpr double fmas(std::size_t rounds) { return double(rounds * chains * W); }
  void run(std::size_t rounds) {
    for (std::size_t r = 0; r < rounds; ++r)
      for (std::size_t c = 0; c < chains; ++c) acc[c] = acc[c] * a + b;
    for (std::size_t c = 0; c < chains; ++c) benchmark::DoNotOptimize(acc[c]);
  }
};

// Multiply-adds fed by broadcasts, in registers: for each of 32 rows, Shared
// vectors loaded, then chains / Shared of the row's floats broadcast, each
// into Shared chains. 20 chains of 16 floats (in 20 of AVX-512's 32
// registers, as the backward kernel's 20 inputs); 8 of 8 floats, which leave
// room in AVX2's 16.
template <class vec, std::size_t Shared>
struct broadcast_chains {
  static constexpr std::size_t W = sizeof(vec) / sizeof(float), chains = W == 16 ? 20 : 8, rows = 32;
  static constexpr std::size_t per_row = chains / Shared;  // broadcasts a row
  alignas(64) float x[rows * chains];
  alignas(64) float d[rows * Shared * W];
  vec acc[chains];
  broadcast_chains() {
    for (std::size_t i = 0; i < rows * chains; ++i) x[i] = 0.001f * float(i % 13);
    for (std::size_t i = 0; i < rows * Shared * W; ++i) d[i] = 0.5f - 0.01f * float(i % 7);
    for (auto& a : acc)
      for (std::size_t l = 0; l < W; ++l) a[l] = 0.0f;
  }
  [[nodiscard]] static constexpr double fmas(std::size_t passes) { return double(passes * rows * chains * W); }
  // The chains are locals: as members, their stores might alias x and d, and
  // GCC would keep them in memory.
  void run(std::size_t passes) {
    vec a[chains];
    for (std::size_t c = 0; c < chains; ++c) a[c] = acc[c];
    const float* xs = x;
    const float* ds = d;
    for (std::size_t p = 0; p < passes; ++p)
      for (std::size_t r = 0; r < rows; ++r) {
        vec dv[Shared];
        for (std::size_t s = 0; s < Shared; ++s) __builtin_memcpy(&dv[s], ds + (r * Shared + s) * W, sizeof(vec));
        const float* xr = xs + r * chains;
#pragma GCC unroll 20
        for (std::size_t i = 0; i < per_row; ++i)
#pragma GCC unroll 2
          for (std::size_t s = 0; s < Shared; ++s) a[i * Shared + s] = xr[i] * dv[s] + a[i * Shared + s];
      }
    for (std::size_t c = 0; c < chains; ++c) {
      benchmark::DoNotOptimize(a[c]);
      acc[c] = a[c];
    }
  }
};

template <class vec, std::size_t Shared>
void fma_broadcast_bench(benchmark::State& st) {
  constexpr std::size_t passes = 16;
  broadcast_chains<vec, Shared> bench;
  for (auto _ : st) bench.run(passes);
  st.counters["FMA/s"] = benchmark::Counter(bench.fmas(passes) * double(st.iterations()), benchmark::Counter::kIsRate);
}

// One batch's kernel, every row active: 32 rows of 20 inputs, 200 hidden
// units. The backward's working set (about 47 KB) is at the edge of a 48 KB L1.
// The sizes are run-time values, as the network passes them (constants let
// GCC 12 fold the AVX2 level's row loops into a false -Waggressive-loop-optimizations).
struct kernel_data {
  std::size_t rows = opaque(32), inputs = opaque(20), hidden = opaque(200);
  template <class T>
  using buffer = std::vector<T, sutro::memory::aligned_allocator<T, 64>>;
  // x: inputs; W1, b1: the hidden layer; w2: the output weights; h: hidden
  // activations (ReLU'd by kernel_bench); g: the loss gradient at each output;
  // out: the outputs; gW, gw, gb: the gradients of W1, w2 and b1.
  buffer<float> x = filled(rows * inputs), W1 = filled(inputs * hidden), b1 = filled(hidden), w2 = filled(hidden),
                g = filled(rows), h = filled(rows * hidden), out = filled(rows), gW = filled(inputs * hidden),
                gw = filled(hidden), gb = filled(hidden);
  std::vector<std::size_t> active = [this] {
    std::vector<std::size_t> v(rows);
    for (std::size_t i = 0; i < rows; ++i) v[i] = i;
    return v;
  }();
  static std::size_t opaque(std::size_t n) {
    benchmark::DoNotOptimize(n);
    return n;
  }
  static buffer<float> filled(std::size_t n) {
    std::mt19937_64 rng(n);
    buffer<float> v(n);
    for (auto& e : v) e = static_cast<float>(nn::standard_normal(rng));
    return v;
  }
};

// fmas(k): the kernel's multiply-adds for k's sizes, as epoch_fmas counts them.
template <class Fmas, class Kernel>
void kernel_bench(benchmark::State& st, Fmas fmas_of, Kernel kernel) {
  kernel_data k;
  const double fmas = fmas_of(k);
  sutro::nn::kernels::dense_forward_relu(k.rows, k.inputs, k.hidden, k.x.data(), k.W1.data(), k.b1.data(),
                                         k.h.data());  // activations with their ReLU zeros
  for (auto _ : st) {
    kernel(k);
    benchmark::ClobberMemory();
  }
  st.counters["FMA/s"] = benchmark::Counter(fmas * double(st.iterations()), benchmark::Counter::kIsRate);
}

template <class vec>
void fma_peak_bench(benchmark::State& st) {
  constexpr std::size_t rounds = 256;
  fma_chains<vec> peak;
  for (auto _ : st) peak.run(rounds);
  st.counters["FMA/s"] = benchmark::Counter(peak.fmas(rounds) * double(st.iterations()), benchmark::Counter::kIsRate);
}

// The loop's share of the peak with the two timed alternately, so that the
// clock's drift between two benchmarks does not enter the ratio: each
// iteration times 20 epochs of SGD, then as many FP32 FMAs on 12 chains of
// 16 floats (8 where the build has no AVX-512: f32x16 would spill), and the
// counter is the median of the iterations' ratios.
#if defined(__AVX512F__)
using peak_vec = f32x16;
#else
using peak_vec = f32x8;
#endif

void loop_vs_peak_bench(benchmark::State& st) {
  using clock = std::chrono::steady_clock;
  constexpr std::size_t epochs = 20;
  nn::mlp<float> net({.inputs = 20, .hidden = {200}}, 0);
  const auto& d = data(0);
  const auto rule = optim::sgd({.lr = 0.01, .weight_decay = 0.01});
  const nn::train_options opts{
      .epochs = epochs, .batch = 32, .seed = 0, .loss_kind = nn::loss::mse, .stop_when_solved = false};
  const double loop_fmas = double(epochs) * epoch_fmas(20, 200, d.train.view().rows(), d.test.view().rows(), 32);
  fma_chains<peak_vec> peak;
  const std::size_t peak_rounds = std::max<std::size_t>(1, std::size_t(loop_fmas / peak.fmas(1)));
  std::vector<double> shares, loop_rates, peak_rates;
  for (auto _ : st) {
    st.PauseTiming();
    net.reinitialize(0);
    st.ResumeTiming();
    const auto t0 = clock::now();
    benchmark::DoNotOptimize(nn::train(net, rule, d.train.view(), d.test.view(), opts));
    const auto t1 = clock::now();
    peak.run(peak_rounds);
    const auto t2 = clock::now();
    const double loop_rate = loop_fmas / std::chrono::duration<double>(t1 - t0).count();
    const double peak_rate = peak.fmas(peak_rounds) / std::chrono::duration<double>(t2 - t1).count();
    loop_rates.push_back(loop_rate);
    peak_rates.push_back(peak_rate);
    shares.push_back(loop_rate / peak_rate);
  }
  st.counters["loop_FMA/s"] = median_of(loop_rates);
  st.counters["peak_FMA/s"] = median_of(peak_rates);
  st.counters["of_peak"] = median_of(shares);
}

template <class Rule>
void train_bench(benchmark::State& st, Rule rule) {
  nn::mlp<float> net({.inputs = 20, .hidden = {200}}, 0);
  std::uint64_t seed = 0;
  double epochs = 0, solved = 0, runs = 0;
  std::vector<double> run_ms, run_epochs, run_ms_per_epoch;
  for (auto _ : st) {
    st.PauseTiming();
    net.reinitialize(seed);
    const seed_data& d = data(seed);  // the first call builds every seed's data: not timed
    st.ResumeTiming();
    const auto start = std::chrono::steady_clock::now();
    const auto r = nn::train(net, rule, d.train.view(), d.test.view(), {.epochs = 200, .batch = 32, .seed = seed});
    run_ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    run_epochs.push_back(static_cast<double>(r.epochs));
    run_ms_per_epoch.push_back(run_ms.back() / static_cast<double>(std::max<std::size_t>(r.epochs, 1)));
    epochs += static_cast<double>(r.epochs);
    solved += r.status == nn::train_status::solved;
    runs += 1;
    seed = (seed + 1) % train_seeds;
  }
  st.counters["epochs"] = epochs / runs;
  st.counters["solved"] = solved / runs;
  st.counters["median_ms"] = median_of(run_ms);
  st.counters["median_epochs"] = median_of(run_epochs);
  st.counters["median_ms/epoch"] = median_of(run_ms_per_epoch);
}

}  // namespace

BENCHMARK_CAPTURE(step_bench, sgd, optim::sgd({.lr = 0.1, .weight_decay = 0.01}))->Name("nn_step/sgd");
BENCHMARK_CAPTURE(step_bench, egd, optim::egd({.lr = 0.1, .weight_decay = 0.01}))->Name("nn_step/egd");
BENCHMARK_CAPTURE(step_bench, muon, optim::muon({.lr = 0.02, .beta = 0.95, .weight_decay = 0.01}))
    ->Name("nn_step/muon");
BENCHMARK(polar_bench)->Name("polar_factor_200x20");
BENCHMARK(ns_bench)->Name("newton_schulz_200x20");
BENCHMARK_CAPTURE(train_bench, sgd, optim::sgd({.lr = 0.1, .weight_decay = 0.01}))
    ->Name("train_to_95/sgd")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(train_seeds);
BENCHMARK_CAPTURE(train_bench, egd, optim::egd({.lr = 0.1, .weight_decay = 0.01}))
    ->Name("train_to_95/egd")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(train_seeds);

BENCHMARK_CAPTURE(epoch_mse_bench, sgd, optim::sgd({.lr = 0.01, .weight_decay = 0.01}))->Name("epoch_mse/sgd");
BENCHMARK_CAPTURE(epoch_mse_bench, egd, optim::egd({.lr = 0.01, .weight_decay = 0.01}))->Name("epoch_mse/egd");
BENCHMARK_CAPTURE(epoch_mse_bench, sgd, optim::sgd({.lr = 0.01, .weight_decay = 0.01}), 20)->Name("epochs_mse_20/sgd");
BENCHMARK(fma_peak_bench<f32x8>)->Name("fma_peak/f32x8");
BENCHMARK(loop_vs_peak_bench)->Name("loop_vs_peak/sgd")->Unit(benchmark::kMillisecond);
BENCHMARK(fma_peak_bench<f32x16>)->Name("fma_peak/f32x16");
BENCHMARK(fma_broadcast_bench<peak_vec, 1>)->Name("fma_broadcast/1");
BENCHMARK(fma_broadcast_bench<peak_vec, 2>)->Name("fma_broadcast/2");
BENCHMARK_CAPTURE(
    kernel_bench, forward_relu, [](const kernel_data& k) { return double(k.rows * k.inputs * k.hidden); },
    [](kernel_data& k) {
      sutro::nn::kernels::dense_forward_relu(k.rows, k.inputs, k.hidden, k.x.data(), k.W1.data(), k.b1.data(),
                                             k.h.data());
    })
    ->Name("kernel/forward_relu");
BENCHMARK_CAPTURE(
    kernel_bench, backward, [](const kernel_data& k) { return double(k.rows * (k.inputs * k.hidden + k.hidden)); },
    [](kernel_data& k) {
      sutro::nn::kernels::relu_output_weight_grad(k.active.data(), k.rows, k.inputs, k.hidden, k.g.data(), k.x.data(),
                                                  k.h.data(), k.w2.data(), k.gW.data(), k.gw.data(), k.gb.data());
    })
    ->Name("kernel/backward");
BENCHMARK_CAPTURE(
    kernel_bench, dot_rows, [](const kernel_data& k) { return double(k.rows * k.hidden); },
    [](kernel_data& k) {
      sutro::nn::kernels::dense_dot_rows(k.rows, k.hidden, k.h.data(), k.w2.data(), 0.5f, k.out.data());
    })
    ->Name("kernel/dot_rows");

BENCHMARK_MAIN();
