// A method that declines a task (lab::method::declines): not run, and reported
// as "does not apply" rather than as a measured failure, in the table and JSON.
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/lab/experiment.hpp"
#include "sutro/lab/report.hpp"
#include "sutro/solvers/bucket_search.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/gf2_general.hpp"
#include "sutro/solvers/robust_gf2.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro;

namespace {
lab::config noisy_demo_task() {  // the main demo's noisy row: (20,3) at 10%, challenge seeds
  lab::config c = lab::challenge();
  c.label.clear();
  c.task.noise = 0.1;
  c.repeats = 1;
  return c;
}

// The line of the table that names `method`, or "" if none does.
std::string row_of(const std::string& table, const std::string& method) {
  std::istringstream in(table);
  for (std::string line; std::getline(in, line);)
    if (line.find(" " + method + " ") != std::string::npos && line.rfind("  ", 0) != 0) return line;
  return {};
}
}  // namespace

TEST_CASE("lab: a method that declines the task is not run and records no measurement", "[lab][not_applicable]") {
  int runs = 0, traced = 0;
  lab::method exact{"exact_only", [&runs](const lab::problem&) {
                      ++runs;
                      return lab::method_output{};
                    }};
  exact.recorded_run = [&traced](const lab::problem&) {
    ++traced;
    return lab::recorded_report{};
  };
  exact.allocations_accounted = true;
  exact.declines = [](const tasks::task_spec& s) -> std::optional<std::string> {
    if (s.noise > 0) return "fits every row exactly";
    return std::nullopt;
  };
  CHECK(exact.declined(noisy_demo_task().task) == std::optional<std::string>("fits every row exactly"));
  CHECK_FALSE(exact.declined(lab::challenge().task));

  const auto rep = lab::run(noisy_demo_task(), {exact});
  CHECK(runs == 0);
  CHECK(traced == 0);
  REQUIRE(rep.summaries.size() == 1);
  const auto& s = rep.summaries[0];
  CHECK_FALSE(s.applies());
  CHECK(s.not_applicable == std::optional<std::string>("fits every row exactly"));
  CHECK(s.runs == 0);
  CHECK_FALSE(s.pass);
  CHECK(s.mean_accuracy == 0);
  CHECK(s.data_movement.empty());
  REQUIRE(rep.runs.size() == 3);  // one per seed, so that per-run outputs show it too
  for (const auto& r : rep.runs) {
    CHECK_FALSE(r.applies());
    CHECK(*r.not_applicable == "fits every row exactly");
    CHECK(r.method == "exact_only");
    CHECK(r.time_s == 0);
    CHECK(r.test_accuracy == 0);
    CHECK_FALSE(r.allocations_measured);
  }
  CHECK(rep.runs[1].seed == 123);

  // On a task it takes, it runs as any method does.
  auto clean = lab::run(lab::challenge(), {exact});
  CHECK(runs == 15);  // 3 seeds x 5 repeats
  CHECK(traced == 3);
  REQUIRE(clean.summaries.size() == 1);
  CHECK(clean.summaries[0].applies());
  CHECK(clean.summaries[0].runs == 3);
}

TEST_CASE("lab: from_solver declines what the solver itself refuses to solve", "[lab][not_applicable]") {
  const tasks::task_spec noisy{tasks::task_kind::parity, 20, 3, 0.1};
  const tasks::task_spec clean{tasks::task_kind::parity, 20, 3, 0.0};
  const auto train = tasks::sparse_task(noisy, 42).packed(tasks::split::train, 500);
  SECTION("the noise-free GF(2) solvers on noisy labels") {
    for (const auto& [m, r] :
         {std::pair{lab::from_solver(solvers::gf2_elimination{}), solvers::gf2_elimination{}.solve(train)},
          std::pair{lab::from_solver(solvers::gf2_general{}), solvers::gf2_general{}.solve(train)}}) {
      INFO(m.name);
      const auto why = m.declined(noisy);
      REQUIRE(why);
      CHECK(why->find("noise-free") != std::string::npos);
      CHECK(why->find("spec.noise = 0.1") != std::string::npos);
      CHECK_FALSE(m.declined(clean));
      // The solver's own answer on such data: failed before any elimination.
      CHECK(r.status == solvers::solve_status::failed);
      CHECK(r.stats.rank == 0);
      CHECK(r.stats.samples_used == 0);
    }
  }
  SECTION("the noise-tolerant solvers take it") {
    for (const auto& m : {lab::from_solver(solvers::exhaustive{}), lab::from_solver(solvers::robust_gf2{}),
                          lab::from_solver(solvers::bucket_search{})}) {
      INFO(m.name);
      CHECK_FALSE(m.declined(noisy));
      CHECK_FALSE(m.declined(clean));
    }
  }
  SECTION("bucket_search past its table") {
    const tasks::task_spec wide{tasks::task_kind::parity, 1000, 6, 0.1};  // C(1000, 3) > 1e8 half-subsets
    const auto m = lab::from_solver(solvers::bucket_search{});
    const auto why = m.declined(wide);
    REQUIRE(why);
    CHECK(why->find("C(1000, 3)") != std::string::npos);
    const auto r = solvers::bucket_search{}.solve(tasks::sparse_task(wide, 42).packed(tasks::split::train, 20));
    CHECK(r.status == solvers::solve_status::failed);
    CHECK(r.stats.candidates == 0);
    CHECK_FALSE(m.declined(tasks::task_spec{tasks::task_kind::parity, 1000, 4, 0.1}));  // C(1000, 2) fits
  }
}

