// A moved-from matrix or vector gives up its shape with its words: it is
// empty, and bounds-checked access throws instead of reading rows it no
// longer has.
#include <cstddef>
#include <memory>
#include <new>
#include <stdexcept>
#include <utility>

#include "support/budget_allocator.hpp"
#include "support/catch.hpp"
#include "sutro/gf2/all.hpp"
#include "sutro/gf2/recorded.hpp"
#include "sutro/memory/trace.hpp"

namespace gf2 = sutro::gf2;

namespace {
template <class Backend>
void check_moved_from_matrix() {
  using M = gf2::matrix<Backend>;
  M a = M::random(3, 70, 1);
  const M copy = a;
  M b = std::move(a);
  CHECK(b == copy);
  REQUIRE(a.rows() == 0);  // NOLINT(bugprone-use-after-move): the moved-from state is what is tested
  REQUIRE(a.cols() == 0);
  CHECK(a.empty());
  CHECK_THROWS_AS(a.get(1, 5), std::out_of_range);
  CHECK(a.to_string().empty());
  CHECK(gf2::transpose(a) == M(0, 0));

  M c = M::random(5, 200, 2);
  c = std::move(b);
  CHECK(c == copy);
  REQUIRE(b.rows() == 0);  // NOLINT(bugprone-use-after-move)
  CHECK(b.cols() == 0);
  CHECK_THROWS_AS(b.set(0, 0, true), std::out_of_range);
  b = M::identity(4);  // usable again
  CHECK(b.weight() == 4);
}

template <class Backend>
void check_moved_from_vector() {
  using V = gf2::vector<Backend>;
  V v = V::random(100, 3);
  const V copy = v;
  V w = std::move(v);
  CHECK(w == copy);
  REQUIRE(v.size() == 0);  // NOLINT(bugprone-use-after-move)
  CHECK(v.empty());
  CHECK_THROWS_AS(v.get(5), std::out_of_range);
  V x(7);
  x = std::move(w);
  CHECK(x == copy);
  REQUIRE(w.size() == 0);  // NOLINT(bugprone-use-after-move)
  CHECK(w.to_string().empty());
}
}  // namespace

TEST_CASE("gf2 a moved-from matrix or vector is empty and its accessors stay bounds-checked", "[gf2]") {
  check_moved_from_matrix<sutro::scalar>();
  check_moved_from_matrix<sutro::simd>();
  check_moved_from_vector<sutro::scalar>();
  check_moved_from_vector<sutro::simd>();
}

TEST_CASE("gf2 recorded_matrix::release leaves the traced object empty", "[gf2][traced]") {
  sutro::memory::trace t({.unit = sutro::memory::granularity::word});
  auto a = gf2::recorded(gf2::matrix<>::random(4, 130, 5), t);
  const gf2::matrix<> m = std::move(a).release();
  CHECK(m.rows() == 4);
  REQUIRE(a.rows() == 0);  // NOLINT(bugprone-use-after-move)
  CHECK(a.cols() == 0);
  CHECK_THROWS_AS(a.get(1, 1), std::out_of_range);
}

TEST_CASE("gf2 a copy assignment that throws leaves the shape matching the words", "[gf2][misuse]") {
  const auto budget = std::make_shared<std::size_t>(std::size_t{1} << 20);
  using A = sutro::testing::budget_allocator<gf2::word>;
  using M = gf2::matrix<sutro::scalar, A>;
  using V = gf2::vector<sutro::scalar, A>;
  M small(2, 64, A(budget)), big(100, 6400, A(budget));
  V short_v(10, A(budget)), long_v(64000, A(budget));
  small.set(1, 1, true);
  short_v.set(3, true);
  *budget = 0;  // the copies below need new storage
  CHECK_THROWS_AS(small = big, std::bad_alloc);
  CHECK(small.rows() == 2);
  CHECK(small.cols() == 64);
  CHECK(small.get(1, 1));
  CHECK_THROWS_AS(short_v = long_v, std::bad_alloc);
  CHECK(short_v.size() == 10);
  CHECK(short_v.get(3));
  *budget = std::size_t{1} << 22;
  small = big;
  CHECK(small == big);
}
