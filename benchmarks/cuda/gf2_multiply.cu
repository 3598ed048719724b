// GF(2) matrix product on the device (M4RM kernel of sutro/gf2/cuda/multiply.cuh)
// against the host simd backend, n x n times n x n.
//
//   gf2_multiply [--sizes 8192,16384,32768] [--reps 5] [--host-max 16384]
//                [--host-threads 1] [--no-host] [--method m4rm|tensor_core|both]
//
// Device: one warm-up product, then --reps products each timed with CUDA
// events (C += A B into a preallocated C; no allocation or copy inside the
// timing; the tensor-core method's transpose of B is inside it); the minimum
// and the median are reported. Rate: n^3 bit
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
}  // namespace gf2_multiply_bench

namespace {
namespace bench = gf2_multiply_bench;
using H = sutro::gf2::matrix<sutro::scalar>;
using D = sutro::gf2::matrix<sutro::cuda>;

struct options {
  std::vector<std::size_t> sizes{8192, 16384, 32768};
  int reps = 5;
  std::size_t host_max = 16384;
  unsigned host_threads = 1;
  std::vector<sutro::gf2::mul_method> methods{sutro::gf2::mul_method::m4rm, sutro::gf2::mul_method::tensor_core};
};

const char* name_of(sutro::gf2::mul_method m) { return m == sutro::gf2::mul_method::m4rm ? "m4rm" : "tensor_core"; }

[[noreturn]] void usage(const char* program) {
  std::fprintf(stderr,
               "usage: %s [--sizes 8192,16384,32768] [--reps 5] [--host-max 16384] "
               "[--host-threads 1] [--no-host] [--method m4rm|tensor_core|both]\n",
               program);
  std::exit(2);
}

options parse(int argc, char** argv) {
  options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : (usage(argv[0]), nullptr); };
    if (arg == "--sizes") {
      o.sizes.clear();
      for (const char* p = value(); *p;) {
        char* end = nullptr;
        o.sizes.push_back(std::strtoull(p, &end, 10));
        if (end == p) usage(argv[0]);
        p = *end == ',' ? end + 1 : end;
      }
    } else if (arg == "--reps") {
      o.reps = std::max(1, std::atoi(value()));
    } else if (arg == "--host-max") {
      o.host_max = std::strtoull(value(), nullptr, 10);
    } else if (arg == "--host-threads") {
      o.host_threads = static_cast<unsigned>(std::max(1, std::atoi(value())));
    } else if (arg == "--no-host") {
      o.host_max = 0;
    } else if (arg == "--method") {
      const std::string m = value();
      o.methods.clear();
      if (m == "m4rm" || m == "both") o.methods.push_back(sutro::gf2::mul_method::m4rm);
      if (m == "tensor_core" || m == "both") o.methods.push_back(sutro::gf2::mul_method::tensor_core);
      if (o.methods.empty()) usage(argv[0]);
    } else {
      usage(argv[0]);
    }
  }
  return o;
}

}  // namespace

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
  std::printf("%8s %12s %11s %11s %13s %10s %9s %6s\n", "n", "method", "dev min ms", "dev med ms", "dev bit-op/s",
              "host s", "speedup", "match");
  cudaEvent_t start, stop;
  SUTRO_CUDA_CHECK(cudaEventCreate(&start));
  SUTRO_CUDA_CHECK(cudaEventCreate(&stop));
  for (std::size_t n : opt.sizes) {
    const D a = sutro::gf2::to_device(H::random(n, n, 1)), b = sutro::gf2::to_device(H::random(n, n, 2));
    const bench::host_run host =
        n <= opt.host_max ? bench::simd_multiply(n, 1, 2, opt.host_threads) : bench::host_run{-1, 0};
    for (const auto method : opt.methods) {
      D c(n, n);
      sutro::gf2::mul_add(c, a, b, method);  // warm-up, and C = A B for the digest
      const H product = c.to_host<sutro::scalar>();
      const std::uint64_t digest = bench::digest(product.data(), n, product.stride(), product.words_used());
      std::vector<float> ms(static_cast<std::size_t>(opt.reps));
      for (float& t : ms) {
        SUTRO_CUDA_CHECK(cudaEventRecord(start));
        sutro::gf2::mul_add(c, a, b, method);
        SUTRO_CUDA_CHECK(cudaEventRecord(stop));
        SUTRO_CUDA_CHECK(cudaEventSynchronize(stop));
        SUTRO_CUDA_CHECK(cudaEventElapsedTime(&t, start, stop));
      }
      std::sort(ms.begin(), ms.end());
      const double best = ms.front(), median = ms[ms.size() / 2];
      const double ops = static_cast<double>(n) * static_cast<double>(n) * static_cast<double>(n);
      std::printf("%8zu %12s %11.3f %11.3f %13.3e", n, name_of(method), best, median, ops / (best * 1e-3));
      if (host.seconds >= 0)
        std::printf(" %10.3f %9.1f %6s\n", host.seconds, host.seconds / (best * 1e-3),
                    host.digest == digest ? "yes" : "NO");
      else
        std::printf(" %10s %9s %6s\n", "-", "-", "-");
      std::fflush(stdout);
    }
  }
  SUTRO_CUDA_CHECK(cudaEventDestroy(start));
  SUTRO_CUDA_CHECK(cudaEventDestroy(stop));
  return 0;
}