TEST_CASE("lab: the demo's noisy task shows does-not-apply rows, no numbers, no pass/fail", "[lab][not_applicable]") {
  const auto rep =
      lab::run(noisy_demo_task(), {lab::from_solver(solvers::gf2_elimination{}),
                                   lab::from_solver(solvers::gf2_general{}), lab::from_solver(solvers::exhaustive{})});
  REQUIRE(rep.summaries.size() == 3);
  CHECK_FALSE(rep.summaries[0].applies());
  CHECK_FALSE(rep.summaries[1].applies());
  CHECK(rep.summaries[2].applies());
  CHECK(rep.summaries[2].pass);
  CHECK(rep.summaries[2].found == 3);

  std::ostringstream out;
  lab::print_table(out, rep);
  const std::string table = out.str();
  for (const char* declined : {"gf2_elimination", "gf2_general"}) {
    INFO(table);
    const std::string row = row_of(table, declined);
    REQUIRE(!row.empty());
    CHECK(row.rfind("sparse_parity (20,3) p=10%", 0) == 0);
    CHECK(row.find("does not apply") != std::string::npos);
    CHECK(row.find('%', 28) == std::string::npos);  // no accuracy
    CHECK(row.find(" us") == std::string::npos);    // no time
    CHECK(row.find(" B") == std::string::npos);     // no allocation
    CHECK(row.find("nJ") == std::string::npos);     // no energy
    CHECK(row.find(" no ") == std::string::npos);   // not a failure
    CHECK(row.find("yes") == std::string::npos);
  }
  CHECK(row_of(table, "exhaustive").find("yes") != std::string::npos);
  // The reason, once for both, under the table; no "(no traced run)" note for rows that never ran.
  CHECK(table.find("gf2_elimination, gf2_general on sparse_parity (20,3) p=10%: noise-free") != std::string::npos);
  CHECK(table.find("(no traced run)") == std::string::npos);

  const std::string json = lab::to_json(rep);
  INFO(json);
  for (const char* want :
       {"{\"task\": \"sparse_parity (20,3) p=10%\", \"method\": \"gf2_elimination\", \"runs\": 0, \"secret_found\": "
        "null, "
        "\"mean_test_accuracy\": null, \"median_time_s\": null, \"median_samples\": null, \"max_bytes_allocated\": "
        "null, "
        "\"max_peak_bytes\": null, \"pass\": null, \"trace\": null, \"data_movement\": {}, \"applies\": false, "
        "\"not_applicable\": \"noise-free",
        "\"method\": \"gf2_general\", \"seed\": 456, \"status\": \"not_applicable\", \"secret_found\": null, "
        "\"test_accuracy\": null, \"time_s\": null, \"gen_time_s\": null, \"samples_used\": null, "
        "\"bytes_allocated\": null, \"peak_bytes\": null, \"trace\": null, \"data_movement\": {}, \"applies\": false, "
        "\"not_applicable\": \"noise-free",
        "\"pass\": true, \"trace\": "}) {
    CHECK(json.find(want) != std::string::npos);
  }
  // The method that applies says so.
  CHECK(json.find("\"applies\": true, \"not_applicable\": null}") != std::string::npos);
}

TEST_CASE("lab: a task that cannot exist throws even when every method would decline it", "[lab][not_applicable]") {
  auto c = noisy_demo_task();
  c.task.k = 30;
  CHECK_THROWS_AS(lab::run(c, {lab::from_solver(solvers::gf2_elimination{})}), std::invalid_argument);
}
