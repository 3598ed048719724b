#pragma once
// The hidden subset S of a task: k distinct indices of [0, n), a pure function
// of (seed, kind, n, k) through its own Philox stream (streams.hpp), so tasks
// of another size or kind with the same seed get unrelated secrets.
//
//   sutro::tasks::task_spec spec{sutro::tasks::task_kind::parity, 20, 3};
//   auto secret = sutro::tasks::make_secret(spec, 42);   // 3 sorted distinct indices
//
// Noise rate, encoding and threshold t do not enter: tasks that differ only in
// those share the secret (and the inputs), so they compare on the same data.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "sutro/config/macros.hpp"
#include "sutro/tasks/philox.hpp"
#include "sutro/tasks/spec.hpp"
#include "sutro/tasks/streams.hpp"

namespace sutro::tasks {

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
}  // namespace detail

/// make_secret's subset as a bit mask (bit j of word j / 64), in O(k^2) time
/// and O(k) memory so that device code can draw secrets: the partial
/// Fisher-Yates is replayed from its k swaps instead of an n-entry permutation.
/// `mask` has (n + 63) / 64 words (cleared here); `scratch` 2 k words; the
/// spec must be valid (see validate).
SUTRO_HOST_DEVICE void make_secret_mask(const task_spec& spec, std::uint64_t seed, std::uint64_t* mask,
                                        std::uint32_t* scratch) {
  const std::size_t n = spec.n, k = spec.k;
  const philox4x32 rng{stream_key(seed, spec.kind, n, k, stream::secret)};
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
/// The secret mask of sparse parity (n, k) with `seed`.
SUTRO_HOST_DEVICE void make_secret_mask(std::uint64_t seed, std::size_t n, std::size_t k, std::uint64_t* mask,
                                        std::uint32_t* scratch) {
  make_secret_mask(task_spec{task_kind::parity, n, k}, seed, mask, scratch);
}

/// The task's k distinct indices of [0, n), sorted.
[[nodiscard]] inline std::vector<std::uint32_t> make_secret(const task_spec& spec, std::uint64_t seed) {
  validate(spec);
  const philox4x32 rng{stream_key(seed, spec.kind, spec.n, spec.k, stream::secret)};
  std::vector<std::uint32_t> perm(spec.n);
  for (std::size_t i = 0; i < spec.n; ++i) perm[i] = static_cast<std::uint32_t>(i);
  for (std::size_t t = 0; t < spec.k; ++t) {  // partial Fisher-Yates
    const std::size_t j = t + detail::uniform_below(rng, t, spec.n - t);
    std::swap(perm[t], perm[j]);
  }
  perm.resize(spec.k);
  std::sort(perm.begin(), perm.end());
  return perm;
}
/// The secret of sparse parity (n, k) with `seed`.
[[nodiscard]] inline std::vector<std::uint32_t> make_secret(std::uint64_t seed, std::size_t n, std::size_t k) {
  return make_secret(task_spec{task_kind::parity, n, k}, seed);
}

}  // namespace sutro::tasks
