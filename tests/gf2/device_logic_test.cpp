// The per-thread logic of the gf2 CUDA kernels (sutro/gf2/cuda/device_logic.hpp),
// run on the host: each kernel's thread/phase structure is replayed here
// sequentially (every thread of a phase, then the next phase, as the
// barriers order them on the device) and compared bit for bit with the
// scalar host kernels. This is the part of the device code that executes
// on machines without a GPU.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "sutro/gf2/all.hpp"
#include "sutro/gf2/cuda/device_logic.hpp"

namespace gf2 = sutro::gf2;
namespace dev = sutro::gf2::device;

namespace {
using M = gf2::matrix<sutro::scalar>;

const std::vector<std::size_t> kSizes{0, 1, 63, 64, 65, 130, 200};

dev::view view_of(M& m) { return {m.data(), m.rows(), m.cols(), m.stride()}; }
dev::cview view_of(const M& m) { return {m.data(), m.rows(), m.cols(), m.stride()}; }

/// rows x cols of rank at most r (a product of random factors), for pivot-free columns.
M low_rank(std::size_t rows, std::size_t cols, std::size_t r, std::uint64_t seed) {
  return gf2::mul(M::random(rows, r, seed), M::random(r, cols, seed + 1));
}

// ---- replays of the kernels --------------------------------------------------

M transpose_replay(const M& a) {
  M out(a.cols(), a.rows());
  for (std::size_t bi = 0; bi < (a.rows() + 63) / 64; ++bi)
    for (std::size_t bj = 0; bj < a.words_used(); ++bj) dev::transpose_tile(view_of(out), view_of(a), bi, bj);
  return out;
}

/// device::m4rm_mul_add, block by block, phase by phase.
void m4rm_replay(M& c, const M& a, const M& b) {
  if (c.rows() == 0 || c.words_used() == 0 || a.words_used() == 0) return;
  std::vector<dev::word> table(dev::m4rm_table_words), half(dev::m4rm_half_words);
  std::vector<std::array<dev::word, dev::m4rm_rows_per_thread>> acc(dev::m4rm_threads);
  const unsigned n = dev::m4rm_threads;
  for (std::size_t i0 = 0; i0 < c.rows(); i0 += dev::m4rm_rows)
    for (std::size_t w0 = 0; w0 < c.words_used(); w0 += dev::m4rm_tile_words) {
      for (auto& x : acc) x.fill(0);
      std::fill(table.begin(), table.end(), ~dev::word{0});  // garbage must not leak through
      for (std::size_t kw = 0; kw < a.words_used(); ++kw) {
        for (unsigned t = 0; t < n; ++t) dev::m4rm_build_halves(half.data(), view_of(b), kw, w0, t, n);
        for (unsigned t = 0; t < n; ++t) dev::m4rm_build_tables(table.data(), half.data(), t, n);
        for (unsigned t = 0; t < n; ++t) dev::m4rm_accumulate(acc[t].data(), table.data(), view_of(a), i0, kw, t);
      }
      for (unsigned t = 0; t < n; ++t) dev::m4rm_store(view_of(c), acc[t].data(), i0, w0, t);
    }
}

/// mma.sync m16n8k256 .b1 .and.popc as the PTX ISA specifies it, written from
/// the element positions (not from the kernel's loaders): d += A B with A 16 x 256
/// from a[lane][0..3] and B 256 x 8 from b[lane][0..1].
void mma_b1_and_popc(int (&d)[32][4], const std::uint32_t (&a)[32][4], const std::uint32_t (&b)[32][2]) {
  bool am[16][256] = {}, bm[256][8] = {};
  for (unsigned lane = 0; lane < 32; ++lane) {
    const unsigned g = lane >> 2, t = lane & 3;
    for (unsigned bit = 0; bit < 32; ++bit) {
      am[g][t * 32 + bit] = (a[lane][0] >> bit) & 1u;
      am[g + 8][t * 32 + bit] = (a[lane][1] >> bit) & 1u;
      am[g][128 + t * 32 + bit] = (a[lane][2] >> bit) & 1u;
      am[g + 8][128 + t * 32 + bit] = (a[lane][3] >> bit) & 1u;
      bm[t * 32 + bit][g] = (b[lane][0] >> bit) & 1u;
      bm[128 + t * 32 + bit][g] = (b[lane][1] >> bit) & 1u;
    }
  }
  for (unsigned lane = 0; lane < 32; ++lane) {
    const unsigned g = lane >> 2, t = lane & 3;
    const unsigned rows[4] = {g, g, g + 8, g + 8}, cols[4] = {2 * t, 2 * t + 1, 2 * t, 2 * t + 1};
    for (unsigned r = 0; r < 4; ++r)
      for (unsigned k = 0; k < 256; ++k) d[lane][r] += am[rows[r]][k] && bm[k][cols[r]];
  }
}

/// device::bmma_mul_add, warp by warp: c += a bt^T.
void bmma_replay(M& c, const M& a, const M& bt) {
  for (std::size_t row0 = 0; row0 < c.rows(); row0 += dev::bmma_warp_rows)
    for (std::size_t col0 = 0; col0 / 64 < c.words_used(); col0 += dev::bmma_warp_cols) {
      static int acc[2][8][32][4];
      for (auto& x : acc)
        for (auto& y : x)
          for (auto& z : y)
            for (int& v : z) v = 0;
      for (std::size_t kc = 0; kc < dev::bmma_steps(a.cols()); ++kc) {
        std::uint32_t af[2][32][4], bf[8][32][2];
        for (unsigned lane = 0; lane < 32; ++lane) {
          for (int mt = 0; mt < 2; ++mt) dev::bmma_a_fragment(af[mt][lane], view_of(a), row0 + 16 * mt, kc, lane);
          for (int nt = 0; nt < 8; ++nt) dev::bmma_b_fragment(bf[nt][lane], view_of(bt), col0 + 8 * nt, kc, lane);
        }
        for (int mt = 0; mt < 2; ++mt)
          for (int nt = 0; nt < 8; ++nt) mma_b1_and_popc(acc[mt][nt], af[mt], bf[nt]);
      }
      dev::word bits[32] = {};
      for (unsigned lane = 0; lane < 32; ++lane)
        for (int mt = 0; mt < 2; ++mt)
          for (int nt = 0; nt < 8; ++nt)
            for (unsigned r = 0; r < 4; ++r)
              if (acc[mt][nt][lane][r] & 1) {
                std::size_t row, col;
                dev::bmma_c_position(lane, r, row, col);
                bits[16 * mt + row] |= dev::word{1} << (8 * nt + col);
              }
      for (unsigned lane = 0; lane < 32; ++lane)
        if (row0 + lane < c.rows()) c.row_ptr(row0 + lane)[col0 / 64] ^= bits[lane];
    }
}

/// detail::echelonize_device: a pivot step (one block) then a row step (one warp per row).
gf2::echelon_info echelon_replay(M& m, bool reduced, std::size_t col_limit) {
  const dev::view a = view_of(m);
  gf2::echelon_info info;
  std::vector<std::size_t> pivots(std::min(a.rows, col_limit));
  dev::elim_state s;
  for (std::size_t c = 0; c < col_limit && !pivots.empty(); ++c) {
    dev::elim_begin(s);
    if (s.r < a.rows) {
      std::size_t p = a.rows;
      for (std::size_t i = 0; i < a.rows; ++i)
        if (dev::elim_candidate(dev::as_const(a), s, c, i)) p = std::min(p, i);
      if (p < a.rows) {
        if (p != s.r)
          for (std::size_t j = c / 64; j < a.words(); ++j) dev::elim_swap_word(a, s, p, j);
        pivots[s.r] = c;
        s.found = 1;
      }
    }
    for (std::size_t i = 0; i < a.rows; ++i)
      if (dev::elim_needs(dev::as_const(a), s, c, i, reduced))
        for (std::size_t j = c / 64; j < a.words(); ++j) dev::elim_xor_word(a, s, i, j);
  }
  info.rank = static_cast<std::size_t>(s.r + s.found);
  info.pivots.assign(pivots.begin(), pivots.begin() + static_cast<std::ptrdiff_t>(info.rank));
  return info;
}

/// gf2::solve(matrix<cuda>, matrix<cuda>) step by step.
gf2::solve_matrix_result<sutro::scalar> solve_replay(const M& a, const M& b) {
  const std::size_t m = a.rows(), n = a.cols(), k = b.cols();
  M aug(m, n + k);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t w = 0; w < aug.words_used(); ++w)
      aug.row_ptr(i)[w] = dev::hcat_word(a.row_ptr(i), n, b.row_ptr(i), k, w);
  const gf2::echelon_info info = echelon_replay(aug, true, n);
  const std::size_t rank = info.rank, nfree = n - rank;
  gf2::solve_matrix_result<sutro::scalar> out{true, M(n, k), M(n, nfree)};
  for (std::size_t i = rank; i < m; ++i)
    for (std::size_t w = 0; w < aug.words_used(); ++w)
      if (aug.row_ptr(i)[w]) out.consistent = false;
  if (out.consistent)
    for (std::size_t t = 0; t < rank; ++t)
      for (std::size_t w = 0; w < out.solution.words_used(); ++w)
        out.solution.row_ptr(info.pivots[t])[w] = dev::columns_word(aug.row_ptr(t), aug.words_used(), n, k, w);
  std::vector<std::int64_t> role(n);
  std::vector<std::size_t> free_cols(nfree);
  dev::nullspace_roles(info.pivots.data(), rank, n, role.data(), free_cols.data());
  for (std::size_t rho = 0; rho < n; ++rho)
    for (std::size_t w = 0; w < out.nullspace.words_used(); ++w)
      out.nullspace.row_ptr(rho)[w] =
          dev::nullspace_word(view_of(static_cast<const M&>(aug)), role.data(), free_cols.data(), nfree, rho, w);
  return out;
}

}  // namespace

