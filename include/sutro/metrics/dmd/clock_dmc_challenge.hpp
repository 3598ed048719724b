#pragma once
// The sparse-parity challenge's evaluator (bin/evaluate) around clock_dmc:
// the same data for seeds 42, 123, 456 (numpy's legacy RandomState, drawn
// here bit for bit), the same buffers written before the solver runs, the
// same rounding. A C++ solver receives the tracker and prices its own
// reads and writes of named buffers, as a submission's TrackedArray does.
//
//   auto r = sutro::metrics::dmd::evaluate_sparse_parity_challenge(
//       [](sutro::metrics::dmd::clock_dmc& t, const sutro::metrics::dmd::challenge_data& d) {
//         t.read(d.x_buffer, 22 * d.n_bits);   // x[:22]
//         ...                                  // untracked work, as in Python
//         return std::vector<int>{...};        // the secret's indices
//       });
//   r.dmc;      // mean over the seeds of round(dmc, 1), rounded to 0.1
//   r.passed;   // mean test accuracy >= 0.95

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "sutro/metrics/dmd/clock_dmc.hpp"

namespace sutro::metrics::dmd {

/// One seed's data as generate_data(n_bits, k, n_samples, seed) draws it:
/// x row-major in {-1, +1}, y the product over the secret, secret sorted.
struct challenge_split {
  std::vector<double> x, y;
  std::vector<int> secret;
};

/// np.prod(x[:, secret], axis=1). x holds whole rows of n_bits >= 1 values
/// and every index is a column (0 <= c < n_bits), or std::invalid_argument.
[[nodiscard]] inline std::vector<double> challenge_labels(const std::vector<double>& x, int n_bits,
                                                          const std::vector<int>& secret) {
  constexpr const char* fn = "sutro::metrics::dmd::challenge_labels: ";
  if (n_bits < 1) throw std::invalid_argument(std::string(fn) + "n_bits " + std::to_string(n_bits) + " is below 1");
  if (x.size() % static_cast<std::size_t>(n_bits) != 0)
    throw std::invalid_argument(std::string(fn) + std::to_string(x.size()) + " values are not whole rows of n_bits " +
                                std::to_string(n_bits));
  for (int c : secret)
    if (c < 0 || c >= n_bits)
      throw std::invalid_argument(std::string(fn) + "index " + std::to_string(c) + " is out of range for n_bits " +
                                  std::to_string(n_bits));
  std::vector<double> y(x.size() / static_cast<std::size_t>(n_bits), 1.0);
  for (std::size_t r = 0; r < y.size(); ++r)
    for (int c : secret) y[r] *= x[r * static_cast<std::size_t>(n_bits) + static_cast<std::size_t>(c)];
  return y;
}

/// numpy.random.RandomState(seed): secret = sorted(choice(n, k, replace=False)),
/// then x = choice([-1.0, 1.0], size=(n_samples, n)).
[[nodiscard]] inline challenge_split challenge_generate(std::uint32_t seed, int n_bits, int k, int n_samples) {
  if (n_bits < 1 || k < 1 || k > n_bits || n_samples < 0)
    throw std::invalid_argument(std::string("sutro::metrics::dmd::challenge_generate: need 1 <= k <= n_bits and ") +
                                "n_samples >= 0, got k " + std::to_string(k) + ", n_bits " + std::to_string(n_bits) +
                                ", n_samples " + std::to_string(n_samples));
  std::mt19937 mt(seed);  // init_genrand(seed), as RandomState seeds from an int
  std::vector<int> perm(static_cast<std::size_t>(n_bits));
  for (int i = 0; i < n_bits; ++i) perm[static_cast<std::size_t>(i)] = i;
  for (int i = n_bits - 1; i >= 1; --i) {  // legacy shuffle: random_interval(i) by masked rejection
    std::uint32_t mask = static_cast<std::uint32_t>(i);
    for (int s = 1; s < 32; s <<= 1) mask |= mask >> s;
    std::uint32_t j;
    while ((j = static_cast<std::uint32_t>(mt()) & mask) > static_cast<std::uint32_t>(i)) {
    }
    std::swap(perm[static_cast<std::size_t>(i)], perm[j]);
  }
  challenge_split d;
  d.secret.assign(perm.begin(), perm.begin() + k);
  std::sort(d.secret.begin(), d.secret.end());
  const auto cells = static_cast<std::size_t>(n_samples) * static_cast<std::size_t>(n_bits);
  d.x.resize(cells);
  for (auto& v : d.x) v = (mt() & 1) ? 1.0 : -1.0;  // randint(0, 2): one masked 32-bit draw each
  d.y = challenge_labels(d.x, n_bits, d.secret);
  return d;
}

/// What a solver sees: the training data and the ids of the two buffers
/// the evaluator wrote ("x_train", then "y_train").
struct challenge_data {
  int n_bits = 20, k_sparse = 3, n_samples = 500;
  const std::vector<double>& x;
  const std::vector<double>& y;
  clock_dmc::buffer_id x_buffer, y_buffer;
};

struct challenge_seed_result {
  std::uint32_t seed = 0;
  std::vector<int> found, secret;
  double accuracy = 0, dmc = 0;  // dmc rounded to 0.1, as stored per seed
  std::uint64_t reads = 0, writes = 0;
};
struct challenge_result {
  std::vector<challenge_seed_result> seeds;
  double accuracy = 0, dmc = 0;  // means; dmc rounded to 0.1 as on the leaderboard
  bool passed = false;
};

/// Python's round(x, 1): correctly rounded to one decimal.
[[nodiscard]] inline double python_round1(double x) {
  // %.1f of the largest double: sign, 309 digits, ".0" and the terminator.
  char buf[std::numeric_limits<double>::max_exponent10 + 6];
  std::snprintf(buf, sizeof buf, "%.1f", x);
  return std::strtod(buf, nullptr);
}

/// bin/evaluate's evaluate_submission and summary, for n = 20, k = 3, 500
/// train and 500 test samples (test from seed + 1000), seeds 42, 123, 456.
/// solve(clock_dmc&, const challenge_data&) returns the secret's indices.
template <class Solve>
[[nodiscard]] challenge_result evaluate_sparse_parity_challenge(Solve&& solve, int n_bits = 20, int k_sparse = 3,
                                                                std::vector<std::uint32_t> seeds = {42, 123, 456}) {
  constexpr int n_train = 500, n_test = 500;
  constexpr const char* fn = "sutro::metrics::dmd::evaluate_sparse_parity_challenge: ";
  // Checked before any solver runs. numpy's RandomState refuses seeds of
  // 2^32 or more, so a test seed that would wrap is refused, not reused.
  if (seeds.empty()) throw std::invalid_argument(std::string(fn) + "no seeds (the means would be NaN)");
  for (const auto seed : seeds)
    if (seed > std::numeric_limits<std::uint32_t>::max() - 1000)
      throw std::invalid_argument(std::string(fn) + "seed " + std::to_string(seed) +
                                  ": its test seed, seed + 1000, does not fit in 32 bits");
  challenge_result out;
  for (const auto seed : seeds) {
    const auto train = challenge_generate(seed, n_bits, k_sparse, n_train);
    const auto test = challenge_generate(seed + 1000, n_bits, k_sparse, n_test);
    clock_dmc t;
    const auto xb = t.buffer("x_train");
    t.write(xb, train.x.size());
    const auto yb = t.buffer("y_train");
    t.write(yb, train.y.size());
    challenge_seed_result r;
    r.seed = seed;
    r.secret = train.secret;
    r.found = solve(t, challenge_data{n_bits, k_sparse, n_train, train.x, train.y, xb, yb});
    std::sort(r.found.begin(), r.found.end());
    for (int c : r.found)
      if (c < 0 || c >= n_bits)
        throw std::out_of_range(std::string(fn) + "index " + std::to_string(c) + " is out of range for n_bits " +
                                std::to_string(n_bits));
    if (!r.found.empty()) {
      const auto pred = challenge_labels(test.x, n_bits, r.found);
      const auto want = challenge_labels(test.x, n_bits, train.secret);
      std::size_t right = 0;
      for (std::size_t i = 0; i < pred.size(); ++i) right += pred[i] == want[i];
      r.accuracy = static_cast<double>(right) / static_cast<double>(pred.size());
    }
    r.dmc = python_round1(t.dmc());
    r.reads = t.reads();
    r.writes = t.writes();
    out.seeds.push_back(std::move(r));
  }
  double acc = 0, dmc = 0;
  for (const auto& r : out.seeds) acc += r.accuracy, dmc += r.dmc;  // numpy's mean: left to right, then divide
  const auto n = static_cast<double>(out.seeds.size());
  out.accuracy = acc / n;
  out.dmc = python_round1(dmc / n);
  out.passed = out.accuracy >= 0.95;
  return out;
}

}  // namespace sutro::metrics::dmd
