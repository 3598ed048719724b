// The CPU baseline of batched_solve.cu: solve_batch on sutro::simd, compiled by
// the host compiler with sutro's usual flags (-march=native), all cores.
#include <cstdint>
#include <span>
#include <vector>

#include "sutro/solvers/batch.hpp"

std::vector<sutro::solvers::small_result> host_simd_solve_batch(const sutro::tasks::task_spec& spec,
                                                                std::span<const std::uint64_t> seeds,
                                                                std::size_t samples) {
  return sutro::solvers::solve_batch(sutro::simd{}, spec, seeds, samples);
}
