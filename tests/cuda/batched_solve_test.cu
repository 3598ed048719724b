// The batched small-system solver on the device against the host backend,
// bit for bit (every field of every result), fused and from device samples.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "cuda/cuda_check.hpp"
#include "sutro/solvers/batch.hpp"

static_assert(sutro::backend_traits<sutro::cuda>::available, "compiled by nvcc");

using namespace sutro;

int main() {
  if (cuda_device_count() == 0) {
    std::printf("SKIPPED: no CUDA device visible; the batched solver kernels compiled but did not run\n");
    return 77;
  }
  // Bad specs are refused before any device work.
  const std::vector<std::uint64_t> three = {1, 2, 3};
  try {
    (void)solvers::solve_batch(cuda{}, tasks::task_spec{tasks::task_kind::parity, 129, 3}, three, 200);
    SUTRO_CUDA_EXPECT(false);
  } catch (const std::invalid_argument&) {
    SUTRO_CUDA_EXPECT(true);
  }
  SUTRO_CUDA_EXPECT(solvers::solve_batch(cuda{}, tasks::task_spec{}, std::span<const std::uint64_t>{}, 30).empty());

  int found = 0, ambiguous = 0, failed = 0;
  for (std::size_t n : {1u, 63u, 64u, 65u, 100u, 128u})
    for (std::size_t k : {std::size_t{1}, std::size_t{3}, std::min<std::size_t>(n, 7)})
      for (std::size_t m : {n / 2 + 1, n + 16, 2 * n + 8})
        for (double noise : {0.0, 0.02}) {
          if (k > n) continue;  // not a task: sparse_parity refuses k > n
          const tasks::task_spec spec{tasks::task_kind::parity, n, k, noise,
                                      k == 3 ? tasks::encoding::zero_one : tasks::encoding::plus_minus_one};
          std::vector<std::uint64_t> seeds(3000);
          std::iota(seeds.begin(), seeds.end(), 1000 * n + 10 * k);
          const auto host = solvers::solve_batch(scalar{}, spec, seeds, m);
          const auto dev = solvers::solve_batch(cuda{}, spec, seeds, m);
          SUTRO_CUDA_EXPECT(dev == host);
          const auto dev_stored =
              solvers::solve_batch(cuda{}, tasks::generate_batch(cuda{}, spec, seeds, tasks::split::train, m));
          SUTRO_CUDA_EXPECT(dev_stored == host);
          for (const auto& r : host) {
            found += r.status == solvers::solve_status::found;
            ambiguous += r.status == solvers::solve_status::ambiguous;
            failed += r.status == solvers::solve_status::failed;
          }
          if (dev != host) std::printf("  (n=%zu k=%zu m=%zu noise=%g)\n", n, k, m, noise);
        }
  std::printf("outcomes compared: %d found, %d ambiguous, %d failed\n", found, ambiguous, failed);
  SUTRO_CUDA_EXPECT(found > 0 && ambiguous > 0 && failed > 0);
  SUTRO_CUDA_EXPECT(memory::default_device_stats().snapshot().bytes_in_use == 0);
  return testing::cuda_summary();
}
