#pragma once
// Addition (XOR) of device matrices.
//
//   auto c = a + b;  a += b;  sutro::gf2::add_into(a, b);   // a, b: gf2::matrix<sutro::cuda>
//
// Shapes must agree: std::invalid_argument names both, as on the host.

#if !defined(__CUDACC__)
#error "sutro/gf2/cuda/add.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#include <cstddef>

#include "sutro/gf2/add.hpp"
#include "sutro/gf2/cuda/matrix.cuh"

namespace sutro::gf2 {
namespace device {
// Equal shapes mean equal strides, so the padding is XORed too (zero with zero).
__global__ void xor_words(word* dst, const word* src, std::size_t n) {
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    dst[i] ^= src[i];
}
}  // namespace device

/// dst += src.
template <class A1, class A2>
void add_into(matrix<sutro::cuda, A1>& dst, const matrix<sutro::cuda, A2>& src) {
  detail::check_same_shape("add_into", dst.rows(), dst.cols(), src.rows(), src.cols());
  const std::size_t n = dst.rows() * dst.stride();
  if (n == 0) return;
  device::xor_words<<<detail::grid_for(n, 256, 4096), 256>>>(dst.data(), src.data(), n);
  SUTRO_CUDA_CHECK(cudaGetLastError());
}

template <class A1, class A2>
matrix<sutro::cuda, A1> add(const matrix<sutro::cuda, A1>& a, const matrix<sutro::cuda, A2>& b) {
  detail::check_same_shape("add", a.rows(), a.cols(), b.rows(), b.cols());
  matrix<sutro::cuda, A1> out(a);
  sutro::gf2::add_into(out, b);
  return out;
}

template <class A1, class A2>
matrix<sutro::cuda, A1> operator+(const matrix<sutro::cuda, A1>& a, const matrix<sutro::cuda, A2>& b) {
  return sutro::gf2::add(a, b);
}
template <class A1, class A2>
matrix<sutro::cuda, A1>& operator+=(matrix<sutro::cuda, A1>& a, const matrix<sutro::cuda, A2>& b) {
  sutro::gf2::add_into(a, b);
  return a;
}

}  // namespace sutro::gf2
