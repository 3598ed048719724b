// The group's tool's own tests (github.com/cybertronai/ByteDMD, main branch:
// test_bytedmd.py and test_gotchas.py), each case that C++ can express,
// written the same way against tracked<T>, with the tool's numbers. Cases
// with no C++ counterpart are listed in docs/metrics.md (ByteDMD, "Python
// gotchas").
#include <cstdint>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "sutro/metrics/dmd/bytedmd.hpp"

using sutro::metrics::dmd::bytedmd;
using sutro::metrics::dmd::tracked;
using depths = std::vector<std::uint64_t>;
using vec = std::vector<tracked<double>>;
using mat = std::vector<vec>;

namespace {

auto my_add = [](tracked<int> a, tracked<int> b, tracked<int> c) { return (a + b) + c; };

auto my_composite_func = [](tracked<int> a, tracked<int> b, tracked<int> c, tracked<int> d) {
  auto e = b + c;
  auto f = a + d;
  return e > f;
};

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

// ---- test_bytedmd.py --------------------------------------------------------
TEST_CASE("tool test_my_add: 6, trace 1 2 1 2, 14 at 2 bytes", "[dmd][tool]") {
  const auto r = bytedmd(my_add, 1, 2, 3);
  CHECK(r.cost == 6);
  CHECK(r.depths() == depths{1, 2, 1, 2});
  CHECK(sutro::metrics::dmd::trace_cost(r.depths(), 1) == 6);
  CHECK(sutro::metrics::dmd::trace_cost(r.depths(), 2) == 14);
  CHECK(bytedmd({.bytes_per_element = 2}, my_add, 1, 2, 3).cost == 14);
}

TEST_CASE("tool test_repeated_operand_is_charged_twice: a + a reads 1, 1", "[dmd][tool]") {
  CHECK(bytedmd([](tracked<int> a) { return a + a; }, 5).depths() == depths{1, 1});
}

TEST_CASE("tool test_my_composite_func: trace 2 3 2 3 2 1, cost 11", "[dmd][tool]") {
  const auto r = bytedmd(my_composite_func, 1, 2, 3, 4);
  CHECK(r.depths() == depths{2, 3, 2, 3, 2, 1});
  CHECK(r.cost == 11);
  CHECK(r.results == 1);  // e > f is returned, so it stays on the stack
}

TEST_CASE("tool test_dot_product: a[0]*b[0] + a[1]*b[1]: trace 2 4 2 3 2 1, result 3, cost 11", "[dmd][tool]") {
  tracked<int> result;
  auto dot = [&result](const std::vector<tracked<int>>& a, const std::vector<tracked<int>>& b) {
    auto s = a[0] * b[0] + a[1] * b[1];
    result = s;
    return s;
  };
  const auto r = bytedmd(dot, std::vector{0, 1}, std::vector{2, 3});
  CHECK(r.depths() == depths{2, 4, 2, 3, 2, 1});
  CHECK(result.untracked_value() == 3);
  CHECK(r.cost == 11);
}

TEST_CASE("tool test_branching_and_comparisons_trace: relu", "[dmd][tool]") {
  auto my_relu = [](tracked<int> a) -> tracked<int> {
    if (a > 0) return a * 2;
    return a;
  };
  // taken: a > 0 reads a, the branch reads the result, a * 2 reads a (depth 1:
  // the comparison's result left the stack after its last read)
  CHECK(bytedmd(my_relu, 5).depths() == depths{1, 1, 1});
  CHECK(bytedmd(my_relu, -5).depths() == depths{1, 1});
}

TEST_CASE("tool test_divmod_tuple_allocation_trace: divmod has two outputs", "[dmd][tool]") {
  auto my_divmod = [](tracked<int> a, tracked<int> b) {
    auto [q, r] = divmod(a, b);
    return q + r + a;
  };
  tracked<int> q, r;
  const auto res = bytedmd(my_divmod, 10, 3);
  CHECK(res.depths() == depths{1, 2, 2, 1, 1, 2});
  (void)bytedmd([&](tracked<int> a, tracked<int> b) { std::tie(q, r) = divmod(a, b); }, 10, 3);
  CHECK(q.untracked_value() == 3);
  CHECK(r.untracked_value() == 1);
  (void)bytedmd([&](tracked<int> a, tracked<int> b) { std::tie(q, r) = divmod(a, b); }, -7, 2);
  CHECK(q.untracked_value() == -4);  // Python's floor division
  CHECK(r.untracked_value() == 1);
}

TEST_CASE("tool test_implicit_boolean_is_tracked: if (a) reads a", "[dmd][tool]") {
  auto implicit_branch = [](tracked<int> a) -> tracked<int> {
    if (a) return a + 10;
    return a;
  };
  auto explicit_branch = [](tracked<int> a) -> tracked<int> {
    if (a != 0) return a + 10;
    return a;
  };
  tracked<int> out;
  const auto ri = bytedmd([&](tracked<int> a) { return out = implicit_branch(a); }, 0);
  CHECK(ri.depths() == depths{1});
  CHECK(out.untracked_value() == 0);
  CHECK(bytedmd(explicit_branch, 0).depths() == depths{1, 1});
}

TEST_CASE("tool test_index_protocol_works: range(n) and xs[i] read the index", "[dmd][tool]") {
  std::vector<int> made;
  const auto r1 = bytedmd(
      [&made](tracked<int> n) {
        std::vector<int> v;
        for (int i = 0, e = static_cast<int>(n); i < e; ++i) v.push_back(i);
        made = v;
        return v;  // plain ints: nothing tracked is returned
      },
      3);
  CHECK(r1.depths() == depths{1});
  CHECK(made == std::vector{0, 1, 2});
  tracked<int> picked;
  const auto r2 = bytedmd([&picked](const std::vector<tracked<int>>& xs,
                                    tracked<int> i) { return picked = xs[static_cast<std::size_t>(i)]; },
                          std::vector{10, 20, 30}, 1);
  // xs[0] and xs[2] are never read: removed at once; xs[1] is returned: kept.
  CHECK(r2.depths() == depths{2});
  CHECK(picked.untracked_value() == 20);
}

TEST_CASE("tool test_not_is_tracked: !a reads a", "[dmd][tool]") {
  bool result = false;
  const auto r = bytedmd([&result](tracked<int> a) { result = !a; }, 0);
  CHECK(r.depths() == depths{1});
  CHECK(result);
}

TEST_CASE("tool test_matvec_costs: matvec and vecmat, N = 2..8", "[dmd][tool]") {
  const std::uint64_t mv[] = {26, 75, 157, 270, 422, 615, 896};
  const std::uint64_t vm[] = {25, 72, 150, 258, 397, 572, 832};
  for (std::size_t n = 2; n <= 8; ++n) {
    const std::vector<std::vector<double>> A(n, std::vector<double>(n, 1.0));
    const std::vector<double> x(n, 1.0);
    CHECK(bytedmd(matvec, A, x).cost == mv[n - 2]);
    CHECK(bytedmd(vecmat, A, x).cost == vm[n - 2]);
  }
}

// ---- test_gotchas.py --------------------------------------------------------
TEST_CASE("tool test_gotcha_constant_ops: constants are not tracked", "[dmd][tool]") {
  CHECK(bytedmd([](tracked<int> a) { return 10 - a * 10; }, 5).depths() == depths{1, 1});
}

TEST_CASE("tool test_gotcha_pure_memory_movement_is_free: a transpose reads nothing", "[dmd][tool]") {
  using imat = std::vector<std::vector<tracked<int>>>;
  imat result;
  auto transpose = [&result](const imat& A) {
    const std::size_t n = A.size();
    imat T(n, std::vector<tracked<int>>(n));
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) T[i][j] = A[j][i];
    result = T;
    return T;
  };
  const auto r = bytedmd(transpose, std::vector<std::vector<int>>{{1, 2}, {3, 4}});
  CHECK(r.depths().empty());
  CHECK(result[0][1].untracked_value() == 3);
  CHECK(result[1][0].untracked_value() == 2);
}

TEST_CASE("tool test_short_circuit_gotcha: and / or read only the first operand when it decides", "[dmd][tool]") {
  // Python's `a and b` with a = 0 reads a and returns a. C++'s && reads a and
  // stops (its result is a plain bool).
  bool result = true;
  CHECK(bytedmd([&result](tracked<int> a, tracked<int> b) { result = a && b; }, 0, 5).depths() == depths{1});
  CHECK(!result);
  // Python's `a or b` with a = 0 reads a and returns b without reading it;
  // C++'s || would read b too. Its C++ counterpart is `a ? a : b`.
  tracked<int> chosen;
  const auto r = bytedmd([&chosen](tracked<int> a, tracked<int> b) { return chosen = (a ? a : b); }, 0, 5);
  CHECK(r.depths() == depths{1});
  CHECK(chosen.untracked_value() == 5);
  CHECK(bytedmd([](tracked<int> a, tracked<int> b) { return a || b; }, 0, 5).depths() == depths{1, 1});
}