TEST_CASE("device logic: 64x64 tile transpose equals the host transpose", "[gf2][cuda]") {
  std::uint64_t seed = 1;
  std::vector<std::pair<std::size_t, std::size_t>> shapes;
  for (std::size_t r : kSizes)
    for (std::size_t c : kSizes) shapes.emplace_back(r, c);
  shapes.emplace_back(1000, 300);
  shapes.emplace_back(129, 4097);
  for (auto [r, c] : shapes) {
    INFO(r << "x" << c);
    const M a = M::random(r, c, seed++);
    CHECK(transpose_replay(a) == gf2::transpose(a));
  }
  dev::word tile[64], ref[64];
  for (std::size_t i = 0; i < 64; ++i) tile[i] = ref[i] = 0x9E3779B97F4A7C15ull * (i + 1);
  dev::transpose64(tile);
  sutro::gf2::kernels::transpose64(ref);
  CHECK(std::equal(tile, tile + 64, ref));
}

TEST_CASE("device logic: M4RM tile product equals the host mul_add", "[gf2][cuda]") {
  std::uint64_t seed = 100;
  const std::vector<std::size_t> ms{0, 1, 63, 64, 65, 1023, 1024, 1025, 2100};
  const std::vector<std::size_t> ks{0, 1, 7, 63, 64, 65, 130, 200};
  const std::vector<std::size_t> ns{0, 1, 63, 64, 65, 256, 257, 600};
  for (std::size_t m : ms)
    for (std::size_t k : ks)
      for (std::size_t n : ns) {
        if (m * k * n > std::size_t{40'000'000}) continue;
        INFO(m << "x" << k << " times " << k << "x" << n);
        const M a = M::random(m, k, seed), b = M::random(k, n, seed + 1);
        M c = M::random(m, n, seed + 2), expected = c;
        seed += 3;
        m4rm_replay(c, a, b);
        gf2::mul_add(expected, a, b);
        CHECK(c == expected);
      }
}

