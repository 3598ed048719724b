#pragma once
// Shared helpers of the sutro._sutro extension: numpy arrays that own a C++
// vector (no copy on the way out), argument parsing with sutro's error style.
#include <nanobind/nanobind.h>
#include <nanobind/ndarray.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <cstddef>
#include <cstdint>
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

/// Keyword options passed as a dict: each key read once; unknown keys are an error.
class options {
 public:
  options(nb::dict d, const char* who) : d_(std::move(d)), who_(who) {}
  template <class T>
  T get(const char* key, T fallback) {
    used_.emplace_back(key);
    if (!d_.contains(key)) return fallback;
    return nb::cast<T>(d_[key]);
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
