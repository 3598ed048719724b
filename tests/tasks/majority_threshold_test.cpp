// Sparse majority vote and sparse threshold against hand-computed labels:
// rows built with a chosen number of secret bits set.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "support/catch.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro::tasks;

namespace {
/// The label of a row whose bits b are 1 on the first `ones` secret indices and
/// on every index outside the secret (those must not matter).
std::int32_t label_with_ones(const sparse_task& task, std::size_t ones) {
  std::vector<std::uint64_t> row(task.row_words(), 0);
  const auto& s = task.secret();
  for (std::size_t j = 0; j < task.spec().n; ++j) {
    const bool in_secret = std::find(s.begin(), s.end(), j) != s.end();
    const auto rank = static_cast<std::size_t>(std::find(s.begin(), s.end(), j) - s.begin());
    if (!in_secret || rank < ones) row[j / 64] |= std::uint64_t{1} << (j % 64);
  }
  return task.label_of(row.data());
}
}  // namespace

TEST_CASE("majority: sign of the +-1 sum, zero to +1; 0/1 bits vote 2b - 1, ties to 1", "[tasks][majority]") {
  // k = 3: ones (bits b = 1, x = -1) 0..3 give sums 3, 1, -1, -3.
  const auto pm = sparse_majority(70, 3, 5), zo = sparse_majority(70, 3, 5, {.enc = encoding::zero_one});
  const int want_pm[] = {1, 1, -1, -1}, want_zo[] = {0, 0, 1, 1};
  for (std::size_t o = 0; o <= 3; ++o) {
    CHECK(label_with_ones(pm, o) == want_pm[o]);
    CHECK(label_with_ones(zo, o) == want_zo[o]);
  }
  // k = 4: two ones make the sum 0, which maps to +1 (and to 1 in 0/1).
  const auto pm4 = sparse_majority(20, 4, 6), zo4 = sparse_majority(20, 4, 6, {.enc = encoding::zero_one});
  const int want_pm4[] = {1, 1, 1, -1, -1}, want_zo4[] = {0, 0, 1, 1, 1};
  for (std::size_t o = 0; o <= 4; ++o) {
    CHECK(label_with_ones(pm4, o) == want_pm4[o]);
    CHECK(label_with_ones(zo4, o) == want_zo4[o]);
  }
}

TEST_CASE("threshold: +1 iff the +-1 sum >= t, default t = k - 1", "[tasks][threshold]") {
  // k = 3, sums 3, 1, -1, -3 for 0..3 ones.
  struct row {
    int t;
    int pm[4];
    int zo[4];  // votes 2b - 1 sum to -3, -1, 1, 3
  };
  for (const row r : {row{2, {1, -1, -1, -1}, {0, 0, 0, 1}},  // default: all x = +1 (0/1: all bits 1)
                      row{3, {1, -1, -1, -1}, {0, 0, 0, 1}},  // t = k: AND
                      row{1, {1, 1, -1, -1}, {0, 0, 1, 1}}, row{0, {1, 1, -1, -1}, {0, 0, 1, 1}},    // majority
                      row{-1, {1, 1, 1, -1}, {0, 1, 1, 1}}, row{-3, {1, 1, 1, 1}, {1, 1, 1, 1}}}) {  // t = -k: always
    const auto pm = sparse_threshold(40, 3, 8, {.threshold = r.t});
    const auto zo = sparse_threshold(40, 3, 8, {.enc = encoding::zero_one, .threshold = r.t});
    for (std::size_t o = 0; o <= 3; ++o) {
      INFO("t = " << r.t << ", ones = " << o);
      CHECK(label_with_ones(pm, o) == r.pm[o]);
      CHECK(label_with_ones(zo, o) == r.zo[o]);
    }
  }
  CHECK(threshold_of(sparse_threshold(40, 3, 8).spec()) == 2);
  CHECK(threshold_of(sparse_majority(40, 3, 8).spec()) == 0);
}

TEST_CASE("threshold at t = k is AND; majority is threshold at t = 0", "[tasks][threshold]") {
  for (auto enc : {encoding::plus_minus_one, encoding::zero_one}) {
    const auto th = sparse_threshold(25, 3, 4, {.enc = enc, .threshold = 3}).packed(split::train, 500);
    const auto a = sparse_threshold(25, 3, 4, {.enc = enc, .threshold = 0});
    const auto conj = sparse_and(25, 3, 4, {.enc = enc}), vote = sparse_majority(25, 3, 4, {.enc = enc});
    REQUIRE(conj.secret() != sparse_threshold(25, 3, 4).secret());  // other kind, other secret
    for (std::size_t i = 0; i < th.count; ++i) {
      // Same rule, so equal labels when applied to the AND task's secret.
      const std::int32_t y_and = conj.label_with(th.row(i), sparse_threshold(25, 3, 4).secret_mask());
      const std::int32_t want = enc == encoding::plus_minus_one ? 2 * y_and - 1 : y_and;
      REQUIRE(th.labels[i] == want);
      REQUIRE(a.label_of(th.row(i)) == vote.label_with(th.row(i), a.secret_mask()));
    }
  }
}

TEST_CASE("default threshold labels +1 on about 1 / 2^k of the inputs", "[tasks][threshold]") {
  const std::size_t m = 16000;
  const auto p = sparse_threshold(20, 3, 42).packed(split::train, m);
  std::size_t pos = 0;
  for (auto y : p.labels) pos += y == 1;
  CHECK(std::abs(double(pos) - m / 8.0) <= 5 * std::sqrt(m * (1.0 / 8) * (7.0 / 8)));
}

TEST_CASE("threshold t is validated", "[tasks][threshold]") {
  CHECK_THROWS_AS(sparse_threshold(20, 3, 1, {.threshold = 4}), std::invalid_argument);
  CHECK_THROWS_AS(sparse_threshold(20, 3, 1, {.threshold = -4}), std::invalid_argument);
  CHECK_THROWS_AS(sparse_parity(20, 3, 1, {.threshold = 1}), std::invalid_argument);
  CHECK_THROWS_AS(sparse_majority(20, 3, 1, {.threshold = 0}), std::invalid_argument);
  CHECK_NOTHROW(sparse_threshold(20, 3, 1, {.threshold = -3}));
}
