#pragma once
// Linear systems A X = B with device matrices (a right-hand side vector is a
// one-column matrix), as sutro::gf2::solve on the host: one reduced echelon
// form of [A | B] (echelon.cuh), then the particular solution (free variables
// zero) and a nullspace basis (its COLUMNS) are assembled on the device.
//
//   auto s = sutro::gf2::solve(a, b);     // a: m x n, b: m x k, both gf2::matrix<sutro::cuda>
//   if (s.consistent) { /* a * s.solution == b */ }   // s.solution: n x k, s.nullspace: n x (n - rank)
//   auto k = sutro::gf2::kernel(a);       // n x (n - rank), a * k == 0
//   auto inv = sutro::gf2::inverse(a);    // std::domain_error when singular
//
// rows(A) != rows(B) throws std::invalid_argument, as do the other host
// errors, with the host's messages.

#if !defined(__CUDACC__)
#error "sutro/gf2/cuda/solve.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sutro/gf2/cuda/echelon.cuh"
#include "sutro/gf2/cuda/matrix.cuh"
#include "sutro/gf2/solve.hpp"

namespace sutro::gf2 {
namespace device {
/// This thread's first item of a grid-stride loop, and the stride.
inline __device__ void grid_items(std::size_t& first, std::size_t& step) {
  first = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  step = static_cast<std::size_t>(gridDim.x) * blockDim.x;
}

__global__ void hcat_rows(view out, cview a, cview b) {
  std::size_t t, step;
  grid_items(t, step);
  const std::size_t ow = out.words();
  for (; t < out.rows * ow; t += step) {
    const std::size_t i = t / ow, w = t % ow;
    out.row(i)[w] = hcat_word(a.row(i), a.cols, b.row(i), b.cols, w);
  }
}

/// flag = 1 when a row at or past `from` has a bit left (an inconsistent system).
__global__ void any_bits(cview r, std::size_t from, unsigned* flag) {
  std::size_t t, step;
  grid_items(t, step);
  const std::size_t rw = r.words(), n = (r.rows - from) * rw;
  for (; t < n; t += step)
    if (r.row(from + t / rw)[t % rw]) *flag = 1;
}

__global__ void solution_rows(view x, cview r, const std::size_t* pivots, std::size_t rank, std::size_t n) {
  std::size_t t, step;
  grid_items(t, step);
  const std::size_t xw = x.words();
  for (; t < rank * xw; t += step) {
    const std::size_t row = t / xw, w = t % xw;
    x.row(pivots[row])[w] = columns_word(r.row(row), r.words(), n, x.cols, w);
  }
}

__global__ void nullspace_rows(view basis, cview r, const std::int64_t* role, const std::size_t* free_cols) {
  std::size_t t, step;
  grid_items(t, step);
  const std::size_t bw = basis.words();
  for (; t < basis.rows * bw; t += step)
    basis.row(t / bw)[t % bw] = nullspace_word(r, role, free_cols, basis.cols, t / bw, t % bw);
}
}  // namespace device

/// Solves A X = B on the device.
template <class A1, class A2>
solve_matrix_result<sutro::cuda, A1> solve(const matrix<sutro::cuda, A1>& a, const matrix<sutro::cuda, A2>& b) {
  if (a.rows() != b.rows())
    throw std::invalid_argument("sutro::gf2::solve: A is " + detail::shape(a.rows(), a.cols()) + " and B is " +
                                detail::shape(b.rows(), b.cols()) + " (their row counts must agree)");
  using M = matrix<sutro::cuda, A1>;
  const std::size_t m = a.rows(), n = a.cols(), k = b.cols();
  const auto counter = detail::device_scratch_allocator<word>(a);
  constexpr unsigned threads = 256;

  M aug(m, n + k, a.get_allocator());
  if (m != 0 && aug.words_used() != 0) {
    device::hcat_rows<<<detail::grid_for(m * aug.words_used(), threads), threads>>>(aug.device_view(), a.device_view(),
                                                                                    b.device_view());
    SUTRO_CUDA_CHECK(cudaGetLastError());
  }
  const echelon_info info = detail::echelonize_device(aug.device_view(), true, n, counter);
  const std::size_t rank = info.rank, nfree = n - rank;

  solve_matrix_result<sutro::cuda, A1> out{false, M(n, k, a.get_allocator()), M(n, nfree, a.get_allocator())};
  unsigned bad = 0;
  if (m > rank && aug.words_used()) {
    detail::device_buffer<unsigned> flag(1, memory::device_allocator<unsigned>(counter));
    SUTRO_CUDA_CHECK(cudaMemset(flag.data(), 0, sizeof(unsigned)));
    device::any_bits<<<detail::grid_for((m - rank) * aug.words_used(), threads), threads>>>(
        device::as_const(aug.device_view()), rank, flag.data());
    SUTRO_CUDA_CHECK(cudaGetLastError());
    flag.download(&bad, 1);
  }
  out.consistent = bad == 0;

  detail::device_buffer<std::size_t> pivots(rank, memory::device_allocator<std::size_t>(counter));
  pivots.upload(info.pivots.data(), rank);
  if (out.consistent && rank != 0 && out.solution.words_used() != 0) {
    device::solution_rows<<<detail::grid_for(rank * out.solution.words_used(), threads), threads>>>(
        out.solution.device_view(), device::as_const(aug.device_view()), pivots.data(), rank, n);
    SUTRO_CUDA_CHECK(cudaGetLastError());
  }
  if (n != 0 && out.nullspace.words_used() != 0) {
    std::vector<std::int64_t> role(n);
    std::vector<std::size_t> free_cols(nfree);
    device::nullspace_roles(info.pivots.data(), rank, n, role.data(), free_cols.data());
    detail::device_buffer<std::int64_t> drole(n, memory::device_allocator<std::int64_t>(counter));
    detail::device_buffer<std::size_t> dfree(nfree, memory::device_allocator<std::size_t>(counter));
    drole.upload(role.data(), n);
    dfree.upload(free_cols.data(), nfree);
    device::nullspace_rows<<<detail::grid_for(n * out.nullspace.words_used(), threads), threads>>>(
        out.nullspace.device_view(), device::as_const(aug.device_view()), drole.data(), dfree.data());
    SUTRO_CUDA_CHECK(cudaGetLastError());
  }
  return out;
}

/// Basis of {x : A x = 0} as the columns of a cols(A) x (cols(A) - rank(A)) matrix.
template <class Alloc>
matrix<sutro::cuda, Alloc> kernel(const matrix<sutro::cuda, Alloc>& a) {
  return sutro::gf2::solve(a, matrix<sutro::cuda, Alloc>(a.rows(), 0, a.get_allocator())).nullspace;
}

/// The inverse of a square matrix: std::invalid_argument when not square,
/// std::domain_error when singular (the host's messages).
template <class Alloc>
matrix<sutro::cuda, Alloc> inverse(const matrix<sutro::cuda, Alloc>& a) {
  const std::size_t n = a.rows();
  if (a.cols() != n)
    throw std::invalid_argument("sutro::gf2::inverse: A is " + detail::shape(a.rows(), a.cols()) + ", not square");
  auto s = sutro::gf2::solve(a, matrix<sutro::cuda, Alloc>::identity(n, a.get_allocator()));
  const std::size_t rank = n - s.nullspace.cols();
  if (rank != n)
    throw std::domain_error("sutro::gf2::inverse: the " + detail::shape(n, n) + " matrix is singular (rank " +
                            std::to_string(rank) + ")");
  return std::move(s.solution);
}

}  // namespace sutro::gf2
