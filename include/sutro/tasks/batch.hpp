#pragma once
// Many tasks at once: the samples of one task spec for a list of seeds, in the
// memory of a backend. Row r of system s is sample (first + r) of the task with
// seeds[s], bit for bit what sparse_task(spec, seeds[s]).packed(split, count, first)
// holds, on every backend (the cuda one is in tasks/cuda/batch.cuh).
//
//   std::vector<std::uint64_t> seeds = {1, 2, 3};
//   auto b = sutro::tasks::generate_batch(sutro::simd{}, spec, seeds, sutro::tasks::split::train, 80);
//   const std::uint64_t* row = b.row(/*system*/ 2, /*sample*/ 5);   // b.row_words words

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "sutro/backend/cpu.hpp"
#include "sutro/backend/traits.hpp"
#include "sutro/tasks/samples.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace sutro::tasks {

/// The container of a batch on a backend: an accounted vector on the host.
template <class T, class Backend>
struct batch_buffer {
  using type = sample_vector<T>;
};
template <class T>
struct batch_buffer<T, cuda>;  // a device array: tasks/cuda/batch.cuh

template <class Backend>
struct sample_batch {
  task_spec spec{};                                           ///< noise: of the split that made it (0 for test)
  std::size_t systems = 0;                                    ///< seeds
  std::size_t count = 0;                                      ///< samples per system
  std::size_t row_words = 0;                                  ///< (n + 63) / 64
  typename batch_buffer<std::uint64_t, Backend>::type words;  ///< systems x count x row_words
  typename batch_buffer<std::int32_t, Backend>::type labels;  ///< systems x count

  /// Host backends only: row r of system s.
  [[nodiscard]] const std::uint64_t* row(std::size_t s, std::size_t r) const noexcept {
    return words.data() + (s * count + r) * row_words;
  }
  [[nodiscard]] std::int32_t label(std::size_t s, std::size_t r) const noexcept { return labels[s * count + r]; }
};

struct batch_options {
  std::uint64_t test_seed_offset = 1000;  ///< as sparse_task's (not 0)
  unsigned threads = 0;                   ///< host worker threads; 0: one per core
};

namespace detail {
/// A batch's description before its buffers, the same on every backend (test
/// labels are clean, so a test batch records noise 0).
template <class Backend>
sample_batch<Backend> batch_header(const task_spec& spec, std::size_t systems, split s, std::size_t count,
                                   std::uint64_t test_seed_offset) {
  validate(spec);
  check_test_offset(test_seed_offset, "generate_batch");
  sample_batch<Backend> b;
  b.spec = spec;
  if (s == split::test) b.spec.noise = 0.0;
  b.systems = systems;
  b.count = count;
  b.row_words = (spec.n + 63) / 64;
  // The buffers hold systems x count rows: a product that wraps would size
  // them small and the generators would write past them.
  constexpr std::size_t most = std::numeric_limits<std::size_t>::max();
  if (count != 0 && (systems > most / count || systems * count > most / b.row_words))
    throw std::length_error("sutro::tasks::generate_batch: " + std::to_string(systems) + " systems x " +
                            std::to_string(count) + " samples x " + std::to_string(b.row_words) +
                            " words overflow size_t");
  return b;
}
}  // namespace detail

namespace detail {
/// The device kernels' per-thread bodies (tasks/cuda/batch.cuh), here so the
/// host tests run them too: system s's secret mask, and row i of the batch
/// (system i / count, sample first + i % count), written in the batch layout.
SUTRO_HOST_DEVICE void batch_secret(const task_spec& spec, const std::uint64_t* seeds, std::size_t s,
                                    std::uint64_t* masks, std::uint32_t* scratch) {
  make_secret_mask(spec, seeds[s], masks + s * ((spec.n + 63) / 64), scratch + s * 2 * spec.k);
}
SUTRO_HOST_DEVICE void batch_row(const task_spec& spec, split which, std::uint64_t test_offset,
                                 const std::uint64_t* seeds, const std::uint64_t* masks, std::size_t count,
                                 std::uint64_t first, std::size_t i, std::uint64_t* words, std::int32_t* labels) {
  const std::size_t rw = (spec.n + 63) / 64, s = i / count;
  const sample_source src = make_source(spec, which, seeds[s], test_offset);
  std::uint64_t* row = words + i * rw;
  const std::uint64_t aux = src.bits(first + i % count, spec.n, rw, row);
  labels[i] = sample_label(spec, src, row, masks + s * rw, rw, aux);
}

/// Runs f(first, last) over [0, items) in contiguous pieces on up to `threads`
/// threads. An exception from any piece (bad_alloc in a worker) reaches the
/// caller after every thread has joined, as it would on one thread; a thread
/// that cannot start leaves its piece to the caller's thread.
template <class F>
void parallel_ranges(std::size_t items, unsigned threads, F&& f) {
  threads = cpu::worker_threads(threads);
  const std::size_t parts = std::min<std::size_t>(threads, items / 64 + 1);
  if (parts <= 1) {
    f(std::size_t{0}, items);
    return;
  }
  const auto piece_start = [&](std::size_t p) {  // items * p / parts without the product's wrap
    return items / parts * p + items % parts * p / parts;
  };
  std::vector<std::exception_ptr> failed(parts);
  const auto piece = [&](std::size_t p) noexcept {
    try {
      f(piece_start(p), piece_start(p + 1));
    } catch (...) {
      failed[p] = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(parts - 1);
  std::size_t started = 1;
  try {
    for (; started < parts; ++started) pool.emplace_back(piece, started);
  } catch (...) {  // no thread for pieces [started, parts): run them here
  }
  piece(0);
  for (std::size_t p = started; p < parts; ++p) piece(p);
  for (auto& t : pool) t.join();
  for (const auto& e : failed)
    if (e) std::rethrow_exception(e);
}
}  // namespace detail

/// Samples [first, first + count) of `s` for each seed, on a host backend
/// (which also picks the Philox kernel: sparse_task::generate).
template <class Backend>
requires is_host_backend_v<Backend> sample_batch<Backend> generate_batch(Backend tag, const task_spec& spec,
                                                                         std::span<const std::uint64_t> seeds, split s,
                                                                         std::size_t count, std::uint64_t first = 0,
                                                                         batch_options o = {}) {
  auto b = detail::batch_header<Backend>(spec, seeds.size(), s, count, o.test_seed_offset);
  b.words.assign(b.systems * count * b.row_words, 0);
  b.labels.assign(b.systems * count, 0);
  detail::parallel_ranges(b.systems, o.threads, [&](std::size_t lo, std::size_t hi) {
    for (std::size_t i = lo; i < hi; ++i)
      sparse_task(spec, seeds[i], o.test_seed_offset)
          .generate(tag, s, first, count, b.words.data() + i * count * b.row_words, b.labels.data() + i * count);
  });
  return b;
}

}  // namespace sutro::tasks

#if defined(__CUDACC__)
#include "sutro/tasks/cuda/batch.cuh"
#endif
