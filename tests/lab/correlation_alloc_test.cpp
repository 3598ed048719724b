// The correlation solver's allocations go through sutro's accounting
// allocator, so the lab's "sutro alloc" column is what it allocates, not 0 B.
// A replaced global operator new counts what stays outside the accounting
// (the aligned forms, which the accounting allocator's upstream uses, do not
// pass through it).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <new>
#include <sstream>
#include <string>

#include "support/catch.hpp"
#include "sutro/lab/experiment.hpp"
#include "sutro/lab/method.hpp"
#include "sutro/lab/report.hpp"
#include "sutro/memory/scoped_measurement.hpp"
#include "sutro/solvers/correlation.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace {
std::atomic<bool> counting{false};
std::atomic<std::size_t> plain_bytes{0};
}  // namespace

// Not inlined: GCC would otherwise see free() on what it takes for operator
// new's memory and warn (-Wmismatched-new-delete), though the pair matches.
[[gnu::noinline]] void* operator new(std::size_t n) {
  if (counting.load(std::memory_order_relaxed)) plain_bytes.fetch_add(n, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
// The nothrow forms too (std::stable_sort's buffer comes from one): every
// form that frees with std::free must allocate with std::malloc, or a
// sanitizer's own operator new meets this delete.
[[gnu::noinline]] void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  if (counting.load(std::memory_order_relaxed)) plain_bytes.fetch_add(n, std::memory_order_relaxed);
  return std::malloc(n ? n : 1);
}
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }

using namespace sutro;

namespace {
struct solve_usage {
  solvers::solve_result result;
  memory::region_usage counted;  ///< through the accounting allocator
  std::size_t plain = 0;         ///< through plain operator new
};
solve_usage measured_solve(const tasks::packed_samples& d) {
  solve_usage u;
  memory::scoped_measurement region;
  plain_bytes = 0;
  counting = true;
  u.result = solvers::correlation{}.solve(d);
  counting = false;
  u.counted = region.finish();
  u.plain = plain_bytes.load();
  return u;
}
}  // namespace

TEST_CASE("lab: correlation's work buffers go through the accounting allocator; the lab row shows them",
          "[lab][correlation][alloc]") {
  const auto train = tasks::sparse_majority(20, 3, 42).packed(tasks::split::train, 500);
  const auto u = measured_solve(train);
  INFO(u.result.reason);
  REQUIRE(u.result.status == solvers::solve_status::found);
  // At least the n correlations and the n indices ranked by them.
  CHECK(u.counted.bytes_allocated >= 20 * (sizeof(double) + sizeof(std::uint32_t)));
  CHECK(u.counted.net_bytes == 0);
  // Outside it: only the answer and its reason (solve_result's std::vector
  // and std::string), a few hundred bytes whatever m; 58,959 B before.
  INFO("plain operator new bytes: " << u.plain);
  CHECK(u.plain < 1024);
  const auto more = measured_solve(tasks::sparse_majority(20, 3, 42).packed(tasks::split::train, 5000));
  INFO("plain operator new bytes at m = 5000: " << more.plain);
  CHECK(more.plain < 1024);

  // The lab's row for the same rows is that count, not "0 B".
  lab::config cfg;
  cfg.task = tasks::task_spec{tasks::task_kind::majority, 20, 3};
  cfg.seeds = {42};
  cfg.train = 500;
  cfg.repeats = 1;
  const lab::report rep =
      lab::run(cfg, {lab::from_solver(solvers::correlation{}, "correlation", {tasks::task_kind::majority})});
  REQUIRE(rep.summaries.size() == 1);
  CHECK(rep.summaries[0].allocations_measured);
  CHECK(rep.summaries[0].max_bytes_allocated == u.counted.bytes_allocated);
  CHECK(rep.summaries[0].max_peak_bytes == u.counted.peak_bytes);
  std::ostringstream table;
  lab::print_table(table, rep);
  CHECK(table.str().find(lab::format_bytes(u.counted.bytes_allocated)) != std::string::npos);
  CHECK(table.str().find(" 0 B") == std::string::npos);
}
