// The popcount primitive on the device, compared with the scalar reference.
#include <cstdint>
#include <cstdio>
#include <random>
#include <stdexcept>
#include <vector>

#include "cuda/cuda_check.hpp"
#include "sutro/bits/popcount.hpp"
#include "sutro/memory/cuda/device_allocator.cuh"

static_assert(sutro::backend_traits<sutro::cuda>::available, "compiled by nvcc");

int main() {
  if (sutro::cuda_device_count() == 0) {
    std::printf("SKIPPED: no CUDA device visible; the CUDA kernels compiled but did not run\n");
    return 77;
  }
  sutro::memory::stats device_counter;
  sutro::memory::device_allocator<std::uint64_t> alloc{device_counter};
  std::mt19937_64 rng(7);
  for (std::size_t n : {0u, 1u, 63u, 64u, 65u, 1000u, 4097u, 1u << 20}) {
    std::vector<std::uint64_t> a(n), b(n);
    for (auto& w : a) w = rng();
    for (auto& w : b) w = rng();
    std::uint64_t* da = n ? alloc.allocate(n) : nullptr;
    std::uint64_t* db = n ? alloc.allocate(n) : nullptr;
    if (n) {
      SUTRO_CUDA_CHECK(cudaMemcpy(da, a.data(), n * 8, cudaMemcpyHostToDevice));
      SUTRO_CUDA_CHECK(cudaMemcpy(db, b.data(), n * 8, cudaMemcpyHostToDevice));
    }
    const std::span<const std::uint64_t> sa(da, n), sb(db, n);
    SUTRO_CUDA_EXPECT(sutro::bits::xor_popcount(sutro::cuda{}, sa, sb) ==
                      sutro::bits::xor_popcount(sutro::scalar{}, a, b));
    SUTRO_CUDA_EXPECT(sutro::bits::and_popcount(sutro::cuda{}, sa, sb) ==
                      sutro::bits::and_popcount(sutro::scalar{}, a, b));
    if (n) {
      alloc.deallocate(da, n);
      alloc.deallocate(db, n);
    }
  }
  SUTRO_CUDA_EXPECT(device_counter.snapshot().bytes_in_use == 0);
  SUTRO_CUDA_EXPECT(device_counter.snapshot().allocations == 14);
  try {
    (void)alloc.allocate(std::size_t{1} << 60);  // far beyond any device
    SUTRO_CUDA_EXPECT(false);
  } catch (const sutro::cuda_error& e) {
    SUTRO_CUDA_EXPECT(std::string(e.what()).find("cudaMalloc") != std::string::npos);
  }
  return sutro::testing::cuda_summary();
}
