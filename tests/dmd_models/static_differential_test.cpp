// Differential suite: random programs in the sutro-problems challenge's two
// instruction sets (tests/dmd_models/data/static_differential.txt, made by
// scripts/static_address_differential.py from the challenge's own scorers)
// are parsed, priced and run by sutro::metrics::dmd; the cost and the outputs must be
// the scorer's, and a program the scorer refuses must be refused.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/metrics/dmd/static_address.hpp"

#ifndef SUTRO_DMD_MODELS_DATA_DIR
#define SUTRO_DMD_MODELS_DATA_DIR ""
#endif

namespace {
struct program {
  int id = -1;
  sutro::metrics::dmd::ir_dialect dialect = sutro::metrics::dmd::ir_dialect::v0;
  std::string text;
  std::vector<std::int64_t> inputs, outputs;
  bool refused = false;
  std::uint64_t cost = 0;
};

std::vector<program> load() {
  std::filesystem::path path = std::string(SUTRO_DMD_MODELS_DATA_DIR).empty()
                                   ? std::filesystem::path(__FILE__).parent_path() / "data"
                                   : std::filesystem::path(SUTRO_DMD_MODELS_DATA_DIR);
  path /= "static_differential.txt";
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::vector<program> all;
  program p;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto sp = line.find(' ');
    const std::string key = line.substr(0, sp), rest = sp == std::string::npos ? "" : line.substr(sp + 1);
    std::istringstream is(rest);
    if (key == "case") {
      p = program{};
      std::string d;
      is >> p.id >> d;
      p.dialect = d == "v3" ? sutro::metrics::dmd::ir_dialect::v3 : sutro::metrics::dmd::ir_dialect::v0;
    } else if (key == "ir") {
      p.text = rest;
    } else if (key == "inputs") {
      for (std::int64_t v; is >> v;) p.inputs.push_back(v);
    } else if (key == "outputs") {
      for (std::int64_t v; is >> v;) p.outputs.push_back(v);
    } else if (key == "cost") {
      if (rest == "refused")
        p.refused = true;
      else
        p.cost = std::stoull(rest);
    } else if (key == "end") {
      all.push_back(p);
    } else {
      throw std::runtime_error("unknown line: " + line);
    }
  }
  return all;
}
}  // namespace

TEST_CASE("static address: every program of the differential suite as the challenge's scorers price and run it",
          "[dmd][static_address][differential]") {
  const auto all = load();
  REQUIRE(all.size() >= 500);
  std::size_t agree = 0, refused = 0;
  for (const auto& p : all) {
    INFO("case " << p.id << ": " << p.text);
    if (p.refused) {
      ++refused;
      bool threw = false;
      try {
        const auto prog = sutro::metrics::dmd::parse_static(p.text, p.dialect);
        (void)sutro::metrics::dmd::run_static(prog, p.inputs);
      } catch (const std::exception&) {
        threw = true;
      }
      CHECK(threw);
      agree += threw;
      continue;
    }
    const auto prog = sutro::metrics::dmd::parse_static(p.text, p.dialect);
    CHECK(prog.cost == p.cost);
    CHECK(sutro::metrics::dmd::static_cost(p.text, p.dialect) == p.cost);
    const auto out = sutro::metrics::dmd::run_static(prog, p.inputs);
    CHECK(out == p.outputs);
    agree += prog.cost == p.cost && out == p.outputs;
  }
  CHECK(agree == all.size());
  CHECK(refused > 0);
}
