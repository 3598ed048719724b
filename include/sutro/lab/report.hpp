#pragma once
// A lab report as a readable table or as JSON.
//
//   sutro::lab::print_table(std::cout, rep);      // one row per (task, method)
//   std::string json = sutro::lab::to_json(rep);  // summaries and every run
//
// A quantity that was not measured prints "n/m" and is null in JSON: the
// allocation columns of a method that does not declare its allocations go
// through sutro's allocators (method::allocations_accounted), ByteDMD-tr of a
// trace that kept no events.
//
// A method that does not apply to a task (lab::method::declines) was not run:
// its row says "does not apply", with no numbers and no pass/fail, and the
// footer gives the reason; in JSON it has "applies": false, "not_applicable"
// the reason, and null for every number and for pass.

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "sutro/lab/experiment.hpp"

namespace sutro::lab {

namespace detail {
/// printf into a string of the length the text needs: a long task or method
/// name widens its row instead of losing the numbers and the newline to a
/// fixed buffer.
inline std::string formatted(const char* format, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
inline std::string formatted(const char* format, ...) {
  std::va_list args, again;
  va_start(args, format);
  va_copy(again, args);
  const int size = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::string out;
  if (size > 0) {
    out.resize(static_cast<std::size_t>(size));
    std::vsnprintf(out.data(), out.size() + 1, format, again);  // the terminator lands on out[size()]
  }
  va_end(again);
  return out;
}
}  // namespace detail

[[nodiscard]] inline std::string format_time(double s) {
  if (s < 1e-3) return detail::formatted("%.2f us", s * 1e6);
  if (s < 1) return detail::formatted("%.2f ms", s * 1e3);
  return detail::formatted("%.2f s", s);
}
[[nodiscard]] inline std::string format_bytes(std::uint64_t b) {
  if (b < 10000) return detail::formatted("%llu B", static_cast<unsigned long long>(b));
  if (b < 10000000) return detail::formatted("%.1f KiB", static_cast<double>(b) / 1024);
  return detail::formatted("%.1f MiB", static_cast<double>(b) / 1048576);
}

/// A count in 4 significant characters (k, M, G).
[[nodiscard]] inline std::string format_count(double v) {
  if (v < 1e4) return detail::formatted("%.0f", v);
  if (v < 1e7) return detail::formatted("%.1fk", v / 1e3);
  if (v < 1e10) return detail::formatted("%.1fM", v / 1e6);
  return detail::formatted("%.1fG", v / 1e9);
}
[[nodiscard]] inline std::string format_energy(double j) {
  if (j < 1e-6) return detail::formatted("%.1f nJ", j * 1e9);
  if (j < 1e-3) return detail::formatted("%.1f uJ", j * 1e6);
  return detail::formatted("%.2f mJ", j * 1e3);
}

/// One row per (task, method); the data-movement columns come from each
/// method's traced run (median over seeds), and the footer names each trace.
/// Columns are padded to their widths; a longer value widens its row, never cut.
inline void print_table(std::ostream& os, const report& r) {
  os << detail::formatted("%-28s %-18s %8s %9s %11s %8s %12s %11s %5s %8s %9s %10s %9s\n", "task", "method", "secret",
                          "test acc", "time (med)", "samples", "sutro alloc", "sutro peak", "pass", "mean RD", "DMD",
                          "ByteDMD-tr", "energy");
  os << std::string(158, '-') << '\n';
  bool unmeasured = false;
  bool untraced = false;
  // The methods that do not apply, for the footer: a reason shared by several is said once.
  struct declined_line {
    std::string task, reason, methods;
  };
  std::vector<declined_line> declined;
  for (const auto& s : r.summaries) {
    if (!s.applies()) {
      os << detail::formatted("%-28s %-18s ", s.task.c_str(), s.method.c_str())
         << "  does not apply: not run, nothing measured (reason below)\n";
      auto it = std::find_if(declined.begin(), declined.end(),
                             [&](const auto& d) { return d.task == s.task && d.reason == *s.not_applicable; });
      if (it == declined.end())
        declined.push_back({s.task, *s.not_applicable, s.method});
      else
        it->methods += ", " + s.method;
      continue;
    }
    const std::string found = std::to_string(s.found) + "/" + std::to_string(s.runs);
    std::string movement;
    if (s.data_movement.empty()) {
      movement = "  (no traced run)";
      untraced = true;
    } else {
      auto get = [&](const char* k) {
        const auto it = s.data_movement.find(k);
        return it == s.data_movement.end() ? 0.0 : it->second;
      };
      const bool has_bytedmd = s.data_movement.count("bytedmd_trace") != 0;
      unmeasured = unmeasured || !has_bytedmd;
      movement = detail::formatted(" %8.1f %9s %10s %9s", get("mean_reuse_distance"), format_count(get("dmd")).c_str(),
                                   has_bytedmd ? format_count(get("bytedmd_trace")).c_str() : "n/m",
                                   format_energy(get("energy_j")).c_str());
    }
    unmeasured = unmeasured || !s.allocations_measured;
    os << detail::formatted("%-28s %-18s %8s %8.1f%% %11s %8.0f %12s %11s %5s%s\n", s.task.c_str(), s.method.c_str(),
                            found.c_str(), 100 * s.mean_accuracy, format_time(s.median_time_s).c_str(),
                            s.median_samples,
                            s.allocations_measured ? format_bytes(s.max_bytes_allocated).c_str() : "n/m",
                            s.allocations_measured ? format_bytes(s.max_peak_bytes).c_str() : "n/m",
                            s.pass ? "yes" : "no", movement.c_str());
  }
  // Which trace each number is: one line per distinct description.
  std::vector<std::pair<std::string, std::string>> traces;  // description, methods
  for (const auto& s : r.summaries) {
    if (s.trace.empty()) continue;
    auto it = std::find_if(traces.begin(), traces.end(), [&](const auto& x) { return x.first == s.trace; });
    if (it == traces.end())
      traces.emplace_back(s.trace, s.method);
    else if (it->second.find(s.method) == std::string::npos)
      it->second += ", " + s.method;
  }
  if (!declined.empty()) {
    os << "\nDoes not apply (lab::method::declines): not run on that task, so no accuracy, time, memory, data\n"
          "movement or pass/fail; neither a pass nor a failure.\n";
    for (const auto& d : declined) os << "  " << d.methods << " on " << d.task << ": " << d.reason << '\n';
  }
  os << "\nsutro alloc / sutro peak: bytes allocated and peak through sutro's accounting allocators and resource\n"
        "only (memory/accounting_allocator.hpp, accounting_resource.hpp; method::allocations_accounted).\n";
  if (unmeasured)
    os << "n/m = not measured (allocations outside sutro's allocators; ByteDMD-tr without the trace's events).\n";
  if (traces.empty() && !untraced) return;
  os << "\nData movement: one traced run per seed (median shown), separate from the timed runs. mean RD = mean LRU\n"
        "reuse distance (inclusive; first accesses excluded); DMD = sum of sqrt(reuse distance) (ICS'22);\n"
        "ByteDMD-tr = ByteDMD's stack rules applied to the memory trace (docs/metrics.md; not the ByteDMD of a\n"
        "tracked<T> function); energy = LRU estimate on the pebble-game tiers. Traces:\n";
  for (const auto& [what, who] : traces) os << "  " << who << ": " << what << '\n';
  if (untraced)
    os << "  (no traced run): the method has none (lab::method::recorded_run is empty); nothing is reported.\n";
}

namespace detail {
inline std::string json_string(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      o += '\\', o += c;
    else if (static_cast<unsigned char>(c) < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      o += b;
    } else
      o += c;
  }
  return o + "\"";
}
inline std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char b[40];
  std::snprintf(b, sizeof b, "%.9g", v);
  return b;
}
inline std::string json_map(const std::map<std::string, double>& m) {
  std::string o = "{";
  bool first = true;
  for (const auto& [k, v] : m) {
    o += (first ? "" : ", ") + json_string(k) + ": " + json_number(v);
    first = false;
  }
  return o + "}";
}
// A count, or null where it was not measured.
inline std::string json_count(std::uint64_t v, bool measured) { return measured ? std::to_string(v) : "null"; }
// A traced run's metrics; ByteDMD-tr is null when the trace kept no events.
inline std::string json_movement(const std::map<std::string, double>& m) {
  if (m.empty()) return "{}";
  std::string o = json_map(m);
  if (!m.count("bytedmd_trace")) o.insert(o.size() - 1, ", \"bytedmd_trace\": null");
  return o;
}
}  // namespace detail

