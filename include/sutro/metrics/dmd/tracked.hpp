#pragma once
// tracked<T>: a value whose every read is logged into the active dmd::context.
// Write the function once against tracked<T>; dmd::bytedmd runs and prices it.
//
//   using sutro::metrics::dmd::tracked;
//   auto f = [](tracked<double> a, tracked<double> b, tracked<double> c) { return a*a + b*c - a; };
//   sutro::metrics::dmd::bytedmd(f, 1.0, 2.0, 3.0).cost;   // 12, as the group's Python tool
//
// What is logged (and nothing else costs), mirroring the group's Python tool:
//   - every arithmetic, bitwise and comparison operator with a tracked operand
//     (+ - * / % & | ^ << >>, unary - + ~, == != < <= > >=): one instruction
//     reading its tracked operands in order, defining a new value (a comparison
//     defines a tracked<bool>); x op= y is x = x op y; abs, floor, ceil, trunc,
//     round, pow and divmod (two outputs) likewise, found by argument-dependent
//     lookup; min and max (sutro::metrics::dmd::min/max) as Python's: one comparison,
//     a read of its result, and the chosen operand itself;
//   - a branch or conversion: if (x), x ? .. : .., !x, x && y, x || y
//     (built-in, short-circuiting), static_cast<U>(x), x.get(): a read of x
//     with no output (Python's __bool__, __index__, __float__, `not`).
// Compound expressions are recorded left to right, post-order, as Python
// evaluates them, whatever order the compiler evaluates operands in (see
// context.hpp). Copying a tracked value copies the handle, not a new value (as
// a Python name binding does); a tracked<T> built from a plain T is a constant
// and free.

#include <algorithm>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "sutro/metrics/dmd/context.hpp"

namespace sutro::metrics::dmd {

template <class T>
class tracked;

namespace detail {
inline context& checked(std::uint64_t serial, const char* who) {
  context* c = context::active();
  if (c == nullptr || c->serial() != serial)
    throw std::logic_error(std::string("sutro::metrics::dmd::") + who +
                           ": a tracked value used outside the trace context that made it (after its run, under "
                           "another context, or on another thread)");
  return *c;
}
/// A copy of a handle was made: mark its pending node named in its (active) context.
inline void note_copy(std::uint32_t node, std::uint64_t serial) noexcept {
  if (node == no_value) return;
  context* c = context::active();
  if (c != nullptr && c->serial() == serial) c->mark_named(node);
}
/// Python's divmod on floats (CPython's _float_div_mod): {x // y, x % y},
/// the remainder with y's sign. The quotient comes from the exact fmod
/// remainder, not from floor(x / y), whose rounded division can land on the
/// next integer: 1.0 // 0.1 is 9.0 (1.0 / 0.1 rounds to 10.0).
template <std::floating_point T>
[[nodiscard]] std::pair<T, T> float_divmod(T x, T y) noexcept {
  T mod = std::fmod(x, y);
  T div = (x - mod) / y;  // close to an integer, not always one
  if (mod != 0) {
    if ((y < 0) != (mod < 0)) {
      mod += y;
      div -= 1;
    }
  } else {
    mod = std::copysign(T(0), y);  // fmod's zero takes x's sign
  }
  T floordiv;
  if (div != 0) {
    floordiv = std::floor(div);  // snap to the nearest integer
    if (div - floordiv > T(0.5)) floordiv += 1;
  } else {
    floordiv = std::copysign(T(0), x / y);  // the true quotient's sign
  }
  return {floordiv, mod};
}
/// The divisor checks of an instruction that divides: Python raises
/// ZeroDivisionError for // % and divmod on any type, and C++'s integer / and
/// % by zero or of the minimum by -1 are undefined; the check throws before
/// anything is recorded. Floating / keeps IEEE's inf and NaN, as C++ does.
template <class T>
void check_divisor(const char* op, T x, T y) {
  if constexpr (std::is_floating_point_v<T>) {
    (void)x;
    if (y == T(0))
      throw std::domain_error(std::string("sutro::metrics::dmd::") + op +
                              ": division by zero (Python raises ZeroDivisionError)");
  } else {
    if (y == T(0)) throw std::domain_error(std::string("sutro::metrics::dmd::") + op + ": integer division by zero");
    if constexpr (std::is_signed_v<T>)
      if (x == std::numeric_limits<T>::min() && y == T(-1))
        throw std::overflow_error(std::string("sutro::metrics::dmd::") + op + ": " + std::to_string(x) +
                                  " / -1 does not fit the element type");
  }
}
/// C++'s shifts are undefined past the operand's width and for negative
/// counts (Python raises ValueError for those).
template <class T>
void check_shift(const char* op, T y) {
  if constexpr (std::is_integral_v<T>) {
    constexpr auto bits = std::numeric_limits<
        std::make_unsigned_t<std::conditional_t<std::is_same_v<T, bool>, unsigned char, T>>>::digits;
    // The count after integral promotion: narrow types shift as int.
    constexpr int width = std::max(bits, std::numeric_limits<unsigned int>::digits);
    if constexpr (std::is_signed_v<T>)
      if (y < T(0))
        throw std::domain_error(std::string("sutro::metrics::dmd::") + op + ": negative shift count " +
                                std::to_string(y));
    if (static_cast<std::uintmax_t>(y) >= static_cast<std::uintmax_t>(width))
      throw std::domain_error(std::string("sutro::metrics::dmd::") + op + ": shift count " +
                              std::to_string(static_cast<std::uintmax_t>(y)) + " is not below the width " +
                              std::to_string(width));
  }
}
}  // namespace detail

template <class T>
class tracked {
  static_assert(std::is_arithmetic_v<T>, "tracked<T> needs an arithmetic T");

