#pragma once
// Shared helpers of the sutro._sutro extension: numpy arrays that own a C++
// vector (no copy on the way out), argument parsing with sutro's error style.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "sutro/tasks/spec.hpp"

namespace sutro::python {
namespace nb = nanobind;

template <class T>
using out_array = nb::ndarray<nb::numpy, T>;

template <class T, std::size_t D = 1>
using in_array = nb::ndarray<const T, nb::ndim<D>, nb::c_contig, nb::device::cpu>;

/// A numpy array over the storage of `v`, which moves to the heap and is freed
/// with the array: the data crosses without a copy.
template <class Vec>
auto adopt(Vec&& v, std::vector<std::size_t> shape) {
  using V = std::decay_t<Vec>;
  using T = typename V::value_type;
  std::size_t want = 1;
  for (auto d : shape) want *= d;
  if (want != v.size())
    throw std::logic_error("sutro._sutro: array of " + std::to_string(v.size()) + " elements for shape product " +
                           std::to_string(want));
  auto* owned = new V(std::forward<Vec>(v));
  nb::capsule owner(owned, [](void* p) noexcept { delete static_cast<V*>(p); });
  return out_array<T>(owned->data(), shape.size(), shape.data(), owner);
}

template <class Vec>
auto adopt(Vec&& v) {
  const std::size_t n = v.size();
  return adopt(std::forward<Vec>(v), {n});
}

/// str(h) in Python, as a std::string.
inline std::string py_str(nb::handle h) {
  nb::object s = nb::steal(PyObject_Str(h.ptr()));
  if (!s.is_valid()) throw nb::python_error();
  return nb::cast<std::string>(s);
}

template <class T>
constexpr const char* numpy_name() {
  if constexpr (std::is_same_v<T, std::uint64_t>)
    return "uint64";
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return "int64";
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return "uint32";
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return "int32";
  else
    static_assert(sizeof(T) == 0, "no numpy name for this type");
}

/// An integer array argument `name` of `who`, as T: any integer dtype whose
/// values fit T (an empty array of any dtype). Floats, bools and other dtypes
/// are a TypeError (numpy would truncate 1.7 to 1); a value outside T's range
/// a ValueError naming it and its index; both name the argument.
template <class T, std::size_t D = 1>
in_array<T, D> integer_array(nb::handle obj, const std::string& who, const char* name) {
  static_assert(std::is_integral_v<T> && !std::is_same_v<T, bool>);
  nb::module_ np = nb::module_::import_("numpy");
  nb::object a = np.attr("asarray")(obj);
  const std::string at = who + ": " + name;
  if (nb::cast<std::size_t>(a.attr("ndim")) != D)
    throw std::invalid_argument(at + " must be a " + std::to_string(D) + "-D array, got shape " +
                                py_str(a.attr("shape")));
  const std::string kind = nb::cast<std::string>(a.attr("dtype").attr("kind"));
  const std::string dtype = py_str(a.attr("dtype"));
  if (nb::cast<std::size_t>(a.attr("size")) != 0) {
    if (kind != "i" && kind != "u") throw nb::type_error((at + " must hold integers, got dtype " + dtype).c_str());
    nb::object info = np.attr("iinfo")(a.attr("dtype"));
    // Compared only where the dtype reaches past T, so the bound fits the dtype.
    const auto out_of_range = [&](nb::object bad, const std::string& bound) {
      if (PyObject_IsTrue(bad.attr("any")().ptr()) != 1) return;
      nb::object i = np.attr("unravel_index")(np.attr("argmax")(bad), a.attr("shape"));
      nb::object ints = np.attr("array")(i).attr("tolist")();  // numpy integers print as np.int64(3)
      nb::object index = D == 1 ? nb::object(ints[0]) : nb::steal(PySequence_Tuple(ints.ptr()));
      throw std::invalid_argument(at + " must hold integers " + bound + ", got " +
                                  nb::repr(a[i].attr("item")()).c_str() + " at index " + py_str(index));
    };
    constexpr auto lo = static_cast<long long>(std::numeric_limits<T>::min());
    constexpr auto hi = static_cast<unsigned long long>(std::numeric_limits<T>::max());
    if (nb::cast<long long>(info.attr("min")) < lo)
      out_of_range(a.attr("__lt__")(nb::cast(lo)), ">= " + std::to_string(lo));
    if (nb::cast<unsigned long long>(info.attr("max")) > hi)
      out_of_range(a.attr("__gt__")(nb::cast(hi)), "<= " + std::to_string(hi));
  }
  nb::object c = np.attr("ascontiguousarray")(a, numpy_name<T>());
  return nb::cast<in_array<T, D>>(c);
}

template <class T>
struct is_vector : std::false_type {};
template <class U, class A>
struct is_vector<std::vector<U, A>> : std::true_type {};
template <class T>
struct is_optional : std::false_type {};
template <class U>
struct is_optional<std::optional<U>> : std::true_type {};
template <class T>
struct integer_option : std::bool_constant<std::is_integral_v<T> && !std::is_same_v<T, bool>> {};
template <class U>
struct integer_option<std::optional<U>> : integer_option<U> {};
template <class T>
inline constexpr bool is_unsigned_int =
    std::conjunction_v<std::is_integral<T>, std::is_unsigned<T>, std::negation<std::is_same<T, bool>>>;

/// What a value of T is, in words, for error messages.
template <class T>
std::string expected_type() {
  if constexpr (std::is_same_v<T, bool>)
    return "True or False";
  else if constexpr (is_unsigned_int<T>)
    return "a non-negative integer";
  else if constexpr (std::is_integral_v<T>)
    return "an integer";
  else if constexpr (std::is_floating_point_v<T>)
    return "a number";
  else if constexpr (std::is_same_v<T, std::string>)
    return "a string";
  else if constexpr (std::is_same_v<T, nb::dict>)
    return "a dict";
  else if constexpr (is_optional<T>::value)
    return expected_type<typename T::value_type>() + " or None";
  else if constexpr (is_vector<T>::value)
    return "a list (each item " + expected_type<typename T::value_type>() + ")";
  else
    return "another type";
}

/// Whether v is an integer (int or a numpy integer, not bool) below zero.
inline bool negative_integer(nb::handle v) {
  if (PyBool_Check(v.ptr()) || !PyIndex_Check(v.ptr())) return false;
  nb::object i = nb::steal(PyNumber_Index(v.ptr()));
  if (!i.is_valid()) {
    PyErr_Clear();
    return false;
  }
  int overflow = 0;
  const long long x = PyLong_AsLongLongAndOverflow(i.ptr(), &overflow);
  if (x == -1 && PyErr_Occurred()) PyErr_Clear();
  return overflow < 0 || (overflow == 0 && x < 0);
}

/// An unsigned integer argument (a count, a size, a seed): a Python int or numpy
/// integer, held as given so that a negative or too large value is a ValueError
/// naming the argument (nanobind's caster for T would refuse it with "incompatible
/// function arguments", a TypeError). Typed `int` in signatures and stubs; a
/// float or a string is still refused by nanobind (a TypeError).
template <class T>
struct unsigned_arg {
  static_assert(is_unsigned_int<T>);
  T value = 0;
  int state = 0;      // 0: value holds it; -1: negative; 1: above T's maximum
  std::string given;  // its repr where state != 0

