#pragma once
// Transpose of a device matrix: one thread per 64x64 bit tile (the host's
// masked-swap transpose, device::transpose_tile).
//
//   auto t = sutro::gf2::transpose(d);   // d: gf2::matrix<sutro::cuda>; cols(d) x rows(d)

#if !defined(__CUDACC__)
#error "sutro/gf2/cuda/transpose.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#include <cstddef>

#include "sutro/gf2/cuda/matrix.cuh"

namespace sutro::gf2 {
namespace device {
__global__ void transpose_tiles(view out, cview in, std::size_t tile_rows, std::size_t tile_cols) {
  const std::size_t n = tile_rows * tile_cols;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t t = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; t < n; t += stride)
    transpose_tile(out, in, t / tile_cols, t % tile_cols);
}
}  // namespace device

template <class Alloc>
matrix<sutro::cuda, Alloc> transpose(const matrix<sutro::cuda, Alloc>& a) {
  matrix<sutro::cuda, Alloc> out(a.cols(), a.rows(), a.get_allocator());
  const std::size_t tr = (a.rows() + 63) / 64, tc = a.words_used();
  if (tr * tc == 0) return out;
  device::transpose_tiles<<<detail::grid_for(tr * tc, 128), 128>>>(out.device_view(), a.device_view(), tr, tc);
  SUTRO_CUDA_CHECK(cudaGetLastError());
  return out;
}

}  // namespace sutro::gf2