 public:
  using value_type = T;
  tracked() = default;
  tracked(T v) : v_(v) {}  // NOLINT: a constant (untracked, free), like a literal
  tracked(const tracked& o) : v_(o.v_), id_(o.id_), node_(o.node_), serial_(o.serial_) {
    detail::note_copy(node_, serial_);
  }
  tracked(tracked&&) noexcept = default;
  tracked& operator=(const tracked& o) {
    v_ = o.v_, id_ = o.id_, node_ = o.node_, serial_ = o.serial_;
    detail::note_copy(node_, serial_);
    return *this;
  }
  tracked& operator=(tracked&&) noexcept = default;
  ~tracked() = default;

  /// A new input value of the active context (not placed on the stack: the
  /// caller decides the preload order; dmd::bytedmd does).
  static tracked input(T v) {
    context* c = context::active();
    if (c == nullptr) throw std::logic_error("sutro::metrics::dmd::tracked::input: no active dmd::context");
    tracked t(v);
    t.id_ = c->new_value();
    t.serial_ = c->serial();
    return t;
  }
  /// A handle on value `id` (no_value: a constant) of the context with
  /// `serial`, available once pending node `node` (no_value: none) is appended.
  static tracked bound(T v, std::uint32_t id, std::uint64_t serial, std::uint32_t node = no_value) {
    tracked t(v);
    t.id_ = id, t.serial_ = serial, t.node_ = node;
    return t;
  }

  /// Reads the value (logged as a read when tracked).
  [[nodiscard]] T get() const {
    if (id_ != no_value) detail::checked(serial_, "tracked::get").read(id_);
    return v_;
  }
  /// Conversion (and contextual conversion to bool in if, ?:, !, &&, ||): a read.
  template <class U>
  requires std::is_arithmetic_v<U>
  explicit operator U() const { return static_cast<U>(get()); }

