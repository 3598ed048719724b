// GF(2) matrix product on the device (M4RM kernel of sutro/gf2/cuda/multiply.cuh)
// against the host simd backend, n x n times n x n.
//
//   gf2_multiply [--sizes 8192,16384,32768] [--reps 5] [--host-max 16384]
//                [--host-threads 1] [--no-host]
//
// Device: one warm-up product, then --reps products each timed with CUDA
// events (C += A B into a preallocated C; no allocation or copy inside the
// timing); the minimum and the median are reported. Rate: n^3 bit
// multiply-adds (one AND and one XOR each) per second. Host: one simd product
// per size up to --host-max (32768 takes minutes on two cores), timed with
// steady_clock after a small warm-up; its digest is compared with the device's.
#include "sutro/gf2/cuda/all.cuh"  // first: it includes the host gf2 headers for nvcc

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace gf2_multiply_bench {
struct host_run {
  double seconds = 0;
  std::uint64_t digest = 0;
};
std::uint64_t digest(const std::uint64_t* data, std::size_t rows, std::size_t stride, std::size_t used);
std::string simd_name();
host_run simd_multiply(std::size_t n, std::uint64_t seed_a, std::uint64_t seed_b, unsigned threads);
} // namespace gf2_multiply_bench

namespace {
namespace bench = gf2_multiply_bench;
using H = sutro::gf2::matrix<sutro::scalar>;
using D = sutro::gf2::matrix<sutro::cuda>;

struct options {
  std::vector<std::size_t> sizes{8192, 16384, 32768};
  int reps = 5;
  std::size_t host_max = 16384;
  unsigned host_threads = 1;
};

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--sizes" && has_value) {
      o.sizes.clear();
      for (const char* p = argv[++i]; *p;) {
        char* end = nullptr;
        o.sizes.push_back(std::strtoull(p, &end, 10));
        p = *end == ',' ? end + 1 : end;
      }
    } else if (arg == "--reps" && has_value) {
      o.reps = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--host-max" && has_value) {
      o.host_max = std::strtoull(argv[++i], nullptr, 10);
    } else if (arg == "--host-threads" && has_value) {
      o.host_threads = static_cast<unsigned>(std::max(1, std::atoi(argv[++i])));
    } else if (arg == "--no-host") {
      o.host_max = 0;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--sizes 8192,16384,32768] [--reps 5] [--host-max 16384] "
                   "[--host-threads 1] [--no-host]\n",
                   argv[0]);
      std::exit(2);
    }
  }
  return o;
}

} // namespace

int main(int argc, char** argv) {
  const options opt = parse(argc, argv);
  if (sutro::cuda_device_count() == 0) {
    std::printf("SKIPPED: no CUDA device visible\n");
    return 77;
  }
  cudaDeviceProp prop{};
  SUTRO_CUDA_CHECK(cudaGetDeviceProperties(&prop, 0));
  std::printf("device: %s, %d SMs; host baseline: %s, %u thread(s)\n", prop.name, prop.multiProcessorCount,
              bench::simd_name().c_str(), opt.host_threads);
  std::printf("%8s %12s %12s %14s %12s %10s %8s\n", "n", "dev min ms", "dev med ms", "dev bit-op/s",
              "host s", "speedup", "match");
  cudaEvent_t start, stop;
  SUTRO_CUDA_CHECK(cudaEventCreate(&start));
  SUTRO_CUDA_CHECK(cudaEventCreate(&stop));
  for (std::size_t n : opt.sizes) {
    const D a = sutro::gf2::to_device(H::random(n, n, 1)), b = sutro::gf2::to_device(H::random(n, n, 2));
    D c(n, n);
    sutro::gf2::mul_add(c, a, b);  // warm-up, and C = A B for the digest
    const H product = c.to_host<sutro::scalar>();
    const std::uint64_t dev_digest = bench::digest(product.data(), n, product.stride(), product.words_used());
    std::vector<float> ms(static_cast<std::size_t>(opt.reps));
    for (float& t : ms) {
      SUTRO_CUDA_CHECK(cudaEventRecord(start));
      sutro::gf2::mul_add(c, a, b);
      SUTRO_CUDA_CHECK(cudaEventRecord(stop));
      SUTRO_CUDA_CHECK(cudaEventSynchronize(stop));
      SUTRO_CUDA_CHECK(cudaEventElapsedTime(&t, start, stop));
    }
    std::sort(ms.begin(), ms.end());
    const double best = ms.front(), median = ms[ms.size() / 2];
    const double ops = static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
    std::printf("%8zu %12.3f %12.3f %14.3e", n, best, median, ops / (best * 1e-3));
    if (n <= opt.host_max) {
      const bench::host_run h = bench::simd_multiply(n, 1, 2, opt.host_threads);
      std::printf(" %12.3f %10.1f %8s\n", h.seconds, h.seconds / (best * 1e-3), h.digest == dev_digest ? "yes" : "NO");
    } else {
      std::printf(" %12s %10s %8s\n", "-", "-", "-");
    }
    std::fflush(stdout);
  }
  SUTRO_CUDA_CHECK(cudaEventDestroy(start));
  SUTRO_CUDA_CHECK(cudaEventDestroy(stop));
  return 0;
}
