// Misuse that sutro::metrics::dmd refuses with a clear exception (sutro::metrics::dmd::<function>: ...).
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "sutro/metrics/dmd/bytedmd.hpp"

using sutro::metrics::dmd::bytedmd;
using sutro::metrics::dmd::context;
using sutro::metrics::dmd::tracked;

namespace {
template <class F>
std::string message_of(F f) {
  try {
    f();
  } catch (const std::exception& e) {
    return e.what();
  }
  return "(no exception)";
}
bool starts_with(const std::string& s, const std::string& p) { return s.rfind(p, 0) == 0; }
}  // namespace

TEST_CASE("errors: a tracked value from a context on another thread is refused", "[dmd][errors]") {
  context mine;
  const auto x = tracked<double>::input(1.0);
  std::string alone, mixed, in_run;
  std::thread t([&] {
    // This thread's first context: with per-thread serials it had the same
    // serial as `mine` and x was silently read as one of its values.
    context other;
    const auto y = tracked<double>::input(2.0);
    alone = message_of([&] { (void)(x + 1.0); });
    mixed = message_of([&] { (void)(x + y); });
    in_run = message_of([&] { (void)bytedmd([&](tracked<double> a) { return a + x; }, 3.0); });
  });
  t.join();
  INFO(alone << "\n" << mixed << "\n" << in_run);
  CHECK(starts_with(alone, "sutro::metrics::dmd::add: a tracked value used outside the trace context"));
  CHECK(starts_with(mixed, "sutro::metrics::dmd::add: operands from different trace contexts"));
  CHECK(starts_with(in_run, "sutro::metrics::dmd::add: operands from different trace contexts"));
  CHECK(starts_with(message_of([&] { (void)x.get(); }), "(no exception)"));  // still fine on its own thread
}

TEST_CASE("errors: contexts destroyed out of order leave no dangling active context", "[dmd][errors]") {
  auto A = std::make_unique<context>();
  const auto a = tracked<double>::input(1.0);
  auto B = std::make_unique<context>();
  const auto b = tracked<double>::input(2.0);
  auto C = std::make_unique<context>();
  CHECK(context::active() == C.get());
  B.reset();  // the middle one
  CHECK(context::active() == C.get());
  A.reset();  // the bottom one, before the top
  CHECK(context::active() == C.get());
  CHECK(starts_with(message_of([&] { (void)(a + 1.0); }), "sutro::metrics::dmd::add: a tracked value used outside"));
  CHECK(starts_with(message_of([&] { (void)b.get(); }),
                    "sutro::metrics::dmd::tracked::get: a tracked value used outside"));
  C.reset();
  CHECK(context::active() == nullptr);  // was a dangling pointer to A
  CHECK(starts_with(message_of([&] { (void)(b * 2.0); }), "sutro::metrics::dmd::mul: a tracked value used outside"));
  CHECK(starts_with(message_of([] { (void)tracked<double>::input(1.0); }),
                    "sutro::metrics::dmd::tracked::input: no active"));
  // and a fresh context works normally afterwards
  context D;
  CHECK(context::active() == &D);
}

