// Built against an installed sutro: the simd component must bring xsimd and
// the SUTRO_HAS_XSIMD definition with it.
#include <cstdint>
#include <cstdio>
#include <vector>

#include <sutro/sutro.hpp>

#if !defined(SUTRO_HAS_XSIMD)
#error "sutro::simd did not define SUTRO_HAS_XSIMD"
#endif
static_assert(std::is_same_v<sutro::default_backend, sutro::simd>);

int main() {
  std::vector<std::uint64_t> a(100, 0xffu), b(100, 0x0fu);
  const auto d = sutro::bits::xor_popcount(sutro::default_backend{}, a, b);
  std::printf("sutro %d.%d.%d consumer: hamming distance %llu\n", sutro::version_major, sutro::version_minor,
              sutro::version_patch, static_cast<unsigned long long>(d));
  return d == 400 ? 0 : 1;
}
