#pragma once
// tensor_ref<T>: a non-owning row-major rows x cols view of one parameter (or
// its gradient); tensor<T, Alloc>: the owning buffer behind it.
//
//   sutro::nn::tensor<float> w(200, 20);        // zeros, 64-byte aligned, counted
//   sutro::nn::tensor_ref<float> v = w.ref();   // what optimizers see: data + shape
//   v(3, 4) = 1.0f;                              // row 3, column 4
//   assert(v.kind() == sutro::nn::param_kind::matrix);
//
// Optimizers see every layer as such a view, so matrix-aware rules (EGD, Muon)
// know each layer's shape; `weight_layout` says which side is the output.

#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "sutro/backend/traits.hpp"
#include "sutro/memory/accounting_allocator.hpp"
#include "sutro/memory/aligned_allocator.hpp"

namespace sutro::nn {

/// Which side of a weight is the output: out_in is PyTorch's (fan_out x fan_in),
/// in_out Flax's (fan_in x fan_out), which sutro::nn uses.
enum class layout { out_in, in_out };

/// How shape-aware rules treat a tensor: a matrix (both sides > 1), a vector, a scalar.
enum class param_kind { matrix, vector, scalar };

template <class T>
struct tensor_ref {
  T* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;
  layout weight_layout = layout::out_in;

  [[nodiscard]] std::size_t fan_in() const noexcept { return weight_layout == layout::out_in ? cols : rows; }
  [[nodiscard]] std::size_t fan_out() const noexcept { return weight_layout == layout::out_in ? rows : cols; }
  [[nodiscard]] std::size_t size() const noexcept { return rows * cols; }
  [[nodiscard]] std::span<T> span() const noexcept { return {data, size()}; }
  [[nodiscard]] T& operator()(std::size_t r, std::size_t c) const noexcept { return data[r * cols + c]; }
  [[nodiscard]] param_kind kind() const noexcept {
    if (size() == 1) return param_kind::scalar;
    if (rows == 1 || cols == 1) return param_kind::vector;
    return param_kind::matrix;
  }
};

[[nodiscard]] inline std::string shape_string(std::size_t rows, std::size_t cols) {
  // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on "(" + to_string(...).
  std::string s(1, '(');
  s += std::to_string(rows);
  s += " x ";
  s += std::to_string(cols);
  s += ')';
  return s;
}

/// Throws std::invalid_argument naming both shapes unless they agree.
template <class A, class B>
void require_same_shape(const tensor_ref<A>& a, const tensor_ref<B>& b, const char* what) {
  if (a.rows != b.rows || a.cols != b.cols)
    throw std::invalid_argument(std::string(what) + ": shape " + shape_string(a.rows, a.cols) + " does not match " +
                                shape_string(b.rows, b.cols));
}

template <class T, class Alloc = backend_allocator_t<default_backend, T>>
class tensor {
 public:
  tensor() = default;
  /// Throws std::length_error when rows x cols does not fit in a buffer.
  tensor(std::size_t rows, std::size_t cols, const Alloc& alloc = Alloc()) : rows_(rows), cols_(cols), data_(alloc) {
    if (cols != 0 && rows > data_.max_size() / cols)
      throw std::length_error("sutro::nn::tensor::tensor: " + shape_string(rows, cols) + " does not fit in a buffer");
    data_.assign(rows * cols, T(0));
  }

  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  [[nodiscard]] std::size_t cols() const noexcept { return cols_; }
  [[nodiscard]] std::size_t size() const noexcept { return data_.size(); }
  [[nodiscard]] T* data() noexcept { return data_.data(); }
  [[nodiscard]] const T* data() const noexcept { return data_.data(); }
  [[nodiscard]] tensor_ref<T> ref(layout l = layout::out_in) noexcept { return {data_.data(), rows_, cols_, l}; }
  [[nodiscard]] tensor_ref<const T> ref(layout l = layout::out_in) const noexcept {
    return {data_.data(), rows_, cols_, l};
  }
  [[nodiscard]] T& operator()(std::size_t r, std::size_t c) noexcept { return data_[r * cols_ + c]; }
  [[nodiscard]] const T& operator()(std::size_t r, std::size_t c) const noexcept { return data_[r * cols_ + c]; }

 private:
  std::size_t rows_ = 0;
  std::size_t cols_ = 0;
  std::vector<T, Alloc> data_;
};

}  // namespace sutro::nn
