// gf2::matrix<sutro::cuda>: host <-> device copies, factories, copy/move,
// add and transpose against the scalar host backend, error messages, and the
// device memory accounting back to zero.
#include <cstddef>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sutro/gf2/cuda/all.cuh"  // first: it includes the host gf2 headers for nvcc

#include "cuda/cuda_check.hpp"
#include "support/thrown.hpp"

namespace {
using H = sutro::gf2::matrix<sutro::scalar>;
using Alloc = sutro::memory::device_allocator<sutro::gf2::word>;
using D = sutro::gf2::matrix<sutro::cuda, Alloc>;

const std::size_t sizes[] = {0, 1, 63, 64, 65, 1000, 4097};

bool same(const D& d, const H& h) { return d.to_host<sutro::scalar>() == h; }

template <class F>
std::string message_of(F&& f) {
  return sutro::testing::thrown_message(std::forward<F>(f), "(no exception)");
}

void copies(const Alloc& alloc) {
  std::uint64_t seed = 1;
  for (std::size_t r : sizes)
    for (std::size_t c : sizes) {
      const H h = H::random(r, c, seed++);
      const D d = sutro::gf2::to_device(h, alloc);
      SUTRO_CUDA_EXPECT(d.rows() == r && d.cols() == c && d.stride() == h.stride());
      SUTRO_CUDA_EXPECT(same(d, h));
      SUTRO_CUDA_EXPECT(same(D::random(r, c, seed - 1, alloc), h));
      D copy(d);
      SUTRO_CUDA_EXPECT(same(copy, h));
      D moved(std::move(copy));
      SUTRO_CUDA_EXPECT(same(moved, h) && copy.rows() == 0 && copy.data() == nullptr);
      copy = moved;
      SUTRO_CUDA_EXPECT(same(copy, h));
    }
  // A window (columns from a multiple of 64) lands with zero padding.
  const H big = H::random(300, 250, 99);
  const auto win = big.window(sutro::gf2::row_range{10, 200}, sutro::gf2::col_range{64, 250});
  SUTRO_CUDA_EXPECT(same(sutro::gf2::to_device(win, alloc), win.to_matrix()));
  SUTRO_CUDA_EXPECT(same(D::identity(130, alloc), H::identity(130)));
  SUTRO_CUDA_EXPECT(sutro::gf2::to_host<sutro::scalar>(D(5, 7, alloc)) == H(5, 7));
}

void add_and_transpose(const Alloc& alloc) {
  std::uint64_t seed = 1000;
  for (std::size_t r : sizes)
    for (std::size_t c : sizes) {
      const H a = H::random(r, c, seed++), b = H::random(r, c, seed++);
      const D da = sutro::gf2::to_device(a, alloc), db = sutro::gf2::to_device(b, alloc);
      SUTRO_CUDA_EXPECT(same(da + db, a + b));
      D acc(da);
      acc += db;
      SUTRO_CUDA_EXPECT(same(acc, a + b));
      SUTRO_CUDA_EXPECT(same(sutro::gf2::transpose(da), sutro::gf2::transpose(a)));
    }
}

void errors(const Alloc& alloc) {
  const D a(3, 4, alloc), b(4, 3, alloc);
  const H ha(3, 4), hb(4, 3);
  SUTRO_CUDA_EXPECT(message_of([&] { (void)(a + b); }) == message_of([&] { (void)(ha + hb); }));
  SUTRO_CUDA_EXPECT(message_of([&] { (void)(a * a); }) == message_of([&] { (void)(ha * ha); }));
  D c(3, 3, alloc);
  SUTRO_CUDA_EXPECT(message_of([&] { sutro::gf2::mul_add(c, a, a); }) == message_of([&] {
                      H hc(3, 3);
                      sutro::gf2::mul_add(hc, ha, ha);
                    }));
  D sq(8, 8, alloc);
  SUTRO_CUDA_EXPECT(message_of([&] { sutro::gf2::mul_add(sq, sq, sq); }) ==
                    "sutro::gf2::mul_add: the output overlaps an input");
  SUTRO_CUDA_EXPECT(message_of([&] { (void)sutro::gf2::solve(a, b); }) ==
                    message_of([&] { (void)sutro::gf2::solve(ha, hb); }));
  SUTRO_CUDA_EXPECT(message_of([&] { (void)sutro::gf2::inverse(a); }) ==
                    message_of([&] { (void)sutro::gf2::inverse(ha); }));
  try {
    D huge(std::size_t{1} << 60, 64, alloc);
    SUTRO_CUDA_EXPECT(false);
  } catch (const std::length_error&) {
    SUTRO_CUDA_EXPECT(true);
  }
  try {
    D huge(std::size_t{1} << 36, 64, alloc);  // 512 GiB: cudaMalloc fails
    SUTRO_CUDA_EXPECT(false);
  } catch (const sutro::cuda_error& e) {
    SUTRO_CUDA_EXPECT(std::string(e.what()).find("cudaMalloc") != std::string::npos);
  }
  (void)cudaGetLastError();  // the failed cudaMalloc is also the runtime's "last error": clear it
}

// The host matrix's limits, before any device call: these need no GPU.
void shape_limits() {
  const std::size_t huge = static_cast<std::size_t>(-1);
  for (const auto& [r, c] : {std::pair{huge, std::size_t{0}}, std::pair{std::size_t{1} << 50, std::size_t{0}},
                             std::pair{std::size_t{0}, huge}, std::pair{std::size_t{2}, huge}}) {
    bool host = false, device = false;
    std::string host_what, device_what;
    try {
      H h(r, c);
    } catch (const std::length_error& e) {
      host = true;
      host_what = e.what();
    }
    try {
      D d(r, c);
    } catch (const std::length_error& e) {
      device = true;
      device_what = e.what();
    }
    SUTRO_CUDA_EXPECT(host && device);
    SUTRO_CUDA_EXPECT(host_what == device_what);  // one message, whichever backend
  }
}

}  // namespace

int main() {
  shape_limits();
  if (sutro::cuda_device_count() == 0) {
    if (sutro::testing::cuda_tally().failed != 0) return sutro::testing::cuda_summary();
    std::printf("SKIPPED: no CUDA device visible; the gf2 device kernels compiled but did not run\n");
    return 77;
  }
  sutro::memory::stats counter;
  const Alloc alloc{counter};
  copies(alloc);
  add_and_transpose(alloc);
  errors(alloc);
  SUTRO_CUDA_EXPECT(counter.snapshot().bytes_in_use == 0);
  {
    const auto before = sutro::memory::default_device_stats().snapshot().bytes_in_use;
    const sutro::gf2::matrix<sutro::cuda> d = sutro::gf2::to_device(H::random(100, 100, 5));
    SUTRO_CUDA_EXPECT(sutro::memory::default_device_stats().snapshot().bytes_in_use == before + 100 * 8 * 8);
    SUTRO_CUDA_EXPECT(d.to_host<sutro::scalar>() == H::random(100, 100, 5));
  }
  SUTRO_CUDA_EXPECT(sutro::memory::default_device_stats().snapshot().bytes_in_use == 0);
  return sutro::testing::cuda_summary();
}
