// Kushilevitz-Mansour (influence from bit-flip pairs) and KM-min on query
// access, against hand-computed influences and the group's query counts.
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "support/catch.hpp"
#include "sutro/solvers/kushilevitz_mansour.hpp"

using namespace sutro;
using tasks::task_kind;

TEST_CASE("KM-min: 40 queries find sparse parity (20, 3); influence is exactly 0 or 1", "[query][km]") {
  for (std::uint64_t seed : {42u, 123u, 456u}) {
    const auto task = tasks::sparse_parity(20, 3, seed);
    tasks::query_oracle oracle(task);
    const auto r = solvers::km_min(oracle);
    REQUIRE(r.status == solvers::solve_status::found);
    CHECK(r.subset == task.secret());
    CHECK(r.ranked == task.secret());
    CHECK(r.queries == 40);
    CHECK(oracle.queries() == 40);
    for (std::size_t i = 0; i < 20; ++i) {
      const bool in = std::find(task.secret().begin(), task.secret().end(), i) != task.secret().end();
      CHECK(r.influence[i] == (in ? 1.0 : 0.0));
    }
  }
}

TEST_CASE("KM-min: every seed, parity and sum, both encodings, n past one word", "[query][km]") {
  for (auto kind : {task_kind::parity, task_kind::sum})
    for (auto enc : {tasks::encoding::plus_minus_one, tasks::encoding::zero_one})
      for (std::size_t n : {3u, 20u, 64u, 100u, 130u})
        for (std::size_t k : {1u, 3u}) {
          for (std::uint64_t seed = 0; seed < 20; ++seed) {
            const auto task = tasks::make_task(kind, n, k, seed, {.enc = enc});
            tasks::query_oracle oracle(task);
            const auto r = solvers::km_min(oracle, {.seed = seed});
            REQUIRE(r.status == solvers::solve_status::found);
            REQUIRE(r.subset == task.secret());
            REQUIRE(r.queries == 2 * n);
          }
        }
}

TEST_CASE("KM-min stop_at_k asks up to the last secret bit only", "[query][km]") {
  const auto task = tasks::sparse_parity(100, 3, 7);
  tasks::query_oracle oracle(task);
  const auto r = solvers::km_min(oracle, {.stop_at_k = true});
  REQUIRE(r.status == solvers::solve_status::found);
  CHECK(r.subset == task.secret());
  CHECK(r.queries == 2 * (std::uint64_t{task.secret().back()} + 1));
}

TEST_CASE("influence of a secret bit: 1/2 for majority (k = 3), 2^-(k-1) for AND and default threshold",
          "[query][km]") {
  // Majority of 3: flipping bit i changes the sign iff the other two disagree (1/2).
  // AND of k: iff the other k - 1 are all on (2^-(k-1)); threshold t = k - 1 is AND.
  struct c {
    task_kind kind;
    std::size_t k;
    double want;
  };
  const std::size_t m = 4000;
  for (const c cs : {c{task_kind::majority, 3, 0.5}, c{task_kind::and_, 3, 0.25}, c{task_kind::and_, 4, 0.125},
                     c{task_kind::threshold, 3, 0.25}, c{task_kind::majority, 5, 0.375}}) {
    // Majority of 5: the other four split 2-2 with probability C(4, 2) / 16.
    const auto task = tasks::make_task(cs.kind, 12, cs.k, 3);
    tasks::query_oracle oracle(task);
    const auto r = solvers::kushilevitz_mansour(oracle, {.pairs_per_bit = m, .seed = 1});
    REQUIRE(r.status == solvers::solve_status::found);
    CHECK(r.subset == task.secret());
    CHECK(r.queries == 2 * m * 12);
    for (auto i : task.secret()) {
      INFO(tasks::to_string(cs.kind) << " k=" << cs.k << " bit " << i << " influence " << r.influence[i]);
      CHECK(std::abs(r.influence[i] - cs.want) <= 5 * std::sqrt(cs.want * (1 - cs.want) / m));
    }
  }
}

TEST_CASE("sparse AND: 20 pairs per bit find it on ~99% of seeds, 5 pairs on ~44%; never a wrong found",
          "[query][km]") {
  // A secret bit shows no witness in m pairs with probability (3/4)^m, so all
  // three show one with probability (1 - (3/4)^m)^3: 0.9905 at 20, 0.4443 at 5.
  const int seeds = 300;
  for (const auto& [m, want] : {std::pair{std::size_t{20}, 0.9905}, std::pair{std::size_t{5}, 0.4443}}) {
    int found = 0, ambiguous = 0;
    for (int s = 0; s < seeds; ++s) {
      const auto task = tasks::sparse_and(20, 3, std::uint64_t(s));
      tasks::query_oracle oracle(task);
      const auto r = solvers::kushilevitz_mansour(oracle, {.pairs_per_bit = m, .seed = std::uint64_t(s)});
      REQUIRE(r.queries == 2 * 20 * m);
      if (r.status == solvers::solve_status::found) {
        REQUIRE(r.subset == task.secret());
        ++found;
      } else {
        REQUIRE(r.status == solvers::solve_status::ambiguous);
        ++ambiguous;
      }
    }
    INFO(m << " pairs per bit: found " << found << " of " << seeds);
    CHECK(std::abs(found - seeds * want) <= 5 * std::sqrt(seeds * want * (1 - want)) + 1);
    CHECK(found + ambiguous == seeds);
  }
}

TEST_CASE("noisy parity: KM-min refuses, 20 pairs per bit certify, no wrong found", "[query][km]") {
  int found = 0;
  for (std::uint64_t s = 0; s < 200; ++s) {
    const auto task = tasks::sparse_parity(20, 3, s, {.noise = 0.1});
    tasks::query_oracle oracle(task);
    const auto r = solvers::kushilevitz_mansour(oracle, {.pairs_per_bit = 20, .seed = s});
    if (r.status == solvers::solve_status::found) {
      REQUIRE(r.subset == task.secret());
      ++found;
    }
    tasks::query_oracle again(task);
    const auto one = solvers::km_min(again);
    REQUIRE(one.status == solvers::solve_status::failed);
    REQUIRE(one.reason.find("label noise") != std::string::npos);
  }
  // A pair differs with probability 2p(1 - p) = 0.18 on noise alone, 0.82 on a
  // secret bit. The cut for n = 20 at 1e-6 is 15 of 20, which Binomial(20, 0.82)
  // reaches with probability 0.8644 per bit: all three on 0.6459 of the seeds.
  const double want = 0.6459;
  CHECK(std::abs(found - 200 * want) <= 5 * std::sqrt(200 * want * (1 - want)));
  tasks::query_oracle oracle(tasks::sparse_parity(20, 3, 1, {.noise = 0.1}));
  CHECK(solvers::kushilevitz_mansour(oracle, {.pairs_per_bit = 20}).cut == 15);
}

TEST_CASE("KM options are checked", "[query][km]") {
  tasks::query_oracle oracle(tasks::sparse_parity(20, 3, 1));
  CHECK_THROWS_AS(solvers::kushilevitz_mansour(oracle, {.pairs_per_bit = 0}), std::invalid_argument);
  CHECK_THROWS_AS(solvers::kushilevitz_mansour(oracle, {.false_positive = 0.0}), std::invalid_argument);
}
