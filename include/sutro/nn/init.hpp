#pragma once
// Weight initializations; biases start at zero.
//
//   std::mt19937_64 rng(7);
//   sutro::nn::tensor<float> w(200, 20);
//   sutro::nn::initialize(w.ref(), sutro::nn::init::he_normal(), rng);
//   sutro::nn::initialize(w.ref(), sutro::nn::init::sparse(4), rng);  // 4 inputs per unit
//
// he_normal: N(0, 2 / fan_in) (Kaiming, for ReLU); he_uniform: U(-a, a), a = sqrt(6 / fan_in);
// uniform(a): U(-a, a); sparse(k) (Martens 2010): each unit (row) gets k nonzero
// incoming weights at random inputs, drawn N(0, 2 / k), the rest 0.

#include <cmath>
#include <cstddef>
#include <random>
#include <stdexcept>
#include <string>

#include "sutro/config/number_text.hpp"
#include "sutro/nn/random.hpp"
#include "sutro/nn/tensor.hpp"

namespace sutro::nn {

struct init {
  enum class kind { he_normal, he_uniform, uniform, sparse, zeros };
  kind type = kind::he_normal;
  double scale = 0.0;        // uniform: the bound a
  std::size_t nonzeros = 0;  // sparse: nonzero weights per unit

  static constexpr init he_normal() { return {kind::he_normal, 0.0, 0}; }
  static constexpr init he_uniform() { return {kind::he_uniform, 0.0, 0}; }
  static constexpr init uniform(double a) { return {kind::uniform, a, 0}; }
  static constexpr init sparse(std::size_t k) { return {kind::sparse, 0.0, k}; }
  static constexpr init zeros() { return {kind::zeros, 0.0, 0}; }
};

/// Fills a weight; fan_in is its rows for layout::in_out views, else its cols.
template <class T>
void initialize(tensor_ref<T> w, const init& how, std::mt19937_64& rng) {
  const std::size_t fan_in = w.fan_in();
  const double fan = static_cast<double>(fan_in == 0 ? 1 : fan_in);
  switch (how.type) {
    case init::kind::he_normal: {
      const double sd = std::sqrt(2.0 / fan);
      for (auto& v : w.span()) v = static_cast<T>(sd * standard_normal(rng));
      return;
    }
    case init::kind::he_uniform:
    case init::kind::uniform: {
      const double a = how.type == init::kind::uniform ? how.scale : std::sqrt(6.0 / fan);
      if (!(a >= 0.0) || !std::isfinite(a))
        throw std::invalid_argument("sutro::nn::initialize: uniform(a) needs a finite a >= 0, got " +
                                    sutro::detail::number_text(a));
      if (!std::isfinite(static_cast<T>(a)))
        throw std::invalid_argument("sutro::nn::initialize: uniform(a) needs a within the weights' type's range, got " +
                                    sutro::detail::number_text(a));
      for (auto& v : w.span()) v = static_cast<T>(a * (2.0 * uniform01(rng) - 1.0));
      return;
    }
    case init::kind::sparse: {
      if (how.nonzeros == 0 || how.nonzeros > fan_in)
        throw std::invalid_argument("sutro::nn::initialize: sparse(" + std::to_string(how.nonzeros) + ") needs 1.." +
                                    std::to_string(fan_in) + " nonzeros for fan_in " + std::to_string(fan_in));
      const double sd = std::sqrt(2.0 / static_cast<double>(how.nonzeros));
      for (auto& v : w.span()) v = T(0);
      const std::size_t units = w.size() / (fan_in ? fan_in : 1);
      std::vector<std::size_t> idx(fan_in);
      for (std::size_t u = 0; u < units; ++u) {
        // Partial Fisher-Yates over the inputs picks k distinct ones.
        for (std::size_t c = 0; c < fan_in; ++c) idx[c] = c;
        for (std::size_t j = 0; j < how.nonzeros; ++j) {
          std::swap(idx[j], idx[j + uniform_index(rng, fan_in - j)]);
          const T v = static_cast<T>(sd * standard_normal(rng));
          if (w.weight_layout == layout::in_out)
            w(idx[j], u) = v;
          else
            w(u, idx[j]) = v;
        }
      }
      return;
    }
    case init::kind::zeros:
      for (auto& v : w.span()) v = T(0);
      return;
  }
  throw std::invalid_argument("sutro::nn::initialize: init kind " + std::to_string(static_cast<int>(how.type)) +
                              " is not he_normal, he_uniform, uniform, sparse or zeros");
}

}  // namespace sutro::nn
