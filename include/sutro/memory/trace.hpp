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

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sutro/memory/reuse_distance.hpp"

namespace sutro::memory {

enum class access_kind : std::uint8_t { read, write };

struct trace_event {
  std::uintptr_t address;
  std::uint32_t bytes;
  access_kind kind;
};

struct trace_options {
  granularity unit = granularity::element;
  cold_policy cold = cold_policy::separate;
  bool count_writes = true;   ///< writes enter the reuse-distance engine
  bool keep_events = false;   ///< also keep every event (memory grows with the trace)
};

class trace {
 public:
  explicit trace(trace_options options = {})
      : opt_(options), rd_({.unit = options.unit, .cold = options.cold}) {}
  trace(const trace&) = delete;
  trace& operator=(const trace&) = delete;

  void record(const void* p, std::size_t bytes, access_kind kind) {
    (kind == access_kind::read ? reads_ : writes_) += 1;
    if (opt_.keep_events)
      events_.push_back({reinterpret_cast<std::uintptr_t>(p), static_cast<std::uint32_t>(bytes), kind});
    if (kind == access_kind::write && !opt_.count_writes) return;
    if (opt_.unit == granularity::element) rd_.access(reinterpret_cast<std::uintptr_t>(p));
    else rd_.access_bytes(p, bytes);
  }
  /// Marks a buffer as already in fast memory (cold_policy::preloaded).
  void preload(const void* p, std::size_t bytes, std::size_t element_bytes) {
    const auto a = reinterpret_cast<std::uintptr_t>(p);
    if (opt_.unit == granularity::element) {
      for (std::size_t off = 0; off + element_bytes <= bytes; off += element_bytes) rd_.preload(a + off);
    } else if (bytes) {
      const auto u = static_cast<std::uint64_t>(opt_.unit);
      for (std::uint64_t k = a / u; k <= (a + bytes - 1) / u; ++k) rd_.preload(k);
    }
  }

  [[nodiscard]] std::uint64_t reads() const noexcept { return reads_; }
  [[nodiscard]] std::uint64_t writes() const noexcept { return writes_; }
  [[nodiscard]] const reuse_distance& distances() const noexcept { return rd_; }
  [[nodiscard]] const std::vector<trace_event>& events() const noexcept { return events_; }
  [[nodiscard]] const trace_options& options() const noexcept { return opt_; }

 private:
  trace_options opt_;
  reuse_distance rd_;
  std::uint64_t reads_ = 0, writes_ = 0;
  std::vector<trace_event> events_;
};

}  // namespace sutro::memory
