// The fixed-size per-system core of the batched solver (the code the CUDA
// kernel runs) against gf2_elimination, and the host batch API against the
// single-task generator. This is the only place that logic executes without a GPU.
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <random>
#include <stdexcept>
#include <vector>

#include "support/catch.hpp"
#include "sutro/solvers/batch.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/small_system.hpp"
#include "sutro/tasks/batch.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro;
using tasks::split;

namespace {
solvers::small_result solve_packed(const tasks::packed_samples& d) {
  const auto row_of = [&](std::size_t i, std::uint64_t* row) {
    for (std::size_t w = 0; w < d.row_words; ++w) row[w] = d.row(i)[w];
    return d.label_bit(i);
  };
  return d.spec.n <= 64 ? solvers::solve_small<64>(d.spec.n, d.count, row_of)
                        : solvers::solve_small<128>(d.spec.n, d.count, row_of);
}

void require_same(const solvers::small_result& got, const solvers::solve_result& want, std::size_t n) {
  INFO("status " << solvers::to_string(got.status) << " vs " << solvers::to_string(want.status));
  REQUIRE(got.status == want.status);
  REQUIRE(got.subset() == want.subset);
  REQUIRE(got.rank == want.stats.rank);
  if (got.status != solvers::solve_status::found) REQUIRE(got.mask[0] == 0);
  if (n < 128 && got.status == solvers::solve_status::found) REQUIRE((got.mask[n / 64] >> (n % 64)) == 0u);
}

std::vector<std::uint64_t> seed_list(std::size_t count, std::uint64_t first) {
  std::vector<std::uint64_t> s(count);
  std::iota(s.begin(), s.end(), first);
  return s;
}
}  // namespace

TEST_CASE("make_secret_mask is make_secret's subset (O(k) memory form)", "[tasks][batch]") {
  for (std::size_t n : {1u, 2u, 3u, 20u, 63u, 64u, 65u, 100u, 127u, 128u, 1000u, 70000u})
    for (std::size_t k : {1u, 2u, 3u, 5u, 20u, 64u, 128u, 300u}) {
      if (k > n) continue;
      std::vector<std::uint32_t> scratch(2 * k);
      std::vector<std::uint64_t> mask((n + 63) / 64, ~std::uint64_t{0});
      for (std::uint64_t seed : {0ull, 1ull, 2ull, 42ull, 0xffffffffffffull}) {
        tasks::make_secret_mask(seed, n, k, mask.data(), scratch.data());
        INFO("n=" << n << " k=" << k << " seed=" << seed);
        REQUIRE(solvers::detail::mask_to_subset(mask.data(), mask.size()) == tasks::make_secret(seed, n, k));
      }
    }
  // k = n: every index, through a full replay.
  std::vector<std::uint32_t> scratch(2 * 128);
  std::uint64_t mask[2];
  tasks::make_secret_mask(9, 128, 128, mask, scratch.data());
  CHECK(mask[0] == ~std::uint64_t{0});
  CHECK(mask[1] == ~std::uint64_t{0});
}

TEST_CASE("solve_small == gf2_elimination on task samples: n = 1..128, over- and underdetermined, noisy",
          "[solvers][batch]") {
  int found = 0, ambiguous = 0, failed = 0;
  for (std::size_t n = 1; n <= 128; ++n)
    for (std::size_t k : {std::size_t{1}, std::size_t{2}, std::size_t{3}, std::min<std::size_t>(n, 7), n}) {
      if (k > n) continue;
      for (std::size_t m : {n / 2 + 1, n, n + 8, 2 * n + 10})
        for (double noise : {0.0, 0.05})
          for (std::uint64_t seed = 1; seed <= 2; ++seed) {
            const tasks::task_spec spec{tasks::task_kind::parity, n, k, noise,
                                        seed == 1 ? tasks::encoding::plus_minus_one : tasks::encoding::zero_one};
            const tasks::sparse_task task(spec, seed * 1000 + n);
            const auto d = task.packed(split::train, m);
            const auto want = solvers::gf2_elimination{}.eliminate(d);
            INFO("n=" << n << " k=" << k << " m=" << m << " noise=" << noise << " seed=" << seed);
            require_same(solve_packed(d), want, n);
            // The fused form: the system makes its own rows from the seed.
            const std::uint64_t s = seed * 1000 + n;
            const auto fused = solvers::solve_batch(scalar{}, spec, std::span<const std::uint64_t>(&s, 1), m);
            REQUIRE(fused.size() == 1);
            // ... then gf2_elimination::solve's rule: its status, eliminate's rows and mask.
            auto raw = fused[0];
            raw.status = solve_packed(d).status;
            REQUIRE(raw == solve_packed(d));
            REQUIRE(fused[0] == solvers::detail::certify_small(spec, solve_packed(d)));
            REQUIRE(fused[0].status == solvers::gf2_elimination{}.solve(d).status);
            if (fused[0].status == solvers::solve_status::found) REQUIRE(fused[0].subset() == task.secret());
            if (noise == 0.0 && want.status == solvers::solve_status::found) REQUIRE(want.subset == task.secret());
            found += want.status == solvers::solve_status::found;
            ambiguous += want.status == solvers::solve_status::ambiguous;
            failed += want.status == solvers::solve_status::failed;
          }
    }
  CHECK(found > 1000);  // every outcome was exercised
  CHECK(ambiguous > 1000);
  CHECK(failed > 100);
}

