// gf2_elimination at every width (the one- and two-word Gauss-Jordan, the
// wide one) against the incremental basis, one row at a time, the reference
// for every path and its fallback: the same status, subset,
// reason and statistics on random tasks, found, ambiguous (too few rows, a
// rank-deficient column), failed (contradicting rows before, inside and after
// the elimination block; wrong weight), max_samples, verify_all on and off.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/backend/cpu.hpp"
#include "sutro/memory/access_policy.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro;
using solvers::solve_status;

namespace {
/// The incremental basis over the first m rows, certified as solve() does.
solvers::solve_result incremental(const tasks::packed_samples& d, solvers::gf2_elimination_options o) {
  const std::size_t m = o.max_samples ? std::min(o.max_samples, d.count) : d.count;
  auto r = solvers::detail::eliminate<0>(d, m, o.verify_all, memory::raw_access{});
  solvers::detail::explain_exact(d, r, o.verify_all ? m : std::min<std::size_t>(r.stats.samples_used, m));
  return r;
}

/// solve(d) against the incremental basis: the same status, subset, reason
/// and statistics at every width (each path pivots on the earliest row).
void same_as_incremental(const tasks::packed_samples& d, solvers::gf2_elimination_options o) {
  const auto r = solvers::gf2_elimination(o).solve(d);
  const auto ref = incremental(d, o);
  CHECK(to_string(r.status) == std::string(to_string(ref.status)));
  CHECK(r.subset == ref.subset);
  CHECK(r.reason == ref.reason);
  CHECK(r.stats.samples_used == ref.stats.samples_used);
  CHECK(r.stats.rank == ref.stats.rank);
  CHECK(r.stats.candidates == ref.stats.candidates);
  CHECK(r.stats.disagreements == ref.stats.disagreements);
}

tasks::packed_samples parity(std::size_t n, std::size_t k, std::uint64_t seed, std::size_t m) {
  return tasks::sparse_parity(n, k, seed,
                              {.enc = seed % 2 ? tasks::encoding::plus_minus_one : tasks::encoding::zero_one})
      .packed(tasks::split::train, m);
}

void flip_label(tasks::packed_samples& d, std::size_t i) {
  if (d.spec.enc == tasks::encoding::plus_minus_one)
    d.labels[i] = -d.labels[i];
  else
    d.labels[i] = 1 - d.labels[i];
}

void same_as_incremental_at_every_width() {
  // The wide path's blocks are up to 32 columns inside one word, its tables 4
  // columns each: widths on either side of those boundaries (a last block of
  // 1 or 2 columns, a partly used last table), and rows of 4 and of 8 words.
  // On tiles (GFNI) the blocks are whole words and the rows tiles of 8 x 8
  // bits: a last block of 1, 7, 8, 9 or 64 columns, row counts that are not
  // multiples of 8 (n + 10), rows of up to 16 words.
  const std::size_t widths[] = {1,   63,  64,  65,  127, 128, 129, 130, 131, 133, 135, 136, 137, 159,
                                160, 161, 191, 192, 200, 255, 256, 320, 449, 511, 512, 513, 703, 1000};
  for (std::size_t n : widths)
    for (std::size_t k : {1u, 3u, 5u}) {
      if (k > n) continue;
      for (std::uint64_t seed : {1u, 2u}) {
        INFO("n = " << n << ", k = " << k << ", seed " << seed);
        const std::size_t big = n + 40;
        const auto task = tasks::sparse_parity(n, k, seed);
        for (bool verify : {true, false}) {
          INFO("verify_all " << verify);
          const solvers::gf2_elimination_options o{.verify_all = verify};
          // Found: the block of n + 16 rows, the rest verified; exactly the block; n + 10 rows.
          for (std::size_t m : {big, n + 16, n + 10}) {
            INFO("m = " << m);
            const auto d = parity(n, k, seed, m);
            same_as_incremental(d, o);
            CHECK(solvers::gf2_elimination(o).solve(d).subset == task.secret());
          }
          // Too few rows: fewer than n, and barely n (sometimes short of rank).
          for (std::size_t m : {std::max<std::size_t>(1, n / 2), n, n + 1, n + 2}) {
            INFO("m = " << m);
            same_as_incremental(parity(n, k, seed, m), o);
          }
          // A column that is never set (not in the secret): rank n - 1 in every prefix.
          {
            auto d = parity(n, k, seed, big);
            const auto& s = task.secret();
            std::size_t j = 0;
            while (std::find(s.begin(), s.end(), j) != s.end()) ++j;
            if (j < n) {
              for (std::size_t i = 0; i < d.count; ++i)
                d.words[i * d.row_words + j / 64] &= ~(std::uint64_t{1} << (j % 64));
              same_as_incremental(d, o);
              CHECK(solvers::gf2_elimination(o).solve(d).status == solve_status::ambiguous);
            }
          }
          // Contradicting rows: early (before rank n), inside the block after rank n, after the block, two of them.
          for (std::size_t at : {n / 3, n + 12, n + 30}) {
            INFO("flipped row " << at);
            auto d = parity(n, k, seed, big);
            flip_label(d, at);
            same_as_incremental(d, o);
            flip_label(d, (at + 7) % big);
            same_as_incremental(d, o);
          }
          // Wrong weight: the labels are a k-parity, the spec says k + 1.
          {
            auto d = parity(n, k, seed, big);
            if (k + 1 <= n) {
              d.spec.k = k + 1;
              same_as_incremental(d, o);
              CHECK(solvers::gf2_elimination(o).solve(d).status == solve_status::failed);
            }
          }
          // max_samples: below n, inside the block, past it.
          for (std::size_t cap : {n / 2 + 1, n + 5, n + 20}) {
            INFO("max_samples " << cap);
            const solvers::gf2_elimination_options oc{.max_samples = cap, .verify_all = verify};
            auto d = parity(n, k, seed, big);
            same_as_incremental(d, oc);
            flip_label(d, n + 25);  // read only when max_samples reaches it
            same_as_incremental(d, oc);
          }
        }
      }
    }
}
}  // namespace

