// Tasks of different (kind, n, k) drawn with the same seed are independent:
// no nested secrets, no shared input prefixes, no shared noise flips. Each
// check compares a count with its expectation under independence (5 sigma),
// so a shared stream fails it: nested secrets give 100% containment, prefix
// inputs 100% agreement, equal noise p instead of p^2 joint flips.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/tasks/batch.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro::tasks;

namespace {
std::size_t overlap(const std::vector<std::uint32_t>& a, const std::vector<std::uint32_t>& b) {
  std::size_t c = 0;
  for (auto i : a) c += static_cast<std::size_t>(std::count(b.begin(), b.end(), i));
  return c;
}
bool within(double observed, double mean, double variance) {
  return std::abs(observed - mean) <= 5 * std::sqrt(variance) + 1e-9;
}
}  // namespace

TEST_CASE("same seed, different k: secrets are not nested", "[tasks][streams]") {
  // |S3 ∩ S5| over [0, 20) is hypergeometric: mean 3 * 5 / 20, variance 3 (5/20)(15/20)(17/19).
  const int seeds = 3000;
  double sum = 0;
  int contained = 0;
  for (int s = 0; s < seeds; ++s) {
    const auto a = make_secret(task_spec{task_kind::parity, 20, 3}, std::uint64_t(s));
    const auto b = make_secret(task_spec{task_kind::parity, 20, 5}, std::uint64_t(s));
    const auto o = overlap(a, b);
    sum += double(o);
    contained += o == 3;
  }
  const double mean = 3.0 * 5 / 20, var = 3.0 * 0.25 * 0.75 * 17 / 19;
  INFO("mean overlap " << sum / seeds << ", S3 inside S5 for " << contained << " seeds");
  CHECK(within(sum, seeds * mean, seeds * var));
  // P(S3 ⊂ S5) = C(17, 2) / C(20, 5) = 136 / 15504.
  const double pc = 136.0 / 15504;
  CHECK(within(contained, seeds * pc, seeds * pc * (1 - pc)));
}

TEST_CASE("same seed, different n or kind: secrets unrelated", "[tasks][streams]") {
  const int seeds = 3000;
  double n_overlap = 0;
  int same_kind_pair = 0;
  for (int s = 0; s < seeds; ++s) {
    const auto a = make_secret(task_spec{task_kind::parity, 20, 3}, std::uint64_t(s));
    const auto b = make_secret(task_spec{task_kind::parity, 50, 3}, std::uint64_t(s));
    n_overlap += double(overlap(a, b));
    same_kind_pair += make_secret(task_spec{task_kind::sum, 20, 3}, std::uint64_t(s)) == a;
  }
  // E|S(20,3) ∩ S(50,3)| = 20 * (3/20) * (3/50); a sum of weakly dependent indicators.
  const double mean = 20 * (3.0 / 20) * (3.0 / 50);
  CHECK(within(n_overlap, seeds * mean, seeds * mean));
  // The parity and sum secrets of one seed agree with probability 1 / C(20, 3).
  CHECK(same_kind_pair <= 15);
}

TEST_CASE("same seed, different (n, k) or kind: inputs are not prefixes of each other", "[tasks][streams]") {
  const std::size_t m = 2000;
  const auto base = sparse_parity(20, 3, 42).packed(split::train, m);
  struct other {
    task_kind kind;
    std::size_t n, k;
  };
  for (const other o :
       {other{task_kind::parity, 50, 3}, other{task_kind::parity, 20, 5}, other{task_kind::parity, 100, 3},
        other{task_kind::sum, 20, 3}, other{task_kind::majority, 20, 3}, other{task_kind::threshold, 20, 3}}) {
    for (auto which : {split::train, split::test}) {
      const auto p = make_task(o.kind, o.n, o.k, 42).packed(which, m);
      std::size_t agree = 0;
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t j = 0; j < 20; ++j) agree += p.bit(i, j) == base.bit(i, j);
      const double bits = double(m) * 20;
      INFO(to_string(o.kind) << " (" << o.n << "," << o.k << "): " << agree << " of " << bits << " bits agree");
      CHECK(within(double(agree), bits / 2, bits / 4));
    }
  }
  // And within one task, the test split shares nothing with the train split.
  const auto test = sparse_parity(20, 3, 42).packed(split::test, m);
  std::size_t agree = 0;
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < 20; ++j) agree += test.bit(i, j) == base.bit(i, j);
  CHECK(within(double(agree), m * 10.0, m * 5.0));
}

TEST_CASE("same seed, different (n, k): noise flips are independent", "[tasks][streams]") {
  const double p = 0.2;
  const std::size_t m = 20000;
  const auto flips = [&](std::size_t n, std::size_t k) {
    const auto noisy = sparse_parity(n, k, 42, {.noise = p}).packed(split::train, m);
    const auto clean = sparse_parity(n, k, 42).packed(split::train, m);
    std::vector<bool> f(m);
    for (std::size_t i = 0; i < m; ++i) f[i] = noisy.labels[i] != clean.labels[i];
    return f;
  };
  const auto a = flips(20, 3), b = flips(50, 3), c = flips(20, 5);
  std::size_t ab = 0, ac = 0;
  for (std::size_t i = 0; i < m; ++i) {
    ab += a[i] && b[i];
    ac += a[i] && c[i];
  }
  // Independent flips coincide on p^2 of the rows; shared ones on p.
  INFO("rows flipped in both: " << ab << " and " << ac << " of " << m);
  CHECK(within(double(ab), m * p * p, m * p * p * (1 - p * p)));
  CHECK(within(double(ac), m * p * p, m * p * p * (1 - p * p)));
}

TEST_CASE("noise rate, encoding and t leave the secret and the inputs alone", "[tasks][streams]") {
  const auto a = sparse_threshold(30, 4, 9), b = sparse_threshold(30, 4, 9, {.noise = 0.1, .threshold = 0});
  CHECK(a.secret() == b.secret());
  CHECK(a.packed(split::train, 50).words == b.packed(split::train, 50).words);
  CHECK(sparse_parity(30, 4, 9).secret() == sparse_parity(30, 4, 9, {.enc = encoding::zero_one}).secret());
  // The (seed, n, k) shorthand is the parity task's secret.
  CHECK(make_secret(9, 30, 4) == sparse_parity(30, 4, 9).secret());
}

TEST_CASE("generate_batch refuses test_seed_offset = 0", "[tasks][streams]") {
  const std::vector<std::uint64_t> seeds = {1, 2};
  CHECK_THROWS_AS(generate_batch(sutro::scalar{}, task_spec{}, seeds, split::test, 4, 0, {.test_seed_offset = 0}),
                  std::invalid_argument);
}
