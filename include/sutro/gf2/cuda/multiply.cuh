#pragma once
// Products of device matrices: C = A B and C += A B.
//
//   auto c = a * b;                           // a, b: gf2::matrix<sutro::cuda>
//   sutro::gf2::mul_add(c, a, b);             // c += a b
//   auto d = sutro::gf2::mul(a, b, sutro::gf2::mul_method::tensor_core);
//
// mul_method::m4rm (default): Method of Four Russians in shared memory
// (device_logic.hpp): a block owns a 1024-row x 256-column tile of C and, per
// 64 rows of B, builds eight 8-bit tables (64 KiB) that all its rows look up.
// mul_method::tensor_core (sm_80+): b1 mma.sync m16n8k256 with AND + POPC on
// A and B^T (B transposed first, into counted scratch); bit = count & 1.
// Both give the host's result bit for bit. Mismatched shapes throw
// std::invalid_argument with the host's message.

#if !defined(__CUDACC__)
#error "sutro/gf2/cuda/multiply.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "sutro/gf2/cuda/matrix.cuh"
#include "sutro/gf2/cuda/transpose.cuh"
#include "sutro/gf2/multiply.hpp"
#include "sutro/gf2/transpose.hpp"

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

/// D += A B on one m16n8k256 tile, b1 AND + POPC.
inline __device__ void bmma_and_popc(int* d, const std::uint32_t* a, const std::uint32_t* b) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
  asm volatile(
      "mma.sync.aligned.m16n8k256.row.col.s32.b1.b1.s32.and.popc "
      "{%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, {%0, %1, %2, %3};\n"
      : "+r"(d[0]), "+r"(d[1]), "+r"(d[2]), "+r"(d[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#else
  (void)d, (void)a, (void)b;
  __trap();  // the host refuses devices below sm_80 before launching
#endif
}

__global__ void __launch_bounds__(bmma_warps * 32) bmma_mul_add(view c, cview a, cview bt) {
  __shared__ unsigned long long bits[bmma_warps][32];
  const unsigned warp = threadIdx.x / 32, lane = threadIdx.x % 32;
  const std::size_t row0 = (static_cast<std::size_t>(blockIdx.y) * bmma_warps + warp) * bmma_warp_rows;
  const std::size_t col0 = static_cast<std::size_t>(blockIdx.x) * bmma_warp_cols;
  if (row0 >= c.rows) return;  // whole warps only; no block barrier below
  int acc[2][8][4] = {};
  const std::size_t steps = bmma_steps(a.cols);
  for (std::size_t kc = 0; kc < steps; ++kc) {
    std::uint32_t af[2][4], bf[8][2];
#pragma unroll
    for (int mt = 0; mt < 2; ++mt) bmma_a_fragment(af[mt], a, row0 + 16 * mt, kc, lane);
#pragma unroll
    for (int nt = 0; nt < 8; ++nt) bmma_b_fragment(bf[nt], bt, col0 + 8 * nt, kc, lane);
#pragma unroll
    for (int mt = 0; mt < 2; ++mt)
#pragma unroll
      for (int nt = 0; nt < 8; ++nt) bmma_and_popc(acc[mt][nt], af[mt], bf[nt]);
  }
  bits[warp][lane] = 0;
  __syncwarp();
#pragma unroll
  for (int mt = 0; mt < 2; ++mt)
#pragma unroll
    for (int nt = 0; nt < 8; ++nt)
#pragma unroll
      for (unsigned r = 0; r < 4; ++r)
        if (acc[mt][nt][r] & 1) {
          std::size_t row, col;
          bmma_c_position(lane, r, row, col);
          atomicOr(&bits[warp][16 * mt + row], 1ull << (8 * nt + col));
        }
  __syncwarp();
  const std::size_t i = row0 + lane;
  if (i < c.rows && col0 / 64 < c.words()) c.row(i)[col0 / 64] ^= bits[warp][lane];
}
}  // namespace device

/// Which kernel multiplies device matrices (results are identical).
enum class mul_method { m4rm, tensor_core };

namespace detail {
inline void m4rm_mul_add(device::view c, device::cview a, device::cview b) {
  if (c.rows == 0 || c.words() == 0 || a.words() == 0) return;
  constexpr std::size_t bytes = device::m4rm_shared_words * sizeof(word);
  SUTRO_CUDA_CHECK(
      cudaFuncSetAttribute(device::m4rm_mul_add, cudaFuncAttributeMaxDynamicSharedMemorySize, static_cast<int>(bytes)));
  const dim3 grid(static_cast<unsigned>((c.words() + device::m4rm_tile_words - 1) / device::m4rm_tile_words),
                  static_cast<unsigned>((c.rows + device::m4rm_rows - 1) / device::m4rm_rows));
  if (grid.y > 65535) throw std::length_error("sutro::gf2::mul: " + shape(c.rows, c.cols) + " has too many rows");
  device::m4rm_mul_add<<<grid, device::m4rm_threads, bytes>>>(c, a, b);
  SUTRO_CUDA_CHECK(cudaGetLastError());
}

/// c += a bt^T on the tensor cores (bt: b transposed, same stride as a).
inline void bmma_mul_add(device::view c, device::cview a, device::cview bt) {
  if (c.rows == 0 || c.words() == 0 || a.words() == 0) return;
  int dev = 0, major = 0;
  SUTRO_CUDA_CHECK(cudaGetDevice(&dev));
  SUTRO_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, dev));
  if (major < 8)
    throw std::invalid_argument(
        "sutro::gf2::mul: mul_method::tensor_core needs compute capability 8.0 "
        "or later (this device has " +
        std::to_string(major) + ".x)");
  const std::size_t rows_per_block = device::bmma_warps * device::bmma_warp_rows;
  const dim3 grid(static_cast<unsigned>(c.words()),
                  static_cast<unsigned>((c.rows + rows_per_block - 1) / rows_per_block));
  if (grid.y > 65535) throw std::length_error("sutro::gf2::mul: " + shape(c.rows, c.cols) + " has too many rows");
  device::bmma_mul_add<<<grid, device::bmma_warps * 32>>>(c, a, bt);
  SUTRO_CUDA_CHECK(cudaGetLastError());
}
}  // namespace detail

