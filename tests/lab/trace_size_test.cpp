// A traced run whose trace grows with the search, not with the data
// (exhaustive keeps an event per access for ByteDMD-tr, C(n, k) subsets of
// them): its size is estimated from the task, and the lab refuses one past
// config::max_trace_bytes before anything runs, naming the estimate. Running
// out of memory while recording is said as the trace's doing.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/lab/experiment.hpp"
#include "sutro/lab/method.hpp"
#include "sutro/memory/access_policy.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/gf2_general.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro;

namespace {
bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

// A solver whose recorded solve runs out of memory, as a huge trace would.
struct exhausted_solver {
  [[nodiscard]] std::string_view name() const noexcept { return "exhausted"; }
  template <class Memory>
  [[nodiscard]] solvers::solve_result solve(const tasks::packed_samples&, Memory) const {
    throw std::bad_alloc();
  }
};
}  // namespace

template <>
struct sutro::lab::solver_trace<exhausted_solver> : sutro::lab::detail::recorded_solve_trace<exhausted_solver> {
  static constexpr const char* what = "a solver that runs out of memory";
};

TEST_CASE("lab: exhaustive's trace estimate is its recorded search, from below", "[lab][traced]") {
  using row = std::tuple<std::size_t, std::size_t, std::size_t, double>;
  for (auto [n, k, m, noise] :
       {row{20, 3, 500, 0.0}, row{30, 3, 100, 0.0}, row{40, 4, 500, 0.0}, row{30, 3, 500, 0.05}}) {
    INFO("n " << n << " k " << k << " m " << m << " noise " << noise);
    const tasks::task_spec spec{tasks::task_kind::parity, n, k, noise};
    const tasks::sparse_task task(spec, 42, 1000);
    const auto train = task.packed(tasks::split::train, m);
    auto t = lab::lab_trace(memory::granularity::word, false);  // counts only: no event list
    (void)solvers::exhaustive{}.solve(train, memory::recording_access{&t});
    const double recorded = double(t.reads() + t.writes());
    const auto e = lab::solver_trace<solvers::exhaustive>::estimate(solvers::exhaustive{}, spec, m);
    CHECK(e.bytes == e.accesses * lab::trace_bytes_per_access);
    CHECK(double(e.accesses) <= recorded);
    // Left out: building the columns (about m n accesses, which dominate
    // the small searches) and a noisy popcount's further words.
    if (noise == 0) CHECK(double(e.accesses) + double(m * n) * 1.5 >= recorded);
    if (n == 40) CHECK(double(e.accesses) >= 0.9 * recorded);
    CHECK(contains(e.source, "C(" + std::to_string(n) + ", " + std::to_string(k) + ")"));
  }
  // (80, 4) fits the default, (100, 5) does not.
  const tasks::task_spec big{tasks::task_kind::parity, 100, 5};
  const auto e = lab::solver_trace<solvers::exhaustive>::estimate(solvers::exhaustive{}, big, 500);
  CHECK(e.accesses == 2 * 75'287'520ull + (96 + 4'656 + 152'096 + 3'764'376ull) * 25);
  CHECK(e.bytes > lab::config{}.max_trace_bytes);
  const tasks::task_spec mid{tasks::task_kind::parity, 80, 4};
  CHECK(lab::solver_trace<solvers::exhaustive>::estimate(solvers::exhaustive{}, mid, 500).bytes <
        lab::config{}.max_trace_bytes);
  // stop_at_first may stop anywhere, and on noisy rows never: the whole search.
  CHECK(
      lab::solver_trace<solvers::exhaustive>::estimate(solvers::exhaustive{{.stop_at_first = true}}, big, 500).bytes ==
      e.bytes);
  // Past max_cost the solve refuses up front and records nothing; with no
  // cap the estimate saturates instead of wrapping.
  const tasks::task_spec huge{tasks::task_kind::parity, 100'000, 40};
  CHECK(lab::solver_trace<solvers::exhaustive>::estimate(solvers::exhaustive{}, huge, 500).bytes == 0);
  const solvers::exhaustive uncapped({.max_cost = std::numeric_limits<double>::infinity()});
  CHECK(lab::solver_trace<solvers::exhaustive>::estimate(uncapped, huge, 500).bytes == ~std::uint64_t{0});
}

TEST_CASE("lab: a trace estimated past max_trace_bytes is refused before anything runs", "[lab][traced]") {
  lab::config cfg;
  cfg.task = {tasks::task_kind::parity, 100, 5};
  cfg.seeds = {42};
  cfg.repeats = 1;
  const auto msg = testing::thrown_message([&] { (void)lab::run(cfg, {lab::from_solver(solvers::exhaustive{})}); });
  INFO(msg);
  CHECK(msg.find("sutro::lab::check_trace_sizes: exhaustive's traced run at (n, k) = (100, 5) would record at "
                 "least 248605640 accesses in the search over C(100, 5) = 7.53e+07 subsets with 500 rows, about "
                 "15.9 GB kept for ByteDMD-tr, over max_trace_bytes = 4 GB: choose a smaller n or k, leave "
                 "exhaustive out, or raise max_trace_bytes") == 0);

  // Nothing ran: not the timed runs, not the traced one, of any method.
  int runs = 0;
  lab::method counted = lab::from_solver(solvers::gf2_elimination{});
  counted.run = [&runs](const lab::problem&) {
    ++runs;
    return lab::method_output{};
  };
  cfg.task = {tasks::task_kind::parity, 20, 3};
  cfg.max_trace_bytes = 100'000;  // (20, 3) at 500 rows: 7005 accesses, about 0.45 MB
  CHECK(contains(testing::thrown_message([&] {
                   (void)lab::run(cfg, {counted, lab::from_solver(solvers::exhaustive{})});
                 }),
                 "over max_trace_bytes = 0.1 MB"));
  CHECK(runs == 0);
  // Within the limit it runs, ByteDMD-tr measured (the whole trace, columns
  // included, is about 20,000 accesses: under 10 MB at 64 bytes each).
  cfg.max_trace_bytes = 10'000'000;
  const auto rep = lab::run(cfg, {lab::from_solver(solvers::exhaustive{})});
  REQUIRE(rep.runs.size() == 1);
  CHECK(rep.runs[0].data_movement.count("bytedmd_trace") == 1);
  // A method that declines the task is not refused for its trace.
  cfg.task = {tasks::task_kind::sum, 100, 5};
  lab::method declining = lab::from_solver(solvers::exhaustive{});
  declining.declines = [](const tasks::task_spec&) { return std::optional<std::string>("not this one"); };
  declining.kinds = {};
  cfg.max_trace_bytes = 1;
  CHECK_NOTHROW(lab::check_trace_sizes(cfg, {declining}));
}

TEST_CASE("lab: out of memory while recording blames the trace, not the samples", "[lab][traced]") {
  const tasks::task_spec spec{tasks::task_kind::parity, 20, 3};
  const tasks::sparse_task task(spec, 42, 1000);
  const auto train = task.packed(tasks::split::train, 100);
  const auto dense = tasks::sparse_task::to_dense(train);
  const lab::problem p{task.spec(), train, dense};
  const auto msg = testing::thrown_message<std::runtime_error>(
      [&] { (void)lab::solver_trace<exhausted_solver>::run(exhausted_solver{}, p); });
  CHECK(msg.find("sutro::lab::solver_trace::run: out of memory recording exhausted's traced run on (n, k) = (20, 3) "
                 "with 100 train rows, after 0 recorded accesses") == 0);
  CHECK(contains(msg, "the trace ran out, not the samples"));
  CHECK(!contains(msg, "--train"));
}

TEST_CASE("lab: a traced run stops at max_trace_bytes, whichever method, with a message naming it", "[lab][traced]") {
  // gf2_general has no estimate: its trace is capped while it records.
  lab::config cfg;
  cfg.task = {tasks::task_kind::parity, 20, 3};
  cfg.seeds = {42};
  cfg.repeats = 1;
  cfg.train = 200;
  cfg.max_trace_bytes = 100 * lab::trace_bytes_per_access;
  const auto msg = testing::thrown_message<std::runtime_error>(
      [&] { (void)lab::run(cfg, {lab::from_solver(solvers::gf2_general{})}); });
  CHECK(msg ==
        "sutro::lab::solver_trace::run: gf2_general's traced run on (n, k) = (20, 3) with 200 train rows reached "
        "max_trace_bytes = 0.0064 MB (100 accesses kept as events for ByteDMD-tr, 64 bytes each): choose a smaller "
        "n or k or fewer rows, leave gf2_general out, or raise max_trace_bytes");
  // Under the default the same run completes, its trace measured.
  cfg.max_trace_bytes = lab::config{}.max_trace_bytes;
  const auto rep = lab::run(cfg, {lab::from_solver(solvers::gf2_general{})});
  REQUIRE(rep.runs.size() == 1);
}
