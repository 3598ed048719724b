// Searches that cannot certify anything end early, and every search's work
// is bounded by max_cost, not only its expected work: bucket_search skips a
// search the noise makes hopeless, stops once it has seen an uncertifiable
// secret, and runs no more rounds than max_cost pays for; exhaustive refuses
// C(n, k) subsets past max_cost (or past a double). Work is counted
// (candidates, rounds in the reason), never timed.
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/solvers/bucket_search.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/noisy_parity.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro;
using solvers::solve_status;
using tasks::split;

namespace {
/// The rounds a bucket_search reason reports ("... after 18 rounds of ...").
std::size_t rounds_in(const std::string& reason) {
  const auto at = reason.find("after ");
  REQUIRE(at != std::string::npos);
  return std::stoul(reason.substr(at + 6));
}

/// Rows whose label the noise flipped: the secret's own disagreements.
std::size_t flips(const tasks::sparse_task& task, const tasks::packed_samples& d) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < d.count; ++i) {
    unsigned parity = 0;
    for (std::size_t w = 0; w < d.row_words; ++w)
      parity ^= static_cast<unsigned>(std::popcount(d.row(i)[w] & task.secret_mask()[w]) & 1);
    count += parity != static_cast<unsigned>(d.label_bit(i));
  }
  return count;
}
}  // namespace

TEST_CASE("bucket_search does not run where the secret itself passes with probability below miss",
          "[solvers][noisy][futile]") {
  // (64, 7) at 45% noise on 110 and 150 rows: the certificate allows 15
  // (27) flips, the secret has Bin(m, 0.45), about 50 (68), and even at the
  // rate's low end (0.45 less three standard deviations) it passes with
  // probability under 1e-4; the round budget (46 and 85 rounds of C(64, 3) +
  // C(64, 4) lookups) would take minutes for nothing.
  for (auto [n, k, m] : {std::tuple<std::size_t, std::size_t, std::size_t>{64, 7, 110}, {64, 7, 150}}) {
    INFO("(" << n << ", " << k << "), m = " << m);
    const auto plan = solvers::plan_bucket_search(n, k, m, 0.45);
    CHECK(plan.secret_passes < 1e-4);
    CHECK(plan.expected_cost <= 1e12);  // under the cap: max_cost alone would run it
    for (std::uint64_t seed : {1u, 2u, 3u}) {
      const auto d = tasks::sparse_parity(n, k, seed, {.noise = 0.45}).packed(split::train, m);
      const auto r = solvers::bucket_search{}.solve(d);
      INFO(r.reason);
      CHECK(r.status == solve_status::failed);
      CHECK(r.stats.candidates == 0);
      CHECK(r.stats.samples_used == m);
      CHECK(r.reason.find("not run: the secret's own flips, Bin(m = " + std::to_string(m) + ", p = ") == 0);
      CHECK(r.reason.find("the low end of spec.noise = 0.45") != std::string::npos);
      CHECK(r.reason.find("below miss = 0.0001") != std::string::npos);
    }
  }
  // Rows cleaner than declared: 5% noise declared as 30% on (30, 4) with 60
  // rows. At the declared rate itself the secret would pass with probability
  // 5e-5; at its low end it may, so the search runs and finds it.
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const auto task = tasks::sparse_parity(30, 4, seed, {.noise = 0.05});
    auto d = task.packed(split::train, 60);
    d.spec.noise = 0.3;
    const auto r = solvers::bucket_search{}.solve(d);
    INFO(r.reason);
    CHECK(r.status == solve_status::found);
    CHECK(r.subset == task.secret());
  }
  // Where the secret passes often enough, the search runs (and succeeds).
  const auto d = tasks::sparse_parity(20, 3, 1, {.noise = 0.3}).packed(split::train, 150);
  CHECK(solvers::plan_bucket_search(20, 3, 150, 0.3).secret_passes > 0.1);
  CHECK(solvers::bucket_search{}.solve(d).status == solve_status::found);
}

