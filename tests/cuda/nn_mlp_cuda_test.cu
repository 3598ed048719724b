// nn::mlp<float, sutro::cuda> against mlp<float, scalar>: the same initial
// weights bit for bit; forward outputs, losses and gradients within float
// rounding for every activation, one and two hidden layers, batches 1, 32 and
// 65 and each loss, and backward() from given output gradients; host-side
// parameter changes seen by the next pass;
// nn::train with SGD and EGD solving sparse parity (20,3); errors; the device
// memory counted and returned.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <limits>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sutro/nn/cuda/mlp.cuh"  // first: it includes the host nn headers for nvcc

#include "cuda/cuda_check.hpp"
#include "support/thrown.hpp"
#include "sutro/nn/task_data.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace {
using namespace sutro;
using DeviceAlloc = memory::device_allocator<float>;
using D = nn::mlp<float, sutro::cuda, DeviceAlloc>;
using H = nn::mlp<float, sutro::scalar>;

// |a - b| <= tol * max(1, the largest |host value|): float sums in another order.
bool close_all(std::span<const float> dev, std::span<const float> host, float tol = 2e-5f) {
  if (dev.size() != host.size()) return false;
  float scale = 1.0f;
  for (float v : host) scale = std::max(scale, std::abs(v));
  for (std::size_t i = 0; i < dev.size(); ++i) {
    if (!(std::abs(dev[i] - host[i]) <= tol * scale)) {
      std::printf("  element %zu: device %.9g host %.9g (scale %g)\n", i, dev[i], host[i], scale);
      return false;
    }
  }
  return true;
}

template <class F>
std::string invalid_argument_of(F&& f) {
  return testing::thrown_message(std::forward<F>(f), "(no std::invalid_argument)");
}

void passes_match_host(const DeviceAlloc& alloc) {
  struct shape {
    std::size_t inputs;
    std::vector<std::size_t> hidden;
    nn::activation act;
  };
  const shape shapes[] = {{20, {200}, nn::activation::relu},
                          {7, {16, 8}, nn::activation::tanh},
                          {5, {33}, nn::activation::sigmoid},
                          {64, {65, 63}, nn::activation::leaky_relu},
                          {3, {1}, nn::activation::identity}};
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (const auto& s : shapes) {
    const nn::mlp_config cfg{.inputs = s.inputs, .hidden = s.hidden, .act = s.act};
    D d(cfg, 7, alloc);
    H h(cfg, 7);
    SUTRO_CUDA_EXPECT(
        std::equal(d.flat_params().begin(), d.flat_params().end(), h.flat_params().begin(), h.flat_params().end()));
    for (std::size_t B : {std::size_t{1}, std::size_t{32}, std::size_t{65}}) {
      std::printf("%s, %zu inputs, %zu hidden layers, batch %zu\n", std::string(nn::to_string(s.act)).c_str(), s.inputs,
                  s.hidden.size(), B);
      std::vector<float> x(B * s.inputs), sign(B), real(B), fd(B), fh(B);
      for (auto& v : x) v = normal(rng);
      for (std::size_t b = 0; b < B; ++b) {
        sign[b] = (rng() & 1u) ? 1.0f : -1.0f;
        real[b] = normal(rng);
      }
      d.forward(x, B, fd);
      h.forward(x, B, fh);
      SUTRO_CUDA_EXPECT(close_all(fd, fh));
      for (nn::loss kind : {nn::loss::hinge, nn::loss::mse, nn::loss::logistic}) {
        const std::vector<float>& y = kind == nn::loss::mse ? real : sign;
        const float ld = d.loss_and_gradient(x, y, B, kind);
        const float lh = h.loss_and_gradient(x, y, B, kind);
        SUTRO_CUDA_EXPECT(close_all(std::span<const float>(&ld, 1), std::span<const float>(&lh, 1)));
        SUTRO_CUDA_EXPECT(close_all(d.flat_grads(), h.flat_grads()));
      }
      // backward() with given output gradients, some zero (skipped samples), after a forward.
      std::vector<float> g(B);
      for (std::size_t b = 0; b < B; ++b) g[b] = b % 3 == 1 ? 0.0f : normal(rng);
      d.forward(x, B, fd);
      h.forward(x, B, fh);
      d.backward(x, g, B);
      h.backward(x, g, B);
      SUTRO_CUDA_EXPECT(close_all(d.flat_grads(), h.flat_grads()));
    }
    // A change through the host mirror (what a rule does) reaches the next pass.
    for (std::size_t i = 0; i < d.parameter_count(); ++i) {
      d.flat_params()[i] *= 0.5f;
      h.flat_params()[i] *= 0.5f;
    }
    std::vector<float> x(4 * s.inputs, 0.25f), fd(4), fh(4);
    d.forward(x, 4, fd);
    h.forward(x, 4, fh);
    SUTRO_CUDA_EXPECT(close_all(fd, fh));
  }
}

