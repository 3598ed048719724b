#pragma once
// gf2::recorded_matrix: a matrix whose every word access is recorded in a
// memory::trace, for measuring the data movement of the library's own GF(2)
// kernels (reuse distance, DMD, energy estimate). It owns its matrix and hands
// out no pointer: rows are memory::view objects with the traced accessor, and
// the operations below run the scalar kernels (the same template code as the
// scalar backend) with accessed rows, whatever backend tag the matrix had.
//
//   sutro::memory::trace t({.unit = sutro::memory::granularity::word});
//   auto a = sutro::gf2::recorded(M::random(64, 128, 1), t);   // takes the matrix
//   auto b = sutro::gf2::recorded(M::random(64, 128, 2), t);
//   sutro::gf2::add_into(a, b);          // t.reads() += 2 * 64 * 2, t.writes() += 64 * 2
//   auto r = sutro::gf2::rank(a);        // copy + reference elimination, all traced
//   M plain = std::move(a).release();    // tracing ends; the matrix is yours again
//
// Counted: each read and each write of a 64-bit word of a traced matrix (or of
// a result, or of the 64-word tile of a transpose), through the kernels or
// through row(i)/get/set. Not counted: loop indices and the scalars a kernel
// keeps in registers, and zero-filling a new result (the allocation, before
// any kernel runs). Only words in [0, words_used()) of a row are touched.

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

#include "sutro/gf2/add.hpp"
#include "sutro/gf2/echelon.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/multiply.hpp"
#include "sutro/gf2/scalar/access.hpp"
#include "sutro/gf2/scalar/echelon.hpp"
#include "sutro/gf2/scalar/multiply.hpp"
#include "sutro/gf2/scalar/transpose.hpp"
#include "sutro/gf2/transpose.hpp"
#include "sutro/memory/accessor.hpp"
#include "sutro/memory/trace.hpp"

namespace sutro::gf2 {

template <class Backend = sutro::default_backend, class Alloc = sutro::backend_allocator_t<Backend, word>>
class recorded_matrix {
 public:
  using backend_type = Backend;  // of the owned matrix; kernels run scalar
  using matrix_type = matrix<Backend, Alloc>;
  using row_view = memory::view<word, memory::recording_accessor<word>>;
  using const_row_view = memory::view<const word, memory::recording_accessor<const word>>;

  recorded_matrix(matrix_type m, memory::trace& t) : m_(std::move(m)), t_(&t) {}
  recorded_matrix(recorded_matrix&&) noexcept = default;
  recorded_matrix& operator=(recorded_matrix&&) = default;  // noexcept as the matrix's

  [[nodiscard]] std::size_t rows() const noexcept { return m_.rows(); }
  [[nodiscard]] std::size_t cols() const noexcept { return m_.cols(); }
  [[nodiscard]] std::size_t words_used() const noexcept { return m_.words_used(); }
  memory::trace& recorder() const noexcept { return *t_; }

  /// The words_used() words of row i, traced (keep bits past cols() zero).
  row_view row(std::size_t i) {
    check_row(i);
    return row_view(m_.row_ptr(i), m_.words_used(), memory::recording_accessor<word>{t_});
  }
  const_row_view row(std::size_t i) const {
    check_row(i);
    return const_row_view(m_.row_ptr(i), m_.words_used(), memory::recording_accessor<const word>{t_});
  }
  /// One traced word read.
  [[nodiscard]] bool get(std::size_t i, std::size_t j) const {
    check(i, j);
    return (word(row(i)[j / 64]) >> (j % 64)) & 1u;
  }
  /// One traced word read and one write.
  void set(std::size_t i, std::size_t j, bool value) {
    check(i, j);
    const word bit = word{1} << (j % 64);
    const auto w = row(i)[j / 64];
    const word old = w;
    w = value ? (old | bit) : (old & ~bit);
  }

  /// Ends tracing and returns the matrix (the traced object is left empty).
  [[nodiscard]] matrix_type release() && { return std::move(m_); }

  // For the operations below: the rows through the traced accessor.
  detail::recorded_block<word> recording_rows() noexcept {
    return {m_.data(), m_.rows(), m_.cols(), m_.stride(), memory::recording_accessor<word>{t_}};
  }
  detail::recorded_block<const word> recording_rows() const noexcept {
    return {m_.data(), m_.rows(), m_.cols(), m_.stride(), memory::recording_accessor<const word>{t_}};
  }
  /// A zero matrix of the same backend and allocator, traced into the same trace.
  [[nodiscard]] recorded_matrix zeros(std::size_t r, std::size_t c) const {
    return recorded_matrix(matrix_type(r, c, m_.get_allocator()), *t_);
  }

