#pragma once
// CUDA kernel: grid-stride loop, __popcll per word, warp shuffle reduction and
// one atomicAdd per warp. The pointers are device pointers.

#if !defined(__CUDACC__)
#error "sutro/bits/cuda/popcount.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#include <cuda_runtime.h>

#include <cstddef>
#include <cstdint>

#include "sutro/backend/cuda/error.cuh"
#include "sutro/backend/tags.hpp"

namespace sutro::bits::kernels {
namespace device {

template <class Op>
__global__ void op_popcount(Op op, const std::uint64_t* a, const std::uint64_t* b, std::size_t n,
                            unsigned long long* result) {
  unsigned long long local = 0;
  const std::size_t stride = static_cast<std::size_t>(gridDim.x) * blockDim.x;
  for (std::size_t i = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride)
    local += static_cast<unsigned long long>(__popcll(op(a[i], b[i])));
  for (int offset = 16; offset > 0; offset /= 2) local += __shfl_down_sync(0xffffffffu, local, offset);
  if ((threadIdx.x & 31u) == 0) atomicAdd(result, local);
}

}  // namespace device

template <class Op>
std::uint64_t op_popcount(cuda, Op op, const std::uint64_t* a, const std::uint64_t* b, std::size_t n) {
  if (n == 0) return 0;
  unsigned long long* result = nullptr;
  SUTRO_CUDA_CHECK(cudaMalloc(&result, sizeof(unsigned long long)));
  unsigned long long host = 0;
  try {
    SUTRO_CUDA_CHECK(cudaMemset(result, 0, sizeof(unsigned long long)));
    constexpr unsigned threads = 256;
    const std::size_t wanted = (n + threads - 1) / threads;
    const unsigned blocks = static_cast<unsigned>(wanted < 4096 ? wanted : 4096);
    device::op_popcount<<<blocks, threads>>>(op, a, b, n, result);
    SUTRO_CUDA_CHECK(cudaGetLastError());
    SUTRO_CUDA_CHECK(cudaMemcpy(&host, result, sizeof(host), cudaMemcpyDeviceToHost));
  } catch (...) {
    (void)cudaFree(result);
    throw;
  }
  SUTRO_CUDA_CHECK(cudaFree(result));
  return host;
}

}  // namespace sutro::bits::kernels
