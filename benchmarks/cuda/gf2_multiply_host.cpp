// CPU side of gf2_multiply.cu: the simd backend's product, compiled by the host
// compiler with -march=native (nvcc never parses xsimd).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/multiply.hpp"

namespace gf2_multiply_bench {

struct host_run {
  double seconds = 0;
  std::uint64_t digest = 0;
};

/// Order-dependent fold of the used words: equal digests, equal products.
std::uint64_t digest(const std::uint64_t* data, std::size_t rows, std::size_t stride, std::size_t used) {
  std::uint64_t d = 0x9E3779B97F4A7C15ull;
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t w = 0; w < used; ++w) d = ((d << 7) | (d >> 57)) ^ data[i * stride + w];
  return d;
}

std::string simd_name() {
  return std::string(sutro::default_backend::name) + " (" + sutro::default_simd_arch::name() + ")";
}

/// A (seed_a) times B (seed_b), n x n, timed once after a smaller warm-up.
host_run simd_multiply(std::size_t n, std::uint64_t seed_a, std::uint64_t seed_b, unsigned threads) {
  using M = sutro::gf2::matrix<sutro::default_backend>;
  {
    const M w = M::random(1024, 1024, 3);
    (void)sutro::gf2::mul(w, w, threads);
  }
  const M a = M::random(n, n, seed_a), b = M::random(n, n, seed_b);
  const auto t0 = std::chrono::steady_clock::now();
  const M c = sutro::gf2::mul(a, b, threads);
  const auto t1 = std::chrono::steady_clock::now();
  return {std::chrono::duration<double>(t1 - t0).count(), digest(c.data(), c.rows(), c.stride(), c.words_used())};
}

}  // namespace gf2_multiply_bench
