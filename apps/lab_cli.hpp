#pragma once
// sutro-lab's options translated into lab configurations and methods, apart
// from main() and from CLI11 so that tests check the translation without
// starting a process. Every bad value throws std::invalid_argument naming it
// (sutro-lab turns that into exit code 2).
//
//   sutro::apps::lab_options o;
//   o.tasks = {"parity:20:3", "parity:50:3:0.05", "sum:20:3"};
//   o.methods = {"gf2_elimination", "sgd_mlp"};
//   o.seeds = "42,123,456";
//   sutro::apps::lab_plan plan = sutro::apps::translate(o);   // configs + methods
//   sutro::lab::report rep = sutro::apps::run(plan);         // lab::print_table / to_json / to_csv
#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "sutro/config/number_text.hpp"
#include "sutro/lab/experiment.hpp"
#include "sutro/lab/method.hpp"
#include "sutro/lab/mlp_method.hpp"
#include "sutro/lab/report.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/solvers/bucket_search.hpp"
#include "sutro/solvers/correlation.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/gf2_general.hpp"
#include "sutro/solvers/noisy_parity.hpp"
#include "sutro/solvers/robust_gf2.hpp"
#include "sutro/solvers/sparse_sum.hpp"
#include "sutro/tasks/sparse_task.hpp"
#include "sutro/tasks/spec.hpp"