  /// The value without logging: for printing results after a run only.
  [[nodiscard]] T untracked_value() const noexcept { return v_; }
  [[nodiscard]] std::uint32_t id() const noexcept { return id_; }
  [[nodiscard]] std::uint64_t serial() const noexcept { return serial_; }
  [[nodiscard]] std::uint32_t pending_node() const noexcept { return node_; }
  [[nodiscard]] bool has_id() const noexcept { return id_ != no_value; }

  /// One instruction `op` on two operands, result f(a, b) (an rvalue operand
  /// is a temporary, as in a compound expression).
  template <class U, class A, class B, class F>
  requires std::same_as<std::remove_cvref_t<A>, tracked> && std::same_as<std::remove_cvref_t<B>, tracked>
  static tracked<U> apply(const char* op, A&& a, B&& b, F f) {
    const U value = static_cast<U>(f(a.v_, b.v_));
    return record<U>(op, value, {{&a, !std::is_lvalue_reference_v<A>}, {&b, !std::is_lvalue_reference_v<B>}});
  }
  /// One instruction `op` on one operand, result f(a).
  template <class U, class A, class F>
  requires std::same_as<std::remove_cvref_t<A>, tracked>
  static tracked<U> apply1(const char* op, A&& a, F f) {
    const U value = static_cast<U>(f(a.v_));
    return record<U>(op, value, {{&a, !std::is_lvalue_reference_v<A>}});
  }

  struct arg {
    const tracked* x;
    bool rvalue;
  };
  /// Records `op` reading the tracked ones of xs (in order) and defining
  /// `outputs` values. Returns the pending node and the first output
  /// (no_value: no operand is tracked, the result is a constant; if an
  /// operand waits for a pending node, the constant waits for a no-op node
  /// grouping them, so it keeps its place in a compound expression).
  struct recorded {
    std::uint32_t node, output;
    std::uint64_t serial;
  };
  static recorded record_op(const char* op, std::initializer_list<arg> xs, std::uint32_t outputs) {
    std::uint32_t ids[8];
    operand args[8];
    std::uint32_t n = 0, nargs = 0, seen = 0;
    std::uint64_t serial = 0;
    for (const arg& a : xs) {
      if (a.x->id_ == no_value && a.x->node_ == no_value) continue;
      if (seen == 8) throw std::invalid_argument(std::string("sutro::metrics::dmd::") + op + ": more than 8 operands");
      if (seen++ != 0 && a.x->serial_ != serial)
        throw std::logic_error(std::string("sutro::metrics::dmd::") + op + ": operands from different trace contexts");
      serial = a.x->serial_;
      if (a.x->node_ != no_value) args[nargs++] = {a.x->node_, a.rvalue};
      if (a.x->id_ != no_value) ids[n++] = a.x->id_;
    }
    if (seen == 0) return {no_value, no_value, 0};  // constants: no instruction
    context& c = detail::checked(serial, op);
    if (n == 0) return {c.operation(nullptr, ids, 0, 0, args, nargs), no_value, serial};
    const std::uint32_t node = c.operation(op, ids, n, outputs, args, nargs);
    return {node, c.output(node), serial};
  }

 private:
  template <class U>
  static tracked<U> record(const char* op, U value, std::initializer_list<arg> xs) {
    const recorded r = record_op(op, xs, 1);
    return tracked<U>::bound(value, r.output, r.serial, r.node);
  }

