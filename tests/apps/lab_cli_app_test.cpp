// sutro-lab's command line (apps/lab_cli_app.hpp, CLI11) run in-process:
// options into lab_options, exit codes, messages and outputs.
#if defined(SUTRO_HAS_CLI11)
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include <unistd.h>

#include "lab_cli_app.hpp"
#include "support/catch.hpp"
#include "support/thrown.hpp"

using namespace sutro;

namespace {
struct result {
  int rc;
  std::string out, err;
};
result run_lab(std::vector<std::string> args, bool terminal = false, std::ostream* out_to = nullptr) {
  args.insert(args.begin(), "sutro-lab");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  const int rc = apps::lab_main(static_cast<int>(argv.size()), argv.data(), out_to ? *out_to : out, err, terminal);
  return {rc, out.str(), err.str()};
}
// A stdout that takes nothing, as /dev/full.
struct full_buffer : std::streambuf {
  int_type overflow(int_type) override { return traits_type::eof(); }
};
// A fresh directory under the system's temporary one, removed at the end.
struct temp_dir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("sutro_lab_test_" + std::to_string(::getpid()));
  temp_dir() {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  [[nodiscard]] std::string operator/(const char* name) const { return (path / name).string(); }
};
std::string read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}
const std::vector<std::string> quick = {"--method", "gf2_elimination", "--seeds", "42", "--repeats", "1"};
std::vector<std::string> quick_with(std::vector<std::string> more) {
  auto args = quick;
  args.insert(args.end(), more.begin(), more.end());
  return args;
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
  check({"--mlp-seed", "-1"}, "--mlp-seed = '-1' is not a non-negative decimal integer below 2^64");
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
TEST_CASE("apps cli: bad training options exit 2 before any method runs, the JSON file untouched", "[apps]") {
  const temp_dir dir;
  const std::string json = dir / "report.json";
  const auto check = [&](std::vector<std::string> training, const std::string& message) {
    std::vector<std::string> args = {"--method",  "gf2_elimination,sgd_mlp",
                                     "--seeds",   "42",
                                     "--train",   "100",
                                     "--test",    "50",
                                     "--repeats", "1",
                                     "--epochs",  "1",
                                     "--json",    json};
    args.insert(args.end(), training.begin(), training.end());
    std::ofstream(json) << "kept";
    const auto r = run_lab(args);
    INFO(r.err);
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("sutro-lab: ", 0) == 0);
    CHECK(r.err.find(message) != std::string::npos);
    CHECK(read_all(json) == "kept");
  };
  check({"--hidden", "4,4,4"},
        "hidden = 4,4,4 for task sparse_parity (20,3): sutro::nn::mlp::mlp: needs inputs > 0 "
        "and 1 or 2 nonzero hidden layers, got 20 inputs and 3 hidden layers");
  check({"--hidden", "4611686018427387904"}, "a 20 x 4611686018427387904 tensor takes the parameters past");
  check({"--lr", "1e39"}, "method 'sgd_mlp' (lr = 1e+39, weight-decay = 0.01): ");
  check({"--lr", "1e39"}, "within the parameters' floating type's range");
  check({"--lr", "1e-300"}, "(it rounds to 0)");
  check({"--lr", "1e-320"}, "(it rounds to 0)");  // a double, subnormal; 0 as a float
  check({"--weight-decay", "1e300"}, "method 'sgd_mlp' (weight-decay = 1e+300): ");
}

TEST_CASE("apps cli: a failed write to stdout exits 1", "[apps]") {
  full_buffer full;
  std::ostream out(&full);
  for (const char* format : {"--json", "--csv"}) {
    const auto r = run_lab(quick_with({format, "-"}), false, &out);
    INFO(format);
    CHECK(r.rc == 1);
    CHECK(r.err == "sutro-lab: writing the output failed\n");
  }
  std::ostream table(&full);
  CHECK(run_lab(quick, false, &table).rc == 1);
}

