// gf2_basis and robust_gf2 over memory::recording_access: the same loops as the plain
// instantiation, so the same answers, with every access recorded.
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

#include "support/catch.hpp"
#include "sutro/memory/trace.hpp"
#include "sutro/solvers/gf2_basis.hpp"
#include "sutro/solvers/robust_gf2.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro;

namespace {
template <std::size_t W>
void compare_bases(std::size_t n, std::size_t m, std::uint64_t seed) {
  INFO("W = " << W << ", n = " << n << ", m = " << m);
  std::mt19937_64 rng(seed);
  memory::trace t;
  solvers::gf2_basis<W> plain(n);
  solvers::gf2_basis<W, memory::recording_access> traced(n, {&t});
  const std::size_t nw = plain.words();
  REQUIRE(traced.words() == nw);
  const std::uint64_t last = n % 64 == 63 ? ~std::uint64_t{0} : (std::uint64_t{1} << (n % 64 + 1)) - 1;
  for (std::size_t i = 0; i < m; ++i) {
    std::vector<std::uint64_t> a(nw), b(nw);
    for (std::size_t w = 0; w < nw; ++w) a[w] = rng() & rng() & (w + 1 == nw ? last : ~std::uint64_t{0});
    b = a;
    CHECK(plain.insert(a.data()) == traced.insert(memory::recording_access{&t}(b.data())));
    CHECK(a == b);  // the reduced equation too
    CHECK(plain.rank() == traced.rank());
  }
  if (!plain.full()) return;
  std::vector<std::uint64_t> x(nw, 1), y(nw, 2);
  plain.solve(x.data());
  traced.solve(memory::recording_access{&t}(y.data()));
  CHECK(x == y);
  CHECK(t.reads() > 0);
  CHECK(t.writes() > 0);
}

void same_result(const solvers::solve_result& a, const solvers::solve_result& b) {
  CHECK(a.status == b.status);
  CHECK(a.subset == b.subset);
  CHECK(a.stats.samples_used == b.stats.samples_used);
  CHECK(a.stats.rank == b.stats.rank);
  CHECK(a.stats.candidates == b.stats.candidates);
  CHECK(a.stats.disagreements == b.stats.disagreements);
}
}  // namespace

TEST_CASE("gf2_basis over memory::recording_access: same ranks, reductions and solutions", "[solvers][traced]") {
  for (std::size_t n : {1u, 20u, 62u, 63u}) compare_bases<1>(n, n + 10, 7 + n);
  for (std::size_t n : {64u, 65u, 100u, 127u}) compare_bases<2>(n, n + 10, 11 + n);
  for (std::size_t n : {0u, 1u, 63u, 64u, 65u, 130u, 200u}) compare_bases<0>(n, n + 10, 13 + n);
  for (std::size_t n : {20u, 100u}) compare_bases<0>(n, n / 2, 17 + n);  // never full
}

TEST_CASE("gf2_basis over memory::recording_access: the accesses of one insert", "[solvers][traced]") {
  // n = 20 (one word). clear: 1 write (the presence mask). Inserting an
  // equation with a new pivot: read eq[0] (scan), read the mask word, copy
  // (read eq[0], write the row), set the mask bit (read, write).
  memory::trace t;
  solvers::gf2_basis<1, memory::recording_access> b(20, {&t});
  b.clear();
  CHECK(t.writes() == 1);
  std::uint64_t eq = 0b1010;
  CHECK(b.insert(memory::recording_access{&t}(&eq)) == 1);
  CHECK(t.reads() == 4);
  CHECK(t.writes() == 3);
  // The same equation again reduces to 0 = 0: scan (1 read), mask (1 read),
  // XOR (row read, eq read, eq write), scan again (1 read), rhs bit (1 read).
  std::uint64_t again = 0b1010;
  CHECK(b.insert(memory::recording_access{&t}(&again)) == 0);
  CHECK(again == 0);
  CHECK(t.reads() == 4 + 6);
  CHECK(t.writes() == 3 + 1);
  solvers::gf2_basis<1, memory::recording_access> no_sink(20);
  CHECK_THROWS_AS(no_sink.clear(), std::logic_error);
}

TEST_CASE("robust_gf2 over memory::recording_access: the same result as the plain solve", "[solvers][traced]") {
  struct config {
    std::size_t n, k, m;
    double noise;
    tasks::encoding enc;
  };
  for (const auto& c :
       {config{20, 3, 500, 0.0, tasks::encoding::plus_minus_one},
        config{20, 3, 500, 0.1, tasks::encoding::plus_minus_one}, config{20, 3, 300, 0.2, tasks::encoding::zero_one},
        config{20, 5, 60, 0.1, tasks::encoding::plus_minus_one}, config{70, 3, 200, 0.0, tasks::encoding::zero_one},
        config{130, 3, 300, 0.0, tasks::encoding::plus_minus_one},
        config{20, 3, 15, 0.0, tasks::encoding::plus_minus_one},  // never full rank
        config{20, 3, 1, 0.0, tasks::encoding::plus_minus_one}}) {
    for (std::uint64_t seed : {42u, 123u}) {
      INFO("n = " << c.n << ", k = " << c.k << ", m = " << c.m << ", noise = " << c.noise << ", seed " << seed);
      const auto train =
          tasks::sparse_parity(c.n, c.k, seed, {.noise = c.noise, .enc = c.enc}).packed(tasks::split::train, c.m);
      const solvers::robust_gf2 s({.trials = 300});
      memory::trace t;
      const auto plain = s.solve(train);
      const auto traced = s.solve(train, memory::recording_access{&t});
      same_result(plain, traced);
      CHECK(t.reads() > 0);
      if (c.m >= c.n) CHECK(t.writes() > 0);
    }
  }
  const auto train = tasks::sparse_parity(20, 3, 42).packed(tasks::split::train, 100);
  CHECK_THROWS_AS(solvers::robust_gf2{}.solve(train, memory::recording_access{}), std::logic_error);
}