[[nodiscard]] inline std::string to_json(const report& r) {
  using detail::json_number;
  using detail::json_string;
  std::string o = "{\"summaries\": [";
  for (std::size_t i = 0; i < r.summaries.size(); ++i) {
    const auto& s = r.summaries[i];
    o += i ? ",\n  " : "\n  ";
    if (!s.applies()) {
      o += "{\"task\": " + json_string(s.task) + ", \"method\": " + json_string(s.method) +
           ", \"runs\": 0, \"secret_found\": null, \"mean_test_accuracy\": null, \"median_time_s\": null"
           ", \"median_samples\": null, \"max_bytes_allocated\": null, \"max_peak_bytes\": null, \"pass\": null"
           ", \"trace\": null, \"data_movement\": {}, \"applies\": false, \"not_applicable\": " +
           json_string(*s.not_applicable) + "}";
      continue;
    }
    o += "{\"task\": " + json_string(s.task) + ", \"method\": " + json_string(s.method) +
         ", \"runs\": " + std::to_string(s.runs) + ", \"secret_found\": " + std::to_string(s.found) +
         ", \"mean_test_accuracy\": " + json_number(s.mean_accuracy) +
         ", \"median_time_s\": " + json_number(s.median_time_s) +
         ", \"median_samples\": " + json_number(s.median_samples) +
         ", \"max_bytes_allocated\": " + detail::json_count(s.max_bytes_allocated, s.allocations_measured) +
         ", \"max_peak_bytes\": " + detail::json_count(s.max_peak_bytes, s.allocations_measured) +
         ", \"pass\": " + (s.pass ? "true" : "false") +
         ", \"trace\": " + (s.trace.empty() ? std::string("null") : json_string(s.trace)) +
         ", \"data_movement\": " + detail::json_movement(s.data_movement) +
         ", \"applies\": true, \"not_applicable\": null}";
  }
  o += "],\n\"runs\": [";
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    const auto& x = r.runs[i];
    o += i ? ",\n  " : "\n  ";
    if (!x.applies()) {
      o += "{\"task\": " + json_string(x.task) + ", \"method\": " + json_string(x.method) +
           ", \"seed\": " + std::to_string(x.seed) +
           ", \"status\": \"not_applicable\", \"secret_found\": null, \"test_accuracy\": null, \"time_s\": null"
           ", \"gen_time_s\": null, \"samples_used\": null, \"bytes_allocated\": null, \"peak_bytes\": null"
           ", \"trace\": null, \"data_movement\": {}, \"applies\": false, \"not_applicable\": " +
           json_string(*x.not_applicable) + "}";
      continue;
    }
    o += "{\"task\": " + json_string(x.task) + ", \"method\": " + json_string(x.method) +
         ", \"seed\": " + std::to_string(x.seed) + ", \"status\": " + json_string(solvers::to_string(x.status)) +
         ", \"secret_found\": " + (x.secret_found ? "true" : "false") +
         ", \"test_accuracy\": " + json_number(x.test_accuracy) + ", \"time_s\": " + json_number(x.time_s) +
         ", \"gen_time_s\": " + json_number(x.gen_time_s) + ", \"samples_used\": " + std::to_string(x.samples_used) +
         ", \"bytes_allocated\": " + detail::json_count(x.bytes_allocated, x.allocations_measured) +
         ", \"peak_bytes\": " + detail::json_count(x.peak_bytes, x.allocations_measured) +
         ", \"trace\": " + (x.trace.empty() ? std::string("null") : json_string(x.trace)) +
         ", \"data_movement\": " + detail::json_movement(x.data_movement) +
         ", \"applies\": true, \"not_applicable\": null}";
  }
  return o + "]}\n";
}

}  // namespace sutro::lab
