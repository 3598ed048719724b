// clock_dmc's failed calls leave the tracker exactly as it was: the clock
// never goes backwards and a refused event is counted nowhere.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/metrics/dmd/clock_dmc.hpp"

using sutro::metrics::dmd::clock_dmc;
using sutro::testing::thrown_message;

namespace {

constexpr std::uint64_t max = ~std::uint64_t{0};

struct snapshot {
  std::uint64_t clock, reads, writes, floats_read;
  std::size_t buffers;
  double dmc, dmc_plain, weighted_ard;
  std::uint64_t read_count, sum_dist, min_dist, max_dist, size;
  bool operator==(const snapshot&) const = default;
};

snapshot take(const clock_dmc& t, clock_dmc::buffer_id b) {
  const auto& s = t.stats(b);
  return {t.clock(),        t.reads(),    t.writes(), t.floats_read(), t.buffers(), t.dmc(), t.dmc_plain(),
          t.weighted_ard(), s.read_count, s.sum_dist, s.min_dist,      s.max_dist,  s.size};
}

}  // namespace

TEST_CASE("clock dmc: a read past the 64-bit clock changes nothing", "[dmd][clock]") {
  clock_dmc t;
  t.write("x", max - 5);
  const auto x = t.buffer("x");
  const snapshot before = take(t, x);
  const std::string m = thrown_message<std::overflow_error>([&] { (void)t.read("x", 10); });
  CHECK(m.find("sutro::metrics::dmd::clock_dmc::read: the clock 18446744073709551610 + size 10") == 0);
  CHECK(take(t, x) == before);
  CHECK(t.clock() == max - 5);
  CHECK(t.reads() == 0);
  CHECK(t.floats_read() == 0);
  CHECK_THROWS_AS(t.read(x, 6), std::overflow_error);
  CHECK(take(t, x) == before);
  // The tracker goes on as if the failed reads never happened.
  CHECK(t.read(x, 5) == static_cast<std::int64_t>(max - 5));
  CHECK(t.clock() == max);
  CHECK(t.reads() == 1);
  CHECK(t.floats_read() == 5);
}

TEST_CASE("clock dmc: a write past the 64-bit clock changes nothing", "[dmd][clock]") {
  clock_dmc t;
  t.write("x", 10);
  (void)t.read("x", 4);
  t.write("y", max - 20);
  const auto x = t.buffer("x");
  const snapshot before = take(t, x);
  CHECK(thrown_message<std::overflow_error>([&] {
          t.write("x", 7);
        }).find("sutro::metrics::dmd::clock_dmc::write: the clock 18446744073709551609 + size 7") == 0);
  CHECK(take(t, x) == before);
  CHECK(t.writes() == 2);
  // The failed write moved nothing: y, written at 14, is read at max - 6.
  CHECK(t.read("y", 6) == static_cast<std::int64_t>(max - 20));
  CHECK(t.clock() == max);
  CHECK(t.stats(x).read_count == 1);
}

TEST_CASE("clock dmc: a failed call by name does not intern the name", "[dmd][clock]") {
  clock_dmc t;
  t.write("x", max);
  CHECK_THROWS_AS(t.read("new", 1), std::overflow_error);
  CHECK_THROWS_AS(t.write("other", 1), std::overflow_error);
  CHECK(t.buffers() == 1);
  CHECK(t.read("never written") == -1);  // size 0: cannot overflow, interned
  CHECK(t.buffers() == 2);
  CHECK(t.clock() == max);
}

TEST_CASE("clock dmc: a per-buffer distance sum past 64 bits is refused, changing nothing", "[dmd][clock]") {
  // Reads of size 0 do not move the clock, so one distance of 2^63 summed
  // twice overflows the buffer's sum_dist.
  clock_dmc t;
  t.write("x", 1);
  t.write("pad", (std::uint64_t{1} << 63) - 1);
  const auto x = t.buffer("x");
  (void)t.read(x, 0);
  const snapshot before = take(t, x);
  const std::string m = thrown_message<std::overflow_error>([&] { (void)t.read(x, 0); });
  CHECK(m.find("sutro::metrics::dmd::clock_dmc::read: the distance sum of buffer 'x'") == 0);
  CHECK(take(t, x) == before);
}
