#pragma once
// A lab report as a readable table or as JSON.
//
//   sutro::lab::print_table(std::cout, rep);      // one row per (task, method)
//   std::string json = sutro::lab::to_json(rep);  // summaries and every run

#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>

#include "sutro/lab/experiment.hpp"

namespace sutro::lab {

inline std::string format_time(double s) {
  char buf[32];
  if (s < 1e-3) std::snprintf(buf, sizeof buf, "%.2f us", s * 1e6);
  else if (s < 1) std::snprintf(buf, sizeof buf, "%.2f ms", s * 1e3);
  else std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}
inline std::string format_bytes(std::uint64_t b) {
  char buf[32];
  if (b < 10000) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
  else if (b < 10000000) std::snprintf(buf, sizeof buf, "%.1f KiB", static_cast<double>(b) / 1024);
  else std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(b) / 1048576);
  return buf;
}

inline void print_table(std::ostream& os, const report& r) {
  char line[256];
  std::snprintf(line, sizeof line, "%-28s %-18s %8s %9s %11s %8s %10s %10s %5s\n", "task", "method", "secret",
                "test acc", "time (med)", "samples", "allocated", "peak", "pass");
  os << line;
  os << std::string(114, '-') << '\n';
  for (const auto& s : r.summaries) {
    const std::string found = std::to_string(s.found) + "/" + std::to_string(s.runs);
    std::snprintf(line, sizeof line, "%-28s %-18s %8s %8.1f%% %11s %8.0f %10s %10s %5s\n", s.task.c_str(),
                  s.method.c_str(), found.c_str(), 100 * s.mean_accuracy, format_time(s.median_time_s).c_str(),
                  s.median_samples, format_bytes(s.max_bytes_allocated).c_str(),
                  format_bytes(s.max_peak_bytes).c_str(), s.pass ? "yes" : "no");
    os << line;
  }
}

namespace detail {
inline std::string json_string(const std::string& s) {
  std::string o = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\', o += c;
    else if (static_cast<unsigned char>(c) < 0x20) {
      char b[8];
      std::snprintf(b, sizeof b, "\\u%04x", c);
      o += b;
    } else o += c;
  }
  return o + "\"";
}
inline std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char b[40];
  std::snprintf(b, sizeof b, "%.9g", v);
  return b;
}
} // namespace detail

inline std::string to_json(const report& r) {
  using detail::json_number;
  using detail::json_string;
  std::string o = "{\"summaries\": [";
  for (std::size_t i = 0; i < r.summaries.size(); ++i) {
    const auto& s = r.summaries[i];
    o += i ? ",\n  " : "\n  ";
    o += "{\"task\": " + json_string(s.task) + ", \"method\": " + json_string(s.method) +
         ", \"runs\": " + std::to_string(s.runs) + ", \"secret_found\": " + std::to_string(s.found) +
         ", \"mean_test_accuracy\": " + json_number(s.mean_accuracy) +
         ", \"median_time_s\": " + json_number(s.median_time_s) +
         ", \"median_samples\": " + json_number(s.median_samples) +
         ", \"max_bytes_allocated\": " + std::to_string(s.max_bytes_allocated) +
         ", \"max_peak_bytes\": " + std::to_string(s.max_peak_bytes) + ", \"pass\": " + (s.pass ? "true" : "false") + "}";
  }
  o += "],\n\"runs\": [";
  for (std::size_t i = 0; i < r.runs.size(); ++i) {
    const auto& x = r.runs[i];
    o += i ? ",\n  " : "\n  ";
    o += "{\"task\": " + json_string(x.task) + ", \"method\": " + json_string(x.method) +
         ", \"seed\": " + std::to_string(x.seed) + ", \"status\": " + json_string(solvers::to_string(x.status)) +
         ", \"secret_found\": " + (x.secret_found ? "true" : "false") +
         ", \"test_accuracy\": " + json_number(x.test_accuracy) + ", \"time_s\": " + json_number(x.time_s) +
         ", \"gen_time_s\": " + json_number(x.gen_time_s) + ", \"samples_used\": " + std::to_string(x.samples_used) +
         ", \"bytes_allocated\": " + std::to_string(x.bytes_allocated) +
         ", \"peak_bytes\": " + std::to_string(x.peak_bytes) + ", \"data_movement\": {";
    bool first = true;
    for (const auto& [k, v] : x.data_movement) {
      o += (first ? "" : ", ") + json_string(k) + ": " + json_number(v);
      first = false;
    }
    o += "}}";
  }
  return o + "]}\n";
}

} // namespace sutro::lab
