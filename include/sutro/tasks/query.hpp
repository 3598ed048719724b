#pragma once
// Query access (membership queries): the learner chooses inputs and asks for
// their labels; the oracle counts every query and hides the secret.
//
//   auto task = sutro::tasks::sparse_parity(20, 3, 42, {.noise = 0.1});
//   sutro::tasks::query_oracle oracle(task);
//   std::vector<std::uint64_t> row(oracle.row_words(), 0);
//   row[0] = 0b101;                          // b_0 = b_2 = 1, i.e. x_0 = x_2 = -1
//   std::int32_t y = oracle.label(row);      // the task's label, corrupted with probability 0.1
//   std::uint64_t used = oracle.queries();   // 1
//
// Noise is drawn afresh for every query, as in the group's noisy KM (each
// label of a pair flipped independently), so asking the same input twice may
// give two answers; query q's noise is a pure function of (seed, kind, n, k, q)
// through the task's own query stream, so a run replays exactly. The spec's
// noise rate applies (a noise-free oracle is a task without noise).

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sutro/tasks/sparse_task.hpp"
#include "sutro/tasks/streams.hpp"

namespace sutro::tasks {

struct query_options {
  /// Queries allowed; one more throws std::length_error.
  std::uint64_t budget = std::numeric_limits<std::uint64_t>::max();
};

class query_oracle {
 public:
  explicit query_oracle(sparse_task task, query_options o = {})
      : task_(std::move(task)),
        budget_(o.budget),
        noise_key_(stream_key(task_.seed(), task_.spec().kind, task_.spec().n, task_.spec().k, stream::queries)),
        noise_threshold_(task_.source(split::train).noise_threshold),
        noisy_(task_.spec().noise > 0.0) {}

  /// The task's public definition (kind, n, k, noise, encoding, t); not the secret.
  [[nodiscard]] const task_spec& spec() const noexcept { return task_.spec(); }
  [[nodiscard]] std::size_t row_words() const noexcept { return task_.row_words(); }
  [[nodiscard]] std::uint64_t queries() const noexcept { return queries_; }
  [[nodiscard]] std::uint64_t budget() const noexcept { return budget_; }

  /// The label of input bits `row` (row_words() words, bit j = b_j, padding zero).
  [[nodiscard]] std::int32_t label(std::span<const std::uint64_t> row) {
    if (row.size() != task_.row_words())
      throw std::invalid_argument(
          "sutro::tasks::query_oracle::label: a query has " + std::to_string(task_.row_words()) +
          " words for n = " + std::to_string(task_.spec().n) + ", got " + std::to_string(row.size()));
    const std::size_t tail = task_.spec().n % 64;
    if (tail && (row.back() >> tail) != 0)
      throw std::invalid_argument("sutro::tasks::query_oracle::label: bits at or above n = " +
                                  std::to_string(task_.spec().n) + " must be zero");
    return answer(row.data());
  }

  /// The label of a dense input in the task's encoding (n values, each +-1 or 0/1).
  [[nodiscard]] std::int32_t label(std::span<const float> x) {
    const std::size_t n = task_.spec().n;
    if (x.size() != n)
      throw std::invalid_argument("sutro::tasks::query_oracle::label: a query has n = " + std::to_string(n) +
                                  " values, got " + std::to_string(x.size()));
    const bool pm = task_.spec().enc == encoding::plus_minus_one;
    scratch_.assign(task_.row_words(), 0);
    for (std::size_t j = 0; j < n; ++j) {
      const float v = x[j];
      const bool one = pm ? v == -1.0f : v == 1.0f;
      if (!one && v != (pm ? 1.0f : 0.0f))
        throw std::invalid_argument(std::string("sutro::tasks::query_oracle::label: value ") + std::to_string(v) +
                                    " at " + std::to_string(j) + " is not " + (pm ? "+-1" : "0 or 1"));
      if (one) scratch_[j / 64] |= std::uint64_t{1} << (j % 64);
    }
    return answer(scratch_.data());
  }

 private:
  std::int32_t answer(const std::uint64_t* row) {
    if (queries_ >= budget_)
      throw std::length_error("sutro::tasks::query_oracle::label: the budget of " + std::to_string(budget_) +
                              " queries is spent");
    const std::uint64_t q = queries_++;
    std::int32_t y = task_.label_of(row);
    if (noisy_) {
      std::uint64_t aux, unused;
      philox4x32{noise_key_}.words(q, 0, 0, aux, unused);
      if (static_cast<std::uint32_t>(aux) < noise_threshold_)
        y = corrupt_label(task_.spec().kind, task_.spec().enc, task_.spec().k, y, aux);
    }
    return y;
  }

  sparse_task task_;
  std::uint64_t budget_;
  std::uint64_t noise_key_;
  std::uint32_t noise_threshold_;
  bool noisy_;
  std::uint64_t queries_ = 0;
  std::vector<std::uint64_t> scratch_;
};

}  // namespace sutro::tasks
