#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/config/number_text.hpp"
#include "sutro/lab/experiment.hpp"
#include "sutro/lab/mlp_method.hpp"
#include "sutro/lab/report.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/robust_gf2.hpp"

using namespace sutro;

TEST_CASE("lab: the challenge protocol configuration", "[lab]") {
  auto c = lab::challenge();
  CHECK(c.task.kind == tasks::task_kind::parity);
  CHECK(c.task.n == 20);
  CHECK(c.task.k == 3);
  CHECK(c.task.noise == 0.0);
  CHECK(c.seeds == std::vector<std::uint64_t>{42, 123, 456});
  CHECK(c.train == 500);
  CHECK(c.test == 500);
  CHECK(c.test_seed_offset == 1000);
  CHECK(c.pass_accuracy == 0.95);
}

TEST_CASE("lab: solvers pass the challenge; per-run and aggregated records", "[lab]") {
  auto c = lab::challenge();
  c.repeats = 3;
  auto rep = lab::run(c, {lab::from_solver(solvers::gf2_elimination{}), lab::from_solver(solvers::exhaustive{})});
  REQUIRE(rep.summaries.size() == 2);
  REQUIRE(rep.runs.size() == 6);
  for (const auto& r : rep.runs) {
    CHECK(r.secret_found);
    CHECK(r.status == solvers::solve_status::found);
    CHECK(r.test_accuracy == 1.0);
    CHECK(r.time_s > 0);
    CHECK(r.gen_time_s > 0);
    CHECK(r.samples_used > 0);
    CHECK(r.samples_used <= 500);
  }
  CHECK(rep.runs[0].seed == 42);
  CHECK(rep.runs[2].seed == 456);
  for (const auto& s : rep.summaries) {
    CHECK(s.pass);
    CHECK(s.found == 3);
    CHECK(s.mean_accuracy == 1.0);
  }
  CHECK(rep.summaries[1].max_bytes_allocated > 0);  // bit columns, counted by the accounting allocator
}

TEST_CASE("lab: predictor methods, wrong answers and no answers are scored on clean test data", "[lab]") {
  auto c = lab::challenge();
  c.repeats = 1;
  c.task.noise = 0.2;  // train labels noisy, test labels clean
  lab::method oracle{"oracle_predictor", [](const lab::problem& p) {
                       // Finds the subset, then answers through `predict` only (as an MLP would).
                       auto r = solvers::exhaustive{}.solve(p.train);
                       lab::method_output out;
                       auto s = r.subset;
                       out.predict = [s](const float* row) {
                         float prod = 1;
                         for (auto j : s) prod *= row[j];
                         return prod;
                       };
                       return out;
                     }};
  lab::method wrong{"wrong", [](const lab::problem&) {
                      lab::method_output out;
                      out.subset = {0, 1, 2};
                      out.status = solvers::solve_status::found;
                      return out;
                    }};
  lab::method nothing{"nothing", [](const lab::problem&) { return lab::method_output{}; }};
  auto rep = lab::run(c, {oracle, wrong, nothing});
  REQUIRE(rep.summaries.size() == 3);
  CHECK(rep.summaries[0].mean_accuracy == 1.0);
  CHECK(rep.summaries[0].found == 0);  // no subset named
  CHECK(rep.summaries[0].pass);
  CHECK(rep.summaries[1].mean_accuracy < 0.7);
  CHECK_FALSE(rep.summaries[1].pass);
  CHECK(rep.summaries[2].mean_accuracy < 0.7);
  CHECK_FALSE(rep.summaries[2].pass);
}