  T v_{};
  std::uint32_t id_ = no_value;
  std::uint32_t node_ = no_value;
  std::uint64_t serial_ = 0;
};

template <class T>
concept tracked_value = requires {
  typename T::value_type;
}
&&std::same_as<T, tracked<typename T::value_type>>;

namespace detail {
template <class X>
using bare = std::remove_cvref_t<X>;
template <class X>
concept is_tracked = tracked_value<bare<X>>;

/// The element type of an operation on A and B: both tracked (the common type
/// of their element types, as Python mixes int, float and bool), or one
/// tracked<T> and the other a non-tracked value convertible to T (T; for a
/// tracked<bool>, the common type with an arithmetic constant: True + 1 is 2).
template <class T, class U>
struct with_constant {
  using type = T;
};
template <class U>
requires std::is_arithmetic_v<U>
struct with_constant<bool, U> {
  using type = std::common_type_t<bool, U>;
};
template <class A, class B>
struct operand_pair {};
template <class A, class B>
requires is_tracked<A> && is_tracked<B>
struct operand_pair<A, B> {
  using type = std::common_type_t<typename bare<A>::value_type, typename bare<B>::value_type>;
};
template <class A, class B>
requires is_tracked<A> &&
    (!is_tracked<B>)&&std::convertible_to<B, typename bare<A>::value_type> struct operand_pair<A, B> {
  using type = typename with_constant<typename bare<A>::value_type, bare<B>>::type;
};
template <class A, class B>
requires(!is_tracked<A>) &&
    is_tracked<B>&& std::convertible_to<A, typename bare<B>::value_type> struct operand_pair<A, B> {
  using type = typename with_constant<typename bare<B>::value_type, bare<A>>::type;
};
template <class A, class B>
using element_t = typename operand_pair<A, B>::type;
template <class A, class B>
concept tracked_operands = requires {
  typename operand_pair<A, B>::type;
};

/// The operand as a tracked<T>: a reference to itself, the same value seen
/// as a T (another element type: the same handle, converted value), or a
/// constant made from a plain value (bind the result to a const reference:
/// lifetime extension).
template <class T, class X>
decltype(auto) as_tracked(const X& x) {
  if constexpr (std::same_as<X, tracked<T>>) {
    return static_cast<const tracked<T>&>(x);
  } else if constexpr (is_tracked<X>) {
    return tracked<T>::bound(static_cast<T>(x.untracked_value()), x.id(), x.serial(), x.pending_node());
  } else {
    return tracked<T>(static_cast<T>(x));
  }
}
template <class R, class T, class A, class B, class F>
tracked<R> binary(const char* op, A&& a, B&& b, F f) {
  const tracked<T>& x = as_tracked<T>(a);
  const tracked<T>& y = as_tracked<T>(b);
  const R value = static_cast<R>(f(x.untracked_value(), y.untracked_value()));
  const auto r =
      tracked<T>::record_op(op, {{&x, !std::is_lvalue_reference_v<A>}, {&y, !std::is_lvalue_reference_v<B>}}, 1);
  return tracked<R>::bound(value, r.output, r.serial, r.node);
}
template <class R, class A, class F>
tracked<R> unary(const char* op, A&& a, F f) {
  using T = typename bare<A>::value_type;
  const R value = static_cast<R>(f(a.untracked_value()));
  const auto r = tracked<T>::record_op(op, {{&a, !std::is_lvalue_reference_v<A>}}, 1);
  return tracked<R>::bound(value, r.output, r.serial, r.node);
}
}  // namespace detail

#define SUTRO_DMD_BINARY(OP, NAME, RESULT)                                                                           \
  template <class A, class B, class T = detail::element_t<A, B>>                                                     \
  tracked<RESULT> operator OP(A&& a, B&& b) {                                                                        \
    return detail::binary<RESULT, T>(NAME, std::forward<A>(a), std::forward<B>(b), [](T x, T y) { return x OP y; }); \
  }

SUTRO_DMD_BINARY(+, "add", T)
SUTRO_DMD_BINARY(-, "sub", T)
SUTRO_DMD_BINARY(*, "mul", T)
SUTRO_DMD_BINARY(&, "and", T)
SUTRO_DMD_BINARY(|, "or", T)
SUTRO_DMD_BINARY(^, "xor", T)
SUTRO_DMD_BINARY(==, "eq", bool)
SUTRO_DMD_BINARY(!=, "ne", bool)
SUTRO_DMD_BINARY(<, "lt", bool)
SUTRO_DMD_BINARY(<=, "le", bool)
SUTRO_DMD_BINARY(>, "gt", bool)
SUTRO_DMD_BINARY(>=, "ge", bool)
#undef SUTRO_DMD_BINARY

/// a / b: C++'s quotient; an integer divisor of 0 (or the minimum over -1)
/// throws instead of being undefined.
template <class A, class B, class T = detail::element_t<A, B>>
tracked<T> operator/(A&& a, B&& b) {
  return detail::binary<T, T>("div", std::forward<A>(a), std::forward<B>(b), [](T x, T y) {
    if constexpr (std::is_integral_v<T>) detail::check_divisor("operator/", x, y);
    return static_cast<T>(x / y);
  });
}
/// a << b and a >> b: C++'s shifts; a count outside [0, width) throws.
template <class A, class B, class T = detail::element_t<A, B>>
tracked<T> operator<<(A&& a, B&& b) {
  return detail::binary<T, T>("shl", std::forward<A>(a), std::forward<B>(b), [](T x, T y) {
    detail::check_shift("operator<<", y);
    return static_cast<T>(x << y);
  });
}
template <class A, class B, class T = detail::element_t<A, B>>
tracked<T> operator>>(A&& a, B&& b) {
  return detail::binary<T, T>("shr", std::forward<A>(a), std::forward<B>(b), [](T x, T y) {
    detail::check_shift("operator>>", y);
    return static_cast<T>(x >> y);
  });
}

/// a % b: C++'s remainder for integers; for floating types (which C++ lacks)
/// Python's, with the sign of b. A divisor of 0 throws std::domain_error.
template <class A, class B, class T = detail::element_t<A, B>>
tracked<T> operator%(A&& a, B&& b) {
  return detail::binary<T, T>("mod", std::forward<A>(a), std::forward<B>(b), [](T x, T y) {
    detail::check_divisor("operator%", x, y);
    if constexpr (std::is_floating_point_v<T>) {
      return detail::float_divmod(x, y).second;
    } else {
      return static_cast<T>(x % y);
    }
  });
}

#define SUTRO_DMD_COMPOUND(OP)                                   \
  template <class T, class U>                                    \
  requires std::same_as < detail::element_t < tracked<T>         \
  &, U >, T > tracked<T>& operator OP##=(tracked<T>& a, U&& b) { \
    a = a OP std::forward<U>(b);                                 \
    return a;                                                    \
  }
