// memory::accessed_ptr / handle_t / make_handle / restrict_t: the handle a
// kernel written once indexes, a raw pointer under default_accessor.
#include <cstdint>
#include <type_traits>
#include <vector>

#include "support/catch.hpp"
#include "sutro/memory/accessor.hpp"

using namespace sutro::memory;

namespace {
template <class P>
concept converts_to_pointer = std::is_convertible_v<P, const float*> || std::is_convertible_v<P, float*>;

// Written once; instantiated with float* or an accessed_ptr.
template <class X, class Y>
void scale_add(std::size_t n, float a, X x, Y y) {
  for (std::size_t i = 0; i < n; ++i) {
    const float xi = x[i], yi = y[i];
    y[i] = yi + a * xi;
  }
}
}  // namespace

TEST_CASE("handles: raw pointer under the default accessor, counted accesses under the traced one", "[metrics]") {
  STATIC_REQUIRE(std::is_same_v<handle_t<float, default_accessor<float>>, float*>);
  STATIC_REQUIRE(
      std::is_same_v<handle_t<float, recording_accessor<float>>, accessed_ptr<float, recording_accessor<float>>>);
  STATIC_REQUIRE(std::is_same_v<restrict_t<float*>, float* __restrict>);
  STATIC_REQUIRE(std::is_same_v<restrict_t<accessed_ptr<float, recording_accessor<float>>>,
                                accessed_ptr<float, recording_accessor<float>>>);
  STATIC_REQUIRE(!converts_to_pointer<accessed_ptr<float, recording_accessor<float>>>);
  STATIC_REQUIRE(std::is_convertible_v<accessed_ptr<float, recording_accessor<float>>,
                                       accessed_ptr<const float, recording_accessor<const float>>>);
  STATIC_REQUIRE(!std::is_convertible_v<accessed_ptr<const float, recording_accessor<const float>>,
                                        accessed_ptr<float, recording_accessor<float>>>);

  std::vector<float> x(65, 2.0f), y(65, 1.0f), x2 = x, y2 = y;
  float* raw = make_handle(y.data(), default_accessor<float>{});
  CHECK(raw == y.data());
  scale_add(65, 0.5f, make_handle(static_cast<const float*>(x.data()), default_accessor<const float>{}), raw);

  trace t({.unit = granularity::element, .keep_events = true});
  const auto tx = make_handle(static_cast<const float*>(x2.data()), recording_accessor<const float>{&t});
  const auto ty = make_handle(y2.data(), recording_accessor<float>{&t});
  scale_add(65, 0.5f, tx, ty);
  CHECK(y2 == y);
  CHECK(t.reads() == 2 * 65);
  CHECK(t.writes() == 65);
  REQUIRE(t.events().size() == 3 * 65);
  // Per element: read x[i], read y[i], write y[i], in that order.
  CHECK(t.events()[0].address == reinterpret_cast<std::uintptr_t>(&x2[0]));
  CHECK(t.events()[1].address == reinterpret_cast<std::uintptr_t>(&y2[0]));
  CHECK(t.events()[2].kind == access_kind::write);
  // p + n and *p go through the accessor too.
  const accessed_ptr<const float, recording_accessor<const float>> cy = ty + 3;
  CHECK(float(*cy) == y2[3]);
  CHECK(t.reads() == 2 * 65 + 1);
}
