#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/metrics/dmd/bytedmd.hpp"
#include "sutro/metrics/dmd/reference_kernels.hpp"
#include "sutro/metrics/dmd/tracked.hpp"

using sutro::metrics::dmd::bytedmd;
using sutro::metrics::dmd::tracked;
using vec = std::vector<tracked<double>>;
using mat = std::vector<vec>;
using depths = std::vector<std::uint64_t>;

namespace {

std::vector<double> ones(std::size_t n) { return std::vector<double>(n, 1.0); }
std::vector<std::vector<double>> ones(std::size_t n, std::size_t m) { return {n, ones(m)}; }

using sutro::metrics::dmd::reference::matmul;
using sutro::metrics::dmd::reference::matvec;

}  // namespace

TEST_CASE("read cost of a b-byte value at depth d", "[dmd]") {
  using sutro::metrics::dmd::read_cost;
  CHECK(read_cost(1, 1) == 1);
  CHECK(read_cost(2, 1) == 2);
  CHECK(read_cost(5, 1) == 3);
  CHECK(read_cost(1, 2) == 1 + 2);
  CHECK(read_cost(2, 2) == 2 + 2);
  for (std::uint64_t b : {1, 2, 4, 8})
    for (std::uint64_t d = 1; d < 300; ++d) {
      std::uint64_t want = 0;
      for (std::uint64_t j = (d - 1) * b + 1; j <= d * b; ++j) {
        std::uint64_t r = 0;
        while (r * r < j) ++r;
        want += r;
      }
      REQUIRE(read_cost(d, b) == want);
    }
}

TEST_CASE("ceil_sqrt is exact around every square, up to 2^62", "[dmd]") {
  using sutro::metrics::dmd::ceil_sqrt;
  CHECK(ceil_sqrt(0) == 0);
  CHECK(ceil_sqrt(1) == 1);
  std::uint64_t k = 2;
  for (int step = 0; k < (std::uint64_t{1} << 31); ++step, k += 1 + k / 97) {
    REQUIRE(ceil_sqrt(k * k - 1) == k);
    REQUIRE(ceil_sqrt(k * k) == k);
    REQUIRE(ceil_sqrt(k * k + 1) == k + 1);
  }
  for (std::uint64_t r : {std::uint64_t{1} << 26, (std::uint64_t{1} << 26) - 1, (std::uint64_t{1} << 26) + 1,
                          std::uint64_t{3037000499} / 2, std::uint64_t{1} << 31})
    for (std::uint64_t n : {r * r - 1, r * r, r * r + 1}) {
      std::uint64_t want = r - 1;  // the smallest integer whose square reaches n
      while (want * want < n) ++want;
      REQUIRE(ceil_sqrt(n) == want);
    }
}

TEST_CASE("ceil_sqrt is exact for every 64-bit n, 2^62 and up included", "[dmd]") {
  using sutro::metrics::dmd::ceil_sqrt;
  __extension__ typedef unsigned __int128 u128;
  // The smallest r with r^2 >= n, by bisection in 128 bits.
  const auto exact = [](std::uint64_t n) {
    std::uint64_t lo = 0, hi = std::uint64_t{1} << 32;  // hi^2 >= n always
    while (lo < hi) {
      const std::uint64_t mid = lo + (hi - lo) / 2;
      if (static_cast<u128>(mid) * mid >= n)
        hi = mid;
      else
        lo = mid + 1;
    }
    return lo;
  };
  constexpr std::uint64_t two62 = std::uint64_t{1} << 62, root = 0xFFFF'FFFF, max = ~std::uint64_t{0};
  CHECK(ceil_sqrt(0) == 0);
  CHECK(ceil_sqrt(1) == 1);
  CHECK(ceil_sqrt(2) == 2);
  CHECK(ceil_sqrt(3) == 2);
  CHECK(ceil_sqrt(4) == 2);
  CHECK(ceil_sqrt(two62 - 1) == std::uint64_t{1} << 31);
  CHECK(ceil_sqrt(two62) == std::uint64_t{1} << 31);
  CHECK(ceil_sqrt(two62 + 1) == (std::uint64_t{1} << 31) + 1);
  CHECK(ceil_sqrt(root * root) == root);  // 18446744065119617025
  CHECK(ceil_sqrt(root * root - 1) == root);
  CHECK(ceil_sqrt(root * root + 1) == std::uint64_t{1} << 32);
  CHECK(ceil_sqrt(max) == std::uint64_t{1} << 32);
  CHECK(ceil_sqrt(max - 1) == std::uint64_t{1} << 32);
  // Around the squares of the largest roots, and at random in every range.
  for (std::uint64_t r = root; r > root - 2000; --r)
    for (std::uint64_t n : {r * r - 1, r * r, r * r + 1}) REQUIRE(ceil_sqrt(n) == exact(n));
  std::mt19937_64 rng(62);
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t n = rng() >> (rng() % 64);
    REQUIRE(ceil_sqrt(n) == exact(n));
  }
}

