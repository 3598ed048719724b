#pragma once
// The definition of the sparse tasks: kind, sizes, noise, encoding, and the
// secret subset drawn from the seed.
//
//   sutro::tasks::task_spec spec{sutro::tasks::task_kind::parity, 20, 3};
//   sutro::tasks::validate(spec);                              // throws on k > n, p >= 0.5, ...
//   auto secret = sutro::tasks::make_secret(42, spec.n, spec.k); // 3 sorted distinct indices
//
// Inputs are bits b in {0,1}^n (bit-packed form); the +-1 encoding is x = 1 - 2b.
//   parity: +-1: y = prod_{i in S} x_i       0/1: y = XOR_{i in S} b_i   (y01 = (1 - ypm) / 2)
//   sum:    +-1: y = sum_{i in S} x_i        0/1: y = sum_{i in S} b_i
//   and:    +-1: y = prod (x_i + 1) / 2      0/1: y = AND_{i in S} b_i   (labels in {0, 1})
// Noise (train labels only, probability p): parity and and flip the label;
// sum moves it one step (+-2 in +-1 encoding, +-1 in 0/1) up or down at random.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "sutro/config/macros.hpp"
#include "sutro/tasks/philox.hpp"

namespace sutro::tasks {

enum class task_kind { parity, sum, and_ };
enum class encoding { plus_minus_one, zero_one };

inline const char* to_string(task_kind k) noexcept {
  return k == task_kind::parity ? "sparse_parity" : k == task_kind::sum ? "sparse_sum" : "sparse_and";
}
inline const char* to_string(encoding e) noexcept {
  return e == encoding::plus_minus_one ? "pm1" : "01";
}

struct task_spec {
  task_kind kind = task_kind::parity;
  std::size_t n = 20;
  std::size_t k = 3;
  double noise = 0.0;  ///< probability of a corrupted train label, in [0, 0.5)
  encoding enc = encoding::plus_minus_one;
};

/// Throws std::invalid_argument naming the offending values.
inline void validate(const task_spec& s) {
  const std::string where = std::string("sutro::tasks::") + to_string(s.kind) + "(n=" +
                            std::to_string(s.n) + ", k=" + std::to_string(s.k) + ", p=" +
                            std::to_string(s.noise) + "): ";
  if (s.n == 0) throw std::invalid_argument(where + "n must be positive");
  if (s.k == 0) throw std::invalid_argument(where + "k must be positive");
  if (s.k > s.n) throw std::invalid_argument(where + "k must not exceed n");
  if (s.n > (std::size_t{1} << 24))
    throw std::invalid_argument(where + "n above 2^24 is not supported");
  if (!(s.noise >= 0.0 && s.noise < 0.5))
    throw std::invalid_argument(where + "noise rate p must be in [0, 0.5)");
}

namespace detail {
inline constexpr std::uint32_t purpose_sample = 0;
inline constexpr std::uint32_t purpose_secret = 1;

/// Uniform integer in [0, bound) without bias (Lemire's multiply with rejection).
SUTRO_HOST_DEVICE std::uint64_t uniform_below(const philox4x32& rng, std::uint64_t index, std::uint64_t bound) {
  for (std::uint32_t attempt = 0;; ++attempt) {
    std::uint64_t w[2];
    rng.words(index, purpose_secret, attempt, w[0], w[1]);
    for (int h = 0; h < 2; ++h) {
      const std::uint64_t x = w[h] >> 32;  // 32 bits suffice: bound <= 2^24
      const std::uint64_t m = x * bound;
      const std::uint64_t low = m & 0xffffffffu;
      if (low >= (0x100000000ull % bound)) return m >> 32;
    }
  }
}
} // namespace detail

/// make_secret's subset as a bit mask (bit j of word j / 64), in O(k^2) time
/// and O(k) memory so that device code can draw secrets: the partial
/// Fisher-Yates is replayed from its k swaps instead of an n-entry permutation.
/// `mask` has (n + 63) / 64 words (cleared here); `scratch` 2 k words; n, k
/// must be valid (see validate).
SUTRO_HOST_DEVICE void make_secret_mask(std::uint64_t seed, std::size_t n, std::size_t k,
                                        std::uint64_t* mask, std::uint32_t* scratch) {
  const philox4x32 rng{seed};
  std::uint32_t* target = scratch;     // step s swapped positions s and target[s]
  std::uint32_t* moved = scratch + k;  // the value position s held before step s
  for (std::size_t w = 0; w < (n + 63) / 64; ++w) mask[w] = 0;
  // The value at position p >= t after steps [0, t): the last swap into p, or p.
  const auto value_at = [&](std::uint32_t p, std::size_t t) {
    for (std::size_t s = t; s-- > 0;)
      if (target[s] == p) return moved[s];
    return p;
  };
  for (std::size_t t = 0; t < k; ++t) {
    const auto j = static_cast<std::uint32_t>(t + detail::uniform_below(rng, t, n - t));
    const std::uint32_t chosen = value_at(j, t);
    moved[t] = value_at(static_cast<std::uint32_t>(t), t);
    target[t] = j;
    mask[chosen / 64] |= std::uint64_t{1} << (chosen % 64);
  }
}

/// k distinct indices of [0, n), sorted, a pure function of (seed, n, k).
inline std::vector<std::uint32_t> make_secret(std::uint64_t seed, std::size_t n, std::size_t k) {
  validate(task_spec{task_kind::parity, n, k});
  const philox4x32 rng{seed};
  std::vector<std::uint32_t> perm(n);
  for (std::size_t i = 0; i < n; ++i) perm[i] = static_cast<std::uint32_t>(i);
  for (std::size_t t = 0; t < k; ++t) {  // partial Fisher-Yates
    const std::size_t j = t + detail::uniform_below(rng, t, n - t);
    std::swap(perm[t], perm[j]);
  }
  perm.resize(k);
  std::sort(perm.begin(), perm.end());
  return perm;
}

} // namespace sutro::tasks
