// Kushilevitz-Mansour with too few pairs per bit to beat the label noise
// (KM-min under any noise): `failed` before any query, so no budget is spent.
#include <stdexcept>
#include <string>

#include "support/catch.hpp"
#include "sutro/solvers/kushilevitz_mansour.hpp"
#include "sutro/tasks/query.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro;

TEST_CASE("km_min under noise fails at once with 0 queries, within any budget", "[solvers][km]") {
  const auto noisy = tasks::sparse_parity(20, 3, 42, {.noise = 0.1});
  tasks::query_oracle q(noisy);
  const auto r = solvers::km_min(q);
  INFO(r.reason);
  CHECK(r.status == solvers::solve_status::failed);
  CHECK(r.queries == 0);
  CHECK(q.queries() == 0);  // was 40: the whole loop ran before the verdict
  CHECK(r.cut == 2);        // more than the one pair per bit
  CHECK(r.subset.empty());
  CHECK(r.ranked.empty());  // nothing asked, nothing ranked
  REQUIRE(r.influence.size() == 20);
  for (double v : r.influence) CHECK(v == -1.0);
  CHECK(r.reason.find("1 pair per bit cannot tell influence from label noise p = 0.1") == 0);
  CHECK(r.reason.find("no queries asked") != std::string::npos);

  // A budget smaller than a pass over the bits: the same verdict, not length_error.
  tasks::query_oracle tight(noisy, {.budget = 10});
  solvers::km_result t;
  REQUIRE_NOTHROW(t = solvers::km_min(tight));
  CHECK(t.status == solvers::solve_status::failed);
  CHECK(tight.queries() == 0);

  // Likewise a pairs_per_bit that the false-positive bound cannot use.
  tasks::query_oracle few(tasks::sparse_parity(20, 3, 42, {.noise = 0.3}), {.budget = 1});
  const auto f = solvers::kushilevitz_mansour(few, {.pairs_per_bit = 3});
  CHECK(f.status == solvers::solve_status::failed);
  CHECK(few.queries() == 0);
}

TEST_CASE("km: enough pairs under noise still ask and certify; noise-free KM-min still asks 2n", "[solvers][km]") {
  const auto noisy = tasks::sparse_parity(20, 3, 42, {.noise = 0.1});
  tasks::query_oracle q(noisy);
  const auto r = solvers::kushilevitz_mansour(q, {.pairs_per_bit = 40});
  INFO(r.reason);
  CHECK(r.cut <= 40);
  CHECK(r.queries == 2 * 20 * 40);
  CHECK(r.ranked == noisy.secret());
  if (r.status == solvers::solve_status::found) CHECK(r.subset == noisy.secret());

  const auto clean = tasks::sparse_parity(20, 3, 42);
  tasks::query_oracle c(clean);
  const auto m = solvers::km_min(c);
  CHECK(m.status == solvers::solve_status::found);
  CHECK(m.queries == 40);
  CHECK(m.subset == clean.secret());
}
