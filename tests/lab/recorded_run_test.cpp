// The lab's data-movement columns: traced runs of the built-in methods, the
// ByteDMD-tr pricing of a memory trace, and how the table shows a method
// without a traced run.
#include <sstream>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/lab/data_movement.hpp"
#include "sutro/lab/experiment.hpp"
#include "sutro/lab/mlp_method.hpp"
#include "sutro/lab/report.hpp"
#include "sutro/metrics/dmd/bytedmd.hpp"
#include "sutro/metrics/dmd/tracked.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/gf2_general.hpp"
#include "sutro/solvers/robust_gf2.hpp"
#include "sutro/solvers/sparse_sum.hpp"

using namespace sutro;

TEST_CASE("lab: ByteDMD-tr of a hand trace", "[lab][traced]") {
  // x, y never written: preloaded inputs, the first read (x) on top.
  // read x: depth 1; read y: depth 2, its last use (dropped); read x: depth 1;
  // write z: pushed free; read z: depth 1, its last use (dropped); read x:
  // depth 1 again. Costs (1 byte per value): 1 + 2 + 1 + 1 + 1.
  double x = 0, y = 0, z = 0;
  memory::trace t = lab::lab_trace(memory::granularity::element);
  t.record(&x, 8, memory::access_kind::read);
  t.record(&y, 8, memory::access_kind::read);
  t.record(&x, 8, memory::access_kind::read);
  t.record(&z, 8, memory::access_kind::write);
  t.record(&z, 8, memory::access_kind::read);
  t.record(&x, 8, memory::access_kind::read);
  const auto r = lab::trace_bytedmd(t, 1);
  CHECK(r.cost == 1 + 2 + 1 + 1 + 1);
  CHECK(r.inputs == 2);
  CHECK(lab::trace_bytedmd(t, 8).cost == metrics::dmd::read_cost(1, 8) * 4 + metrics::dmd::read_cost(2, 8));
  memory::trace no_events;
  CHECK_THROWS_AS(lab::trace_bytedmd(no_events, 1), std::invalid_argument);
}

TEST_CASE("lab: ByteDMD-tr is not ByteDMD (and is named apart)", "[lab][traced]") {
  // s = a + b: ByteDMD prices one instruction reading a and b against the
  // stack before it. The memory trace of the same code is read a, read b,
  // write s, each read its own instruction: a different (documented)
  // accounting, which is why the lab names it ByteDMD-tr.
  const auto f = [](metrics::dmd::tracked<double> a, metrics::dmd::tracked<double> b) { return a + b; };
  const auto r = metrics::dmd::bytedmd(f, 1.0, 2.0);
  double a = 1, b = 2, s = 0;
  memory::trace t = lab::lab_trace(memory::granularity::element);
  t.record(&a, 8, memory::access_kind::read);
  t.record(&b, 8, memory::access_kind::read);
  t.record(&s, 8, memory::access_kind::write);
  // ByteDMD: a on top (first argument), b below: depths 1, 2 -> 1 + 2 = 3.
  // ByteDMD-tr: first read (a) on top: read a at 1 (dropped), then b at 1 -> 2.
  CHECK(r.cost == 3);
  CHECK(lab::trace_bytedmd(t, 1).cost == 2);
}

