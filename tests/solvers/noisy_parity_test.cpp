// noisy_parity and bucket_search: recovery, the method choice, and issue 14's
// scale targets (zero wrong answers; the success rates are recorded in
// docs/tasks.md from benchmarks/noisy_parity over 100 seeds each).
#include <cstdint>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/solvers/bucket_search.hpp"
#include "sutro/solvers/noisy_parity.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro;
using solvers::parity_method;
using solvers::solve_status;
using tasks::split;

TEST_CASE("bucket_search recovers the secret for k = 1..6, noiseless and noisy", "[solvers][noisy]") {
  for (auto [n, k, p, m] : std::vector<std::tuple<std::size_t, std::size_t, double, std::size_t>>{{40, 1, 0.0, 40},
                                                                                                  {40, 2, 0.0, 40},
                                                                                                  {40, 3, 0.1, 300},
                                                                                                  {40, 4, 0.1, 300},
                                                                                                  {30, 5, 0.05, 300},
                                                                                                  {25, 6, 0.05, 300},
                                                                                                  {64, 3, 0.2, 600},
                                                                                                  {130, 2, 0.1, 400}}) {
    int found = 0;
    for (int seed = 0; seed < 20; ++seed) {
      auto task = tasks::sparse_parity(n, k, 300 + static_cast<std::uint64_t>(seed), {.noise = p});
      const auto r = solvers::bucket_search{}.solve(task.packed(split::train, m));
      INFO("(" << n << "," << k << ") p=" << p << " m=" << m << " seed=" << seed << ": " << r.reason);
      if (r.status == solve_status::found) {
        ++found;
        REQUIRE(r.subset == task.secret());
        CHECK(r.reason.find("certified") == 0);
      }
    }
    CHECK(found >= 19);
  }
  // A fixed key width works too (more rounds or more collisions, same answer).
  auto task = tasks::sparse_parity(50, 3, 9, {.noise = 0.1});
  for (std::size_t r : {4u, 12u, 30u}) {
    const auto res = solvers::bucket_search({.key_bits = r}).solve(task.packed(split::train, 400));
    INFO("key_bits=" << r << ": " << res.reason);
    CHECK(res.status == solve_status::found);
    CHECK(res.subset == task.secret());
  }
}

TEST_CASE("noisy_parity: a randomized method without a certified answer falls back to exhaustive search",
          "[solvers][noisy]") {
  // Noise-free (64,3) with 70 rows: the plan picks Prange, whose one full-rank
  // system leaves too few rows to score on some draws; exhaustive search decides.
  REQUIRE(solvers::plan_noisy_parity(tasks::task_spec{tasks::task_kind::parity, 64, 3}, 70).method ==
          parity_method::prange);
  int fell_back = 0;
  for (std::uint64_t seed = 1000; seed < 1100; ++seed) {
    auto task = tasks::sparse_parity(64, 3, seed);
    const auto r = solvers::noisy_parity{}.solve(task.packed(split::train, 70));
    INFO("seed " << seed << ": " << r.reason);
    REQUIRE(r.status == solve_status::found);
    CHECK(r.subset == task.secret());
    fell_back += r.reason.rfind("exhaustive (after prange", 0) == 0;
  }
  CHECK(fell_back > 0);
  // Forcing a method keeps its own answer.
  auto task = tasks::sparse_parity(64, 3, 1049);
  const auto forced = solvers::noisy_parity({.method = parity_method::prange}).solve(task.packed(split::train, 70));
  CHECK(forced.reason.rfind("prange", 0) == 0);
}

TEST_CASE("plan_noisy_parity picks by predicted cost", "[solvers][noisy]") {
  const auto spec = [](std::size_t n, std::size_t k, double p) {
    return tasks::task_spec{tasks::task_kind::parity, n, k, p, tasks::encoding::plus_minus_one};
  };
  CHECK(solvers::plan_noisy_parity(spec(20, 3, 0.25), 500).method == parity_method::exhaustive);
  CHECK(solvers::plan_noisy_parity(spec(200, 3, 0.1), 1000).method == parity_method::bucket_search);
  CHECK(solvers::plan_noisy_parity(spec(30, 10, 0.02), 300).method == parity_method::prange);
  const auto forced = solvers::plan_noisy_parity(spec(200, 3, 0.1), 1000, {.method = parity_method::exhaustive});
  CHECK(forced.method == parity_method::exhaustive);
  CHECK(forced.bucket_cost < forced.exhaustive_cost);
  // Each choice, run: the reason names the method.
  for (auto [n, k, p, m, method] :
       std::vector<std::tuple<std::size_t, std::size_t, double, std::size_t, parity_method>>{
           {20, 3, 0.25, 500, parity_method::exhaustive},
           {120, 3, 0.1, 600, parity_method::bucket_search},
           {30, 10, 0.02, 300, parity_method::prange}})
    for (int seed = 0; seed < 5; ++seed) {
      auto task = tasks::sparse_parity(n, k, static_cast<std::uint64_t>(seed), {.noise = p});
      const auto r = solvers::noisy_parity{}.solve(task.packed(split::train, m));
      INFO(r.reason);
      CHECK(r.reason.rfind(solvers::to_string(method), 0) == 0);
      CHECK(r.status == solve_status::found);
      CHECK(r.subset == task.secret());
    }
}

TEST_CASE("issue 14 scale targets: zero wrong answers, nearly all solved", "[solvers][noisy][scale]") {
  struct target {
    std::size_t n, k;
    double p;
    std::size_t m;
    int seeds, need;
  };
  // (200, 3) on fewer seeds than the benchmark's 100: a Debug + ASan build would be slow.
  for (const auto& t : std::vector<target>{{100, 3, 0.1, 1000, 100, 99},
                                           {50, 3, 0.2, 1000, 100, 99},
                                           {20, 3, 0.25, 500, 100, 99},
                                           {200, 3, 0.1, 1000, 10, 10}}) {
    int found = 0;
    for (int seed = 0; seed < t.seeds; ++seed) {
      auto task = tasks::sparse_parity(t.n, t.k, 1000 + static_cast<std::uint64_t>(seed), {.noise = t.p});
      const auto r = solvers::noisy_parity{}.solve(task.packed(split::train, t.m));
      INFO("(" << t.n << "," << t.k << ") p=" << t.p << " m=" << t.m << " seed=" << seed << ": " << r.reason);
      if (r.status == solve_status::found) {
        REQUIRE(r.subset == task.secret());
        ++found;
      }
    }
    CHECK(found >= t.need);
  }
}
