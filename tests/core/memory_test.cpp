#include <algorithm>
#include <cstdint>
#include <list>
#include <map>
#include <memory>
#include <memory_resource>
#include <random>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "sutro/memory/accounting_allocator.hpp"
#include "sutro/memory/accounting_resource.hpp"
#include "sutro/memory/aligned_allocator.hpp"
#include "sutro/memory/scoped_measurement.hpp"

using sutro::memory::accounting_allocator;
using sutro::memory::stats;

TEST_CASE("a growing std::vector is counted exactly", "[memory]") {
  stats counter;
  using alloc = accounting_allocator<int>;
  std::uint64_t allocations = 0, total = 0, peak = 0;
  {
    std::vector<int, alloc> v{alloc{counter}};
    std::size_t capacity = 0;
    for (int i = 0; i < 10000; ++i) {
      v.push_back(i);
      if (v.capacity() != capacity) {
        // A reallocation holds the old and the new block at once, then frees the old.
        ++allocations;
        total += v.capacity() * sizeof(int);
        peak = std::max<std::uint64_t>(peak, (v.capacity() + capacity) * sizeof(int));
        capacity = v.capacity();
      }
      const auto s = counter.snapshot();
      REQUIRE(s.bytes_in_use == capacity * sizeof(int));
      REQUIRE(s.allocations == allocations);
      REQUIRE(s.deallocations == allocations - 1);
    }
    const auto s = counter.snapshot();
    CHECK(s.total_bytes == total);
    CHECK(s.peak_bytes == peak);
  }
  const auto s = counter.snapshot();
  CHECK(s.bytes_in_use == 0);
  CHECK(s.deallocations == allocations);
  CHECK(s.peak_bytes == peak);
}

TEST_CASE("accounting_allocator is a correct standard allocator", "[memory]") {
  stats a_counter, b_counter;
  using alloc = accounting_allocator<int>;
  STATIC_REQUIRE(std::allocator_traits<alloc>::propagate_on_container_copy_assignment::value);
  STATIC_REQUIRE(std::allocator_traits<alloc>::propagate_on_container_move_assignment::value);
  STATIC_REQUIRE(std::allocator_traits<alloc>::propagate_on_container_swap::value);
  STATIC_REQUIRE(!std::allocator_traits<alloc>::is_always_equal::value);
  using rebound = std::allocator_traits<alloc>::rebind_alloc<double>;
  STATIC_REQUIRE(std::is_same_v<rebound, accounting_allocator<double, std::allocator<double>>>);

  alloc a{a_counter}, a2{a_counter}, b{b_counter};
  CHECK(a == a2);
  CHECK(a != b);
  CHECK(rebound{a} == a);  // rebinding keeps the counter
  CHECK(&rebound{a}.counter() == &a_counter);
  CHECK(&alloc{}.counter() == &sutro::memory::default_stats());

  SECTION("node containers count through the rebound allocator") {
    std::list<int, alloc> l{a};
    for (int i = 0; i < 100; ++i) l.push_back(i);
    CHECK(a_counter.snapshot().allocations == 100);
    l.clear();
    CHECK(a_counter.snapshot().bytes_in_use == 0);
  }
  SECTION("copy assignment propagates the allocator, so memory returns to its own counter") {
    std::vector<int, alloc> x(100, 1, a), y(10, 2, b);
    y = x;
    CHECK(y.get_allocator() == a);
    CHECK(b_counter.snapshot().bytes_in_use == 0);
    CHECK(a_counter.snapshot().bytes_in_use == 2 * 100 * sizeof(int));
  }
  SECTION("move assignment and swap propagate too") {
    std::vector<int, alloc> x(100, 1, a), y(10, 2, b);
    y = std::move(x);
    CHECK(b_counter.snapshot().bytes_in_use == 0);
    std::vector<int, alloc> z(5, 3, b);
    swap(y, z);
    CHECK(z.get_allocator() == a);
    CHECK(y.get_allocator() == b);
  }
}

TEST_CASE("accounting over an aligned upstream stays aligned", "[memory]") {
  stats counter;
  using upstream = sutro::memory::aligned_allocator<std::uint64_t, 64>;
  accounting_allocator<std::uint64_t, upstream> a{counter};
  std::vector<std::uint64_t, decltype(a)> v(33, 0, a);
  CHECK(reinterpret_cast<std::uintptr_t>(v.data()) % 64 == 0);
  CHECK(counter.snapshot().bytes_in_use == 33 * 8);
}