TEST_CASE("lab: built-in methods report a traced run; others say they have none", "[lab][traced]") {
  auto c = lab::challenge();
  c.repeats = 1;
  c.seeds = {42, 123};
  // A user method without a traced run: the table says so, never 0.
  const lab::method guess{"user_guess", [](const lab::problem&) { return lab::method_output{}; }};
  const std::vector<lab::method> methods = {
      lab::from_solver(solvers::gf2_elimination{}),
      lab::from_solver(solvers::gf2_general{}),
      lab::from_solver(solvers::robust_gf2{}),
      lab::mlp_method("sgd_mlp", optim::sgd({.lr = 0.1, .weight_decay = 0.01}), {.epochs = 2, .trace_bytedmd = true}),
      lab::mlp_method("egd_mlp", optim::egd({.lr = 0.1, .weight_decay = 0.01}), {.epochs = 2, .trace_bytedmd = true}),
      guess};
  for (std::size_t i = 0; i + 1 < methods.size(); ++i) CHECK(methods[i].recorded_run);
  CHECK(!guess.recorded_run);
  const auto rep = lab::run(c, methods);
  REQUIRE(rep.summaries.size() == 6);
  for (const auto& r : rep.runs) {
    INFO(r.method);
    if (r.method == "user_guess") {
      CHECK(r.data_movement.empty());
      CHECK(r.trace.empty());
      continue;
    }
    CHECK(!r.trace.empty());
    for (const char* key : {"accesses", "reads", "writes", "cold", "distinct", "mean_reuse_distance", "mean_reuse_time",
                            "dmd", "energy_j", "bytedmd_trace"}) {
      INFO(key);
      CHECK(r.data_movement.count(key) == 1);
    }
    CHECK(r.data_movement.at("accesses") == r.data_movement.at("reads") + r.data_movement.at("writes"));
    CHECK(r.data_movement.at("dmd") > 0);
    CHECK(r.data_movement.at("bytedmd_trace") > 0);
    CHECK(r.data_movement.at("energy_j") > 0);
  }
  // Both MLP traces are their whole (2-epoch) training, each optimizer's own update included.
  const auto& sgd = rep.summaries[3];
  const auto& egd = rep.summaries[4];
  CHECK(sgd.data_movement.at("reads") != egd.data_movement.at("reads"));
  CHECK(sgd.data_movement.at("sample_scale") == 1.0);
  for (const auto* s : {&sgd, &egd}) {
    CHECK(s->trace.find("the rule's own update") != std::string::npos);
    CHECK(s->trace.find("every epoch recorded") != std::string::npos);
  }

  std::ostringstream table;
  lab::print_table(table, rep);
  const std::string t = table.str();
  for (const char* want : {"mean RD", "DMD", "ByteDMD-tr", "energy", "(no traced run)",
                           "gf2_general:", "gf2_elimination's own solve, recorded",
                           "robust_gf2: robust_gf2's own trials", "8-byte words", "4-byte float"}) {
    INFO(want);
    CHECK(t.find(want) != std::string::npos);
  }
  const std::string json = lab::to_json(rep);
  CHECK(json.find("\"trace\": null") != std::string::npos);
  CHECK(json.find("\"bytedmd_trace\": ") != std::string::npos);
}

TEST_CASE("lab: a solver's traced run is its own solve, recorded", "[lab][traced]") {
  // The lab's run records exactly the accesses of solve(train,
  // memory::recording_access) with the method's options (exact counts per
  // solver: tests/solvers/recorded_solve_test.cpp), and names that code.
  const auto check = [](const auto& solver, const tasks::sparse_task& task, std::size_t m, const char* name) {
    INFO(name);
    const auto train = task.packed(tasks::split::train, m);
    const auto dense = tasks::sparse_task::to_dense(train);
    const lab::problem p{task.spec(), train, dense};
    memory::trace t = lab::lab_trace(memory::granularity::word);
    const auto traced = solver.solve(train, memory::recording_access{&t});
    const auto plain = solver.solve(train);
    CHECK(traced.status == plain.status);
    CHECK(traced.subset == plain.subset);
    const auto rep = lab::from_solver(solver).recorded_run(p);
    CHECK(rep.trace.find(std::string(name) + "'s own") == 0);
    CHECK(rep.trace.find("model") == std::string::npos);
    CHECK(rep.metrics.at("reads") == double(t.reads()));
    CHECK(rep.metrics.at("writes") == double(t.writes()));
  };
  const auto parity = tasks::sparse_parity(20, 3, 42);
  const auto sum = tasks::sparse_sum(20, 3, 42);
  check(solvers::gf2_elimination{}, parity, 40, "gf2_elimination");
  check(solvers::gf2_general{}, parity, 40, "gf2_general");
  check(solvers::exhaustive{}, parity, 40, "exhaustive");
  check(solvers::exhaustive({.max_samples = 19}), parity, 40, "exhaustive");
  check(solvers::sum_correlation{}, sum, 300, "sum_correlation");
  check(solvers::sum_least_squares{}, sum, 300, "sum_least_squares");
}

