#pragma once
// A method of the lab: anything that looks at a training set and returns a
// predicted secret and/or a predictor. Exact solvers adapt with from_solver;
// a trained network registers a lambda that returns `predict`.
//
//   sutro::lab::method gf2 = sutro::lab::from_solver(sutro::solvers::gf2_elimination{});
//   sutro::lab::method mlp{"sgd_mlp", [](const sutro::lab::problem& p) {
//     auto net = train(p.train_dense);                       // your code
//     sutro::lab::method_output out;
//     out.predict = [net](const float* row) { return net.forward(row); };
//     return out;
//   }};
//   mlp.recorded_run = [](const sutro::lab::problem& p) { ... return sutro::lab::measure(t, "which trace", 4); };
//   mlp.allocations_accounted = true;  // only if it allocates through sutro's accounting allocators
//   sutro::lab::method exact{"exact_fit", fit_every_row};  // your code: a consistent subset or nothing
//   exact.declines = [](const sutro::tasks::task_spec& s) -> std::optional<std::string> {
//     if (s.noise > 0) return "it fits every row exactly: noise-free labels only";
//     return std::nullopt;  // applies
//   };
//
// recorded_run (optional) does one run on traced containers and reports its data
// movement (lab/data_movement.hpp); the harness calls it once per seed, apart
// from the timed runs. from_solver attaches the lab's traced run for the
// solvers it knows (lab/solver_traces.hpp); a method without one is shown as
// such, never as 0. Likewise the allocation columns count only what goes
// through sutro's accounting allocators (memory/accounting_allocator.hpp,
// memory/accounting_resource.hpp, the default of the library's containers):
// a method says so with allocations_accounted (from_solver and mlp_method do),
// otherwise they show "n/m" (not measured; JSON null). docs/getting-started.md
// and examples/lab_user_method.cpp show a user's method opting in.
//
// The harness leaves out the task kinds a method does not take (`kinds`): no
// row. A task of its kinds that it still cannot take (label noise for a
// noise-free solver, a size past its tables) the method declines up front,
// from the public task definition alone (`declines`): the harness then runs
// nothing and the report says "does not apply" with the reason, instead of
// timing and scoring a refusal as if it were a measurement. from_solver fills
// `declines` for the solvers the lab knows (lab/solver_scope.hpp).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sutro/lab/data_movement.hpp"
#include "sutro/solvers/result.hpp"
#include "sutro/tasks/samples.hpp"
#include "sutro/tasks/spec.hpp"

namespace sutro::lab {

/// What a method sees: the public task definition and the training set in both forms.
struct problem {
  const tasks::task_spec& spec;  ///< kind, n, k, encoding, train noise rate
  const tasks::packed_samples& train;
  const tasks::dense_samples& train_dense;
  /// A traced run keeps at most this many bytes of events for ByteDMD-tr, at
  /// trace_bytes_per_access each (config::max_trace_bytes); 0: no limit.
  std::uint64_t max_trace_bytes = 0;
};

struct method_output {
  /// The predicted secret (sorted) when the method names one.
  std::vector<std::uint32_t> subset;
  solvers::solve_status status = solvers::solve_status::failed;
  /// Optional label predictor on a dense test row (n floats in the task's
  /// encoding), used when no subset is given. Parity and AND: thresholded at
  /// 0 (+-1 encoding) or 0.5; sum: rounded.
  std::function<float(const float*)> predict;
  std::size_t samples_used = 0;  ///< 0: the whole training set
};

struct method {
  std::string name;
  std::function<method_output(const problem&)> run;
  /// Task kinds it applies to (empty: all).
  std::vector<tasks::task_kind> kinds{};
  /// One run on traced containers (empty: the method has none).
  std::function<recorded_report(const problem&)> recorded_run{};
  /// Everything the method allocates goes through sutro's accounting
  /// allocators or resource, counting into memory::default_stats(), so the
  /// lab's allocation columns measure it. False: they show "n/m".
  bool allocations_accounted = false;
  /// What recorded_run will hold, estimated from the task and the training
  /// row count before anything runs, for a run whose trace grows with the
  /// search (empty: it grows only with the data). run() refuses a method
  /// estimated past config::max_trace_bytes (check_trace_sizes).
  std::function<trace_estimate(const tasks::task_spec&, std::size_t train)> trace_size{};
  /// Why the method does not apply to a task of its kinds, or nullopt where it
  /// does (empty function: it applies to every task of its kinds).
  std::function<std::optional<std::string>(const tasks::task_spec&)> declines{};

  [[nodiscard]] bool applies_to(tasks::task_kind k) const {
    if (kinds.empty()) return true;
    for (auto x : kinds)
      if (x == k) return true;
    return false;
  }
  /// The reason the method does not apply to `spec`, a task of its kinds;
  /// nullopt: it applies.
  [[nodiscard]] std::optional<std::string> declined(const tasks::task_spec& spec) const {
    return declines ? declines(spec) : std::nullopt;
  }
};

/// The lab's traced run for solver type S, when it has one: specializations
/// (lab/solver_traces.hpp) define `static recorded_report run(const S&, const problem&)`,
/// and, where the trace grows with the search, `static trace_estimate
/// estimate(const S&, const tasks::task_spec&, std::size_t train)`.
template <class S>
struct solver_trace {
  static constexpr bool available = false;
};

/// Which tasks of its kinds solver type S declines, when the lab knows:
/// specializations (lab/solver_scope.hpp) define
/// `static std::optional<std::string> declines(const S&, const tasks::task_spec&)`.
template <class S>
struct solver_scope {
  static constexpr bool available = false;
};

/// Adapts an exact solver (sutro::solvers::solver) to a lab method.
template <solvers::solver S>
method from_solver(S s, std::string name = {}, std::vector<tasks::task_kind> kinds = {tasks::task_kind::parity}) {
  if (name.empty()) name = std::string(s.name());
  method m{std::move(name),
           [s](const problem& p) {
             solvers::solve_result r = s.solve(p.train);
             method_output out;
             out.subset = std::move(r.subset);
             out.status = r.status;
             out.samples_used = r.stats.samples_used;
             return out;
           },
           std::move(kinds)};
  if constexpr (solver_trace<S>::available)
    m.recorded_run = [s](const problem& p) { return solver_trace<S>::run(s, p); };
  if constexpr (requires(const tasks::task_spec& t) { solver_trace<S>::estimate(s, t, std::size_t{}); })
    m.trace_size = [s](const tasks::task_spec& t, std::size_t train) { return solver_trace<S>::estimate(s, t, train); };
  if constexpr (solver_scope<S>::available)
    m.declines = [s](const tasks::task_spec& spec) { return solver_scope<S>::declines(s, spec); };
  m.allocations_accounted = true;  // the solvers' buffers use the library's accounting allocator
  return m;
}

}  // namespace sutro::lab

#include "sutro/lab/solver_scope.hpp"   // the solver_scope specializations
#include "sutro/lab/solver_traces.hpp"  // the solver_trace specializations
