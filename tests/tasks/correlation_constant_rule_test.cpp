// A constant label rule (threshold t = -k) lets no data tell subsets apart:
// correlation answers ambiguous with or without label noise, as documented
// (with noise it used to answer failed, its certificate rejecting the secret).
#include <cstdint>
#include <string>

#include "support/catch.hpp"
#include "sutro/solvers/correlation.hpp"

using namespace sutro;

TEST_CASE("correlation: t = -k is ambiguous under noise too, in both encodings", "[tasks][correlation]") {
  for (auto enc : {tasks::encoding::plus_minus_one, tasks::encoding::zero_one})
    for (double p : {0.0, 0.1, 0.3})
      for (std::uint64_t seed : {1, 42, 123}) {
        const auto task = tasks::sparse_threshold(20, 3, seed, {.noise = p, .enc = enc, .threshold = -3});
        for (std::size_t m : {500, 5000}) {
          const auto r = solvers::correlation{}.solve(task.packed(tasks::split::train, m));
          INFO(tasks::to_string(enc) << " p=" << p << " seed=" << seed << " m=" << m << ": " << r.reason);
          CHECK(r.status == solvers::solve_status::ambiguous);
          CHECK(r.subset.empty());
          CHECK(r.reason.find("the label rule is constant (sparse_threshold, t = -3, k = 3)") == 0);
        }
      }
  // The probe's case: p = 0.1, m = 500 said "failed: certifies <= 14 rows wrong; the top-k subset has 38".
  const auto r = solvers::correlation{}.solve(
      tasks::sparse_threshold(20, 3, 42, {.noise = 0.1, .threshold = -3}).packed(tasks::split::train, 500));
  CHECK(r.status == solvers::solve_status::ambiguous);
}

TEST_CASE("correlation: a rule one step off constant (t = -k + 1) still finds its secret", "[tasks][correlation]") {
  for (double p : {0.0, 0.1}) {
    int found = 0;
    for (std::uint64_t seed = 0; seed < 10; ++seed) {
      const auto task = tasks::sparse_threshold(20, 3, seed, {.noise = p, .threshold = -2});
      const auto r = solvers::correlation{}.solve(task.packed(tasks::split::train, 2000));
      INFO("p=" << p << " seed=" << seed << ": " << r.reason);
      CHECK(r.reason.find("constant") == std::string::npos);
      if (r.status == solvers::solve_status::found) {
        CHECK(r.subset == task.secret());
        ++found;
      }
    }
    CHECK(found >= 8);
  }
}