TEST_CASE("lab: sparse-sum solvers report traced runs", "[lab][traced]") {
  auto c = lab::challenge();
  c.task.kind = tasks::task_kind::sum;
  c.seeds = {42};
  c.repeats = 1;
  const auto rep = lab::run(c, {lab::from_solver(solvers::sum_correlation{}, "", {tasks::task_kind::sum}),
                                lab::from_solver(solvers::sum_least_squares{}, "", {tasks::task_kind::sum})});
  REQUIRE(rep.runs.size() == 2);
  const double m = 500, row_words = 1;
  for (const auto& r : rep.runs) {
    INFO(r.method);
    CHECK(r.secret_found);
    CHECK(r.trace.find(r.method + "'s own solve, recorded") == 0);
    // At least: every row's word and label in the label-sum pass and in the final check.
    CHECK(r.data_movement.at("reads") >= 2 * m * (row_words + 1));
    CHECK(r.data_movement.at("accesses") == r.data_movement.at("reads") + r.data_movement.at("writes"));
  }
}

TEST_CASE("lab: every method of the main demo has a traced run", "[lab][traced]") {
  // The demo's list (examples/sparse_parity_lab.cpp), exhaustive with a sample cap included.
  const std::vector<lab::method> demo = {
      lab::from_solver(solvers::gf2_elimination{}),
      lab::from_solver(solvers::gf2_general{}),
      lab::from_solver(solvers::robust_gf2{}),
      lab::from_solver(solvers::exhaustive{}),
      lab::from_solver(solvers::exhaustive({.max_samples = 19}), "exhaustive m=19"),
      lab::from_solver(solvers::sum_correlation{}, "", {tasks::task_kind::sum}),
      lab::from_solver(solvers::sum_least_squares{}, "", {tasks::task_kind::sum}),
      lab::mlp_method("sgd_mlp", optim::sgd({.lr = 0.1, .weight_decay = 0.01})),
      lab::mlp_method("adam_mlp",
                      optim::adam({.lr = 0.01, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0.01})),
      lab::mlp_method("egd_mlp", optim::egd({.lr = 0.1, .weight_decay = 0.01})),
      lab::mlp_method("muon_mlp", optim::muon({.lr = 0.02, .beta = 0.95, .weight_decay = 0.01}))};
  for (const auto& m : demo) {
    INFO(m.name);
    CHECK(m.recorded_run);
  }
}

TEST_CASE("lab: robust_gf2's traced run is the solver's own solve with its options", "[lab][traced]") {
  // Noisy (20,3): several trials. The lab's run records exactly the accesses
  // of solve(train, memory::recording_access) with the method's options, and that solve
  // answers what the plain solve answers.
  auto task = tasks::sparse_parity(20, 3, 42, {.noise = 0.15});
  const auto train = task.packed(tasks::split::train, 300);
  const auto dense = tasks::sparse_task::to_dense(train);
  const lab::problem p{task.spec(), train, dense};
  for (const solvers::robust_gf2& s : {solvers::robust_gf2{}, solvers::robust_gf2({.trials = 5, .seed = 9})}) {
    INFO("trials " << s.options().trials);
    memory::trace t = lab::lab_trace(memory::granularity::word);
    const auto traced = s.solve(train, memory::recording_access{&t});
    const auto plain = s.solve(train);
    CHECK(traced.status == plain.status);
    CHECK(traced.subset == plain.subset);
    CHECK(traced.stats.candidates == plain.stats.candidates);
    CHECK(traced.stats.disagreements == plain.stats.disagreements);
    const auto rep = lab::from_solver(s).recorded_run(p);
    CHECK(rep.trace.find("robust_gf2's own trials") == 0);
    CHECK(rep.metrics.at("reads") == double(t.reads()));
    CHECK(rep.metrics.at("writes") == double(t.writes()));
  }
}

