#pragma once
// Run methods on a task over seeds: per-run and aggregated test accuracy,
// secret recovery, wall time (median over repeats; data generation timed
// apart), samples used, bytes allocated and peak (through sutro's accounting
// allocators only; "not measured" for a method that does not declare it
// allocates through them: method::allocations_accounted), and
// the data movement of one traced run per seed (method::recorded_run).
// A method that declines the task (method::declines) is not run: its summary
// and one record per seed carry the reason and nothing measured.
//
//   auto cfg = sutro::lab::challenge();       // (20,3), seeds 42/123/456, 500/500, pass >= 0.95
//   auto rep = sutro::lab::run(cfg, {sutro::lab::from_solver(sutro::solvers::gf2_elimination{})});
//   sutro::lab::print_table(std::cout, rep);  // sutro/lab/report.hpp; to_json(rep) too

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sutro/config/number_text.hpp"
#include "sutro/lab/method.hpp"
#include "sutro/memory/scoped_measurement.hpp"
#include "sutro/optim/option_check.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace sutro::lab {

struct config {
  std::string label;  ///< shown in tables; empty: derived from the task
  tasks::task_spec task{};
  std::vector<std::uint64_t> seeds{42, 123, 456};
  std::size_t train = 500;
  std::size_t test = 500;
  std::uint64_t test_seed_offset = 1000;  ///< test data from seed + offset, clean labels
  std::size_t repeats = 5;                ///< timed runs per (method, seed); the median is reported
  double pass_accuracy = 0.95;            ///< a method passes when its mean test accuracy reaches this
  /// A method whose traced run is estimated to hold more (method::trace_size)
  /// is refused before anything runs (check_trace_sizes).
  std::uint64_t max_trace_bytes = 4'000'000'000;  // 4 GB
};

/// The group's public challenge: sparse parity (20, 3), seeds 42, 123, 456,
/// 500 train and 500 test samples (test from seed + 1000), pass = mean test accuracy >= 0.95.
[[nodiscard]] inline config challenge() {
  config c;
  c.label = "challenge (20,3)";
  c.task = tasks::task_spec{tasks::task_kind::parity, 20, 3, 0.0, tasks::encoding::plus_minus_one};
  return c;
}

[[nodiscard]] inline std::string describe(const config& c) {
  if (!c.label.empty()) return c.label;
  std::string s = std::string(tasks::to_string(c.task.kind)) + " (" + std::to_string(c.task.n) + "," +
                  std::to_string(c.task.k) + ")";
  if (c.task.kind == tasks::task_kind::threshold &&
      tasks::threshold_of(c.task) != static_cast<std::int32_t>(c.task.k) - 1)
    s += " t=" + std::to_string(tasks::threshold_of(c.task));
  // The rate's own digits: two tasks never share a name.
  if (c.task.noise > 0) s += " p=" + sutro::detail::percent_text(c.task.noise) + "%";
  return s;
}

struct run_record {
  std::string task, method;
  std::uint64_t seed = 0;
  solvers::solve_status status = solvers::solve_status::failed;
  bool secret_found = false;
  double test_accuracy = 0;
  double time_s = 0;      ///< median over repeats of the method alone
  double gen_time_s = 0;  ///< generating train + test data (both forms)
  std::size_t samples_used = 0;
  /// By the method, first repeat, through sutro's accounting allocators only;
  /// meaningful when allocations_measured (method::allocations_accounted).
  std::uint64_t bytes_allocated = 0;
  std::uint64_t peak_bytes = 0;
  bool allocations_measured = false;
  /// Data movement of the method's traced run (lab/data_movement.hpp for the
  /// keys), empty when the method has no traced run; `trace` says which trace.
  std::map<std::string, double> data_movement{};
  std::string trace{};
  /// Set when the method does not apply to the task (method::declines): the
  /// reason. Nothing ran; every field but task, method and seed is empty.
  std::optional<std::string> not_applicable{};

  [[nodiscard]] bool applies() const noexcept { return !not_applicable; }
};

struct summary {
  std::string task, method;
  std::size_t runs = 0, found = 0;
  double mean_accuracy = 0, median_time_s = 0, median_samples = 0;
  std::uint64_t max_bytes_allocated = 0, max_peak_bytes = 0;
  bool allocations_measured = false;  ///< as run_record's
  bool pass = false;
  /// Median over the seeds of each data-movement metric (empty: no traced run).
  std::map<std::string, double> data_movement{};
  std::string trace{};  ///< which trace (of the first seed; the others differ only in data)
  /// As run_record's: set, the method was not run (runs = 0) and `pass` is
  /// false without being a failure; the report shows neither.
  std::optional<std::string> not_applicable{};

  [[nodiscard]] bool applies() const noexcept { return !not_applicable; }
};

struct report {
  std::vector<run_record> runs;
  std::vector<summary> summaries;
};

