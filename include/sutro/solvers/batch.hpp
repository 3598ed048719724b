#pragma once
// Thousands of independent small sparse parity systems (n <= 128), one per
// seed, solved on any backend; the answers are the same on every backend.
//
//   sutro::tasks::task_spec spec{sutro::tasks::task_kind::parity, 64, 3};
//   std::vector<std::uint64_t> seeds(100000);  std::iota(seeds.begin(), seeds.end(), 1);
//   auto r = sutro::solvers::solve_batch(sutro::simd{}, spec, seeds, /*samples per system*/ 80);
//   // r[i].status == found and r[i].mask == seed i's secret (sparse_parity(64, 3, seeds[i]))
//
// The (spec, seeds) form generates each system's train samples [0, m) itself
// (on the device: inside the kernel, nothing but seeds crosses the bus); the
// sample_batch form solves samples made by tasks::generate_batch on the same
// backend. Each system runs solve_small (small_system.hpp), gf2_elimination's
// linear algebra on the same rows, then gf2_elimination::solve's rule:
// `found` only for a noise-free spec, full rank, no contradiction and a
// solution of weight k (exact: the unique solution); a noisy spec or another
// weight is `failed` (use noisy_parity for noisy data). With sutro::cuda the
// translation unit must be compiled by nvcc (solvers/cuda/batch.cuh).

#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "sutro/backend/traits.hpp"
#include "sutro/solvers/small_system.hpp"
#include "sutro/tasks/batch.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace sutro::solvers {
namespace detail {
inline void check_batch_spec(const tasks::task_spec& spec, const char* who) {
  tasks::validate(spec);
  if (spec.kind != tasks::task_kind::parity)
    throw std::invalid_argument(std::string(who) + ": needs sparse parity, got " + tasks::to_string(spec.kind));
  if (spec.n > 128)
    throw std::invalid_argument(std::string(who) +
                                ": small systems have n <= 128 unknowns, got n = " + std::to_string(spec.n));
}

/// Everything one system needs to make its own rows: host and device code.
template <std::size_t MaxN>
struct fused_system {
  tasks::task_spec spec;
  tasks::sample_source src;
  std::uint64_t mask[2];

  SUTRO_HOST_DEVICE fused_system(const tasks::task_spec& s, std::uint64_t seed) : spec(s) {
    std::uint32_t scratch[2 * MaxN];  // k <= n <= MaxN
    tasks::make_secret_mask(seed, s.n, s.k, mask, scratch);
    src = tasks::make_source(s, tasks::split::train, seed, 0);
  }
  /// Writes row i (row_words words) and returns its label bit.
  SUTRO_HOST_DEVICE unsigned operator()(std::size_t i, std::uint64_t* row) const {
    const std::size_t rw = (spec.n + 63) / 64;
    const std::uint64_t aux = src.bits(i, spec.n, rw, row);
    return tasks::label_bit(spec.enc, tasks::sample_label(spec, src, row, mask, rw, aux));
  }
};

/// gf2_elimination::solve's rule on solve_small's answer: a noisy spec is
/// `failed` (the method does not apply), and `found` needs weight k (full
/// rank and no contradiction already make the solution unique and exact);
/// the mask is kept for inspection.
SUTRO_HOST_DEVICE small_result certify_small(const tasks::task_spec& spec, small_result r) {
  if (spec.noise > 0.0)
    r.status = solve_status::failed;  // does not apply: a noise-free method
  else if (r.status == solve_status::found &&
           tasks::detail::popcount64(r.mask[0]) + tasks::detail::popcount64(r.mask[1]) != spec.k)
    r.status = solve_status::failed;
  return r;
}

template <std::size_t MaxN>
SUTRO_HOST_DEVICE small_result solve_seed(const tasks::task_spec& spec, std::uint64_t seed, std::size_t m) {
  const fused_system<MaxN> sys(spec, seed);
  return certify_small(spec, solve_small<MaxN>(spec.n, m, sys));
}

/// System s of a batch stored as systems x m rows of rw words and m labels.
template <std::size_t MaxN>
SUTRO_HOST_DEVICE small_result solve_stored(const tasks::task_spec& spec, const std::uint64_t* words,
                                            const std::int32_t* labels, std::size_t m) {
  const std::size_t rw = (spec.n + 63) / 64;
  return certify_small(spec, solve_small<MaxN>(spec.n, m, [&](std::size_t i, std::uint64_t* row) {
                         for (std::size_t w = 0; w < rw; ++w) row[w] = words[i * rw + w];
                         return tasks::label_bit(spec.enc, labels[i]);
                       }));
}
/// The device kernels' per-thread body for stored samples: system s of a batch.
template <std::size_t MaxN>
SUTRO_HOST_DEVICE small_result solve_batch_system(const tasks::task_spec& spec, const std::uint64_t* words,
                                                  const std::int32_t* labels, std::size_t m, std::size_t s) {
  return solve_stored<MaxN>(spec, words + s * m * ((spec.n + 63) / 64), labels + s * m, m);
}
}  // namespace detail

