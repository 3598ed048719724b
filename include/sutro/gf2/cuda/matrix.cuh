#pragma once
// gf2::matrix<sutro::cuda>: a bit matrix in device memory, with the host
// matrix's layout (row-major 64-bit words, stride a multiple of 8 words, zero
// padding bits), allocated through memory::device_allocator (counted in
// memory::default_device_stats() unless given another counter). Copies between
// host and device are explicit; there is no element access from the host.
//
//   auto h = sutro::gf2::matrix<sutro::scalar>::random(1000, 700, 1);
//   auto d = sutro::gf2::to_device(h);                  // or to_device(h.window(...))
//   auto e = sutro::gf2::matrix<sutro::cuda>::random(64, 64, 2);   // same bits as the host's
//   auto back = d.to_host<sutro::scalar>();             // back == h
//
// Operations: sutro/gf2/cuda/all.cuh (add, multiply, transpose, echelon, solve).

#if !defined(__CUDACC__)
#error "sutro/gf2/cuda/matrix.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#include <cuda_runtime.h>

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <utility>

#include "sutro/backend/cuda/error.cuh"
#include "sutro/gf2/cuda/device_logic.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/memory/cuda/device_allocator.cuh"
#include "sutro/memory/cuda/device_buffer.cuh"

namespace sutro::gf2 {

namespace detail {
using memory::device_buffer;
using memory::grid_for;
}  // namespace detail

template <class Alloc>
class matrix<sutro::cuda, Alloc> {
  static_assert(std::is_same_v<typename std::allocator_traits<Alloc>::value_type, word>,
                "gf2::matrix allocates std::uint64_t words");

 public:
  using backend_type = sutro::cuda;
  using allocator_type = Alloc;

  explicit matrix(const Alloc& alloc = Alloc()) : alloc_(alloc) {}
  /// A zero matrix of rows x cols in device memory.
  matrix(std::size_t rows, std::size_t cols, const Alloc& alloc = Alloc())
      : rows_(rows), cols_(cols), stride_(detail::padded_words(cols)), alloc_(alloc) {
    // The host matrix's limit on rows, columns and words alike (docs/gf2.md).
    constexpr std::size_t most = detail::max_words;
    if (rows > most || cols > most || (stride_ != 0 && rows > most / stride_))
      throw std::length_error("sutro::gf2::matrix::matrix: " + detail::shape(rows, cols) + " is over the limit of " +
                              std::to_string(most) + " words, rows and columns");
    size_ = rows_ * stride_;
    if (size_) {
      data_ = std::allocator_traits<Alloc>::allocate(alloc_, size_);
      const cudaError_t e = cudaMemset(data_, 0, size_ * sizeof(word));
      if (e != cudaSuccess) {
        std::allocator_traits<Alloc>::deallocate(alloc_, data_, size_);
        SUTRO_CUDA_CHECK(e);
      }
    }
  }
  matrix(const matrix& other) : matrix(other.rows_, other.cols_, other.alloc_) {
    if (size_) SUTRO_CUDA_CHECK(cudaMemcpy(data_, other.data_, size_ * sizeof(word), cudaMemcpyDeviceToDevice));
  }
  matrix(matrix&& other) noexcept
      : rows_(std::exchange(other.rows_, 0)),
        cols_(std::exchange(other.cols_, 0)),
        stride_(std::exchange(other.stride_, 0)),
        size_(std::exchange(other.size_, 0)),
        alloc_(other.alloc_),
        data_(std::exchange(other.data_, nullptr)) {}
  matrix& operator=(matrix other) noexcept {
    swap(other);
    return *this;
  }
  ~matrix() {
    if (data_) std::allocator_traits<Alloc>::deallocate(alloc_, data_, size_);
  }
  void swap(matrix& other) noexcept {
    std::swap(rows_, other.rows_);
    std::swap(cols_, other.cols_);
    std::swap(stride_, other.stride_);
    std::swap(size_, other.size_);
    std::swap(alloc_, other.alloc_);
    std::swap(data_, other.data_);
  }

