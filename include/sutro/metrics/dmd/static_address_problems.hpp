#pragma once
// The sutro-problems challenge's scorers over the static-address model
// (static_address.hpp): each checks a program's outputs on the problem's
// test data, then returns its static cost, as the challenge's score_*
// functions do.
//
//   sutro::metrics::dmd::score_matmul("1,2;mul 3,1,2;3", 1);      // 5 (matmul.score_1x1)
//   sutro::metrics::dmd::score_symmetry(my_program_text, 6);       // symmetry.score_six
//   sutro::metrics::dmd::score_sparse_parity(text, sutro::metrics::dmd::sparse_parity_medium);
//
// Matmul and symmetry use the challenge's own deterministic data. Sparse
// parity draws its hidden instances from 256-bit system-random seeds
// through Python's Random, which nothing can replay; sutro checks on its
// own seeded instances of the same shape, covering every secret subset
// when there are enough instances. The cost does not depend on the data.

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sutro/metrics/dmd/static_address.hpp"

namespace sutro::metrics::dmd {

/// C = A B on the challenge's data: A[i][j] = i n + j + 1, B[i][j] = i + 2 j + 3;
/// inputs are A then B, row-major; outputs C row-major.
struct static_instance {
  std::vector<std::int64_t> inputs, expected;
};

[[nodiscard]] inline static_instance matmul_instance(std::size_t n) {
  static_instance t;
  const auto N = static_cast<std::int64_t>(n);
  for (std::int64_t i = 0; i < N; ++i)
    for (std::int64_t j = 0; j < N; ++j) t.inputs.push_back(i * N + j + 1);
  for (std::int64_t i = 0; i < N; ++i)
    for (std::int64_t j = 0; j < N; ++j) t.inputs.push_back(i + 2 * j + 3);
  for (std::int64_t i = 0; i < N; ++i)
    for (std::int64_t j = 0; j < N; ++j) {
      std::int64_t s = 0;
      for (std::int64_t k = 0; k < N; ++k) s += (i * N + k + 1) * (k + 2 * j + 3);
      t.expected.push_back(s);
    }
  return t;
}

namespace detail::static_ir {
inline void check_outputs(const char* fn, const std::vector<std::int64_t>& got, const std::vector<std::int64_t>& want,
                          const std::string& where) {
  if (got.size() != want.size())
    throw std::invalid_argument(std::string("sutro::metrics::dmd::") + fn + ": " + std::to_string(got.size()) +
                                " outputs, expected " + std::to_string(want.size()) + where);
  for (std::size_t i = 0; i < got.size(); ++i)
    if (got[i] != want[i])
      throw std::invalid_argument(std::string("sutro::metrics::dmd::") + fn + ": output " + std::to_string(i) + " is " +
                                  std::to_string(got[i]) + ", expected " + std::to_string(want[i]) + where);
}
}  // namespace detail::static_ir

/// matmul.score_{1x1,4x4,16x16}: a v0 program computing the n x n product.
[[nodiscard]] inline std::uint64_t score_matmul(std::string_view text, std::size_t n) {
  const auto p = parse_static(text, ir_dialect::v0);
  const auto t = matmul_instance(n);
  detail::static_ir::check_outputs("score_matmul", run_static(p, t.inputs), t.expected, "");
  return p.cost;
}

/// symmetry.score: a v3 program with n_bits inputs (0 or 1) and one output,
/// 1 iff the pattern is a palindrome, checked on all 2^n_bits patterns.
[[nodiscard]] inline std::uint64_t score_symmetry(std::string_view text, std::size_t n_bits) {
  const auto p = parse_static(text, ir_dialect::v3);
  if (n_bits > 24) throw std::invalid_argument("sutro::metrics::dmd::score_symmetry: n_bits above 24");
  if (p.input_slots.size() != n_bits)
    throw std::invalid_argument("sutro::metrics::dmd::score_symmetry: the program declares " +
                                std::to_string(p.input_slots.size()) + " inputs; expected " + std::to_string(n_bits));
  std::vector<std::int64_t> x(n_bits);
  for (std::uint64_t code = 0; code < (std::uint64_t{1} << n_bits); ++code) {
    bool palindrome = true;
    for (std::size_t i = 0; i < n_bits; ++i) x[i] = static_cast<std::int64_t>((code >> i) & 1);
    for (std::size_t i = 0; i < n_bits / 2; ++i) palindrome = palindrome && x[i] == x[n_bits - 1 - i];
    detail::static_ir::check_outputs("score_symmetry", run_static(p, x), {palindrome ? 1 : 0},
                                     " (pattern " + std::to_string(code) + ")");
  }
  return p.cost;
}

/// The challenge's sparse-parity shapes: n bits, k secret, train and test rows.
/// score_sparse_parity needs m_train >= n_bits (unless k_secret = n_bits,
/// one subset, which needs no rows) and m_test >= 1: with fewer train rows
/// the draw may never single out the secret (with none it never does),
/// while n_bits rows span every bit with probability above 0.28, so each
/// instance takes a few draws.
struct sparse_parity_spec {
  std::size_t n_bits, k_secret, m_train, m_test;
};
inline constexpr sparse_parity_spec sparse_parity_small{3, 2, 4, 32};
inline constexpr sparse_parity_spec sparse_parity_medium{8, 3, 8, 64};

/// One instance: train rows drawn until exactly one k-subset explains every
/// label (as the challenge does); inputs are X_train, y_train, X_test
/// (row-major 0/1), expected the test labels (XOR over the secret).
[[nodiscard]] inline static_instance sparse_parity_instance(const sparse_parity_spec& s, std::uint64_t secret_mask,
                                                            std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto row = [&] { return rng() & ((std::uint64_t{1} << s.n_bits) - 1); };
  auto parity = [](std::uint64_t r, std::uint64_t m) {
    return static_cast<std::int64_t>(__builtin_popcountll(r & m) & 1);
  };
  std::vector<std::uint64_t> train(s.m_train);
  for (;;) {
    for (auto& r : train) r = row();
    std::size_t matches = 0;
    for (std::uint64_t m = 0; m < (std::uint64_t{1} << s.n_bits) && matches < 2; ++m) {
      if (static_cast<std::size_t>(__builtin_popcountll(m)) != s.k_secret) continue;
      bool all = true;
      for (auto r : train) all = all && parity(r, m) == parity(r, secret_mask);
      matches += all;
    }
    if (matches == 1) break;
  }
  static_instance t;
  auto bits = [&](std::uint64_t r) {
    for (std::size_t c = 0; c < s.n_bits; ++c) t.inputs.push_back(static_cast<std::int64_t>((r >> c) & 1));
  };
  for (auto r : train) bits(r);
  for (auto r : train) t.inputs.push_back(parity(r, secret_mask));
  for (std::size_t j = 0; j < s.m_test; ++j) {
    const auto r = row();
    bits(r);
    t.expected.push_back(parity(r, secret_mask));
  }
  return t;
}

/// sparse_parity.score_{small,medium,medium_approx50}: a v3 program that
/// labels the test rows; at least `threshold` of them right on each of
/// `instances` instances (secret subsets in a seeded random order, each
/// used once before any repeats). instances >= 1 and 0 < threshold <= 1, so
/// that a program is scored only after its labels are checked. Returns the
/// static cost.
[[nodiscard]] inline std::uint64_t score_sparse_parity(std::string_view text, const sparse_parity_spec& s,
                                                       std::size_t instances = 64, std::uint64_t seed = 1,
                                                       double threshold = 1.0) {
  constexpr const char* fn = "score_sparse_parity";
  if (s.n_bits == 0 || s.n_bits > 16 || s.k_secret == 0 || s.k_secret > s.n_bits)
    throw std::invalid_argument(std::string("sutro::metrics::dmd::score_sparse_parity: n_bits must be 1..16 and ") +
                                "k_secret 1..n_bits, got n_bits " + std::to_string(s.n_bits) + ", k_secret " +
                                std::to_string(s.k_secret));
  if (s.m_train < s.n_bits && s.k_secret < s.n_bits)
    throw std::invalid_argument("sutro::metrics::dmd::score_sparse_parity: m_train " + std::to_string(s.m_train) +
                                " is below n_bits " + std::to_string(s.n_bits) +
                                ": the train rows may never single out the secret");
  if (s.m_test == 0)
    throw std::invalid_argument("sutro::metrics::dmd::score_sparse_parity: m_test 0 leaves no labels to check");
  if (instances == 0)
    throw std::invalid_argument("sutro::metrics::dmd::score_sparse_parity: instances 0 leaves no labels to check");
  if (!(threshold > 0.0 && threshold <= 1.0)) {  // also NaN
    char buf[32];
    const auto end = std::to_chars(buf, buf + sizeof buf, threshold).ptr;
    throw std::invalid_argument("sutro::metrics::dmd::score_sparse_parity: threshold " + std::string(buf, end) +
                                " is outside (0, 1]");
  }
  const auto p = parse_static(text, ir_dialect::v3);
  const std::size_t n_inputs = s.n_bits * s.m_train + s.m_train + s.n_bits * s.m_test;
  if (p.input_slots.size() != n_inputs)
    throw std::invalid_argument("sutro::metrics::dmd::score_sparse_parity: the program declares " +
                                std::to_string(p.input_slots.size()) + " inputs; expected " + std::to_string(n_inputs));
  std::vector<std::uint64_t> secrets;
  for (std::uint64_t m = 0; m < (std::uint64_t{1} << s.n_bits); ++m)
    if (static_cast<std::size_t>(__builtin_popcountll(m)) == s.k_secret) secrets.push_back(m);
  std::mt19937_64 order(seed);
  std::shuffle(secrets.begin(), secrets.end(), order);
  for (std::size_t i = 0; i < instances; ++i) {
    const auto t = sparse_parity_instance(s, secrets[i % secrets.size()], seed * 1'000'003 + i);
    const auto got = run_static(p, t.inputs);
    const std::string where = " (instance " + std::to_string(i) + ")";
    if (threshold >= 1.0) {
      detail::static_ir::check_outputs(fn, got, t.expected, where);
      continue;
    }
    if (got.size() != t.expected.size()) detail::static_ir::check_outputs(fn, got, t.expected, where);
    std::size_t right = 0;
    for (std::size_t j = 0; j < got.size(); ++j) right += got[j] == t.expected[j];
    if (static_cast<double>(right) / static_cast<double>(got.size()) < threshold)
      throw std::invalid_argument("sutro::metrics::dmd::score_sparse_parity: " + std::to_string(right) + " of " +
                                  std::to_string(got.size()) + " test labels right" + where);
  }
  return p.cost;
}

}  // namespace sutro::metrics::dmd
