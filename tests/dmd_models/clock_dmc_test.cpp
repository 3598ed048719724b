// The sparse-parity challenge evaluator's clock-based DMC (MemTracker):
// its rules, numpy's seeded data drawn bit for bit, and two leaderboard
// entries re-scored from their algorithms written against sutro.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/metrics/dmd/clock_dmc_challenge.hpp"

using namespace sutro::metrics::dmd;
using sutro::testing::thrown_message;

TEST_CASE("clock dmc: MemTracker's rules", "[dmd][clock]") {
  clock_dmc t;
  t.write("x", 10);
  CHECK(t.clock() == 10);
  CHECK(t.read("x") == 10);  // size defaults to the last write's
  CHECK(t.clock() == 20);
  CHECK(t.read("x", 1) == 20);     // reads never refresh: distance is time since the write
  CHECK(t.read("nope", 5) == -1);  // not priced, but the clock moves
  CHECK(t.read("never") == -1);    // size 0: the clock stays
  CHECK(t.clock() == 26);
  CHECK(t.reads() == 2);
  CHECK(t.writes() == 1);
  CHECK(t.dmc_plain() == 10 * std::sqrt(10.0) + std::sqrt(20.0));
  CHECK(t.dmc() == t.dmc_plain());
  CHECK(t.floats_read() == 11);
  CHECK(t.weighted_ard() == double(10 * 10 + 20) / 11);
  const auto& s = t.stats(t.buffer("x"));
  CHECK(s.size == 10);
  CHECK(s.read_count == 2);
  CHECK(s.min_dist == 10);
  CHECK(s.max_dist == 20);
  CHECK(s.sum_dist == 30);
  t.write("x", 3);  // a rewrite resets the distance and the default size
  CHECK(t.read("x") == 3);
  CHECK(t.clock() == 32);
  CHECK(t.buffers() == 3);
  CHECK(t.name(0) == "x");
  CHECK_THROWS_WITH(t.read(clock_dmc::buffer_id{7}, 1), "sutro::metrics::dmd::clock_dmc::read: unknown buffer id 7");
  clock_dmc empty;
  CHECK(empty.dmc() == 0);
  CHECK(empty.weighted_ard() == 0);
}

TEST_CASE("clock dmc: Python 3.12's compensated sum differs from the plain one", "[dmd][clock]") {
  clock_dmc t;
  t.write("a", 1);
  t.read("a", 1'000'000);                         // 1e6 * sqrt(1)
  for (int i = 0; i < 1000; ++i) t.read("a", 0);  // zero-size reads, still priced terms
  t.write("b", 0);
  t.read("b", 1);  // sqrt(0) = 0
  CHECK(t.dmc() == t.dmc_plain());
  clock_dmc u;
  u.write("big", 1);
  u.read("big", std::uint64_t{1} << 53);
  for (int i = 0; i < 4; ++i) {
    u.write("one", 0);
    u.read("one", 1);  // 1 * sqrt(0)
    u.write("e", 1);
    u.read("e", 1);  // 1 * sqrt(1): lost by a plain sum next to 2^53
  }
  CHECK(u.dmc_plain() == std::ldexp(1.0, 53));
  CHECK(u.dmc() == std::ldexp(1.0, 53) + 4.0);
}

TEST_CASE("clock dmc: the evaluator's data, as numpy's RandomState draws it", "[dmd][clock]") {
  struct want {
    std::uint32_t seed;
    std::vector<int> secret;
    std::uint64_t row0, row1, row499;
  };
  // from numpy 2.4: rows packed with bit c set where x[r][c] = +1
  const want cases[] = {{42, {0, 15, 17}, 1016551, 787286, 10273},   {123, {4, 5, 14}, 337675, 338311, 847940},
                        {456, {0, 9, 13}, 606754, 812367, 73593},    {1042, {0, 10, 11}, 906759, 758829, 461412},
                        {1123, {9, 14, 16}, 474285, 571366, 194769}, {1456, {1, 2, 12}, 856598, 401438, 867843}};
  for (const auto& c : cases) {
    const auto d = challenge_generate(c.seed, 20, 3, 500);
    auto row = [&](std::size_t r) {
      std::uint64_t w = 0;
      for (std::size_t j = 0; j < 20; ++j) w |= std::uint64_t{d.x[r * 20 + j] > 0} << j;
      return w;
    };
    CHECK(d.secret == c.secret);
    CHECK(row(0) == c.row0);
    CHECK(row(1) == c.row1);
    CHECK(row(499) == c.row499);
    CHECK(d.y[7] == d.x[7 * 20 + c.secret[0]] * d.x[7 * 20 + c.secret[1]] * d.x[7 * 20 + c.secret[2]]);
  }
  CHECK_THROWS_AS(challenge_generate(1, 3, 4, 1), std::invalid_argument);
}

