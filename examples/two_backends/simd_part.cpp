// The experiment on the host's SIMD backend (compiled by the host compiler).
#include "experiment.hpp"

namespace two_backends {
std::vector<outcome> run_simd(const config& c) { return samples_needed(sutro::simd{}, c); }
}  // namespace two_backends
