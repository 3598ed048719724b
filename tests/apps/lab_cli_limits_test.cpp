// sutro-lab's range checks that the library's own cannot make for it: a typed
// t equal to task_spec's "default" sentinel, sample counts past what a run
// can hold (exit 2, not a run failing with 1); and the method list says what
// the MLPs take.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#if defined(SUTRO_HAS_CLI11)
#include "lab_cli_app.hpp"
#else
#include "lab_cli.hpp"
#endif

using namespace sutro;
using apps::lab_options;

TEST_CASE("apps: a typed t is range-checked, INT32_MIN included (it is not the default)", "[apps]") {
  const auto msg = [](const char* text) { return testing::thrown_message([&] { (void)apps::parse_task(text); }); };
  CHECK(msg("threshold:20:3:0:-2147483648") ==
        "sutro::apps::parse_task: task 'threshold:20:3:0:-2147483648': threshold t=-2147483648 must be in "
        "[-k, k] = [-3, 3]");
  CHECK(msg("threshold:20:3:0:-4").find("t=-4 must be in [-k, k] = [-3, 3]") != std::string::npos);
  CHECK(msg("threshold:20:3:0:4").find("t=4 must be in [-k, k]") != std::string::npos);
  // Past int32: named as typed, not "not an integer" nor wrapped.
  CHECK(msg("threshold:20:3:0:-99999999999").find("t=-99999999999 must be in [-k, k]") != std::string::npos);
  CHECK(msg("threshold:20:3:0:x").find("t = 'x' is not an integer") != std::string::npos);
  CHECK(apps::parse_task("threshold:20:3:0:-3").threshold == -3);
  CHECK(tasks::threshold_of(apps::parse_task("threshold:20:3:0:-3")) == -3);
  CHECK(tasks::threshold_of(apps::parse_task("threshold:20:3:0:3")) == 3);
  CHECK(tasks::threshold_of(apps::parse_task("threshold:20:3")) == 2);  // k - 1 only when t is not given
}

TEST_CASE("apps: train or test counts past what a run can hold are bad input, named with the limit", "[apps]") {
  const auto msg = [](lab_options o) { return testing::thrown_message([&] { (void)apps::translate(o); }); };
  const std::size_t limit = std::min(tasks::sparse_task::max_packed_count(20), tasks::sparse_task::max_dense_count(20));
  lab_options o;
  o.methods = {"exhaustive"};
  o.train = 4611686018427387904LL;  // 2^62
  CHECK(msg(o) == "sutro::apps::translate: train = 4611686018427387904 samples exceeds the limit of " +
                      std::to_string(limit) +
                      " for task 'parity:20:3' (n = 20: the packed rows and their n floats a row within "
                      "std::vector's max_size)");
  o.train = 500;
  o.test = static_cast<long long>(limit) + 1;
  CHECK(msg(o).find("sutro::apps::translate: test = " + std::to_string(limit + 1) + " samples exceeds the limit") == 0);
  o.test = 500;
  CHECK_NOTHROW((void)apps::translate(o));
}

