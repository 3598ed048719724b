#pragma once
// What the challenge's TrackedArray (src/sparse_parity/tracked_numpy.py)
// records on the clock DMC for each numpy operation, so a numpy entry can
// be ported to C++ line by line and re-scored: the C++ code computes with
// its own arrays and calls the matching event here.
//
//   sutro::metrics::dmd::numpy_events np(tracker);           // tracker: a clock_dmc
//   auto x = np.input("x_train", 500 * 20);         // TrackedArray(x, "x_train")
//   auto xb = np.ufunc("subtract", {x}, 10000);     // 1 - x
//   auto row = np.slice(xb, 20);                    // xb[i] (an array result)
//   np.element(row);                                // row[j] == 1 (a scalar result)
//   np.setitem(xb, numpy_events::index::view, 20, &row);   // xb[k] = row
//
// Rules, from TrackedArray: every tracked input of an operation is read
// whole (its size) in argument order; an array result is written as a new
// buffer named "_<op>_<n>"; indexing reads the size of what it returns (1
// for a scalar) and writes a new buffer only for an array; assignment reads
// the value if it is tracked, then (for a basic slice) the view numpy takes
// through a[key], then writes the target's assigned region;
// np.zeros writes, np.zeros_like only writes; .T and np.asarray record
// nothing (np.asarray drops tracking: later work is free). Checked against
// the evaluator under numpy 2.4: the view numpy takes inside a slice
// assignment is numpy's own doing and may differ in other versions.

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "sutro/metrics/dmd/clock_dmc.hpp"

namespace sutro::metrics::dmd {

class numpy_events {
 public:
  /// A tracked array: its buffer and its size in elements.
  struct array {
    clock_dmc::buffer_id id;
    std::uint64_t size;
  };

  explicit numpy_events(clock_dmc& t) noexcept : t_(t) {}

  /// TrackedArray(data, name): writes the whole array.
  array input(std::string_view name, std::uint64_t size) {
    const array a{t_.buffer(name), size};
    t_.write(a.id, size);
    return a;
  }
  /// A new array from nothing tracked (np.zeros, np.ones, np.empty, zeros_like).
  array fresh(std::string_view prefix, std::uint64_t size) {
    const array a{t_.buffer(auto_name(prefix)), size};
    t_.write(a.id, size);
    return a;
  }
  /// A ufunc or numpy function over tracked inputs (untracked operands
  /// such as Python scalars are left out) with an array result.
  array ufunc(std::string_view name, std::initializer_list<array> inputs, std::uint64_t result_size) {
    for (const auto& a : inputs) t_.read(a.id, a.size);
    return fresh(name, result_size);
  }
  /// The same with a scalar result (a full reduction): nothing is written.
  void ufunc_scalar(std::initializer_list<array> inputs) {
    for (const auto& a : inputs) t_.read(a.id, a.size);
  }
  /// The same with out=: the existing buffer is rewritten whole.
  void ufunc_out(std::initializer_list<array> inputs, const array& out) {
    for (const auto& a : inputs) t_.read(a.id, a.size);
    t_.write(out.id, out.size);
  }
  /// a[key] returning an array of `size` elements (a slice, a row, fancy indexing).
  array slice(const array& a, std::uint64_t size) {
    t_.read(a.id, size);
    return fresh("slice", size);
  }
  /// a[key] returning one element.
  void element(const array& a) { t_.read(a.id, 1); }
  /// How a[key] = value indexes: one element, a basic slice (numpy takes
  /// the view through a[key] first, which TrackedArray records as a read
  /// and a new buffer), or fancy indexing (a list or array of indices).
  enum class index { element, view, fancy };
  /// a[key] = value over `region` elements of a; value null when untracked.
  void setitem(const array& a, index kind, std::uint64_t region, const array* value = nullptr) {
    if (value) t_.read(value->id, value->size);
    if (kind == index::view) (void)slice(a, region);
    t_.write(a.id, region);
  }
  /// a.copy(), a.astype(...), a.sum(axis) with an array result.
  array copy(const array& a) { return ufunc("copy", {a}, a.size); }
  array astype(const array& a) { return ufunc("astype", {a}, a.size); }
  /// a.tolist(), a.sum() to a scalar: a read of the whole array.
  void read_all(const array& a) { t_.read(a.id, a.size); }

 private:
  std::string auto_name(std::string_view prefix) {
    return std::string("_").append(prefix).append("_").append(std::to_string(++next_));
  }
  clock_dmc& t_;
  std::uint64_t next_ = 0;
};

}  // namespace sutro::metrics::dmd
