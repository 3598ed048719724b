#pragma once
// traced<T>: a value whose every read is logged into the active dmd::context.
// Write the function once against traced<T>; dmd::bytedmd runs and prices it.
//
//   using sutro::dmd::traced;
//   auto f = [](traced<double> a, traced<double> b, traced<double> c) { return (a + b) + c; };
//   sutro::dmd::bytedmd(f, 1.0, 2.0, 3.0).cost;   // 6
//
// What is logged (and nothing else costs):
//   - every arithmetic, bitwise, comparison and logical operator with a traced
//     operand: one instruction reading its traced operands in order, defining
//     a new value (compound assignment x op= y is x = x op y);
//   - explicit conversion to T (static_cast<T>(x), x.get(), if (x)): a read of
//     x with no output, since a branch on a traced value is a read of it.
// Copying a traced value copies the handle, not a new value (as a Python name
// binding does); a traced<T> built from a plain T is a constant and free.
// && and || do not short-circuit (both operands are read).

#include <concepts>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "sutro/dmd/context.hpp"

namespace sutro::dmd {

template <class T>
class traced;

namespace detail {
inline context& checked(std::uint32_t serial) {
  context* c = context::active();
  if (c == nullptr || c->serial() != serial)
    throw std::logic_error("dmd::traced: value used outside the trace context that made it");
  return *c;
}
}  // namespace detail

template <class T>
class traced {
  static_assert(std::is_arithmetic_v<T>, "traced<T> needs an arithmetic T");

 public:
  using value_type = T;
  traced() = default;
  traced(T v) : v_(v) {}  // NOLINT: a constant (untracked, free), like a literal

  /// A new input value of the active context (not placed on the stack: the
  /// caller decides the preload order; dmd::bytedmd does).
  static traced input(T v) {
    context* c = context::active();
    if (c == nullptr) throw std::logic_error("dmd::traced::input: no active dmd::context");
    traced t(v);
    t.id_ = c->new_value();
    t.serial_ = c->serial();
    return t;
  }

  /// Reads the value (logged as a read when tracked).
  [[nodiscard]] T get() const {
    if (id_ != no_value) detail::checked(serial_).record("read", &id_, 1, false);
    return v_;
  }
  explicit operator T() const { return get(); }
  explicit operator bool() const requires(!std::same_as<T, bool>) { return get() != T{}; }

  /// The value without logging: for printing results after a run only.
  [[nodiscard]] T untraced_value() const noexcept { return v_; }
  [[nodiscard]] std::uint32_t id() const noexcept { return id_; }
  [[nodiscard]] bool tracked() const noexcept { return id_ != no_value; }

  template <class U, class F>
  static traced<U> apply(const char* op, const traced& a, const traced& b, F f) {
    traced<U> r(static_cast<U>(f(a.v_, b.v_)));
    std::uint32_t ids[2];
    std::uint32_t n = 0, serial = 0;
    if (a.id_ != no_value) ids[n++] = a.id_, serial = a.serial_;
    if (b.id_ != no_value) {
      if (n && b.serial_ != serial) throw std::logic_error("dmd::traced: operands from different contexts");
      ids[n++] = b.id_, serial = b.serial_;
    }
    if (n) r.bind(detail::checked(serial).record(op, ids, n), serial);
    return r;
  }
  template <class U, class F>
  static traced<U> apply1(const char* op, const traced& a, F f) {
    traced<U> r(static_cast<U>(f(a.v_)));
    if (a.id_ != no_value) r.bind(detail::checked(a.serial_).record(op, &a.id_, 1), a.serial_);
    return r;
  }
  void bind(std::uint32_t id, std::uint32_t serial) noexcept { id_ = id, serial_ = serial; }

 private:
  T v_{};
  std::uint32_t id_ = no_value;
  std::uint32_t serial_ = 0;
};

template <class T>
concept traced_value = requires { typename T::value_type; } && std::same_as<T, traced<typename T::value_type>>;

#define SUTRO_DMD_BINARY(OP, NAME, RESULT)                                                             \
  template <class T>                                                                                  \
  traced<RESULT> operator OP(const traced<T>& a, const traced<T>& b) {                                \
    return traced<T>::template apply<RESULT>(NAME, a, b, [](T x, T y) { return x OP y; });            \
  }                                                                                                   \
  template <class T, class U>                                                                         \
    requires std::convertible_to<U, T> && (!traced_value<U>)                                          \
  traced<RESULT> operator OP(const traced<T>& a, const U& b) {                                        \
    return a OP traced<T>(static_cast<T>(b));                                                         \
  }                                                                                                   \
  template <class T, class U>                                                                         \
    requires std::convertible_to<U, T> && (!traced_value<U>)                                          \
  traced<RESULT> operator OP(const U& a, const traced<T>& b) {                                        \
    return traced<T>(static_cast<T>(a)) OP b;                                                         \
  }

SUTRO_DMD_BINARY(+, "add", T)
SUTRO_DMD_BINARY(-, "sub", T)
SUTRO_DMD_BINARY(*, "mul", T)
SUTRO_DMD_BINARY(/, "div", T)
SUTRO_DMD_BINARY(%, "mod", T)
SUTRO_DMD_BINARY(&, "and", T)
SUTRO_DMD_BINARY(|, "or", T)
SUTRO_DMD_BINARY(^, "xor", T)
SUTRO_DMD_BINARY(<<, "shl", T)
SUTRO_DMD_BINARY(>>, "shr", T)
SUTRO_DMD_BINARY(==, "eq", bool)
SUTRO_DMD_BINARY(!=, "ne", bool)
SUTRO_DMD_BINARY(<, "lt", bool)
SUTRO_DMD_BINARY(<=, "le", bool)
SUTRO_DMD_BINARY(>, "gt", bool)
SUTRO_DMD_BINARY(>=, "ge", bool)
SUTRO_DMD_BINARY(&&, "land", bool)
SUTRO_DMD_BINARY(||, "lor", bool)
#undef SUTRO_DMD_BINARY

#define SUTRO_DMD_COMPOUND(OP)                                  \
  template <class T, class U>                                   \
  traced<T>& operator OP##=(traced<T>& a, const U& b) {         \
    a = traced<T>(a OP b);                                      \
    return a;                                                   \
  }
SUTRO_DMD_COMPOUND(+)
SUTRO_DMD_COMPOUND(-)
SUTRO_DMD_COMPOUND(*)
SUTRO_DMD_COMPOUND(/)
SUTRO_DMD_COMPOUND(%)
SUTRO_DMD_COMPOUND(&)
SUTRO_DMD_COMPOUND(|)
SUTRO_DMD_COMPOUND(^)
#undef SUTRO_DMD_COMPOUND

template <class T>
traced<T> operator-(const traced<T>& a) {
  return traced<T>::template apply1<T>("neg", a, [](T x) { return -x; });
}
template <class T>
traced<T> operator~(const traced<T>& a) requires std::integral<T> {
  return traced<T>::template apply1<T>("not", a, [](T x) { return ~x; });
}
template <class T>
traced<bool> operator!(const traced<T>& a) {
  return traced<T>::template apply1<bool>("lnot", a, [](T x) { return !x; });
}
/// Conversion to another element type: one instruction (a read and a new value).
template <class U, class T>
traced<U> convert(const traced<T>& a) {
  return traced<T>::template apply1<U>("convert", a, [](T x) { return static_cast<U>(x); });
}

}  // namespace sutro::dmd
