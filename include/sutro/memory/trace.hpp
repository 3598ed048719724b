#pragma once
// memory::trace: where traced accesses go. Each access is a byte range and a
// kind (read or write); the trace keys it at its granularity and feeds an
// exact reuse-distance engine, and can also keep the raw event list.
//
//   sutro::memory::trace t({.unit = sutro::memory::granularity::word});
//   t.record(&x, sizeof x, sutro::memory::access_kind::read);
//   t.reads();  t.distances().dmd();
//
// Granularity: element = one access keyed by the start address (one key per
// element, whatever its size); byte / word (8 B) / line (64 B) = every unit
// the range overlaps is accessed once, so a float read at word granularity
// touches one word and two adjacent floats share it (coarser units undercount
// movement: that is the point of choosing one explicitly).
// Writes are accesses too (they move data) unless count_writes is false;
// they are always counted in writes().
//
// Phases: after enter_phase("backward") every access also counts towards that
// phase's totals (reads, writes, accesses, DMD), until the next enter_phase.
// The run's own metrics are unchanged; phases only split them.

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sutro/metrics/reuse_distance.hpp"

namespace sutro::memory {

// A trace's options are spelled in memory:: (memory::granularity::word); the
// engine that defines them lives in metrics/, the layer below.
using metrics::cold_policy;
using metrics::granularity;

enum class access_kind : std::uint8_t { read, write };

struct trace_event {
  std::uintptr_t address;
  std::size_t bytes;
  access_kind kind;
};

struct trace_options {
  granularity unit = granularity::element;
  cold_policy cold = cold_policy::separate;
  bool count_writes = true;  ///< writes enter the reuse-distance engine
  bool keep_events = false;  ///< also keep every event (memory grows with the trace)
  /// With keep_events: an access that would keep more events than this is
  /// refused (trace_limit_error) before any of it is counted; 0: no limit.
  std::uint64_t max_events = 0;
};

/// A kept-events limit (trace_options::max_events) reached: a length_error of
/// its own, so that a caller can tell the trace's limit from its program's.
class trace_limit_error : public std::length_error {
 public:
  using std::length_error::length_error;
};

/// What one phase of a recorded run did (trace::enter_phase).
struct phase_totals {
  std::string name;
  std::uint64_t reads = 0, writes = 0;
  std::uint64_t accesses = 0;  ///< accesses that entered the reuse-distance engine
  double dmd = 0;              ///< their share of reuse_distance::dmd()
};

class trace {
 public:
  explicit trace(trace_options options = {}) : opt_(options), rd_({.unit = options.unit, .cold = options.cold}) {}
  trace(const trace&) = delete;
  trace& operator=(const trace&) = delete;

  /// Records one access to [p, p + bytes). A range passing the top of the
  /// address space, or touching a unit never preloaded under
  /// cold_policy::preloaded, is refused (std::invalid_argument) before any
  /// of it is counted.
  void record(const void* p, std::size_t bytes, access_kind kind) {
    const auto a = reinterpret_cast<std::uintptr_t>(p);
    if (bytes != 0) (void)metrics::detail::last_byte(a, bytes, "sutro::memory::trace::record");
    refuse_unpreloaded(a, bytes, kind);
    refuse_past_event_limit();
    if (phase_ != no_phase) return record_in_phase(p, bytes, kind);
    if (opt_.keep_events) events_.push_back({a, bytes, kind});
    (kind == access_kind::read ? reads_ : writes_) += 1;
    if (kind == access_kind::write && !opt_.count_writes) return;
    if (opt_.unit == granularity::element)
      rd_.access(a);
    else
      rd_.access_bytes(p, bytes);
  }
  /// Marks a buffer as already in fast memory (cold_policy::preloaded). A
  /// buffer passing the top of the address space is refused.
  void preload(const void* p, std::size_t bytes, std::size_t element_bytes) {
    const auto a = reinterpret_cast<std::uintptr_t>(p);
    if (opt_.unit == granularity::element && element_bytes == 0)
      throw std::invalid_argument("sutro::memory::trace::preload: element_bytes 0 for " + std::to_string(bytes) +
                                  " bytes (element granularity needs the element size)");
    if (bytes == 0) return;
    const std::uintptr_t end = metrics::detail::last_byte(a, bytes, "sutro::memory::trace::preload");
    if (opt_.unit == granularity::element) {
      // Counted, not compared with an end offset, which could wrap.
      for (std::size_t i = 0, off = 0, n = bytes / element_bytes; i < n; ++i, off += element_bytes)
        rd_.preload(a + off);
    } else {
      const auto u = static_cast<std::uint64_t>(opt_.unit);
      // Stops on reaching the last unit, which may be the largest key.
      for (std::uint64_t k = a / u, last = end / u;; ++k) {
        rd_.preload(k);
        if (k == last) break;
      }
    }
  }

