#pragma once
// solve_batch on the device: one thread per system, each running the same
// solve_small the host runs (small_system.hpp), so the answers are equal.
//
//   auto r = sutro::solvers::solve_batch(sutro::cuda{}, spec, seeds, 80);  // std::vector<small_result>
//   // or, results left on the device (benchmarks, pipelines):
//   sutro::solvers::solve_batch_device(spec, d_seeds, systems, 80, d_results, stream);
//
// Why one thread per system: a system is small (n <= 128) and its work is a
// data-dependent chain (reduce a row by the pivots it hits), which a warp would
// have to serialise anyway; independent threads need no synchronisation, and
// the basis (MaxN rows of MaxN / 64 words: 512 B at n <= 64, 2 KiB at n <= 128)
// lives in per-thread local memory, which the L1/L2 caches serve. In the fused
// form nothing but the seeds is read from global memory and 40 bytes per
// system are written, so the kernel is bound by integer throughput (Philox
// and the row reductions), not by memory bandwidth. Per system at n = 64 and
// 80 samples: 80 Philox-4x32-10 blocks (~50 instructions each) and about
// n^2 / 4 + 16 n / 2 ~ 1.5k row reductions: ~10^4 instructions, i.e. ~10^9
// systems/s at the H100's ~3 x 10^13 integer instructions/s if the threads
// kept every lane busy; divergence between systems (different reduction
// counts) and local-memory latency cost a factor, and the 10^7 target leaves
// two orders of magnitude for it.

#if !defined(__CUDACC__)
#error "sutro/solvers/cuda/batch.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sutro/backend/cuda/error.cuh"
#include "sutro/solvers/batch.hpp"
#include "sutro/tasks/cuda/batch.cuh"

namespace sutro::solvers {
namespace kernels {

inline constexpr unsigned batch_threads = 128;

template <std::size_t MaxN>
__global__ void __launch_bounds__(batch_threads) solve_seeds(tasks::task_spec spec, const std::uint64_t* seeds,
                                                             std::size_t systems, std::size_t m, small_result* out) {
  const std::size_t s = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (s < systems) out[s] = detail::solve_seed<MaxN>(spec, seeds[s], m);
}

template <std::size_t MaxN>
__global__ void __launch_bounds__(batch_threads)
    solve_samples(tasks::task_spec spec, const std::uint64_t* words, const std::int32_t* labels, std::size_t systems,
                  std::size_t m, small_result* out) {
  const std::size_t s = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (s < systems) out[s] = detail::solve_batch_system<MaxN>(spec, words, labels, m, s);
}

inline unsigned batch_blocks(std::size_t systems) {
  return static_cast<unsigned>((systems + batch_threads - 1) / batch_threads);
}

}  // namespace kernels

/// The fused solve with everything on the device: d_seeds and d_out are device
/// pointers (systems entries each). Asynchronous on `stream`; checks the spec.
inline void solve_batch_device(const tasks::task_spec& spec, const std::uint64_t* d_seeds, std::size_t systems,
                               std::size_t samples_per_system, small_result* d_out, cudaStream_t stream = nullptr) {
  detail::check_batch_spec(spec, "sutro::solvers::solve_batch(cuda)");
  if (systems == 0) return;
  if (spec.n <= 64)
    kernels::solve_seeds<64><<<kernels::batch_blocks(systems), kernels::batch_threads, 0, stream>>>(
        spec, d_seeds, systems, samples_per_system, d_out);
  else
    kernels::solve_seeds<128><<<kernels::batch_blocks(systems), kernels::batch_threads, 0, stream>>>(
        spec, d_seeds, systems, samples_per_system, d_out);
  SUTRO_CUDA_CHECK(cudaGetLastError());
}

/// One system per seed (a host span), each generating its own samples on the device.
inline std::vector<small_result> solve_batch(cuda, const tasks::task_spec& spec, std::span<const std::uint64_t> seeds,
                                             std::size_t samples_per_system, tasks::batch_options = {}) {
  detail::check_batch_spec(spec, "sutro::solvers::solve_batch(cuda)");
  if (seeds.empty()) return {};
  const auto d_seeds = tasks::device_array<std::uint64_t>::from_host(seeds);
  tasks::device_array<small_result> d_out(seeds.size());
  solve_batch_device(spec, d_seeds.data(), seeds.size(), samples_per_system, d_out.data());
  SUTRO_CUDA_CHECK(cudaDeviceSynchronize());
  return d_out.to_host();
}

/// One system per system of a device sample batch (tasks::generate_batch(cuda{}, ...)).
inline std::vector<small_result> solve_batch(cuda, const tasks::sample_batch<cuda>& b, tasks::batch_options = {}) {
  detail::check_batch_spec(b.spec, "sutro::solvers::solve_batch(cuda)");
  if (b.systems == 0) return {};
  tasks::device_array<small_result> d_out(b.systems);
  if (b.spec.n <= 64)
    kernels::solve_samples<64><<<kernels::batch_blocks(b.systems), kernels::batch_threads>>>(
        b.spec, b.words.data(), b.labels.data(), b.systems, b.count, d_out.data());
  else
    kernels::solve_samples<128><<<kernels::batch_blocks(b.systems), kernels::batch_threads>>>(
        b.spec, b.words.data(), b.labels.data(), b.systems, b.count, d_out.data());
  SUTRO_CUDA_CHECK(cudaGetLastError());
  SUTRO_CUDA_CHECK(cudaDeviceSynchronize());
  return d_out.to_host();
}

}  // namespace sutro::solvers
