// Differential suite: random sequences of buffer writes and reads
// (tests/dmd_models/data/clock_differential.txt, made by
// scripts/clock_dmc_differential.py from the challenge's own MemTracker) are
// replayed through sutro::metrics::dmd::clock_dmc; the clock, the counts, the weighted
// ARD, the DMC (bit for bit, summed as the generating Python's sum()) and
// every buffer's read statistics must be MemTracker's.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

#include "support/catch.hpp"
#include "sutro/metrics/dmd/clock_dmc.hpp"

#ifndef SUTRO_DMD_MODELS_DATA_DIR
#define SUTRO_DMD_MODELS_DATA_DIR ""
#endif

namespace {
struct event {
  bool write;
  std::string name;
  bool sized;
  std::uint64_t size;
};
struct buffer_stats {
  std::uint64_t count, min, max;
  double mean;
};
struct sequence {
  int id = -1;
  std::vector<event> events;
  std::uint64_t clock = 0, reads = 0, writes = 0, floats = 0;
  double ard = 0, dmc = 0;
  std::map<std::string, buffer_stats> buffers;
};

std::pair<bool, std::vector<sequence>> load(const std::string& file) {
  std::filesystem::path path = std::string(SUTRO_DMD_MODELS_DATA_DIR).empty()
                                   ? std::filesystem::path(__FILE__).parent_path() / "data"
                                   : std::filesystem::path(SUTRO_DMD_MODELS_DATA_DIR);
  path /= file;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  bool compensated = false;
  std::vector<sequence> all;
  sequence s;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream is(line);
    std::string key;
    is >> key;
    if (key == "sum") {
      std::string how;
      is >> how;
      compensated = how == "compensated";
    } else if (key == "case") {
      s = sequence{};
      is >> s.id;
    } else if (key == "w" || key == "r") {
      event e{key == "w", {}, false, 0};
      is >> e.name;
      e.sized = static_cast<bool>(is >> e.size);
      s.events.push_back(e);
    } else if (key == "clock") {
      is >> s.clock;
    } else if (key == "reads") {
      is >> s.reads;
    } else if (key == "writes") {
      is >> s.writes;
    } else if (key == "floats") {
      is >> s.floats;
    } else if (key == "ard" || key == "dmc") {
      std::string x;
      is >> x;
      (key == "ard" ? s.ard : s.dmc) = std::stod(x);
    } else if (key == "buffer") {
      std::string name, mean;
      buffer_stats b{};
      is >> name >> b.count >> b.min >> b.max >> mean;
      b.mean = std::stod(mean);
      s.buffers[name] = b;
    } else if (key == "end") {
      all.push_back(s);
    } else {
      throw std::runtime_error("unknown line: " + line);
    }
  }
  return {compensated, all};
}
void check_suite(const std::string& file) {
  const auto [compensated, all] = load(file);
  REQUIRE(all.size() >= 500);
  std::size_t agree = 0;
  for (const auto& s : all) {
    INFO("case " << s.id);
    sutro::metrics::dmd::clock_dmc t;
    for (const auto& e : s.events) {
      if (e.write)
        t.write(e.name, e.size);
      else if (e.sized)
        (void)t.read(e.name, e.size);
      else
        (void)t.read(e.name);
    }
    const double dmc = compensated ? t.dmc() : t.dmc_plain();
    CHECK(t.clock() == s.clock);
    CHECK(t.reads() == s.reads);
    CHECK(t.writes() == s.writes);
    CHECK(t.floats_read() == s.floats);
    CHECK(t.weighted_ard() == s.ard);
    CHECK(dmc == s.dmc);
    bool same = t.clock() == s.clock && t.reads() == s.reads && t.weighted_ard() == s.ard && dmc == s.dmc;
    std::size_t priced_buffers = 0;
    for (sutro::metrics::dmd::clock_dmc::buffer_id b = 0; b < t.buffers(); ++b) {
      const auto& st = t.stats(b);
      if (st.read_count == 0) continue;
      ++priced_buffers;
      INFO("buffer " << t.name(b));
      const auto it = s.buffers.find(t.name(b));
      REQUIRE(it != s.buffers.end());
      CHECK(st.read_count == it->second.count);
      CHECK(st.min_dist == it->second.min);
      CHECK(st.max_dist == it->second.max);
      CHECK(static_cast<double>(st.sum_dist) / static_cast<double>(st.read_count) == it->second.mean);
      same = same && st.read_count == it->second.count && st.min_dist == it->second.min;
    }
    CHECK(priced_buffers == s.buffers.size());
    agree += same && priced_buffers == s.buffers.size();
  }
  CHECK(agree == all.size());
}
}  // namespace

TEST_CASE("clock DMC: every sequence of the differential suites as the challenge's MemTracker summarizes it",
          "[dmd][clock_dmc][differential]") {
  SECTION("made by Python 3.11 (left-to-right sum, dmc_plain)") { check_suite("clock_differential.txt"); }
  SECTION("made by Python 3.12 (compensated sum, dmc), as the challenge's CI") {
    check_suite("clock_differential_py312.txt");
  }
}