TEST_CASE("apps cli: numbers are read in decimal only, the whole text", "[apps]") {
  CHECK(parse({"--train", "0100"}).train == 100);  // never octal
  CHECK(parse({"--hidden", "8,010"}).hidden == std::vector<long long>{8, 10});
  CHECK(parse({"--mlp-seed", "18446744073709551615"}).mlp_seed == 18446744073709551615ULL);
  CHECK(parse({"--pass", "0.5"}).pass_accuracy == 0.5);
  const auto check = [](std::vector<std::string> args, const std::string& message) {
    const auto r = run_lab(args);
    INFO(r.err);
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err.rfind("sutro-lab: " + message, 0) == 0);
    CHECK(r.err.size() < 200);
  };
  check({"--train", "0x10"}, "--train = '0x10' is not a decimal integer");
  check({"--train", "+5"}, "--train = '+5' is not a decimal integer");
  check({"--test", "18446744073709551616"}, "--test = '18446744073709551616' is not a decimal integer");
  check({"--repeats", "5x"}, "--repeats = '5x' is not a decimal integer");
  check({"--epochs", ""}, "--epochs = '' is not a decimal integer");
  check({"--hidden", "8,0x8"}, "--hidden = '0x8' is not a decimal integer");
  check({"--pass", ""}, "--pass = '' is not a decimal number");
  check({"--lr", "0x1p-3"}, "--lr = '0x1p-3' is not a decimal number");
  check({"--weight-decay", "1e400"}, "--weight-decay = '1e400' is not a decimal number");
  check({"--mlp-seed", "-1"}, "--mlp-seed = '-1' is not a non-negative decimal integer");
  check({"--mlp-seed", "18446744073709551616"}, "--mlp-seed = '18446744073709551616' is not a non-negative");
}

TEST_CASE("apps cli: add_number_option adds a number option with its decimal check under one name", "[apps]") {
  struct numbers {
    long long count = 7;
    std::optional<double> rate;
    std::vector<std::uint64_t> sizes{1, 2};
  };
  const auto parsed = [](std::vector<std::string> args) {
    CLI::App app;
    numbers v;
    apps::add_number_option(app, "--count", v.count, "a count")->group("numbers");
    apps::add_number_option(app, "--rate", v.rate, "a rate");
    apps::add_number_option(app, "--sizes", v.sizes, "sizes");
    CHECK(app.get_option("--count")->get_group() == "numbers");
    CHECK(app.help().find("--count INT=7 ") != std::string::npos);  // the default shown
    CHECK(app.help().find("--sizes UINT=1,2 ") != std::string::npos);
    std::reverse(args.begin(), args.end());
    app.parse(args);
    return v;
  };
  const auto v = parsed({"--count", "010", "--rate", "0.5", "--sizes", "3,04", "--sizes", "5"});
  CHECK(v.count == 10);
  CHECK(v.rate == 0.5);
  CHECK(v.sizes == std::vector<std::uint64_t>{3, 4, 5});
  CHECK(parsed({}).sizes == std::vector<std::uint64_t>{1, 2});
  const auto refused = [&](std::vector<std::string> args) {
    return testing::thrown_message<apps::detail::bad_value>([&] { (void)parsed(args); });
  };
  CHECK(refused({"--count", "0x10"}) == "--count = '0x10' is not a decimal integer within [-2^63, 2^63)");
  CHECK(refused({"--rate", "0x1p-3"}) == "--rate = '0x1p-3' is not a decimal number within a double's range");
  CHECK(refused({"--sizes", "3,-1"}) == "--sizes = '-1' is not a non-negative decimal integer below 2^64");
  CHECK(refused({"--sizes", "3,,4"}) == "--sizes = '3,,4' has an empty entry; expected a comma-separated list");
}

TEST_CASE("apps cli: --hidden refuses an empty entry as --seeds does", "[apps]") {
  for (const char* widths : {"4,,4", "4,", ",4"}) {
    const auto r = run_lab(
        {"--method", "sgd_mlp", "--seeds", "42", "--train", "20", "--test", "10", "--epochs", "1", "--hidden", widths});
    INFO(widths);
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err ==
          "sutro-lab: --hidden = '" + std::string(widths) + "' has an empty entry; expected a comma-separated list\n");
  }
  CHECK(parse({"--hidden", "4", "--hidden", "8"}).hidden == std::vector<long long>{4, 8});
  CHECK(parse({"--hidden", "4", "8"}).hidden == std::vector<long long>{4, 8});
  CHECK(parse({}).hidden == std::vector<long long>{200});
}