TEST_CASE("lab: methods apply only to their task kinds; bad configs throw", "[lab]") {
  auto c = lab::challenge();
  c.task.kind = tasks::task_kind::sum;
  c.repeats = 1;
  // Among several methods the ones of other kinds are left out; if none applies, nothing would run: an error.
  CHECK_THROWS_WITH(lab::run(c, {lab::from_solver(solvers::gf2_elimination{})}),
                    "sutro::lab::run: none of the 1 methods applies to sparse_sum tasks (first: gf2_elimination)");
  c.task.kind = tasks::task_kind::parity;
  c.seeds = {42};
  const auto mixed = lab::run(
      c, {lab::from_solver(solvers::gf2_elimination{}), lab::method{"sum only", nullptr, {tasks::task_kind::sum}}});
  REQUIRE(mixed.summaries.size() == 1);
  CHECK(mixed.summaries[0].method == "gf2_elimination");
  c.seeds.clear();
  CHECK_THROWS_AS(lab::run(c, {}), std::invalid_argument);
  auto d = lab::challenge();
  d.task.k = 30;
  CHECK_THROWS_AS(lab::run(d, {lab::from_solver(solvers::gf2_elimination{})}), std::invalid_argument);
  // The errors name the entry point, the value and the bound.
  auto e = lab::challenge();
  e.repeats = 1;
  lab::method beyond{"beyond", [](const lab::problem& p) {
                       lab::method_output out;
                       out.subset = {0, static_cast<std::uint32_t>(p.spec.n)};
                       return out;
                     }};
  CHECK_THROWS_WITH(lab::run(e, {beyond}), "sutro::lab::run: the method returned index 20 for n = 20");
  e.seeds.clear();
  CHECK_THROWS_WITH(lab::run(e, {beyond}), "sutro::lab::run: no seeds");
}

TEST_CASE("lab: table and JSON output, with the data-movement slot", "[lab]") {
  auto c = lab::challenge();
  c.repeats = 1;
  auto m = lab::from_solver(solvers::robust_gf2{});
  m.recorded_run = {};  // an empty slot, filled by hand below
  auto rep = lab::run(c, {m});
  rep.runs[0].data_movement["bytedmd"] = 123.5;
  std::ostringstream table;
  lab::print_table(table, rep);
  const std::string t = table.str();
  for (const char* want : {"challenge (20,3)", "robust_gf2", "3/3"}) CHECK(t.find(want) != std::string::npos);
  const std::string json = lab::to_json(rep);
  for (const char* want :
       {"\"mean_test_accuracy\": 1", "\"data_movement\": {\"bytedmd\": 123.5, \"bytedmd_trace\": null}",
        "\"seed\": 456", "\"pass\": true"}) {
    INFO(want);
    CHECK(json.find(want) != std::string::npos);
  }
  CHECK(lab::detail::json_string("a\"b\\c\n") == "\"a\\\"b\\\\c\\u000a\"");
}

TEST_CASE("lab: an MLP trained with sutro::nn answers through predict", "[lab][nn]") {
  auto c = lab::challenge();
  c.seeds = {42};
  c.train = 600;
  c.test = 200;
  c.repeats = 1;
  lab::mlp_method_options o;
  o.hidden = {32};
  o.epochs = 3;
  auto rep = lab::run(c, {lab::mlp_method("sgd_mlp", optim::sgd({.lr = 0.1, .weight_decay = 0.01}), o)});
  REQUIRE(rep.runs.size() == 1);
  CHECK_FALSE(rep.runs[0].secret_found);
  CHECK(rep.runs[0].test_accuracy >= 0.0);
  CHECK(rep.runs[0].test_accuracy <= 1.0);
  CHECK(rep.runs[0].bytes_allocated > 0);  // the network's parameters, through the accounting allocator
}