TEST_CASE("aligned_allocator puts blocks from huge_page_bytes on huge-page boundaries", "[memory]") {
  using sutro::memory::huge_page_bytes;
  using words = sutro::memory::aligned_allocator<std::uint64_t>;
  STATIC_REQUIRE(words::alignment_for(huge_page_bytes - 1) == 64);
  STATIC_REQUIRE(words::alignment_for(huge_page_bytes) == huge_page_bytes);
  STATIC_REQUIRE(sutro::memory::aligned_allocator<char, std::size_t{1} << 22>::alignment_for(huge_page_bytes) ==
                 std::size_t{1} << 22);
  words a;
  for (const std::size_t n :
       {huge_page_bytes / 8 - 1, huge_page_bytes / 8, huge_page_bytes / 8 + 1, std::size_t{3} << 20}) {
    std::uint64_t* p = a.allocate(n);
    const std::size_t want = n * 8 >= huge_page_bytes ? huge_page_bytes : 64;
    CHECK(reinterpret_cast<std::uintptr_t>(p) % want == 0);
    p[0] = 1;  // the whole block is usable
    p[n - 1] = 2;
    CHECK(p[0] + p[n - 1] == 3);
    a.deallocate(p, n);  // with the alignment it was allocated with (ASan checks the pairing)
  }
}

TEST_CASE("aligned_allocator rejects impossible sizes", "[memory]") {
  sutro::memory::aligned_allocator<std::uint64_t> a;
  CHECK_THROWS_AS((void)a.allocate(std::size_t(-1) / 4), std::bad_array_new_length);
}

TEST_CASE("the pmr adaptor counts like the allocator", "[memory]") {
  stats counter;
  sutro::memory::accounting_resource resource{counter};
  {
    std::pmr::vector<int> v{&resource};
    v.reserve(1000);
    CHECK(counter.snapshot().bytes_in_use == 4000);
    CHECK(counter.snapshot().allocations == 1);
    std::pmr::map<int, int> m{&resource};
    m[1] = 2;
    CHECK(counter.snapshot().allocations == 2);
  }
  const auto s = counter.snapshot();
  CHECK(s.bytes_in_use == 0);
  CHECK(s.deallocations == 2);
  CHECK(s.peak_bytes >= 4000);
  sutro::memory::accounting_resource other{counter};
  CHECK(resource.is_equal(resource));
  CHECK(!resource.is_equal(other));
}

TEST_CASE("two threads counting into one stats lose nothing", "[memory][threads]") {
  stats counter;
  using alloc = accounting_allocator<std::uint64_t>;
  constexpr int rounds = 20000;
  auto work = [&] {
    alloc a{counter};
    for (int i = 0; i < rounds; ++i) {
      std::uint64_t* p = a.allocate(3);
      a.deallocate(p, 3);
    }
  };
  std::thread t1(work), t2(work);
  t1.join();
  t2.join();
  const auto s = counter.snapshot();
  CHECK(s.allocations == 2 * rounds);
  CHECK(s.deallocations == 2 * rounds);
  CHECK(s.total_bytes == 2u * rounds * 24u);
  CHECK(s.bytes_in_use == 0);
  CHECK(s.peak_bytes >= 24);
  CHECK(s.peak_bytes <= 48);  // at most one block per thread is ever live
}

TEST_CASE("scoped_measurement reports a region's allocations and peak, and nests", "[memory]") {
  stats counter;
  using alloc = accounting_allocator<char>;
  std::vector<char, alloc> before(1000, 0, alloc{counter});  // live before: not the region's
  sutro::memory::scoped_measurement outer{counter};
  { std::vector<char, alloc> big(500, 0, alloc{counter}); }
  sutro::memory::region_usage inner_usage;
  {
    sutro::memory::scoped_measurement inner{counter};
    std::vector<char, alloc> small(100, 0, alloc{counter});
    inner_usage = inner.finish();
  }
  std::vector<char, alloc> kept(10, 0, alloc{counter});
  const auto used = outer.finish();
  CHECK(inner_usage.allocations == 1);
  CHECK(inner_usage.peak_bytes == 100);
  CHECK(inner_usage.net_bytes == 100);
  CHECK(used.allocations == 3);
  CHECK(used.deallocations == 2);
  CHECK(used.bytes_allocated == 610);
  CHECK(used.peak_bytes == 500);  // the inner region's restore keeps the outer peak
  CHECK(used.net_bytes == 10);
  CHECK(outer.finish().allocations == 3);  // finishing twice returns the same
  CHECK(counter.snapshot().peak_bytes == 1500);

  const auto lambda_usage = sutro::memory::measure([&] { std::vector<char, alloc> v(77, 0, alloc{counter}); }, counter);
  CHECK(lambda_usage.bytes_allocated == 77);
  CHECK(lambda_usage.net_bytes == 0);
}

