// sutro-lab's command line (apps/lab_cli_app.hpp, CLI11) run in-process:
// options into lab_options, exit codes, messages and outputs.
#if defined(SUTRO_HAS_CLI11)
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "lab_cli_app.hpp"
#include "support/catch.hpp"

using namespace sutro;

namespace {
struct result {
  int rc;
  std::string out, err;
};
result run_lab(std::vector<std::string> args, bool terminal = false) {
  args.insert(args.begin(), "sutro-lab");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int rc = apps::lab_main(static_cast<int>(argv.size()), argv.data(), out, err, terminal);
  return {rc, out.str(), err.str()};
}
apps::lab_options parse(std::vector<std::string> args) {
  CLI::App app;
  apps::lab_options o;
  apps::add_lab_options(app, o);
  std::reverse(args.begin(), args.end());  // CLI11 takes the vector reversed
  app.parse(args);
  return o;
}
}  // namespace

TEST_CASE("apps cli: options land in lab_options", "[apps]") {
  const auto o = parse({"--task",     "parity:20:3",
                        "--task",     "parity:50:3:0.05,sum:20:3",
                        "-m",         "gf2_elimination,sgd_mlp",
                        "--method",   "egd_mlp",
                        "--seeds",    "1,2,3",
                        "--train",    "1000",
                        "--test=200", "--repeats",
                        "2",          "--train-repeats",
                        "3",          "--epochs",
                        "7",          "--stop-accuracy",
                        "0.99",       "--hidden",
                        "32,16",      "--batch",
                        "16",         "--lr",
                        "0.2",        "--weight-decay",
                        "0",          "--mlp-seed",
                        "9",          "--trace-every",
                        "2",          "--json",
                        "-",          "--csv",
                        "out.csv",    "--no-progress",
                        "--encoding", "01",
                        "--pass",     "0.9"});
  CHECK(o.tasks == std::vector<std::string>{"parity:20:3", "parity:50:3:0.05", "sum:20:3"});
  CHECK(o.methods == std::vector<std::string>{"gf2_elimination", "sgd_mlp", "egd_mlp"});
  CHECK(o.seeds == "1,2,3");
  CHECK(o.train == 1000);
  CHECK(o.test == 200);
  CHECK(o.repeats == 2);
  CHECK(o.train_repeats == 3);
  CHECK(o.epochs == 7);
  CHECK(o.stop_accuracy == 0.99);
  CHECK(o.hidden == std::vector<long long>{32, 16});
  CHECK(o.batch == 16);
  CHECK(o.lr == 0.2);
  CHECK(o.weight_decay == 0.0);
  CHECK(o.mlp_seed == 9);
  CHECK(o.trace_every == 2);
  CHECK(o.json == "-");
  CHECK(o.csv == "out.csv");
  CHECK(!o.progress);
  CHECK(o.encoding == "01");
  CHECK(o.pass_accuracy == 0.9);
  const auto d = parse({});
  CHECK(d.tasks.empty());
  CHECK(d.methods.empty());
  CHECK(d.seeds == "42,123,456");
  CHECK(d.train == 500);
  CHECK(d.test == 500);
  CHECK(d.progress);
  CHECK(!d.lr);
  CHECK(d.train == parse({"--train", "-5"}).train + 505);  // a negative count is kept, to be reported
}

TEST_CASE("apps cli: exit 3 when every method declines every task, 0 when one of them ran", "[apps]") {
  const std::vector<std::string> declined = {"--task", "parity:20:3:0.1", "--method", "gf2_elimination", "--seeds",
                                             "42",     "--repeats",       "1"};
  const auto none = run_lab(declined);
  CHECK(none.rc == 3);
  CHECK(none.out.find("does not apply") != std::string::npos);  // the table and its reason are still written
  CHECK(none.err.rfind("sutro-lab: nothing ran: every method declined every task", 0) == 0);

  auto with_json = declined;
  with_json.insert(with_json.end(), {"--json", "-"});
  const auto json = run_lab(with_json);
  CHECK(json.rc == 3);
  CHECK(json.out.find("\"applies\": false") != std::string::npos);

  auto one_ran = declined;
  one_ran[1] = "parity:20:3:0.1,parity:20:3";
  const auto some = run_lab(one_ran);
  CHECK(some.rc == 0);
  CHECK(some.err.empty());
}