TEST_CASE("device logic: b1 tensor-core tiles give the host mul_add", "[gf2][cuda]") {
  std::uint64_t seed = 300;
  const std::vector<std::size_t> ms{0, 1, 15, 16, 17, 33, 65, 130};
  const std::vector<std::size_t> ks{0, 1, 63, 64, 65, 255, 256, 257, 600};
  const std::vector<std::size_t> ns{0, 1, 7, 8, 63, 64, 65, 130};
  for (std::size_t m : ms)
    for (std::size_t k : ks)
      for (std::size_t n : ns) {
        INFO(m << "x" << k << " times " << k << "x" << n);
        const M a = M::random(m, k, seed), b = M::random(k, n, seed + 1);
        M c = M::random(m, n, seed + 2), expected = c;
        seed += 3;
        bmma_replay(c, a, gf2::transpose(b));
        gf2::mul_add(expected, a, b);
        CHECK(c == expected);
      }
}

TEST_CASE("device logic: bit ranges for [A | B], solutions and nullspaces", "[gf2][cuda]") {
  std::uint64_t seed = 500;
  for (std::size_t ac : kSizes)
    for (std::size_t bc : kSizes) {
      INFO(ac << " + " << bc << " columns");
      const M a = M::random(5, ac, seed++), b = M::random(5, bc, seed++);
      const M cat = gf2::detail::hcat(a, b);
      M mine(5, ac + bc);
      for (std::size_t i = 0; i < 5; ++i)
        for (std::size_t w = 0; w < mine.words_used(); ++w)
          mine.row_ptr(i)[w] = dev::hcat_word(a.row_ptr(i), ac, b.row_ptr(i), bc, w);
      CHECK(mine == cat);
      M cols(5, bc);
      for (std::size_t i = 0; i < 5; ++i)
        for (std::size_t w = 0; w < cols.words_used(); ++w)
          cols.row_ptr(i)[w] = dev::columns_word(cat.row_ptr(i), cat.words_used(), ac, bc, w);
      CHECK(cols == b);
    }
}

