// Reproduces the group's optimizer findings (docs/optim.md quotes the output):
//   1. sparse parity (20, 3), harness configuration: SGD vs EGD epochs to 90% / to solve
//   2. sparse sum (20, 3), MSE, lr 0.1: SGD vs EGD
//   3. sparse parity (50, 3): configurations that solve it within 1 s
// Usage: optim_reproduce [seeds=1] [full]   (the docs' tables: optim_reproduce 5 full;
// without `full` only the fast rows run, which is what CTest does)
// Data: sutro::tasks, seed s = 0, 1, ...: the task's secret and train rows from
// s, its test rows from s + 1000; the network's init and the shuffle from s.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sutro/nn/task_data.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace nn = sutro::nn;
namespace optim = sutro::optim;
namespace tasks = sutro::tasks;

namespace {

struct setup {
  std::size_t n = 20, k = 3, train_rows = 1000, test_rows = 200, hidden = 200, epochs = 100;
  bool sum = false;  // sparse sum (MSE, regression) instead of parity (hinge)
  nn::init init = nn::init::he_normal();
};

template <class Rule>
nn::train_result run(const setup& s, const Rule& rule, std::uint64_t seed) {
  const auto task = s.sum ? tasks::sparse_sum(s.n, s.k, seed) : tasks::sparse_parity(s.n, s.k, seed);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, s.train_rows));
  const auto test = nn::to_dataset<float>(task.packed(tasks::split::test, s.test_rows));
  nn::mlp<float> net({.inputs = s.n, .hidden = {s.hidden}, .hidden_init = s.init}, seed);
  nn::train_options o{.epochs = s.epochs, .batch = 32, .seed = seed, .loss_kind = train.loss_kind};
  if (train.regression) o.target = nn::target_kind::regression;
  return nn::train(net, rule, train.view(), test.view(), o);
}

std::string opt_str(const std::optional<std::size_t>& v) { return v ? std::to_string(*v) : "-"; }

template <class Rule>
void table_rows(const char* name, const setup& s, const Rule& rule, std::size_t seeds) {
  std::vector<double> ms;
  std::size_t solved = 0, diverged = 0;
  std::string m90, msolve;
  for (std::uint64_t seed = 0; seed < seeds; ++seed) {
    const auto r = run(s, rule, seed);
    solved += r.status == nn::train_status::solved;
    diverged += r.status == nn::train_status::diverged;
    if (seed) m90 += ' ', msolve += ' ';
    m90 += opt_str(r.epochs_to_milestone);
    msolve += opt_str(r.epochs_to_solve);
    ms.push_back(r.seconds * 1e3);
  }
  std::sort(ms.begin(), ms.end());
  std::printf("| %s | %zu/%zu | %zu/%zu | %s | %s | %.1f |\n", name, solved, seeds, diverged, seeds, m90.c_str(),
              msolve.c_str(), ms[ms.size() / 2]);
}

void header(const char* title) {
  std::printf(
      "\n%s\n\n| method | solved | diverged | epochs to 90%% (per seed) | epochs to solve (per seed) | median ms |\n"
      "|---|---|---|---|---|---|\n",
      title);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t seeds = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 1;
  const bool full = argc > 2 && std::string(argv[2]) == "full";

  setup parity;
  header("Sparse parity (20, 3), 1000/200, hidden 200, ReLU, hinge, lr 0.1, wd 0.01, batch 32, He init");
  table_rows("SGD", parity, optim::sgd({.lr = 0.1, .weight_decay = 0.01}), seeds);
  table_rows("EGD", parity, optim::egd({.lr = 0.1, .weight_decay = 0.01}), seeds);
  if (full) {
    table_rows("Nesterov lr 0.05, momentum 0.9", parity,
               optim::nesterov({.lr = 0.05, .beta = 0.9, .weight_decay = 0.01}), seeds);
    table_rows("sign-SGD lr 0.01", parity, optim::sign_sgd({.lr = 0.01, .weight_decay = 0.01}), seeds);
    table_rows("Muon lr 0.02, momentum 0.95", parity, optim::muon({.lr = 0.02, .beta = 0.95, .weight_decay = 0.01}),
               seeds);
    table_rows("Adam lr 0.001", parity, optim::adam({.lr = 0.001}), seeds);
    table_rows("Adam lr 0.01", parity, optim::adam({.lr = 0.01}), seeds);
  }

  setup sum;
  sum.sum = true;
  header("Sparse sum (20, 3), MSE, same network, lr 0.1, wd 0.01 (accuracy: rounded prediction)");
  table_rows("SGD", sum, optim::sgd({.lr = 0.1, .weight_decay = 0.01}), seeds);
  table_rows("EGD", sum, optim::egd({.lr = 0.1, .weight_decay = 0.01}), seeds);

  setup wide;
  wide.n = 50;
  wide.epochs = 60;
  header("Sparse parity (50, 3), test 200, hidden 200, hinge, batch 32, wd 0.01, at most 60 epochs");
  wide.train_rows = 2000;
  table_rows("Nesterov lr 0.05, momentum 0.9, 2000 train", wide,
             optim::nesterov({.lr = 0.05, .beta = 0.9, .weight_decay = 0.01}), seeds);
  if (full) {
    table_rows("SGD lr 0.2, 2000 train", wide, optim::sgd({.lr = 0.2, .weight_decay = 0.01}), seeds);
    table_rows("SGD lr 0.1, 2000 train", wide, optim::sgd({.lr = 0.1, .weight_decay = 0.01}), seeds);
    table_rows("EGD lr 0.1, 2000 train", wide, optim::egd({.lr = 0.1, .weight_decay = 0.01}), seeds);
    wide.train_rows = 1000;
    table_rows("SGD lr 0.1, 1000 train", wide, optim::sgd({.lr = 0.1, .weight_decay = 0.01}), seeds);
    table_rows("EGD lr 0.1, 1000 train", wide, optim::egd({.lr = 0.1, .weight_decay = 0.01}), seeds);
  }
  return 0;
}
