#include <type_traits>

#include "support/catch.hpp"
#include "sutro/backend/traits.hpp"
#include "sutro/memory/accounting_allocator.hpp"
#include "sutro/memory/aligned_allocator.hpp"

namespace {
// Overloads as kernels are written: the most derived tag wins, scalar is the fallback.
constexpr int pick(sutro::scalar) { return 1; }
template <class Arch>
constexpr int pick(sutro::simd_on<Arch>) {
  return 2;
}
constexpr int pick_scalar_only(sutro::scalar) { return 1; }
}  // namespace

TEST_CASE("backend tags select kernels by overload resolution", "[backend]") {
  STATIC_REQUIRE(pick(sutro::scalar{}) == 1);
  STATIC_REQUIRE(pick(sutro::simd{}) == 2);
  STATIC_REQUIRE(pick_scalar_only(sutro::simd{}) == 1);  // fallback through the base tag
  STATIC_REQUIRE(std::is_base_of_v<sutro::scalar, sutro::simd>);
  STATIC_REQUIRE(!std::is_base_of_v<sutro::scalar, sutro::cuda>);
}

TEST_CASE("backend_traits describe each backend", "[backend]") {
  using sutro::backend_traits;
  STATIC_REQUIRE(std::is_same_v<backend_traits<sutro::scalar>::memory_space, sutro::host_space>);
  STATIC_REQUIRE(std::is_same_v<backend_traits<sutro::simd>::memory_space, sutro::host_space>);
  STATIC_REQUIRE(std::is_same_v<backend_traits<sutro::cuda>::memory_space, sutro::device_space>);
  STATIC_REQUIRE(backend_traits<sutro::scalar>::available);
  STATIC_REQUIRE(backend_traits<sutro::simd>::available == (SUTRO_SIMD_ENABLED != 0));
  STATIC_REQUIRE(!backend_traits<sutro::cuda>::available);  // this file is not compiled by nvcc
  STATIC_REQUIRE(sutro::backend<sutro::scalar> && sutro::backend<sutro::simd> && sutro::backend<sutro::cuda> &&
                 !sutro::backend<int>);
  STATIC_REQUIRE(sutro::is_host_backend_v<sutro::simd> && !sutro::is_host_backend_v<sutro::cuda>);
#if defined(SUTRO_HAS_XSIMD)
  STATIC_REQUIRE(std::is_same_v<sutro::default_backend, sutro::simd>);
#else
  STATIC_REQUIRE(std::is_same_v<sutro::default_backend, sutro::scalar>);
#endif
}

TEST_CASE("the host default allocator is accounted and 64-byte aligned", "[backend][memory]") {
  using alloc = sutro::backend_allocator_t<sutro::default_backend, std::uint64_t>;
  STATIC_REQUIRE(
      std::is_same_v<alloc, sutro::memory::accounting_allocator<std::uint64_t,
                                                                sutro::memory::aligned_allocator<std::uint64_t, 64>>>);
  sutro::memory::stats counter;
  alloc a{counter};
  for (std::size_t n : {1u, 3u, 8u, 1000u}) {
    std::uint64_t* p = a.allocate(n);
    CHECK(reinterpret_cast<std::uintptr_t>(p) % 64 == 0);
    a.deallocate(p, n);
  }
  CHECK(counter.snapshot().allocations == 4);
  CHECK(counter.snapshot().bytes_in_use == 0);
}