SUTRO_DMD_COMPOUND(+)
SUTRO_DMD_COMPOUND(-)
SUTRO_DMD_COMPOUND(*)
SUTRO_DMD_COMPOUND(/)
SUTRO_DMD_COMPOUND(%)
SUTRO_DMD_COMPOUND(&)
SUTRO_DMD_COMPOUND(|)
SUTRO_DMD_COMPOUND(^)
SUTRO_DMD_COMPOUND(<<)
SUTRO_DMD_COMPOUND(>>)
#undef SUTRO_DMD_COMPOUND

template <class A>
requires detail::is_tracked<A> detail::bare<A>
operator-(A&& a) {
  using T = typename detail::bare<A>::value_type;
  return detail::unary<T>("neg", std::forward<A>(a), [](T x) { return -x; });
}
template <class A>
requires detail::is_tracked<A> detail::bare<A>
operator+(A&& a) {
  using T = typename detail::bare<A>::value_type;
  return detail::unary<T>("pos", std::forward<A>(a), [](T x) { return +x; });
}
template <class A>
requires detail::is_tracked<A> && std::integral<typename detail::bare<A>::value_type> detail::bare<A>
operator~(A&& a) {
  using T = typename detail::bare<A>::value_type;
  return detail::unary<T>("not", std::forward<A>(a), [](T x) { return static_cast<T>(~x); });
}
/// Python's `not x`: a read of x, a plain bool.
template <class T>
bool operator!(const tracked<T>& a) {
  return !static_cast<bool>(a);
}