TEST_CASE("solve_small == gf2_elimination on random sparse systems (dependent rows, any right-hand side)",
          "[solvers][batch]") {
  std::mt19937_64 rng(77);
  for (std::size_t n : {1u, 2u, 5u, 63u, 64u, 65u, 100u, 127u, 128u})
    for (std::size_t m : {1u, 3u, 64u, 65u, 150u, 300u})
      for (int density : {2, 5, 40})
        for (int rhs = 0; rhs < 3; ++rhs) {  // 0: random labels, 1: consistent, 2: consistent + one flip
          tasks::packed_samples d;
          d.spec = tasks::task_spec{tasks::task_kind::parity, n, 1, 0.0, tasks::encoding::zero_one};
          d.count = m;
          d.row_words = (n + 63) / 64;
          d.words.assign(m * d.row_words, 0);
          d.labels.assign(m, 0);
          std::uint64_t x[2] = {rng(), n > 64 ? rng() : 0};
          if (n < 64) x[0] &= (std::uint64_t{1} << n) - 1;
          if (n > 64 && n < 128) x[1] &= (std::uint64_t{1} << (n - 64)) - 1;
          for (std::size_t i = 0; i < m; ++i) {
            unsigned y = 0;
            for (std::size_t j = 0; j < n; ++j)
              if (rng() % static_cast<unsigned>(density) == 0) {
                d.row(i)[j / 64] |= std::uint64_t{1} << (j % 64);
                y ^= static_cast<unsigned>((x[j / 64] >> (j % 64)) & 1u);
              }
            d.labels[i] = static_cast<std::int32_t>(rhs == 0 ? rng() & 1u : y);
          }
          if (rhs == 2) d.labels[rng() % m] ^= 1;
          INFO("n=" << n << " m=" << m << " density=1/" << density << " rhs=" << rhs);
          require_same(solve_packed(d), solvers::gf2_elimination{}.eliminate(d), n);
        }
}

TEST_CASE("generate_batch == sparse_task::generate per seed, every host backend", "[tasks][batch]") {
  for (auto kind : {tasks::task_kind::parity, tasks::task_kind::sum, tasks::task_kind::and_})
    for (std::size_t n : {1u, 63u, 64u, 65u, 130u})
      for (std::size_t count : {0u, 1u, 63u, 64u, 65u, 1000u}) {
        const tasks::task_spec spec{kind, n, std::min<std::size_t>(n, 3), 0.2, tasks::encoding::plus_minus_one};
        const auto seeds = seed_list(5, 10 + n);
        for (auto s : {split::train, split::test}) {
          const auto a = tasks::generate_batch(scalar{}, spec, seeds, s, count, 7);
          const auto b = tasks::generate_batch(simd{}, spec, seeds, s, count, 7, {.threads = 2});
          REQUIRE(a.words == b.words);
          REQUIRE(a.labels == b.labels);
          REQUIRE(a.systems == 5);
          REQUIRE(a.spec.noise == (s == split::test ? 0.0 : 0.2));
          for (std::size_t i = 0; i < seeds.size(); ++i) {
            const tasks::sparse_task task(spec, seeds[i]);
            std::vector<std::uint64_t> w(count * task.row_words());
            std::vector<std::int32_t> l(count);
            task.generate(s, 7, count, w.data(), l.data());
            REQUIRE(std::equal(w.begin(), w.end(), a.row(i, 0)));
            REQUIRE(std::equal(l.begin(), l.end(), a.labels.begin() + static_cast<std::ptrdiff_t>(i * count)));
          }
        }
      }
}

