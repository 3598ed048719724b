// sutro-lab's translation of options into lab configurations and methods
// (apps/lab_cli.hpp), without CLI11 and without a process.
#include <cstdint>
#include <limits>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "lab_cli.hpp"
#include "support/catch.hpp"
#include "support/random.hpp"
#include "support/thrown.hpp"

using namespace sutro;
using apps::lab_options;

TEST_CASE("apps: parse_task reads KIND:N:K[:NOISE[:T]] with tasks/'s names", "[apps]") {
  auto s = apps::parse_task("parity:20:3");
  CHECK(s.kind == tasks::task_kind::parity);
  CHECK(s.n == 20);
  CHECK(s.k == 3);
  CHECK(s.noise == 0.0);
  CHECK(s.enc == tasks::encoding::plus_minus_one);
  s = apps::parse_task("sparse_parity:50:3:0.05", tasks::encoding::zero_one);
  CHECK(s.n == 50);
  CHECK(s.noise == 0.05);
  CHECK(s.enc == tasks::encoding::zero_one);
  CHECK(apps::parse_task("sum:20:3").kind == tasks::task_kind::sum);
  CHECK(apps::parse_task("and:20:3").kind == tasks::task_kind::and_);
  CHECK(apps::parse_task("sparse_majority:21:5").kind == tasks::task_kind::majority);
  s = apps::parse_task("threshold:20:5:0.1:3");
  CHECK(s.kind == tasks::task_kind::threshold);
  CHECK(s.threshold == 3);
  CHECK(tasks::threshold_of(s) == 3);
  CHECK(tasks::threshold_of(apps::parse_task("threshold:20:5")) == 4);  // k - 1
  CHECK(apps::parse_task("parity:7:7").k == 7);                         // n == k is allowed
}

TEST_CASE("apps: parse_task names the bad value", "[apps]") {
  const auto msg = [](const char* text) { return testing::thrown_message([&] { (void)apps::parse_task(text); }); };
  CHECK(msg("parity:20") ==
        "sutro::apps::parse_task: task 'parity:20' has 2 fields; expected KIND:N:K[:NOISE[:T]], "
        "e.g. parity:20:3");
  CHECK(msg("parity:3:5") == "sutro::apps::parse_task: task 'parity:3:5': k = 5 exceeds n = 3");
  CHECK(msg("xor:20:3").find("unknown task kind 'xor'") != std::string::npos);
  CHECK(msg("parity:twenty:3").find("n = 'twenty' is not a positive integer") != std::string::npos);
  CHECK(msg("parity:0:3").find("n = '0'") != std::string::npos);
  CHECK(msg("parity:20:-3").find("k = '-3'") != std::string::npos);
  CHECK(msg("parity:20:3x").find("k = '3x'") != std::string::npos);
  CHECK(msg("parity:20:3:0.5").find("noise = '0.5' is not a number in [0, 0.5)") != std::string::npos);
  CHECK(msg("parity:20:3:-0.1").find("noise = '-0.1'") != std::string::npos);
  CHECK(msg("parity:20:3:0:2").find("applies to threshold tasks only") != std::string::npos);
  CHECK(msg("threshold:20:3:0:9").find("t=9 must be in [-k, k]") != std::string::npos);
  CHECK(msg("parity:20:3:0:1:2").find("has 6 fields") != std::string::npos);
  CHECK(msg("").find("has 1 fields") != std::string::npos);
}

