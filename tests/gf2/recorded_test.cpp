// gf2::recorded_matrix: traced runs of add, multiply, transpose and elimination
// give the untraced results bit for bit, count exactly the word accesses a
// hand count predicts, and offer no way to a raw pointer.
#include <bit>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "sutro/gf2/all.hpp"
#include "sutro/gf2/recorded.hpp"

namespace gf2 = sutro::gf2;
namespace mem = sutro::memory;

namespace {
const std::vector<std::size_t> kSizes{0, 1, 63, 64, 65, 130};

using M = gf2::matrix<>;  // the build's default backend: the untraced side is simd where compiled in
using S = gf2::matrix<sutro::scalar>;
using TM = gf2::recorded_matrix<>;

template <class X>
concept has_data = requires(X& x) {
  x.data();
};
template <class X>
concept has_row_words = requires(X& x) {
  x.row_words(0);
};
template <class X>
concept has_row_ptr = requires(X& x) {
  x.row_ptr(0);
};
template <class X>
concept has_block = requires(X& x) {
  x.block();
};
template <class X>
concept addressable = requires(X x) {
  &x;
};
template <class X>
concept releasable_from_lvalue = requires(X& x) {
  x.release();
};

mem::trace word_trace() { return mem::trace({.unit = mem::granularity::word}); }

M untraced(TM&& t) { return std::move(t).release(); }
}  // namespace

TEST_CASE("traced gf2 matrix: no raw pointer, and untraced operations do not take it", "[gf2][traced]") {
  STATIC_REQUIRE(!has_data<TM>);
  STATIC_REQUIRE(!has_row_words<TM>);
  STATIC_REQUIRE(!has_row_ptr<TM>);
  STATIC_REQUIRE(!has_block<TM>);
  STATIC_REQUIRE(!gf2::matrix_like<TM>);  // gf2::add(m, traced) etc. do not compile: no silent untraced run
  STATIC_REQUIRE(!releasable_from_lvalue<TM>);
  STATIC_REQUIRE(!has_data<TM::row_view>);
  STATIC_REQUIRE(!has_data<TM::const_row_view>);
  using rows_t = decltype(std::declval<TM&>().recording_rows());
  STATIC_REQUIRE(!has_data<rows_t>);
  using handle = decltype(std::declval<rows_t>().row(0));
  STATIC_REQUIRE(!std::is_convertible_v<handle, gf2::word*>);
  STATIC_REQUIRE(!std::is_convertible_v<handle, const gf2::word*>);
  using ref = decltype(std::declval<handle>()[0]);
  STATIC_REQUIRE(!addressable<ref>);
  STATIC_REQUIRE(!std::is_convertible_v<ref, gf2::word&>);
  // The default instantiation is the raw pointer itself.
  STATIC_REQUIRE(std::is_same_v<decltype(std::declval<gf2::detail::mblock>().row(0)), gf2::word*>);
  STATIC_REQUIRE(std::is_same_v<mem::handle_t<gf2::word, mem::default_accessor<gf2::word>>, gf2::word*>);
}

TEST_CASE("traced add: bit-identical, 2 r w reads and r w writes in place", "[gf2][traced]") {
  for (std::size_t r : kSizes)
    for (std::size_t c : kSizes) {
      INFO(r << "x" << c);
      const M a = M::random(r, c, 3 * r + c), b = M::random(r, c, 5 * r + c + 1);
      const std::size_t w = (c + 63) / 64;
      auto t = word_trace();
      auto ta = gf2::recorded(M(a), t);
      const auto tb = gf2::recorded(M(b), t);
      gf2::add_into(ta, tb);
      CHECK(t.reads() == 2 * r * w);
      CHECK(t.writes() == r * w);
      auto t2 = word_trace();
      auto sum = gf2::add(gf2::recorded(M(a), t2), gf2::recorded(M(b), t2));
      CHECK(t2.reads() == 3 * r * w);  // copy of a (r w), then in place (2 r w)
      CHECK(t2.writes() == 2 * r * w);
      CHECK(untraced(std::move(ta)) == a + b);
      CHECK(untraced(std::move(sum)) == a + b);
    }
}

TEST_CASE("traced multiply: bit-identical, reads and writes from the bits of A", "[gf2][traced]") {
  for (std::size_t m : kSizes)
    for (std::size_t k : {std::size_t{0}, std::size_t{1}, std::size_t{65}})
      for (std::size_t n : {std::size_t{0}, std::size_t{1}, std::size_t{64}, std::size_t{130}}) {
        INFO(m << "x" << k << " times " << k << "x" << n);
        const M a = M::random(m, k, m + 7 * k + n), b = M::random(k, n, 11 * m + k + 3 * n + 1);
        auto t = word_trace();
        auto c = gf2::mul(gf2::recorded(M(a), t), gf2::recorded(M(b), t));
        const std::size_t aw = (k + 63) / 64, cw = (n + 63) / 64, ones = a.weight();
        CHECK(t.reads() == m * aw + 2 * ones * cw);  // each word of A; per set bit a row of B and of C
        CHECK(t.writes() == ones * cw);
        CHECK(untraced(std::move(c)) == a * b);
      }
}

