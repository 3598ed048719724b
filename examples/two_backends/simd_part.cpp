// The experiment on the host's SIMD backend (compiled by the host compiler).
#include "experiment.hpp"

namespace two_backends {
std::vector<outcome> run_simd(const config& c) { return samples_needed(sutro::simd{}, c); }
training train_simd() { return train_parity(sutro::simd{}); }
}  // namespace two_backends
