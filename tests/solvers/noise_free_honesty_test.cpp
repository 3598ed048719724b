// A solver's `found` under a noise-free spec rests on every row agreeing:
// labels that are no parity (an AND, another draw's labels) must not come
// back as found from the noisy solvers' certificate, and a solve that checked
// only some rows must not say it checked them all.
#include <string>

#include "support/catch.hpp"
#include "sutro/solvers/bucket_search.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/robust_gf2.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro;
using tasks::split;

TEST_CASE("robust_gf2 and bucket_search refuse a candidate with wrong rows under a noise-free spec", "[solvers]") {
  for (std::uint64_t seed = 1; seed <= 5; ++seed) {
    INFO("seed " << seed);
    // An AND of S in +-1 labels handed over as a noise-free parity.
    auto d = tasks::sparse_sum(20, 2, seed).packed(split::train, 500);
    for (auto& y : d.labels) y = y > 0 ? 1 : -1;
    d.spec.kind = tasks::task_kind::parity;
    const auto robust = solvers::robust_gf2{}.solve(d);
    CHECK(robust.status == solvers::solve_status::failed);
    CHECK(robust.reason.find("spec.noise = 0") != std::string::npos);
    const auto bucket = solvers::bucket_search{}.solve(d);
    CHECK(bucket.status != solvers::solve_status::found);
    // The same rows under their true noise-free parity are found by both.
    const auto task = tasks::sparse_parity(20, 2, seed);
    const auto clean = task.packed(split::train, 500);
    CHECK(solvers::robust_gf2{}.solve(clean).subset == task.secret());
    CHECK(solvers::bucket_search{}.solve(clean).subset == task.secret());
  }
}

TEST_CASE("gf2_elimination with verify_all = false says how many rows it checked", "[solvers]") {
  auto d = tasks::sparse_parity(5, 2, 1).packed(split::train, 55);
  d.labels = tasks::sparse_parity(5, 2, 778).packed(split::train, 55).labels;  // another draw's labels
  const auto unchecked = solvers::gf2_elimination{{.verify_all = false}}.solve(d);
  // Its first rows have rank 5 and agree: found, on trust in the model.
  REQUIRE(unchecked.status == solvers::solve_status::found);
  CHECK(unchecked.reason.find("every row agrees") == std::string::npos);
  CHECK(unchecked.reason.find("rows not checked (verify_all = false or max_samples)") != std::string::npos);
  const auto checked = solvers::gf2_elimination{}.solve(d);
  CHECK(checked.status == solvers::solve_status::failed);
  const auto clean = tasks::sparse_parity(5, 2, 1).packed(split::train, 55);
  CHECK(solvers::gf2_elimination{}.solve(clean).reason.find("every row agrees") != std::string::npos);
  const auto capped = solvers::gf2_elimination{{.max_samples = 30}}.solve(clean);
  CHECK(capped.reason.find("every row checked agrees (30); 25 rows not checked") != std::string::npos);
}