TEST_CASE("apps cli: --task and --method refuse an empty entry too", "[apps]") {
  const auto r = run_lab({"--task", "parity:20:3,,sum:20:3", "--method", "exhaustive"});
  CHECK(r.rc == 2);
  CHECK(r.out.empty());
  CHECK(r.err == "sutro-lab: --task = 'parity:20:3,,sum:20:3' has an empty entry; expected a comma-separated list\n");
  const auto m = run_lab({"--method", "exhaustive,", "--seeds", "42"});
  CHECK(m.rc == 2);
  CHECK(m.err == "sutro-lab: --method = 'exhaustive,' has an empty entry; expected a comma-separated list\n");
  const auto both =
      parse({"-t", "parity:20:3,sum:20:3", "--task", "and:20:3", "-m", "exhaustive", "-m", "gf2_elimination"});
  CHECK(both.tasks == std::vector<std::string>{"parity:20:3", "sum:20:3", "and:20:3"});
  CHECK(both.methods == std::vector<std::string>{"exhaustive", "gf2_elimination"});
}

TEST_CASE("apps cli: an output FILE that looks like an option is refused", "[apps]") {
  for (const char* option : {"--json", "--csv"}) {
    const auto r = run_lab({option, "--no-progress", "--seeds", "42", "--method", "exhaustive"});
    INFO(option);
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "sutro-lab: " + std::string(option) +
                       " = '--no-progress' looks like an option, not a FILE (a file of that name: ./--no-progress)\n");
  }
  CHECK(parse({"--json", "-"}).json == "-");
}

TEST_CASE("apps cli: an empty --json or --csv FILE is bad input, not \"no report\"", "[apps]") {
  for (const char* option : {"--json", "--csv"}) {
    const auto r = run_lab(quick_with({option, ""}));
    INFO(option);
    CHECK(r.rc == 2);
    CHECK(r.out.empty());
    CHECK(r.err == "sutro-lab: " + std::string(option) + " = '' is not a file name (give a FILE, or - for stdout)\n");
  }
}

TEST_CASE("apps cli: every exit-2 message is one line after the sutro-lab prefix", "[apps]") {
  // A bad number's message names what the option takes: no pointer to --help.
  CHECK(run_lab({"--train", "0x10"}).err ==
        "sutro-lab: --train = '0x10' is not a decimal integer within [-2^63, 2^63)\n");
  // CLI11's own complaints name no option's form: they point at --help, on the same line.
  const auto bogus = run_lab({"--bogus"});
  CHECK(bogus.rc == 2);
  CHECK(bogus.err ==
        "sutro-lab: The following argument was not expected: --bogus (sutro-lab --help shows every option)\n");
  const std::vector<std::vector<std::string>> bad = {
      {"--seeds", "1", "--seeds", "2"}, {"--train"}, {"--hidden", "8,0x8"}, {"--mlp-seed", "-1"}, {"--json", ""},
      {"--task", "parity:20"}};
  for (const auto& args : bad) {
    const auto r = run_lab(args);
    INFO(r.err);
    CHECK(r.rc == 2);
    CHECK(r.err.rfind("sutro-lab: ", 0) == 0);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);
    CHECK(r.err.back() == '\n');
  }
}

TEST_CASE("apps cli: too few training rows for the default methods exits 2 naming --train, no method", "[apps]") {
  const auto r = run_lab({"--train", "3", "--seeds", "42", "--repeats", "1"});
  CHECK(r.rc == 2);
  CHECK(r.out.empty());
  CHECK(r.err ==
        "sutro-lab: sutro::apps::translate: train = 3: the training methods (*_mlp), run by default on parity "
        "tasks, need train >= 5 (a fifth is held out for validation); raise --train, or name solvers only with "
        "--method (sutro-lab --list-methods)\n");
  // Named, the method is the one to blame.
  CHECK(run_lab({"--train", "3", "--method", "adam_mlp"}).err ==
        "sutro-lab: sutro::apps::translate: method 'adam_mlp' needs train >= 5 (a validation split), got 3\n");
}

