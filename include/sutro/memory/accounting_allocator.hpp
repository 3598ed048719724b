#pragma once
// accounting_allocator<T, Upstream>: a drop-in standard allocator that counts
// every allocation and deallocation into a shared memory::stats, then forwards
// to `Upstream`. It is the default allocator of the library's host containers
// (over aligned_allocator), so any run can report the bytes it allocated.
//
//   sutro::memory::stats counter;
//   using alloc = sutro::memory::accounting_allocator<int>;
//   std::vector<int, alloc> v{alloc{counter}};
//   v.resize(1000);                        // counter: 1 allocation, 4000 bytes in use
//
// Two allocators are equal when they count into the same stats and their
// upstreams are equal. Copy, move and swap propagate the allocator, so memory
// is always returned to the counter it was taken from.

#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

#include "sutro/memory/stats.hpp"

namespace sutro::memory {

template <class T, class Upstream = std::allocator<T>>
class accounting_allocator {
  using upstream_traits = std::allocator_traits<Upstream>;
  static_assert(std::is_same_v<typename upstream_traits::value_type, T>, "Upstream allocator must allocate T");

 public:
  using value_type = T;
  using size_type = std::size_t;
  using difference_type = std::ptrdiff_t;
  using upstream_type = Upstream;
  using propagate_on_container_copy_assignment = std::true_type;
  using propagate_on_container_move_assignment = std::true_type;
  using propagate_on_container_swap = std::true_type;
  using is_always_equal = std::false_type;

  template <class U>
  struct rebind {
    using other = accounting_allocator<U, typename upstream_traits::template rebind_alloc<U>>;
  };

  /// Counts into memory::default_stats().
  accounting_allocator() noexcept(std::is_nothrow_default_constructible_v<Upstream>) : counter_(&default_stats()) {}

  explicit accounting_allocator(stats& counter,
                                Upstream upstream = Upstream()) noexcept(std::is_nothrow_move_constructible_v<Upstream>)
      : counter_(&counter), upstream_(std::move(upstream)) {}

  template <class U, class UpstreamU>
  accounting_allocator(const accounting_allocator<U, UpstreamU>& other) noexcept
      : counter_(&other.counter()), upstream_(other.upstream()) {}

  [[nodiscard]] T* allocate(std::size_t n) {
    T* p = upstream_traits::allocate(upstream_, n);
    counter_->record_allocation(n * sizeof(T));
    return p;
  }

  void deallocate(T* p, std::size_t n) noexcept {
    upstream_traits::deallocate(upstream_, p, n);
    counter_->record_deallocation(n * sizeof(T));
  }

  [[nodiscard]] stats& counter() const noexcept { return *counter_; }
  [[nodiscard]] const Upstream& upstream() const noexcept { return upstream_; }

  template <class U, class UpstreamU>
  friend bool operator==(const accounting_allocator& a, const accounting_allocator<U, UpstreamU>& b) noexcept {
    return &a.counter() == &b.counter() && a.upstream() == b.upstream();
  }

 private:
  stats* counter_;
  [[no_unique_address]] Upstream upstream_{};
};

}  // namespace sutro::memory
