// A user-defined optimizer is one small struct with init() and update();
// docs/optim.md quotes this file. This one is "clipped sign descent with
// momentum": m = beta m + g, step along sign(m), and it composes with the
// library's rules like any built-in one.
#include <cmath>
#include <cstdio>
#include <vector>

#include "sutro/nn/task_data.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace optim = sutro::optim;

// --- the whole optimizer -------------------------------------------------------
struct sign_momentum {
  double beta = 0.9;

  template <class T>
  using state = std::vector<std::vector<T>>;  // one momentum buffer per layer

  template <class T>
  state<T> init(optim::tensors<T> params) const {
    state<T> s;
    for (const auto& p : params) s.emplace_back(p.size(), T(0));
    return s;
  }

  // Turns gradients into update directions in place; each layer arrives as a
  // tensor_ref with its shape (rows, cols, kind()) for matrix-aware rules.
  template <class T>
  void update(optim::tensors<T> grads, state<T>& m, optim::tensors<T> /*params*/) const {
    for (std::size_t l = 0; l < grads.size(); ++l)
      for (std::size_t i = 0; i < grads[l].size(); ++i) {
        m[l][i] = static_cast<T>(beta) * m[l][i] + grads[l].data[i];
        grads[l].data[i] = static_cast<T>((m[l][i] > 0) - (m[l][i] < 0));
      }
  }
};
// -------------------------------------------------------------------------------

int main() {
  namespace nn = sutro::nn;
  static_assert(optim::gradient_transformation<sign_momentum, float>);
  // W -= 0.01 (sign(m) + 0.01 W), with the update clipped to [-0.01, 0.01] afterwards.
  const auto rule =
      optim::chain(sign_momentum{0.9}, optim::add_decayed_weights{0.01}, optim::scale{-0.01}, optim::clip{0.01});

  namespace tasks = sutro::tasks;
  const auto task = tasks::sparse_parity(20, 3, 42);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, 1000));
  const auto test = nn::to_dataset<float>(task.packed(tasks::split::test, 200));
  nn::mlp<float> net({.inputs = 20, .hidden = {200}}, 1);
  const auto r = nn::train(net, rule, train.view(), test.view(),
                           {.epochs = 100, .batch = 32, .seed = 1, .loss_kind = train.loss_kind});
  std::printf("sign_momentum: %s after %zu epochs, test accuracy %.3f, %.1f ms\n",
              std::string(nn::to_string(r.status)).c_str(), r.epochs, r.test_accuracy, r.seconds * 1e3);
  return r.test_accuracy > 0.5 ? 0 : 1;
}