/// Python's built-ins on a tracked value: one instruction each.
template <class A>
requires detail::is_tracked<A> detail::bare<A> abs(A&& a) {
  using T = typename detail::bare<A>::value_type;
  return detail::unary<T>("abs", std::forward<A>(a), [](T x) { return x < T{} ? static_cast<T>(-x) : x; });
}
template <class A>
requires detail::is_tracked<A> detail::bare<A> floor(A&& a) {
  using T = typename detail::bare<A>::value_type;
  return detail::unary<T>("floor", std::forward<A>(a), [](T x) { return static_cast<T>(std::floor(x)); });
}
template <class A>
requires detail::is_tracked<A> detail::bare<A> ceil(A&& a) {
  using T = typename detail::bare<A>::value_type;
  return detail::unary<T>("ceil", std::forward<A>(a), [](T x) { return static_cast<T>(std::ceil(x)); });
}
template <class A>
requires detail::is_tracked<A> detail::bare<A> trunc(A&& a) {
  using T = typename detail::bare<A>::value_type;
  return detail::unary<T>("trunc", std::forward<A>(a), [](T x) { return static_cast<T>(std::trunc(x)); });
}
/// Python's round(x): to nearest, ties to even.
template <class A>
requires detail::is_tracked<A> detail::bare<A> round(A&& a) {
  using T = typename detail::bare<A>::value_type;
  return detail::unary<T>("round", std::forward<A>(a), [](T x) {
    if constexpr (std::is_floating_point_v<T>) {
      const T r = std::round(x);
      return std::fabs(x - std::trunc(x)) == T(0.5) ? static_cast<T>(2 * std::round(x / 2)) : r;
    } else {
      return x;
    }
  });
}
/// x ** y.
template <class A, class B>
requires detail::tracked_operands<A, B> tracked<detail::element_t<A, B>> pow(A&& a, B&& b) {
  using T = detail::element_t<A, B>;
  return detail::binary<T, T>("pow", std::forward<A>(a), std::forward<B>(b),
                              [](T x, T y) { return static_cast<T>(std::pow(x, y)); });
}
/// Python's a // b: the floor quotient, one instruction; on floating types
/// the quotient of divmod (1.0 // 0.1 is 9.0, as in Python).
template <class A, class B>
requires detail::tracked_operands<A, B> tracked<detail::element_t<A, B>> floordiv(A&& a, B&& b) {
  using T = detail::element_t<A, B>;
  return detail::binary<T, T>("floordiv", std::forward<A>(a), std::forward<B>(b), [](T x, T y) {
    detail::check_divisor("floordiv", x, y);
    if constexpr (std::is_floating_point_v<T>) {
      return detail::float_divmod(x, y).first;
    } else {
      T q = static_cast<T>(x / y);
      if ((x % y != 0) && ((x < 0) != (y < 0))) --q;
      return q;
    }
  });
}
/// Python's divmod(a, b): one instruction with two outputs (floor quotient, remainder with b's sign).
template <class A, class B>
requires detail::tracked_operands<A, B> std::pair<tracked<detail::element_t<A, B>>, tracked<detail::element_t<A, B>>>
divmod(A&& a, B&& b) {
  using T = detail::element_t<A, B>;
  const tracked<T>& x = detail::as_tracked<T>(a);
  const tracked<T>& y = detail::as_tracked<T>(b);
  const T u = x.untracked_value(), v = y.untracked_value();
  detail::check_divisor("divmod", u, v);
  T q, r;
  if constexpr (std::is_floating_point_v<T>) {
    std::tie(q, r) = detail::float_divmod(u, v);
  } else {
    q = static_cast<T>(u / v), r = static_cast<T>(u % v);
    if (r != 0 && ((r < 0) != (v < 0))) r = static_cast<T>(r + v), q = static_cast<T>(q - 1);
  }
  const auto rec =
      tracked<T>::record_op("divmod", {{&x, !std::is_lvalue_reference_v<A>}, {&y, !std::is_lvalue_reference_v<B>}}, 2);
  if (rec.output == no_value)
    return {tracked<T>::bound(q, no_value, rec.serial, rec.node), tracked<T>::bound(r, no_value, rec.serial, rec.node)};
  return {tracked<T>::bound(q, rec.output, rec.serial, rec.node),
          tracked<T>::bound(r, rec.output + 1, rec.serial, rec.node)};
}

