// The query oracle: labels as the task defines them, every query counted,
// inputs checked, noise fresh per query and replayable.
#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/tasks/query.hpp"

using namespace sutro::tasks;

TEST_CASE("oracle: the task's labels, each query counted", "[query]") {
  for (auto kind : {task_kind::parity, task_kind::sum, task_kind::and_, task_kind::majority, task_kind::threshold})
    for (auto enc : {encoding::plus_minus_one, encoding::zero_one})
      for (std::size_t n : {5u, 64u, 70u}) {
        const auto task = make_task(kind, n, 3, 17, {.enc = enc});
        query_oracle oracle(task);
        const auto rows = task.packed(split::train, 40);
        const auto dense = task.dense(split::train, 40);
        for (std::size_t i = 0; i < rows.count; ++i) {
          REQUIRE(oracle.label(std::span<const std::uint64_t>(rows.row(i), rows.row_words)) == rows.labels[i]);
          REQUIRE(oracle.label(std::span<const float>(dense.row(i), n)) == rows.labels[i]);
        }
        CHECK(oracle.queries() == 80);
      }
}

TEST_CASE("oracle: hand-made queries on sparse parity", "[query]") {
  const auto task = sparse_parity(8, 3, 1);
  const auto& s = task.secret();
  query_oracle oracle(task);
  std::vector<std::uint64_t> row(1, 0);
  CHECK(oracle.label(row) == 1);  // all x = +1
  row[0] = std::uint64_t{1} << s[0];
  CHECK(oracle.label(row) == -1);  // one secret bit set
  row[0] |= std::uint64_t{1} << s[1];
  CHECK(oracle.label(row) == 1);
  std::vector<float> x(8, 1.0f);
  x[s[2]] = -1.0f;
  CHECK(oracle.label(x) == -1);
  CHECK(oracle.queries() == 4);
}

TEST_CASE("oracle: malformed queries and a spent budget throw", "[query]") {
  query_oracle oracle(sparse_parity(70, 3, 1), {.budget = 2});
  CHECK_THROWS_AS(oracle.label(std::vector<std::uint64_t>(1, 0)), std::invalid_argument);  // 1 word for n = 70
  CHECK_THROWS_AS(oracle.label(std::vector<std::uint64_t>{0, std::uint64_t{1} << 6}), std::invalid_argument);  // bit 70
  CHECK_THROWS_AS(oracle.label(std::vector<float>(70, 0.0f)), std::invalid_argument);  // 0 is not +-1
  CHECK_THROWS_AS(oracle.label(std::vector<float>(69, 1.0f)), std::invalid_argument);
  CHECK(oracle.queries() == 0);  // refused queries are not counted
  (void)oracle.label(std::vector<std::uint64_t>(2, 0));
  (void)oracle.label(std::vector<float>(70, 1.0f));
  try {
    (void)oracle.label(std::vector<std::uint64_t>(2, 0));
    FAIL("no throw past the budget");
  } catch (const std::length_error& e) {
    CHECK(std::string(e.what()).find("sutro::tasks::query_oracle::label") != std::string::npos);
  }
  CHECK(oracle.queries() == 2);
}

TEST_CASE("oracle: noise at rate p, fresh for each query, replayed by a new oracle", "[query]") {
  const double p = 0.2;
  const auto task = sparse_parity(30, 3, 5, {.noise = p});
  query_oracle a(task), b(task);
  const std::vector<std::uint64_t> row(1, 0);  // clean label +1
  const std::size_t m = 20000;
  std::size_t flipped = 0, repeat_differs = 0;
  std::int32_t previous = 1;
  for (std::size_t q = 0; q < m; ++q) {
    const std::int32_t y = a.label(row);
    REQUIRE(b.label(row) == y);
    flipped += y == -1;
    repeat_differs += y != previous;
    previous = y;
  }
  CHECK(std::abs(double(flipped) - m * p) <= 5 * std::sqrt(m * p * (1 - p)));
  const double q2 = 2 * p * (1 - p);  // consecutive answers to one input differ
  CHECK(std::abs(double(repeat_differs) - m * q2) <= 5 * std::sqrt(m * q2 * (1 - q2)) + 1);
}
