// memory::trace phases split a run's counts without changing them: the
// phases' totals add up to the trace's own, access for access.

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/memory/access_policy.hpp"
#include "sutro/memory/trace.hpp"

using namespace sutro;

namespace {

struct totals {
  std::uint64_t reads = 0, writes = 0, accesses = 0;
  double dmd = 0;
};

totals sum_phases(const memory::trace& t) {
  totals s;
  for (const auto& ph : t.phases()) {
    s.reads += ph.reads;
    s.writes += ph.writes;
    s.accesses += ph.accesses;
    s.dmd += ph.dmd;
  }
  return s;
}

// The same random accesses into two traces, one of them split into phases.
void replay(memory::trace& plain, memory::trace& phased, std::uint64_t seed, std::size_t count, bool phase_first) {
  std::vector<std::uint32_t> buffer(300);
  std::mt19937_64 rng(seed);
  const char* names[] = {"forward", "backward", "update"};
  if (phase_first) phased.enter_phase("forward");
  for (std::size_t i = 0; i < count; ++i) {
    if (i % 97 == 0 && (phase_first || i > 0)) phased.enter_phase(names[rng() % 3]);
    const std::size_t at = rng() % buffer.size();
    const std::size_t bytes = 4 * (1 + rng() % 3) * (at + 3 <= buffer.size() ? 1 : 0) + 4;
    const auto kind = rng() % 3 == 0 ? memory::access_kind::write : memory::access_kind::read;
    plain.record(&buffer[at], bytes, kind);
    phased.record(&buffer[at], bytes, kind);
  }
}

}  // namespace

TEST_CASE("trace phases add up to the trace's own totals", "[metrics][trace]") {
  for (const auto unit : {memory::granularity::element, memory::granularity::word, memory::granularity::line})
    for (const bool count_writes : {true, false}) {
      const memory::trace_options o{.unit = unit, .count_writes = count_writes, .keep_events = true};
      memory::trace plain(o), phased(o);
      replay(plain, phased, 7 + static_cast<std::uint64_t>(unit), 5000, true);

      CHECK(phased.reads() == plain.reads());
      CHECK(phased.writes() == plain.writes());
      CHECK(phased.events().size() == plain.events().size());
      CHECK(phased.distances().histogram() == plain.distances().histogram());
      REQUIRE(phased.phases().size() == 3);
      CHECK(phased.phases()[0].name == "forward");

      const totals s = sum_phases(phased);
      CHECK(s.reads == plain.reads());
      CHECK(s.writes == plain.writes());
      CHECK(s.accesses == plain.distances().accesses());
      CHECK(s.dmd == Approx(plain.distances().dmd()).epsilon(1e-12));
    }
}

TEST_CASE("accesses before the first phase belong to no phase", "[metrics][trace]") {
  memory::trace t({.unit = memory::granularity::element});
  std::uint32_t a = 0, b = 0;
  t.record(&a, 4, memory::access_kind::read);
  t.record(&b, 4, memory::access_kind::read);
  t.enter_phase("update");
  t.record(&a, 4, memory::access_kind::read);   // distance 2
  t.record(&a, 4, memory::access_kind::write);  // distance 1
  t.enter_phase("evaluation");
  t.record(&b, 4, memory::access_kind::read);  // distance 2
  t.enter_phase("update");                     // re-entered: same totals grow
  t.record(&b, 4, memory::access_kind::read);  // distance 1

  REQUIRE(t.phases().size() == 2);
  const auto& update = t.phases()[0];
  const auto& evaluation = t.phases()[1];
  CHECK(update.name == "update");
  CHECK(update.reads == 2);
  CHECK(update.writes == 1);
  CHECK(update.accesses == 3);
  CHECK(update.dmd == Approx(std::sqrt(2.0) + 1.0 + 1.0));
  CHECK(evaluation.reads == 1);
  CHECK(evaluation.accesses == 1);
  CHECK(evaluation.dmd == Approx(std::sqrt(2.0)));
  CHECK(t.reads() == 5);
}

TEST_CASE("enter_phase is free under raw_access and marks the trace when recording", "[metrics][trace]") {
  memory::enter_phase(memory::raw_access{}, "forward");
  memory::trace t;
  memory::enter_phase(memory::recording_access{&t}, "forward");
  std::uint32_t x = 0;
  const auto h = memory::recording_access{&t}(&x);
  x = h[0];
  REQUIRE(t.phases().size() == 1);
  CHECK(t.phases()[0].reads == 1);
}

