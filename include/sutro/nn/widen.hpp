#pragma once
// First-layer widening, the step of the group's n-curriculum (SutroYaro,
// exp_curriculum): train at a small n, then give W1 more input rows and keep
// training on the larger input. The old rows and every other parameter are
// copied; the new rows are drawn N(0, (scale * sqrt(2 / new_n))^2), the
// group's `expand_W1` (scale 0.1), or are zero with scale 0. So on inputs
// whose new columns are zero the widened network computes what the old one did.
//
//   sutro::nn::mlp<float> small({.inputs = 10, .hidden = {200}}, 42);
//   // ... train small ...
//   sutro::nn::mlp<float> wide(sutro::nn::widened_config(small, 50), 42);
//   sutro::nn::widen_inputs(small, wide, {.scale = 0.1, .seed = 7});
//   // wide: 50 inputs, the first 10 as `small` learned them; a new optimizer state follows.
//
// mlp is neither copyable nor movable (its layer views point into its
// buffers), so the widened network is one the caller constructs, from
// widened_config(); widen_inputs overwrites all of its parameters.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <string>

#include "sutro/config/number_text.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/random.hpp"

namespace sutro::nn {

struct widen_options {
  double scale = 0.1;      ///< new rows ~ N(0, (scale sqrt(2 / new_n))^2); 0: zeros
  std::uint64_t seed = 0;  ///< draws of the new rows
};

/// `net`'s configuration with `new_n` inputs. Throws std::invalid_argument when new_n < net.inputs().
template <class T, class Backend, class Alloc>
[[nodiscard]] mlp_config widened_config(const mlp<T, Backend, Alloc>& net, std::size_t new_n) {
  if (new_n < net.inputs())
    throw std::invalid_argument("sutro::nn::widened_config: new_n = " + std::to_string(new_n) +
                                " is below the network's " + std::to_string(net.inputs()) + " inputs");
  mlp_config c = net.config();
  c.inputs = new_n;
  return c;
}

/// Writes `from`, widened to `to.inputs()` inputs, into `to` (see the header
/// comment). Throws std::invalid_argument (prefix sutro::nn::widen_inputs)
/// when `to` has fewer inputs than `from`, other hidden layers or another
/// activation, or when scale is negative or not finite. Strong guarantee:
/// everything is checked before `to` is written, and nothing after throws.
template <class T, class Backend, class Alloc>
void widen_inputs(const mlp<T, Backend, Alloc>& from, mlp<T, Backend, Alloc>& to,
                  const widen_options& o = widen_options{}) {
  const std::size_t old_n = from.inputs(), new_n = to.inputs();
  if (new_n < old_n)
    throw std::invalid_argument("sutro::nn::widen_inputs: new_n = " + std::to_string(new_n) +
                                " is below the old network's " + std::to_string(old_n) + " inputs");
  if (to.config().hidden != from.config().hidden || to.config().act != from.config().act) {
    std::string a, b;
    for (auto h : from.config().hidden) a += (a.empty() ? "" : ", ") + std::to_string(h);
    for (auto h : to.config().hidden) b += (b.empty() ? "" : ", ") + std::to_string(h);
    throw std::invalid_argument("sutro::nn::widen_inputs: hidden layers [" + a + "] widened into [" + b + "]" +
                                (to.config().act != from.config().act ? " with another activation" : ""));
  }
  if (!(o.scale >= 0.0) || !std::isfinite(o.scale))
    throw std::invalid_argument("sutro::nn::widen_inputs: scale must be >= 0 and finite, got " +
                                sutro::detail::number_text(o.scale));
  // A draw of standard_normal stays below 9 in magnitude (Box-Muller on 53-bit uniforms).
  if (!std::isfinite(
          static_cast<T>(9.0 * o.scale * std::sqrt(2.0 / static_cast<double>(std::max<std::size_t>(new_n, 1))))))
    throw std::invalid_argument("sutro::nn::widen_inputs: scale " + sutro::detail::number_text(o.scale) +
                                " would draw weights past the network's floating type's range");
  if (static_cast<const void*>(&from) == static_cast<const void*>(&to)) return;  // same inputs: nothing to widen

  const std::size_t h = from.config().hidden.front();
  const auto& src_params = from.params();
  const T* src = src_params.front().data;  // W1 (old_n x h) first, then the rest, contiguous
  const std::size_t total = from.parameter_count();
  T* dst = to.params().front().data;
  const std::size_t old_w1 = old_n * h, new_rows = (new_n - old_n) * h;
  for (std::size_t i = 0; i < old_w1; ++i) dst[i] = src[i];
  // Row i of W1 (in x out layout) holds input i's weights to the h units.
  std::mt19937_64 rng(o.seed);
  const double sd = o.scale * std::sqrt(2.0 / static_cast<double>(new_n));
  for (std::size_t i = 0; i < new_rows; ++i)
    dst[old_w1 + i] = o.scale == 0.0 ? T(0) : static_cast<T>(sd * standard_normal(rng));
  for (std::size_t i = old_w1; i < total; ++i) dst[new_rows + i] = src[i];
}

}  // namespace sutro::nn
