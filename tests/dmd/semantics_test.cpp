// ByteDMD semantics of the group's tool (bytedmd.py, main branch) that the
// published vectors do not reach: liveness of never-read values, which
// results stay live, evaluation order of compound expressions, identity of
// containers, the instruction set. Expected numbers are the tool's (each
// comment gives the Python that produced them).
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/metrics/dmd/bytedmd.hpp"
#include "sutro/metrics/dmd/reference_kernels.hpp"

using sutro::metrics::dmd::bytedmd;
using sutro::metrics::dmd::tracked;
using depths = std::vector<std::uint64_t>;
using num = tracked<double>;
using vec = std::vector<num>;

TEST_CASE("liveness: a value never read leaves the stack at once", "[dmd][liveness]") {
  // lambda a, b, c: a + c  ->  [1, 2]  (b, never read, is not between a and c)
  CHECK(bytedmd([](num a, num, num c) { return a + c; }, 1.0, 2.0, 3.0).depths() == depths{1, 2});
  // a dead intermediate: t = a * b; u = a + b; return u  ->  [1, 2, 2, 1]
  auto dead = [](num a, num b) {
    auto t = a * b;
    auto u = a + b;
    (void)t;
    return u;
  };
  CHECK(bytedmd(dead, 1.0, 2.0).depths() == depths{1, 2, 2, 1});
  // nothing returned: every value dies after its last read -> [1, 2]
  CHECK(bytedmd([](num a, num b) { (void)(a * b); }, 1.0, 2.0).depths() == depths{1, 2});
}

TEST_CASE("liveness: what f returns stays live, whatever its shape", "[dmd][liveness]") {
  // lambda a, b: (a + b, a)  ->  [1, 2]
  auto pair = [](num a, num b) { return std::pair(a + b, a); };
  CHECK(bytedmd(pair, 1.0, 2.0).depths() == depths{1, 2});
  CHECK(bytedmd(pair, 1.0, 2.0).results == 2);
  // lambda xs: xs  ->  [], every element kept
  const auto r = bytedmd([](const vec& xs) { return xs; }, std::vector{1.0, 2.0, 3.0});
  CHECK(r.depths().empty());
  CHECK(r.results == 3);
  CHECK(r.max_live == 3);
  // lambda xs, a: [[xs[0] + a], [a], []]  ->  [1, 2]
  auto nested = [](const vec& xs, num a) { return std::vector<vec>{{xs[0] + a}, {a}, {}}; };
  CHECK(bytedmd(nested, std::vector{1.0, 2.0, 3.0}, 5.0).depths() == depths{1, 2});
  CHECK(bytedmd(nested, std::vector{1.0, 2.0, 3.0}, 5.0).results == 2);
  // a tuple of an array, a scalar and a plain number
  auto tup = [](num a, num b) { return std::tuple(std::array<num, 2>{a * b, b}, a, 7); };
  CHECK(bytedmd(tup, 1.0, 2.0).results == 3);
  // What is live at the end changes later depths: keep a (returned) and it
  // stays between b and the top.
  auto keep = [](num a, num b, num c) {
    auto s = a + c;
    auto t = b * s;
    return std::pair(t, a);
  };
  // a@1 c@3, then b@3 (a, s above it), s@1
  CHECK(bytedmd(keep, 1.0, 2.0, 3.0).depths() == depths{1, 3, 3, 1});
}

TEST_CASE("evaluation order: compound expressions are recorded left to right", "[dmd][order]") {
  // lambda a, b, c, d: a*b + c*d  ->  [1, 2, 2, 3, 2, 1]
  CHECK(bytedmd([](num a, num b, num c, num d) { return a * b + c * d; }, 1.0, 2.0, 3.0, 4.0).depths() ==
        depths{1, 2, 2, 3, 2, 1});
  // statements stay in program order: q = c*d; p = a*b; return p + q  ->  [3, 4, 2, 3, 1, 2]
  auto named = [](num a, num b, num c, num d) {
    auto q = c * d;
    auto p = a * b;
    return p + q;
  };
  CHECK(bytedmd(named, 1.0, 2.0, 3.0, 4.0).depths() == depths{3, 4, 2, 3, 1, 2});
  // GCC evaluates the right operand of an overloaded operator first; check
  // that this is what happened here, so the tests above did exercise it.
  std::string order;
  auto mark = [&order](char c, num x) {
    order += c;
    return x;
  };
  (void)bytedmd([&](num a, num b) { return mark('l', a) + mark('r', b); }, 1.0, 2.0);
  INFO("operand evaluation order of this compiler: " << order);
  CHECK(order.size() == 2);
  // A long left-leaning sum in one expression
  auto sum4 = [](const vec& x) { return x[0] * x[1] + x[1] * x[2] + x[2] * x[3] + x[3] * x[0]; };
  // def f(x): return x[0]*x[1] + x[1]*x[2] + x[2]*x[3] + x[3]*x[0]
  CHECK(bytedmd(sum4, std::vector{1.0, 2.0, 3.0, 4.0}).depths() == depths{4, 3, 2, 5, 3, 1, 2, 4, 3, 1, 2, 3, 2, 1});
  // std::accumulate (init = std::move(init) + x) is Python's sum: 0 + x0 first
  auto total = [](const vec& x) { return std::accumulate(x.begin(), x.end(), num(0.0)); };
  CHECK(bytedmd(total, std::vector{1.0, 2.0, 3.0, 4.0}).depths() == depths{4, 1, 4, 1, 3, 1, 2});
}