TEST_CASE("apps: parse_seeds against a plain reference on random lists", "[apps]") {
  for (std::size_t size : {1u, 2u, 63u, 64u, 65u}) {
    auto seeds = testing::random_words(size, 1000 + size);
    seeds[0] = 0;  // the edges of the range
    if (size > 1) seeds[1] = UINT64_MAX;
    std::string text;
    for (auto s : seeds) {
      if (!text.empty()) text += ',';
      text += std::to_string(s);
    }
    CHECK(apps::parse_seeds(text) == seeds);
  }
  CHECK(testing::thrown_message([] { (void)apps::parse_seeds(""); }) ==
        "sutro::apps::parse_seeds: the seed list is empty (e.g. --seeds 42,123,456)");
  CHECK(testing::thrown_message([] { (void)apps::parse_seeds("42,,7"); }).find("seed '' in '42,,7'") !=
        std::string::npos);
  CHECK(testing::thrown_message([] { (void)apps::parse_seeds("42,-1"); }).find("seed '-1'") != std::string::npos);
  CHECK(testing::thrown_message([] {
          (void)apps::parse_seeds("18446744073709551616");
        }).find("'18446744073709551616' in") != std::string::npos);  // 2^64
  CHECK(testing::thrown_message([] { (void)apps::parse_seeds("42,7,42"); }) ==
        "sutro::apps::parse_seeds: seed 42 appears twice in '42,7,42'");
}

TEST_CASE("apps: every catalog method is built under its own name", "[apps]") {
  const auto& catalog = apps::lab_method_catalog();
  CHECK(catalog.size() == 17);
  std::set<std::string> names;
  for (const auto& info : catalog) {
    INFO(info.name);
    CHECK(names.insert(info.name).second);
    CHECK(!info.description.empty());
    const lab::method m = apps::make_lab_method(info.name);
    CHECK(m.name == info.name);
    CHECK(static_cast<bool>(m.run));
    if (info.trains) CHECK(static_cast<bool>(m.recorded_run));  // the training, recorded
    CHECK(m.applies_to(tasks::task_kind::parity) == (info.tasks.rfind("parity", 0) == 0));
    CHECK(m.applies_to(tasks::task_kind::sum) == (info.tasks == "sum"));
    CHECK(info.trains == (info.name.size() > 4 && info.name.ends_with("_mlp")));
  }
  CHECK(
      testing::thrown_message([] {
        (void)apps::make_lab_method("gf2");
      }).rfind("sutro::apps::find_lab_method: unknown method 'gf2' (sutro-lab --list-methods: gf2_elimination, ", 0) ==
      0);
}

TEST_CASE("apps: translate builds one config per task and splits solvers from training methods", "[apps]") {
  lab_options o;
  o.tasks = {"parity:20:3", "parity:50:3:0.05", "sum:20:3"};
  o.methods = {"gf2_elimination", "sum_least_squares", "sgd_mlp"};
  o.seeds = "1,2";
  o.train = 300;
  o.test = 40;
  o.repeats = 3;
  o.train_repeats = 2;
  o.epochs = 7;
  o.hidden = {8, 4};
  const auto plan = apps::translate(o);
  REQUIRE(plan.configs.size() == 3);
  CHECK(plan.configs[1].task.n == 50);
  CHECK(plan.configs[1].task.noise == 0.05);
  CHECK(plan.configs[2].task.kind == tasks::task_kind::sum);
  for (const auto& c : plan.configs) {
    CHECK(c.seeds == std::vector<std::uint64_t>{1, 2});
    CHECK(c.train == 300);
    CHECK(c.test == 40);
    CHECK(c.repeats == 3);
    CHECK(c.label.empty());
  }
  CHECK(lab::describe(plan.configs[1]) == "sparse_parity (50,3) p=5%");
  CHECK(plan.train_repeats == 2);
  REQUIRE(plan.solvers.size() == 2);
  CHECK(plan.solvers[0].name == "gf2_elimination");
  CHECK(plan.solvers[1].name == "sum_least_squares");
  REQUIRE(plan.trained.size() == 1);
  CHECK(plan.trained[0].name == "sgd_mlp");

  // No methods named: every method that applies to one of the tasks.
  lab_options all;
  all.tasks = {"sum:20:3"};
  const auto sum_plan = apps::translate(all);
  CHECK(sum_plan.configs.size() == 1);
  REQUIRE(sum_plan.solvers.size() == 2);
  CHECK(sum_plan.trained.empty());
  all.tasks = {};  // parity:20:3
  const auto parity_plan = apps::translate(all);
  CHECK(parity_plan.configs.at(0).task.n == 20);
  CHECK(parity_plan.solvers.size() == 6);
  CHECK(parity_plan.trained.size() == 8);
  all.encoding = "01";  // the MLPs train 0/1 labels as -1/+1
  CHECK(apps::translate(all).trained.size() == 8);
}