  /// Built on the host and copied: identical bits to the host matrix's factories.
  static matrix identity(std::size_t n, const Alloc& alloc = Alloc()) {
    matrix m(alloc);
    m.assign_from_host(gf2::matrix<sutro::scalar>::identity(n));
    return m;
  }
  static matrix random(std::size_t rows, std::size_t cols, std::uint64_t seed, const Alloc& alloc = Alloc()) {
    matrix m(alloc);
    m.assign_from_host(gf2::matrix<sutro::scalar>::random(rows, cols, seed));
    return m;
  }

  std::size_t rows() const noexcept { return rows_; }
  std::size_t cols() const noexcept { return cols_; }
  std::size_t words_per_row() const noexcept { return stride_; }
  std::size_t stride() const noexcept { return stride_; }
  std::size_t words_used() const noexcept { return detail::words_for(cols_); }
  bool empty() const noexcept { return rows_ == 0 || cols_ == 0; }
  allocator_type get_allocator() const { return alloc_; }
  /// Device pointers: valid in kernels only.
  word* data() noexcept { return data_; }
  const word* data() const noexcept { return data_; }
  /// What the kernels take (the name differs from the host's block() on purpose:
  /// a device matrix is not gf2::matrix_like, so no host kernel can accept it).
  device::view device_view() noexcept { return {data_, rows_, cols_, stride_}; }
  device::cview device_view() const noexcept { return {data_, rows_, cols_, stride_}; }

  /// Replaces the contents with a host matrix or window (any host backend).
  template <matrix_like M>
  void assign_from_host(const M& host) {
    static_assert(sutro::is_host_backend_v<typename M::backend_type>, "assign_from_host takes host data");
    matrix tmp(host.rows(), host.cols(), alloc_);
    const detail::cblock b = host.block();
    if (tmp.size_ && b.words())
      SUTRO_CUDA_CHECK(cudaMemcpy2D(tmp.data_, tmp.stride_ * sizeof(word), b.data, b.stride * sizeof(word),
                                    b.words() * sizeof(word), b.rows, cudaMemcpyHostToDevice));
    swap(tmp);
  }
  /// A host copy (backend and allocator of your choice).
  template <class HostBackend = sutro::default_backend, class HostAlloc = sutro::backend_allocator_t<HostBackend, word>>
  gf2::matrix<HostBackend, HostAlloc> to_host(const HostAlloc& alloc = HostAlloc()) const {
    gf2::matrix<HostBackend, HostAlloc> h(rows_, cols_, alloc);
    if (size_)
      SUTRO_CUDA_CHECK(cudaMemcpy2D(h.data(), h.stride() * sizeof(word), data_, stride_ * sizeof(word),
                                    stride_ * sizeof(word), rows_, cudaMemcpyDeviceToHost));
    return h;
  }

 private:
  std::size_t rows_ = 0, cols_ = 0, stride_ = 0, size_ = 0;
  Alloc alloc_;
  word* data_ = nullptr;
};

/// A device copy of a host matrix or window.
template <matrix_like M, class Alloc = sutro::backend_allocator_t<sutro::cuda, word>>
matrix<sutro::cuda, Alloc> to_device(const M& host, const Alloc& alloc = Alloc()) {
  matrix<sutro::cuda, Alloc> d(alloc);
  d.assign_from_host(host);
  return d;
}

/// A host copy of a device matrix.
template <class HostBackend = sutro::default_backend, class Alloc>
matrix<HostBackend> to_host(const matrix<sutro::cuda, Alloc>& d) {
  return d.template to_host<HostBackend>();
}

namespace detail {
/// Device scratch counted where the matrix's own memory is counted.
template <class T, class Alloc>
memory::device_allocator<T> device_scratch_allocator(const matrix<sutro::cuda, Alloc>& m) {
  if constexpr (std::is_constructible_v<memory::device_allocator<T>, const Alloc&>)
    return memory::device_allocator<T>(m.get_allocator());
  else
    return memory::device_allocator<T>();
}
}  // namespace detail

}  // namespace sutro::gf2
