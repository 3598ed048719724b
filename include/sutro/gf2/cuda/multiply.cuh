#pragma once
// Products of device matrices: C = A B and C += A B.
//
//   auto c = a * b;                           // a, b: gf2::matrix<sutro::cuda>
//   sutro::gf2::mul_add(c, a, b);             // c += a b
//
// Method of Four Russians in shared memory (device_logic.hpp): a block owns a
// 1024-row x 256-column tile of C and, per 64 rows of B, builds eight 8-bit
// tables (64 KiB) that all its rows look up. Mismatched shapes throw
// std::invalid_argument with the host's message.

#if !defined(__CUDACC__)
#error "sutro/gf2/cuda/multiply.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#include <cstddef>
#include <stdexcept>

#include "sutro/gf2/cuda/matrix.cuh"
#include "sutro/gf2/cuda/host_headers.cuh"

namespace sutro::gf2 {
namespace device {
__global__ void __launch_bounds__(m4rm_threads) m4rm_mul_add(view c, cview a, cview b) {
  extern __shared__ word shared_words[];
  word* table = shared_words;
  word* half = shared_words + m4rm_table_words;
  const std::size_t i0 = static_cast<std::size_t>(blockIdx.y) * m4rm_rows;
  const std::size_t w0 = static_cast<std::size_t>(blockIdx.x) * m4rm_tile_words;
  const unsigned tid = threadIdx.x;
  word acc[m4rm_rows_per_thread] = {};
  for (std::size_t kw = 0; kw < a.words(); ++kw) {
    // The barrier after the halves also keeps the tables from being rebuilt
    // while slower threads still read them for the previous slab.
    m4rm_build_halves(half, b, kw, w0, tid, m4rm_threads);
    __syncthreads();
    m4rm_build_tables(table, half, tid, m4rm_threads);
    __syncthreads();
    m4rm_accumulate(acc, table, a, i0, kw, tid);
  }
  m4rm_store(c, acc, i0, w0, tid);
}
} // namespace device

namespace detail {
inline void m4rm_mul_add(device::view c, device::cview a, device::cview b) {
  if (c.rows == 0 || c.words() == 0 || a.words() == 0) return;
  constexpr std::size_t bytes = device::m4rm_shared_words * sizeof(word);
  SUTRO_CUDA_CHECK(cudaFuncSetAttribute(device::m4rm_mul_add, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                        static_cast<int>(bytes)));
  const dim3 grid(static_cast<unsigned>((c.words() + device::m4rm_tile_words - 1) / device::m4rm_tile_words),
                  static_cast<unsigned>((c.rows + device::m4rm_rows - 1) / device::m4rm_rows));
  if (grid.y > 65535)
    throw std::length_error("sutro::gf2::mul<cuda>: " + shape(c.rows, c.cols) + " has too many rows");
  device::m4rm_mul_add<<<grid, device::m4rm_threads, bytes>>>(c, a, b);
  SUTRO_CUDA_CHECK(cudaGetLastError());
}
} // namespace detail

/// c += a b. Throws std::invalid_argument on mismatched shapes or when c is a or b.
template <class AC, class AA, class AB>
void mul_add(matrix<sutro::cuda, AC>& c, const matrix<sutro::cuda, AA>& a, const matrix<sutro::cuda, AB>& b) {
  if (a.cols() != b.rows() || c.rows() != a.rows() || c.cols() != b.cols())
    throw std::invalid_argument("sutro::gf2::mul: cannot multiply " + detail::shape(a.rows(), a.cols()) +
                                " by " + detail::shape(b.rows(), b.cols()) + " into " +
                                detail::shape(c.rows(), c.cols()));
  const word* cd = c.data();
  if (cd != nullptr && (cd == a.data() || cd == b.data()))
    throw std::invalid_argument("sutro::gf2::mul_add: the output overlaps an input");
  detail::m4rm_mul_add(c.device_view(), a.device_view(), b.device_view());
}

template <class AA, class AB>
matrix<sutro::cuda, AA> mul(const matrix<sutro::cuda, AA>& a, const matrix<sutro::cuda, AB>& b) {
  if (a.cols() != b.rows())
    throw std::invalid_argument("sutro::gf2::mul: cannot multiply " + detail::shape(a.rows(), a.cols()) +
                                " by " + detail::shape(b.rows(), b.cols()));
  matrix<sutro::cuda, AA> c(a.rows(), b.cols(), a.get_allocator());
  sutro::gf2::mul_add(c, a, b);
  return c;
}

template <class AA, class AB>
matrix<sutro::cuda, AA> operator*(const matrix<sutro::cuda, AA>& a, const matrix<sutro::cuda, AB>& b) {
  return sutro::gf2::mul(a, b);
}

} // namespace sutro::gf2
