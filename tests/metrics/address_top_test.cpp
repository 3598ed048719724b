// Byte ranges at the top of the address space: a range ending at the last
// address is recorded unit by unit (the last unit is the largest key, so a
// loop comparing k <= last never ends); a range passing it is refused before
// anything is counted.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/memory/trace.hpp"
#include "sutro/metrics/reuse_distance.hpp"

using sutro::metrics::cold_policy;
using sutro::metrics::granularity;
using sutro::metrics::reuse_distance;
using sutro::testing::thrown_message;

namespace {

constexpr std::uintptr_t top = std::numeric_limits<std::uintptr_t>::max();

const void* at(std::uintptr_t a) { return reinterpret_cast<const void*>(a); }

std::string hex(std::uintptr_t a) {
  std::ostringstream s;
  s << "0x" << std::hex << a;
  return s.str();
}

}  // namespace

TEST_CASE("reuse_distance: a byte range ending at the last address is recorded", "[metrics][top]") {
  reuse_distance byte({.unit = granularity::byte});
  byte.access_bytes(at(top), 1);
  CHECK(byte.accesses() == 1);
  CHECK(byte.cold_accesses() == 1);
  byte.access_bytes(at(top - 7), 8);  // 7 new bytes, then the last one again, under them
  CHECK(byte.accesses() == 9);
  CHECK(byte.cold_accesses() == 8);
  CHECK(byte.histogram().at(8) == 1);

  reuse_distance word({.unit = granularity::word});
  word.access_bytes(at(top - 8), 9);  // the last byte of one word, then the whole last word
  CHECK(word.accesses() == 2);
  word.access_bytes(at(top), 1);
  CHECK(word.accesses() == 3);
  CHECK(word.histogram().at(1) == 1);

  reuse_distance line({.unit = granularity::line});
  line.access_bytes(at(top - 63), 64);
  line.access_bytes(at(top - 63), 64);
  CHECK(line.accesses() == 2);
  CHECK(line.histogram().at(1) == 1);
}

TEST_CASE("reuse_distance: a byte range passing the last address is refused and not counted", "[metrics][top]") {
  for (granularity unit : {granularity::byte, granularity::word, granularity::line}) {
    reuse_distance rd({.unit = unit});
    const std::string m = thrown_message([&] { rd.access_bytes(at(top - 7), 16); });
    CHECK(m.find("sutro::metrics::reuse_distance::access_bytes: ") == 0);
    CHECK(m.find(hex(top - 7)) != std::string::npos);
    CHECK(m.find("16 bytes") != std::string::npos);
    CHECK_THROWS_AS(rd.access_bytes(at(top), 2), std::invalid_argument);
    CHECK_THROWS_AS(rd.access_bytes(at(2), std::numeric_limits<std::size_t>::max()), std::invalid_argument);
    CHECK(rd.accesses() == 0);
    CHECK(rd.distinct() == 0);
  }
  reuse_distance whole({.unit = granularity::line});
  whole.access_bytes(at(0), 64);  // the first address works as before
  CHECK(whole.accesses() == 1);
}

TEST_CASE("trace: records and preloads reach the last address, and refuse to pass it", "[metrics][trace][top]") {
  using sutro::memory::access_kind;
  using sutro::memory::trace;
  for (granularity unit : {granularity::byte, granularity::word, granularity::line}) {
    trace t({.unit = unit, .cold = cold_policy::preloaded, .keep_events = true});
    t.preload(at(top - 15), 16, 4);
    t.record(at(top - 3), 4, access_kind::read);
    t.enter_phase("end");
    t.record(at(top), 1, access_kind::write);
    CHECK(t.reads() == 1);
    CHECK(t.writes() == 1);
    CHECK(t.phases().at(0).accesses == 1);
    CHECK(t.distances().histogram().at(1) >= 1);  // the last unit, accessed twice in a row

    const std::string m = thrown_message([&] { t.record(at(top - 7), 16, access_kind::read); });
    CHECK(m.find("sutro::memory::trace::record: ") == 0);
    CHECK(m.find(hex(top - 7)) != std::string::npos);
    CHECK(m.find("16 bytes") != std::string::npos);
    CHECK(thrown_message([&] { t.preload(at(top), 2, 1); }).find("sutro::memory::trace::preload: ") == 0);
    CHECK(t.reads() == 1);  // the refused record is counted nowhere
    CHECK(t.phases().at(0).reads == 0);
    CHECK(t.events().size() == 2);
    CHECK(t.distances().accesses() == (unit == granularity::byte ? 4u : 1u) + 1u);
  }
  // Element granularity: a preload's elements are counted, so a huge element
  // size cannot wrap the offset.
  trace e({.unit = granularity::element, .cold = cold_policy::preloaded});
  e.preload(at(0), std::numeric_limits<std::size_t>::max(), (std::size_t{1} << 63) + 1);
  CHECK(e.distances().distinct() == 1);
  e.preload(at(top - 7), 8, 4);
  e.record(at(top - 3), 4, access_kind::read);
  CHECK(e.distances().histogram().at(1) == 1);
}