namespace {

// What TrackedArray records for x[a:b] (an array result): a read of the
// slice's size, then a write of a fresh buffer holding the slice.
void slice_read(clock_dmc& t, clock_dmc::buffer_id from, std::uint64_t size) {
  t.read(from, size);
  t.write("_slice_" + std::to_string(t.buffers()), size);
}

// Leaderboard #2, passive_gf2_rref_minimal_22rows (issue #24): x[:22] and
// y[:22] are the only tracked reads; the rows become bit masks and the
// GF(2) reduced row echelon form runs on plain integers, as in the entry.
std::vector<int> passive_gf2_rref_22(clock_dmc& t, const challenge_data& d) {
  constexpr int rows = 22;
  slice_read(t, d.x_buffer, std::uint64_t{rows} * static_cast<std::uint64_t>(d.n_bits));
  slice_read(t, d.y_buffer, rows);
  std::vector<std::uint32_t> eq(rows), rhs(rows);
  for (int r = 0; r < rows; ++r) {
    for (int c = 0; c < d.n_bits; ++c) eq[r] |= std::uint32_t{d.x[std::size_t(r * d.n_bits + c)] < 0} << c;
    rhs[r] = d.y[std::size_t(r)] < 0;
  }
  std::vector<int> pivot_row(std::size_t(d.n_bits), -1);
  int next = 0;
  for (int c = 0; c < d.n_bits && next < rows; ++c) {
    int p = next;
    while (p < rows && !(eq[p] >> c & 1)) ++p;
    if (p == rows) continue;
    std::swap(eq[p], eq[next]);
    std::swap(rhs[p], rhs[next]);
    for (int r = 0; r < rows; ++r)
      if (r != next && (eq[r] >> c & 1)) eq[r] ^= eq[next], rhs[r] ^= rhs[next];
    pivot_row[std::size_t(c)] = next++;
  }
  std::vector<int> secret;
  for (int c = 0; c < d.n_bits; ++c)
    if (pivot_row[std::size_t(c)] >= 0 && rhs[std::size_t(pivot_row[std::size_t(c)])]) secret.push_back(c);
  return secret;
}

// Leaderboard #1, Sequential Elimination (issue #30): keep every k-subset
// consistent with the rows seen so far; per row read only the bits some
// surviving subset uses (x[i, j], one element each, ascending), then y[i].
std::vector<int> sequential_elimination(clock_dmc& t, const challenge_data& d) {
  std::vector<std::vector<int>> cands;
  for (int a = 0; a < d.n_bits; ++a)
    for (int b = a + 1; b < d.n_bits; ++b)
      for (int c = b + 1; c < d.n_bits; ++c) cands.push_back({a, b, c});
  for (int i = 0; cands.size() > 1 && i < d.n_samples; ++i) {
    std::vector<bool> active(std::size_t(d.n_bits), false);
    for (const auto& s : cands)
      for (int j : s) active[std::size_t(j)] = true;
    for (int j = 0; j < d.n_bits; ++j)
      if (active[std::size_t(j)]) t.read(d.x_buffer, 1);
    t.read(d.y_buffer, 1);
    const double* row = &d.x[std::size_t(i * d.n_bits)];
    std::erase_if(cands,
                  [&](const std::vector<int>& s) { return row[s[0]] * row[s[1]] * row[s[2]] != d.y[std::size_t(i)]; });
  }
  return cands.empty() ? std::vector<int>{} : cands.front();
}

}  // namespace

TEST_CASE("clock dmc: leaderboard entries re-scored from their algorithms", "[dmd][clock]") {
  // Expected: the leaderboard (leaderboard.json) and the evaluator run locally
  // on the same algorithms in Python (numpy 2.4, Python 3.11; per-seed sums
  // under 3.12's sum() recomputed from the same events).
  const auto passive = evaluate_sparse_parity_challenge(passive_gf2_rref_22);
  CHECK(passive.dmc == 45903.8);
  CHECK(passive.passed);
  for (const auto& s : passive.seeds) {
    CHECK(s.found == s.secret);
    CHECK(s.dmc == 45903.8);
    CHECK(s.reads == 2);
    CHECK(s.writes == 4);
  }
  const auto seq = evaluate_sparse_parity_challenge(sequential_elimination);
  CHECK(seq.dmc == 19153.1);
  CHECK(seq.accuracy == 1.0);
  REQUIRE(seq.seeds.size() == 3);
  CHECK(seq.seeds[0].dmc == 18903.0);
  CHECK(seq.seeds[1].dmc == 19343.0);
  CHECK(seq.seeds[2].dmc == 19213.2);
  CHECK(seq.seeds[0].reads == 192);
  CHECK(seq.seeds[1].reads == 197);
  CHECK(seq.seeds[2].reads == 195);

  // Unrounded, bit for bit: Python 3.11's plain sum and 3.12's compensated one.
  const double plain[] = {18902.981081101487, 19343.04393173875, 19213.15429904459};
  const double compensated[] = {18902.9810811015, 19343.043931738768, 19213.1542990446};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto d = challenge_generate(std::uint32_t(i == 0 ? 42 : i == 1 ? 123 : 456), 20, 3, 500);
    clock_dmc t;
    const auto xb = t.buffer("x_train");
    t.write(xb, d.x.size());
    const auto yb = t.buffer("y_train");
    t.write(yb, d.y.size());
    (void)sequential_elimination(t, challenge_data{20, 3, 500, d.x, d.y, xb, yb});
    CHECK(t.dmc_plain() == plain[i]);
    CHECK(t.dmc() == compensated[i]);
  }
}