TEST_CASE("lab: an MLP in the 0/1 encoding trains on -1/+1 labels and answers in 0/1", "[lab][nn]") {
  auto spec = lab::challenge().task;
  spec.enc = tasks::encoding::zero_one;
  const tasks::sparse_task task(spec, 42, 1000);
  const auto train = task.packed(tasks::split::train, 50);
  const auto dense = tasks::sparse_task::to_dense(train);
  const lab::problem p{task.spec(), train, dense};
  const auto split = lab::detail::split_for_mlp(p, {});
  REQUIRE(split.fit.rows() == 40);
  REQUIRE(split.validation.rows() == 10);
  std::size_t ones = 0;
  for (std::size_t i = 0; i < 50; ++i) {
    const float y = i < 40 ? split.fit.y[i] : split.validation.y[i - 40];
    CHECK(y == (dense.y[i] == 1.0f ? 1.0f : -1.0f));
    CHECK(dense.y[i] == (dense.y[i] == 1.0f ? 1.0f : 0.0f));
    ones += dense.y[i] == 1.0f;
    const auto row = i < 40 ? split.fit.row(i) : split.validation.row(i - 40);
    CHECK(std::equal(row.begin(), row.end(), dense.x.begin() + static_cast<std::ptrdiff_t>(i * spec.n)));
  }
  CHECK(ones > 0);
  CHECK(ones < 50);
  // Scored as 1 at >= 0.5: the network's sign decides, a margin of 0 counts as 1 as in +-1.
  CHECK(lab::detail::prediction_in_encoding(0.0f, tasks::encoding::zero_one) == 0.5f);
  CHECK(lab::detail::prediction_in_encoding(-0.25f, tasks::encoding::zero_one) < 0.5f);
  CHECK(lab::detail::prediction_in_encoding(1.0f, tasks::encoding::zero_one) == 1.0f);
  CHECK(lab::detail::prediction_in_encoding(-0.25f, tasks::encoding::plus_minus_one) == -0.25f);

  // End to end, (20,3) in 0/1: the same network and rule learn it (clean test labels, 3 seeds).
  auto c = lab::challenge();
  c.task = spec;
  c.repeats = 1;
  c.train = 2000;
  c.test = 500;
  lab::mlp_method_options o;
  o.hidden = {64};
  o.epochs = 60;
  o.trace_every_epochs = 1000;  // the traced run records its first epoch only
  const auto rep = lab::run(c, {lab::mlp_method("sgd_mlp", optim::sgd({.lr = 0.1, .weight_decay = 0.01}), o)});
  REQUIRE(rep.summaries.size() == 1);
  INFO(rep.summaries[0].mean_accuracy);
  CHECK(rep.summaries[0].mean_accuracy >= 0.9);
}

TEST_CASE("lab: configs that would mislead are refused, and distinct tasks get distinct names", "[lab]") {
  const std::vector<lab::method> one = {lab::from_solver(solvers::gf2_elimination{})};
  auto c = lab::challenge();
  c.repeats = 1;
  c.seeds = {1, 2, 1};
  CHECK_THROWS_WITH(lab::run(c, one), "sutro::lab::run: seed 1 appears twice (each seed is one run of the mean)");
  c.seeds = {1};
  c.test = 0;
  CHECK_THROWS_WITH(lab::run(c, one), "sutro::lab::run: test must be positive (the accuracy is measured on it)");
  c.test = 10;
  for (double bad : {-1.0, 2.0, std::nan("")}) {
    c.pass_accuracy = bad;
    CHECK_THROWS_AS(lab::run(c, one), std::invalid_argument);
  }
  c.pass_accuracy = std::nan("");
  CHECK_THROWS_WITH(lab::run(c, one), "sutro::lab::run: pass_accuracy must be in [0, 1], got nan");

  lab::config t;
  t.task = {tasks::task_kind::threshold, 20, 5, 0.0, tasks::encoding::plus_minus_one, 1};
  CHECK(lab::describe(t) == "sparse_threshold (20,5) t=1");
  t.task.threshold = 4;  // k - 1: the default, said by the plain name
  CHECK(lab::describe(t) == "sparse_threshold (20,5)");
  t.task.threshold = tasks::threshold_k_minus_1;
  CHECK(lab::describe(t) == "sparse_threshold (20,5)");
  lab::config p;
  p.task.noise = 0.1;
  CHECK(lab::describe(p) == "sparse_parity (20,3) p=10%");
  p.task.noise = 0.049;
  CHECK(lab::describe(p) == "sparse_parity (20,3) p=4.9%");
  p.task.noise = 0.004;
  CHECK(lab::describe(p) == "sparse_parity (20,3) p=0.4%");
  p.task.noise = 0.051;
  CHECK(lab::describe(p) == "sparse_parity (20,3) p=5.1%");
  p.task.noise = 1e-300;  // rate * 100 would print 1.0000000000000001e-298
  CHECK(lab::describe(p) == "sparse_parity (20,3) p=1e-298%");
}