TEST_CASE("stats::reset inside a measured region changes neither the region's counts nor its peak", "[memory]") {
  stats counter;
  using alloc = accounting_allocator<char>;
  std::vector<char, alloc> before(1000, 0, alloc{counter});
  sutro::memory::scoped_measurement region{counter};
  { std::vector<char, alloc> big(700, 0, alloc{counter}); }
  std::vector<char, alloc> kept(50, 0, alloc{counter});
  counter.reset();  // the public counters restart here
  CHECK(counter.snapshot().allocations == 0);
  CHECK(counter.snapshot().peak_bytes == 1050);
  { std::vector<char, alloc> small(20, 0, alloc{counter}); }
  const auto used = region.finish();
  CHECK(used.allocations == 3);  // not 2^64 - something
  CHECK(used.deallocations == 2);
  CHECK(used.bytes_allocated == 770);
  CHECK(used.peak_bytes == 700);  // the region's own peak, from before the reset
  CHECK(used.net_bytes == 50);
  const auto after = counter.snapshot();
  CHECK(after.allocations == 1);
  CHECK(after.deallocations == 1);
  CHECK(after.total_bytes == 20);
  CHECK(after.peak_bytes == 1070);  // regions leave the public peak alone
}

TEST_CASE("scoped_measurement regions that overlap and end in any order each report their own peak", "[memory]") {
  // Against a model that raises every open region's peak on each allocation.
  struct model_region {
    std::unique_ptr<sutro::memory::scoped_measurement> region;
    std::uint64_t start = 0, highest = 0;
  };
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 200; ++trial) {
    stats counter;
    std::vector<std::uint64_t> live;
    std::vector<model_region> open;
    std::uint64_t in_use = 0;
    for (int step = 0; step < 60; ++step) {
      const unsigned op = static_cast<unsigned>(rng() % 6);
      if (op <= 1) {
        const std::uint64_t bytes = 1 + rng() % 1000;
        counter.record_allocation(bytes);
        live.push_back(bytes);
        in_use += bytes;
        for (auto& r : open) r.highest = std::max(r.highest, in_use);
      } else if (op == 2 && !live.empty()) {
        const std::size_t k = rng() % live.size();
        counter.record_deallocation(live[k]);
        in_use -= live[k];
        live.erase(live.begin() + static_cast<std::ptrdiff_t>(k));
      } else if (op == 3 && open.size() < 5) {
        open.push_back({std::make_unique<sutro::memory::scoped_measurement>(counter), in_use, in_use});
      } else if (op == 4 && !open.empty()) {
        const std::size_t k = rng() % open.size();
        CHECK(open[k].region->current().peak_bytes == open[k].highest - open[k].start);
      } else if (op == 5 && !open.empty()) {
        const std::size_t k = rng() % open.size();  // any of them, not only the newest
        const auto used = open[k].region->finish();
        CHECK(used.peak_bytes == open[k].highest - open[k].start);
        CHECK(used.net_bytes == static_cast<std::int64_t>(in_use) - static_cast<std::int64_t>(open[k].start));
        open.erase(open.begin() + static_cast<std::ptrdiff_t>(k));
      }
    }
  }
}

TEST_CASE("two threads' regions on one counter, ended out of order, keep their own peaks", "[memory][threads]") {
  stats counter;
  counter.record_allocation(1 << 20);
  counter.record_deallocation(1 << 20);
  sutro::memory::region_usage b_usage;
  sutro::memory::scoped_measurement a{counter};
  std::thread other([&] {
    sutro::memory::scoped_measurement b{counter};
    const auto a_usage = a.finish();  // a ends while b is open
    CHECK(a_usage.peak_bytes == 0);
    counter.record_allocation(8);
    b_usage = b.finish();
  });
  other.join();
  CHECK(b_usage.peak_bytes == 8);
}