TEST_CASE("traced transpose: bit-identical; tile traffic counted", "[gf2][traced]") {
  for (std::size_t r : kSizes)
    for (std::size_t c : kSizes) {
      INFO(r << "x" << c);
      const M a = M::random(r, c, r * 131 + c);
      auto t = word_trace();
      auto tt = gf2::transpose(gf2::recorded(M(a), t));
      // Per 64x64 tile: rn reads of A, 64 tile writes, six rounds of 32 pairs
      // (2 reads + 2 writes each), then cn tile reads and cn writes of the result.
      std::uint64_t reads = 0, writes = 0;
      for (std::size_t bi = 0; bi < r; bi += 64)
        for (std::size_t bj = 0; bj < (c + 63) / 64; ++bj) {
          const std::size_t rn = std::min<std::size_t>(64, r - bi), cn = std::min<std::size_t>(64, c - bj * 64);
          reads += rn + 6 * 32 * 2 + cn;
          writes += 64 + 6 * 32 * 2 + cn;
        }
      CHECK(t.reads() == reads);
      CHECK(t.writes() == writes);
      CHECK(untraced(std::move(tt)) == gf2::transpose(a));
    }
}

TEST_CASE("traced elimination: same forms, ranks and pivots as every backend", "[gf2][traced]") {
  for (std::size_t r : kSizes)
    for (std::size_t c : kSizes)
      for (bool reduced : {false, true}) {
        INFO(r << "x" << c << (reduced ? " reduced" : ""));
        M a = M::random(r, c, 17 * r + c);
        if (r > 2) a.xor_row(r - 1, 0);  // rank deficient
        auto t = word_trace();
        auto ta = gf2::recorded(M(a), t);
        const auto info = gf2::echelonize(ta, reduced);
        S ref(r, c);
        for (std::size_t i = 0; i < r; ++i)
          for (std::size_t j = 0; j < c; ++j) ref.set(i, j, a(i, j));
        const auto ref_info = gf2::echelonize(ref, reduced);
        M fast = a;
        const auto fast_info = gf2::echelonize(fast, reduced);
        CHECK(info.rank == ref_info.rank);
        CHECK(info.pivots == ref_info.pivots);
        CHECK(info.pivots == fast_info.pivots);
        const M got = untraced(std::move(ta));
        CHECK(got.to_string() == ref.to_string());
        if (reduced) CHECK(got == fast);  // the reduced form is unique
        auto t2 = word_trace();
        CHECK(gf2::rank(gf2::recorded(M(a), t2)) == gf2::rank(a));
        CHECK((t2.reads() > 0 || r * c == 0));
      }
}

TEST_CASE("traced elimination: hand count on a small case", "[gf2][traced]") {
  // [1 1; 0 1; 1 0] (one word per row), not reduced: column 0 pivot is row 0
  // (1 read); rows 1, 2 tested (2 reads); row 2 XORed (1 src + 1 dst read, 1 write).
  // Column 1: rows 1 tested (1 read), pivot; row 2 tested (1 read), XORed (2 reads, 1 write).
  auto t = word_trace();
  auto ta = gf2::recorded(M::from_rows({"11", "01", "10"}), t);
  const auto info = gf2::echelonize(ta, false);
  CHECK(info.rank == 2);
  CHECK(t.reads() == 1 + 2 + 2 + 1 + 1 + 2);
  CHECK(t.writes() == 2);
  CHECK(untraced(std::move(ta)).to_string() == "11\n01\n00\n");
}

TEST_CASE("traced matrix: element access, row views, errors", "[gf2][traced]") {
  auto t = word_trace();
  auto a = gf2::recorded(M::from_rows({"0110", "1011"}), t);
  CHECK(a.get(1, 0));
  CHECK(t.reads() == 1);
  a.set(0, 0, true);
  CHECK(t.reads() == 2);
  CHECK(t.writes() == 1);
  CHECK(gf2::word(a.row(0)[0]) == 0b0111);
  CHECK_THROWS_AS(a.get(2, 0), std::out_of_range);
  CHECK_THROWS_AS(a.row(2), std::out_of_range);
  mem::trace other;
  auto b = gf2::recorded(M(2, 4), other);
  CHECK_THROWS_AS(gf2::add_into(a, b), std::invalid_argument);  // different traces
  auto c = gf2::recorded(M(3, 4), t);
  CHECK_THROWS_AS(gf2::add_into(a, c), std::invalid_argument);  // shapes
  CHECK_THROWS_AS(gf2::mul(a, c), std::invalid_argument);
  CHECK_THROWS_AS(gf2::mul_add(a, a, gf2::recorded(M(4, 4), t)), std::invalid_argument);  // output is an input
}

TEST_CASE("traced scalar-backend and default-backend matrices trace the same", "[gf2][traced]") {
  const S a = S::random(65, 130, 1), b = S::random(130, 64, 2);
  auto t1 = word_trace();
  auto c1 = gf2::mul(gf2::recorded(S(a), t1), gf2::recorded(S(b), t1));
  auto t2 = word_trace();
  M a2(65, 130), b2(130, 64);
  for (std::size_t i = 0; i < 65; ++i)
    for (std::size_t j = 0; j < 130; ++j) a2.set(i, j, a(i, j));
  for (std::size_t i = 0; i < 130; ++i)
    for (std::size_t j = 0; j < 64; ++j) b2.set(i, j, b(i, j));
  auto c2 = gf2::mul(gf2::recorded(std::move(a2), t2), gf2::recorded(std::move(b2), t2));
  CHECK(t1.reads() == t2.reads());
  CHECK(t1.writes() == t2.writes());
  CHECK(t1.distances().dmd() == t2.distances().dmd());
  CHECK(std::move(c1).release().to_string() == std::move(c2).release().to_string());
}
