#pragma once
// Which of the group's ByteDMD models prices a recorded program. Every one
// charges a read at depth (or address) d the same ceil(sqrt) price
// (dmd/cost.hpp); they differ in what the depth is. docs/metrics.md says
// which to use when.
//
//   sutro::metrics::dmd::bytedmd({.variant = sutro::metrics::dmd::bytedmd_variant::belady}, f, args...);

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sutro::metrics::dmd {

enum class bytedmd_variant : std::uint8_t {
  /// The tool's main branch (bytedmd.py): one LRU stack, inputs preloaded
  /// (the first argument on top), every input of an instruction priced
  /// against the stack before it, liveness compaction, results live to the
  /// end; the default.
  main,
  /// The tool's dev branch (bytedmd.py there): inputs sit on a fixed argument
  /// stack (the first argument's elements at depths 1, 2, ..., then the next
  /// argument's); the first read of one pays that static depth and moves it
  /// onto the LRU stack of intermediates (with liveness compaction); an
  /// output epilogue reads every returned value once more at the end
  /// (an unread argument at its static depth, the rest at their LRU depth),
  /// without moving anything. Inputs are wrapped first argument first.
  two_stack,
  /// The dev branch's bytedmd_ir.py, bytedmd_classic (Mattson's LRU stack
  /// distance, no compaction): the log becomes a sequence of loads and
  /// stores; each load is priced and moved to the top before the next one
  /// (so `a * a` reads a at its depth, then at depth 1); a stored value is
  /// pushed even if never read and nothing ever leaves the stack; the first
  /// load of an argument pays its argument-stack position (first argument
  /// first) and then joins the stack; an epilogue loads every returned
  /// value once, in the order of the result. The upper envelope.
  classic,
  /// bytedmd_ir.py's bytedmd_live: the same walk as classic, with liveness
  /// compaction (a value leaves the stack at its last load; a value never
  /// loaded is never pushed). The experiment grid's bytedmd_live column.
  live,
  /// bytedmd_ir.py's bytedmd_opt: Belady's MIN stack distance for each load
  /// of the same walk (1 + the largest number of other values that, at one
  /// moment of this value's dormancy, are waiting for a next load that comes
  /// before this one), a lower bound on any demand-fetched placement that
  /// does not drop dead values. Arguments' first loads as in classic.
  belady,
};

[[nodiscard]] constexpr std::string_view to_string(bytedmd_variant v) noexcept {
  switch (v) {
    case bytedmd_variant::main:
      return "main";
    case bytedmd_variant::two_stack:
      return "two_stack";
    case bytedmd_variant::classic:
      return "classic";
    case bytedmd_variant::live:
      return "live";
    case bytedmd_variant::belady:
      return "belady";
  }
  return "unknown";
}

/// The variant named `name` (as to_string writes it); throws std::invalid_argument otherwise.
[[nodiscard]] inline bytedmd_variant parse_variant(std::string_view name) {
  for (auto v : {bytedmd_variant::main, bytedmd_variant::two_stack, bytedmd_variant::classic, bytedmd_variant::live,
                 bytedmd_variant::belady})
    if (to_string(v) == name) return v;
  throw std::invalid_argument("sutro::metrics::dmd::parse_variant: unknown ByteDMD variant '" + std::string(name) +
                              "' (main, two_stack, classic, live, belady)");
}

/// True for the variants priced on bytedmd_ir.py's per-load walk.
[[nodiscard]] constexpr bool load_walk_variant(bytedmd_variant v) noexcept {
  return v == bytedmd_variant::classic || v == bytedmd_variant::live || v == bytedmd_variant::belady;
}

}  // namespace sutro::metrics::dmd
