#include <cstdint>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/memory/accessor.hpp"

using namespace sutro::memory;
using sutro::metrics::reuse_distance;

namespace {

template <class V>
concept has_data = requires(V v) {
  v.data();
};
template <class R>
concept addressable = requires(R r) {
  &r;
};

// Algorithm code written once against any view.
template <class V>
float sum(const V& v) {
  float s = 0;
  for (std::size_t i = 0; i < v.size(); ++i) s += v[i];
  return s;
}
template <class V>
void axpy(float a, const V& x, const V& y) {
  for (std::size_t i = 0; i < x.size(); ++i) y[i] += a * x[i];
}
// Naive i-j-k with C in a register; reads B[k][j] then A[i][k] (as in the ICS'22 test).
template <class V, class W>
void matmul(const V& A, const V& B, const W& C, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      float s = 0;
      for (std::size_t k = 0; k < n; ++k) {
        const float b = B(k, j);
        s += float(A(i, k)) * b;
      }
      C(i, j) = s;
    }
}

}  // namespace

TEST_CASE("default accessor is a plain reference, traced one has no way out", "[metrics]") {
  using plain = view<float>;
  using traced = view<float, recording_accessor<float>>;
  STATIC_REQUIRE(std::is_same_v<plain::reference, float&>);
  STATIC_REQUIRE(has_data<plain>);
  STATIC_REQUIRE(!has_data<traced>);
  STATIC_REQUIRE(!addressable<recording_reference<float>>);
  STATIC_REQUIRE(addressable<float&>);
  STATIC_REQUIRE(!std::is_convertible_v<recording_reference<float>, float&>);
  STATIC_REQUIRE(std::is_convertible_v<recording_reference<float>, float>);
  std::vector<float> x(10, 1.0f);
  CHECK(sum(plain(x.data(), x.size())) == 10.0f);
  CHECK_THROWS_AS((traced(x.data(), x.size())[0].get()), std::logic_error);  // no trace attached
  CHECK_THROWS_AS(plain(x.data(), 2, 5, 4), std::invalid_argument);
  CHECK_THROWS_AS(plain(x.data(), 2, 5, 5).at(2, 0), std::out_of_range);
}

TEST_CASE("traced views count every read and write", "[metrics]") {
  for (std::size_t n : {0u, 1u, 63u, 64u, 65u}) {
    std::vector<float> x(n), y(n);
    std::iota(x.begin(), x.end(), 1.0f);
    trace t;
    auto vx = recording_view(x.data(), n, t), vy = recording_view(y.data(), n, t);
    const float s = sum(vx);
    CHECK(s == float(n * (n + 1) / 2));
    CHECK(t.reads() == n);
    axpy(2.0f, vx, vy);
    CHECK(t.reads() == 3 * n);  // x[i] and y[i] read
    CHECK(t.writes() == n);
    for (std::size_t i = 0; i < n; ++i) REQUIRE(y[i] == 2.0f * x[i]);
  }
}

TEST_CASE("word and line granularity group neighbouring elements", "[metrics]") {
  std::vector<float> x(256);
  for (granularity g : {granularity::element, granularity::word, granularity::line}) {
    trace t({.unit = g});
    auto v = recording_view(x.data(), x.size(), t);
    (void)sum(v);
    (void)sum(v);
    reuse_distance ref({.unit = g});
    for (int pass = 0; pass < 2; ++pass)
      for (auto& e : x)
        if (g == granularity::element)
          ref.access(reinterpret_cast<std::uintptr_t>(&e));
        else
          ref.access_bytes(&e, sizeof e);
    CHECK(t.distances().histogram() == ref.histogram());
    CHECK(t.distances().cold_accesses() == ref.cold_accesses());
  }
}

TEST_CASE("a kernel traced through views reproduces the ICS'22 B distances", "[metrics]") {
  const std::size_t n = 8;
  std::vector<float> A(n * n, 1.0f), B(n * n, 2.0f), C(n * n);
  trace t({.count_writes = false, .keep_events = true});
  auto a = recording_view(A.data(), n, n, t), b = recording_view(B.data(), n, n, t);
  view<float> c(C.data(), n, n, n);  // C written through a plain view: not traced
  matmul(a, b, c, n);
  matmul(a, b, c, n);
  CHECK(C[0] == 2.0f * n);
  CHECK(t.reads() == 4 * n * n * n);
  CHECK(t.events().size() == t.reads());
  // Same accounting as tests/metrics/reuse_distance_test.cpp: the second pass
  // has B at n^2 + 2n for n^3 - 2n^2 + n accesses.
  std::uint64_t at_n2_2n = 0;
  reuse_distance rd;
  for (std::size_t i = 0; i < t.events().size(); ++i) {
    const auto d = rd.access(t.events()[i].address);
    if (i >= 2 * n * n * n && i % 2 == 0 && d == n * n + 2 * n) ++at_n2_2n;
  }
  CHECK(at_n2_2n == n * n * n - 2 * n * n + n);
  CHECK(rd.histogram() == t.distances().histogram());
}

TEST_CASE("a view whose extent overflows the size type is refused, naming its shape", "[metrics]") {
  using sutro::testing::thrown_message;
  constexpr std::size_t big = std::size_t{1} << 32, max = std::numeric_limits<std::size_t>::max();
  // rows x cols wraps to 0: once accepted as an empty view.
  const std::string m = thrown_message([] { view<float> v(nullptr, big, big, big); });
  CHECK(m.find("sutro::memory::view: ") == 0);
  CHECK(m.find("rows 4294967296") != std::string::npos);
  CHECK(m.find("cols 4294967296") != std::string::npos);
  CHECK(m.find("stride 4294967296") != std::string::npos);
  // rows x cols fits, rows x stride does not.
  float x[4] = {};
  CHECK(thrown_message([&] { view<float> v(x, 3, 1, max / 2); }).find("sutro::memory::view: rows 3") == 0);
  CHECK_THROWS_AS((view<float>(x, max, 2, 2)), std::invalid_argument);
  // The largest shapes that fit are still views.
  CHECK(view<float>(x, 1, max, max).size() == max);
  CHECK(view<float>(x, max, 1, 1).size() == max);
  CHECK(view<float>(x, 0, max, max).size() == 0);
  CHECK(view<float>(x, 2, 2, 2).size() == 4);
}
