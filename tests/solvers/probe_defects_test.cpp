// Misuse found by probing the public API: each case gave a wrong `found`, an
// out-of-bounds access (ASan) or a misleading message before it was checked.
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/gf2/multiply.hpp"
#include "sutro/gf2/pluq.hpp"
#include "sutro/gf2/solve.hpp"
#include "sutro/solvers/batch.hpp"
#include "sutro/solvers/bucket_search.hpp"
#include "sutro/solvers/certificate.hpp"
#include "sutro/solvers/correlation.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/noisy_parity.hpp"
#include "sutro/solvers/robust_gf2.hpp"
#include "sutro/solvers/small_system.hpp"
#include "sutro/tasks/gf2_form.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro;
using tasks::split;
using testing::thrown_message;

namespace {
bool starts_with(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }
}  // namespace

TEST_CASE("noisy solvers refuse an alpha or miss outside (0, 1) instead of certifying anything", "[solvers][misuse]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const auto d = tasks::sparse_parity(20, 3, 1, {.noise = 0.1}).packed(split::train, 12);
  for (double bad : {nan, -1.0, 0.0, 1.0, 1e300}) {
    INFO("alpha = " << bad);
    CHECK(starts_with(thrown_message([&] { solvers::exhaustive e({.alpha = bad}); }),
                      "sutro::solvers::exhaustive: alpha must be in (0, 1), got "));
    CHECK(starts_with(thrown_message([&] { solvers::bucket_search b({.alpha = bad}); }),
                      "sutro::solvers::bucket_search: alpha must be in (0, 1)"));
    CHECK(starts_with(thrown_message([&] { solvers::noisy_parity p({.alpha = bad}); }),
                      "sutro::solvers::noisy_parity: alpha must be in (0, 1)"));
    CHECK(starts_with(thrown_message([&] { solvers::robust_gf2 r({.alpha = bad}); }),
                      "sutro::solvers::robust_gf2: alpha must be in (0, 1)"));
    CHECK(starts_with(thrown_message([&] { (void)solvers::union_bound_certificate(20, 3, 12, bad); }),
                      "sutro::solvers::union_bound_certificate: alpha must be in (0, 1)"));
    CHECK(starts_with(thrown_message([&] { (void)solvers::plan_noisy_parity(d.spec, 12, {.alpha = bad}); }),
                      "sutro::solvers::plan_noisy_parity: alpha"));
    const auto maj = tasks::sparse_majority(20, 3, 1).packed(split::train, 3);
    CHECK(starts_with(thrown_message([&] { (void)solvers::correlation{bad}.solve(maj); }),
                      "sutro::solvers::correlation: alpha must be in (0, 1)"));
    CHECK(starts_with(thrown_message([&] { solvers::bucket_search b({.miss = bad}); }),
                      "sutro::solvers::bucket_search: miss must be in (0, 1)"));
    CHECK(starts_with(thrown_message([&] { solvers::noisy_parity p({.miss = bad}); }),
                      "sutro::solvers::noisy_parity: miss must be in (0, 1)"));
  }
  CHECK(thrown_message([&] { solvers::exhaustive e({.alpha = nan}); }).find("got nan") != std::string::npos);
  // In range, the bound appears in the reason as a number, not as 0.000000.
  const auto maj = tasks::sparse_majority(20, 3, 2).packed(split::train, 400);
  CHECK(solvers::correlation{1e-9}.solve(maj).reason.find("alpha = 1e-09") != std::string::npos);
  auto none = maj;
  none.count = 0;
  CHECK(thrown_message([&] { (void)solvers::correlation{}.solve(none); }) ==
        "sutro::solvers::correlation: no rows (count = 0): the correlations need samples");
}