  /// Every access from now on also counts towards phase `name` (created on
  /// first use; phases keep the order of their first entry).
  void enter_phase(std::string_view name) {
    for (std::size_t i = 0; i < phases_.size(); ++i)
      if (phases_[i].name == name) {
        phase_ = i;
        return;
      }
    phases_.push_back({.name = std::string(name)});
    phase_ = phases_.size() - 1;
  }
  [[nodiscard]] const std::vector<phase_totals>& phases() const noexcept { return phases_; }

  [[nodiscard]] std::uint64_t reads() const noexcept { return reads_; }
  [[nodiscard]] std::uint64_t writes() const noexcept { return writes_; }
  [[nodiscard]] const metrics::reuse_distance& distances() const noexcept { return rd_; }
  [[nodiscard]] const std::vector<trace_event>& events() const noexcept { return events_; }
  [[nodiscard]] const trace_options& options() const noexcept { return opt_; }

 private:
  static constexpr std::size_t no_phase = ~std::size_t{0};

  void refuse_past_event_limit() const {
    if (opt_.keep_events && opt_.max_events != 0 && events_.size() >= opt_.max_events)
      throw trace_limit_error(
          "sutro::memory::trace::record: " + std::to_string(events_.size()) +
          " events kept, the limit (trace_options::max_events = " + std::to_string(opt_.max_events) + ")");
  }

  // The engine would refuse such a unit only on reaching it, after the
  // range's earlier units were counted.
  void refuse_unpreloaded(std::uintptr_t a, std::size_t bytes, access_kind kind) {
    if (opt_.cold != cold_policy::preloaded || (kind == access_kind::write && !opt_.count_writes)) return;
    const auto refuse = [&](std::uint64_t key) {
      char hex[2 * sizeof a + 1];
      const auto end = std::to_chars(hex, hex + sizeof hex, a, 16).ptr;
      throw std::invalid_argument(
          "sutro::memory::trace::record: " + std::string(kind == access_kind::read ? "read" : "write") + " of " +
          std::to_string(bytes) + " bytes at 0x" + std::string(hex, end) +
          (opt_.unit == granularity::element ? std::string(", an element")
                                             : ", unit " + std::to_string(key) + " of " +
                                                   std::to_string(static_cast<std::uint64_t>(opt_.unit)) + " bytes,") +
          " never preloaded (cold_policy::preloaded: preload every input first)");
    };
    if (opt_.unit == granularity::element) {
      if (!rd_.known(a)) refuse(a);
      return;
    }
    if (bytes == 0) return;
    const auto u = static_cast<std::uint64_t>(opt_.unit);
    for (std::uint64_t k = a / u, last = (a + (bytes - 1)) / u;; ++k) {
      if (!rd_.known(k)) refuse(k);
      if (k == last) break;
    }
  }

  void record_in_phase(const void* p, std::size_t bytes, access_kind kind) {
    phase_totals& ph = phases_[phase_];
    if (opt_.keep_events) events_.push_back({reinterpret_cast<std::uintptr_t>(p), bytes, kind});
    (kind == access_kind::read ? reads_ : writes_) += 1;
    (kind == access_kind::read ? ph.reads : ph.writes) += 1;
    if (kind == access_kind::write && !opt_.count_writes) return;
    auto count = [&](std::uint64_t key) {
      const std::uint64_t d = rd_.access(key);
      ++ph.accesses;
      if (d != 0) ph.dmd += std::sqrt(static_cast<double>(d));
    };
    const auto a = reinterpret_cast<std::uintptr_t>(p);
    if (opt_.unit == granularity::element) {
      count(a);
    } else if (bytes != 0) {
      const auto u = static_cast<std::uint64_t>(opt_.unit);
      // record() checked the range; stops on reaching the last unit, which
      // may be the largest key.
      for (std::uint64_t k = a / u, last = (a + (bytes - 1)) / u;; ++k) {
        count(k);
        if (k == last) break;
      }
    }
  }

  trace_options opt_;
  metrics::reuse_distance rd_;
  std::vector<phase_totals> phases_;
  std::size_t phase_ = no_phase;
  std::uint64_t reads_ = 0, writes_ = 0;
  std::vector<trace_event> events_;
};

}  // namespace sutro::memory
