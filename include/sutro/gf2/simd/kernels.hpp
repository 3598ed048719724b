#pragma once
// The simd GF(2) kernels: compiled once per instruction-set level (the .inl
// files beside this one, through backend/foreach_level.inl) and chosen per
// call from the backend tag: sutro::simd runs the CPU's best level (GFNI
// products on an AVX-512 GFNI CPU, AVX2 Four Russians on an AVX2 one, in the
// same binary), simd_on<Arch> the level of Arch. Every level gives the same
// bits; tests/dispatch forces each one and compares.

#include <algorithm>
#include <array>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>
#if SUTRO_CPU_DISPATCH
#include <immintrin.h>
#endif

#include "sutro/backend/cpu.hpp"
#include "sutro/backend/dispatch.hpp"
#include "sutro/backend/tags.hpp"
#include "sutro/backend/thread_team.hpp"
#include "sutro/backend/vec.hpp"
#include "sutro/config/macros.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/scalar/add.hpp"
#include "sutro/gf2/scalar/echelon.hpp"
#include "sutro/gf2/scalar/multiply.hpp"
#include "sutro/gf2/scalar/transpose.hpp"
#include "sutro/gf2/scalar/triangular.hpp"

namespace sutro::gf2::kernels {

// Declared before strassen.hpp, whose row XORs on a simd tag reach it.
SUTRO_DISPATCH_ENTRIES_BEGIN
template <class Arch>
void xor_row(simd_on<Arch> tag, word* dst, const word* src, std::size_t n);
SUTRO_DISPATCH_ENTRIES_END

}  // namespace sutro::gf2::kernels

#include "sutro/gf2/simd/strassen.hpp"

