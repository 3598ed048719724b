#pragma once
// sutro-lab's command line (CLI11) and its whole run, with the streams and
// the terminal test passed in, so that tests run it in-process.
//
//   int rc = sutro::apps::lab_main(argc, argv, std::cout, std::cerr, isatty(fileno(stderr)) != 0);
//   // 0: ran (or --help / --list-methods); 2: bad input, one line naming the value; 1: a run failed;
//   // 3: nothing ran (every method declined every task; the report is still written)
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <memory>
#include <new>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "lab_cli.hpp"

namespace sutro::apps {

inline constexpr const char* lab_example =
    "Example:\n"
    "  sutro-lab --task parity:20:3 --task parity:50:3:0.05 --task sum:20:3 \\\n"
    "            --method gf2_elimination,exhaustive,sum_least_squares,sgd_mlp --seeds 42,123,456\n"
    "  prints one table row per (task, method) of a kind the method takes: secrets found, mean test\n"
    "  accuracy, median time, samples, sutro's allocations, pass, and the data movement of one traced\n"
    "  run per seed. A method that declines a task (gf2_elimination on noisy labels) is not run on it:\n"
    "  its row says \"does not apply\", the reason under the table. --json - / --csv FILE write the\n"
    "  report (JSON: summaries + runs; CSV: one row a run).\n"
    "\n"
    "Exit codes: 0 ran; 2 bad input (unknown method, malformed task, n < k, empty seeds, bad count);\n"
    "1 a method failed while running; 3 nothing ran: every method declined every task (the table says why).";

namespace detail {
/// Bad text in a value the user typed: the message names the option, the
/// text and what it takes, so sutro-lab prints it without a pointer to --help.
struct bad_value : CLI::ConversionError {
  using CLI::ConversionError::ConversionError;
};

/// `text` as a T, read in decimal only, the whole text: CLI11's own
/// conversion (strtoll base 0) takes 0100 as octal and 0x10 as hex, clamps an
/// overflow and reads "" as 0.
template <class T>
[[nodiscard]] T decimal_value(const std::string& option, const std::string& text) {
  const auto refuse = [&](const char* what) { throw bad_value(option + " = " + in_quotes(text) + " is not " + what); };
  if constexpr (std::is_floating_point_v<T>) {
    const auto v = to_double(text);
    if (!v) refuse("a decimal number within a double's range");
    return *v;
  } else if constexpr (std::is_signed_v<T>) {
    const auto v = to_int(text);
    if (!v) refuse("a decimal integer within [-2^63, 2^63)");
    return *v;
  } else {
    const auto v = to_unsigned(text);
    if (!v) refuse("a non-negative decimal integer below 2^64");
    return *v;
  }
}

/// decimal_value as a CLI11 transform, thrown past CLI11's "OPTION: " prefix.
template <class T>
[[nodiscard]] CLI::Validator decimal(std::string option) {
  return CLI::Validator(
      [option = std::move(option)](std::string& text) {
        // What CLI11 converts next: no leading 0 to read as octal.
        if constexpr (std::is_integral_v<T>)
          text = std::to_string(decimal_value<T>(option, text));
        else
          (void)decimal_value<T>(option, text);
        return std::string();
      },
      "", "decimal");
}

/// An output FILE: an empty name would silently mean no output at all.
[[nodiscard]] inline CLI::Validator output_file(std::string option) {
  return CLI::Validator(
      [option = std::move(option)](const std::string& path) {
        if (path.empty()) throw bad_value(option + " = '' is not a file name (give a FILE, or - for stdout)");
        // CLI11 takes the word after --json as its value even when it is a
        // flag: `--json --no-progress` would write a file named --no-progress.
        if (path.size() > 1 && path[0] == '-')
          throw bad_value(option + " = " + in_quotes(path) +
                          " looks like an option, not a FILE (a file of that name: ./" + path + ")");
        return std::string();
      },
      "", "file");
}
}  // namespace detail

/// A number option (integral or floating, or std::optional of one) read in
/// decimal only, the whole text (detail::decimal_value); the default shown.
template <class T>
CLI::Option* add_number_option(CLI::App& app, const std::string& name, T& value, const std::string& help) {
  return app.add_option(name, value, help)->transform(detail::decimal<T>(name))->capture_default_str();
}

template <class T>
CLI::Option* add_number_option(CLI::App& app, const std::string& name, std::optional<T>& value,
                               const std::string& help) {
  return app.add_option(name, value, help)->transform(detail::decimal<T>(name));
}

namespace detail {
/// The entries of a list option's values, each value split at commas here,
/// not by CLI11's delimiter, which drops an empty entry: "4,,4" would read as 4,4.
[[nodiscard]] inline std::vector<std::string> list_entries(const std::string& name,
                                                           const std::vector<std::string>& texts) {
  std::vector<std::string> entries;
  for (const auto& text : texts) {
    const auto fields = split(text, ',');
    for (const auto& field : fields) {
      if (field.empty())
        throw bad_value(name + " = " + in_quotes(text) + " has an empty entry; expected a comma-separated list");
      entries.push_back(field);
    }
  }
  return entries;
}
}  // namespace detail

/// A list of names, comma-separated or repeated; an empty entry is refused
/// (CLI11's own bracket form, [a,b], is split by CLI11 and drops it).
inline CLI::Option* add_list_option(CLI::App& app, const std::string& name, std::vector<std::string>& values,
                                    const std::string& help) {
  const auto read = [long_name = name.substr(name.rfind(',') + 1), &values](const std::vector<std::string>& texts) {
    values = detail::list_entries(long_name, texts);
  };
  return app.add_option_function<std::vector<std::string>>(name, read, help);
}

/// A list of numbers, comma-separated or repeated, each read as add_number_option reads one.
template <class T>
CLI::Option* add_number_option(CLI::App& app, const std::string& name, std::vector<T>& values,
                               const std::string& help) {
  std::string shown;
  for (const T& v : values) shown += (shown.empty() ? "" : ",") + std::to_string(v);
  const auto read = [name, &values](const std::vector<std::string>& texts) {
    std::vector<T> read_values;
    for (const auto& entry : detail::list_entries(name, texts))
      read_values.push_back(detail::decimal_value<T>(name, entry));
    values = std::move(read_values);
  };
  return app.add_option_function<std::vector<std::string>>(name, read, help)
      ->type_name(CLI::detail::type_name<T>())
      ->default_str(shown);
}

/// Declares sutro-lab's options on `app`, writing into `o`.
inline void add_lab_options(CLI::App& app, lab_options& o) {
  add_list_option(app, "-t,--task", o.tasks,
                  "task KIND:N:K[:NOISE[:T]], repeatable or comma-separated; KIND parity, sum, and, majority,\n"
                  "threshold (or sparse_parity, ...); NOISE the train-label noise rate in [0, 0.5); T\n"
                  "sparse threshold's t (default k - 1). Default: parity:20:3")
      ->type_name("KIND:N:K[:NOISE[:T]]");
  add_list_option(app, "-m,--method", o.methods,
                  "method names (--list-methods), repeatable or comma-separated. Default: every method that\n"
                  "applies to a task")
      ->type_name("NAME");
  app.add_flag("--list-methods", o.list_methods, "print every method with a one-line description and exit");
  app.add_option("-s,--seeds", o.seeds, "comma-separated seeds, one run per seed")->capture_default_str();
  add_number_option(app, "--train", o.train, "training samples per run");
  add_number_option(app, "--test", o.test, "test samples per run (clean labels, from seed + 1000)");
  add_number_option(app, "--repeats", o.repeats, "timed runs per (solver, seed); the median is shown");
  add_number_option(app, "--train-repeats", o.train_repeats, "timed runs per (training method, seed)");
  app.add_option("--encoding", o.encoding, "pm1 (+-1 inputs and labels) or 01")->capture_default_str();
  add_number_option(app, "--max-trace-gb", o.max_trace_gb,
                    "refuse, before anything runs, a traced run estimated to keep more GB (exhaustive's grows with "
                    "C(n, k))");
  add_number_option(app, "--pass", o.pass_accuracy, "a method passes when its mean test accuracy reaches this");
  auto* mlp = "training methods (*_mlp)";
  add_number_option(app, "--epochs", o.epochs, "at most this many epochs (see --stop-accuracy)")->group(mlp);
  add_number_option(app, "--stop-accuracy", o.stop_accuracy,
                    "stop training once validation accuracy (the last 20% of the training rows) reaches this; above "
                    "1: never")
      ->group(mlp);
  add_number_option(app, "--hidden", o.hidden, "hidden layer widths, comma-separated")->group(mlp);
  add_number_option(app, "--batch", o.batch, "batch size")->group(mlp);
  add_number_option(app, "--lr", o.lr, "step size for every rule (default: each rule's own, see --list-methods)")
      ->group(mlp);
  add_number_option(app, "--weight-decay", o.weight_decay, "weight decay")->group(mlp);
  add_number_option(app, "--mlp-seed", o.mlp_seed, "initialization and shuffling seed")->group(mlp);
  add_number_option(app, "--trace-every", o.trace_every,
                    "traced run: record 1 epoch in this many, scale the additive metrics (the footer says so)")
      ->group(mlp);
  app.add_option("--json", o.json, "write the report as JSON to FILE (- for stdout, then no table)")
      ->type_name("FILE")
      ->check(detail::output_file("--json"));
  app.add_option("--csv", o.csv, "write one CSV row per run to FILE (- for stdout, then no table)")
      ->type_name("FILE")
      ->check(detail::output_file("--csv"));
  app.add_flag("!--no-progress", o.progress, "no progress line (shown only when stderr is a terminal)");
  add_number_option(app, "--progress-after", o.progress_after,
                    "seconds into a training before its progress line appears");
  app.footer(lab_example);
}

namespace detail {
inline void print_methods(std::ostream& out) {
  // Padded by hand, not through a fixed buffer: a longer entry is never cut.
  const auto padded = [](const std::string& v, std::size_t width) {
    return v.size() < width ? v + std::string(width - v.size(), ' ') : v;
  };
  for (const auto& m : lab_method_catalog())
    out << padded(m.name, 18) << ' ' << padded(m.tasks, 25) << ' ' << m.description << '\n';
}

/// Whether an output path names stdout: written through the `out` stream as
/// "-" is, so that the table is not printed over the report.
[[nodiscard]] inline bool names_stdout(const std::string& path) {
  return path == "-" || path == "/dev/stdout" || path == "/dev/fd/1" || path == "/proc/self/fd/1";
}

/// `path` with its directories and symlinks resolved, a dangling link too
/// (weakly_canonical leaves one as it is): the file a write would create.
[[nodiscard]] inline std::filesystem::path write_target(const std::filesystem::path& path, std::error_code& ec) {
  namespace fs = std::filesystem;
  fs::path p = fs::absolute(path, ec);
  for (int hops = 0; !ec && hops < 40; ++hops) {  // 40: Linux's own limit on a chain of links
    p = fs::weakly_canonical(p.parent_path(), ec) / p.filename();
    std::error_code absent;  // a path that does not exist yet is no error here
    if (ec || !fs::is_symlink(p, absent)) break;
    const fs::path to = fs::read_symlink(p, ec);
    p = to.is_absolute() ? to : p.parent_path() / to;
  }
  return p.lexically_normal();
}

/// Whether two output paths (not "-") name one file, existing or not.
inline bool same_file(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty() || a == "-" || b == "-") return false;
  std::error_code ec;
  if (std::filesystem::equivalent(a, b, ec)) return true;  // existing files, links included
  const auto ca = write_target(a, ec);
  if (ec) return a == b;
  const auto cb = write_target(b, ec);
  return ec ? a == b : ca == cb;
}

/// The output targets: stdout for "-", else the files, opened before the run
/// so that a bad path is reported at once. Each is opened without truncation
/// first, so that a bad second path leaves the first file as it was (and
/// removes it again where the check created it).
[[nodiscard]] inline std::pair<std::unique_ptr<std::ofstream>, std::unique_ptr<std::ofstream>> open_outputs(
    const std::string& json, const std::string& csv) {
  const std::pair<const std::string*, const char*> outputs[] = {{&json, "--json"}, {&csv, "--csv"}};
  std::vector<std::string> created;
  for (const auto& [path, option] : outputs) {
    if (path->empty() || *path == "-") continue;
    std::error_code ec;
    const bool existed = std::filesystem::exists(*path, ec);
    if (!std::ofstream(*path, std::ios::binary | std::ios::app)) {
      for (const auto& c : created) std::filesystem::remove(c, ec);
      fail("open_output", std::string(option) + " " + in_quotes(*path) + ": cannot open the file for writing");
    }
    if (!existed) created.push_back(*path);
  }
  const auto open = [](const std::string& path, const char* option) -> std::unique_ptr<std::ofstream> {
    if (path.empty() || path == "-") return nullptr;
    auto f = std::make_unique<std::ofstream>(path, std::ios::binary);
    if (!*f) fail("open_output", std::string(option) + " " + in_quotes(path) + ": cannot open the file for writing");
    return f;
  };
  auto json_file = open(json, "--json");
  return {std::move(json_file), open(csv, "--csv")};
}
}  // namespace detail