TEST_CASE("apps cli: --batch x --hidden past a buffer's size exits 2 before anything runs", "[apps]") {
  // 2^55 units: the parameters (22 x 2^55 floats) within max_size, 256 rows of buffers past it.
  const temp_dir dir;
  const std::string json = dir / "report.json";
  std::ofstream(json) << "kept";
  const auto r = run_lab(
      {"--method", "gf2_elimination,sgd_mlp", "--hidden", "36028797018963968", "--seeds", "42", "--json", json});
  INFO(r.err);
  CHECK(r.rc == 2);
  CHECK(r.out.empty());
  CHECK(r.err.rfind("sutro-lab: sutro::apps::translate: --batch 32 and --hidden 36028797018963968 for task "
                    "sparse_parity (20,3): a training's buffers take 256 rows x 36028797018963968 units = "
                    "9223372036854775808 floats, past the ",
                    0) == 0);
  CHECK(read_all(json) == "kept");
}

TEST_CASE("apps cli: a tiny noise rate reads as typed in the table", "[apps]") {
  const auto r = run_lab(quick_with({"--task", "parity:20:3:1e-300", "--method", "exhaustive"}));
  CHECK(r.rc == 0);
  CHECK(r.out.find("\nsparse_parity (20,3) p=1e-298% exhaustive ") != std::string::npos);
}

TEST_CASE("apps cli: a trace limit that rounds to 0 bytes (no limit) is bad input", "[apps]") {
  const auto r = run_lab(quick_with({"--max-trace-gb", "1e-10"}));
  CHECK(r.rc == 2);
  CHECK(r.err.find("max-trace-gb = 1e-10 is below one byte") != std::string::npos);
}

TEST_CASE("apps cli: a bad output path leaves the other output file as it was", "[apps]") {
  const temp_dir dir;
  const std::string keep = dir / "keep.json", fresh = dir / "fresh.json";
  std::ofstream(keep) << "kept";
  auto r = run_lab(quick_with({"--json", keep, "--csv", dir / "no-such-dir/x.csv"}));
  CHECK(r.rc == 2);
  CHECK(r.err.find("x.csv': cannot open the file for writing") != std::string::npos);
  CHECK(read_all(keep) == "kept");
  r = run_lab(quick_with({"--csv", keep, "--json", dir / "no-such-dir/x.json"}));
  CHECK(r.rc == 2);
  CHECK(read_all(keep) == "kept");
  r = run_lab(quick_with({"--json", fresh, "--csv", dir / "no-such-dir/x.csv"}));
  CHECK(r.rc == 2);
  CHECK(!std::filesystem::exists(fresh));  // created by the check, removed again
}

// AddressSanitizer ends the process on an allocation this size instead of
// throwing std::bad_alloc.
#if !SUTRO_ADDRESS_SANITIZER
TEST_CASE("apps cli: out of memory names the MLP's sizes when a training method ran", "[apps]") {
  // 2^42 hidden units of 20 inputs: within max_size, past any address space.
  const auto r = run_lab({"--method", "sgd_mlp", "--hidden", "4398046511104", "--seeds", "42", "--train", "100",
                          "--test", "50", "--epochs", "1"});
  CHECK(r.rc == 1);
  CHECK(r.err.rfind("sutro-lab: out of memory: --train 100 and --test 50 samples per run, --hidden 4398046511104 "
                    "and --batch 32 do not fit",
                    0) == 0);
}
#endif

TEST_CASE("apps cli: the same file through a link not yet resolved, and /dev/stdout as -", "[apps]") {
  const temp_dir dir;
  const std::string json = dir / "report.json", link = dir / "report.csv";
  std::filesystem::create_symlink("report.json", link);  // report.json does not exist yet
  const auto r = run_lab(quick_with({"--json", json, "--csv", link}));
  CHECK(r.rc == 2);
  CHECK(r.err.find("one would overwrite the other") != std::string::npos);
  CHECK(!std::filesystem::exists(json));

  for (const char* path : {"/dev/stdout", "/dev/fd/1"}) {
    INFO(path);
    const auto j = run_lab(quick_with({"--json", path}));
    CHECK(j.rc == 0);
    CHECK(j.out.rfind("{\"summaries\": [", 0) == 0);  // into the out stream, and no table after it
    CHECK(j.out.find("task                         method") == std::string::npos);
    CHECK(run_lab(quick_with({"--json", path, "--csv", "-"})).err.find("both ask for stdout") != std::string::npos);
  }
}
#endif
