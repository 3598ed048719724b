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
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
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

/// Throws std::invalid_argument ("<who>: ...", naming the values) unless `p`
/// is a well-formed sample set: a valid spec (tasks::validate), row_words ==
/// ceil(n / 64), words and labels holding `count` rows, and no bit set at or
/// above n. Every word loop over samples relies on these; sets built by hand
/// reach the converters and the solvers through this check.
inline void check_layout(const packed_samples& p, const char* who) {
  const auto fail = [who](const std::string& what) { throw std::invalid_argument(std::string(who) + ": " + what); };
  // tasks::validate formats its message up front and costs about as much as a
  // small GF(2) solve, so each thread remembers the bytes of the last spec that
  // passed. Equal bytes mean equal values (a NaN noise never passes), so a hit
  // is never a wrong skip.
  static_assert(std::is_trivially_copyable_v<task_spec>);
  thread_local unsigned char last_valid[sizeof(task_spec)] = {};
  thread_local bool have_valid = false;
  if (!have_valid || std::memcmp(last_valid, &p.spec, sizeof p.spec) != 0) {
    try {
      validate(p.spec);
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
    std::memcpy(last_valid, &p.spec, sizeof p.spec);
    have_valid = true;
  }
  const std::size_t n = p.spec.n, rw = (n + 63) / 64;
  if (p.row_words != rw)
    fail("row_words = " + std::to_string(p.row_words) + " but n = " + std::to_string(n) + " needs " +
         std::to_string(rw));
  if (p.count > p.words.size() / rw || p.count > p.labels.size())
    fail("count = " + std::to_string(p.count) + " rows but " + std::to_string(p.words.size()) + " words (" +
         std::to_string(rw) + " a row) and " + std::to_string(p.labels.size()) + " labels");
  if (n % 64) {
    const std::uint64_t pad = ~std::uint64_t{0} << (n % 64);
    for (std::size_t i = 0; i < p.count; ++i)
      if (p.row(i)[rw - 1] & pad)
        fail("row " + std::to_string(i) + " has bits set at or above n = " + std::to_string(n));
  }
}

struct dense_samples {
  task_spec spec{};
  std::size_t count = 0;
  sample_vector<float> x;  ///< count x n, row-major
  sample_vector<float> y;  ///< count

  [[nodiscard]] const float* row(std::size_t i) const noexcept { return x.data() + i * spec.n; }
};

}  // namespace sutro::tasks
