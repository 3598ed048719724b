#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "support/catch.hpp"
#include "sutro/energy/rapl.hpp"
#include "sutro/memory/trace.hpp"
#include "sutro/metrics/energy_estimate.hpp"
#include "sutro/metrics/summary.hpp"

#if defined(SUTRO_CATCH2_V3)
using Catch::Approx;
#endif

namespace fs = std::filesystem;
using namespace sutro::energy;
using namespace sutro::metrics;

namespace {

struct fake_sysfs {
  fs::path root;
  fake_sysfs() {
    std::random_device rd;
    root = fs::temp_directory_path() / ("sutro_powercap_" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(root);
  }
  ~fake_sysfs() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
  void zone(const std::string& name, const std::string& label, std::uint64_t uj, std::uint64_t max) {
    fs::create_directories(root / name);
    write(name, "name", label);
    write(name, "energy_uj", std::to_string(uj));
    write(name, "max_energy_range_uj", std::to_string(max));
  }
  void write(const std::string& zone, const std::string& file, const std::string& text) {
    std::ofstream(root / zone / file) << text << "\n";
  }
};

}  // namespace

TEST_CASE("RAPL meter sums top-level zones and handles wraparound", "[energy]") {
  fake_sysfs sys;
  sys.zone("intel-rapl:0", "package-0", 1000, 10000);
  sys.zone("intel-rapl:0:0", "core", 700, 10000);
  sys.zone("intel-rapl:1", "package-1", 9000, 10000);
  fs::create_directories(sys.root / "intel-rapl");  // the control type: no energy_uj
  rapl_meter meter(sys.root);
  REQUIRE(meter.available());
  meter.start();
  sys.write("intel-rapl:0", "energy_uj", "3500");    // +2500 uJ
  sys.write("intel-rapl:0:0", "energy_uj", "1700");  // +1000 uJ (inside package 0)
  sys.write("intel-rapl:1", "energy_uj", "500");     // wrapped: 10000 - 9000 + 500 = 1500 uJ
  const auto r = meter.stop();
  REQUIRE(r.available);
  CHECK(r.source == "powercap/RAPL");
  REQUIRE(r.zones.size() == 3);
  CHECK(r.zones[0].name == "intel-rapl:0");
  CHECK(r.zones[0].label == "package-0");
  CHECK(r.zones[0].joules == Approx(2500e-6));
  CHECK(!r.zones[1].top_level);
  CHECK(r.zones[1].joules == Approx(1000e-6));
  CHECK(r.zones[2].wrapped);
  CHECK(r.zones[2].joules == Approx(1500e-6));
  CHECK(r.joules == Approx(4000e-6));  // subzone not double counted
}

TEST_CASE("RAPL meter says clearly when there is nothing to read", "[energy]") {
  fake_sysfs sys;
  rapl_meter none(sys.root / "does-not-exist");
  CHECK(!none.available());
  none.start();
  const auto r = none.stop();
  CHECK(!r.available);
  CHECK(r.message.find("no powercap/RAPL") != std::string::npos);
  CHECK(r.joules == 0);

  rapl_meter empty(sys.root);
  CHECK(!empty.available());
  CHECK(empty.reason().find("no powercap zone") != std::string::npos);

  sys.zone("intel-rapl:0", "package-0", 5, 100);
  sys.write("intel-rapl:0", "energy_uj", "not-a-number");  // as unreadable as a root-only file
  rapl_meter unreadable(sys.root);
  unreadable.start();
  const auto u = unreadable.stop();
  CHECK(!u.available);
  CHECK(u.message.find("cannot read") != std::string::npos);

  energy_result scoped;
  { scoped_energy s(scoped, sys.root / "nope"); }
  CHECK(!scoped.available);
  CHECK(!scoped.message.empty());
}

TEST_CASE("RAPL meter counts each package once: no -mmio twin, no psys beside packages", "[energy]") {
  fake_sysfs sys;
  sys.zone("intel-rapl:0", "package-0", 1000, 100000);
  sys.zone("intel-rapl:1", "psys", 1000, 100000);            // the platform: contains package-0
  sys.zone("intel-rapl-mmio:0", "package-0", 1000, 100000);  // the same counter, another interface
  rapl_meter meter(sys.root);
  REQUIRE(meter.available());
  meter.start();
  sys.write("intel-rapl:0", "energy_uj", "2000");
  sys.write("intel-rapl:1", "energy_uj", "3500");
  sys.write("intel-rapl-mmio:0", "energy_uj", "2000");
  const auto r = meter.stop();
  REQUIRE(r.available);
  REQUIRE(r.zones.size() == 3);
  CHECK(r.joules == Approx(1000e-6));  // package-0 alone, not + psys + its twin
  for (const auto& z : r.zones) CHECK(z.counted == (z.name == "intel-rapl:0"));

  fake_sysfs only_mmio;  // the twin alone is the package
  only_mmio.zone("intel-rapl-mmio:0", "package-0", 10, 100000);
  rapl_meter m2(only_mmio.root);
  m2.start();
  only_mmio.write("intel-rapl-mmio:0", "energy_uj", "30");
  CHECK(m2.stop().joules == Approx(20e-6));

  fake_sysfs only_psys;  // psys alone is counted
  only_psys.zone("intel-rapl:1", "psys", 10, 100000);
  rapl_meter m3(only_psys.root);
  m3.start();
  only_psys.write("intel-rapl:1", "energy_uj", "50");
  CHECK(m3.stop().joules == Approx(40e-6));
}

TEST_CASE("RAPL meter refuses a wrap it cannot undo and counts that are not counts", "[energy]") {
  fake_sysfs sys;
  sys.zone("intel-rapl:0", "package-0", 1000, 100000);
  std::filesystem::remove(sys.root / "intel-rapl:0" / "max_energy_range_uj");
  rapl_meter meter(sys.root);
  CHECK(meter.stop().message == "stop() before start(): nothing was measured");
  meter.start();
  sys.write("intel-rapl:0", "energy_uj", "500");  // went down, no range known: no delta to report
  auto r = meter.stop();
  CHECK(!r.available);
  CHECK(r.joules == 0);
  CHECK(r.message.find("went down (1000 to 500 uJ) and max_energy_range_uj is unreadable") != std::string::npos);

  sys.write("intel-rapl:0", "max_energy_range_uj", "800");  // below the start
  rapl_meter below(sys.root);
  sys.write("intel-rapl:0", "energy_uj", "1000");
  below.start();
  sys.write("intel-rapl:0", "energy_uj", "500");
  r = below.stop();
  CHECK(!r.available);
  CHECK(r.message.find("max_energy_range_uj is 800, below the start") != std::string::npos);

  sys.write("intel-rapl:0", "energy_uj", "-5");  // not a count (operator>> would read 2^64 - 5)
  below.start();
  CHECK(below.stop().message.find("cannot read a count") != std::string::npos);

  std::ofstream(sys.root / "plain-file") << "x";
  rapl_meter file_root(sys.root / "plain-file");
  CHECK(file_root.reason().find("is not a directory") != std::string::npos);
}

TEST_CASE("cost model maps a histogram onto tiers", "[energy]") {
  const auto h = hierarchy::pebble_game();
  CHECK(h.capacities_in_units() == std::vector<std::uint64_t>{64, 16384, 65536});
  // hist[d]: 10 at d = 1, 3 at d = 64, 2 at d = 65, 1 at d = 16384, 4 at d = 70000; 5 cold.
  std::vector<std::uint64_t> hist(70001, 0);
  hist[1] = 10, hist[64] = 3, hist[65] = 2, hist[16384] = 1, hist[70000] = 4;
  const auto e = h.apply(hist, 5);
  REQUIRE(e.tiers.size() == 4);
  CHECK(e.tiers[0].accesses == 13);
  CHECK(e.tiers[1].accesses == 3);
  CHECK(e.tiers[2].accesses == 0);
  CHECK(e.tiers[3].accesses == 9);
  CHECK(e.total_joules == Approx((13 * 5.0 + 3 * 20.0 + 9 * 640.0) * 1e-12));

  sutro::metrics::reuse_distance rd;
  for (int i = 0; i < 1000; ++i) rd.access(static_cast<std::uint64_t>(i % 100));
  const auto e2 = h.apply(rd);
  CHECK(e2.tiers[1].accesses == 900);  // distance 100 > 64 registers
  CHECK(e2.tiers[3].accesses == 100);  // cold
  CHECK_THROWS_AS(hierarchy({{"a", 10, 1.0}, {"b", 10, 2.0}}, 4), std::invalid_argument);
  CHECK_THROWS_AS(hierarchy({{"a", 10, 1.0}}, 4), std::invalid_argument);
  CHECK_THROWS_AS(hierarchy({{"a", hierarchy::unbounded, 1.0}}, 0), std::invalid_argument);
  const hierarchy custom({{"sram", 1024, 1.0}, {"dram", hierarchy::unbounded, 100.0}}, 1);
  CHECK(custom.apply(rd).tiers[0].accesses == 900);
}

TEST_CASE("summarize a trace: every metric named, energy at the trace's unit", "[energy]") {
  std::vector<double> x(1000, 1.0);
  sutro::memory::trace t({.unit = sutro::memory::granularity::word});
  for (int pass = 0; pass < 3; ++pass)
    for (auto& e : x) t.record(&e, sizeof e, sutro::memory::access_kind::read);
  const auto m = summarize(t, "test loop, words");
  CHECK(m.trace == "test loop, words");
  CHECK(m.unit_bytes == 8);
  CHECK(m.reads == 3000);
  CHECK(m.accesses == 3000);
  CHECK(m.cold == 1000);
  CHECK(m.mean_reuse_distance == Approx(1000));
  CHECK(m.mean_reuse_time == Approx(1000));
  CHECK(m.dmd == Approx(2000 * std::sqrt(1000.0)));
  // 1000 words = 8000 B: beyond 256 B of registers, inside 64 KiB L1.
  CHECK(m.energy.tiers[1].accesses == 2000);
  CHECK(m.energy.tiers[3].accesses == 1000);
}