TEST_CASE("published: (a + b) + c costs 6, trace 1 2 1 2; 14 at 2 bytes", "[dmd]") {
  auto f = [](tracked<double> a, tracked<double> b, tracked<double> c) { return (a + b) + c; };
  const auto r = bytedmd(f, 1.0, 2.0, 3.0);
  CHECK(r.depths() == depths{1, 2, 1, 2});
  CHECK(r.cost == 6);
  CHECK(bytedmd({.bytes_per_element = 2}, f, 1.0, 2.0, 3.0).cost == 14);
}

TEST_CASE("published: a + a reads depths 1, 1", "[dmd]") {
  const auto r = bytedmd([](tracked<int> a) { return a + a; }, 4);
  CHECK(r.depths() == depths{1, 1});
  CHECK(r.cost == 2);
}

TEST_CASE("published: e = b + c, f = a + d, e > f: trace 2 3 2 3 2 1, cost 11", "[dmd]") {
  auto g = [](tracked<int> a, tracked<int> b, tracked<int> c, tracked<int> d) {
    auto e = b + c;
    auto f = a + d;
    return e > f;
  };
  const auto r = bytedmd(g, 1, 2, 3, 4);
  CHECK(r.depths() == depths{2, 3, 2, 3, 2, 1});
  CHECK(r.cost == 11);
}

TEST_CASE("published: dot product of two 2-vectors: trace 2 4 2 3 2 1, cost 11", "[dmd]") {
  // One line, as the tool's test writes it: C++ leaves the order of
  // a[0]*b[0] and a[1]*b[1] inside one `+` unspecified (GCC evaluates the
  // right one first); sutro records them left to right, as Python does.
  auto dot = [](const vec& a, const vec& b) { return a[0] * b[0] + a[1] * b[1]; };
  const auto r = bytedmd(dot, std::vector{0.0, 1.0}, std::vector{2.0, 3.0});
  CHECK(r.depths() == depths{2, 4, 2, 3, 2, 1});
  CHECK(r.cost == 11);
  // and in separate statements, the same
  auto dot2 = [](const vec& a, const vec& b) {
    auto p = a[0] * b[0];
    auto q = a[1] * b[1];
    return p + q;
  };
  CHECK(bytedmd(dot2, ones(2), ones(2)).depths() == depths{2, 4, 2, 3, 2, 1});
}

TEST_CASE("published: a*a + b*c - a costs 12, depths 1 1 3 4 2 1 1 2 (Python's left-to-right order)", "[dmd]") {
  auto f = [](tracked<double> a, tracked<double> b, tracked<double> c) { return a * a + b * c - a; };
  const auto r = bytedmd(f, 1.0, 2.0, 3.0);
  CHECK(r.depths() == depths{1, 1, 3, 4, 2, 1, 1, 2});
  CHECK(r.cost == 12);
}

TEST_CASE("published: matrix-vector N = 2, 4, 8 cost 26, 157, 896", "[dmd]") {
  CHECK(bytedmd(matvec, ones(2, 2), ones(2)).cost == 26);
  CHECK(bytedmd(matvec, ones(4, 4), ones(4)).cost == 157);
  CHECK(bytedmd(matvec, ones(8, 8), ones(8)).cost == 896);
}

TEST_CASE("published: naive i-j-k matmul N = 2, 4, 8, 16 cost 57, 720, 8867, 109783", "[dmd]") {
  CHECK(bytedmd(matmul, ones(2, 2), ones(2, 2)).cost == 57);
  CHECK(bytedmd(matmul, ones(4, 4), ones(4, 4)).cost == 720);
  CHECK(bytedmd(matmul, ones(8, 8), ones(8, 8)).cost == 8867);
  CHECK(bytedmd({.keep_events = false}, matmul, ones(16, 16), ones(16, 16)).cost == 109783);
  // std::array arguments are flattened the same way as vectors.
  using arr = std::array<std::array<double, 2>, 2>;
  auto f = [](const std::array<std::array<tracked<double>, 2>, 2>& A,
              const std::array<std::array<tracked<double>, 2>, 2>& B) {
    return matmul(mat{{A[0][0], A[0][1]}, {A[1][0], A[1][1]}}, mat{{B[0][0], B[0][1]}, {B[1][0], B[1][1]}});
  };
  CHECK(bytedmd(f, arr{}, arr{}).cost == 57);
}