TEST_CASE("apps cli: bad input exits 2 with one line naming the value", "[apps]") {
  const auto check = [](std::vector<std::string> args, const std::string& message) {
    const auto r = run_lab(args);
    INFO(r.err);
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("sutro-lab: ", 0) == 0);
    CHECK(r.err.find(message) != std::string::npos);
  };
  check({"--method", "gf2_elimnation"}, "unknown method 'gf2_elimnation'");
  check({"--task", "parity:20"}, "task 'parity:20' has 2 fields");
  check({"--task", "parity:3:5"}, "k = 5 exceeds n = 3");
  check({"--task", "parity:20:3:0.6"}, "noise = '0.6'");
  check({"--seeds", ""}, "the seed list is empty");
  check({"--seeds", "42,x"}, "seed 'x'");
  check({"--train", "-5"}, "train = -5 must be positive");
  check({"--test=-1"}, "test = -1 must be positive");
  check({"--train", "many"}, "many");
  check({"--bogus"}, "--bogus");
  check({"--json", "-", "--csv", "-"}, "both ask for stdout");
  check({"--json", "/nonexistent-dir/x.json"}, "'/nonexistent-dir/x.json': cannot open");
  // One file for both reports would hold the CSV header and the JSON's tail.
  check({"--json", "same-report.txt", "--csv", "same-report.txt"}, "--json and --csv both name 'same-report.txt'");
  check({"--json", "same-report.txt", "--csv", "./same-report.txt"}, "one would overwrite the other");
  check({"--task", "parity:20:3", "--task", "parity:20:3:0"}, "is given twice (sparse_parity (20,3))");
  check({"--mlp-seed", "-1"}, "--mlp-seed");
  check({"--task", "sum:20:3", "--task", "parity:20:3", "--method", "gf2_elimination"},
        "none of the methods given applies to the task sparse_sum (20,3)");
}

TEST_CASE("apps cli: --help and --list-methods", "[apps]") {
  const auto h = run_lab(std::vector<std::string>{"--help"});
  CHECK(h.rc == 0);
  for (const char* want : {"--task", "--method", "--list-methods", "--seeds", "--train", "--test", "--json", "--csv",
                           "--epochs", "--no-progress", "Example:", "sutro-lab --task parity:20:3", "Exit codes"}) {
    INFO(want);
    CHECK(h.out.find(want) != std::string::npos);
  }
  const auto l = run_lab(std::vector<std::string>{"--list-methods"});
  CHECK(l.rc == 0);
  std::istringstream lines(l.out);
  std::string line;
  std::size_t i = 0;
  const auto& catalog = apps::lab_method_catalog();
  while (std::getline(lines, line)) {
    REQUIRE(i < catalog.size());
    CHECK(line.rfind(catalog[i].name + " ", 0) == 0);
    CHECK(line.find(catalog[i].description) != std::string::npos);
    ++i;
  }
  CHECK(i == catalog.size());
}

TEST_CASE("apps cli: a tiny run as table, JSON and CSV; progress only on a terminal", "[apps]") {
  const std::vector<std::string> tiny = {"--task",        "parity:20:3", "--method",         "gf2_elimination,sgd_mlp",
                                         "--seeds",       "42",          "--train",          "100",
                                         "--test",        "50",          "--repeats",        "1",
                                         "--epochs",      "2",           "--hidden",         "8",
                                         "--trace-every", "1",           "--progress-after", "0"};
  auto args = tiny;
  const auto table = run_lab(args);
  CHECK(table.rc == 0);
  CHECK(table.err.empty());  // not a terminal: no progress line
  CHECK(table.out.find("sparse_parity (20,3)         gf2_elimination         1/1    100.0%") != std::string::npos);
  CHECK(table.out.find("sgd_mlp") != std::string::npos);

  const auto on_terminal = run_lab(args, true);
  CHECK(on_terminal.rc == 0);
  CHECK(on_terminal.err.find("\rsgd_mlp | sparse_parity (20,3) | seed 42 | epoch 2 | ") != std::string::npos);
  args.push_back("--no-progress");
  CHECK(run_lab(args, true).err.empty());

  args = tiny;
  args.insert(args.end(), {"--json", "-"});
  const auto json = run_lab(args);
  CHECK(json.rc == 0);
  CHECK(json.out.rfind("{\"summaries\": [", 0) == 0);
  CHECK(json.out.find("\"method\": \"gf2_elimination\", \"runs\": 1, \"secret_found\": 1") != std::string::npos);
  CHECK(json.out.find("\"task\": \"sparse_parity (20,3)\", \"method\": \"sgd_mlp\", \"seed\": 42") !=
        std::string::npos);
  CHECK(json.out.find("task                         method") == std::string::npos);  // no table on stdout

  args = tiny;
  args.insert(args.end(), {"--csv", "-"});
  const auto csv = run_lab(args);
  CHECK(csv.rc == 0);
  CHECK(csv.out.rfind("task,method,seed,status,secret_found,test_accuracy,time_s,gen_time_s,samples_used,"
                      "bytes_allocated,peak_bytes,",
                      0) == 0);
  CHECK(csv.out.find("\n\"sparse_parity (20,3)\",gf2_elimination,42,found,true,1,") != std::string::npos);
  CHECK(csv.out.find("\n\"sparse_parity (20,3)\",sgd_mlp,42,failed,false,") != std::string::npos);
}
#endif