TEST_CASE("apps: translate rejects bad input naming the value", "[apps]") {
  const auto msg = [](lab_options o) { return testing::thrown_message([&] { (void)apps::translate(o); }); };
  lab_options o;
  o.methods = {"gf2_elimination", "nope"};
  CHECK(msg(o).find("unknown method 'nope'") != std::string::npos);
  o.methods = {"gf2_elimination", "gf2_elimination"};
  CHECK(msg(o) == "sutro::apps::translate: method 'gf2_elimination' is named twice");
  o.methods = {"sum_correlation"};
  CHECK(msg(o) == "sutro::apps::translate: method 'sum_correlation' applies to sum, none of the tasks given");
  o = {};
  o.seeds = "";
  CHECK(msg(o).find("the seed list is empty") != std::string::npos);
  o = {};
  o.train = -5;
  CHECK(msg(o) == "sutro::apps::positive_count: train = -5 must be positive");
  o = {};
  o.test = 0;
  CHECK(msg(o) == "sutro::apps::positive_count: test = 0 must be positive");
  o = {};
  o.epochs = -1;
  CHECK(msg(o) == "sutro::apps::positive_count: epochs = -1 must be positive");
  o = {};
  o.stop_accuracy = 0.0;
  CHECK(msg(o) == "sutro::apps::translate: stop accuracy = 0 must be positive");
  o = {};
  o.stop_accuracy = std::numeric_limits<double>::quiet_NaN();
  CHECK(msg(o) == "sutro::apps::translate: stop accuracy = nan must be positive");
  o = {};
  o.hidden = {16, 0};
  CHECK(msg(o) == "sutro::apps::positive_count: hidden = 0 must be positive");
  o = {};
  o.encoding = "binary";
  CHECK(msg(o) == "sutro::apps::translate: encoding 'binary' is neither pm1 nor 01");
  // Training options matter only to training methods.
  o = {};
  o.methods = {"exhaustive"};
  o.epochs = 0;
  o.hidden = {0};
  CHECK(apps::translate(o).solvers.size() == 1);
  o.methods = {"exhaustive", "sgd_mlp"};
  CHECK(msg(o) == "sutro::apps::positive_count: epochs = 0 must be positive");
  o = {};
  o.methods = {"sgd_mlp"};
  o.train = 4;
  CHECK(msg(o) == "sutro::apps::translate: method 'sgd_mlp' needs train >= 5 (a validation split), got 4");
  o = {};
  o.lr = -0.1;
  CHECK(msg(o).find("lr = -0.1") != std::string::npos);
  o = {};
  o.tasks = {"parity:20:3", "parity:2:3"};
  CHECK(msg(o) == "sutro::apps::parse_task: task 'parity:2:3': k = 3 exceeds n = 2");
}

TEST_CASE("apps: too few training rows for the default methods says why, naming no method", "[apps]") {
  const auto msg = [](lab_options o) { return testing::thrown_message([&] { (void)apps::translate(o); }); };
  lab_options o;
  o.train = 4;
  CHECK(msg(o) ==
        "sutro::apps::translate: train = 4: the training methods (*_mlp), run by default on parity tasks, need "
        "train >= 5 (a fifth is held out for validation); raise --train, or name solvers only with --method "
        "(sutro-lab --list-methods)");
  o.tasks = {"sum:20:3"};  // no training method applies: nothing to refuse
  CHECK(apps::translate(o).trained.empty());
}