TEST_CASE("bucket_search stops once it has seen a secret the rows cannot certify", "[solvers][noisy][futile]") {
  // (20, 3), 30% noise, 150 rows: the certificate allows 38 flips; a wrong
  // subset reaches 42 or fewer with probability <= miss. Seed 2's secret has
  // 41 flips: seen in the first clean round, it ends the search there, not
  // after all 18 rounds of its budget.
  const auto task = tasks::sparse_parity(20, 3, 2, {.noise = 0.3});
  const auto d = task.packed(split::train, 150);
  REQUIRE(flips(task, d) == 41);
  const auto plan = solvers::plan_bucket_search(20, 3, 150, 0.3);
  REQUIRE(plan.max_rounds == 18);
  const auto r = solvers::bucket_search{}.solve(d);
  INFO(r.reason);
  CHECK(r.status == solve_status::failed);
  CHECK(r.stats.disagreements == 41);
  CHECK(rounds_in(r.reason) < plan.max_rounds);
  CHECK(r.reason.find("it is the secret, and these rows cannot certify it") != std::string::npos);

  // A secret over that count is not recognized: the search spends its budget.
  const auto far = tasks::sparse_parity(20, 3, 3, {.noise = 0.3});
  const auto e = far.packed(split::train, 150);
  REQUIRE(flips(far, e) == 52);
  const auto f = solvers::bucket_search{}.solve(e);
  CHECK(f.status == solve_status::failed);
  CHECK(rounds_in(f.reason) == plan.max_rounds);
}

TEST_CASE("bucket_search runs no more rounds than max_cost pays for", "[solvers][noisy][futile]") {
  // Seed 3's secret has 52 flips (the certificate allows 38): nothing can be
  // certified, and uncapped the search runs its whole 18-round budget, about
  // 6 times its expected cost. With max_cost at the expected cost, the plan
  // passes the up-front check and the rounds stop at what max_cost pays for.
  const auto d = tasks::sparse_parity(20, 3, 3, {.noise = 0.3}).packed(split::train, 150);
  const auto full = solvers::plan_bucket_search(20, 3, 150, 0.3);
  REQUIRE_FALSE(full.capped);
  const double cap = full.expected_cost;
  CHECK(double(full.max_rounds) * full.round_cost > cap);
  const auto plan = solvers::plan_bucket_search(20, 3, 150, 0.3, {.max_cost = cap});
  CHECK(plan.capped);
  CHECK(plan.key_bits == full.key_bits);
  CHECK(plan.expected_cost == full.expected_cost);
  CHECK(plan.max_rounds == std::size_t(std::floor(cap / plan.round_cost)));
  CHECK(double(plan.max_rounds) * plan.round_cost <= cap);

  const auto r = solvers::bucket_search({.max_cost = cap}).solve(d);
  INFO(r.reason);
  CHECK(r.status == solve_status::failed);
  CHECK(rounds_in(r.reason) == plan.max_rounds);
  CHECK(rounds_in(r.reason) < full.max_rounds);
  CHECK(r.reason.find("pays for no more rounds") != std::string::npos);
  // The uncapped search on the same rows: the whole budget, more candidates.
  const auto u = solvers::bucket_search{}.solve(d);
  CHECK(rounds_in(u.reason) == full.max_rounds);
  CHECK(u.stats.candidates > r.stats.candidates);

  // A search that succeeds within the capped rounds gives the same answer.
  const auto ok_task = tasks::sparse_parity(20, 3, 1, {.noise = 0.3});
  const auto ok = solvers::bucket_search({.max_cost = cap}).solve(ok_task.packed(split::train, 150));
  CHECK(ok.status == solve_status::found);
  CHECK(ok.subset == ok_task.secret());
}