TEST_CASE("hand-built sample sets are checked before their words are read", "[tasks][misuse]") {
  tasks::packed_samples p;
  p.spec = {tasks::task_kind::parity, 10, 3};
  p.count = 2;
  p.row_words = 20;  // n = 10 needs 1
  p.words.assign(40, ~std::uint64_t{0});
  p.labels.assign(2, 0);
  CHECK(starts_with(thrown_message([&] { (void)tasks::to_gf2<scalar>(p); }),
                    "sutro::tasks::to_gf2: row_words = 20 but n = 10 needs 1"));
  CHECK(starts_with(thrown_message([&] { (void)tasks::sparse_task::to_dense(p); }),
                    "sutro::tasks::sparse_task::to_dense: row_words = 20"));
  p.row_words = 1;
  p.count = 10;  // 40 words but 2 labels
  CHECK(thrown_message([&] { (void)tasks::to_gf2<scalar>(p); }).find("count = 10 rows but 40 words") !=
        std::string::npos);
  p.count = 2;  // every row has bits set above n = 10
  CHECK(thrown_message([&] { (void)tasks::sparse_task::to_dense(p); }).find("row 0 has bits set at or above n = 10") !=
        std::string::npos);
  p.words.assign(40, 0x5);
  CHECK(tasks::to_gf2<scalar>(p).x.rows() == 2);
  CHECK(tasks::sparse_task::to_dense(p).x.size() == 20);

  const auto task = tasks::sparse_parity(130, 3, 1);
  const auto rows = task.packed(split::train, 1);
  CHECK(starts_with(thrown_message([&] { (void)task.label_with(rows.row(0), std::vector<std::uint64_t>{7}); }),
                    "sutro::tasks::sparse_task::label_with: the mask has 1 words, rows have 3"));
  std::vector<std::uint64_t> mask(3, 0);
  for (auto j : task.secret()) mask[j / 64] |= std::uint64_t{1} << (j % 64);
  CHECK(task.label_with(rows.row(0), mask) == rows.labels[0]);
}

TEST_CASE("solve_batch checks a hand-built batch's buffers; solve_small its capacity", "[solvers][misuse]") {
  tasks::sample_batch<simd> b;
  b.spec = {tasks::task_kind::parity, 20, 3};
  b.systems = 4;
  b.count = 30;
  b.row_words = 1;
  b.words.assign(10, 0);
  b.labels.assign(120, 1);
  CHECK(thrown_message([&] {
          (void)solvers::solve_batch(simd{}, b);
        }).find("sutro::solvers::solve_batch: 4 systems of 30 rows of 1 words but 10 words") == 0);
  b.labels.assign(10, 1);
  CHECK(thrown_message([&] { (void)solvers::solve_batch(simd{}, b); }).find("but 10 labels") != std::string::npos);
  b.words.assign(120, std::uint64_t{1} << 40);
  b.labels.assign(120, 1);
  CHECK(thrown_message([&] {
          (void)solvers::solve_batch(simd{}, b);
        }).find("row 0 of system 0 has bits set at or above n = 20") != std::string::npos);
  const auto good = tasks::generate_batch(simd{}, b.spec, std::vector<std::uint64_t>{1, 2, 3}, split::train, 60);
  CHECK(solvers::solve_batch(simd{}, good).size() == 3);

  const auto row_of = [](std::size_t, std::uint64_t*) { return 0u; };
  CHECK(thrown_message([&] { (void)solvers::solve_small<64>(100, 10, row_of); }) ==
        "sutro::solvers::solve_small: n = 100 unknowns, but MaxN = 64");
}

TEST_CASE("gf2: permute_columns names itself; solve takes windows", "[gf2][misuse]") {
  using M = gf2::matrix<scalar>;
  CHECK(thrown_message<std::out_of_range>([] {
          (void)gf2::permute_columns(M(3, 2), {0, 2});
        }) == "sutro::gf2::permute_columns: column index 2 of a 3x2 matrix");
  const M a = M::random(70, 130, 5), x = M::random(130, 3, 6);
  const M b = gf2::mul(a, x);
  const auto aw = a.window(gf2::row_range{0, 70}, gf2::col_range{0, 128});
  const auto bw = b.window(gf2::row_range{0, 70}, gf2::col_range{0, 3});
  const M ac = gf2::copy_of(aw), bc = gf2::copy_of(bw);
  const auto want = gf2::solve(ac, bc);
  const auto got = gf2::solve(aw, bw);
  CHECK(got.consistent == want.consistent);
  CHECK(got.solution == want.solution);
  CHECK(got.nullspace == want.nullspace);
  CHECK(gf2::solve(aw, bc).solution == want.solution);
  CHECK(gf2::solve(ac, bw).solution == want.solution);
  gf2::vector<scalar> v(70);
  for (std::size_t i = 0; i < 70; ++i) v.set(i, b.get(i, 0));
  CHECK(gf2::solve(aw, v).solution == gf2::solve(ac, v).solution);
}