TEST_CASE("apps: a noise rate is named with the rate's own digits, a tiny one too", "[apps]") {
  const auto name = [](std::vector<std::string> tasks, const char* method) {
    lab_options o;
    o.tasks = std::move(tasks);
    o.methods = {method};
    std::vector<std::string> names;
    for (const auto& c : apps::translate(o).configs) names.push_back(lab::describe(c));
    return names;
  };
  CHECK(name({"parity:20:3:1e-300"}, "exhaustive") == std::vector<std::string>{"sparse_parity (20,3) p=1e-298%"});
  CHECK(name({"parity:20:3:0.05", "parity:20:3"}, "exhaustive") ==
        std::vector<std::string>{"sparse_parity (20,3) p=5%", "sparse_parity (20,3)"});
  CHECK(name({"threshold:20:5:0.1:3"}, "correlation") == std::vector<std::string>{"sparse_threshold (20,5) t=3 p=10%"});
  // Neighbouring doubles: two tasks, two names (not "given twice").
  CHECK(name({"parity:20:3:0.1", "parity:20:3:0.10000000000000002"}, "exhaustive") ==
        std::vector<std::string>{"sparse_parity (20,3) p=10%", "sparse_parity (20,3) p=10.000000000000002%"});
}

TEST_CASE("apps: run gives the lab's report, training progress tagged with its seed", "[apps]") {
  lab_options o;
  o.tasks = {"parity:20:3"};
  o.methods = {"gf2_elimination", "sgd_mlp"};
  o.seeds = "42,7";
  o.train = 100;
  o.test = 50;
  o.repeats = 1;
  o.epochs = 2;
  o.hidden = {8};
  o.trace_every = 1;
  std::ostringstream line;
  apps::progress_line progress(&line, 0.0);
  const auto plan = apps::translate(o, &progress);
  const lab::report rep = apps::run(plan, &progress);
  REQUIRE(rep.summaries.size() == 2);
  CHECK(rep.summaries[0].method == "gf2_elimination");
  CHECK(rep.summaries[0].found == 2);
  CHECK(rep.summaries[1].method == "sgd_mlp");
  REQUIRE(rep.runs.size() == 4);
  CHECK(rep.runs[2].seed == 42);
  CHECK(rep.runs[3].seed == 7);
  // Timed and traced training of each seed, two epochs each, each line cleared at the end.
  const std::string s = line.str();
  for (const char* want : {"\rsgd_mlp | sparse_parity (20,3) | seed 42 | epoch 1 | ",
                           "\rsgd_mlp | sparse_parity (20,3) | seed 42 | epoch 2 | ",
                           "\rsgd_mlp (traced run) | sparse_parity (20,3) | seed 42 | epoch 2 | ",
                           "\rsgd_mlp | sparse_parity (20,3) | seed 7 | epoch 2 | ",
                           "\rsgd_mlp (traced run) | sparse_parity (20,3) | seed 7 | epoch 2 | "}) {
    INFO(want);
    CHECK(s.find(want) != std::string::npos);
  }
  CHECK(s.find("seed 0 ") == std::string::npos);
  CHECK(s.find("gf2_elimination") == std::string::npos);  // solvers do not train
  CHECK(s.back() == '\r');
}

TEST_CASE("apps: progress_line waits, pads over a longer line and clears", "[apps]") {
  std::ostringstream out;
  apps::progress_line p(&out, 1.0);
  p.begin("egd_mlp", "sparse_parity (20,3)", 123, false);
  (void)p.epoch({1, 0.5, 0.5, 0.4});
  p.end();
  CHECK(out.str().empty());  // under a second: nothing, not even a clearing
  (void)p.epoch({2, 0.5, 0.5, 12.25});
  CHECK(out.str() == "\regd_mlp | sparse_parity (20,3) | seed 123 | epoch 2 | 12.2 s");
  (void)p.epoch({3, 0.5, 0.5, 1.5});
  CHECK(out.str() ==
        "\regd_mlp | sparse_parity (20,3) | seed 123 | epoch 2 | 12.2 s"
        "\regd_mlp | sparse_parity (20,3) | seed 123 | epoch 3 | 1.5 s ");
  out.str("");
  p.end();
  const std::size_t last = std::string("egd_mlp | sparse_parity (20,3) | seed 123 | epoch 3 | 1.5 s").size();
  CHECK(out.str() == "\r" + std::string(last, ' ') + "\r");
  apps::progress_line off(nullptr, 0.0);
  off.begin("m", "t", 1, true);
  CHECK(off.epoch({1, 0, 0, 5.0}) == nn::action::proceed);
  off.end();
}