TEST_CASE("errors: bytes_per_element that would overflow the cost is refused", "[dmd][errors]") {
  auto f = [](tracked<double> a, tracked<double> b) { return a + b; };
  const std::uint64_t huge = std::uint64_t{1} << 41;
  CHECK(starts_with(message_of([&] { (void)bytedmd({.bytes_per_element = huge}, f, 1.0, 2.0); }),
                    "sutro::metrics::dmd::bytedmd: bytes_per_element = 2199023255552 overflows"));
  CHECK_THROWS_AS(bytedmd({.bytes_per_element = ~std::uint64_t{0}}, f, 1.0, 2.0), std::overflow_error);
  // 2^40 bytes: depth 1 is exactly representable, depth 2 is not
  const std::uint64_t edge = sutro::metrics::dmd::max_byte_depth;
  CHECK(starts_with(message_of([&] { (void)bytedmd({.bytes_per_element = edge}, f, 1.0, 2.0); }),
                    "sutro::metrics::dmd::price: depth 2 x bytes_per_element 1099511627776 exceeds 2^40"));
  CHECK(bytedmd(
            {.bytes_per_element = edge}, [](tracked<double> a) { return a + a; }, 1.0)
            .cost == 2 * sutro::metrics::dmd::ceil_sqrt_prefix(edge));
  CHECK_THROWS_AS(sutro::metrics::dmd::read_cost(std::uint64_t{1} << 21, std::uint64_t{1} << 20), std::overflow_error);
  CHECK_THROWS_AS(sutro::metrics::dmd::read_cost(0, 1), std::invalid_argument);
  CHECK_THROWS_AS(sutro::metrics::dmd::read_cost(1, 0), std::invalid_argument);
  CHECK(starts_with(message_of([&] { (void)bytedmd({.bytes_per_element = 0}, f, 1.0, 2.0); }),
                    "sutro::metrics::dmd::bytedmd: bytes_per_element must be >= 1"));
  // the prefix sum is exact up to the limit: consecutive differences are ceil(sqrt(n))
  for (std::uint64_t n : {edge, edge - 1, (std::uint64_t{1} << 40) - (std::uint64_t{1} << 20) + 1}) {
    CHECK(sutro::metrics::dmd::ceil_sqrt_prefix(n) - sutro::metrics::dmd::ceil_sqrt_prefix(n - 1) ==
          sutro::metrics::dmd::ceil_sqrt(n));
  }
  std::uint64_t sum = 0;
  for (std::uint64_t j = 1; j <= (std::uint64_t{1} << 20); ++j) sum += sutro::metrics::dmd::ceil_sqrt(j);
  CHECK(sutro::metrics::dmd::read_cost(1, std::uint64_t{1} << 20) == sum);
}

TEST_CASE("errors: pricing a context with pending instructions asks for flush()", "[dmd][errors]") {
  context ctx;
  const auto a = tracked<double>::input(1.0);
  ctx.set_preload({a.id()});
  const auto b = a * a;
  CHECK(starts_with(message_of([&] { (void)sutro::metrics::dmd::price(ctx); }),
                    "sutro::metrics::dmd::price: the context has pending"));
  ctx.flush();
  CHECK(sutro::metrics::dmd::price(ctx).cost == 2);
  (void)b;
}

TEST_CASE("errors: a preload of an unknown value or of one value twice is refused and changes nothing",
          "[dmd][errors]") {
  context ctx;
  const auto a = tracked<double>::input(1.0);
  const auto b = tracked<double>::input(2.0);
  ctx.set_preload({a.id(), b.id()});
  const auto c = a * b;
  ctx.flush();
  // Far past the values, and just past them (ids made: a, b, c).
  CHECK(message_of([&] {
          ctx.set_preload({a.id(), 1000000});
        }) == "sutro::metrics::dmd::context::set_preload: v1000000 is not a value of this context (3 made)");
  CHECK(message_of([&] { ctx.set_preload({3}); }) ==
        "sutro::metrics::dmd::context::set_preload: v3 is not a value of this context (3 made)");
  CHECK(message_of([&] {
          ctx.set_preload({b.id(), a.id(), b.id()});
        }) == "sutro::metrics::dmd::context::set_preload: v1 is preloaded twice");
  REQUIRE(ctx.preload() == std::vector<std::uint32_t>{a.id(), b.id()});
  for (const auto variant :
       {sutro::metrics::dmd::bytedmd_variant::main, sutro::metrics::dmd::bytedmd_variant::two_stack})
    CHECK(sutro::metrics::dmd::price(ctx, 1, true, variant).cost ==
          sutro::metrics::dmd::price(ctx, 1, false, variant).cost);
  CHECK(sutro::metrics::dmd::price(ctx).cost == 3);  // a at depth 2, b at depth 1
  (void)c;
}