// The wide path runs on 8 x 8 bit tiles where the CPU level has GFNI and
// VBMI, else on tables: both against the reference, the second under a cap.
TEST_CASE("gf2_elimination wide: same results as the incremental basis", "[solvers][gf2_elimination]") {
  SECTION("the CPU's level") {
    const auto d = parity(300, 3, 1, 320);
    CHECK(solvers::gf2_elimination{}.solve(d).status == solve_status::found);
    const bool tiles = cpu::supports(cpu::level::avx512_gfni) && cpu::active_level() == cpu::detected_level();
    if (tiles) CHECK(cpu::last_kernel_level() == cpu::level::avx512_gfni);
    same_as_incremental_at_every_width();
  }
  if (cpu::supports(cpu::level::avx2)) {
    SECTION("capped at AVX2: the tables") {
      const cpu::scoped_level_limit cap(cpu::level::avx2);
      CHECK(solvers::gf2_elimination{}.solve(parity(300, 3, 1, 320)).status == solve_status::found);
      CHECK(cpu::last_kernel_level() == cpu::level::generic);
      same_as_incremental_at_every_width();
    }
  }
}

TEST_CASE("gf2_elimination wide: the hand cases of the statistics", "[solvers][gf2_elimination]") {
  // n = 200, 260 rows: rank n is reached inside the block, so samples_used is
  // below n + 16 and the contradiction at row 250 is seen only by verify_all.
  auto d = parity(200, 3, 7, 260);
  auto r = solvers::gf2_elimination{}.solve(d);
  REQUIRE(r.status == solve_status::found);
  solvers::solve_result direct;  // the wide Gauss-Jordan itself decided, no fallback
  CHECK(solvers::detail::gauss_jordan_wide(d, d.count, true, direct, memory::raw_access{}));
  CHECK(direct.subset == r.subset);
  if (solvers::detail::tiles_run()) {
    solvers::solve_result tiled;
    CHECK(solvers::detail::gauss_jordan_tiles(d, d.count, true, tiled, memory::raw_access{}));
    CHECK(tiled.subset == r.subset);
    CHECK(tiled.stats.samples_used == direct.stats.samples_used);
  }
  CHECK(r.stats.samples_used >= 200);
  CHECK(r.stats.samples_used <= 216);
  CHECK(r.stats.rank == 200);
  flip_label(d, 250);
  r = solvers::gf2_elimination{}.solve(d);
  CHECK(r.status == solve_status::failed);
  CHECK(r.stats.disagreements == 1);
  CHECK(r.reason == "1 row contradicts the others: the labels are not a parity of the inputs");
  r = solvers::gf2_elimination({.verify_all = false}).solve(d);
  CHECK(r.status == solve_status::found);
  CHECK(r.stats.disagreements == 0);
}