TEST_CASE("evaluation order: min and max are Python's (compare, read, the operand itself)", "[dmd][order]") {
  // lambda a, b, c, d: min(a*b, c) + c*d  ->  [1, 2, 2, 1, 1, 2, 3, 2, 1]
  auto f = [](num a, num b, num c, num d) { return min(a * b, c) + c * d; };
  CHECK(bytedmd(f, 1.0, 2.0, 3.0, 4.0).depths() == depths{1, 2, 2, 1, 1, 2, 3, 2, 1});
  // lambda a, b, c, d: max(a, b*c) * d  ->  [2, 3, 1, 2, 1, 1, 2]
  auto g = [](num a, num b, num c, num d) { return max(a, b * c) * d; };
  CHECK(bytedmd(g, 1.0, 2.0, 3.0, 4.0).depths() == depths{2, 3, 1, 2, 1, 1, 2});
  // a ternary on a comparison: lambda a, b: a if a > b else b  ->  [1, 2, 1]
  CHECK(bytedmd([](num a, num b) { return a > b ? a : b; }, 2.0, 3.0).depths() == depths{1, 2, 1});
  // not (a < b)  ->  [1, 2, 1]
  CHECK(bytedmd([](num a, num b) { return !(a < b); }, 2.0, 3.0).depths() == depths{1, 2, 1});
}

TEST_CASE("instruction set: Python's operators and built-ins", "[dmd][ops]") {
  // lambda a: +a  ->  [1]
  CHECK(bytedmd([](num a) { return +a; }, 3.0).depths() == depths{1});
  // lambda a, b: a ** b + a ** 2  ->  [1, 2, 2, 2, 1]
  CHECK(bytedmd([](num a, num b) { return pow(a, b) + pow(a, 2); }, 2.0, 3.0).depths() == depths{1, 2, 2, 2, 1});
  // lambda a, b: (a & b) | (a ^ b) << 1  ->  [1, 2, 3, 2, 1, 2, 1]
  auto bits = [](tracked<long> a, tracked<long> b) { return (a & b) | (a ^ b) << 1; };
  CHECK(bytedmd(bits, 6L, 3L).depths() == depths{1, 2, 3, 2, 1, 2, 1});
  // lambda a, b: abs(-a) - b  ->  [1, 1, 1, 2]
  CHECK(bytedmd([](num a, num b) { return abs(-a) - b; }, 2.0, 3.0).depths() == depths{1, 1, 1, 2});
  // lambda a, b: divmod(a, b)  ->  [1, 2] (both outputs returned)
  const auto dm = bytedmd([](tracked<int> a, tracked<int> b) { return divmod(a, b); }, 10, 3);
  CHECK(dm.depths() == depths{1, 2});
  CHECK(dm.results == 2);
  CHECK(sutro::metrics::dmd::listing(dm).find("v2, v3 = divmod") != std::string::npos);
  // floor, ceil, trunc, round: one instruction each
  auto rounding = [](num a) { return floor(a) + ceil(a) + trunc(a) + round(a); };
  CHECK(bytedmd(rounding, 2.5).reads() == 4 + 3 * 2);
  tracked<double> r1, r2;
  (void)bytedmd([&](num a, num b) { r1 = round(a), r2 = round(b); }, 2.5, -3.5);
  CHECK(r1.untracked_value() == 2.0);  // ties to even, as Python
  CHECK(r2.untracked_value() == -4.0);
}

