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
#include <span>
#include <stdexcept>
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

  // A call that throws (an unknown id, a clock or a distance sum past 64
  // bits) leaves the tracker and the name counter as they were: every event
  // of the call is checked before the first is recorded.

  /// TrackedArray(data, name): writes the whole array.
  array input(std::string_view name, std::uint64_t size) {
    check("input", {}, {}, size);
    const array a{t_.buffer(name), size};
    t_.write(a.id, size);
    return a;
  }
  /// A new array from nothing tracked (np.zeros, np.ones, np.empty, zeros_like).
  array fresh(std::string_view prefix, std::uint64_t size) {
    check("fresh", {}, {}, size);
    return record_fresh(prefix, size);
  }
  /// A ufunc or numpy function over tracked inputs (untracked operands
  /// such as Python scalars are left out) with an array result.
  array ufunc(std::string_view name, std::initializer_list<array> inputs, std::uint64_t result_size) {
    check("ufunc", inputs, {}, result_size);
    record_reads(inputs);
    return record_fresh(name, result_size);
  }
  /// The same with a scalar result (a full reduction): nothing is written.
  void ufunc_scalar(std::initializer_list<array> inputs) {
    check("ufunc_scalar", inputs, {}, 0);
    record_reads(inputs);
  }
  /// The same with out=: the existing buffer is rewritten whole.
  void ufunc_out(std::initializer_list<array> inputs, const array& out) {
    check("ufunc_out", inputs, {&out, 1}, 0);
    record_reads(inputs);
    t_.write(out.id, out.size);
  }
  /// a[key] returning an array of `size` elements (a slice, a row, fancy indexing).
  array slice(const array& a, std::uint64_t size) {
    const array read[] = {{a.id, size}};
    check("slice", read, {}, size);
    record_reads(read);
    return record_fresh("slice", size);
  }
  /// a[key] returning one element.
  void element(const array& a) {
    const array read[] = {{a.id, 1}};
    check("element", read, {}, 0);
    record_reads(read);
  }
  /// How a[key] = value indexes: one element, a basic slice (numpy takes
  /// the view through a[key] first, which TrackedArray records as a read
  /// and a new buffer), or fancy indexing (a list or array of indices).
  enum class index { element, view, fancy };
  /// a[key] = value over `region` elements of a; value null when untracked.
  void setitem(const array& a, index kind, std::uint64_t region, const array* value = nullptr) {
    const bool view = kind == index::view;
    array reads[2]{};
    std::size_t n = 0;
    if (value) reads[n++] = *value;
    if (view) reads[n++] = {a.id, region};
    const array write[] = {{a.id, region}};
    check("setitem", {reads, n}, write, view ? region : 0);
    record_reads({reads, n});
    if (view) (void)record_fresh("slice", region);
    t_.write(a.id, region);
  }
  /// a.copy(), a.astype(...), a.sum(axis) with an array result.
  array copy(const array& a) { return ufunc("copy", {a}, a.size); }
  array astype(const array& a) { return ufunc("astype", {a}, a.size); }
  /// a.tolist(), a.sum() to a scalar: a read of the whole array.
  void read_all(const array& a) {
    const array read[] = {a};
    check("read_all", read, {}, 0);
    record_reads(read);
  }

 private:
  // Throws what recording `reads`, then `writes` to existing buffers, then
  // `fresh` elements to a new buffer would throw part way, changing
  // nothing. Every call reads before it writes, so each read's distance
  // counts from the writes before the call.
  void check(const char* fn, std::span<const array> reads, std::span<const array> writes, std::uint64_t fresh) const {
    const auto where = [fn] { return std::string("sutro::metrics::dmd::numpy_events::") + fn + ": "; };
    std::uint64_t clock = t_.clock();
    const auto advance = [&](std::uint64_t size) {
      if (__builtin_add_overflow(clock, size, &clock))
        throw std::overflow_error(where() + "the clock " + std::to_string(clock - size) + " + size " +
                                  std::to_string(size) + " overflows 64 bits");
    };
    const auto known = [&](clock_dmc::buffer_id b) {
      if (b >= t_.buffers()) throw std::out_of_range(where() + "unknown buffer id " + std::to_string(b));
    };
    for (std::size_t i = 0; i < reads.size(); ++i) {
      const auto b = reads[i].id;
      known(b);
      if (const auto w = t_.last_write(b)) {
        // b's distance sum after this read: the sum so far plus every distance of the call's reads of b up to i
        std::uint64_t sum = t_.stats(b).sum_dist, at = t_.clock();
        for (std::size_t j = 0; j <= i; ++j) {
          if (reads[j].id == b && __builtin_add_overflow(sum, at - *w, &sum))
            throw std::overflow_error(where() + "the distance sum of buffer '" + t_.name(b) + "' (" +
                                      std::to_string(sum - (at - *w)) + " + " + std::to_string(at - *w) +
                                      ") overflows 64 bits");
          if (j < i) at += reads[j].size;  // checked by advance below at step j
        }
      }
      advance(reads[i].size);
    }
    for (const auto& a : writes) {
      known(a.id);
      advance(a.size);
    }
    advance(fresh);
  }
  void record_reads(std::span<const array> reads) {
    for (const auto& a : reads) t_.read(a.id, a.size);
  }
  // The name counter moves only once the buffer is written.
  array record_fresh(std::string_view prefix, std::uint64_t size) {
    const array a{t_.buffer(std::string("_").append(prefix).append("_").append(std::to_string(next_ + 1))), size};
    t_.write(a.id, size);
    ++next_;
    return a;
  }
  clock_dmc& t_;
  std::uint64_t next_ = 0;
};

}  // namespace sutro::metrics::dmd
