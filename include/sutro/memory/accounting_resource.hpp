#pragma once
// accounting_resource: the std::pmr counterpart of accounting_allocator. It
// counts into a memory::stats and forwards to an upstream memory_resource.
//
//   sutro::memory::stats counter;
//   sutro::memory::accounting_resource resource{counter};
//   std::pmr::vector<int> v{&resource};
//   v.resize(1000);                         // counter.snapshot().bytes_in_use == 4000

#include <cstddef>
#include <memory_resource>

#include "sutro/memory/stats.hpp"

namespace sutro::memory {

class accounting_resource final : public std::pmr::memory_resource {
 public:
  explicit accounting_resource(stats& counter = default_stats(),
                               std::pmr::memory_resource* upstream = std::pmr::get_default_resource()) noexcept
      : counter_(&counter), upstream_(upstream) {}

  accounting_resource(const accounting_resource&) = delete;
  accounting_resource& operator=(const accounting_resource&) = delete;

  [[nodiscard]] stats& counter() const noexcept { return *counter_; }
  [[nodiscard]] std::pmr::memory_resource* upstream() const noexcept { return upstream_; }

 private:
  void* do_allocate(std::size_t bytes, std::size_t alignment) override {
    void* p = upstream_->allocate(bytes, alignment);
    counter_->record_allocation(bytes);
    return p;
  }
  void do_deallocate(void* p, std::size_t bytes, std::size_t alignment) override {
    upstream_->deallocate(p, bytes, alignment);
    counter_->record_deallocation(bytes);
  }
  bool do_is_equal(const std::pmr::memory_resource& other) const noexcept override { return this == &other; }

  stats* counter_;
  std::pmr::memory_resource* upstream_;
};

}  // namespace sutro::memory