TEST_CASE("instruction set: mixed element types, floor division and % as Python's", "[dmd][ops]") {
  // lambda a, b, x: (a < b) * x + (a < b)  ->  [1, 2, 1, 4, 3, 2, 2, 1]
  auto f = [](tracked<int> a, tracked<int> b, num x) { return (a < b) * x + (a < b); };
  const auto r = bytedmd(f, 1, 2, 3.5);
  CHECK(r.depths() == depths{1, 2, 1, 4, 3, 2, 2, 1});
  // lambda a, x: a * x + a // 2 + x % 2.0  ->  [1, 2, 3, 2, 1, 2, 2, 1]
  tracked<double> value;
  auto g = [&value](tracked<int> a, num x) { return value = a * x + floordiv(a, 2) + x % 2.0; };
  CHECK(bytedmd(g, 3, 2.5).depths() == depths{1, 2, 3, 2, 1, 2, 2, 1});
  CHECK(value.untracked_value() == 3 * 2.5 + 1 + 0.5);
  // c = a > b; return c + 1  ->  [1, 2, 1]; True + 1 is 2
  tracked<int> two;
  auto h = [&two](tracked<int> a, tracked<int> b) {
    auto c = a > b;
    return two = c + 1;
  };
  CHECK(bytedmd(h, 3, 2).depths() == depths{1, 2, 1});
  CHECK(two.untracked_value() == 2);
  tracked<int> q;
  (void)bytedmd([&q](tracked<int> a) { q = floordiv(a, 2); }, -7);
  CHECK(q.untracked_value() == -4);
  num m;
  (void)bytedmd([&m](num a) { m = a % 3.0; }, -7.0);
  CHECK(m.untracked_value() == 2.0);
}

TEST_CASE("floating floordiv, % and divmod are Python's, and agree", "[dmd][ops]") {
  // Python 3: a // b, a % b for each pair (divmod(a, b) is the two of them).
  struct py_case {
    double a, b, q, r;
  };
  const py_case cases[] = {
      {1.0, 0.1, 9.0, 0.09999999999999995},     // floor(1.0 / 0.1) would be 10
      {-1.0, -0.1, 9.0, -0.09999999999999995},  //
      {2.0, 0.2, 9.0, 0.1999999999999999},      //
      {-2.0, -0.2, 9.0, -0.1999999999999999},   //
      {-1.1, 0.1, -12.0, 0.09999999999999998},  // floor(-1.1 / 0.1) would be -11
      {-1.0, 0.1, -10.0, 5.551115123125783e-17},
      {1.0, -0.1, -10.0, -5.551115123125783e-17},
      {-0.7, 0.1, -7.0, 8.326672684688674e-17},
      {-7.5, 2.0, -4.0, 0.5},
      {7.5, -2.0, -4.0, -0.5},
      {-1e-300, 1.0, -1.0, 1.0},
      {-4.0, 2.0, -2.0, 0.0},
      {0.0, -1.0, -0.0, -0.0},
      {-0.0, 1.0, -0.0, 0.0},
  };
  for (const auto& c : cases) {
    CAPTURE(c.a, c.b);
    num q, r, dq, dr;
    (void)bytedmd(
        [&](num a, num b) {
          q = floordiv(a, b);
          r = a % b;
          std::tie(dq, dr) = divmod(a, b);
        },
        c.a, c.b);
    CHECK(q.untracked_value() == c.q);
    CHECK(r.untracked_value() == c.r);
    CHECK(std::signbit(q.untracked_value()) == std::signbit(c.q));
    CHECK(std::signbit(r.untracked_value()) == std::signbit(c.r));
    CHECK(dq.untracked_value() == q.untracked_value());
    CHECK(std::signbit(dq.untracked_value()) == std::signbit(q.untracked_value()));
    CHECK(dr.untracked_value() == r.untracked_value());
    CHECK(std::signbit(dr.untracked_value()) == std::signbit(r.untracked_value()));
  }
  // 1e300 // 1e-10 is inf in Python, as is divmod's quotient.
  tracked<double> inf;
  (void)bytedmd([&](num a, num b) { inf = floordiv(a, b); }, 1e300, 1e-10);
  CHECK(std::isinf(inf.untracked_value()));
}

