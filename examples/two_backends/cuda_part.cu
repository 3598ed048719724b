// The same experiment on the CUDA backend (compiled by nvcc).
#include "experiment.hpp"

namespace two_backends {
std::vector<outcome> run_cuda(const config& c) { return samples_needed(sutro::cuda{}, c); }
training train_cuda() { return train_parity(sutro::cuda{}); }
bool cuda_device_visible() { return sutro::cuda_device_count() > 0; }
}  // namespace two_backends
