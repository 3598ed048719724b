#pragma once
// metrics::hierarchy: an estimate of data-movement energy from a reuse-distance
// histogram. Under LRU an access at distance d (in units of unit_bytes) is
// served by the first tier whose capacity holds d units; cold accesses and
// everything beyond the last bounded tier are served by the last tier.
//
//   sutro::metrics::reuse_distance rd;            // element granularity, floats
//   ... rd.access(k) ...
//   auto h = sutro::metrics::hierarchy::pebble_game();   // 5 / 20 / 100 / 640 pJ
//   auto e = h.apply(rd);
//   e.total_joules;  e.tiers[1].accesses;  e.tiers[1].joules;
//
// This is a proxy: the ground truth is measured energy (energy/rapl.hpp).

#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "sutro/config/number_text.hpp"
#include "sutro/metrics/reuse_distance.hpp"

namespace sutro::metrics {

struct tier {
  std::string name;
  std::uint64_t capacity_bytes;  ///< max() for the unbounded last tier
  double picojoules_per_access;
};

struct tier_estimate {
  std::string name;
  std::uint64_t accesses = 0;
  double joules = 0;
};
struct estimate {
  std::vector<tier_estimate> tiers;
  double total_joules = 0;
};

class hierarchy {
 public:
  static constexpr std::uint64_t unbounded = std::numeric_limits<std::uint64_t>::max();

  /// Tiers by increasing capacity, the last one unbounded; one access moves
  /// unit_bytes (the histogram's unit: 4 for a float at element granularity).
  hierarchy(std::vector<tier> tiers, std::uint64_t unit_bytes) : tiers_(std::move(tiers)), unit_(unit_bytes) {
    if (tiers_.empty()) throw std::invalid_argument("sutro::metrics::hierarchy: no tiers");
    if (unit_ == 0) throw std::invalid_argument("sutro::metrics::hierarchy: unit_bytes must be >= 1");
    for (std::size_t i = 0; i < tiers_.size(); ++i) {
      if (i && tiers_[i].capacity_bytes <= tiers_[i - 1].capacity_bytes)
        throw std::invalid_argument("sutro::metrics::hierarchy: tier '" + tiers_[i].name + "' (" +
                                    std::to_string(tiers_[i].capacity_bytes) + " B) is not larger than the one before");
      if (!(std::isfinite(tiers_[i].picojoules_per_access) && tiers_[i].picojoules_per_access >= 0))
        throw std::invalid_argument("sutro::metrics::hierarchy: tier '" + tiers_[i].name + "' has energy " +
                                    sutro::detail::number_text(tiers_[i].picojoules_per_access) +
                                    " pJ per access (needs a finite value >= 0)");
    }
    if (tiers_.back().capacity_bytes != unbounded)
      throw std::invalid_argument("sutro::metrics::hierarchy: the last tier ('" + tiers_.back().name +
                                  "') must be unbounded (hierarchy::unbounded)");
  }

  /// The group's pebble-game tiers, per float (4-byte) access: registers
  /// 5 pJ, L1 64 KiB 20 pJ, L2 256 KiB 100 pJ, HBM 640 pJ. The register file's
  /// size is not in the group's model; 64 floats (256 B) is sutro's default.
  [[nodiscard]] static hierarchy pebble_game(std::uint64_t register_bytes = 256) {
    return hierarchy({{"register", register_bytes, 5.0},
                      {"L1", 64 * 1024, 20.0},
                      {"L2", 256 * 1024, 100.0},
                      {"HBM", unbounded, 640.0}},
                     4);
  }

  /// The same tiers for a histogram whose unit is `unit_bytes` (e.g. 8 for a
  /// word-granularity trace). Energy stays per access: a coarser unit is
  /// fewer, larger accesses, priced at the tier's per-access energy.
  [[nodiscard]] hierarchy with_unit(std::uint64_t unit_bytes) const { return hierarchy(tiers_, unit_bytes); }

  [[nodiscard]] const std::vector<tier>& tiers() const noexcept { return tiers_; }
  [[nodiscard]] std::uint64_t unit_bytes() const noexcept { return unit_; }

  /// Capacities in histogram units (bytes / unit_bytes, rounded down).
  [[nodiscard]] std::vector<std::uint64_t> capacities_in_units() const {
    std::vector<std::uint64_t> c;
    for (std::size_t i = 0; i + 1 < tiers_.size(); ++i) c.push_back(tiers_[i].capacity_bytes / unit_);
    return c;
  }

  /// Estimate from a histogram (hist[d] = accesses at distance d) plus cold accesses.
  [[nodiscard]] estimate apply(const std::vector<std::uint64_t>& hist, std::uint64_t cold) const {
    const auto caps = capacities_in_units();
    estimate e;
    for (const auto& t : tiers_) e.tiers.push_back({t.name, 0, 0.0});
    std::size_t t = 0;
    for (std::size_t d = 1; d < hist.size(); ++d) {
      while (t < caps.size() && d > caps[t]) ++t;
      e.tiers[t].accesses += hist[d];
    }
    e.tiers.back().accesses += cold;
    for (std::size_t i = 0; i < tiers_.size(); ++i) {
      e.tiers[i].joules = double(e.tiers[i].accesses) * tiers_[i].picojoules_per_access * 1e-12;
      e.total_joules += e.tiers[i].joules;
    }
    return e;
  }
  [[nodiscard]] estimate apply(const metrics::reuse_distance& rd) const {
    return apply(rd.histogram(), rd.cold_accesses());
  }

 private:
  std::vector<tier> tiers_;
  std::uint64_t unit_;
};

}  // namespace sutro::metrics
