// noisy_parity and bucket_search fail up front where the plan's predicted
// cost is over max_cost: (200, 7) at 30% noise with 210 rows expects about
// 1.1e13 word operations (hours), and the lab's default methods would hang.
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>

#include "support/catch.hpp"
#include "sutro/solvers/bucket_search.hpp"
#include "sutro/solvers/noisy_parity.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro;
using tasks::split;

TEST_CASE("noisy_parity and bucket_search refuse a plan over max_cost before running it", "[solvers][noisy]") {
  const auto d = tasks::sparse_parity(200, 7, 3, {.noise = 0.3}).packed(split::train, 210);
  const auto plan = solvers::plan_noisy_parity(d.spec, d.count);
  REQUIRE(plan.bucket_cost > 1e12);
  REQUIRE(plan.exhaustive_cost > 1e12);

  const auto r = solvers::noisy_parity{}.solve(d);
  CHECK(r.status == solvers::solve_status::failed);
  CHECK(r.stats.candidates == 0);
  CHECK(r.stats.samples_used == 210);
  CHECK(r.reason.find("is over max_cost = 1e+12") != std::string::npos);
  CHECK(r.reason.find("exhaustive ") != std::string::npos);

  const auto b = solvers::bucket_search{}.solve(d);
  CHECK(b.status == solvers::solve_status::failed);
  CHECK(b.stats.candidates == 0);
  CHECK(b.reason.find("not run: its expected cost") != std::string::npos);

  // A forced method is capped too: Prange's plan here is astronomically long.
  const auto p = solvers::noisy_parity({.method = solvers::parity_method::prange}).solve(d);
  CHECK(p.status == solvers::solve_status::failed);
  CHECK(p.stats.candidates == 0);

  // (1 - p)^(n + 2) underflows at n = 2000: an infinite cost is refused too.
  const auto wide = tasks::sparse_parity(2000, 3, 3, {.noise = 0.3}).packed(split::train, 2100);
  REQUIRE(std::isinf(solvers::plan_noisy_parity(wide.spec, wide.count).prange_cost));
  const auto w = solvers::noisy_parity({.method = solvers::parity_method::prange}).solve(wide);
  CHECK(w.status == solvers::solve_status::failed);
  CHECK(w.stats.candidates == 0);
  CHECK(w.reason.find("not run: its expected cost, inf") != std::string::npos);
}

TEST_CASE("max_cost leaves affordable plans alone and is checked", "[solvers][noisy]") {
  const auto d = tasks::sparse_parity(100, 3, 42, {.noise = 0.1}).packed(split::train, 1000);
  const auto r = solvers::noisy_parity{}.solve(d);
  CHECK(r.status == solvers::solve_status::found);
  // A cap below the plan's cost refuses even this one; infinity is no cap.
  const auto capped = solvers::noisy_parity({.max_cost = 1e3}).solve(d);
  CHECK(capped.status == solvers::solve_status::failed);
  CHECK(capped.stats.candidates == 0);
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(solvers::bucket_search({.max_cost = inf}).solve(d).status == solvers::solve_status::found);
  for (const double bad : {0.0, -1.0, std::nan("")}) {
    CHECK_THROWS_AS(solvers::noisy_parity({.max_cost = bad}), std::invalid_argument);
    CHECK_THROWS_AS(solvers::bucket_search({.max_cost = bad}), std::invalid_argument);
  }
}
