// Every solver's solve(d, memory::recording_access) is its plain solve with
// the arrays reached through recording handles: the same result, bit for bit,
// and a trace holding the reads its own loops make (every sample word and
// label it uses; exact counts on hand instances).
#include <algorithm>
#include <bit>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/memory/access_policy.hpp"
#include "sutro/memory/trace.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/gf2_general.hpp"
#include "sutro/solvers/sparse_sum.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro;

namespace {
/// Solves d plainly and recorded (into t, events kept); the results must agree bit for bit.
template <class S>
solvers::solve_result same_result(const S& s, const tasks::packed_samples& d, memory::trace& t) {
  const auto plain = s.solve(d);
  const auto traced = s.solve(d, memory::recording_access{&t});
  CHECK(plain.status == traced.status);
  CHECK(plain.subset == traced.subset);
  CHECK(plain.reason == traced.reason);
  CHECK(plain.stats.samples_used == traced.stats.samples_used);
  CHECK(plain.stats.rank == traced.stats.rank);
  CHECK(plain.stats.candidates == traced.stats.candidates);
  CHECK(plain.stats.disagreements == traced.stats.disagreements);
  return plain;
}

/// Rows [0, rows) of d whose words or label the trace never read (0: all read).
std::size_t rows_not_read(const memory::trace& t, const tasks::packed_samples& d, std::size_t rows) {
  std::set<std::uintptr_t> read;
  for (const auto& e : t.events())
    if (e.kind == memory::access_kind::read) read.insert(e.address);
  std::size_t missing = 0;
  for (std::size_t i = 0; i < rows; ++i) {
    bool all = read.count(reinterpret_cast<std::uintptr_t>(d.labels.data() + i)) == 1;
    for (std::size_t w = 0; w < d.row_words; ++w)
      all = all && read.count(reinterpret_cast<std::uintptr_t>(d.row(i) + w)) == 1;
    missing += !all;
  }
  return missing;
}

memory::trace events_trace() { return memory::trace({.unit = memory::granularity::element, .keep_events = true}); }

tasks::packed_samples parity(std::size_t n, std::size_t k, std::uint64_t seed, std::size_t m, double noise = 0.0,
                             tasks::encoding enc = tasks::encoding::plus_minus_one) {
  return tasks::sparse_parity(n, k, seed, {.noise = noise, .enc = enc}).packed(tasks::split::train, m);
}
}  // namespace

TEST_CASE("gf2_elimination recorded: same results, every row read", "[solvers][recorded]") {
  // n + 1 <= 64 and <= 128 run the Gauss-Jordan fast paths, larger n the wide
  // one (each with its gf2_basis fallback when the first n + 16 rows lack
  // rank); n = 1000 with one seed (its traces are large).
  for (std::size_t n : {1u, 20u, 62u, 63u, 64u, 65u, 100u, 127u, 128u, 129u, 191u, 192u, 200u, 255u, 256u, 300u, 1000u})
    for (std::size_t m : {std::max<std::size_t>(1, n / 2), n + 1, n + 16, n + 60})
      for (std::uint64_t seed : {1u, 2u, 3u}) {
        if (n == 1000 && seed > 1) continue;
        const std::size_t k = std::min<std::size_t>(3, n);
        INFO("n = " << n << ", m = " << m << ", seed " << seed);
        const auto d =
            parity(n, k, seed, m, 0.0, seed % 2 ? tasks::encoding::plus_minus_one : tasks::encoding::zero_one);
        auto t = events_trace();
        const auto r = same_result(solvers::gf2_elimination{}, d, t);
        if (r.status == solvers::solve_status::found) CHECK(rows_not_read(t, d, m) == 0);
        CHECK(t.reads() > 0);
      }
  // Rows that contradict the others (labels not a parity), and a noisy spec (not applicable: no access).
  auto d = parity(30, 3, 5, 80);
  d.labels[70] = -d.labels[70];
  auto t = events_trace();
  CHECK(same_result(solvers::gf2_elimination{}, d, t).status == solvers::solve_status::failed);
  for (std::size_t at : {std::size_t{100}, std::size_t{310},
                         std::size_t{350}}) {  // the wide path: before rank n, in the block, after it
    INFO("wide, flipped row " << at);
    auto wide = parity(300, 3, 5, 380);
    wide.labels[at] = -wide.labels[at];
    auto tw = events_trace();
    CHECK(same_result(solvers::gf2_elimination{}, wide, tw).status == solvers::solve_status::failed);
  }
  auto quiet = events_trace();
  (void)same_result(solvers::gf2_elimination{}, parity(20, 3, 5, 80, 0.1), quiet);
  CHECK(quiet.reads() + quiet.writes() == 0);
}

TEST_CASE("gf2_general recorded: the same answers through gf2's scalar kernel", "[solvers][recorded]") {
  for (std::size_t n : {1u, 20u, 63u, 64u, 65u, 130u})
    for (std::size_t m : {std::max<std::size_t>(1, n / 2), n + 10})
      for (std::uint64_t seed : {1u, 2u}) {
        INFO("n = " << n << ", m = " << m << ", seed " << seed);
        const auto d = parity(n, std::min<std::size_t>(3, n), seed, m);
        auto t = events_trace();
        (void)same_result(solvers::gf2_general{}, d, t);
        CHECK(rows_not_read(t, d, m) == 0);
      }
  auto d = parity(30, 3, 5, 80);
  d.labels[3] = -d.labels[3];
  auto t = events_trace();
  CHECK(same_result(solvers::gf2_general{}, d, t).status == solvers::solve_status::failed);
}