namespace detail {
/// Python's min/max(a, b): both arguments evaluated left to right, then
/// `b < a` (min) or `b > a` (max) is one instruction and a read of its result
/// picks the operand, which is returned itself (no new value). The comparison
/// and the read stay pending with the returned handle, so a min inside a
/// compound expression is recorded where Python evaluates it.
template <bool Max, class A, class B>
tracked<element_t<A, B>> pick(A&& a, B&& b) {
  using T = element_t<A, B>;
  const tracked<T>& x = as_tracked<T>(a);
  const tracked<T>& y = as_tracked<T>(b);
  const T xv = x.untracked_value(), yv = y.untracked_value();
  const bool take_b = Max ? (yv > xv) : (yv < xv);
  const tracked<T>& chosen = take_b ? y : x;
  // the comparison reads [b, a]; its children are a's then b's evaluation
  std::uint32_t ids[2];
  std::uint32_t n = 0;
  if (y.has_id()) ids[n++] = y.id();
  if (x.has_id()) ids[n++] = x.id();
  if (n == 0) {  // plain values: a plain comparison, no read
    const auto r = tracked<T>::record_op(
        Max ? "max" : "min", {{&x, !std::is_lvalue_reference_v<A>}, {&y, !std::is_lvalue_reference_v<B>}}, 0);
    return tracked<T>::bound(chosen.untracked_value(), no_value, r.serial, r.node);
  }
  const std::uint64_t serial = y.has_id() ? y.serial() : x.serial();
  if (x.has_id() && y.has_id() && x.serial() != y.serial())
    throw std::logic_error(Max ? "sutro::metrics::dmd::max: operands from different trace contexts"
                               : "sutro::metrics::dmd::min: operands from different trace contexts");
  context& c = checked(serial, Max ? "max" : "min");
  operand args[2];
  std::uint32_t nargs = 0;
  if (x.pending_node() != no_value) args[nargs++] = {x.pending_node(), !std::is_lvalue_reference_v<A>};
  if (y.pending_node() != no_value) args[nargs++] = {y.pending_node(), !std::is_lvalue_reference_v<B>};
  const std::uint32_t cmp = c.operation(Max ? "gt" : "lt", ids, n, 1, args, nargs);
  const std::uint32_t flag = c.output(cmp);
  const operand comparison{cmp, true};
  const std::uint32_t rd = c.operation("read", &flag, 1, 0, &comparison, 1);
  return tracked<T>::bound(chosen.untracked_value(), chosen.id(), serial, rd);
}
}  // namespace detail
template <class A, class B>
requires detail::tracked_operands<A, B> tracked<detail::element_t<A, B>> min(A&& a, B&& b) {
  return detail::pick<false>(std::forward<A>(a), std::forward<B>(b));
}
template <class A, class B>
requires detail::tracked_operands<A, B> tracked<detail::element_t<A, B>> max(A&& a, B&& b) {
  return detail::pick<true>(std::forward<A>(a), std::forward<B>(b));
}

/// Conversion to another element type: one instruction (a read and a new value).
template <class U, class A>
requires detail::is_tracked<A> tracked<U> convert(A&& a) {
  using T = typename detail::bare<A>::value_type;
  return detail::unary<U>("convert", std::forward<A>(a), [](T x) { return static_cast<U>(x); });
}

}  // namespace sutro::metrics::dmd
