#pragma once
// device_buffer<T>: n T in device memory through memory::device_allocator
// (counted in its stats), freed on scope exit, movable, with explicit copies
// to and from the host.
//
//   sutro::memory::device_buffer<float> d(1024);   // counted in default_device_stats()
//   d.upload(host.data(), 1024);
//   d.download(host.data(), 1024);

#if !defined(__CUDACC__)
#error "sutro/memory/cuda/device_buffer.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#include <cuda_runtime.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

#include "sutro/backend/cuda/error.cuh"
#include "sutro/memory/cuda/device_allocator.cuh"

namespace sutro::memory {

template <class T>
class device_buffer {
 public:
  device_buffer() = default;
  explicit device_buffer(std::size_t n, const device_allocator<T>& alloc = device_allocator<T>())
      : alloc_(alloc), n_(n) {
    if (n_) p_ = alloc_.allocate(n_);
  }
  device_buffer(const device_buffer&) = delete;
  device_buffer& operator=(const device_buffer&) = delete;
  device_buffer(device_buffer&& other) noexcept
      : alloc_(other.alloc_), n_(std::exchange(other.n_, 0)), p_(std::exchange(other.p_, nullptr)) {}
  device_buffer& operator=(device_buffer&& other) noexcept {
    device_buffer(std::move(other)).swap(*this);
    return *this;
  }
  ~device_buffer() {
    if (p_) alloc_.deallocate(p_, n_);
  }
  void swap(device_buffer& other) noexcept {
    std::swap(alloc_, other.alloc_);
    std::swap(n_, other.n_);
    std::swap(p_, other.p_);
  }

  [[nodiscard]] T* data() const noexcept { return p_; }
  [[nodiscard]] std::size_t size() const noexcept { return n_; }

  /// The first n elements from / to host memory (synchronous).
  void upload(const T* host, std::size_t n) {
    check(n, "upload");
    if (n) SUTRO_CUDA_CHECK(cudaMemcpy(p_, host, n * sizeof(T), cudaMemcpyHostToDevice));
  }
  void download(T* host, std::size_t n) const {
    check(n, "download");
    if (n) SUTRO_CUDA_CHECK(cudaMemcpy(host, p_, n * sizeof(T), cudaMemcpyDeviceToHost));
  }

 private:
  void check(std::size_t n, const char* what) const {
    if (n > n_)
      throw std::out_of_range(std::string("sutro::memory::device_buffer::") + what + ": " + std::to_string(n) +
                              " elements, the buffer holds " + std::to_string(n_));
  }

  device_allocator<T> alloc_{};
  std::size_t n_ = 0;
  T* p_ = nullptr;
};

/// Blocks for n items at `threads` per block, capped at `cap` (kernels loop
/// over the rest with a grid stride); at least one.
inline unsigned grid_for(std::size_t n, unsigned threads, std::size_t cap = 65535) {
  const std::size_t blocks = (n + threads - 1) / threads;
  return static_cast<unsigned>(blocks == 0 ? 1 : (blocks < cap ? blocks : cap));
}

}  // namespace sutro::memory
