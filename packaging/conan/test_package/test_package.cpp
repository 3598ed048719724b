#include <cstdint>
#include <cstdio>
#include <vector>

#include <sutro/sutro.hpp>

int main() {
  sutro::memory::stats counter;
  using alloc = sutro::backend_allocator_t<sutro::default_backend, std::uint64_t>;
  std::vector<std::uint64_t, alloc> a(64, ~std::uint64_t{0}, alloc{counter});
  std::vector<std::uint64_t, alloc> b(64, 0, alloc{counter});
  const auto d = sutro::bits::xor_popcount(sutro::default_backend{}, a, b);
  std::printf("sutro test_package: hamming distance %llu, %llu bytes accounted\n", static_cast<unsigned long long>(d),
              static_cast<unsigned long long>(counter.snapshot().bytes_in_use));
  return d == 64 * 64 ? 0 : 1;
}