  /// The value, or the ValueError "who: name must be non-negative, got -1".
  T get(const std::string& who, const char* name) const {
    if (state < 0) throw std::invalid_argument(who + ": " + name + " must be non-negative, got " + given);
    if (state > 0)
      throw std::invalid_argument(who + ": " + name + " = " + given + " is out of range (at most " +
                                  std::to_string(std::numeric_limits<T>::max()) + ")");
    return value;
  }
};

/// The repr of v and its type's name: "'20' (str)".
inline std::string describe(nb::handle v) {
  return std::string(nb::repr(v).c_str()) + " (" + py_str(v.type().attr("__name__")) + ")";
}

/// Keyword options passed as a dict: each key read once; unknown keys are an error.
/// A value of the wrong type is a TypeError naming the option and the type
/// expected; a negative or out-of-range integer a ValueError naming the value.
class options {
 public:
  options(nb::dict d, const char* who) : d_(std::move(d)), who_(who) {}
  template <class T>
  T get(const char* key, T fallback) {
    used_.emplace_back(key);
    if (!d_.contains(key)) return fallback;
    nb::object v = d_[key];
    T out{};
    if (nb::try_cast<T>(v, out)) return out;
    refuse<T>(key, v);
  }
  void finish() const {
    for (auto item : d_) {
      const std::string k = nb::cast<std::string>(item.first);
      bool ok = false;
      for (const auto& u : used_) ok = ok || u == k;
      if (!ok) {
        std::string known;
        for (const auto& u : used_) known += (known.empty() ? "" : ", ") + u;
        throw std::invalid_argument(std::string(who_) + ": unknown option '" + k +
                                    "' (known: " + (known.empty() ? "none" : known) + ")");
      }
    }
  }