 private:
  void check_row(std::size_t i) const {
    if (i >= rows())
      throw std::out_of_range("sutro::gf2::recorded_matrix: row " + std::to_string(i) + " of a " +
                              detail::shape(rows(), cols()) + " matrix");
  }
  void check(std::size_t i, std::size_t j) const {
    if (i >= rows() || j >= cols())
      throw std::out_of_range("sutro::gf2::recorded_matrix: (" + std::to_string(i) + ", " + std::to_string(j) +
                              ") outside a " + detail::shape(rows(), cols()) + " matrix");
  }
  matrix_type m_;
  memory::trace* t_;
};

/// Wraps a matrix (moved in, or copied untraced) so its accesses are recorded in t.
template <class Backend, class Alloc>
[[nodiscard]] recorded_matrix<Backend, Alloc> recorded(matrix<Backend, Alloc> m, memory::trace& t) {
  return recorded_matrix<Backend, Alloc>(std::move(m), t);
}

namespace detail {
template <class B, class A, class B2, class A2>
void check_same_trace(const char* what, const recorded_matrix<B, A>& a, const recorded_matrix<B2, A2>& b) {
  if (&a.recorder() != &b.recorder())
    throw std::invalid_argument(std::string("sutro::gf2::") + what +
                                ": the traced matrices record into different traces");
}
}  // namespace detail

/// A traced copy (reads of a, writes of the copy).
template <class B, class A>
[[nodiscard]] recorded_matrix<B, A> copy_of(const recorded_matrix<B, A>& a) {
  auto out = a.zeros(a.rows(), a.cols());
  const auto s = a.recording_rows();
  const auto d = out.recording_rows();
  for (std::size_t i = 0; i < s.rows; ++i)
    for (std::size_t w = 0; w < s.words(); ++w) d.row(i)[w] = word(s.row(i)[w]);
  return out;
}

/// dst += src: per row, words_used reads of src, reads and writes of dst.
template <class B, class A, class B2, class A2>
void add_into(recorded_matrix<B, A>& dst, const recorded_matrix<B2, A2>& src) {
  detail::check_same_shape("add_into", dst.rows(), dst.cols(), src.rows(), src.cols());
  detail::check_same_trace("add_into", dst, src);
  const auto d = dst.recording_rows();
  const auto s = src.recording_rows();
  for (std::size_t i = 0; i < d.rows; ++i) kernels::xor_row(scalar{}, d.row(i), s.row(i), d.words());
}

/// a + b as gf2::add computes it: a traced copy of a, then add_into.
template <class B, class A, class B2, class A2>
[[nodiscard]] recorded_matrix<B, A> add(const recorded_matrix<B, A>& a, const recorded_matrix<B2, A2>& b) {
  detail::check_same_shape("add", a.rows(), a.cols(), b.rows(), b.cols());
  detail::check_same_trace("add", a, b);
  auto out = sutro::gf2::copy_of(a);
  sutro::gf2::add_into(out, b);
  return out;
}

/// c += a b with the scalar reference product.
template <class B, class A, class B2, class A2, class B3, class A3>
void mul_add(recorded_matrix<B, A>& c, const recorded_matrix<B2, A2>& a, const recorded_matrix<B3, A3>& b) {
  if (a.cols() != b.rows() || c.rows() != a.rows() || c.cols() != b.cols())
    throw std::invalid_argument("sutro::gf2::mul_add: cannot multiply " + detail::shape(a.rows(), a.cols()) + " by " +
                                detail::shape(b.rows(), b.cols()) + " into " + detail::shape(c.rows(), c.cols()));
  detail::check_same_trace("mul_add", c, a);
  detail::check_same_trace("mul_add", c, b);
  if (static_cast<const void*>(&c) == &a || static_cast<const void*>(&c) == &b)
    throw std::invalid_argument("sutro::gf2::mul_add: the output is an input");
  kernels::mul_add_rowwise(scalar{}, c.recording_rows(), a.recording_rows(), b.recording_rows());
}

template <class B, class A, class B2, class A2>
[[nodiscard]] recorded_matrix<B, A> mul(const recorded_matrix<B, A>& a, const recorded_matrix<B2, A2>& b) {
  if (a.cols() != b.rows())
    throw std::invalid_argument("sutro::gf2::mul: cannot multiply " + detail::shape(a.rows(), a.cols()) + " by " +
                                detail::shape(b.rows(), b.cols()));
  auto c = a.zeros(a.rows(), b.cols());
  sutro::gf2::mul_add(c, a, b);
  return c;
}

/// The transpose by 64x64 tiles; the tile lives on the stack and is traced too.
template <class B, class A>
[[nodiscard]] recorded_matrix<B, A> transpose(const recorded_matrix<B, A>& a) {
  auto out = a.zeros(a.cols(), a.rows());
  word tile[64];
  const memory::recording_accessor<word> acc{&a.recorder()};
  kernels::transpose_tiles(out.recording_rows(), a.recording_rows(), memory::make_handle(tile + 0, acc));
  return out;
}

/// In place, with the reference (one pivot at a time) elimination.
template <class B, class A>
echelon_info echelonize(recorded_matrix<B, A>& a, bool reduced = true) {
  return kernels::echelonize_rowwise(scalar{}, a.recording_rows(), reduced, a.cols());
}

/// As gf2::rank: a traced copy, then a (not reduced) elimination of it.
template <class B, class A>
[[nodiscard]] std::size_t rank(const recorded_matrix<B, A>& a) {
  auto form = sutro::gf2::copy_of(a);
  return sutro::gf2::echelonize(form, false).rank;
}

template <class B, class A>
[[nodiscard]] echelon_result<recorded_matrix<B, A>> reduced_row_echelon(const recorded_matrix<B, A>& a) {
  auto form = sutro::gf2::copy_of(a);
  auto info = sutro::gf2::echelonize(form, true);
  return {std::move(form), std::move(info)};
}

}  // namespace sutro::gf2
