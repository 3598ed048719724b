#pragma once
// Products over GF(2): matrix-matrix, matrix-vector, vector-matrix, C += A B.
//
//   auto c = a * b;                               // rows(a) x cols(b)
//   sutro::gf2::mul_add(c, a, b);                 // c += a b (c a matrix or a writable window)
//   auto y = a * x;  auto z = x * a;              // with gf2::vector x
//   auto d = sutro::gf2::mul(a, b, /*threads=*/2); // optional threads (default 1; 0: one per core)
//
// The scalar backend is the reference (one row XOR per set bit of A). The simd
// backend multiplies 8x8 bit blocks with GF2P8AFFINEQB where the CPU has
// GFNI and AVX-512 VBMI (checked at run time), else uses the Method of Four Russians (8-bit tables
// over column slabs), with Strassen-Winograd above a measured cutoff; results
// are identical.
// Mismatched shapes throw std::invalid_argument naming both.

#include <cstddef>
#include <stdexcept>
#include <string>

#include "sutro/backend/cpu.hpp"
#include "sutro/gf2/add.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/scalar/multiply.hpp"
#include "sutro/gf2/vector.hpp"
#if SUTRO_SIMD_ENABLED
#include "sutro/gf2/simd/kernels.hpp"
#endif

namespace sutro::gf2 {

/// c += a b. Throws std::invalid_argument on mismatched shapes or when c shares
/// words with a or b (disjoint windows of one matrix are fine). Kernel scratch
/// is counted by c's allocator when it is an accounting one.
template <class C, matrix_like A, matrix_like B>
void mul_add(C&& c, const A& a, const B& b, unsigned threads = 1) {
  if (a.cols() != b.rows() || c.rows() != a.rows() || c.cols() != b.cols())
    throw std::invalid_argument("sutro::gf2::mul_add: cannot multiply " + detail::shape(a.rows(), a.cols()) + " by " +
                                detail::shape(b.rows(), b.cols()) + " into " + detail::shape(c.rows(), c.cols()));
  using Backend = typename std::remove_cvref_t<C>::backend_type;
  const detail::mblock cb = c.block();
  if (detail::overlaps(cb, a.block()) || detail::overlaps(cb, b.block()))
    throw std::invalid_argument("sutro::gf2::mul_add: the " + detail::shape(c.rows(), c.cols()) +
                                " output shares words with an input (" + detail::shape(a.rows(), a.cols()) + " times " +
                                detail::shape(b.rows(), b.cols()) + ")");
  const detail::scratch_scope scope(detail::scratch_counter_for(c));
  kernels::mul_add(Backend{}, cb, a.block(), b.block(), cpu::worker_threads(threads));
}

template <matrix_like A, matrix_like B>
[[nodiscard]] detail::result_t<A> mul(const A& a, const B& b, unsigned threads = 1) {
  if (a.cols() != b.rows())
    throw std::invalid_argument("sutro::gf2::mul: cannot multiply " + detail::shape(a.rows(), a.cols()) + " by " +
                                detail::shape(b.rows(), b.cols()));
  auto c = detail::make_result(a, a.rows(), b.cols());
  sutro::gf2::mul_add(c, a, b, threads);
  return c;
}

/// Frees the calling thread's kept kernel buffers: the GFNI product's packing
/// buffers (about three operands' worth), the plain elimination's L of a
/// large matrix (rows x min(rows, cols) bits) and the elimination's
/// Four-Russians tables (up to half a MiB). They are kept between calls
/// and counted in memory::default_stats() when the output counts there, so a
/// region measuring default_stats() that runs its thread's first (or largest)
/// such call sees them in bytes in use until this is called. Calls on a
/// matrix counted elsewhere use buffers freed on return. A no-op in builds
/// without the simd kernels.
inline void release_workspace() {
#if SUTRO_SIMD_ENABLED
  kernels::release_workspace();
#endif
}

/// mul(a, b) for matrices and windows on either side (a window's product
/// uses the default allocator, as mul's does).
template <matrix_like A, matrix_like B>
requires std::same_as<typename A::backend_type, typename B::backend_type>
[[nodiscard]] detail::result_t<A> operator*(const A& a, const B& b) { return sutro::gf2::mul(a, b); }

/// y = A x.
template <matrix_like A, class Backend, class VA>
[[nodiscard]] vector<Backend, VA> mul(const A& a, const vector<Backend, VA>& x) {
  if (a.cols() != x.size())
    throw std::invalid_argument("sutro::gf2::mul: cannot multiply " + detail::shape(a.rows(), a.cols()) +
                                " by a vector of size " + std::to_string(x.size()));
  vector<Backend, VA> y(a.rows(), x.get_allocator());
  kernels::mul_vec(Backend{}, y.data(), a.block(), x.data());
  return y;
}
/// y = x A.
template <class Backend, class VA, matrix_like A>
[[nodiscard]] vector<Backend, VA> mul(const vector<Backend, VA>& x, const A& a) {
  if (a.rows() != x.size())
    throw std::invalid_argument("sutro::gf2::mul: cannot multiply a vector of size " + std::to_string(x.size()) +
                                " by " + detail::shape(a.rows(), a.cols()));
  vector<Backend, VA> y(a.cols(), x.get_allocator());
  kernels::vec_mul(Backend{}, y.data(), x.data(), a.block());
  return y;
}
template <matrix_like A, class Backend, class VA>
requires std::same_as<typename A::backend_type, Backend>
[[nodiscard]] vector<Backend, VA> operator*(const A& a, const vector<Backend, VA>& x) { return sutro::gf2::mul(a, x); }
template <class Backend, class VA, matrix_like A>
requires std::same_as<typename A::backend_type, Backend>
[[nodiscard]] vector<Backend, VA> operator*(const vector<Backend, VA>& x, const A& a) { return sutro::gf2::mul(x, a); }

}  // namespace sutro::gf2