TEST_CASE("apps: a batch x widest layer past a buffer's max_size is bad input, as nn::mlp::reserve has it", "[apps]") {
  const auto msg = [](lab_options o) { return testing::thrown_message([&] { (void)apps::translate(o); }); };
  using net_alloc = nn::mlp<float>::host_allocator_type;
  const std::size_t limit = std::vector<float, net_alloc>().max_size();
  lab_options o;
  o.methods = {"sgd_mlp"};
  // --batch 32: nn::train still sizes its buffers for 256 rows.
  o.hidden = {static_cast<long long>(limit / 256)};
  CHECK_NOTHROW((void)apps::translate(o));
  const std::size_t wide = limit / 256 + 1;
  o.hidden = {8, static_cast<long long>(wide)};
  CHECK(msg(o) == "sutro::apps::translate: --batch 32 and --hidden 8," + std::to_string(wide) +
                      " for task sparse_parity (20,3): a training's buffers take 256 rows x " + std::to_string(wide) +
                      " units = " + std::to_string(256 * wide) + " floats, past the " + std::to_string(limit) +
                      " a buffer can hold (rows: the batch, at most the 400 rows trained on, at least 256); choose a "
                      "smaller --hidden");
  // A batch past 256 counts up to the rows trained on: train 1000 fits on 800.
  o.train = 1000;
  o.batch = 4096;
  o.hidden = {static_cast<long long>(limit / 800)};
  CHECK_NOTHROW((void)apps::translate(o));
  o.hidden = {static_cast<long long>(limit / 800 + 1)};
  const std::string refused = msg(o);
  CHECK(refused.rfind("sutro::apps::translate: --batch 4096 and --hidden ", 0) == 0);
  CHECK(refused.find(": a training's buffers take 800 rows x ") != std::string::npos);
  CHECK(refused.find("; choose a smaller --hidden or --batch") != std::string::npos);
  // Only where a training method runs: not for a solver, nor for a task no
  // training method applies to, even with the default methods.
  o.methods = {"exhaustive"};
  CHECK_NOTHROW((void)apps::translate(o));
  o.methods.clear();
  o.tasks = {"sum:20:3"};
  CHECK_NOTHROW((void)apps::translate(o));
  o.tasks = {"sum:20:3", "parity:20:3"};
  CHECK(msg(o).find("for task sparse_parity (20,3): a training's buffers take") != std::string::npos);
}

TEST_CASE("apps: the MLPs are listed for parity in either encoding, and run in 01", "[apps]") {
  for (const auto& m : apps::lab_method_catalog()) {
    if (!m.trains) continue;
    INFO(m.name);
    CHECK(m.tasks == "parity (pm1 or 01)");
    CHECK(m.tasks.find("+-1") == std::string::npos);
  }
  lab_options o;
  o.methods = {"sgd_mlp"};
  o.encoding = "01";
  o.seeds = "1";
  o.train = 40;
  o.test = 20;
  o.epochs = 1;
  o.trace_every = 1;
  const auto plan = apps::translate(o);
  REQUIRE(plan.trained.size() == 1);
  const auto rep = apps::run(plan);
  REQUIRE(rep.summaries.size() == 1);
  CHECK(rep.summaries[0].applies());
  CHECK(rep.summaries[0].runs == 1);
}

#if defined(SUTRO_HAS_CLI11)
namespace {
struct cli_result {
  int rc;
  std::string out, err;
};
cli_result run_cli(std::vector<std::string> args) {
  args.insert(args.begin(), "sutro-lab");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int rc = apps::lab_main(static_cast<int>(argv.size()), argv.data(), out, err, false);
  return {rc, out.str(), err.str()};
}
}  // namespace

TEST_CASE("apps cli: a huge --train or --test exits 2 naming the count; a sentinel t exits 2", "[apps]") {
  for (const char* option : {"--train", "--test"}) {
    const auto r = run_cli({"--method", "exhaustive", option, "4611686018427387904"});
    INFO(option << ": " << r.err);
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("sutro-lab: sutro::apps::translate: " + std::string(option + 2) + " = 4611686018427387904 " +
                          "samples exceeds the limit of ",
                      0) == 0);
  }
  const auto t = run_cli({"--task", "threshold:20:3:0:-2147483648", "--method", "correlation"});
  INFO(t.err);
  CHECK(t.rc == 2);
  CHECK(t.out.empty());
  CHECK(t.err.find("threshold t=-2147483648 must be in [-k, k] = [-3, 3]") != std::string::npos);
}

TEST_CASE("apps cli: --list-methods shows the MLPs for parity in either encoding", "[apps]") {
  const auto l = run_cli({"--list-methods"});
  CHECK(l.rc == 0);
  std::istringstream lines(l.out);
  int mlps = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find("_mlp ") == std::string::npos) continue;
    ++mlps;
    INFO(line);
    CHECK(line.find("parity (pm1 or 01)") != std::string::npos);
    CHECK(line.find("(+-1)") == std::string::npos);
  }
  CHECK(mlps == 8);
}
#endif
