// The variants of ByteDMD the group uses besides the main branch's, each with
// its published numbers. two_stack: the tool's dev branch (bytedmd.py and
// test_bytedmd.py there, README "a*b + c*d + e").
#include <cstdint>
#include <vector>

#include "support/catch.hpp"
#include "sutro/metrics/dmd/bytedmd.hpp"

using sutro::metrics::dmd::bytedmd;
using sutro::metrics::dmd::bytedmd_variant;
using sutro::metrics::dmd::tracked;
using depths = std::vector<std::uint64_t>;
using num = tracked<double>;
using vec = std::vector<num>;
using mat = std::vector<vec>;

namespace {
constexpr sutro::metrics::dmd::bytedmd_options dev{.variant = bytedmd_variant::two_stack};

vec matvec(const mat& A, const vec& x) {
  const std::size_t n = x.size();
  vec y(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto s = A[i][0] * x[0];
    for (std::size_t j = 1; j < n; ++j) s = s + A[i][j] * x[j];
    y[i] = s;
  }
  return y;
}
vec vecmat(const mat& A, const vec& x) {
  const std::size_t n = x.size();
  vec y(n);
  for (std::size_t j = 0; j < n; ++j) {
    auto s = x[0] * A[0][j];
    for (std::size_t i = 1; i < n; ++i) s = s + x[i] * A[i][j];
    y[j] = s;
  }
  return y;
}
}  // namespace

TEST_CASE("two_stack (dev): my_add 7, trace 1 2 1 3 1; 19 at 2 bytes", "[dmd][variants]") {
  auto my_add = [](tracked<int> a, tracked<int> b, tracked<int> c) { return (a + b) + c; };
  const auto r = bytedmd(dev, my_add, 1, 2, 3);
  CHECK(r.depths() == depths{1, 2, 1, 3, 1});
  CHECK(r.cost == 7);
  CHECK(bytedmd({.bytes_per_element = 2, .variant = bytedmd_variant::two_stack}, my_add, 1, 2, 3).cost == 19);
}

TEST_CASE("two_stack (dev): README a*b + c*d + e costs 15, trace 1 2 3 4 2 1 1 5 1", "[dmd][variants]") {
  auto f = [](num a, num b, num c, num d, num e) { return a * b + c * d + e; };
  const auto r = bytedmd(dev, f, 1.0, 2.0, 3.0, 4.0, 5.0);
  CHECK(r.depths() == depths{1, 2, 3, 4, 2, 1, 1, 5, 1});
  CHECK(r.cost == 15);
}

TEST_CASE("two_stack (dev): the dev branch's test_bytedmd.py", "[dmd][variants]") {
  CHECK(bytedmd(
            dev, [](tracked<int> a) { return a + a; }, 5)
            .depths() == depths{1, 1, 1});
  auto composite = [](tracked<int> a, tracked<int> b, tracked<int> c, tracked<int> d) {
    auto e = b + c;
    auto f = a + d;
    return e > f;
  };
  const auto rc = bytedmd(dev, composite, 1, 2, 3, 4);
  CHECK(rc.depths() == depths{2, 3, 1, 4, 2, 1, 1});
  CHECK(rc.cost == 11);
  auto dot = [](const std::vector<tracked<int>>& a, const std::vector<tracked<int>>& b) {
    return a[0] * b[0] + a[1] * b[1];
  };
  const auto rd = bytedmd(dev, dot, std::vector{0, 1}, std::vector{2, 3});
  CHECK(rd.depths() == depths{1, 3, 2, 4, 2, 1, 1});
  CHECK(rd.cost == 11);
  auto relu = [](tracked<int> a) -> tracked<int> {
    if (a > 0) return a * 2;
    return a;
  };
  CHECK(bytedmd(dev, relu, 5).depths() == depths{1, 1, 1, 1});
  CHECK(bytedmd(dev, relu, -5).depths() == depths{1, 1, 1});
  auto my_divmod = [](tracked<int> a, tracked<int> b) {
    auto [q, r] = divmod(a, b);
    return q + r + a;
  };
  CHECK(bytedmd(dev, my_divmod, 10, 3).depths() == depths{1, 2, 2, 1, 1, 2, 1});
  auto implicit_branch = [](tracked<int> a) -> tracked<int> {
    if (a) return a + 10;
    return a;
  };
  auto explicit_branch = [](tracked<int> a) -> tracked<int> {
    if (a != 0) return a + 10;
    return a;
  };
  CHECK(bytedmd(dev, implicit_branch, 0).depths() == depths{1, 1});
  CHECK(bytedmd(dev, explicit_branch, 0).depths() == depths{1, 1, 1});
  auto range = [](tracked<int> n) {
    std::vector<int> v;
    for (int i = 0, e = static_cast<int>(n); i < e; ++i) v.push_back(i);
    return v;
  };
  CHECK(bytedmd(dev, range, 3).depths() == depths{1});
  auto index = [](const std::vector<tracked<int>>& xs, tracked<int> i) { return xs[static_cast<std::size_t>(i)]; };
  CHECK(bytedmd(dev, index, std::vector{10, 20, 30}, 1).depths() == depths{4, 2});
  CHECK(bytedmd(
            dev, [](tracked<int> a) { return !a; }, 0)
            .depths() == depths{1});
}

TEST_CASE("two_stack (dev): matvec and vecmat N = 2..8: 26 71 147 253 394 574 839", "[dmd][variants]") {
  const std::uint64_t want[] = {26, 71, 147, 253, 394, 574, 839};
  for (std::size_t n = 2; n <= 8; ++n) {
    const std::vector<std::vector<double>> A(n, std::vector<double>(n, 1.0));
    const std::vector<double> x(n, 1.0);
    CHECK(bytedmd(dev, matvec, A, x).cost == want[n - 2]);
    CHECK(bytedmd(dev, vecmat, A, x).cost == want[n - 2]);
  }
}

TEST_CASE("two_stack (dev): an epilogue read per distinct returned value, nothing moves", "[dmd][variants]") {
  // lambda xs: xs on the dev branch: the epilogue reads xs[0..2] at their static depths 1, 2, 3
  CHECK(bytedmd(
            dev, [](const vec& xs) { return xs; }, std::vector{1.0, 2.0, 3.0})
            .depths() == depths{1, 2, 3});
  // a value returned twice is read once
  CHECK(bytedmd(
            dev,
            [](num a, num b) {
              auto s = a + b;
              return std::vector{s, s};
            },
            1.0, 2.0)
            .depths() == depths{1, 2, 1});
}