TEST_CASE("lab: mlp_fit_rows is the split an MLP method trains on", "[lab][nn]") {
  CHECK(lab::mlp_fit_rows(500, {}) == 400);
  CHECK(lab::mlp_fit_rows(7, {.validation_fraction = 0.5}) == 4);
  CHECK(lab::mlp_fit_rows(0, {}) == 0);
  for (const double bad : {0.0, 1.0, -0.5, std::nan("")})
    CHECK_THROWS_AS(lab::mlp_fit_rows(10, {.validation_fraction = bad}), std::invalid_argument);
  CHECK_THROWS_WITH(lab::mlp_fit_rows(10, {.validation_fraction = 1.5}),
                    "sutro::lab::mlp_fit_rows: validation_fraction must be in (0, 1), got 1.5");
}

TEST_CASE("lab: a rate in percent keeps the rate's own digits", "[lab]") {
  using sutro::detail::percent_text;
  CHECK(percent_text(0.05) == "5");
  CHECK(percent_text(0.07) == "7");  // the product 0.07 * 100 is 7.000000000000001
  CHECK(percent_text(0.1) == "10");
  CHECK(percent_text(0.123) == "12.3");
  CHECK(percent_text(0.49999999) == "49.999999");
  CHECK(percent_text(0.1 / 3) == "3.333333333333333");
  CHECK(percent_text(1e-6) == "0.0001");
  CHECK(percent_text(5e-7) == "5e-05");  // %g's switch to an exponent
  CHECK(percent_text(1e-300) == "1e-298");
  CHECK(percent_text(1.5e-300) == "1.5e-298");
  CHECK(percent_text(1.0) == "100");
  CHECK(percent_text(12.5) == "1250");
  // The text with the point moved back reads as the rate itself (so
  // neighbours one ulp apart get distinct names).
  const auto rate_of = [](const std::string& pct) {
    const std::size_t e = pct.find('e');
    const std::string shifted = e == std::string::npos
                                    ? pct + "e-2"
                                    : pct.substr(0, e) + "e" + std::to_string(std::atoi(pct.c_str() + e + 1) - 2);
    return std::strtod(shifted.c_str(), nullptr);
  };
  for (const double r : {0.05, 0.3, 1e-9, 0.49999999, 1e-300, 0.1 / 3}) {
    const double next = std::nextafter(r, 1.0);
    CHECK(rate_of(percent_text(r)) == r);
    CHECK(rate_of(percent_text(next)) == next);
    CHECK(percent_text(r) != percent_text(next));
  }
}

TEST_CASE("lab: mlp_method refuses options that would wrap or train nothing", "[lab][nn]") {
  const auto rule = optim::sgd({.lr = 0.1});
  const auto msg = [&](lab::mlp_method_options o) {
    try {
      (void)lab::mlp_method("sgd_mlp", rule, o);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  CHECK(msg({.validation_fraction = -0.5}) ==
        "sutro::lab::mlp_method: validation_fraction must be in (0, 1), got -0.5");
  CHECK(msg({.validation_fraction = std::nan("")}) ==
        "sutro::lab::mlp_method: validation_fraction must be in (0, 1), got nan");
  CHECK(msg({.validation_fraction = 1.0}).find("validation_fraction must be in (0, 1)") != std::string::npos);
  CHECK(msg({.epochs = 0}) == "sutro::lab::mlp_method: epochs must be positive");
  CHECK(msg({.batch = 0}) == "sutro::lab::mlp_method: batch must be positive");
  CHECK(msg({.hidden = {16, 0}}) == "sutro::lab::mlp_method: hidden needs one or more layer sizes, each positive");
  CHECK(msg({.stop_accuracy = 0.0}).find("stop_accuracy must be positive") != std::string::npos);
  CHECK(msg({.stop_accuracy = 2.0}) == "no exception");  // above 1: never stops early
}