/// sutro-lab: parses argv, runs, writes the table / JSON / CSV. Returns the exit code.
inline int lab_main(int argc, const char* const* argv, std::ostream& out, std::ostream& err, bool err_is_terminal) {
  lab_options o;
  CLI::App app{"sutro-lab: run the lab's methods on sparse tasks over seeds and compare them (sutro/lab)", "sutro-lab"};
  add_lab_options(app, o);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e, out, err);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e, out, err);
  } catch (const detail::bad_value& e) {
    err << "sutro-lab: " << e.what() << "\n";
    return 2;
  } catch (const CLI::ParseError& e) {
    // CLI11's own complaints (an unknown option, a missing value) do not say what the options are.
    err << "sutro-lab: " << e.what() << " (sutro-lab --help shows every option)\n";
    return 2;
  }
  if (o.list_methods) {
    detail::print_methods(out);
    return 0;
  }
  std::unique_ptr<progress_line> progress;
  lab_plan plan;
  std::unique_ptr<std::ofstream> json_file, csv_file;
  for (std::string* path : {&o.json, &o.csv})
    if (detail::names_stdout(*path)) *path = "-";
  try {
    if (o.json == "-" && o.csv == "-") detail::fail("lab_main", "--json - and --csv - both ask for stdout");
    if (detail::same_file(o.json, o.csv))
      detail::fail("lab_main",
                   "--json and --csv both name " + detail::in_quotes(o.json) + ": one would overwrite the other");
    if (o.progress && err_is_terminal) progress = std::make_unique<progress_line>(&err, o.progress_after);
    plan = translate(o, progress.get());
    std::tie(json_file, csv_file) = detail::open_outputs(o.json, o.csv);
  } catch (const std::invalid_argument& e) {
    err << "sutro-lab: " << e.what() << "\n";
    return 2;
  }
  try {
    const lab::report rep = run(plan, progress.get());
    if (!o.json.empty()) (json_file ? *json_file : out) << lab::to_json(rep);
    if (!o.csv.empty()) (csv_file ? *csv_file : out) << to_csv(rep);
    if (o.json != "-" && o.csv != "-") {
      out << "sutro-lab: seeds " << o.seeds << ", " << o.train << " train / " << o.test
          << " test samples (test from seed + 1000); time = median of " << o.repeats
          << " runs (training methods: " << o.train_repeats << ") of the method alone\n\n";
      lab::print_table(out, rep);
    }
    if ((json_file && !json_file->flush()) || (csv_file && !csv_file->flush()) || !out.flush()) {
      err << "sutro-lab: writing the output failed\n";
      return 1;
    }
    if (std::none_of(rep.summaries.begin(), rep.summaries.end(), [](const auto& s) { return s.applies(); })) {
      err << "sutro-lab: nothing ran: every method declined every task (reasons under the table / in "
             "\"not_applicable\"); nothing was measured\n";
      return 3;
    }
  } catch (const std::bad_alloc&) {
    if (progress) progress->end();
    err << "sutro-lab: out of memory: --train " << o.train << " and --test " << o.test << " samples per run";
    if (!plan.trained.empty()) {
      err << ", --hidden " << detail::widths_text(o.hidden) << " and --batch " << o.batch;
    }
    err << " do not fit; choose fewer" << (plan.trained.empty() ? "" : " or smaller") << " (or a smaller n)\n";
    return 1;
  } catch (const std::exception& e) {
    if (progress) progress->end();
    err << "sutro-lab: a run failed: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace sutro::apps
