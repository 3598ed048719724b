// The main demo: every exact solver on sparse parity (20,3), (50,3), (100,3),
// (20,5) and noisy (20,3) at 10%, plus sparse sum (20,3), over the challenge
// seeds 42, 123, 456 with 500 train / 500 test samples (test from seed + 1000).
// SGD-, Adam-, EGD- and Muon-trained MLPs (sutro::nn, sutro::optim) join for (20,3).
// One comparison table, with the data movement (mean reuse distance, DMD,
// ByteDMD-tr, energy estimate) of one traced run per method and seed (every
// method here has one; the footer names each trace); `--json` prints the full
// report as JSON instead. gf2_elimination and gf2_general are noise-free: on
// the noisy task they are not run, their rows say "does not apply" and the
// footer says why (lab::method::declines), so "pass" is about the methods that
// apply.
//
//   ./build/examples/sparse_parity_lab            (README's first command)
#include <cmath>
#include <cstring>
#include <iostream>
#include <vector>

#include "sutro/lab/experiment.hpp"
#include "sutro/lab/mlp_method.hpp"
#include "sutro/lab/report.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/gf2_general.hpp"
#include "sutro/solvers/robust_gf2.hpp"
#include "sutro/solvers/sparse_sum.hpp"

int main(int argc, char** argv) {
  namespace lab = sutro::lab;
  namespace solvers = sutro::solvers;
  using sutro::tasks::task_kind;
  const bool json = argc > 1 && std::strcmp(argv[1], "--json") == 0;

  std::vector<lab::config> configs;
  for (auto [n, k, p] : std::vector<std::tuple<std::size_t, std::size_t, double>>{
           {20, 3, 0.0}, {50, 3, 0.0}, {100, 3, 0.0}, {20, 5, 0.0}, {20, 3, 0.1}}) {
    lab::config c = lab::challenge();
    c.label.clear();
    c.task.n = n;
    c.task.k = k;
    c.task.noise = p;
    configs.push_back(c);
  }
  lab::config sum = lab::challenge();
  sum.label.clear();
  sum.task.kind = task_kind::sum;
  configs.push_back(sum);

  std::vector<lab::method> methods = {
      lab::from_solver(solvers::gf2_elimination{}),
      lab::from_solver(solvers::gf2_general{}),
      lab::from_solver(solvers::robust_gf2{}),
      lab::from_solver(solvers::exhaustive{}),
      lab::from_solver(solvers::sum_correlation{}, "", {task_kind::sum}),
      lab::from_solver(solvers::sum_least_squares{}, "", {task_kind::sum}),
  };

  lab::report all;
  for (const auto& c : configs) {
    auto ms = methods;
    if (c.task.kind == task_kind::parity && c.task.noise == 0.0) {
      // Exhaustive search near the information-theoretic sample count log2 C(n, k).
      const double bits = std::lgamma(double(c.task.n) + 1) - std::lgamma(double(c.task.k) + 1) -
                          std::lgamma(double(c.task.n - c.task.k) + 1);
      const auto m = static_cast<std::size_t>(std::ceil(bits / std::log(2.0))) + 8;
      ms.push_back(lab::from_solver(solvers::exhaustive({.max_samples = m}), "exhaustive m=" + std::to_string(m)));
    }
    lab::append(all, lab::run(c, ms));
  }
  // Trained MLPs as in the group's harness (20-200-1 ReLU, hinge loss, lr 0.1, weight decay
  // 0.01, batch 32, up to 100 epochs) on 1000 training rows, 200 of them held out for early
  // stopping; one timed run each (training is ms-scale).
  // (At n = 50 both fail within this budget, as the group found: add 50u to see it.)
  // Unoptimized (e.g. sanitizer) builds skip them: training at -O0 takes tens of seconds.
#if defined(__OPTIMIZE__) || defined(_MSC_VER) && defined(NDEBUG)
  constexpr bool train_mlps = true;
#else
  constexpr bool train_mlps = false;
#endif
  for (std::size_t n : {20u}) {
    if (!train_mlps) break;
    lab::config c = lab::challenge();
    c.label = "sparse_parity (" + std::to_string(n) + ",3) m=1000";
    c.task.n = n;
    c.train = 1000;
    c.repeats = 1;
    // Each traced run is the training itself under the recording policy (nn::train_recorded), the
    // optimizer's own update included; a declared sample of every 8th epoch keeps it to seconds
    // (scaled, and labelled as such in the footer and the JSON's "sample_scale").
    const lab::mlp_method_options o{.trace_every_epochs = 8};
    lab::append(
        all,
        lab::run(
            c,
            {lab::mlp_method("sgd_mlp", sutro::optim::sgd({.lr = 0.1, .weight_decay = 0.01}), o),
             lab::mlp_method(
                 "adam_mlp",
                 sutro::optim::adam({.lr = 0.01, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0.01}), o),
             lab::mlp_method("egd_mlp", sutro::optim::egd({.lr = 0.1, .weight_decay = 0.01}), o),
             lab::mlp_method("muon_mlp", sutro::optim::muon({.lr = 0.02, .beta = 0.95, .weight_decay = 0.01}), o)}));
  }
  if (json) {
    std::cout << lab::to_json(all);
  } else {
    std::cout
        << "sutro sparse-parity lab: seeds 42/123/456, 500 train (m=1000 where marked) / 500 test (test from\n"
           "seed+1000); time = median of 5 runs of the method alone (MLP rows: 1 run; data generation\n"
           "excluded); secret = runs that named the exact subset; memory = through sutro's accounting allocators;\n"
           "data movement = one traced run per seed of the library's own kernels (footer: which trace, what size);\n"
           "a method that does not apply to a task is not run on it (footer: why)\n\n";
    lab::print_table(std::cout, all);
    if (!train_mlps) std::cout << "\n(unoptimized build: the MLP rows are skipped; build Release to see them)\n";
  }
  return 0;
}
