#pragma once
// An allocator with a byte budget shared by its copies: std::bad_alloc once
// spent. Tests set the budget to make a chosen allocation fail.
#include <cstddef>
#include <limits>
#include <memory>
#include <new>
#include <utility>

namespace sutro::testing {

template <class T>
struct budget_allocator {
  using value_type = T;
  std::shared_ptr<std::size_t> left = std::make_shared<std::size_t>(std::numeric_limits<std::size_t>::max());

  budget_allocator() = default;
  explicit budget_allocator(std::shared_ptr<std::size_t> budget) : left(std::move(budget)) {}
  template <class U>
  budget_allocator(const budget_allocator<U>& o) noexcept : left(o.left) {}  // NOLINT: rebinding
  T* allocate(std::size_t n) {
    if (n > *left / sizeof(T)) throw std::bad_alloc();
    *left -= n * sizeof(T);
    return std::allocator<T>{}.allocate(n);
  }
  void deallocate(T* p, std::size_t n) noexcept {
    *left += n * sizeof(T);
    std::allocator<T>{}.deallocate(p, n);
  }
  template <class U>
  bool operator==(const budget_allocator<U>& o) const noexcept {
    return left == o.left;
  }
};

}  // namespace sutro::testing
