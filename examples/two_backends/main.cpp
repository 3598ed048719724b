// One templated experiment (experiment.hpp) run unchanged on sutro::simd and
// sutro::cuda; the answers of every system are compared between the two, and
// one network is trained on each.
#include <cstdio>

#include "experiment.hpp"

int main() {
  const two_backends::config c;
  const auto host = two_backends::run_simd(c);
  std::printf("sparse parity n=%zu k=%zu, %zu tasks per budget: fraction solved exactly\n", c.n, c.k, c.systems);
  for (const auto& o : host) std::printf("  %3zu samples: %.4f\n", o.samples, double(o.found) / double(c.systems));
  const auto net = two_backends::train_simd();
  std::printf("an MLP (20 -> 200 -> 1, SGD) on (20,3): simd %zu epochs, test accuracy %.3f\n", net.epochs,
              net.test_accuracy);
  if (!two_backends::cuda_device_visible()) {
    std::printf("no CUDA device visible: skipped the device run (the CUDA part was compiled)\n");
    return net.test_accuracy >= 0.95 ? 0 : 1;
  }
  const auto dev = two_backends::run_cuda(c);
  bool same = dev.size() == host.size();
  for (std::size_t i = 0; same && i < dev.size(); ++i) same = dev[i].results == host[i].results;
  std::printf("cuda: %s\n", same ? "every answer identical to simd" : "ANSWERS DIFFER from simd");
  // The device network sums in another order: its epochs may differ by rounding; it must still solve.
  const auto dev_net = two_backends::train_cuda();
  std::printf("the MLP on cuda: %zu epochs, test accuracy %.3f\n", dev_net.epochs, dev_net.test_accuracy);
  return same && net.test_accuracy >= 0.95 && dev_net.test_accuracy >= 0.95 ? 0 : 1;
}
