#pragma once
// The definition of the sparse tasks: kind, sizes, noise, encoding.
//
//   sutro::tasks::task_spec spec{sutro::tasks::task_kind::parity, 20, 3};
//   sutro::tasks::validate(spec);                              // throws on k > n, p >= 0.5, ...
//
// Inputs are bits b in {0,1}^n (bit-packed form); the +-1 encoding is x = 1 - 2b.
//   parity:    +-1: y = prod_{i in S} x_i     0/1: y = XOR_{i in S} b_i   (y01 = (1 - ypm) / 2)
//   sum:       +-1: y = sum_{i in S} x_i      0/1: y = sum_{i in S} b_i
//   and:       +-1: y = prod (x_i + 1) / 2    0/1: y = AND_{i in S} b_i   (labels in {0, 1})
//   threshold: +-1: y = +1 iff sum x_i >= t, else -1
//              0/1: y = 1 iff sum (2 b_i - 1) >= t, else 0 (bit i votes 2 b_i - 1)
//   majority:  threshold with t = 0 (+-1: sign of the sum, 0 -> +1)
// t defaults to k - 1 (the group's default); t = k is AND in either encoding.
// Noise (train labels only, probability p): binary labels flip; sum moves one
// step (+-2 in +-1 encoding, +-1 in 0/1) up or down at random.

#include <climits>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "sutro/config/macros.hpp"
#include "sutro/config/number_text.hpp"

namespace sutro::tasks {

enum class task_kind { parity, sum, and_, majority, threshold };
enum class encoding { plus_minus_one, zero_one };

[[nodiscard]] inline const char* to_string(task_kind k) noexcept {
  switch (k) {
    case task_kind::parity:
      return "sparse_parity";
    case task_kind::sum:
      return "sparse_sum";
    case task_kind::and_:
      return "sparse_and";
    case task_kind::majority:
      return "sparse_majority";
    case task_kind::threshold:
      return "sparse_threshold";
  }
  return "?";
}
[[nodiscard]] inline const char* to_string(encoding e) noexcept { return e == encoding::plus_minus_one ? "pm1" : "01"; }

/// task_spec::threshold's default: t = k - 1. INT32_MIN lies outside [-k, k]
/// for every k, so no caller means it as a t; but validate() cannot tell it
/// from the default, so code that reads a t from text or data range-checks it
/// before storing it (sutro-lab's parse_task does), else a typed INT32_MIN
/// would quietly become k - 1.
inline constexpr std::int32_t threshold_k_minus_1 = INT32_MIN;

struct task_spec {
  task_kind kind = task_kind::parity;
  std::size_t n = 20;
  std::size_t k = 3;
  double noise = 0.0;  ///< probability of a corrupted train label, in [0, 0.5)
  encoding enc = encoding::plus_minus_one;
  std::int32_t threshold = threshold_k_minus_1;  ///< sparse threshold's t, in [-k, k]
};

/// The t a threshold label compares against: spec.threshold, k - 1 by
/// default, 0 for majority (unused by the other kinds).
[[nodiscard]] SUTRO_HOST_DEVICE std::int32_t threshold_of(const task_spec& s) {
  if (s.kind == task_kind::majority) return 0;
  return s.threshold == threshold_k_minus_1 ? static_cast<std::int32_t>(s.k) - 1 : s.threshold;
}

/// Throws std::invalid_argument naming the offending values.
inline void validate(const task_spec& s) {
  // Enums cast from integers (bindings, files) reach here unchecked.
  if (static_cast<unsigned>(s.kind) > static_cast<unsigned>(task_kind::threshold))
    throw std::invalid_argument("sutro::tasks::validate: task_kind " + std::to_string(static_cast<int>(s.kind)) +
                                " is not one of parity, sum, and_, majority, threshold");
  if (static_cast<unsigned>(s.enc) > static_cast<unsigned>(encoding::zero_one))
    throw std::invalid_argument("sutro::tasks::validate: encoding " + std::to_string(static_cast<int>(s.enc)) +
                                " is not one of plus_minus_one, zero_one");
  // The message is built only on the throwing path: solvers and generators call this per call.
  const auto fail = [&s](const std::string& why) {
    throw std::invalid_argument(std::string("sutro::tasks::") + to_string(s.kind) + "(n=" + std::to_string(s.n) +
                                ", k=" + std::to_string(s.k) + ", p=" + sutro::detail::number_text(s.noise) +
                                "): " + why);
  };
  if (s.n == 0) fail("n must be positive");
  if (s.k == 0) fail("k must be positive");
  if (s.k > s.n) fail("k must not exceed n");
  if (s.n > (std::size_t{1} << 24)) fail("n above 2^24 is not supported");
  if (!(s.noise >= 0.0 && s.noise < 0.5)) fail("noise rate p must be in [0, 0.5)");
  if (s.threshold != threshold_k_minus_1) {
    if (s.kind != task_kind::threshold) fail("a threshold t applies only to sparse_threshold");
    const auto k = static_cast<std::int64_t>(s.k);
    if (s.threshold < -k || s.threshold > k) fail("threshold t=" + std::to_string(s.threshold) + " must be in [-k, k]");
  }
}

}  // namespace sutro::tasks