TEST_CASE("apps: to_csv writes one row per run, empty cells where not measured", "[apps]") {
  lab::report r;
  lab::run_record a;
  a.task = "sparse_parity (20,3)";
  a.method = "gf2_elimination";
  a.seed = 42;
  a.status = solvers::solve_status::found;
  a.secret_found = true;
  a.test_accuracy = 1.0;
  a.time_s = 2.5e-6;
  a.gen_time_s = 0.125;
  a.samples_used = 36;
  a.bytes_allocated = 1024;
  a.peak_bytes = 512;
  a.allocations_measured = true;
  a.data_movement = {{"dmd", 6468.5}, {"bytedmd_trace", 130700}};
  a.trace = "own solve, recorded; 8-byte \"words\"";
  lab::run_record b;
  b.task = "t";
  b.method = "user";
  b.seed = 7;
  b.test_accuracy = 0.5;
  b.samples_used = 10;
  b.data_movement = {{"dmd", 3}, {"energy_j", 1e-9}};
  lab::run_record c;  // declined: nothing ran, so every measured cell is empty
  c.task = "sparse_parity (20,3) p=10%";
  c.method = "gf2_general";
  c.seed = 123;
  c.not_applicable = "noise-free, and spec.noise = 0.1";
  r.runs = {a, b, c};
  CHECK(apps::to_csv(r) ==
        "task,method,seed,status,secret_found,test_accuracy,time_s,gen_time_s,samples_used,bytes_allocated,"
        "peak_bytes,not_applicable,bytedmd_trace,dmd,energy_j,trace\n"
        "\"sparse_parity (20,3)\",gf2_elimination,42,found,true,1,2.5e-06,0.125,36,1024,512,,130700,6468.5,,"
        "\"own solve, recorded; 8-byte \"\"words\"\"\"\n"
        "t,user,7,failed,false,0.5,0,0,10,,,,,3,1e-09,\n"
        "\"sparse_parity (20,3) p=10%\",gf2_general,123,not_applicable,,,,,,,,\"noise-free, and spec.noise = "
        "0.1\",,,,\n");
  CHECK(apps::to_csv(lab::report{}) ==
        "task,method,seed,status,secret_found,test_accuracy,time_s,gen_time_s,samples_used,bytes_allocated,"
        "peak_bytes,not_applicable,trace\n");
}

TEST_CASE("apps: a method that declines a task gets not_applicable rows, not measurements", "[apps]") {
  lab_options o;
  o.tasks = {"parity:20:3:0.1"};
  o.methods = {"gf2_elimination", "exhaustive"};
  o.seeds = "42,7";
  o.repeats = 1;
  const lab::report rep = apps::run(apps::translate(o));
  REQUIRE(rep.summaries.size() == 2);
  CHECK_FALSE(rep.summaries[0].applies());
  CHECK(rep.summaries[1].applies());
  const std::string csv = apps::to_csv(rep);
  CHECK(csv.find("\n\"sparse_parity (20,3) p=10%\",gf2_elimination,42,not_applicable,,,,,,,,\"noise-free") !=
        std::string::npos);
  CHECK(csv.find("\n\"sparse_parity (20,3) p=10%\",gf2_elimination,7,not_applicable,") != std::string::npos);
  CHECK(csv.find("\n\"sparse_parity (20,3) p=10%\",exhaustive,42,found,true,1,") != std::string::npos);
}