namespace sutro::apps {

/// The command line as given (counts signed, so that a negative one is
/// reported as such rather than wrapped).
struct lab_options {
  std::vector<std::string> tasks;    ///< KIND:N:K[:NOISE[:T]]; empty: parity:20:3
  std::vector<std::string> methods;  ///< names of lab_method_catalog(); empty: every applicable one
  std::string seeds = "42,123,456";
  long long train = 500, test = 500;
  long long repeats = 5;         ///< timed runs per (method, seed) of the exact solvers
  long long train_repeats = 1;   ///< timed runs per (method, seed) of the training methods
  std::string encoding = "pm1";  ///< pm1 (+-1) or 01
  double pass_accuracy = 0.95;
  double max_trace_gb = 4;  ///< lab::config::max_trace_bytes, in GB (10^9 bytes)
  // Training methods (the group's harness by default).
  long long epochs = 100;
  double stop_accuracy = 0.95;  ///< early stop once validation accuracy reaches it (above 1: never)
  std::vector<long long> hidden{200};
  long long batch = 32;
  long long trace_every = 8;  ///< traced run: record 1 epoch in this many (scaled, said in the footer)
  std::optional<double> lr;   ///< overrides each rule's own default step size
  double weight_decay = 0.01;
  std::uint64_t mlp_seed = 1;  ///< initialization and shuffling
  // Output.
  std::string json, csv;  ///< file name, "-" for stdout, empty for none
  bool list_methods = false;
  bool progress = true;         ///< on a terminal only, in any case
  double progress_after = 1.0;  ///< seconds into a training before its progress line appears
};

/// One line of `sutro-lab --list-methods`.
struct lab_method_info {
  std::string name;
  std::string tasks;        ///< the task kinds it applies to, in words
  std::string description;  ///< one line
  bool trains = false;      ///< a trained network (progress line, train_repeats)
};

namespace detail {
[[noreturn]] inline void fail(const char* function, const std::string& what) {
  throw std::invalid_argument(std::string("sutro::apps::") + function + ": " + what);
}

inline std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t end = s.find(sep, start);
    out.emplace_back(s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    if (end == std::string_view::npos) return out;
    start = end + 1;
  }
}

/// The whole of `s` as an unsigned integer, or nothing.
inline std::optional<std::uint64_t> to_unsigned(std::string_view s) {
  std::uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

inline std::optional<double> to_double(std::string_view s) {
  double v = 0;
  if (s.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

inline std::optional<long long> to_int(std::string_view s) {
  long long v = 0;
  if (s.empty()) return std::nullopt;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

inline std::string in_quotes(std::string_view s) { return "'" + std::string(s) + "'"; }

/// --hidden as the user gave it: "200" or "64,32".
[[nodiscard]] inline std::string widths_text(const std::vector<long long>& widths) {
  std::string text;
  for (const long long w : widths) {
    if (!text.empty()) text += ',';
    text += std::to_string(w);
  }
  return text;
}
}  // namespace detail

/// "parity" or "sparse_parity" (tasks::to_string's names), likewise sum, and,
/// majority, threshold.
[[nodiscard]] inline tasks::task_kind parse_task_kind(std::string_view s) {
  using tasks::task_kind;
  for (task_kind k : {task_kind::parity, task_kind::sum, task_kind::and_, task_kind::majority, task_kind::threshold}) {
    const std::string_view full = tasks::to_string(k);  // "sparse_<short>"
    if (s == full || s == full.substr(7)) return k;
  }
  detail::fail("parse_task_kind", "unknown task kind " + detail::in_quotes(s) +
                                      " (parity, sum, and, majority, threshold; or sparse_parity, ...)");
}

/// KIND:N:K[:NOISE[:T]], e.g. parity:20:3, parity:50:3:0.05, threshold:20:5:0:3
/// (T: sparse threshold's t, default k - 1). `enc` is the encoding of the whole run.
[[nodiscard]] inline tasks::task_spec parse_task(std::string_view text,
                                                 tasks::encoding enc = tasks::encoding::plus_minus_one) {
  const auto f = detail::split(text, ':');
  const std::string where = "task " + detail::in_quotes(text);
  if (f.size() < 3 || f.size() > 5)
    detail::fail("parse_task", where + " has " + std::to_string(f.size()) +
                                   " fields; expected KIND:N:K[:NOISE[:T]], e.g. parity:20:3");
  tasks::task_spec s;
  s.kind = parse_task_kind(f[0]);
  s.enc = enc;
  const auto n = detail::to_unsigned(f[1]);
  if (!n || *n == 0)
    detail::fail("parse_task", where + ": n = " + detail::in_quotes(f[1]) + " is not a positive integer");
  const auto k = detail::to_unsigned(f[2]);
  if (!k || *k == 0)
    detail::fail("parse_task", where + ": k = " + detail::in_quotes(f[2]) + " is not a positive integer");
  if (*k > *n) detail::fail("parse_task", where + ": k = " + std::to_string(*k) + " exceeds n = " + std::to_string(*n));
  s.n = static_cast<std::size_t>(*n);
  s.k = static_cast<std::size_t>(*k);
  if (f.size() >= 4) {
    const auto p = detail::to_double(f[3]);
    if (!p || !(*p >= 0.0 && *p < 0.5))
      detail::fail("parse_task", where + ": noise = " + detail::in_quotes(f[3]) + " is not a number in [0, 0.5)");
    s.noise = *p;
  }
  if (f.size() == 5) {
    if (s.kind != tasks::task_kind::threshold)
      detail::fail("parse_task", where + ": a fifth field (t) applies to threshold tasks only");
    const auto t = detail::to_int(f[4]);
    if (!t) detail::fail("parse_task", where + ": t = " + detail::in_quotes(f[4]) + " is not an integer");
    // Checked here, not left to tasks::validate: task_spec's "t = k - 1"
    // default is the value INT32_MIN, which a typed t must not reach.
    const auto kk = static_cast<long long>(s.k);
    if (*t < -kk || *t > kk)
      detail::fail("parse_task", where + ": threshold t=" + std::to_string(*t) + " must be in [-k, k] = [" +
                                     std::to_string(-kk) + ", " + std::to_string(kk) + "]");
    s.threshold = static_cast<std::int32_t>(*t);
  }
  try {
    tasks::validate(s);
  } catch (const std::invalid_argument& e) {
    detail::fail("parse_task", where + ": " + e.what());
  }
  return s;
}

/// "42,123,456": non-negative integers, at least one, no repeats.
[[nodiscard]] inline std::vector<std::uint64_t> parse_seeds(std::string_view text) {
  if (text.empty()) detail::fail("parse_seeds", "the seed list is empty (e.g. --seeds 42,123,456)");
  std::vector<std::uint64_t> seeds;
  std::set<std::uint64_t> seen;
  for (const auto& field : detail::split(text, ',')) {
    const auto v = detail::to_unsigned(field);
    if (!v)
      detail::fail("parse_seeds", "seed " + detail::in_quotes(field) + " in " + detail::in_quotes(text) +
                                      " is not a non-negative integer");
    if (!seen.insert(*v).second)
      detail::fail("parse_seeds", "seed " + std::to_string(*v) + " appears twice in " + detail::in_quotes(text));
    seeds.push_back(*v);
  }
  return seeds;
}

/// A positive count named `what` (train, test, epochs, ...).
[[nodiscard]] inline std::size_t positive_count(const char* what, long long v) {
  if (v <= 0) detail::fail("positive_count", std::string(what) + " = " + std::to_string(v) + " must be positive");
  return static_cast<std::size_t>(v);
}

/// Every method sutro-lab offers, in --list-methods order.
[[nodiscard]] inline const std::vector<lab_method_info>& lab_method_catalog() {
  static const std::vector<lab_method_info> catalog = {
      {"gf2_elimination", "parity (noise-free)", "vectorized Gauss-Jordan over GF(2) on the packed rows, certified",
       false},
      {"gf2_general", "parity (noise-free)", "to_gf2 + gf2::solve, the general GF(2) matrix path (any n)", false},
      {"exhaustive", "parity", "all C(n,k) subsets, bit-sliced popcounts; noisy: fewest disagreements, certified",
       false},
      {"robust_gf2", "parity (noisy)", "Prange's information-set decoding: random full-rank subsystems, best fit",
       false},
      {"bucket_search", "parity (noisy)", "meet-in-the-middle on clean rows (k split in two halves), certified", false},
      {"noisy_parity", "parity (noisy)", "picks exhaustive, bucket_search or Prange by predicted cost", false},
      {"correlation", "and, majority, threshold", "first-order Fourier: the k bits most correlated with the label",
       false},
      {"sum_correlation", "sum", "c_i = sum_j x_ij y_j, the k largest, certified", false},
      {"sum_least_squares", "sum", "least squares on the +-1 rows, the k largest weights, certified", false},
      {"sgd_mlp", "parity (pm1 or 01)", "MLP n-hidden-1, hinge, SGD lr 0.1 wd 0.01 (the group's harness)", true},
      {"momentum_mlp", "parity (pm1 or 01)", "MLP, heavy-ball momentum lr 0.05 beta 0.9 wd 0.01", true},
      {"nesterov_mlp", "parity (pm1 or 01)", "MLP, Nesterov momentum lr 0.05 beta 0.9 wd 0.01", true},
      {"adam_mlp", "parity (pm1 or 01)", "MLP, Adam lr 0.01 wd 0.01 (L2 in the gradient)", true},
      {"adamw_mlp", "parity (pm1 or 01)", "MLP, AdamW lr 0.01 wd 0.01 (decoupled decay)", true},
      {"sign_sgd_mlp", "parity (pm1 or 01)", "MLP, sign-SGD lr 0.01 wd 0.01", true},
      {"egd_mlp", "parity (pm1 or 01)", "MLP, egalitarian GD: matrix steps along U V^T, lr 0.1 wd 0.01", true},
      {"muon_mlp", "parity (pm1 or 01)", "MLP, Muon: Nesterov momentum 0.95 + Newton-Schulz, lr 0.02 wd 0.01", true},
  };
  return catalog;
}

/// The catalog entry named `name`; throws naming it (and the valid names) when unknown.
[[nodiscard]] inline const lab_method_info& find_lab_method(std::string_view name) {
  const auto& c = lab_method_catalog();
  const auto it = std::find_if(c.begin(), c.end(), [&](const lab_method_info& m) { return m.name == name; });
  if (it == c.end()) {
    std::string names;
    for (const auto& m : c) names += (names.empty() ? "" : ", ") + m.name;
    detail::fail("find_lab_method",
                 "unknown method " + detail::in_quotes(name) + " (sutro-lab --list-methods: " + names + ")");
  }
  return *it;
}

/// The settings of the training methods.
struct training_settings {
  lab::mlp_method_options mlp{};
  std::optional<double> lr;  ///< empty: each rule's default (lab_method_catalog's descriptions)
  double weight_decay = 0.01;
};

/// The lab method called `name` (lab_method_catalog()).
[[nodiscard]] inline lab::method make_lab_method(std::string_view name, const training_settings& t = {}) {
  using tasks::task_kind;
  namespace sv = solvers;
  const auto& info = find_lab_method(name);
  const auto lr = [&](double fallback) { return t.lr.value_or(fallback); };
  const double wd = t.weight_decay;
  const auto& o = t.mlp;
  if (name == "gf2_elimination") return lab::from_solver(sv::gf2_elimination{});
  if (name == "gf2_general") return lab::from_solver(sv::gf2_general{});
  if (name == "exhaustive") return lab::from_solver(sv::exhaustive{});
  if (name == "robust_gf2") return lab::from_solver(sv::robust_gf2{});
  if (name == "bucket_search") return lab::from_solver(sv::bucket_search{});
  if (name == "noisy_parity") return lab::from_solver(sv::noisy_parity{});
  if (name == "correlation")
    return lab::from_solver(sv::correlation{}, "", {task_kind::and_, task_kind::majority, task_kind::threshold});
  if (name == "sum_correlation") return lab::from_solver(sv::sum_correlation{}, "", {task_kind::sum});
  if (name == "sum_least_squares") return lab::from_solver(sv::sum_least_squares{}, "", {task_kind::sum});
  const std::string n(name);
  const auto mlp = [&](const auto& rule) {
    // The rule's checks against the network's float parameters (an lr or a
    // decay that is inf or 0 as a float) run when a training starts; on no
    // parameters they run now, at no cost.
    try {
      (void)rule.init(optim::tensors<float>{});
    } catch (const std::invalid_argument& e) {
      std::string given = "weight-decay = " + sutro::detail::number_text(t.weight_decay);
      if (t.lr) given = "lr = " + sutro::detail::number_text(*t.lr) + ", " + given;
      detail::fail("translate", "method " + detail::in_quotes(n) + " (" + given + "): " + e.what());
    }
    return lab::mlp_method(n, rule, o);
  };
  if (name == "sgd_mlp") return mlp(optim::sgd({.lr = lr(0.1), .weight_decay = wd}));
  if (name == "momentum_mlp") return mlp(optim::momentum({.lr = lr(0.05), .beta = 0.9, .weight_decay = wd}));
  if (name == "nesterov_mlp") return mlp(optim::nesterov({.lr = lr(0.05), .beta = 0.9, .weight_decay = wd}));
  if (name == "adam_mlp") return mlp(optim::adam({.lr = lr(0.01), .weight_decay = wd}));
  if (name == "adamw_mlp") return mlp(optim::adamw({.lr = lr(0.01), .weight_decay = wd}));
  if (name == "sign_sgd_mlp") return mlp(optim::sign_sgd({.lr = lr(0.01), .weight_decay = wd}));
  if (name == "egd_mlp") return mlp(optim::egd({.lr = lr(0.1), .weight_decay = wd}));
  if (name == "muon_mlp") return mlp(optim::muon({.lr = lr(0.02), .beta = 0.95, .weight_decay = wd}));
  detail::fail("make_lab_method", "method " + detail::in_quotes(info.name) + " is listed but has no constructor");
}

/// A training's progress as one carriage-return-updated line (method, task,
/// seed, epoch, elapsed), shown once the training has run `after_s` seconds;
/// end() clears it. sutro-lab passes stderr only when it is a terminal.
class progress_line {
 public:
  explicit progress_line(std::ostream* out, double after_s = 1.0) : out_(out), after_s_(after_s) {}

  void begin(std::string method, std::string task, std::uint64_t seed, bool traced) {
    method_ = std::move(method);
    task_ = std::move(task);
    seed_ = seed;
    traced_ = traced;
  }
  /// For lab::mlp_method_options::on_epoch; never stops the training.
  nn::action epoch(const nn::epoch_info& e) {
    if (out_ && e.seconds >= after_s_) {
      char tail[96];
      std::snprintf(tail, sizeof tail, " | seed %llu | epoch %zu | %.1f s", static_cast<unsigned long long>(seed_),
                    e.epoch, e.seconds);
      std::string line = method_ + (traced_ ? " (traced run)" : "") + " | " + task_ + tail;
      const std::size_t width = line.size();
      if (line.size() < shown_) line.append(shown_ - line.size(), ' ');
      *out_ << '\r' << line << std::flush;
      shown_ = width;
    }
    return nn::action::proceed;
  }
  void end() {
    if (out_ && shown_) *out_ << '\r' << std::string(shown_, ' ') << '\r' << std::flush;
    shown_ = 0;
  }

 private:
  std::ostream* out_;
  double after_s_;
  std::string method_, task_;
  std::uint64_t seed_ = 0;
  bool traced_ = false;
  std::size_t shown_ = 0;  // width of the line on screen, 0: none
};

/// What translate() makes of the options.
struct lab_plan {
  std::vector<lab::config> configs;  ///< one per task (repeats: the exact solvers')
  std::vector<lab::method> solvers;  ///< run with config::repeats
  std::vector<lab::method> trained;  ///< run with train_repeats, progress line
  std::size_t train_repeats = 1;
};

namespace detail {
/// The check nn::mlp::reserve makes when a training starts, made before
/// anything runs: a batch's rows times the widest layer past a buffer's
/// max_size. Otherwise the network's parameters, as large, run out of memory
/// first, after the other methods ran.
inline void check_batch_buffers(const lab::config& c, const lab::mlp_method_options& mlp, const lab_options& o) {
  using net_alloc = nn::mlp<float>::host_allocator_type;
  const std::size_t fit = lab::mlp_fit_rows(c.train, mlp);
  const std::size_t rows = nn::train_buffer_rows(mlp.batch, fit);
  const std::size_t widest = *std::max_element(mlp.hidden.begin(), mlp.hidden.end());
  const std::size_t limit = std::vector<float, net_alloc>().max_size();
  if (rows <= limit / widest) return;
  __extension__ typedef unsigned __int128 u128;  // the product, past 2^64 too
  std::string product;
  for (u128 p = static_cast<u128>(rows) * widest; p != 0; p /= 10) product.insert(product.begin(), char('0' + p % 10));
  // Appended piece by piece: GCC 12 reports a false -Wrestrict on chains of const char* + std::string.
  std::string what = "--batch " + std::to_string(o.batch) + " and --hidden ";
  what += widths_text(o.hidden);
  what += " for task " + lab::describe(c) + ": a training's buffers take " + std::to_string(rows) + " rows x ";
  what += std::to_string(widest) + " units = " + product + " floats, past the " + std::to_string(limit);
  what += " a buffer can hold (rows: the batch, at most the " + std::to_string(fit);
  what += " rows trained on, at least " + std::to_string(nn::evaluation_rows) + "); choose a smaller --hidden";
  if (rows > nn::evaluation_rows) what += " or --batch";
  fail("translate", what);
}
}  // namespace detail

/// The options as lab configurations and methods; `progress` (may be null)
/// receives the training methods' epochs.
[[nodiscard]] inline lab_plan translate(const lab_options& o, progress_line* progress = nullptr) {
  tasks::encoding enc{};
  if (o.encoding == "pm1")
    enc = tasks::encoding::plus_minus_one;
  else if (o.encoding == "01")
    enc = tasks::encoding::zero_one;
  else
    detail::fail("translate", "encoding " + detail::in_quotes(o.encoding) + " is neither pm1 nor 01");
  const std::vector<std::uint64_t> seeds = parse_seeds(o.seeds);
  const std::size_t train = positive_count("train", o.train), test = positive_count("test", o.test);
  const std::size_t repeats = positive_count("repeats", o.repeats);
  if (!(o.pass_accuracy >= 0.0 && o.pass_accuracy <= 1.0))
    detail::fail("translate", "pass accuracy " + sutro::detail::number_text(o.pass_accuracy) + " is not in [0, 1]");
  // NaN, 0 and negative would refuse every estimated trace; past 2^64 bytes no cast is defined.
  if (!(o.max_trace_gb > 0.0 && o.max_trace_gb < 1.8e10))
    detail::fail("translate", "max-trace-gb = " + sutro::detail::number_text(o.max_trace_gb) +
                                  " must be positive (and below 1.8e10)");
  // A NaN would compare false against every elapsed time: no line, silently.
  if (!(o.progress_after >= 0.0))
    detail::fail("translate",
                 "progress-after = " + sutro::detail::number_text(o.progress_after) + " seconds must be >= 0");

  lab_plan plan;
  plan.train_repeats = positive_count("train-repeats", o.train_repeats);
  const std::vector<std::string> task_texts = o.tasks.empty() ? std::vector<std::string>{"parity:20:3"} : o.tasks;
  for (const auto& text : task_texts) {
    lab::config c;
    c.task = parse_task(text, enc);
    c.seeds = seeds;
    c.train = train;
    c.test = test;
    c.repeats = repeats;
    c.pass_accuracy = o.pass_accuracy;
    c.max_trace_bytes = static_cast<std::uint64_t>(o.max_trace_gb * 1e9);
    if (c.max_trace_bytes == 0)  // 0 bytes is the lab's "no limit"
      detail::fail("translate",
                   "max-trace-gb = " + sutro::detail::number_text(o.max_trace_gb) + " is below one byte (1e-9 GB)");
    // The lab makes each split packed and dense: a count past either form's
    // limit is a bad argument, said now, not a run that fails halfway.
    const std::size_t limit =
        std::min(tasks::sparse_task::max_packed_count(c.task.n), tasks::sparse_task::max_dense_count(c.task.n));
    for (const auto& [what, count] : {std::pair<const char*, std::size_t>{"train", train}, {"test", test}})
      if (count > limit)
        detail::fail("translate", std::string(what) + " = " + std::to_string(count) + " samples exceeds the limit of " +
                                      std::to_string(limit) + " for task " + detail::in_quotes(text) +
                                      " (n = " + std::to_string(c.task.n) +
                                      ": the packed rows and their n floats a row within std::vector's max_size)");
    for (const auto& earlier : plan.configs)
      if (lab::describe(earlier) == lab::describe(c))
        detail::fail("translate", "task " + detail::in_quotes(text) + " is given twice (" + lab::describe(c) + ")");
    plan.configs.push_back(std::move(c));
  }

  const bool named = !o.methods.empty();
  std::vector<std::string> names;
  if (named) {
    for (const auto& n : o.methods) {
      (void)find_lab_method(n);  // unknown names first, before any other complaint
      if (std::find(names.begin(), names.end(), n) != names.end())
        detail::fail("translate", "method " + detail::in_quotes(n) + " is named twice");
      names.push_back(n);
    }
  } else {
    for (const auto& m : lab_method_catalog()) names.push_back(m.name);
  }
  // The training options are checked only when a training method runs:
  // `--method exhaustive --epochs 0` trains nothing and is not refused.
  training_settings t;
  const bool trains =
      std::any_of(names.begin(), names.end(), [](const std::string& n) { return find_lab_method(n).trains; });
  if (trains) {
    t.mlp.epochs = positive_count("epochs", o.epochs);
    t.mlp.batch = positive_count("batch", o.batch);
    t.mlp.trace_every_epochs = positive_count("trace-every", o.trace_every);
    if (!(o.stop_accuracy > 0.0))
      detail::fail("translate", "stop accuracy = " + sutro::detail::number_text(o.stop_accuracy) + " must be positive");
    t.mlp.stop_accuracy = o.stop_accuracy;
    if (o.hidden.empty()) detail::fail("translate", "hidden: no layer sizes given");
    t.mlp.hidden.clear();
    for (long long h : o.hidden) t.mlp.hidden.push_back(positive_count("hidden", h));
    t.mlp.seed = o.mlp_seed;
    if (o.lr && !(*o.lr > 0.0))
      detail::fail("translate", "lr = " + sutro::detail::number_text(*o.lr) + " must be positive");
    t.lr = o.lr;
    if (!(o.weight_decay >= 0.0))
      detail::fail("translate", "weight decay = " + sutro::detail::number_text(o.weight_decay) + " must be >= 0");
    t.weight_decay = o.weight_decay;
    if (progress) t.mlp.on_epoch = [progress](const nn::epoch_info& e) { return progress->epoch(e); };
  }
  // The network a training builds for a task, sized as the run sizes it
  // (without allocating): too many layers or a size past max_size is bad
  // input now, not a failed run after the other methods.
  const auto check_network = [&](const lab::config& c) {
    using net_alloc = nn::mlp<float>::host_allocator_type;
    try {
      (void)nn::detail::parameter_total(nn::detail::parameter_shapes({.inputs = c.task.n, .hidden = t.mlp.hidden}),
                                        std::allocator_traits<net_alloc>::max_size(net_alloc{}));
    } catch (const std::exception& e) {
      detail::fail("translate",
                   "hidden = " + detail::widths_text(o.hidden) + " for task " + lab::describe(c) + ": " + e.what());
    }
    detail::check_batch_buffers(c, t.mlp, o);
  };

  for (const auto& n : names) {
    const auto& info = find_lab_method(n);
    lab::method m = make_lab_method(n, t);
    const bool applies = std::any_of(plan.configs.begin(), plan.configs.end(),
                                     [&](const lab::config& c) { return m.applies_to(c.task.kind); });
    if (!applies) {
      if (named)
        detail::fail("translate",
                     "method " + detail::in_quotes(n) + " applies to " + info.tasks + ", none of the tasks given");
      continue;
    }
    if (info.trains) {
      // The MLP holds out a fifth of the training rows for early stopping.
      // Unnamed, it is one of the defaults: the message says so and how to do without them.
      if (train < 5)
        detail::fail("translate", named ? "method " + detail::in_quotes(n) +
                                              " needs train >= 5 (a validation split), got " + std::to_string(train)
                                        : "train = " + std::to_string(train) +
                                              ": the training methods (*_mlp), run by default on parity tasks, need "
                                              "train >= 5 (a fifth is held out for validation); raise --train, or "
                                              "name solvers only with --method (sutro-lab --list-methods)");
      plan.trained.push_back(std::move(m));
    } else {
      plan.solvers.push_back(std::move(m));
    }
  }
  for (const auto& c : plan.configs) {
    auto runs = [&](const lab::method& m) { return m.applies_to(c.task.kind); };
    if (std::none_of(plan.solvers.begin(), plan.solvers.end(), runs) &&
        std::none_of(plan.trained.begin(), plan.trained.end(), runs))
      detail::fail("translate", "none of the methods given applies to the task " + lab::describe(c));
    if (std::any_of(plan.trained.begin(), plan.trained.end(), runs)) check_network(c);
    // Every task's traces before the first run: a refusal is bad input, not a failure after hours.
    try {
      lab::check_trace_sizes(c, plan.solvers);
      lab::check_trace_sizes(c, plan.trained);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument(std::string(e.what()) + " (sutro-lab: --max-trace-gb)");
    }
  }
  return plan;
}

namespace detail {
// lab::problem does not carry its seed: a run is matched to its seed by the
// first training rows, drawn again here for each seed (a handful of words).
struct seed_finder {
  std::vector<std::pair<std::uint64_t, tasks::packed_samples>> heads;

  explicit seed_finder(const lab::config& c) {
    for (auto seed : c.seeds) {
      const tasks::sparse_task task(c.task, seed, c.test_seed_offset);
      heads.emplace_back(seed, task.packed(tasks::split::train, std::min<std::size_t>(c.train, 4)));
    }
  }
  [[nodiscard]] std::uint64_t operator()(const tasks::packed_samples& train) const {
    for (const auto& [seed, head] : heads) {
      if (train.count < head.count || train.row_words != head.row_words) continue;
      if (std::equal(head.words.begin(), head.words.end(), train.words.begin()) &&
          std::equal(head.labels.begin(), head.labels.end(), train.labels.begin()))
        return seed;
    }
    return heads.empty() ? 0 : heads.front().first;
  }
};
}  // namespace detail

/// Runs the plan: every task, the solvers and then the training methods; a
/// training announces itself to `progress` (may be null) with its seed.
[[nodiscard]] inline lab::report run(const lab_plan& plan, progress_line* progress = nullptr) {
  lab::report all;
  auto applicable = [](const std::vector<lab::method>& methods, const lab::config& cfg) {
    std::vector<lab::method> out;
    for (const auto& m : methods)
      if (m.applies_to(cfg.task.kind)) out.push_back(m);
    return out;
  };
  for (const auto& cfg : plan.configs) {
    if (const auto solvers = applicable(plan.solvers, cfg); !solvers.empty()) lab::append(all, lab::run(cfg, solvers));
    std::vector<lab::method> trained = applicable(plan.trained, cfg);
    if (trained.empty()) continue;
    lab::config c = cfg;
    c.repeats = plan.train_repeats;
    if (progress) {
      const auto finder = std::make_shared<detail::seed_finder>(c);
      const std::string task = lab::describe(c);
      for (auto& m : trained) {
        m.run = [progress, finder, task, name = m.name, inner = m.run](const lab::problem& p) {
          progress->begin(name, task, (*finder)(p.train), false);
          auto out = inner(p);
          progress->end();
          return out;
        };
        if (m.recorded_run)
          m.recorded_run = [progress, finder, task, name = m.name, inner = m.recorded_run](const lab::problem& p) {
            progress->begin(name, task, (*finder)(p.train), true);
            auto out = inner(p);
            progress->end();
            return out;
          };
      }
    }
    lab::append(all, lab::run(c, trained));
  }
  return all;
}

namespace detail {
inline std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string o = "\"";
  for (char ch : s) {
    if (ch == '"') o += '"';
    o += ch;
  }
  return o + "\"";
}
inline std::string csv_number(double v) {
  char b[40];
  std::snprintf(b, sizeof b, "%.9g", v);
  return b;
}
}  // namespace detail

/// One CSV row per run: the fixed columns, then every data-movement key that
/// some run reports (sorted; empty where a run has none, e.g. bytedmd_trace of
/// a trace that kept no events), then the trace's description. Allocation
/// cells are empty where not measured. A method that does not apply to the
/// task has status not_applicable, the reason in not_applicable (empty for
/// the others) and every measured cell empty.
[[nodiscard]] inline std::string to_csv(const lab::report& r) {
  std::set<std::string> keys;
  for (const auto& x : r.runs)
    for (const auto& [k, v] : x.data_movement) keys.insert(k);
  std::string o =
      "task,method,seed,status,secret_found,test_accuracy,time_s,gen_time_s,samples_used,"
      "bytes_allocated,peak_bytes,not_applicable";
  // Appended piece by piece: GCC 12 reports a false -Wrestrict on chains of const char* + std::string.
  const auto cell = [&o](const std::string& v) {
    o += ',';
    o += v;
  };
  for (const auto& k : keys) cell(detail::csv_field(k));
  o += ",trace\n";
  for (const auto& x : r.runs) {
    o += detail::csv_field(x.task);
    cell(detail::csv_field(x.method));
    cell(std::to_string(x.seed));
    if (!x.applies()) {
      cell("not_applicable");
      for (int i = 0; i < 7; ++i) cell(std::string());  // secret_found .. peak_bytes: nothing ran
      cell(detail::csv_field(*x.not_applicable));
      for (std::size_t i = 0; i < keys.size(); ++i) cell(std::string());
      cell(std::string());  // trace
      o += '\n';
      continue;
    }
    cell(std::string(solvers::to_string(x.status)));
    cell(x.secret_found ? "true" : "false");
    cell(detail::csv_number(x.test_accuracy));
    cell(detail::csv_number(x.time_s));
    cell(detail::csv_number(x.gen_time_s));
    cell(std::to_string(x.samples_used));
    cell(x.allocations_measured ? std::to_string(x.bytes_allocated) : std::string());
    cell(x.allocations_measured ? std::to_string(x.peak_bytes) : std::string());
    cell(std::string());  // not_applicable: it applies
    for (const auto& k : keys) {
      const auto it = x.data_movement.find(k);
      cell(it == x.data_movement.end() ? std::string() : detail::csv_number(it->second));
    }
    cell(detail::csv_field(x.trace));
    o += '\n';
  }
  return o;
}

}  // namespace sutro::apps