TEST_CASE("exhaustive refuses C(n, k) subsets past max_cost before running", "[solvers][futile]") {
  // (100, 5) on 1000 rows: 75 M subsets of 17 words, 1.28e9 word operations.
  const auto d = tasks::sparse_parity(100, 5, 42, {.noise = 0.1}).packed(split::train, 1000);
  const double cost = solvers::exhaustive_cost(100, 5, 1000);
  CHECK(std::fabs(cost / (75287520.0 * 17.0) - 1.0) < 1e-9);
  const auto r = solvers::exhaustive({.max_cost = 1e9}).solve(d);
  CHECK(r.status == solve_status::failed);
  CHECK(r.stats.candidates == 0);
  CHECK(r.stats.samples_used == 1000);
  CHECK(r.reason ==
        "not run: its expected cost, 1.28e+09 word operations (C(100, 5) subsets), is over max_cost = 1e+09");
  // max_samples prices the rows it keeps: 64 rows are 2 words a subset.
  const auto few = solvers::exhaustive({.max_samples = 64, .max_cost = 1e8}).solve(d);
  CHECK(few.stats.candidates == 0);
  CHECK(few.stats.samples_used == 64);
  CHECK(few.reason.find("its expected cost, 1.51e+08 word operations") != std::string::npos);

  // The default cap (1e12) refuses (200, 7): 2.2e12 subsets.
  const auto big = tasks::sparse_parity(200, 7, 3, {.noise = 0.3}).packed(split::train, 210);
  const auto b = solvers::exhaustive{}.solve(big);
  CHECK(b.status == solve_status::failed);
  CHECK(b.stats.candidates == 0);
  CHECK(b.reason.find("is over max_cost = 1e+12") != std::string::npos);

  // C(2000, 1000) overflows a double: refused with no cap as well.
  const auto huge = tasks::sparse_parity(2000, 1000, 3).packed(split::train, 8);
  REQUIRE(std::isinf(solvers::exhaustive_cost(2000, 1000, 8)));
  const double inf = std::numeric_limits<double>::infinity();
  for (const double c : {1e12, inf}) {
    const auto h = solvers::exhaustive({.max_cost = c}).solve(huge);
    CHECK(h.status == solve_status::failed);
    CHECK(h.stats.candidates == 0);
    CHECK(h.reason.find("not run: its expected cost, inf word operations") == 0);
  }

  // Noise-free rows are priced at 2 word operations a subset (a wrong
  // subset's popcount stops at its first word): (40, 4) on 1000 rows costs
  // 1.8e5 there and 1.6e6 under a noisy spec.
  const auto exact_rows = tasks::sparse_parity(40, 4, 5).packed(split::train, 1000);
  CHECK(std::fabs(solvers::exhaustive_cost(40, 4, 1000, true) / (2.0 * 91390.0) - 1.0) < 1e-9);
  CHECK(std::fabs(solvers::exhaustive_cost(40, 4, 1000) / (91390.0 * 17.0) - 1.0) < 1e-9);
  CHECK(solvers::exhaustive({.max_cost = 1e6}).solve(exact_rows).status == solve_status::found);
  auto declared_noisy = exact_rows;
  declared_noisy.spec.noise = 0.1;
  CHECK(solvers::exhaustive({.max_cost = 1e6}).solve(declared_noisy).reason.find("is over max_cost = 1e+06") !=
        std::string::npos);

  // Affordable searches are untouched, capped or not.
  const auto small = tasks::sparse_parity(20, 3, 42).packed(split::train, 40);
  for (const double c : {1e12, inf, solvers::exhaustive_cost(20, 3, 40)}) {
    const auto s = solvers::exhaustive({.max_cost = c}).solve(small);
    CHECK(s.status == solve_status::found);
    CHECK(s.stats.candidates == 1140);
  }
  for (const double bad : {0.0, -1.0, std::nan("")})
    CHECK(testing::thrown_message([&] {
            (void)solvers::exhaustive({.max_cost = bad});
          }).find("sutro::solvers::exhaustive: max_cost must be > 0") == 0);
}

TEST_CASE("noisy_parity prices and caps exhaustive as exhaustive does", "[solvers][noisy][futile]") {
  const auto d = tasks::sparse_parity(50, 3, 7, {.noise = 0.2}).packed(split::train, 1000);
  const auto plan = solvers::plan_noisy_parity(d.spec, d.count);
  CHECK(plan.exhaustive_cost == solvers::exhaustive_cost(50, 3, 1000));
  // Forced exhaustive under a cap below its cost: refused up front by
  // noisy_parity, with exhaustive's own cost.
  const auto r = solvers::noisy_parity({.method = solvers::parity_method::exhaustive, .max_cost = 1e4}).solve(d);
  CHECK(r.status == solve_status::failed);
  CHECK(r.stats.candidates == 0);
  CHECK(r.reason.find("exhaustive: not run: its expected cost, " +
                      solvers::detail::format_double(plan.exhaustive_cost)) == 0);
  // At exactly its cost it runs, through exhaustive's own check.
  const auto e =
      solvers::noisy_parity({.method = solvers::parity_method::exhaustive, .max_cost = plan.exhaustive_cost}).solve(d);
  CHECK(e.status == solve_status::found);
  CHECK(testing::thrown_message([&] {
          (void)solvers::plan_noisy_parity(d.spec, d.count, {.max_cost = 0.0});
        }).find("sutro::solvers::plan_noisy_parity: max_cost must be > 0") == 0);
}
