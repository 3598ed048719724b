#pragma once
// The memory-access policy every kernel of the library is written against, so
// that one text runs raw (the timed code) or recording (each element read and
// write appended to a memory::trace). Code asks the policy for a handle to a
// buffer, `mem(p)`, and indexes that: under raw_access the handle is `p`
// itself, so that instantiation is the plain pointer code; under
// recording_access it is a memory::accessed_ptr whose every `h[i]` goes
// through memory::recording_accessor. Layers that pick kernels by policy (nn,
// gf2) overload on the two types, as xsimd overloads on architecture tags.
// raw_access_on<Backend> also names the backend whose kernels the raw code
// runs (nn's dense layers and the optimizers: an mlp<T, scalar> trains on the
// scalar kernels); raw_access is the build's default_backend.
//
//   sutro::memory::trace t;
//   sutro::memory::recording_access rec{&t};
//   auto same = sutro::solvers::exhaustive{}.solve(train, rec);   // recorded
//   auto fast = sutro::solvers::exhaustive{}.solve(train);        // raw_access

#include <concepts>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include "sutro/backend/traits.hpp"
#include "sutro/memory/accessor.hpp"
#include "sutro/memory/trace.hpp"

namespace sutro::memory {

/// Handles are the pointers themselves: zero cost, the code as timed, on
/// Backend's kernels.
template <class Backend>
struct raw_access_on {
  using backend = Backend;
  static constexpr bool records = false;
  template <class T>
  using accessor = default_accessor<T>;
  template <class T>
  [[nodiscard]] constexpr T* operator()(T* p) const noexcept {
    return p;
  }
};

/// The raw policy on the build's best host backend.
using raw_access = raw_access_on<default_backend>;

/// Handles record every element read and write into `sink`.
struct recording_access {
  static constexpr bool records = true;
  template <class T>
  using accessor = recording_accessor<T>;
  trace* sink = nullptr;
  template <class T>
  [[nodiscard]] accessed_ptr<T, recording_accessor<T>> operator()(T* p) const noexcept {
    return {p, recording_accessor<T>{sink}};
  }
};

/// What a memory-access policy provides: a handle for any buffer, and whether it records.
template <class P>
concept access_policy = requires(const P& p, int* q) {
  { P::records } -> std::convertible_to<bool>;
  p(q)[0];
};

/// Marks the start of a phase of the run (memory::trace::enter_phase) when
/// recording; nothing when raw.
template <class Backend>
constexpr void enter_phase(raw_access_on<Backend>, std::string_view) noexcept {}
inline void enter_phase(const recording_access& m, std::string_view name) { m.sink->enter_phase(name); }

/// True for policies that record (recording_access).
template <class P>
inline constexpr bool records_v = P::records;

/// True for raw_access_on<B> alone: handles that are the pointers, whose
/// reads and writes cannot throw (a policy of one's own may check bounds).
template <class P>
inline constexpr bool is_raw_v = false;
template <class Backend>
inline constexpr bool is_raw_v<raw_access_on<Backend>> = true;

/// The handle a policy gives for T*: a restrict pointer under raw_access.
template <class P, class T>
using handle_of = restrict_t<decltype(std::declval<const P&>()(std::declval<T*>()))>;

}  // namespace sutro::memory
