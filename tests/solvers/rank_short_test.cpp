// Prange (robust_gf2, noisy_parity's prange) on rows whose rank is below n:
// no reordering of the same rows reaches rank n, so the first trial that used
// every row ends the search instead of the whole trial budget.
#include <cstddef>
#include <string>

#include "support/catch.hpp"
#include "sutro/gf2/echelon.hpp"
#include "sutro/solvers/noisy_parity.hpp"
#include "sutro/solvers/robust_gf2.hpp"
#include "sutro/tasks/gf2_form.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro;
using tasks::split;

TEST_CASE("robust_gf2 stops at the first trial when all rows have rank below n", "[solvers][robust]") {
  // 30 rows of 64 unknowns: rank <= 30 whatever the labels.
  const auto d = tasks::sparse_parity(64, 3, 7, {.noise = 0.2}).packed(split::train, 30);
  const auto rank = gf2::rank(tasks::to_gf2(d).x);
  REQUIRE(rank < 64);
  const auto r = solvers::robust_gf2({.trials = 200'000}).solve(d);
  CHECK(r.status == solvers::solve_status::ambiguous);
  CHECK(r.stats.candidates == 1);
  CHECK(r.stats.rank == rank);
  CHECK(r.reason.find("rank " + std::to_string(rank) + " < n = 64") != std::string::npos);

  // noisy_parity forced to Prange takes its budget from the noise alone (here
  // the 10 million trial cap): the same exit applies.
  const auto p = solvers::noisy_parity({.method = solvers::parity_method::prange}).solve(d);
  CHECK(p.status == solvers::solve_status::ambiguous);
  CHECK(p.stats.candidates == 1);
}

TEST_CASE("robust_gf2 still searches when some subset of the rows reaches rank n", "[solvers][robust]") {
  const auto d = tasks::sparse_parity(20, 3, 11, {.noise = 0.1}).packed(split::train, 200);
  const auto r = solvers::robust_gf2{}.solve(d);
  CHECK(r.status == solvers::solve_status::found);
  CHECK(r.subset == tasks::sparse_parity(20, 3, 11).secret());
}
