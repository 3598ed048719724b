#pragma once
// dataset_view<T>: dense float rows plus one label per row, as spans (no copy).
//
//   std::vector<float> x(1000 * 20), y(1000);           // row-major samples, labels
//   sutro::nn::dataset_view<float> train{x, y, 20};     // throws unless 1000 * 20 == x.size()
//   auto row = train.row(5);                             // std::span<const float>, 20 values

#include <cstddef>
#include <span>
#include <stdexcept>
#include <string>

namespace sutro::nn {

template <class T>
struct dataset_view {
  std::span<const T> x;
  std::span<const T> y;
  std::size_t features = 0;

  dataset_view() = default;
  dataset_view(std::span<const T> inputs, std::span<const T> labels, std::size_t n_features)
      : x(inputs), y(labels), features(n_features) {
    check("sutro::nn::dataset_view");
  }
  /// Throws std::invalid_argument ("<who>: ...") unless x holds rows() rows
  /// of `features` values: the fields are public, so the trainer checks a
  /// view built field by field too.
  void check(const char* who) const {
    // y.size() * features can wrap (features near 2^63): compare by division.
    const bool fits = features == 0 ? x.empty() : x.size() % features == 0 && x.size() / features == y.size();
    if (!fits)
      throw std::invalid_argument(std::string(who) + ": " + std::to_string(x.size()) + " input values do not form " +
                                  std::to_string(y.size()) + " rows x " + std::to_string(features) + " features");
  }
  [[nodiscard]] std::size_t rows() const noexcept { return y.size(); }
  [[nodiscard]] std::span<const T> row(std::size_t i) const noexcept { return x.subspan(i * features, features); }
};

}  // namespace sutro::nn