TEST_CASE("clock dmc: python_round1 rounds as Python's round(x, 1)", "[dmd][clock]") {
  CHECK(python_round1(45903.84709754653) == 45903.8);
  CHECK(python_round1(0.25) == 0.2);  // exact tie: half to even
  CHECK(python_round1(0.35) == 0.3);  // 0.35 is below the tie in binary
  CHECK(python_round1(2.675) == 2.7);
  CHECK(python_round1(1234.56) == 1234.6);
  CHECK(python_round1(-0.05) == -0.1);                      // -0.05 is just past the tie in binary
  CHECK(python_round1(1e15 + 0.25) == 1000000000000000.2);  // an exact tie: half to even
  CHECK(std::signbit(python_round1(-0.04)));                // round(-0.04, 1) is -0.0
  CHECK(python_round1(1e70) == 1e70);                       // %.1f has 73 characters here
  CHECK(python_round1(-1e300) == -1e300);
  CHECK(python_round1(1.7976931348623157e308) == 1.7976931348623157e308);  // the longest %.1f
  CHECK(std::isinf(python_round1(INFINITY)));
  CHECK(std::isnan(python_round1(NAN)));
}

TEST_CASE("clock dmc: the challenge's helpers refuse what they cannot compute", "[dmd][clock]") {
  const std::vector<double> x(10, 1.0);
  const std::string labels = "sutro::metrics::dmd::challenge_labels: ";
  CHECK(thrown_message([&] { (void)challenge_labels(x, 0, {}); }) == labels + "n_bits 0 is below 1");
  CHECK(thrown_message([&] { (void)challenge_labels(x, 3, {0}); }) ==
        labels + "10 values are not whole rows of n_bits 3");
  CHECK(thrown_message([&] { (void)challenge_labels(x, 2, {5}); }) == labels + "index 5 is out of range for n_bits 2");
  CHECK(thrown_message([&] { (void)challenge_labels(x, 2, {-1}); }) ==
        labels + "index -1 is out of range for n_bits 2");
  CHECK(challenge_labels(x, 2, {0, 1}) == std::vector<double>(5, 1.0));
  CHECK(challenge_labels({}, 4, {3}).empty());

  CHECK(thrown_message([] { (void)challenge_generate(1, 5, 7, 10); }) ==
        "sutro::metrics::dmd::challenge_generate: need 1 <= k <= n_bits and n_samples >= 0, got k 7, n_bits 5, "
        "n_samples 10");

  const std::string eval = "sutro::metrics::dmd::evaluate_sparse_parity_challenge: ";
  const auto first3 = [](clock_dmc&, const challenge_data&) { return std::vector<int>{0, 1, 2}; };
  CHECK(thrown_message<std::out_of_range>([] {
          (void)evaluate_sparse_parity_challenge([](clock_dmc&, const challenge_data&) {
            return std::vector<int>{0, 1, 25};
          });
        }) == eval + "index 25 is out of range for n_bits 20");
  CHECK(thrown_message([&] { (void)evaluate_sparse_parity_challenge(first3, 20, 3, {}); }) ==
        eval + "no seeds (the means would be NaN)");
  // numpy's RandomState takes seeds below 2^32: seed + 1000 must not wrap to another seed's data
  int calls = 0;
  const auto counted = [&](clock_dmc& t, const challenge_data& d) { return ++calls, first3(t, d); };
  CHECK(thrown_message([&] {
          (void)evaluate_sparse_parity_challenge(counted, 20, 3, {42, 4294967295u});
        }) == eval + "seed 4294967295: its test seed, seed + 1000, does not fit in 32 bits");
  CHECK(thrown_message([&] { (void)evaluate_sparse_parity_challenge(counted, 20, 3, {4294966296u}); }) ==
        eval + "seed 4294966296: its test seed, seed + 1000, does not fit in 32 bits");
  CHECK(calls == 0);  // refused before any solver ran
  const auto last = evaluate_sparse_parity_challenge(counted, 20, 3, {4294966295u});
  CHECK(calls == 1);
  REQUIRE(last.seeds.size() == 1);
  CHECK(last.seeds[0].seed == 4294966295u);
}