TEST_CASE("rules: operand order does not matter, branches read, constants are free", "[dmd]") {
  auto ab = bytedmd([](tracked<int> a, tracked<int> b) { return a + b; }, 1, 2);
  auto ba = bytedmd([](tracked<int> a, tracked<int> b) { return b + a; }, 1, 2);
  CHECK(ab.cost == ba.cost);
  auto branch = bytedmd([](tracked<int> a) { return a > 0 ? 1 : 0; }, 5);  // compare, then branch on result
  CHECK(branch.depths() == depths{1, 1});
  auto conv = bytedmd([](tracked<int> a) { return static_cast<int>(a) + 1; }, 5);
  CHECK(conv.depths() == depths{1});
  auto constant = bytedmd([](tracked<int> a) { return a * 3 + 7; }, 5);
  CHECK(constant.depths() == depths{1, 1});
}

TEST_CASE("escapes are errors: a tracked value outside its run throws", "[dmd]") {
  tracked<double> leaked;
  (void)bytedmd([&](tracked<double> a) { leaked = a + 1.0; }, 1.0);
  CHECK(leaked.has_id());
  CHECK_THROWS_AS(leaked + 1.0, std::logic_error);
  CHECK_THROWS_AS(leaked.get(), std::logic_error);
  CHECK(leaked.untracked_value() == 2.0);
  CHECK_THROWS_AS(bytedmd(
                      {.bytes_per_element = 0}, [](tracked<int>) {}, 1),
                  std::invalid_argument);
}

TEST_CASE("reference kernels: published numbers with the same matrix passed twice are the tool's too", "[dmd]") {
  // The tool tracks lists by identity: matmul(A, A) with one list object is
  // one set of values (48 at N = 2, 612 at N = 4), not two (57, 720).
  const auto A2 = ones(2, 2), A4 = ones(4, 4);
  CHECK(bytedmd(matmul, A2, A2).cost == 48);
  CHECK(bytedmd(matmul, A4, A4).cost == 612);
  CHECK(bytedmd(matmul, A4, ones(4, 4)).cost == 720);
}

TEST_CASE("listing names each read with its depth and cost", "[dmd]") {
  auto f = [](tracked<double> a, tracked<double> b, tracked<double> c) { return (a + b) + c; };
  const std::string s = sutro::metrics::dmd::listing(bytedmd(f, 1.0, 2.0, 3.0));
  // Values are numbered in push order, as the tool's keys (minus 1): the last
  // argument (c) is pushed first, so a is v2.
  CHECK(s.find("v3 = add v2@1[1] v1@2[2]") != std::string::npos);
  CHECK(s.find("v4 = add v3@1[1] v0@2[2]") != std::string::npos);
  CHECK(s.find("1 result value(s) live to the end") != std::string::npos);
}

TEST_CASE("a value that was never preloaded cannot be read for free", "[dmd]") {
  // A tracked input made inside the function is not on the stack: pricing refuses it.
  auto sneaky = [](tracked<double> a) { return a + tracked<double>::input(5.0); };
  CHECK_THROWS_AS(bytedmd(sneaky, 1.0), std::logic_error);
  CHECK_THROWS_AS(tracked<double>::input(1.0), std::logic_error);  // no context outside a run
}

TEST_CASE("user-recorded operations and conversions are instructions", "[dmd]") {
  auto f = [](tracked<double> a, tracked<int> b) {
    auto r = tracked<double>::apply1<double>("sqrt", a, [](double v) { return std::sqrt(v); });
    auto c = sutro::metrics::dmd::convert<double>(b);
    return r + c;
  };
  const auto r = bytedmd(f, 4.0, 3);
  CHECK(r.depths() == depths{1, 2, 2, 1});  // a on top, then b; sqrt's result pushed above b
  CHECK(r.events[0].op == std::string("sqrt"));
  CHECK(r.events[1].op == std::string("convert"));
}