namespace sutro::gf2::kernels {

/// Bit operations (m k n) a product needs per member before it splits among
/// `threads`: the current team (an elimination's, running hot) costs about a
/// microsecond per product, this thread's kept team, whose workers may be
/// asleep, more (two threads ran a 1024^3 product slower than one at 2^28).
[[nodiscard]] inline double product_work_per_member(unsigned threads) noexcept {
  return cpu::thread_team::current(threads) != nullptr ? 0x1p28 : 0x1p30;
}

/// Scratch of at least `words` words (contents unspecified): `kept`, a
/// thread's buffer kept between calls, when kernel scratch counts into
/// memory::default_stats(); else `local`, this call's own, since the counter
/// it would count into may not outlive a kept one.
inline detail::scratch_vector<word>& kept_or_local(detail::scratch_vector<word>& kept,
                                                   detail::scratch_vector<word>& local, std::size_t words) {
  auto& buf = &detail::scratch_stats() == &memory::default_stats() ? kept : local;
  if (buf.size() < words) {
    buf.clear();  // no copy of the old contents on growing
    buf.shrink_to_fit();
    buf.resize(words);
  }
  return buf;
}

/// The recorded L of the plain elimination of a large matrix, kept per thread
/// between calls and counted in memory::default_stats(), as the GFNI product's
/// packing buffers: its fresh pages cost the 8192^2 elimination an eighth of
/// its time on a Zen 4 (0.044 s against 0.038 s). Shared by every level.
inline detail::scratch_vector<word>& elimination_workspace() {
  thread_local detail::scratch_vector<word> buffer{detail::scratch_allocator<word>(memory::default_stats())};
  return buffer;
}

/// How the recursive PLE's tall base blocks (ple.inl, GFNI levels) went on
/// this thread: tests and logs check with it which path really ran.
struct tall_block_counts {
  std::size_t taken = 0;     // the top rows' elimination and one product
  std::size_t given_up = 0;  // the top rows lacked full rank: the flat elimination
};
inline tall_block_counts& tall_block_stats() noexcept {
  thread_local tall_block_counts counts;
  return counts;
}

/// The M4RI elimination's Four-Russians tables, a quarter or half a MiB per
/// pass, kept per thread as elimination_workspace: every entry is written
/// before it is read, and zeroing a fresh block for each pass would spend 3%
/// of an 8192^2 elimination in memset.
inline detail::scratch_vector<word>& elimination_table_workspace() {
  thread_local detail::scratch_vector<word> buffer{detail::scratch_allocator<word>(memory::default_stats())};
  return buffer;
}

/// The Four-Russians product's tables per pass (one per byte of a word of A)
/// and entries per table (every XOR combination of 8 rows of B).
inline constexpr std::size_t m4rm_tables = 8;
inline constexpr std::size_t m4rm_table_entries = 256;

/// Words of columns per Four-Russians slab for an L2 of `l2_bytes`: the widest
/// of 32, 16 and 8 whose m4rm_tables tables fill at most half of it, so
/// that the rows of A and C the tables are applied to stay in L2 too.
/// Measured at n = 4096 and 8192 (docs/performance.md): on a Zen 4 (1 MiB L2)
/// 32 words beat 16 or 64 by 1.2x to 2x; on a Zen 3 (512 KiB L2) 16 beat 32.
[[nodiscard]] constexpr std::size_t m4rm_slab_words(std::size_t l2_bytes) noexcept {
  std::size_t sw = 32;
  while (sw > 8 && m4rm_tables * m4rm_table_entries * sw * sizeof(word) > l2_bytes / 2) sw /= 2;
  return sw;
}

namespace levels {
#define SUTRO_FOREACH_LEVEL_FILE "sutro/gf2/simd/kernels.inl"
#include "sutro/backend/foreach_level.inl"
}  // namespace levels

SUTRO_DISPATCH_ENTRIES_BEGIN
template <class Arch>
void xor_row(simd_on<Arch> tag, word* dst, const word* src, std::size_t n) {
  using namespace levels;
  SUTRO_DISPATCH_LEVEL(kernel_level(tag, "sutro::gf2::xor_row"), xor_row(dst, src, n));
}

/// C += A B: Strassen-Winograd over the level's base product while every
/// dimension reaches `strassen_cutoff` bits (0: the level's measured cutoff).
template <class Arch>
void mul_add(simd_on<Arch> tag, detail::mblock c, detail::cblock a, detail::cblock b, unsigned threads,
             std::size_t strassen_cutoff = 0) {
  using namespace levels;
  SUTRO_DISPATCH_LEVEL(kernel_level(tag, "sutro::gf2::mul_add"), mul_add(c, a, b, threads, strassen_cutoff));
}

/// The product without Strassen: GFNI at the levels that have it, else Four Russians.
template <class Arch>
void base_mul_add(simd_on<Arch> tag, detail::mblock c, detail::cblock a, detail::cblock b, unsigned threads) {
  using namespace levels;
  SUTRO_DISPATCH_LEVEL(kernel_level(tag, "sutro::gf2::base_mul_add"), base_mul_add(c, a, b, threads));
}

/// C += A B by Four Russians on slabs of `slab_words` (8, 16 or 32) words of
/// columns; 0 sizes them for this CPU's L2 (cpu::l2_cache_bytes).
template <class Arch>
void m4rm_mul_add(simd_on<Arch> tag, detail::mblock c, detail::cblock a, detail::cblock b, unsigned threads,
                  std::size_t slab_words = 0) {
  using namespace levels;
  SUTRO_DISPATCH_LEVEL(kernel_level(tag, "sutro::gf2::m4rm_mul_add"), m4rm_mul_add(c, a, b, threads, slab_words));
}

template <class Arch>
void transpose(simd_on<Arch> tag, detail::mblock out, detail::cblock in) {
  using namespace levels;
  SUTRO_DISPATCH_LEVEL(kernel_level(tag, "sutro::gf2::transpose"), transpose(out, in));
}

template <class Arch>
echelon_info echelonize(simd_on<Arch> tag, detail::mblock a, bool reduced, std::size_t col_limit, unsigned threads) {
  using namespace levels;
  SUTRO_DISPATCH_LEVEL(kernel_level(tag, "sutro::gf2::echelonize"), echelonize(a, reduced, col_limit, threads));
}

/// The M4RI elimination whatever the shape (echelonize picks row operations
/// where they are faster); `rec` also records the PLE factors.
template <class Arch>
echelon_info echelonize_m4ri(simd_on<Arch> tag, detail::mblock a, bool reduced, std::size_t col_limit, unsigned threads,
                             ple_sink* rec) {
  using namespace levels;
  SUTRO_DISPATCH_LEVEL(kernel_level(tag, "sutro::gf2::echelonize"),
                       echelonize_m4ri(a, reduced, col_limit, threads, rec));
}

template <class Arch>
echelon_info ple(simd_on<Arch> tag, detail::mblock a, ple_sink& out, unsigned threads) {
  using namespace levels;
  SUTRO_DISPATCH_LEVEL(kernel_level(tag, "sutro::gf2::ple"), ple(a, out, threads));
}

template <class Arch>
void trsm_lower(simd_on<Arch> tag, detail::mblock x, detail::cblock l, unsigned threads) {
  using namespace levels;
  SUTRO_DISPATCH_LEVEL(kernel_level(tag, "sutro::gf2::trsm_lower"), trsm_lower(x, l, threads));
}

template <class Arch>
void trsm_upper(simd_on<Arch> tag, detail::mblock x, detail::cblock u, unsigned threads) {
  using namespace levels;
  SUTRO_DISPATCH_LEVEL(kernel_level(tag, "sutro::gf2::trsm_upper"), trsm_upper(x, u, threads));
}

/// Frees the calling thread's kept buffers: the GFNI product's packing
/// buffers (where that kernel is compiled), the elimination's L and its tables.
inline void release_workspace() {
#if SUTRO_CPU_DISPATCH
  auto& ws = levels::level_avx512_gfni::gfni::workspace();
  ws.clear();
  ws.shrink_to_fit();
#endif
  for (auto* kept : {&elimination_workspace(), &elimination_table_workspace()}) {
    kept->clear();
    kept->shrink_to_fit();
  }
}
SUTRO_DISPATCH_ENTRIES_END

}  // namespace sutro::gf2::kernels