 private:
  /// Why v is not a T, as a ValueError (a negative or too large integer) or a TypeError.
  template <class T>
  [[noreturn]] void refuse(const char* key, nb::handle v) const {
    const std::string at = std::string(who_) + ": option '" + key + "'";
    const std::string got = nb::repr(v).c_str();
    if constexpr (is_unsigned_int<T>) {
      if (negative_integer(v)) throw std::invalid_argument(at + " must be non-negative, got " + got);
    }
    if constexpr (is_vector<T>::value) {
      if constexpr (is_unsigned_int<typename T::value_type>) {
        if (PyList_Check(v.ptr()) || PyTuple_Check(v.ptr())) {
          std::size_t i = 0;
          for (nb::handle item : v) {
            if (negative_integer(item))
              throw std::invalid_argument(at + " must hold non-negative integers, got " +
                                          std::string(nb::repr(item).c_str()) + " at index " + std::to_string(i));
            ++i;
          }
        }
      }
    }
    if constexpr (integer_option<T>::value) {
      if (!PyBool_Check(v.ptr()) && PyIndex_Check(v.ptr()))
        throw std::invalid_argument(at + " = " + got + " is out of range for " + expected_type<T>());
    }
    throw nb::type_error((at + " must be " + expected_type<T>() + ", got " + describe(v)).c_str());
  }

  nb::dict d_;
  const char* who_;
  std::vector<std::string> used_;
};

tasks::task_kind parse_kind(const std::string& s);
tasks::encoding parse_encoding(const std::string& s);
std::string kind_name(tasks::task_kind k);
/// The spec from its parts (threshold: INT32_MIN for the default); validated.
tasks::task_spec make_spec(const std::string& kind, std::size_t n, std::size_t k, double noise,
                           const std::string& encoding, std::int32_t threshold);

void bind_tasks(nb::module_& m);
void bind_solvers(nb::module_& m);
void bind_gf2(nb::module_& m);
void bind_metrics(nb::module_& m);
void bind_lab(nb::module_& m);

}  // namespace sutro::python

namespace nanobind::detail {
template <class T>
struct type_caster<sutro::python::unsigned_arg<T>> {
  NB_TYPE_CASTER(sutro::python::unsigned_arg<T>, const_name("int"))

  bool from_python(handle src, uint8_t, cleanup_list*) noexcept {
    PyObject* o = src.ptr();
    if (PyFloat_Check(o) || !PyIndex_Check(o)) return false;
    PyObject* i = PyNumber_Index(o);
    if (!i) {
      PyErr_Clear();
      return false;
    }
    value = {};
    int overflow = 0;
    const long long s = PyLong_AsLongLongAndOverflow(i, &overflow);
    bool ok = true;
    if (s == -1 && PyErr_Occurred()) {
      PyErr_Clear();
      ok = false;
    } else if (overflow < 0 || (overflow == 0 && s < 0)) {
      value.state = -1;
    } else {
      unsigned long long u = static_cast<unsigned long long>(s);
      if (overflow > 0) {
        u = PyLong_AsUnsignedLongLong(i);
        if (u == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {
          PyErr_Clear();
          value.state = 1;
        }
      }
      if (value.state == 0 && u > static_cast<unsigned long long>(std::numeric_limits<T>::max())) value.state = 1;
      if (value.state == 0) value.value = static_cast<T>(u);
    }
    if (ok && value.state != 0) {
      PyObject* r = PyObject_Repr(i);
      const char* text = r ? PyUnicode_AsUTF8(r) : nullptr;
      try {
        value.given = text ? text : "?";
      } catch (...) {
        ok = false;
      }
      if (!text) PyErr_Clear();
      Py_XDECREF(r);
    }
    Py_DECREF(i);
    return ok;
  }

  static handle from_cpp(const sutro::python::unsigned_arg<T>& v, rv_policy, cleanup_list*) noexcept {
    return PyLong_FromUnsignedLongLong(v.value);
  }
};
}  // namespace nanobind::detail