TEST_CASE("device logic: pivot-step elimination equals the host echelon forms", "[gf2][cuda]") {
  std::uint64_t seed = 900;
  std::vector<M> inputs;
  for (std::size_t r : kSizes)
    for (std::size_t c : kSizes) {
      inputs.push_back(M::random(r, c, seed++));
      inputs.push_back(low_rank(r, c, std::min<std::size_t>(r, 17), seed++));
    }
  inputs.push_back(M::identity(130));
  inputs.push_back(M(70, 90));
  inputs.push_back(low_rank(300, 700, 150, seed++));
  for (const M& in : inputs)
    for (bool reduced : {false, true}) {
      INFO(in.rows() << "x" << in.cols() << (reduced ? " reduced" : " row echelon"));
      M mine = in, ref = in;
      const auto got = echelon_replay(mine, reduced, in.cols());
      const auto want = gf2::kernels::echelonize(sutro::scalar{}, ref.block(), reduced, ref.cols(), 1);
      CHECK(got.rank == want.rank);
      CHECK(got.pivots == want.pivots);
      CHECK(mine == ref);
    }
}

TEST_CASE("device logic: solve steps equal the host solve", "[gf2][cuda]") {
  std::uint64_t seed = 2000;
  for (std::size_t m : {0, 1, 63, 64, 65, 130})
    for (std::size_t n : {0, 1, 63, 64, 65, 130})
      for (std::size_t k : {1, 3, 65})
        for (int kind = 0; kind < 3; ++kind) {
          INFO(m << "x" << n << " with " << k << " right-hand sides, kind " << kind);
          const M a = kind == 0 ? M::random(m, n, seed) : low_rank(m, n, std::min<std::size_t>(m, n) / 2, seed);
          // kind 1: consistent (B = A X0); kind 0 and 2: random B (often inconsistent when rank < m)
          const M b = kind == 1 ? gf2::mul(a, M::random(n, k, seed + 1)) : M::random(m, k, seed + 2);
          seed += 3;
          const auto got = solve_replay(a, b);
          const auto want = gf2::solve(a, b);
          CHECK(got.consistent == want.consistent);
          CHECK(got.solution == want.solution);
          CHECK(got.nullspace == want.nullspace);
        }
}
