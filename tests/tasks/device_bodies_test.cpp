// The device kernels' per-thread bodies (batch_secret, batch_row: what
// tasks/cuda/batch.cuh runs) against the host generator, on the host, for every
// kind and encoding: the CUDA generator stays bit-identical where there is no GPU to run it.
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "support/catch.hpp"
#include "sutro/tasks/batch.hpp"

using namespace sutro::tasks;

TEST_CASE("device bodies == host batch, every kind and encoding, both splits", "[tasks][batch]") {
  for (auto kind : {task_kind::parity, task_kind::sum, task_kind::and_, task_kind::majority, task_kind::threshold})
    for (auto enc : {encoding::plus_minus_one, encoding::zero_one})
      for (std::size_t n : {1u, 20u, 64u, 65u, 300u})
        for (auto which : {split::train, split::test}) {
          task_spec spec{kind, n, std::min<std::size_t>(n, 4), 0.2, enc};
          if (kind == task_kind::threshold && n >= 4) spec.threshold = -2;
          std::vector<std::uint64_t> seeds(6);
          std::iota(seeds.begin(), seeds.end(), n + 40);
          const std::size_t count = 70, rw = (n + 63) / 64, systems = seeds.size();
          std::vector<std::uint64_t> masks(systems * rw), words(systems * count * rw);
          std::vector<std::uint32_t> scratch(systems * 2 * spec.k);
          std::vector<std::int32_t> labels(systems * count);
          for (std::size_t s = 0; s < systems; ++s)
            detail::batch_secret(spec, seeds.data(), s, masks.data(), scratch.data());
          for (std::size_t i = systems * count; i-- > 0;)
            detail::batch_row(spec, which, 1000, seeds.data(), masks.data(), count, 5, i, words.data(), labels.data());
          const auto want = generate_batch(sutro::scalar{}, spec, seeds, which, count, 5);
          INFO(to_string(kind) << " " << to_string(enc) << " n=" << n);
          REQUIRE(std::equal(words.begin(), words.end(), want.words.begin(), want.words.end()));
          REQUIRE(std::equal(labels.begin(), labels.end(), want.labels.begin(), want.labels.end()));
          // The O(k)-memory secret is make_secret's for this kind.
          for (std::size_t s = 0; s < systems; ++s) {
            std::vector<std::uint32_t> from_mask;
            for (std::size_t j = 0; j < n; ++j)
              if ((masks[s * rw + j / 64] >> (j % 64)) & 1u) from_mask.push_back(static_cast<std::uint32_t>(j));
            REQUIRE(from_mask == make_secret(spec, seeds[s]));
          }
        }
}
