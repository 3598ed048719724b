// Train a 20-200-1 ReLU MLP on sparse parity (20, 3) with SGD and with EGD,
// the group's harness configuration (docs/nn.md quotes this file).
#include <cstdio>
#include <string>
#include <utility>

#include "sutro/nn/task_data.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/tasks/sparse_task.hpp"

int main() {
  namespace nn = sutro::nn;
  namespace optim = sutro::optim;
  namespace tasks = sutro::tasks;
  // One task, so one secret; its test split is drawn from seed 42 + 1000.
  const auto task = tasks::sparse_parity(20, 3, /*seed*/ 42);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, 1000));
  const auto test = nn::to_dataset<float>(task.packed(tasks::split::test, 200));
  const nn::train_options opts{.epochs = 100, .batch = 32, .seed = 1, .loss_kind = train.loss_kind};

  nn::mlp<float> net({.inputs = 20, .hidden = {200}}, /*init seed*/ 1);
  const auto sgd = nn::train(net, optim::sgd({.lr = 0.1, .weight_decay = 0.01}), train.view(), test.view(), opts);

  net.reinitialize(1);
  const auto egd = nn::train(net, optim::egd({.lr = 0.1, .weight_decay = 0.01}), train.view(), test.view(), opts);

  for (auto [name, r] : {std::pair{"SGD", sgd}, std::pair{"EGD", egd}})
    std::printf("%s: %s after %zu epochs (90%% at %zu), test accuracy %.3f, %.2f ms\n", name,
                std::string(nn::to_string(r.status)).c_str(), r.epochs, r.epochs_to_milestone.value_or(0),
                r.test_accuracy, r.seconds * 1e3);
  return sgd.status == nn::train_status::solved && egd.status == nn::train_status::solved ? 0 : 1;
}
