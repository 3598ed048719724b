#pragma once
// Accessor policies in the manner of std::mdspan's AccessorPolicy, and the
// views that use them. A container or kernel written against
// view<T, Accessor> runs untouched with default_accessor (a plain T&, zero
// overhead) or recording_accessor (every element access recorded in a trace).
//
//   std::vector<float> w(100);
//   sutro::memory::trace t({.unit = sutro::memory::granularity::word});
//   sutro::memory::view<float, sutro::memory::recording_accessor<float>> v(w.data(), w.size(), {&t});
//   float s = 0;
//   for (std::size_t i = 0; i < v.size(); ++i) s += v[i];   // 100 reads
//   v[3] = s;                                               // 1 write
//   v[4] += 1.0f;                                           // 1 read + 1 write
//
// What is counted: each conversion of a recording_reference to T (a read), each
// assignment through it (a write), each compound assignment (read, then
// write). What is not reachable: a traced view has no data()/data_handle(),
// a recording_reference has no unary & and no conversion to T&, so a raw pointer
// to a traced element cannot be obtained through the view. (Code that kept
// the raw pointer it built the view from is outside the view's reach: build
// traced views from the container's own accessor hook, see docs/metrics.md.)

#include <cstddef>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "sutro/memory/trace.hpp"

namespace sutro::memory {

template <class T>
struct default_accessor {
  using element_type = T;
  using reference = T&;
  using data_handle_type = T*;
  using offset_policy = default_accessor;
  constexpr reference access(data_handle_type p, std::size_t i) const noexcept { return p[i]; }
  constexpr data_handle_type offset(data_handle_type p, std::size_t i) const noexcept { return p + i; }
};

/// Proxy reference: reads and writes through it are recorded.
template <class T>
class recording_reference {
 public:
  using value_type = std::remove_const_t<T>;
  recording_reference(T* p, trace* t) noexcept : p_(p), t_(t) {}
  recording_reference(const recording_reference&) = default;

  operator value_type() const {  // NOLINT: the read
    t_->record(p_, sizeof(T), access_kind::read);
    return *p_;
  }
  [[nodiscard]] value_type get() const { return static_cast<value_type>(*this); }

  const recording_reference& operator=(const value_type& v) const requires(!std::is_const_v<T>) {
    t_->record(p_, sizeof(T), access_kind::write);
    *p_ = v;
    return *this;
  }
  /// Element-to-element copy: a read of the source, then a write.
  const recording_reference& operator=(const recording_reference& o) const requires(!std::is_const_v<T>) {
    return *this = o.get();
  }
#define SUTRO_TRACED_COMPOUND(OP)                                                             \
  template <class U>                                                                          \
  const recording_reference& operator OP##=(const U& v) const requires(!std::is_const_v<T>) { \
    return *this = static_cast<value_type>(get() OP v);                                       \
  }
  SUTRO_TRACED_COMPOUND(+)
  SUTRO_TRACED_COMPOUND(-)
  SUTRO_TRACED_COMPOUND(*)
  SUTRO_TRACED_COMPOUND(/)
  SUTRO_TRACED_COMPOUND(^)
  SUTRO_TRACED_COMPOUND(&)
  SUTRO_TRACED_COMPOUND(|)
#undef SUTRO_TRACED_COMPOUND

  void operator&() const = delete;  // no raw pointer to a traced element

 private:
  T* p_;
  trace* t_;
};

template <class T>
struct recording_accessor {
  using element_type = T;
  using reference = recording_reference<T>;
  using data_handle_type = T*;
  using offset_policy = recording_accessor;
  trace* sink = nullptr;
  reference access(data_handle_type p, std::size_t i) const {
    if (sink == nullptr) throw std::logic_error("sutro::memory::recording_accessor: no trace attached");
    return reference(p + i, sink);
  }
  constexpr data_handle_type offset(data_handle_type p, std::size_t i) const noexcept { return p + i; }
};

template <class A>
inline constexpr bool exposes_data_v = std::is_same_v<typename A::reference, typename A::element_type&>;

/// A pointer-like handle through an accessor (p[i], p + n, *p) for kernels
/// written once against "something indexable": with an accessor whose
/// reference is a plain T& use T* itself (see handle_t), so that instantiation
/// is the raw-pointer code; otherwise every p[i] goes through access(). It
/// never converts to a raw pointer.
template <class T, class Accessor>
class accessed_ptr {
 public:
  using element_type = T;
  using reference = typename Accessor::reference;
  accessed_ptr(typename Accessor::data_handle_type p, Accessor acc) noexcept : p_(p), acc_(acc) {}
  /// A handle to non-const elements converts to one to const elements.
  template <class U, class A2>
  requires(std::is_same_v<const U, T> && !std::is_same_v<U, T>) accessed_ptr(const accessed_ptr<U, A2>& o)
  noexcept : p_(o.p_), acc_{o.acc_.sink} {}

