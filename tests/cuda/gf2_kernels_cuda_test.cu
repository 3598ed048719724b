// The gf2 device kernels (multiply with both methods, echelon forms, rank, solve) against the
// scalar host backend, bit for bit, on random inputs of sizes 0, 1, 63, 64,
// 65, 1000, 4097 and non-square shapes; device memory back to zero.
// --small keeps the shapes whose dimensions are all at most 130 (for racecheck).
#include "sutro/gf2/cuda/all.cuh"  // first: it includes the host gf2 headers for nvcc

#include <algorithm>
#include <cstddef>
#include <cstdio>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "cuda/cuda_check.hpp"

namespace {
using H = sutro::gf2::matrix<sutro::scalar>;
using Alloc = sutro::memory::device_allocator<sutro::gf2::word>;
using D = sutro::gf2::matrix<sutro::cuda, Alloc>;

std::size_t cap = std::numeric_limits<std::size_t>::max();  // testing::size_cap

bool fits(std::initializer_list<std::size_t> dims) {
  return std::all_of(dims.begin(), dims.end(), [](std::size_t d) { return d <= cap; });
}

bool same(const D& d, const H& h) { return d.to_host<sutro::scalar>() == h; }

H low_rank(std::size_t rows, std::size_t cols, std::size_t r, std::uint64_t seed) {
  return sutro::gf2::mul(H::random(rows, r, seed), H::random(r, cols, seed + 1));
}

void multiply(const Alloc& alloc) {
  std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> shapes;
  for (std::size_t s : {0, 1, 63, 64, 65, 1000}) shapes.emplace_back(s, s, s);
  shapes.insert(shapes.end(), {{1, 64, 65},
                               {65, 1000, 63},
                               {1000, 65, 1},
                               {63, 4097, 64},
                               {4097, 64, 1000},
                               {2049, 130, 257},
                               {1025, 7, 3000},
                               {4097, 4097, 4097},
                               {3, 0, 5},
                               {0, 5, 3}});
  std::uint64_t seed = 1;
  for (auto [m, k, n] : shapes) {
    if (!fits({m, k, n})) continue;
    std::printf("multiply %zux%zu by %zux%zu\n", m, k, k, n);
    const H a = H::random(m, k, seed), b = H::random(k, n, seed + 1), c0 = H::random(m, n, seed + 2);
    seed += 3;
    const D da = sutro::gf2::to_device(a, alloc), db = sutro::gf2::to_device(b, alloc);
    const H want = a * b;
    SUTRO_CUDA_EXPECT(same(da * db, want));
    for (auto method : {sutro::gf2::mul_method::m4rm, sutro::gf2::mul_method::tensor_core}) {
      SUTRO_CUDA_EXPECT(same(sutro::gf2::mul(da, db, method), want));
      D dc = sutro::gf2::to_device(c0, alloc);
      sutro::gf2::mul_add(dc, da, db, method);
      SUTRO_CUDA_EXPECT(same(dc, c0 + want));
    }
  }
}

void echelon(const Alloc& alloc) {
  const std::size_t sizes[] = {0, 1, 63, 64, 65, 1000, 4097};
  std::vector<H> inputs;
  std::uint64_t seed = 100;
  for (std::size_t r : sizes)
    for (std::size_t c : sizes) {
      if (r * c > 1000 * 4097 || !fits({r, c})) continue;  // 4097 x 4097 below, once
      inputs.push_back(H::random(r, c, seed++));
      inputs.push_back(low_rank(r, c, std::min<std::size_t>(r, 40), seed++));
    }
  if (fits({4097})) {
    inputs.push_back(H::random(4097, 4097, seed++));
    inputs.push_back(low_rank(4097, 4097, 3000, seed++));
  }
  inputs.push_back(H::identity(fits({300}) ? 300 : cap));
  inputs.push_back(fits({200}) ? H(200, 100) : H(cap, cap / 2));
  for (const H& in : inputs) {
    std::printf("echelon %zux%zu\n", in.rows(), in.cols());
    const D d = sutro::gf2::to_device(in, alloc);
    for (bool reduced : {false, true}) {
      H ref = in;
      const auto want = sutro::gf2::echelonize(ref, reduced);
      D mine = d;
      const auto got = sutro::gf2::echelonize(mine, reduced);
      SUTRO_CUDA_EXPECT(got.rank == want.rank && got.pivots == want.pivots);
      SUTRO_CUDA_EXPECT(same(mine, ref));
    }
    SUTRO_CUDA_EXPECT(sutro::gf2::rank(d) == sutro::gf2::rank(in));
    const auto [form, info] = sutro::gf2::reduced_row_echelon(d);
    const auto [hform, hinfo] = sutro::gf2::reduced_row_echelon(in);
    SUTRO_CUDA_EXPECT(same(form, hform) && info.pivots == hinfo.pivots);
    const auto [rform, rinfo] = sutro::gf2::row_echelon(d);
    const auto [hrform, hrinfo] = sutro::gf2::row_echelon(in);
    SUTRO_CUDA_EXPECT(same(rform, hrform) && rinfo.rank == hrinfo.rank);
  }
}

void solve(const Alloc& alloc) {
  std::uint64_t seed = 5000;
  const std::size_t sizes[] = {0, 1, 63, 64, 65, 1000};
  for (std::size_t m : sizes)
    for (std::size_t n : sizes) {
      if (!fits({m, n})) continue;
      for (std::size_t k : {1, 65})
        for (int kind = 0; kind < 3; ++kind) {
          const H a = kind == 0 ? H::random(m, n, seed) : low_rank(m, n, std::min(m, n) / 2, seed);
          const H b = kind == 1 ? a * H::random(n, k, seed + 1) : H::random(m, k, seed + 2);
          seed += 3;
          const auto want = sutro::gf2::solve(a, b);
          const auto got = sutro::gf2::solve(sutro::gf2::to_device(a, alloc), sutro::gf2::to_device(b, alloc));
          SUTRO_CUDA_EXPECT(got.consistent == want.consistent);
          SUTRO_CUDA_EXPECT(same(got.solution, want.solution));
          SUTRO_CUDA_EXPECT(same(got.nullspace, want.nullspace));
        }
    }
  for (std::size_t n : {0, 1, 63, 64, 65, 300}) {
    if (!fits({n + 1})) continue;
    const H full = H::random(n, n, seed++), singular = low_rank(n + 1, n + 1, n, seed++);
    const D dfull = sutro::gf2::to_device(full, alloc), dsing = sutro::gf2::to_device(singular, alloc);
    SUTRO_CUDA_EXPECT(same(sutro::gf2::kernel(dfull), sutro::gf2::kernel(full)));
    SUTRO_CUDA_EXPECT(same(sutro::gf2::kernel(dsing), sutro::gf2::kernel(singular)));
    std::string want_msg, got_msg;
    H want_inv;
    try {
      want_inv = sutro::gf2::inverse(full);
    } catch (const std::domain_error& e) {
      want_msg = e.what();
    }
    try {
      const D inv = sutro::gf2::inverse(dfull);
      SUTRO_CUDA_EXPECT(want_msg.empty() && same(inv, want_inv));
    } catch (const std::domain_error& e) {
      got_msg = e.what();
    }
    SUTRO_CUDA_EXPECT(got_msg == want_msg);
    try {
      (void)sutro::gf2::inverse(dsing);
      SUTRO_CUDA_EXPECT(false);
    } catch (const std::domain_error& e) {
      try {
        (void)sutro::gf2::inverse(singular);
      } catch (const std::domain_error& h) {
        SUTRO_CUDA_EXPECT(std::string(e.what()) == h.what());
      }
    }
  }
  if (!fits({4097})) return;
  std::printf("solve 4097x4097\n");
  const H a = low_rank(4097, 4097, 4000, seed), b = a * H::random(4097, 1, seed + 2);
  const auto want = sutro::gf2::solve(a, b);
  const auto got = sutro::gf2::solve(sutro::gf2::to_device(a, alloc), sutro::gf2::to_device(b, alloc));
  SUTRO_CUDA_EXPECT(got.consistent && want.consistent);
  SUTRO_CUDA_EXPECT(same(got.solution, want.solution) && same(got.nullspace, want.nullspace));
}

}  // namespace

int main(int argc, char** argv) {
  cap = sutro::testing::size_cap(argc, argv);
  if (sutro::cuda_device_count() == 0) {
    std::printf("SKIPPED: no CUDA device visible; the gf2 device kernels compiled but did not run\n");
    return 77;
  }
  int major = 0;
  SUTRO_CUDA_CHECK(cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, 0));
  if (major < 8) {
    std::printf("SKIPPED: compute capability %d.x; mul_method::tensor_core needs 8.0 or later\n", major);
    return 77;
  }
  sutro::memory::stats counter;
  const Alloc alloc{counter};
  multiply(alloc);
  echelon(alloc);
  solve(alloc);
  SUTRO_CUDA_EXPECT(counter.snapshot().bytes_in_use == 0);
  SUTRO_CUDA_EXPECT(sutro::memory::default_device_stats().snapshot().bytes_in_use == 0);
  return sutro::testing::cuda_summary();
}