TEST_CASE("exhaustive recorded: same results, every used row read", "[solvers][recorded]") {
  struct config {
    std::size_t n, k, m;
    double noise;
    solvers::exhaustive_options o;
  };
  for (const auto& c :
       {config{20, 3, 40, 0.0, {}}, config{20, 3, 8, 0.0, {}}, config{20, 1, 64, 0.0, {}},
        config{20, 3, 65, 0.0, {.stop_at_first = true}}, config{20, 3, 200, 0.1, {}}, config{16, 2, 300, 0.2, {}},
        config{20, 3, 100, 0.0, {.max_samples = 19}}, config{64, 2, 63, 0.0, {}}, config{65, 2, 1, 0.0, {}}})
    for (std::uint64_t seed : {1u, 2u}) {
      INFO("n = " << c.n << ", k = " << c.k << ", m = " << c.m << ", noise = " << c.noise << ", seed " << seed);
      const auto d =
          parity(c.n, c.k, seed, c.m, c.noise, seed % 2 ? tasks::encoding::plus_minus_one : tasks::encoding::zero_one);
      auto t = events_trace();
      (void)same_result(solvers::exhaustive(c.o), d, t);
      const std::size_t used = c.o.max_samples ? std::min(c.o.max_samples, c.m) : c.m;
      CHECK(rows_not_read(t, d, used) == 0);
      if (used < c.m) CHECK(rows_not_read(t, d, c.m) == c.m - used);  // rows past max_samples are not read
    }
}

TEST_CASE("exhaustive recorded: the exact reads and writes of a hand instance", "[solvers][recorded]") {
  // n = 4, k = 1, secret {2}, 0/1 labels; 6 rows of one word. Building the
  // columns reads each row word and label (2 per row) and ORs one bit into a
  // column word per set input bit and per label 1 (a read and a write each).
  // The label column is copied into prefix level 0 (1 read, 1 write). Each
  // leaf j reads one prefix word and one column word (one column word: the
  // exact check stops there); the match writes idx[0] and copies it into the
  // answer (1 read, 1 write). Without stop_at_first all 4 leaves are visited
  // (a second match is sought); with it the search stops at leaf 2 (and,
  // C(4, 1) 2^-6 being above alpha, calls the unchecked match ambiguous).
  tasks::packed_samples d;
  d.spec = tasks::task_spec{tasks::task_kind::parity, 4, 1, 0.0, tasks::encoding::zero_one};
  d.count = 6;
  d.row_words = 1;
  const std::vector<std::uint64_t> rows = {0b0101, 0b0100, 0b1011, 0b1110, 0b0001, 0b0111};
  std::size_t set_bits = 0, ones = 0;
  for (auto r : rows) {
    d.words.push_back(r);
    d.labels.push_back(static_cast<std::int32_t>((r >> 2) & 1u));
    set_bits += static_cast<std::size_t>(std::popcount(r));
    ones += (r >> 2) & 1u;
  }
  for (bool first : {false, true}) {
    INFO("stop_at_first " << first);
    memory::trace t;
    const auto r = solvers::exhaustive({.stop_at_first = first}).solve(d, memory::recording_access{&t});
    REQUIRE(r.status == (first ? solvers::solve_status::ambiguous : solvers::solve_status::found));
    if (!first) CHECK(r.subset == std::vector<std::uint32_t>{2});
    const std::size_t leaves = first ? 3 : 4;
    CHECK(r.stats.candidates == leaves);
    CHECK(t.reads() == 2 * d.count + set_bits + ones + 1 + 2 * leaves + 1);
    CHECK(t.writes() == set_bits + ones + 1 + 1 + 1);
  }
}

TEST_CASE("sparse-sum solvers recorded: same results, every row read", "[solvers][recorded]") {
  for (std::size_t n : {1u, 20u, 63u, 64u, 65u, 100u})
    for (std::size_t m : {std::size_t{1}, n + 1, std::size_t{300}})
      for (double noise : {0.0, 0.05})
        for (std::uint64_t seed : {1u, 2u}) {
          const std::size_t k = std::min<std::size_t>(3, n);
          INFO("n = " << n << ", m = " << m << ", noise = " << noise << ", seed " << seed);
          const auto d =
              tasks::sparse_sum(
                  n, k, seed,
                  {.noise = noise, .enc = seed % 2 ? tasks::encoding::plus_minus_one : tasks::encoding::zero_one})
                  .packed(tasks::split::train, m);
          auto tc = events_trace();
          (void)same_result(solvers::sum_correlation{}, d, tc);
          CHECK(rows_not_read(tc, d, m) == 0);  // the label-sum pass
          auto tl = events_trace();
          (void)same_result(solvers::sum_least_squares{}, d, tl);
          CHECK(rows_not_read(tl, d, m) == 0);  // bit columns and right-hand side
        }
}

TEST_CASE("sparse-sum solvers recorded: the final check reads every row again", "[solvers][recorded]") {
  // (20, 3) with 300 rows is found by both: the label-sum / column pass and the
  // check of every row each read all m row words and labels.
  const auto d = tasks::sparse_sum(20, 3, 42).packed(tasks::split::train, 300);
  for (int which = 0; which < 2; ++which) {
    INFO((which ? "sum_least_squares" : "sum_correlation"));
    auto t = events_trace();
    const auto r =
        which ? same_result(solvers::sum_least_squares{}, d, t) : same_result(solvers::sum_correlation{}, d, t);
    REQUIRE(r.status == solvers::solve_status::found);
    std::size_t label_reads = 0;
    for (const auto& e : t.events())
      label_reads += e.kind == memory::access_kind::read &&
                     e.address >= reinterpret_cast<std::uintptr_t>(d.labels.data()) &&
                     e.address < reinterpret_cast<std::uintptr_t>(d.labels.data() + d.count);
    // correlation: the sum pass and the check; least squares: columns, total, right-hand side, check.
    CHECK(label_reads == (which ? 4 : 2) * d.count);
  }
}