// A hinge batch where some margins are met: those samples add nothing, as on the host.
void met_margins_skipped(const DeviceAlloc& alloc) {
  const nn::mlp_config cfg{.inputs = 4, .hidden = {6}};
  D d(cfg, 3, alloc);
  H h(cfg, 3);
  std::vector<float> x = {1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0};
  std::vector<float> f(3);
  h.forward(x, 3, f);
  // Labels that agree with f where |f| is largest, scaled past the margin.
  for (std::size_t i = 0; i < d.parameter_count(); ++i) {
    d.flat_params()[i] *= 8.0f;
    h.flat_params()[i] *= 8.0f;
  }
  h.forward(x, 3, f);
  std::vector<float> y(3);
  for (std::size_t b = 0; b < 3; ++b) y[b] = f[b] >= 0 ? 1.0f : -1.0f;
  y[2] = -y[2];  // one sample on the wrong side
  SUTRO_CUDA_EXPECT(close_all(std::vector<float>{d.loss_and_gradient(x, y, 3, nn::loss::hinge)},
                              std::vector<float>{h.loss_and_gradient(x, y, 3, nn::loss::hinge)}));
  SUTRO_CUDA_EXPECT(close_all(d.flat_grads(), h.flat_grads()));
}

void trains_sparse_parity(const DeviceAlloc& alloc) {
  const auto task = tasks::sparse_parity(20, 3, 42);
  const auto train = nn::to_dataset<float>(task.packed(tasks::split::train, 1000));
  const auto test = nn::to_dataset<float>(task.packed(tasks::split::test, 500));
  const nn::train_options opt{.epochs = 100, .batch = 32, .seed = 1};
  const nn::mlp_config cfg{.inputs = 20, .hidden = {200}};
  {
    D d(cfg, 1, alloc);
    H h(cfg, 1);
    const auto rule = optim::sgd({.lr = 0.1, .weight_decay = 0.01});
    const auto rd = nn::train(d, rule, train.view(), test.view(), opt);
    const auto rh = nn::train(h, rule, train.view(), test.view(), opt);
    std::printf("sgd (20,3): cuda %zu epochs, test %.3f, %.1f ms; scalar host %zu epochs, test %.3f, %.1f ms\n",
                rd.epochs, rd.test_accuracy, 1e3 * rd.seconds, rh.epochs, rh.test_accuracy, 1e3 * rh.seconds);
    SUTRO_CUDA_EXPECT(rd.status == nn::train_status::solved);
    SUTRO_CUDA_EXPECT(rd.test_accuracy >= 0.95);
    SUTRO_CUDA_EXPECT(nn::accuracy(d, test.view(), nn::target_kind::classification) == rd.test_accuracy);
  }
  {
    D d(cfg, 1, alloc);
    const auto rd = nn::train(d, optim::egd({.lr = 0.1}), train.view(), test.view(), opt);
    std::printf("egd (20,3): cuda %zu epochs, test %.3f, %.1f ms\n", rd.epochs, rd.test_accuracy, 1e3 * rd.seconds);
    SUTRO_CUDA_EXPECT(rd.status == nn::train_status::solved);
  }
}

void errors(const DeviceAlloc& alloc) {
  D d({.inputs = 3, .hidden = {4}}, 1, alloc);
  std::vector<float> x(6, 1.0f), y = {1.0f, 0.0f}, out(2);
  SUTRO_CUDA_EXPECT(invalid_argument_of([&] { (void)d.loss_and_gradient(x, y, 0, nn::loss::hinge); }).find("batch 0") !=
                    std::string::npos);
  SUTRO_CUDA_EXPECT(invalid_argument_of([&] {
                      (void)d.loss_and_gradient(x, y, 2, nn::loss::hinge);
                    }).find("labels -1 or +1, got 0 at index 1") != std::string::npos);
  SUTRO_CUDA_EXPECT(invalid_argument_of([&] { d.forward(x, 3, out); }).find("need batch 3 x 3 inputs") !=
                    std::string::npos);
  SUTRO_CUDA_EXPECT(invalid_argument_of([&] {
                      d.forward(x, 2, std::span<float>(out.data(), 1));
                    }).find("output span holds 1 values, batch is 2") != std::string::npos);
  SUTRO_CUDA_EXPECT(invalid_argument_of([&] {
                      d.backward(x, std::span<const float>(y.data(), 1), 2);
                    }).find("1 output gradients for a batch of 2") != std::string::npos);
  SUTRO_CUDA_EXPECT(invalid_argument_of([] { D bad({.inputs = 3, .hidden = {}}); }).find("1 or 2 nonzero hidden") !=
                    std::string::npos);
}

}  // namespace

int main(int argc, char** argv) {
  // --small (for racecheck) leaves out the training runs: 100 epochs of (20,3).
  const bool small = sutro::testing::size_cap(argc, argv) < std::numeric_limits<std::size_t>::max();
  if (sutro::cuda_device_count() == 0) {
    std::printf("SKIPPED: no CUDA device visible; nn::mlp<float, cuda> compiled but did not run\n");
    return 77;
  }
  memory::stats counter;
  {
    const DeviceAlloc alloc{counter};
    passes_match_host(alloc);
    met_margins_skipped(alloc);
    if (!small) trains_sparse_parity(alloc);
    errors(alloc);
    D d({.inputs = 20, .hidden = {200}}, 1, alloc);
    SUTRO_CUDA_EXPECT(counter.snapshot().bytes_in_use == 2 * d.parameter_count() * sizeof(float));
  }
  SUTRO_CUDA_EXPECT(counter.snapshot().bytes_in_use == 0);
  return sutro::testing::cuda_summary();
}