  reference operator[](std::size_t i) const { return acc_.access(p_, i); }
  reference operator*() const { return acc_.access(p_, 0); }
  accessed_ptr operator+(std::size_t n) const noexcept { return {acc_.offset(p_, n), acc_}; }

 private:
  template <class, class>
  friend class accessed_ptr;
  typename Accessor::data_handle_type p_;
  Accessor acc_;
};

/// P with __restrict when P is a raw pointer: kernels written over handles take
/// `restrict_t<P>` parameters (named template arguments, not deduced), so the
/// raw instantiation keeps the no-alias promise of the pointer code it replaces.
template <class P>
struct restrict_pointer {
  using type = P;
};
template <class T>
struct restrict_pointer<T*> {
  using type = T* __restrict;
};
template <class P>
using restrict_t = typename restrict_pointer<P>::type;

/// T* for accessors that expose data (default_accessor), accessed_ptr otherwise.
template <class T, class Accessor>
using handle_t = std::conditional_t<exposes_data_v<Accessor>, T*, accessed_ptr<T, Accessor>>;

/// The handle a kernel indexes: the raw pointer itself under default_accessor.
template <class Accessor, class T>
handle_t<T, Accessor> make_handle(T* p, const Accessor& acc) noexcept {
  if constexpr (exposes_data_v<Accessor>)
    return (void)acc, p;
  else
    return accessed_ptr<T, Accessor>(p, acc);
}

/// A 1-D or row-major 2-D view (rows x cols, row stride >= cols) over a buffer.
template <class T, class Accessor = default_accessor<T>>
class view {
 public:
  using element_type = T;
  using accessor_type = Accessor;
  using reference = typename Accessor::reference;

  view(T* data, std::size_t size, Accessor acc = {}) : view(data, 1, size, size, acc) {}
  view(T* data, std::size_t rows, std::size_t cols, std::size_t stride, Accessor acc = {})
      : p_(data), rows_(rows), cols_(cols), stride_(stride), acc_(acc) {
    if (stride < cols)
      throw std::invalid_argument("sutro::memory::view: stride " + std::to_string(stride) + " < cols " +
                                  std::to_string(cols));
    // rows x stride bounds every offset r * stride + c and, as cols <= stride,
    // the size rows x cols: neither may wrap.
    std::size_t extent;
    if (__builtin_mul_overflow(rows, stride, &extent))
      throw std::invalid_argument("sutro::memory::view: rows " + std::to_string(rows) + " x stride " +
                                  std::to_string(stride) + " (cols " + std::to_string(cols) +
                                  ") overflows the size type");
    if (p_ == nullptr && rows * cols != 0) throw std::invalid_argument("sutro::memory::view: null data");
  }

  [[nodiscard]] std::size_t size() const noexcept { return rows_ * cols_; }
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  [[nodiscard]] std::size_t cols() const noexcept { return cols_; }
  [[nodiscard]] std::size_t stride() const noexcept { return stride_; }

  /// Element i of a 1-D view (rows() == 1), unchecked like std::span.
  reference operator[](std::size_t i) const { return acc_.access(p_, i); }
  reference operator()(std::size_t r, std::size_t c) const { return acc_.access(p_, r * stride_ + c); }
  /// Bounds-checked access.
  [[nodiscard]] reference at(std::size_t r, std::size_t c) const {
    if (r >= rows_ || c >= cols_)
      throw std::out_of_range("sutro::memory::view::at: (" + std::to_string(r) + ", " + std::to_string(c) +
                              ") outside " + std::to_string(rows_) + " x " + std::to_string(cols_));
    return (*this)(r, c);
  }
  /// Row r as a 1-D view with the same accessor.
  [[nodiscard]] view row(std::size_t r) const { return view(acc_.offset(p_, r * stride_), 1, cols_, cols_, acc_); }

  /// Only for accessors whose reference is a plain T&: a traced view has no
  /// way to hand out its pointer.
  [[nodiscard]] T* data() const noexcept requires exposes_data_v<Accessor> { return p_; }
  [[nodiscard]] const Accessor& accessor() const noexcept { return acc_; }

 private:
  T* p_;
  std::size_t rows_, cols_, stride_;
  Accessor acc_;
};

/// A traced view over a buffer, recording into t.
template <class T>
view<T, recording_accessor<T>> recording_view(T* data, std::size_t size, trace& t) {
  return view<T, recording_accessor<T>>(data, size, recording_accessor<T>{&t});
}
template <class T>
view<T, recording_accessor<T>> recording_view(T* data, std::size_t rows, std::size_t cols, trace& t) {
  return view<T, recording_accessor<T>>(data, rows, cols, cols, recording_accessor<T>{&t});
}

}  // namespace sutro::memory
