#pragma once
// The two forms of a sample set.
//
// packed_samples: row i is row_words 64-bit words of input bits (bit j of the
// row = b_j, padding bits zero, the layout of gf2::matrix), plus one int32
// label per row in the task's encoding.
// dense_samples: row-major float rows ready for an MLP (+-1 or 0/1), float labels.
//
//   auto train = task.packed(sutro::tasks::split::train, 1000);
//   bool bit = train.bit(i, j);
//   auto dense = task.dense(sutro::tasks::split::test, 500);
//   const float* row = dense.row(i);

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sutro/backend/traits.hpp"
#include "sutro/memory/accounting_allocator.hpp"
#include "sutro/memory/aligned_allocator.hpp"
#include "sutro/tasks/spec.hpp"

namespace sutro::tasks {

template <class T>
using sample_vector = std::vector<T, backend_allocator_t<scalar, T>>;

struct packed_samples {
  task_spec spec{};           ///< n, k, kind, encoding (noise: of the split that made it)
  std::size_t count = 0;      ///< rows
  std::size_t row_words = 0;  ///< (n + 63) / 64
  sample_vector<std::uint64_t> words;
  sample_vector<std::int32_t> labels;

  [[nodiscard]] const std::uint64_t* row(std::size_t i) const noexcept { return words.data() + i * row_words; }
  [[nodiscard]] std::uint64_t* row(std::size_t i) noexcept { return words.data() + i * row_words; }
  [[nodiscard]] bool bit(std::size_t i, std::size_t j) const noexcept { return (row(i)[j / 64] >> (j % 64)) & 1u; }
  /// The label as a GF(2) bit: 1 when y = -1 (+-1 encoding) or y = 1 (0/1 encoding).
  [[nodiscard]] unsigned label_bit(std::size_t i) const noexcept {
    return spec.enc == encoding::plus_minus_one ? (labels[i] < 0 ? 1u : 0u) : (labels[i] & 1u);
  }
  [[nodiscard]] std::size_t bytes() const noexcept {
    return words.size() * sizeof(std::uint64_t) + labels.size() * sizeof(std::int32_t);
  }
};

struct dense_samples {
  task_spec spec{};
  std::size_t count = 0;
  sample_vector<float> x;  ///< count x n, row-major
  sample_vector<float> y;  ///< count

  [[nodiscard]] const float* row(std::size_t i) const noexcept { return x.data() + i * spec.n; }
};

}  // namespace sutro::tasks
