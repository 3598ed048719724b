#pragma once
// Small in-memory sparse parity / sparse sum sets for nn tests and examples
// (sutro::tasks is the full generator; this keeps nn free of it).
//
//   auto d = sutro::nn::toy_sparse_parity<float>(20, 3, 1000, /*seed*/ 42);
//   sutro::nn::dataset_view<float> view = d.view();   // 1000 rows x 20, labels +-1
//
// Inputs uniform +-1 from std::mt19937_64(seed); the secret subset comes from
// `secret_seed` so that train and test sets share it; label = product (parity)
// or sum over the subset.

#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "sutro/nn/dataset.hpp"
#include "sutro/nn/random.hpp"

namespace sutro::nn {

template <class T>
struct toy_data {
  std::vector<T> x, y;
  std::size_t features = 0;
  std::vector<std::size_t> secret;
  [[nodiscard]] dataset_view<T> view() const { return {x, y, features}; }
};

inline std::vector<std::size_t> toy_secret(std::size_t n, std::size_t k, std::uint64_t secret_seed) {
  if (k > n) throw std::invalid_argument("toy_secret: k = " + std::to_string(k) + " > n = " + std::to_string(n));
  std::mt19937_64 rng(secret_seed);
  std::vector<std::size_t> all(n);
  for (std::size_t i = 0; i < n; ++i) all[i] = i;
  for (std::size_t j = 0; j < k; ++j) std::swap(all[j], all[j + uniform_index(rng, n - j)]);
  all.resize(k);
  return all;
}

/// product == true: parity (+-1 labels); false: sum over the subset.
template <class T>
toy_data<T> toy_sparse(std::size_t n, std::size_t k, std::size_t rows, std::uint64_t seed,
                       std::uint64_t secret_seed, bool product) {
  toy_data<T> d;
  d.features = n;
  d.secret = toy_secret(n, k, secret_seed);
  d.x.resize(rows * n);
  d.y.resize(rows);
  std::mt19937_64 rng(seed);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t i = 0; i < n; ++i) d.x[r * n + i] = (rng() >> 63) ? T(1) : T(-1);
    T acc = product ? T(1) : T(0);
    for (std::size_t s : d.secret) acc = product ? acc * d.x[r * n + s] : acc + d.x[r * n + s];
    d.y[r] = acc;
  }
  return d;
}

template <class T>
toy_data<T> toy_sparse_parity(std::size_t n, std::size_t k, std::size_t rows, std::uint64_t seed,
                              std::uint64_t secret_seed = 0) {
  return toy_sparse<T>(n, k, rows, seed, secret_seed, true);
}

template <class T>
toy_data<T> toy_sparse_sum(std::size_t n, std::size_t k, std::size_t rows, std::uint64_t seed,
                           std::uint64_t secret_seed = 0) {
  return toy_sparse<T>(n, k, rows, seed, secret_seed, false);
}

} // namespace sutro::nn
