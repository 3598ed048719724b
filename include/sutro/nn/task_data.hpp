#pragma once
// From sutro::tasks samples (packed bits or dense floats) to training data
// for nn::train: owning rows and labels with a dataset_view, labels in the
// form the loss takes.
//
//   auto task = sutro::tasks::sparse_parity(20, 3, 42);
//   auto train = sutro::nn::to_dataset<float>(task.packed(sutro::tasks::split::train, 1000));
//   auto test = sutro::nn::to_dataset<float>(task.dense(sutro::tasks::split::test, 500));
//   sutro::nn::train(net, rule, train.view(), test.view(), {.loss_kind = train.loss_kind});
//
// Inputs follow the samples' encoding: x = 1 - 2 b (+-1) or x = b (0/1), as
// tasks' own dense form. Labels (label_form::automatic): binary tasks
// (parity, and, majority, threshold) get -1/+1 labels for hinge, a 0/1 label
// y becoming 2 y - 1 (so that sparse AND, whose labels are 0/1 in both
// encodings, trains with hinge); sparse sum keeps its 0..k (+-1: -k..k)
// values, for mse and target_kind::regression.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "sutro/nn/dataset.hpp"
#include "sutro/nn/loss.hpp"
#include "sutro/tasks/samples.hpp"
#include "sutro/tasks/spec.hpp"

namespace sutro::nn {

enum class label_form {
  automatic,       ///< plus_minus_one for binary tasks, as_is for sparse sum
  as_is,           ///< the task's label values
  plus_minus_one,  ///< binary labels as -1/+1 (0 -> -1, 1 -> +1; -1 and +1 kept)
};

/// Rows and labels that own their storage; view() is what nn::train takes.
template <class T>
struct task_dataset {
  std::vector<T> x;  ///< rows x features, row-major
  std::vector<T> y;  ///< one label per row
  std::size_t features = 0;
  loss loss_kind = loss::hinge;  ///< hinge for -1/+1 labels, mse otherwise
  bool regression = false;       ///< sparse sum kept as_is: train with target_kind::regression

  [[nodiscard]] dataset_view<T> view() const { return {x, y, features}; }
  [[nodiscard]] std::size_t rows() const noexcept { return y.size(); }
};

namespace detail {
[[nodiscard]] inline bool signed_labels(const tasks::task_spec& spec, label_form form) {
  if (form == label_form::automatic) return spec.kind != tasks::task_kind::sum;
  if (form == label_form::plus_minus_one && spec.kind == tasks::task_kind::sum)
    throw std::invalid_argument("sutro::nn::to_dataset: sparse sum labels are not binary; use label_form::as_is");
  return form == label_form::plus_minus_one;
}

template <class T>
T label_value(std::int64_t y, bool signed_form, std::size_t i) {
  if (!signed_form) return static_cast<T>(y);
  if (y == 1 || y == -1) return static_cast<T>(y);
  if (y == 0) return T(-1);
  throw std::invalid_argument("sutro::nn::to_dataset: binary label " + std::to_string(y) + " at row " +
                              std::to_string(i) + " is not -1, 0 or 1");
}

template <class T>
void set_form(task_dataset<T>& d, const tasks::task_spec& spec, bool signed_form) {
  d.features = spec.n;
  d.loss_kind = signed_form ? loss::hinge : loss::mse;
  d.regression = !signed_form && spec.kind == tasks::task_kind::sum;
}
// The spec's own check (tasks::validate) under `who`: dense samples built by
// hand reach the converters as packed ones do through check_layout.
inline void check_spec(const tasks::task_spec& spec, const char* who) {
  try {
    tasks::validate(spec);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(std::string(who) + ": " + e.what());
  }
}
}  // namespace detail

/// Decodes bit-packed samples (see the header comment).
template <class T = float>
[[nodiscard]] task_dataset<T> to_dataset(const tasks::packed_samples& p, label_form form = label_form::automatic) {
  // The layout every word loop relies on: a valid spec, row_words = ceil(n /
  // 64), count rows of words and labels (compared without a product that
  // could wrap), no bit at or above n.
  tasks::check_layout(p, "sutro::nn::to_dataset");
  const bool sig = detail::signed_labels(p.spec, form);
  const std::size_t n = p.spec.n;
  task_dataset<T> d;
  detail::set_form(d, p.spec, sig);
  d.x.resize(p.count * n);
  d.y.resize(p.count);
  const bool pm = p.spec.enc == tasks::encoding::plus_minus_one;
  const T bit_set = pm ? T(-1) : T(1), bit_clear = pm ? T(1) : T(0);
  for (std::size_t i = 0; i < p.count; ++i) {
    const std::uint64_t* words = p.row(i);
    T* out = d.x.data() + i * n;
    for (std::size_t j = 0; j < n; ++j) out[j] = ((words[j / 64] >> (j % 64)) & 1u) ? bit_set : bit_clear;
    d.y[i] = detail::label_value<T>(p.labels[i], sig, i);
  }
  return d;
}

/// Copies dense samples (converting to T), labels as the header comment says.
template <class T = float>
[[nodiscard]] task_dataset<T> to_dataset(const tasks::dense_samples& s, label_form form = label_form::automatic) {
  detail::check_spec(s.spec, "sutro::nn::to_dataset");
  const bool sig = detail::signed_labels(s.spec, form);
  const std::size_t n = s.spec.n;
  if (s.y.size() < s.count || (n != 0 && s.x.size() / n < s.count))
    throw std::invalid_argument("sutro::nn::to_dataset: dense samples hold " + std::to_string(s.x.size()) +
                                " values and " + std::to_string(s.y.size()) + " labels for " + std::to_string(s.count) +
                                " rows of " + std::to_string(n));
  task_dataset<T> d;
  detail::set_form(d, s.spec, sig);
  d.x.assign(s.x.begin(), s.x.begin() + static_cast<std::ptrdiff_t>(s.count * n));
  d.y.resize(s.count);
  for (std::size_t i = 0; i < s.count; ++i) {
    const float y = s.y[i];
    if (!std::isfinite(y) || y != std::nearbyint(y) || std::abs(y) > 1e9f)
      throw std::invalid_argument("sutro::nn::to_dataset: label at row " + std::to_string(i) +
                                  " is not a task label (an integer)");
    d.y[i] = detail::label_value<T>(static_cast<std::int64_t>(y), sig, i);
  }
  return d;
}

/// A view of dense float samples without a copy, labels as they are (check
/// them against the loss with check_labels, or use to_dataset).
/// Throws std::invalid_argument for an invalid spec or samples holding fewer values than count rows.
[[nodiscard]] inline dataset_view<float> view_of(const tasks::dense_samples& s) {
  detail::check_spec(s.spec, "sutro::nn::view_of");
  const std::size_t n = s.spec.n;
  if (s.y.size() < s.count || (n != 0 && s.x.size() / n < s.count))
    throw std::invalid_argument("sutro::nn::view_of: dense samples hold " + std::to_string(s.x.size()) +
                                " values and " + std::to_string(s.y.size()) + " labels for " + std::to_string(s.count) +
                                " rows of " + std::to_string(n));
  return {std::span<const float>(s.x.data(), s.count * s.spec.n), std::span<const float>(s.y.data(), s.count),
          s.spec.n};
}

}  // namespace sutro::nn
