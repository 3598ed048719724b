// Task generation on the device against the CPU generator, bit for bit:
// words and labels of every kind, encoding, split, n and sample count.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <numeric>
#include <vector>

#include "cuda/cuda_check.hpp"
#include "sutro/tasks/batch.hpp"

static_assert(sutro::backend_traits<sutro::cuda>::available, "compiled by nvcc");

using namespace sutro;

int main() {
  if (cuda_device_count() == 0) {
    std::printf("SKIPPED: no CUDA device visible; the task generation kernels compiled but did not run\n");
    return 77;
  }
  for (auto kind : {tasks::task_kind::parity, tasks::task_kind::sum, tasks::task_kind::and_, tasks::task_kind::majority,
                    tasks::task_kind::threshold})
    for (auto enc : {tasks::encoding::plus_minus_one, tasks::encoding::zero_one})
      for (std::size_t n : {1u, 20u, 63u, 64u, 65u, 130u, 1000u})
        for (std::size_t count : {0u, 1u, 63u, 64u, 65u, 1000u, 4097u})
          for (auto split : {tasks::split::train, tasks::split::test}) {
            const tasks::task_spec spec{kind, n, std::min<std::size_t>(n, n % 2 ? 3 : 4), 0.1, enc};
            std::vector<std::uint64_t> seeds(5);
            std::iota(seeds.begin(), seeds.end(), n * 7 + count);
            const std::uint64_t first = count % 2 ? 1000003 : 0;
            const auto host = tasks::generate_batch(scalar{}, spec, seeds, split, count, first);
            const auto dev = tasks::generate_batch(cuda{}, spec, seeds, split, count, first);
            SUTRO_CUDA_EXPECT(dev.systems == host.systems && dev.count == host.count &&
                              dev.row_words == host.row_words);
            SUTRO_CUDA_EXPECT(dev.spec.noise == host.spec.noise);
            const auto words = dev.words.to_host();
            const auto labels = dev.labels.to_host();
            const bool same = std::equal(words.begin(), words.end(), host.words.begin(), host.words.end()) &&
                              std::equal(labels.begin(), labels.end(), host.labels.begin(), host.labels.end());
            SUTRO_CUDA_EXPECT(same);
            if (!same)
              std::printf("  (%s %s n=%zu count=%zu split=%d)\n", tasks::to_string(kind), tasks::to_string(enc), n,
                          count, static_cast<int>(split));
          }
  // Many seeds at once, a large k (secret scratch in device memory).
  const tasks::task_spec wide{tasks::task_kind::parity, 5000, 700};
  std::vector<std::uint64_t> seeds(300);
  std::iota(seeds.begin(), seeds.end(), 1);
  const auto host = tasks::generate_batch(scalar{}, wide, seeds, tasks::split::train, 65);
  const auto dev = tasks::generate_batch(cuda{}, wide, seeds, tasks::split::train, 65);
  SUTRO_CUDA_EXPECT(dev.labels.to_host() == std::vector<std::int32_t>(host.labels.begin(), host.labels.end()));
  SUTRO_CUDA_EXPECT(dev.words.to_host() == std::vector<std::uint64_t>(host.words.begin(), host.words.end()));
  SUTRO_CUDA_EXPECT(memory::default_device_stats().snapshot().bytes_in_use > 0);  // dev is alive
  return testing::cuda_summary();
}
