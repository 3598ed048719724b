#pragma once
// energy::rapl_meter: measured CPU energy from Linux powercap/RAPL counters
// (<root>/<zone>/energy_uj), with counter wraparound handled. Where the
// counters are absent or unreadable the result says so instead of reporting 0.
//
//   sutro::energy::rapl_meter meter;           // root defaults to /sys/class/powercap
//   meter.start();
//   run_experiment();
//   auto r = meter.stop();
//   if (r.available) std::printf("%.3f J in %.3f s\n", r.joules, r.seconds);
//   else std::printf("no energy measurement: %s\n", r.message.c_str());
//
// Zones: every directory under root with an energy_uj file. Top-level zones
// (one ':' in the name, e.g. intel-rapl:0 = a package) are summed into
// joules; subzones (intel-rapl:0:0 = cores of package 0) are listed but not
// added, since their energy is already inside their parent's. A counter that
// went down between start and stop wrapped once at max_energy_range_uj:
// delta = (max - start) + stop. More than one wrap between two reads cannot
// be seen; the range is hundreds of kJ on current parts.

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

namespace sutro::energy {

struct zone_energy {
  std::string name;   ///< directory name, e.g. intel-rapl:0
  std::string label;  ///< contents of its name file, e.g. package-0
  bool top_level = false;
  double joules = 0;
  bool wrapped = false;
};

/// A measurement, or the reason there is none (available == false).
struct energy_result {
  bool available = false;
  std::string source;   ///< "powercap/RAPL", "NVML", ...
  std::string message;  ///< why not available, or notes
  double seconds = 0;
  double joules = 0;  ///< sum over top-level zones
  std::vector<zone_energy> zones;
};

namespace detail {
inline std::optional<std::uint64_t> read_u64(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::uint64_t v = 0;
  if (!(in >> v)) return std::nullopt;
  return v;
}
inline std::string read_line(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string s;
  std::getline(in, s);
  return s;
}
}  // namespace detail

class rapl_meter {
 public:
  explicit rapl_meter(std::filesystem::path root = "/sys/class/powercap") : root_(std::move(root)) { discover(); }

  [[nodiscard]] bool available() const noexcept { return reason_.empty(); }
  /// Empty when available; otherwise what is missing.
  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

  void start() {
    t0_ = std::chrono::steady_clock::now();
    for (auto& z : zones_) z.start = detail::read_u64(z.dir / "energy_uj");
  }

  [[nodiscard]] energy_result stop() const {
    energy_result r;
    r.source = "powercap/RAPL";
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    if (!available()) {
      r.message = reason_;
      return r;
    }
    for (const auto& z : zones_) {
      const auto end = detail::read_u64(z.dir / "energy_uj");
      if (!z.start || !end) {
        r.message =
            "cannot read " + (z.dir / "energy_uj").string() + " (permission? energy_uj is root-only on many kernels)";
        r.zones.clear();
        r.joules = 0;
        return r;
      }
      zone_energy e{z.dir.filename().string(), z.label, z.top_level, 0.0, false};
      std::uint64_t delta;
      if (*end >= *z.start) {
        delta = *end - *z.start;
      } else {
        delta = (z.max_range - *z.start) + *end;
        e.wrapped = true;
      }
      e.joules = double(delta) * 1e-6;
      if (e.top_level) r.joules += e.joules;
      r.zones.push_back(e);
    }
    r.available = true;
    return r;
  }

 private:
  struct zone {
    std::filesystem::path dir;
    std::string label;
    bool top_level;
    std::uint64_t max_range;
    std::optional<std::uint64_t> start;
  };
  void discover() {
    std::error_code ec;
    if (!std::filesystem::is_directory(root_, ec)) {
      reason_ = "no powercap/RAPL on this machine (" + root_.string() + " does not exist)";
      return;
    }
    for (const auto& entry : std::filesystem::directory_iterator(root_, ec)) {
      const auto dir = entry.path();
      if (!std::filesystem::exists(dir / "energy_uj", ec)) continue;
      const std::string name = dir.filename().string();
      const auto colons = std::count(name.begin(), name.end(), ':');
      const auto max = detail::read_u64(dir / "max_energy_range_uj");
      zones_.push_back({dir, detail::read_line(dir / "name"), colons == 1, max.value_or(0), std::nullopt});
    }
    std::sort(zones_.begin(), zones_.end(), [](const zone& a, const zone& b) { return a.dir < b.dir; });
    if (zones_.empty())
      reason_ = "no powercap zone with energy_uj under " + root_.string();
    else if (std::none_of(zones_.begin(), zones_.end(), [](const zone& z) { return z.top_level; }))
      reason_ = "powercap zones under " + root_.string() + " have no top-level (package) zone";
  }

  std::filesystem::path root_;
  std::string reason_;
  std::vector<zone> zones_;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
};

/// RAII: measures the enclosing scope into `out`.
class scoped_energy {
 public:
  explicit scoped_energy(energy_result& out, std::filesystem::path root = "/sys/class/powercap")
      : out_(out), meter_(std::move(root)) {
    meter_.start();
  }
  scoped_energy(const scoped_energy&) = delete;
  scoped_energy& operator=(const scoped_energy&) = delete;
  ~scoped_energy() { out_ = meter_.stop(); }

 private:
  energy_result& out_;
  rapl_meter meter_;
};

}  // namespace sutro::energy