TEST_CASE("identity: a container passed twice is one set of values, as the tool's lists", "[dmd][identity]") {
  // xs = [1., 2., 3.]; (lambda a, b: a[0]*b[0] + a[1]*b[1], (xs, xs))  ->  [2, 2, 2, 2, 2, 1], 11
  const std::vector<double> xs{1.0, 2.0, 3.0};
  auto dot = [](const vec& a, const vec& b) { return a[0] * b[0] + a[1] * b[1]; };
  const auto same = bytedmd(dot, xs, xs);
  CHECK(same.depths() == depths{2, 2, 2, 2, 2, 1});
  CHECK(same.inputs == 3);
  CHECK(bytedmd(dot, xs, std::vector{1.0, 2.0, 3.0}).inputs == 6);
  // a row beside its matrix: (A, A[0]) and (A[0], A)  ->  [1, 2, 2, 3, 2, 1]
  const std::vector<std::vector<double>> A{{1.0, 2.0}, {3.0, 4.0}};
  auto f = [](const std::vector<vec>& M, const vec& r) { return M[1][0] * r[1] + M[0][1] * r[0]; };
  auto g = [](const vec& r, const std::vector<vec>& M) { return M[1][0] * r[1] + M[0][1] * r[0]; };
  CHECK(bytedmd(f, A, A[0]).depths() == depths{1, 2, 2, 3, 2, 1});
  CHECK(bytedmd(g, A[0], A).depths() == depths{1, 2, 2, 3, 2, 1});
  CHECK(bytedmd(f, A, A[0]).inputs == 4);
  // scalars are values, not objects: the same double twice is two inputs (as Python floats)
  const double x = 1.0;
  CHECK(bytedmd([](num a, num b) { return a + b; }, x, x).inputs == 2);
}

TEST_CASE("call shapes: arguments by value, by reference, std::array, tracked arguments", "[dmd]") {
  auto by_value = [](vec a, num b) { return a[0] + b; };
  auto by_ref = [](vec& a, const num& b) { return a[0] + b; };
  // the first argument ends on top
  CHECK(bytedmd(by_value, std::vector{1.0}, 2.0).depths() == depths{1, 2});
  CHECK(bytedmd(by_ref, std::vector{1.0}, 2.0).depths() == depths{1, 2});
  CHECK(bytedmd({.bytes_per_element = 4}, by_ref, std::vector{1.0}, 2.0).cost ==
        sutro::metrics::dmd::read_cost(1, 4) + sutro::metrics::dmd::read_cost(2, 4));
  // a[0] is never read, so it is gone: a[1] on top, b below it
  auto arr = [](const std::array<num, 2>& a, num b) { return a[1] * b; };
  CHECK(bytedmd(arr, std::array{1.0, 2.0}, num(3.0)).depths() == depths{1, 2});
}

TEST_CASE("instruction set: division by zero, overflowing quotients and wide shifts throw, recording nothing",
          "[dmd][ops]") {
  using sutro::testing::thrown_message;
  // What a throwing instruction leaves behind: nothing, so the function
  // prices as if it had only added.
  const auto plain = bytedmd([](tracked<int> a, tracked<int> b) { return a + b; }, 7, 2).depths();
  auto after = [](auto bad) {
    return bytedmd(
               [&bad](tracked<int> a, tracked<int> b) {
                 CHECK_THROWS(bad(a));
                 return a + b;
               },
               7, 2)
        .depths();
  };
  CHECK(after([](tracked<int> a) { return floordiv(a, 0); }) == plain);
  CHECK(after([](tracked<int> a) { return a / 0; }) == plain);
  CHECK(after([](tracked<int> a) { return a % 0; }) == plain);
  CHECK(after([](tracked<int> a) { return divmod(a, 0).first; }) == plain);
  CHECK(after([](tracked<int> a) { return a << 32; }) == plain);
  CHECK(after([](tracked<int> a) { return a >> -1; }) == plain);
  tracked<double> x(1.0);
  CHECK(thrown_message<std::domain_error>([&] { (void)floordiv(x, 0.0); }) ==
        "sutro::metrics::dmd::floordiv: division by zero (Python raises ZeroDivisionError)");
  CHECK_THROWS_AS((void)(x % 0.0), std::domain_error);
  CHECK_THROWS_AS((void)divmod(x, -0.0), std::domain_error);
  CHECK(std::isinf((x / 0.0).untracked_value()));  // IEEE, as C++'s double
  tracked<int> lo(std::numeric_limits<int>::min());
  CHECK(thrown_message<std::overflow_error>([&] { (void)(lo / -1); }) ==
        "sutro::metrics::dmd::operator/: -2147483648 / -1 does not fit the element type");
  CHECK_THROWS_AS((void)floordiv(lo, -1), std::overflow_error);
  CHECK(thrown_message<std::domain_error>([&] { (void)(tracked<long long>(1) << 64); }) ==
        "sutro::metrics::dmd::operator<<: shift count 64 is not below the width 64");
  CHECK((tracked<long long>(1) << 63).untracked_value() == std::numeric_limits<long long>::min());
  CHECK((tracked<unsigned>(7) % 4u).untracked_value() == 3u);
}