TEST_CASE("trace::preload refuses a zero element size instead of looping forever", "[metrics]") {
  memory::trace t({.unit = memory::granularity::element});
  int x[4] = {};
  CHECK(testing::thrown_message([&] {
          t.preload(x, sizeof x, 0);
        }).find("sutro::memory::trace::preload: element_bytes 0 for 16 bytes") == 0);
  CHECK(testing::thrown_message([&] { t.preload(x, 0, 0); }).find("element_bytes 0 for 0 bytes") != std::string::npos);
  t.preload(x, sizeof x, sizeof(int));
  CHECK(t.reads() == 0);
}

TEST_CASE("trace events keep sizes of 4 GiB and more", "[metrics][trace]") {
  memory::trace t({.unit = memory::granularity::element, .keep_events = true});
  const std::size_t huge = (std::size_t{1} << 32) + 5;  // element granularity: one key, no loop over the range
  static char x = 0;
  t.record(&x, huge, memory::access_kind::read);
  REQUIRE(t.events().size() == 1);
  CHECK(t.events()[0].bytes == huge);
}

TEST_CASE("a record refused under cold_policy::preloaded is counted nowhere", "[metrics][trace]") {
  using memory::access_kind;
  using memory::granularity;
  alignas(64) float x[32] = {};
  for (granularity unit : {granularity::element, granularity::byte, granularity::word, granularity::line})
    for (bool in_phase : {false, true}) {
      memory::trace t({.unit = unit, .cold = memory::cold_policy::preloaded, .keep_events = true});
      t.preload(x, 8 * sizeof(float), sizeof(float));  // x[0..7]
      if (in_phase) t.enter_phase("p");
      t.record(&x[0], sizeof(float), access_kind::read);
      // Its first units are preloaded, the later ones are not (a line holds
      // x[0..15]; an element is keyed by its start alone).
      float* const from = unit == granularity::element ? &x[8] : unit == granularity::line ? &x[12] : &x[4];
      const std::uint64_t units = unit == granularity::byte ? 4 : 1;  // of the accepted record
      const std::string m = testing::thrown_message([&] { t.record(from, 8 * sizeof(float), access_kind::read); });
      CHECK(m.rfind("sutro::memory::trace::record: read of 32 bytes at 0x", 0) == 0);
      CHECK(m.find("never preloaded") != std::string::npos);
      CHECK(testing::thrown_message([&] {
              t.record(&x[20], sizeof(float), access_kind::write);
            }).find("never preloaded") != std::string::npos);
      CHECK(t.reads() == 1);
      CHECK(t.writes() == 0);
      CHECK(t.events().size() == 1);
      CHECK(t.distances().accesses() == units);
      CHECK(t.distances().cold_accesses() == 0);
      if (in_phase) {
        CHECK(t.phases().at(0).reads == 1);
        CHECK(t.phases().at(0).accesses == units);
      }
      // Uncounted writes never reach the engine, so nothing refuses them.
      memory::trace w({.unit = unit, .cold = memory::cold_policy::preloaded, .count_writes = false});
      w.record(&x[20], sizeof(float), access_kind::write);
      CHECK(w.writes() == 1);
    }
}

TEST_CASE("trace: max_events refuses the access past the limit before counting any of it", "[metrics][trace]") {
  std::vector<std::uint64_t> buffer(16);
  for (bool phased : {false, true}) {
    INFO("phased " << phased);
    memory::trace t({.unit = memory::granularity::word, .keep_events = true, .max_events = 5});
    if (phased) t.enter_phase("search");
    for (std::size_t i = 0; i < 5; ++i) t.record(&buffer[i], 8, memory::access_kind::read);
    const auto reads = t.reads();
    const auto msg = testing::thrown_message<memory::trace_limit_error>(
        [&] { t.record(&buffer[5], 8, memory::access_kind::write); });
    CHECK(msg == "sutro::memory::trace::record: 5 events kept, the limit (trace_options::max_events = 5)");
    CHECK(t.events().size() == 5);
    CHECK(t.reads() == reads);
    CHECK(t.writes() == 0);
    CHECK(t.distances().accesses() == 5);
  }
  // No limit without kept events, and 0 is no limit.
  memory::trace counts_only({.unit = memory::granularity::word, .keep_events = false, .max_events = 1});
  memory::trace unlimited({.unit = memory::granularity::word, .keep_events = true, .max_events = 0});
  for (std::size_t i = 0; i < 16; ++i) {
    counts_only.record(&buffer[i], 8, memory::access_kind::read);
    unlimited.record(&buffer[i], 8, memory::access_kind::read);
  }
  CHECK(counts_only.reads() == 16);
  CHECK(unlimited.events().size() == 16);
}