namespace detail {
inline double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t h = v.size() / 2;
  return v.size() % 2 ? v[h] : (v[h - 1] + v[h]) / 2;
}

inline void check_config(const config& cfg) {
  auto fail = [](const std::string& what) { throw std::invalid_argument("sutro::lab::run: " + what); };
  if (cfg.seeds.empty()) fail("no seeds");
  for (std::size_t i = 1; i < cfg.seeds.size(); ++i)
    if (std::find(cfg.seeds.begin(), cfg.seeds.begin() + static_cast<std::ptrdiff_t>(i), cfg.seeds[i]) !=
        cfg.seeds.begin() + static_cast<std::ptrdiff_t>(i))
      fail("seed " + std::to_string(cfg.seeds[i]) + " appears twice (each seed is one run of the mean)");
  if (cfg.repeats == 0) fail("repeats must be positive");
  if (cfg.test == 0) fail("test must be positive (the accuracy is measured on it)");
  if (!(cfg.pass_accuracy >= 0.0 && cfg.pass_accuracy <= 1.0))
    fail("pass_accuracy must be in [0, 1], got " + optim::detail::option_value(cfg.pass_accuracy));
}

inline bool correct(const tasks::task_spec& s, float pred, std::int32_t y) {
  const bool pm = s.enc == tasks::encoding::plus_minus_one;
  switch (s.kind) {
    case tasks::task_kind::parity:
    case tasks::task_kind::majority:
    case tasks::task_kind::threshold:
      return pm ? ((pred >= 0 ? 1 : -1) == y) : ((pred >= 0.5f ? 1 : 0) == y);
    case tasks::task_kind::and_:
      return (pred >= 0.5f ? 1 : 0) == y;
    case tasks::task_kind::sum:
      return std::lround(pred) == y;
  }
  return false;
}

inline double accuracy(const tasks::sparse_task& task, const method_output& out, const tasks::packed_samples& train,
                       const tasks::packed_samples& test, const tasks::dense_samples& test_dense) {
  std::size_t ok = 0;
  if (!out.subset.empty()) {
    std::vector<std::uint64_t> mask(task.row_words(), 0);
    for (auto j : out.subset) {
      if (j >= task.spec().n)
        throw std::out_of_range("sutro::lab::run: the method returned index " + std::to_string(j) +
                                " for n = " + std::to_string(task.spec().n));
      mask[j / 64] |= std::uint64_t{1} << (j % 64);
    }
    for (std::size_t i = 0; i < test.count; ++i) ok += task.label_with(test.row(i), mask) == test.labels[i];
  } else if (out.predict) {
    for (std::size_t i = 0; i < test.count; ++i)
      ok += correct(task.spec(), out.predict(test_dense.row(i)), test.labels[i]);
  } else {  // no answer: predict the most frequent training label
    std::map<std::int32_t, std::size_t> freq;
    for (std::size_t i = 0; i < train.count; ++i) ++freq[train.labels[i]];
    std::int32_t best = 0;
    std::size_t c = 0;
    for (auto [y, f] : freq)
      if (f > c) best = y, c = f;
    for (std::size_t i = 0; i < test.count; ++i) ok += test.labels[i] == best;
  }
  return static_cast<double>(ok) / static_cast<double>(test.count);
}
}  // namespace detail

/// Throws std::invalid_argument, naming the method, the task, the estimate
/// and what to change, when a method of cfg.task's kind that does not decline
/// it estimates its traced run (method::trace_size) past cfg.max_trace_bytes:
/// refused before any run, not an out-of-memory failure after the timed runs.
inline void check_trace_sizes(const config& cfg, const std::vector<method>& methods) {
  for (const auto& m : methods) {
    if (!m.trace_size || !m.recorded_run || !m.applies_to(cfg.task.kind) || m.declined(cfg.task)) continue;
    const trace_estimate e = m.trace_size(cfg.task, cfg.train);
    if (e.bytes <= cfg.max_trace_bytes) continue;
    throw std::invalid_argument(
        "sutro::lab::check_trace_sizes: " + m.name + "'s traced run at (n, k) = (" + std::to_string(cfg.task.n) + ", " +
        std::to_string(cfg.task.k) + ") would record at least " + std::to_string(e.accesses) + " accesses in " +
        e.source + ", about " + detail::bytes_text(double(e.bytes)) +
        " kept for ByteDMD-tr, over max_trace_bytes = " + detail::bytes_text(double(cfg.max_trace_bytes)) +
        ": choose a smaller n or k, leave " + m.name + " out, or raise max_trace_bytes");
  }
}

