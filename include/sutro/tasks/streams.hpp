#pragma once
// The Philox key of each random stream of a task, derived from
// (seed, task kind, n, k, stream), so that tasks of another kind or size drawn
// with the same seed share no inputs, noise or secret structure.
//
//   const auto key = sutro::tasks::stream_key(42, sutro::tasks::task_kind::parity, 20, 3,
//                                             sutro::tasks::stream::data);
//   sutro::tasks::philox4x32 rng{key};   // the inputs (and train noise) of sparse_parity(20, 3, 42)
//
// The derivation is one Philox block keyed by the seed with (n, k, kind,
// stream) in the counter: for a fixed seed distinct counters give distinct
// blocks (Philox is a bijection of the counter), and keys of different seeds
// are unrelated. Host and device compute the same keys.

#include <cstddef>
#include <cstdint>

#include "sutro/config/macros.hpp"
#include "sutro/tasks/philox.hpp"
#include "sutro/tasks/spec.hpp"

namespace sutro::tasks {

/// What a stream feeds. A split's inputs and its train-label noise come from one
/// data stream; the test split is the data stream of seed + test_seed_offset.
enum class stream : std::uint32_t { secret = 1, data = 2, queries = 3 };

/// The 64-bit Philox key of `which` for the task (kind, n, k) drawn with `seed`.
SUTRO_HOST_DEVICE std::uint64_t stream_key(std::uint64_t seed, task_kind kind, std::size_t n, std::size_t k,
                                           stream which) {
  // The last word tags the block as a key derivation, apart from any sample counter.
  constexpr std::uint32_t tag = 0x6b657973u;  // "keys"
  const philox_block r =
      philox4x32_10(philox_block{{static_cast<std::uint32_t>(n), static_cast<std::uint32_t>(k),
                                  static_cast<std::uint32_t>(kind) | static_cast<std::uint32_t>(which) << 8, tag}},
                    static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32));
  return r.v[0] | static_cast<std::uint64_t>(r.v[1]) << 32;
}

}  // namespace sutro::tasks