/// c += a b. Throws std::invalid_argument on mismatched shapes or when c is a or b.
template <class AC, class AA, class AB>
void mul_add(matrix<sutro::cuda, AC>& c, const matrix<sutro::cuda, AA>& a, const matrix<sutro::cuda, AB>& b,
             mul_method method = mul_method::m4rm) {
  if (a.cols() != b.rows() || c.rows() != a.rows() || c.cols() != b.cols())
    throw std::invalid_argument("sutro::gf2::mul_add: cannot multiply " + detail::shape(a.rows(), a.cols()) + " by " +
                                detail::shape(b.rows(), b.cols()) + " into " + detail::shape(c.rows(), c.cols()));
  const word* cd = c.data();
  if (cd != nullptr && (cd == a.data() || cd == b.data()))
    throw std::invalid_argument("sutro::gf2::mul_add: the output overlaps an input");
  if (method == mul_method::m4rm) {
    detail::m4rm_mul_add(c.device_view(), a.device_view(), b.device_view());
  } else {
    const matrix<sutro::cuda, AB> bt = sutro::gf2::transpose(b);
    detail::bmma_mul_add(c.device_view(), a.device_view(), bt.device_view());
  }
}

template <class AA, class AB>
matrix<sutro::cuda, AA> mul(const matrix<sutro::cuda, AA>& a, const matrix<sutro::cuda, AB>& b,
                            mul_method method = mul_method::m4rm) {
  if (a.cols() != b.rows())
    throw std::invalid_argument("sutro::gf2::mul: cannot multiply " + detail::shape(a.rows(), a.cols()) + " by " +
                                detail::shape(b.rows(), b.cols()));
  matrix<sutro::cuda, AA> c(a.rows(), b.cols(), a.get_allocator());
  sutro::gf2::mul_add(c, a, b, method);
  return c;
}

template <class AA, class AB>
matrix<sutro::cuda, AA> operator*(const matrix<sutro::cuda, AA>& a, const matrix<sutro::cuda, AB>& b) {
  return sutro::gf2::mul(a, b);
}

}  // namespace sutro::gf2
