#pragma once
// device_allocator<T>: cudaMalloc / cudaFree behind the standard allocator
// interface, counted into a memory::stats exactly like host allocations.

#if !defined(__CUDACC__)
#error "sutro/memory/cuda/device_allocator.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#include <cuda_runtime.h>

#include <cstddef>
#include <limits>
#include <new>
#include <type_traits>

#include "sutro/backend/cuda/error.cuh"
#include "sutro/backend/traits.hpp"
#include "sutro/memory/stats.hpp"

namespace sutro::memory {

/// The process-wide counter for device memory, kept apart from host memory.
inline stats& default_device_stats() noexcept {
  static stats instance;
  return instance;
}

template <class T>
class device_allocator {
 public:
  using value_type = T;
  using size_type = std::size_t;
  using difference_type = std::ptrdiff_t;
  using propagate_on_container_copy_assignment = std::true_type;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;
  using is_always_equal = std::false_type;

  device_allocator() noexcept : counter_(&default_device_stats()) {}
  explicit device_allocator(stats& counter) noexcept : counter_(&counter) {}
  template <class U>
  device_allocator(const device_allocator<U>& other) noexcept : counter_(&other.counter()) {}

  [[nodiscard]] T* allocate(std::size_t n) {
    if (n > std::numeric_limits<std::size_t>::max() / sizeof(T)) throw std::bad_array_new_length();
    void* p = nullptr;
    SUTRO_CUDA_CHECK(cudaMalloc(&p, n * sizeof(T)));
    counter_->record_allocation(n * sizeof(T));
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    (void)cudaFree(p);  // a failing free cannot be reported from a noexcept path
    counter_->record_deallocation(n * sizeof(T));
  }

  [[nodiscard]] stats& counter() const noexcept { return *counter_; }

  template <class U>
  friend bool operator==(const device_allocator& a, const device_allocator<U>& b) noexcept {
    return &a.counter() == &b.counter();
  }

 private:
  stats* counter_;
};

}  // namespace sutro::memory