TEST_CASE("lab: MLP traced runs are the whole training, per optimizer; a sample is declared and scaled",
          "[lab][traced]") {
  auto c = lab::challenge();
  c.repeats = 1;
  c.seeds = {42};
  c.train = 200;
  const lab::mlp_method_options whole{.hidden = {32}, .epochs = 6, .stop_accuracy = 2.0};  // never stops early
  const auto rep = lab::run(
      c,
      {lab::mlp_method("sgd", optim::sgd({.lr = 0.1, .weight_decay = 0.01}), whole),
       lab::mlp_method(
           "adam", optim::adam({.lr = 0.01, .beta1 = 0.9, .beta2 = 0.999, .eps = 1e-8, .weight_decay = 0.01}), whole),
       lab::mlp_method("egd", optim::egd({.lr = 0.1, .weight_decay = 0.01}), whole),
       lab::mlp_method("muon", optim::muon({.lr = 0.02, .beta = 0.95, .weight_decay = 0.01}), whole)});
  REQUIRE(rep.summaries.size() == 4);
  // Same network, data and epochs: the four differ by what their optimizers move.
  for (std::size_t i = 0; i < 4; ++i)
    for (std::size_t j = i + 1; j < 4; ++j) {
      INFO(rep.summaries[i].method << " vs " << rep.summaries[j].method);
      CHECK(rep.summaries[i].data_movement.at("reads") != rep.summaries[j].data_movement.at("reads"));
      CHECK(rep.summaries[i].data_movement.at("dmd") != rep.summaries[j].data_movement.at("dmd"));
    }
  for (const auto& s : rep.summaries) {
    INFO(s.method);
    CHECK(s.trace.find("6 epochs") != std::string::npos);
    CHECK(s.trace.find("ByteDMD-tr not measured") != std::string::npos);
    CHECK(s.data_movement.count("bytedmd_trace") == 0);
  }
  // Every 2nd epoch of 6: epochs 1, 3, 5 recorded, additive metrics doubled, means not.
  auto sampled_opts = whole;
  sampled_opts.trace_every_epochs = 2;
  const auto sampled =
      lab::run(c, {lab::mlp_method("sgd", optim::sgd({.lr = 0.1, .weight_decay = 0.01}), sampled_opts)});
  const auto& s = sampled.summaries[0];
  CHECK(s.data_movement.at("sample_scale") == 2.0);
  CHECK(s.trace.find("SAMPLED: 1 epoch in 2 (3 of 6)") != std::string::npos);
  const double ratio = s.data_movement.at("reads") / rep.summaries[0].data_movement.at("reads");
  CHECK(ratio > 0.8);
  CHECK(ratio < 1.25);
  CHECK(lab::to_json(sampled).find("\"sample_scale\": 2") != std::string::npos);
}

TEST_CASE("lab: not measured is n/m in the table and null in JSON", "[lab][traced]") {
  auto c = lab::challenge();
  c.repeats = 1;
  c.seeds = {42};
  const lab::method user{"user_std", [](const lab::problem&) {
                           std::vector<int> v(1000, 1);  // not through sutro's allocators
                           lab::method_output out;
                           out.samples_used = static_cast<std::size_t>(v[0]);
                           return out;
                         }};
  const auto rep = lab::run(c, {lab::from_solver(solvers::gf2_elimination{}), user});
  CHECK(rep.summaries[0].allocations_measured);
  CHECK(!rep.summaries[1].allocations_measured);
  std::ostringstream table;
  lab::print_table(table, rep);
  const std::string t = table.str();
  CHECK(t.find("sutro alloc") != std::string::npos);
  CHECK(t.find("through sutro's accounting allocators") != std::string::npos);
  const auto row = t.substr(t.find("user_std"));
  CHECK(row.substr(0, row.find('\n')).find("n/m") != std::string::npos);
  const std::string json = lab::to_json(rep);
  CHECK(json.find("\"max_bytes_allocated\": null") != std::string::npos);
  CHECK(json.find("\"bytes_allocated\": null") != std::string::npos);
  CHECK(json.find("\"max_bytes_allocated\": " + std::to_string(rep.summaries[0].max_bytes_allocated)) !=
        std::string::npos);
}
