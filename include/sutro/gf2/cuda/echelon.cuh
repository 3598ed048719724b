#pragma once
// Gaussian elimination of device matrices: rank, row echelon form, reduced
// row echelon form, with the host's pivot rule (first nonzero column, then
// first row at or below the current one), so the forms and pivots equal the
// host's bit for bit (the scalar reference does the same row operations).
//
//   auto info = sutro::gf2::echelonize(d, /*reduced=*/true);   // in place, host echelon_info
//   std::size_t r = sutro::gf2::rank(d);
//   auto [form, info2] = sutro::gf2::reduced_row_echelon(d);   // form: a device matrix
//
// One pivot column per step, two launches per step and no host round trip:
// a one-block launch finds the pivot (smallest row >= r with the bit) and
// swaps it up; a grid launch XORs the pivot row into every row holding the
// bit, one warp per row. The pivot row index lives in device memory
// (device::elim_state); the host reads it back every 256 columns only to
// stop early once every row has a pivot.

#if !defined(__CUDACC__)
#error "sutro/gf2/cuda/echelon.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#include <climits>
#include <cstddef>
#include <utility>
#include <vector>

#include "sutro/gf2/cuda/matrix.cuh"
#include "sutro/gf2/echelon.hpp"

namespace sutro::gf2 {
namespace device {
inline constexpr unsigned pivot_threads = 1024;

__global__ void __launch_bounds__(pivot_threads)
    elim_pivot(view a, std::size_t c, elim_state* st, std::size_t* pivots) {
  __shared__ unsigned long long best;
  if (threadIdx.x == 0) {
    elim_begin(*st);
    best = ULLONG_MAX;
  }
  __syncthreads();
  const elim_state s = *st;
  if (s.r >= a.rows) return;
  for (std::size_t i = s.r + threadIdx.x; i < a.rows; i += blockDim.x)
    if (elim_candidate(as_const(a), s, c, i)) {
      atomicMin(&best, static_cast<unsigned long long>(i));
      break;
    }
  __syncthreads();
  const unsigned long long p = best;
  if (p == ULLONG_MAX) return;
  if (p != s.r)
    for (std::size_t j = c / 64 + threadIdx.x; j < a.words(); j += blockDim.x) elim_swap_word(a, s, p, j);
  if (threadIdx.x == 0) {
    pivots[s.r] = c;
    st->found = 1;
  }
}

__global__ void elim_rows(view a, std::size_t c, const elim_state* st, bool reduced) {
  const elim_state s = *st;
  if (!s.found) return;
  const std::size_t thread = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const std::size_t nwarps = static_cast<std::size_t>(gridDim.x) * blockDim.x / 32;
  const unsigned lane = threadIdx.x % 32;
  for (std::size_t i = thread / 32; i < a.rows; i += nwarps) {
    const bool needs = elim_needs(as_const(a), s, c, i, reduced);
    __syncwarp();  // every lane has read the pivot bit before lane 0 may clear it
    if (needs)
      for (std::size_t j = c / 64 + lane; j < a.words(); j += 32) elim_xor_word(a, s, i, j);
  }
}
}  // namespace device

namespace detail {
/// Eliminates columns [0, col_limit) of a; the pivots are returned to the host.
inline echelon_info echelonize_device(device::view a, bool reduced, std::size_t col_limit,
                                      const memory::device_allocator<word>& counter) {
  echelon_info info;
  const std::size_t max_rank = a.rows < col_limit ? a.rows : col_limit;
  if (max_rank == 0) return info;
  device_buffer<device::elim_state> st(1, memory::device_allocator<device::elim_state>(counter));
  device_buffer<std::size_t> pivots(max_rank, memory::device_allocator<std::size_t>(counter));
  SUTRO_CUDA_CHECK(cudaMemset(st.data(), 0, sizeof(device::elim_state)));
  const unsigned row_blocks = grid_for(a.rows * 32, 256, 2048);
  device::elim_state host_state;
  for (std::size_t c = 0; c < col_limit; ++c) {
    device::elim_pivot<<<1, device::pivot_threads>>>(a, c, st.data(), pivots.data());
    SUTRO_CUDA_CHECK(cudaGetLastError());
    device::elim_rows<<<row_blocks, 256>>>(a, c, st.data(), reduced);
    SUTRO_CUDA_CHECK(cudaGetLastError());
    if (c % 256 == 255) {
      st.download(&host_state, 1);
      if (host_state.r + host_state.found >= a.rows) break;
    }
  }
  st.download(&host_state, 1);
  info.rank = static_cast<std::size_t>(host_state.r + host_state.found);
  info.pivots.resize(info.rank);
  pivots.download(info.pivots.data(), info.rank);
  return info;
}
}  // namespace detail

/// Eliminates in place; reduced = true gives the reduced row echelon form.
/// `threads` is accepted for the host signature and ignored.
template <class Alloc>
echelon_info echelonize(matrix<sutro::cuda, Alloc>& a, bool reduced = true, unsigned /*threads*/ = 1) {
  return detail::echelonize_device(a.device_view(), reduced, a.cols(), detail::device_scratch_allocator<word>(a));
}

template <class Alloc>
echelon_result<matrix<sutro::cuda, Alloc>> row_echelon(const matrix<sutro::cuda, Alloc>& a) {
  matrix<sutro::cuda, Alloc> form(a);
  auto info = sutro::gf2::echelonize(form, false);
  return {std::move(form), std::move(info)};
}

template <class Alloc>
echelon_result<matrix<sutro::cuda, Alloc>> reduced_row_echelon(const matrix<sutro::cuda, Alloc>& a) {
  matrix<sutro::cuda, Alloc> form(a);
  auto info = sutro::gf2::echelonize(form, true);
  return {std::move(form), std::move(info)};
}

template <class Alloc>
std::size_t rank(const matrix<sutro::cuda, Alloc>& a, unsigned /*threads*/ = 1) {
  matrix<sutro::cuda, Alloc> form(a);
  return sutro::gf2::echelonize(form, false).rank;
}

}  // namespace sutro::gf2
