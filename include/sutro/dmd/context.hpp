#pragma once
// (traced<T> is in sutro/dmd/traced.hpp; include that.)
// dmd::context: the instruction log that traced<T> writes into. One context
// is active per thread at a time (dmd::bytedmd opens one); a traced value
// remembers which context made it, and using it under another throws.
//
//   sutro::dmd::context ctx;            // becomes the thread's active context
//   auto a = sutro::dmd::traced<double>::input(1.0), b = sutro::dmd::traced<double>::input(2.0);
//   auto c = a + b;                     // logs "add v0 v1 -> v2"
//   ctx.instructions().size();          // 1

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace sutro::dmd {

inline constexpr std::uint32_t no_value = std::numeric_limits<std::uint32_t>::max();

/// One recorded instruction: reads inputs[first, first + count) of the
/// context's flat input list in that order, then defines `output` (or none).
struct instruction {
  const char* op;
  std::uint32_t first;
  std::uint32_t count;
  std::uint32_t output;
};

class context {
 public:
  context() : serial_(next_serial()), previous_(active_slot()) { active_slot() = this; }
  context(const context&) = delete;
  context& operator=(const context&) = delete;
  ~context() { active_slot() = previous_; }

  /// The thread's active context, or nullptr.
  [[nodiscard]] static context* active() noexcept { return active_slot(); }
  [[nodiscard]] std::uint32_t serial() const noexcept { return serial_; }

  /// A fresh value id; inputs are also appended to the preload order by the caller.
  std::uint32_t new_value() {
    if (values_ == no_value - 1) throw std::length_error("dmd::context: too many values");
    return values_++;
  }
  /// Records `op` reading ids[0..n) and returning a new value (or none if !defines).
  std::uint32_t record(const char* op, const std::uint32_t* ids, std::uint32_t n, bool defines = true) {
    const auto first = static_cast<std::uint32_t>(inputs_.size());
    inputs_.insert(inputs_.end(), ids, ids + n);
    const std::uint32_t out = defines ? new_value() : no_value;
    instructions_.push_back({op, first, n, out});
    return out;
  }
  /// Preloaded values, bottom of the stack first.
  void set_preload(std::vector<std::uint32_t> order) { preload_ = std::move(order); }

  [[nodiscard]] const std::vector<instruction>& instructions() const noexcept { return instructions_; }
  [[nodiscard]] const std::vector<std::uint32_t>& inputs() const noexcept { return inputs_; }
  [[nodiscard]] const std::vector<std::uint32_t>& preload() const noexcept { return preload_; }
  [[nodiscard]] std::uint32_t values() const noexcept { return values_; }

 private:
  static context*& active_slot() noexcept {
    thread_local context* slot = nullptr;
    return slot;
  }
  static std::uint32_t next_serial() noexcept {
    thread_local std::uint32_t serial = 0;
    return ++serial;
  }
  std::uint32_t serial_;
  context* previous_;
  std::uint32_t values_ = 0;
  std::vector<instruction> instructions_;
  std::vector<std::uint32_t> inputs_;
  std::vector<std::uint32_t> preload_;
};

}  // namespace sutro::dmd
