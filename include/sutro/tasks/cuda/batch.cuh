#pragma once
// generate_batch on the device: the samples of many seeds, written straight
// into device memory by the same host-device code the CPU generator runs
// (sample_source::bits, sample_label, make_secret_mask), so the bits are equal.
//
//   auto b = sutro::tasks::generate_batch(sutro::cuda{}, spec, seeds, sutro::tasks::split::train, 4096);
//   std::vector<std::uint64_t> words = b.words.to_host();   // explicit copy back
//
// One thread per (seed, sample) row; secrets first, one thread per seed
// (O(k^2) replay of the partial Fisher-Yates, scratch in device memory).

#if !defined(__CUDACC__)
#error "sutro/tasks/cuda/batch.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "sutro/backend/cuda/error.cuh"
#include "sutro/memory/cuda/device_allocator.cuh"
#include "sutro/tasks/batch.hpp"

namespace sutro::tasks {

/// An owning array in device memory, counted by a device_allocator; move-only.
/// No element access from the host: to_host() / from_host() copy explicitly.
template <class T>
class device_array {
 public:
  device_array() = default;
  explicit device_array(std::size_t n, memory::device_allocator<T> alloc = {}) : alloc_(alloc), n_(n) {
    if (n_) p_ = alloc_.allocate(n_);
  }
  static device_array from_host(std::span<const T> host) {
    device_array a(host.size());
    if (!host.empty()) SUTRO_CUDA_CHECK(cudaMemcpy(a.p_, host.data(), host.size_bytes(), cudaMemcpyHostToDevice));
    return a;
  }
  device_array(device_array&& o) noexcept
      : alloc_(o.alloc_), p_(std::exchange(o.p_, nullptr)), n_(std::exchange(o.n_, 0)) {}
  device_array& operator=(device_array&& o) noexcept {
    if (this != &o) {
      release();
      alloc_ = o.alloc_;
      p_ = std::exchange(o.p_, nullptr);
      n_ = std::exchange(o.n_, 0);
    }
    return *this;
  }
  device_array(const device_array&) = delete;
  device_array& operator=(const device_array&) = delete;
  ~device_array() { release(); }

  [[nodiscard]] T* data() noexcept { return p_; }
  [[nodiscard]] const T* data() const noexcept { return p_; }
  [[nodiscard]] std::size_t size() const noexcept { return n_; }
  [[nodiscard]] bool empty() const noexcept { return n_ == 0; }

  [[nodiscard]] std::vector<T> to_host() const {
    std::vector<T> out(n_);
    if (n_) SUTRO_CUDA_CHECK(cudaMemcpy(out.data(), p_, n_ * sizeof(T), cudaMemcpyDeviceToHost));
    return out;
  }

 private:
  void release() noexcept {
    if (p_) alloc_.deallocate(p_, n_);
    p_ = nullptr;
    n_ = 0;
  }
  memory::device_allocator<T> alloc_{};
  T* p_ = nullptr;
  std::size_t n_ = 0;
};

template <class T>
struct batch_buffer<T, cuda> {
  using type = device_array<T>;
};

namespace kernels {
// Templates only so that a header may define them in every translation unit.

template <int = 0>
__global__ void batch_secrets(task_spec spec, const std::uint64_t* seeds, std::size_t systems, std::uint64_t* masks,
                              std::uint32_t* scratch) {
  const std::size_t s = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (s < systems) detail::batch_secret(spec, seeds, s, masks, scratch);
}

template <int = 0>
__global__ void batch_samples(task_spec spec, split which, std::uint64_t test_offset, const std::uint64_t* seeds,
                              const std::uint64_t* masks, std::size_t systems, std::size_t count, std::uint64_t first,
                              std::uint64_t* words, std::int32_t* labels) {
  const std::size_t rows = systems * count, stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < rows; i += stride)
    detail::batch_row(spec, which, test_offset, seeds, masks, count, first, i, words, labels);
}

}  // namespace kernels

/// Samples [first, first + count) of split `s` for each seed (a host span), in device memory.
inline sample_batch<cuda> generate_batch(cuda, const task_spec& spec, std::span<const std::uint64_t> seeds, split s,
                                         std::size_t count, std::uint64_t first = 0, batch_options o = {}) {
  auto b = detail::batch_header<cuda>(spec, seeds.size(), s, count, o.test_seed_offset);
  if (b.systems == 0 || count == 0) return b;
  b.words = device_array<std::uint64_t>(b.systems * count * b.row_words);
  b.labels = device_array<std::int32_t>(b.systems * count);
  const auto d_seeds = device_array<std::uint64_t>::from_host(seeds);
  device_array<std::uint64_t> masks(b.systems * b.row_words);
  device_array<std::uint32_t> scratch(b.systems * 2 * spec.k);
  constexpr unsigned threads = 128;
  kernels::batch_secrets<><<<static_cast<unsigned>((b.systems + threads - 1) / threads), threads>>>(
      spec, d_seeds.data(), b.systems, masks.data(), scratch.data());
  SUTRO_CUDA_CHECK(cudaGetLastError());
  const std::size_t rows = b.systems * count, wanted = (rows + threads - 1) / threads;
  kernels::batch_samples<><<<static_cast<unsigned>(wanted < 65536 ? wanted : 65536), threads>>>(
      spec, s, o.test_seed_offset, d_seeds.data(), masks.data(), b.systems, count, first, b.words.data(),
      b.labels.data());
  SUTRO_CUDA_CHECK(cudaGetLastError());
  SUTRO_CUDA_CHECK(cudaDeviceSynchronize());
  return b;
}

}  // namespace sutro::tasks
