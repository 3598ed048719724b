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
// Zones: every directory under root with an energy_uj file, all listed.
// joules sums the top-level zones (one ':' in the name, e.g. intel-rapl:0 = a
// package) once per label: intel-rapl-mmio:0 reads the same package-0
// counter as intel-rapl:0 and is counted only where that one is missing, and
// psys (the platform, which contains the packages) only where it is the one
// top-level zone. Subzones (intel-rapl:0:0 = cores of package 0) are inside
// their parent's energy. A counter that went down between start and stop
// wrapped once at max_energy_range_uj: delta = (max - start) + stop; where
// that range is unknown or below the start the result is unavailable. More
// than one wrap between two reads cannot be seen; the range is hundreds of kJ
// on current parts.

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
  bool counted = false;  ///< part of energy_result::joules
};

/// A measurement, or the reason there is none (available == false).
struct energy_result {
  bool available = false;
  std::string source;   ///< "powercap/RAPL", "NVML", ...
  std::string message;  ///< why not available, or notes
  double seconds = 0;
  double joules = 0;  ///< sum over the counted zones (zone_energy::counted)
  std::vector<zone_energy> zones;
};

namespace detail {
/// The unsigned decimal a sysfs file holds; none for anything else ("-5"
/// would read as 2^64 - 5 through operator>>).
inline std::optional<std::uint64_t> read_u64(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string text;
  if (!(in >> text) || text.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (v > (UINT64_MAX - digit) / 10) return std::nullopt;
    v = v * 10 + digit;
  }
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
    started_ = true;
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
    if (!started_) {
      r.message = "stop() before start(): nothing was measured";
      return r;
    }
    const auto fail = [&r](std::string why) {
      r.message = std::move(why);
      r.zones.clear();
      r.joules = 0;
      return r;
    };
    for (const auto& z : zones_) {
      const auto end = detail::read_u64(z.dir / "energy_uj");
      if (!z.start || !end)
        return fail("cannot read a count from " + (z.dir / "energy_uj").string() +
                    " (permission? energy_uj is root-only on many kernels)");
      zone_energy e{z.dir.filename().string(), z.label, z.top_level, 0.0, false, z.counted};
      std::uint64_t delta;
      if (*end >= *z.start) {
        delta = *end - *z.start;
      } else {
        if (!z.max_range || *z.start > *z.max_range)
          return fail("the counter " + (z.dir / "energy_uj").string() + " went down (" + std::to_string(*z.start) +
                      " to " + std::to_string(*end) + " uJ) and max_energy_range_uj is " +
                      (z.max_range ? std::to_string(*z.max_range) + ", below the start" : std::string("unreadable")) +
                      ": the wrap cannot be undone");
        delta = (*z.max_range - *z.start) + *end;
        e.wrapped = true;
      }
      e.joules = double(delta) * 1e-6;
      if (e.counted) r.joules += e.joules;
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
    std::optional<std::uint64_t> max_range;
    std::optional<std::uint64_t> start;
    bool counted = false;
  };
  void discover() {
    std::error_code ec;
    if (!std::filesystem::is_directory(root_, ec)) {
      reason_ = "no powercap/RAPL on this machine (" + root_.string() +
                (std::filesystem::exists(root_, ec) ? " is not a directory)" : " does not exist)");
      return;
    }
    for (const auto& entry : std::filesystem::directory_iterator(root_, ec)) {
      const auto dir = entry.path();
      if (!std::filesystem::exists(dir / "energy_uj", ec)) continue;
      const std::string name = dir.filename().string();
      const auto colons = std::count(name.begin(), name.end(), ':');
      const auto max = detail::read_u64(dir / "max_energy_range_uj");
      zones_.push_back({dir, detail::read_line(dir / "name"), colons == 1, max, std::nullopt});
    }
    std::sort(zones_.begin(), zones_.end(), [](const zone& a, const zone& b) { return a.dir < b.dir; });
    choose_counted();
    if (zones_.empty())
      reason_ = "no powercap zone with energy_uj under " + root_.string();
    else if (std::none_of(zones_.begin(), zones_.end(), [](const zone& z) { return z.top_level; }))
      reason_ = "powercap zones under " + root_.string() + " have no top-level (package) zone";
  }

  // Each top-level label once, intel-rapl:N before its -mmio twin; psys
  // only alone (it contains the packages).
  void choose_counted() {
    std::vector<std::string> seen;
    const auto mmio = [](const zone& z) { return z.dir.filename().string().find("-mmio") != std::string::npos; };
    for (const bool pass_mmio : {false, true})
      for (auto& z : zones_)
        if (z.top_level && z.label != "psys" && mmio(z) == pass_mmio &&
            std::find(seen.begin(), seen.end(), z.label) == seen.end()) {
          z.counted = true;
          seen.push_back(z.label);
        }
    if (seen.empty())
      for (auto& z : zones_)
        if (z.top_level && z.label == "psys") {
          z.counted = true;
          break;
        }
  }

  std::filesystem::path root_;
  std::string reason_;
  std::vector<zone> zones_;
  bool started_ = false;
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