/// One system per seed, each generating its own samples [0, m) of the train split.
template <class Backend>
requires is_host_backend_v<Backend>
[[nodiscard]] std::vector<small_result> solve_batch(Backend tag, const tasks::task_spec& spec,
                                                    std::span<const std::uint64_t> seeds,
                                                    std::size_t samples_per_system, tasks::batch_options o = {}) {
  detail::check_batch_spec(spec, "sutro::solvers::solve_batch");
  std::vector<small_result> out(seeds.size());
  const std::size_t m = samples_per_system, rw = (spec.n + 63) / 64;
  tasks::detail::parallel_ranges(seeds.size(), o.threads, [&](std::size_t lo, std::size_t hi) {
    if constexpr (std::is_same_v<Backend, scalar>) {  // the device's code path, row by row
      for (std::size_t i = lo; i < hi; ++i)
        out[i] = spec.n <= 64 ? detail::solve_seed<64>(spec, seeds[i], m) : detail::solve_seed<128>(spec, seeds[i], m);
    } else {  // rows made 16 at a time in Philox lanes (the level of `tag`, AVX-512 where the CPU has it): same bits,
              // ~2x faster
      std::vector<std::uint64_t> words(m * rw);
      std::vector<std::int32_t> labels(m);
      for (std::size_t i = lo; i < hi; ++i) {
        tasks::sparse_task(spec, seeds[i]).generate(tag, tasks::split::train, 0, m, words.data(), labels.data());
        out[i] = spec.n <= 64 ? detail::solve_stored<64>(spec, words.data(), labels.data(), m)
                              : detail::solve_stored<128>(spec, words.data(), labels.data(), m);
      }
    }
  });
  return out;
}

/// One system per system of `b` (samples from tasks::generate_batch on the same backend).
template <class Backend>
requires is_host_backend_v<Backend>
[[nodiscard]] std::vector<small_result> solve_batch(Backend, const tasks::sample_batch<Backend>& b,
                                                    tasks::batch_options o = {}) {
  const char* who = "sutro::solvers::solve_batch";
  detail::check_batch_spec(b.spec, who);
  // The buffers as generate_batch fills them: a hand-built batch that holds
  // fewer rows, or bits at or above n, would be read outside its words.
  const std::size_t rw = (b.spec.n + 63) / 64;
  const auto fail = [who](const std::string& what) { throw std::invalid_argument(std::string(who) + ": " + what); };
  if (b.row_words != rw)
    fail("row_words = " + std::to_string(b.row_words) + " but n = " + std::to_string(b.spec.n) + " needs " +
         std::to_string(rw));
  if (b.count != 0 && b.systems > b.labels.size() / b.count)
    fail(std::to_string(b.systems) + " systems of " + std::to_string(b.count) + " rows but " +
         std::to_string(b.labels.size()) + " labels");
  if (b.systems * b.count > b.words.size() / rw)
    fail(std::to_string(b.systems) + " systems of " + std::to_string(b.count) + " rows of " + std::to_string(rw) +
         " words but " + std::to_string(b.words.size()) + " words");
  if (b.spec.n % 64) {
    const std::uint64_t pad = ~std::uint64_t{0} << (b.spec.n % 64);
    for (std::size_t r = 0; r < b.systems * b.count; ++r)
      if (b.words[r * rw + rw - 1] & pad)
        fail("row " + std::to_string(r % b.count) + " of system " + std::to_string(r / b.count) +
             " has bits set at or above n = " + std::to_string(b.spec.n));
  }
  std::vector<small_result> out(b.systems);
  tasks::detail::parallel_ranges(b.systems, o.threads, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t s = lo; s < hi; ++s)
      out[s] = b.spec.n <= 64 ? detail::solve_batch_system<64>(b.spec, b.words.data(), b.labels.data(), b.count, s)
                              : detail::solve_batch_system<128>(b.spec, b.words.data(), b.labels.data(), b.count, s);
  });
  return out;
}

}  // namespace sutro::solvers

#if defined(__CUDACC__)
#include "sutro/solvers/cuda/batch.cuh"
#endif