/// Runs every applicable method on every seed of `cfg`: a method of another
/// task kind is left out, one that declines the task is recorded as such.
inline report run(const config& cfg, const std::vector<method>& methods) {
  using clock = std::chrono::steady_clock;
  detail::check_config(cfg);
  tasks::validate(cfg.task);  // before any method declines a task that cannot exist
  check_trace_sizes(cfg, methods);
  if (!methods.empty() &&
      std::none_of(methods.begin(), methods.end(), [&](const method& m) { return m.applies_to(cfg.task.kind); }))
    throw std::invalid_argument("sutro::lab::run: none of the " + std::to_string(methods.size()) +
                                " methods applies to " + std::string(tasks::to_string(cfg.task.kind)) +
                                " tasks (first: " + methods.front().name + ")");
  report rep;
  const std::string name = describe(cfg);
  for (const auto& m : methods) {
    if (!m.applies_to(cfg.task.kind)) continue;
    if (auto why = m.declined(cfg.task)) {
      // One record per seed all the same, so that per-run outputs (CSV) show the method too.
      for (auto seed : cfg.seeds) {
        run_record r;
        r.task = name;
        r.method = m.name;
        r.seed = seed;
        r.not_applicable = why;
        rep.runs.push_back(std::move(r));
      }
      summary s;
      s.task = name;
      s.method = m.name;
      s.not_applicable = std::move(why);
      rep.summaries.push_back(std::move(s));
      continue;
    }
    summary s;
    s.task = name;
    s.method = m.name;
    s.allocations_measured = m.allocations_accounted;
    std::vector<double> times, samples;
    double acc_sum = 0;
    for (auto seed : cfg.seeds) {
      run_record r;
      r.task = name;
      r.method = m.name;
      r.seed = seed;
      const auto g0 = clock::now();
      const tasks::sparse_task task(cfg.task, seed, cfg.test_seed_offset);
      const auto train = task.packed(tasks::split::train, cfg.train);
      const auto train_dense = tasks::sparse_task::to_dense(train);
      const auto test = task.packed(tasks::split::test, cfg.test);
      const auto test_dense = tasks::sparse_task::to_dense(test);
      r.gen_time_s = std::chrono::duration<double>(clock::now() - g0).count();
      const problem p{task.spec(), train, train_dense, cfg.max_trace_bytes};
      method_output out;
      std::vector<double> t;
      for (std::size_t rep_i = 0; rep_i < cfg.repeats; ++rep_i) {
        memory::scoped_measurement mem;
        const auto t0 = clock::now();
        method_output o = m.run(p);
        t.push_back(std::chrono::duration<double>(clock::now() - t0).count());
        const auto used = mem.finish();
        if (rep_i == 0) {
          out = std::move(o);
          r.bytes_allocated = used.bytes_allocated;
          r.peak_bytes = used.peak_bytes;
          r.allocations_measured = m.allocations_accounted;
        }
      }
      r.time_s = detail::median(t);
      if (m.recorded_run) {  // once, apart from the timed runs
        recorded_report tr = m.recorded_run(p);
        r.data_movement = std::move(tr.metrics);
        r.trace = std::move(tr.trace);
      }
      r.status = out.status;
      r.secret_found = !out.subset.empty() && std::vector<std::uint32_t>(out.subset) == task.secret();
      r.samples_used = out.samples_used ? out.samples_used : cfg.train;
      r.test_accuracy = detail::accuracy(task, out, train, test, test_dense);
      ++s.runs;
      s.found += r.secret_found;
      acc_sum += r.test_accuracy;
      times.push_back(r.time_s);
      samples.push_back(static_cast<double>(r.samples_used));
      s.max_bytes_allocated = std::max(s.max_bytes_allocated, r.bytes_allocated);
      s.max_peak_bytes = std::max(s.max_peak_bytes, r.peak_bytes);
      rep.runs.push_back(std::move(r));
    }
    s.mean_accuracy = acc_sum / static_cast<double>(s.runs);
    s.median_time_s = detail::median(times);
    s.median_samples = detail::median(samples);
    s.pass = s.mean_accuracy >= cfg.pass_accuracy;
    if (!rep.runs.empty() && !rep.runs.back().data_movement.empty()) {
      const std::size_t first = rep.runs.size() - s.runs;
      s.trace = rep.runs[first].trace;
      for (const auto& [key, value] : rep.runs[first].data_movement) {
        std::vector<double> v;
        for (std::size_t i = first; i < rep.runs.size(); ++i) {
          const auto it = rep.runs[i].data_movement.find(key);
          if (it != rep.runs[i].data_movement.end()) v.push_back(it->second);
        }
        s.data_movement[key] = detail::median(std::move(v));
      }
    }
    rep.summaries.push_back(s);
  }
  return rep;
}

/// Appends b's runs and summaries to a (one table over several configurations).
inline void append(report& a, const report& b) {
  a.runs.insert(a.runs.end(), b.runs.begin(), b.runs.end());
  a.summaries.insert(a.summaries.end(), b.summaries.begin(), b.summaries.end());
}

}  // namespace sutro::lab
