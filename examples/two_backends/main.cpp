// One templated experiment (experiment.hpp) run unchanged on sutro::simd and
// sutro::cuda; the answers of every system are compared between the two.
#include <cstdio>

#include "experiment.hpp"

int main() {
  const two_backends::config c;
  const auto host = two_backends::run_simd(c);
  std::printf("sparse parity n=%zu k=%zu, %zu tasks per budget: fraction solved exactly\n", c.n, c.k, c.systems);
  for (const auto& o : host) std::printf("  %3zu samples: %.4f\n", o.samples, double(o.found) / double(c.systems));
  if (!two_backends::cuda_device_visible()) {
    std::printf("no CUDA device visible: skipped the device run (the CUDA part was compiled)\n");
    return 0;
  }
  const auto dev = two_backends::run_cuda(c);
  bool same = dev.size() == host.size();
  for (std::size_t i = 0; same && i < dev.size(); ++i) same = dev[i].results == host[i].results;
  std::printf("cuda: %s\n", same ? "every answer identical to simd" : "ANSWERS DIFFER from simd");
  return same ? 0 : 1;
}