TEST_CASE("solve_batch: the same answers on scalar and simd, fused or from a sample batch, any thread count",
          "[solvers][batch]") {
  for (std::size_t n : {1u, 20u, 63u, 64u, 65u, 100u, 128u})
    for (std::size_t m : {n / 2 + 1, n + 16}) {
      const tasks::task_spec spec{tasks::task_kind::parity, n, std::min<std::size_t>(n, 3)};
      const auto seeds = seed_list(300, 5 * n);
      const auto a = solvers::solve_batch(scalar{}, spec, seeds, m, {.threads = 1});
      const auto b = solvers::solve_batch(simd{}, spec, seeds, m, {.threads = 3});
      const auto c = solvers::solve_batch(simd{}, tasks::generate_batch(simd{}, spec, seeds, split::train, m));
      REQUIRE(a == b);
      REQUIRE(a == c);
      for (std::size_t i = 0; i < seeds.size(); i += 37)
        require_same(
            a[i], solvers::gf2_elimination{}.eliminate(tasks::sparse_task(spec, seeds[i]).packed(split::train, m)), n);
    }
  const auto none = solvers::solve_batch(simd{}, tasks::task_spec{tasks::task_kind::parity, 64, 3},
                                         std::span<const std::uint64_t>{}, 80);
  CHECK(none.empty());
}

TEST_CASE("solve_batch rejects what a small system cannot hold, naming the values", "[solvers][batch]") {
  const auto seeds = seed_list(3, 1);
  CHECK_THROWS_AS(solvers::solve_batch(simd{}, tasks::task_spec{tasks::task_kind::parity, 129, 3}, seeds, 200),
                  std::invalid_argument);
  CHECK_THROWS_AS(solvers::solve_batch(simd{}, tasks::task_spec{tasks::task_kind::sum, 20, 3}, seeds, 40),
                  std::invalid_argument);
  CHECK_THROWS_AS(solvers::solve_batch(simd{}, tasks::task_spec{tasks::task_kind::parity, 20, 30}, seeds, 40),
                  std::invalid_argument);
  try {
    (void)solvers::solve_batch(simd{}, tasks::task_spec{tasks::task_kind::parity, 129, 3}, seeds, 200);
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()).find("n = 129") != std::string::npos);
  }
}

TEST_CASE("the device kernels' per-thread bodies, run on the host in any order, give the host batch",
          "[tasks][solvers][batch]") {
  std::mt19937_64 rng(5);
  for (auto kind : {tasks::task_kind::parity, tasks::task_kind::sum})
    for (std::size_t n : {1u, 63u, 64u, 65u, 128u, 1000u})
      for (std::size_t count : {0u, 1u, 65u, 300u}) {
        const tasks::task_spec spec{kind, n, std::min<std::size_t>(n, 5), 0.1, tasks::encoding::zero_one};
        const auto seeds = seed_list(7, 3 * n + count);
        const std::size_t rw = (n + 63) / 64, systems = seeds.size();
        for (auto s : {split::train, split::test}) {
          std::vector<std::uint64_t> masks(systems * rw), words(systems * count * rw);
          std::vector<std::uint32_t> scratch(systems * 2 * spec.k);
          std::vector<std::int32_t> labels(systems * count);
          for (std::size_t t = systems; t-- > 0;)
            tasks::detail::batch_secret(spec, seeds.data(), t, masks.data(), scratch.data());
          std::vector<std::size_t> order(systems * count);
          std::iota(order.begin(), order.end(), std::size_t{0});
          std::shuffle(order.begin(), order.end(), rng);  // threads run in no particular order
          for (std::size_t i : order)
            tasks::detail::batch_row(spec, s, 1000, seeds.data(), masks.data(), count, 11, i, words.data(),
                                     labels.data());
          const auto want = tasks::generate_batch(scalar{}, spec, seeds, s, count, 11);
          REQUIRE(std::equal(words.begin(), words.end(), want.words.begin(), want.words.end()));
          REQUIRE(std::equal(labels.begin(), labels.end(), want.labels.begin(), want.labels.end()));
          if (kind != tasks::task_kind::parity || n > 128) continue;
          const auto solved = solvers::solve_batch(scalar{}, want);
          for (std::size_t t = 0; t < systems; ++t)
            REQUIRE(solved[t] ==
                    (n <= 64
                         ? solvers::detail::solve_batch_system<64>(want.spec, words.data(), labels.data(), count, t)
                         : solvers::detail::solve_batch_system<128>(want.spec, words.data(), labels.data(), count, t)));
        }
      }
}
