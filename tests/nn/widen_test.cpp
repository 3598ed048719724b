// First-layer widening: the parameters land where the layout says, the new
// rows are the group's draw (or zero), the widened network's outputs on
// inputs whose new columns are zero equal the old ones bit for bit, and
// misuse throws with the prefix, leaving the target untouched.
#include <cmath>
#include <cstddef>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/random.hpp"
#include "sutro/nn/widen.hpp"

namespace nn = sutro::nn;

namespace {
std::vector<float> snapshot(nn::mlp<float>& net) {
  auto p = net.flat_params();
  return {p.begin(), p.end()};
}

// Random +-1 rows of `old_n` columns, followed by `extra` zero columns.
std::vector<float> rows(std::size_t batch, std::size_t old_n, std::size_t extra, std::mt19937_64& rng) {
  std::vector<float> x(batch * (old_n + extra), 0.0f);
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t j = 0; j < old_n; ++j) x[b * (old_n + extra) + j] = (rng() & 1) ? 1.0f : -1.0f;
  return x;
}
}  // namespace

TEST_CASE("widen_inputs: layout, new rows and equal outputs on zero new columns", "[nn][widen]") {
  std::mt19937_64 rng(3);
  for (std::size_t hidden : {1u, 63u, 64u, 65u})
    for (std::size_t extra : {0u, 1u, 63u, 64u, 65u})
      for (const std::vector<std::size_t>& layers :
           {std::vector<std::size_t>{hidden}, std::vector<std::size_t>{hidden, 7}})
        for (double scale : {0.1, 0.0}) {
          const std::size_t old_n = 10, new_n = old_n + extra;
          INFO("hidden " << hidden << ", layers " << layers.size() << ", extra " << extra << ", scale " << scale);
          nn::mlp<float> small({.inputs = old_n, .hidden = layers}, 42);
          // Nonzero biases, so that copying them is checked too.
          for (std::size_t l = 1; l < small.params().size(); l += 2)
            for (std::size_t i = 0; i < small.params()[l].size(); ++i)
              small.params()[l].data[i] = 0.01f * static_cast<float>(i % 7) - 0.02f;
          nn::mlp<float> wide(nn::widened_config(small, new_n), 7);
          CHECK(wide.inputs() == new_n);
          nn::widen_inputs(small, wide, {.scale = scale, .seed = 99});

          // Reference: W1's old rows, then (new_n - old_n) x h draws in order, then the rest.
          const auto old_p = snapshot(small), got = snapshot(wide);
          const std::size_t h = hidden, w1 = old_n * h;
          std::vector<float> want(old_p.begin(), old_p.begin() + static_cast<std::ptrdiff_t>(w1));
          std::mt19937_64 draws(99);
          const double sd = scale * std::sqrt(2.0 / static_cast<double>(new_n));
          for (std::size_t i = 0; i < extra * h; ++i)
            want.push_back(scale == 0.0 ? 0.0f : static_cast<float>(sd * nn::standard_normal(draws)));
          want.insert(want.end(), old_p.begin() + static_cast<std::ptrdiff_t>(w1), old_p.end());
          REQUIRE(got.size() == want.size());
          std::size_t differ = 0;
          for (std::size_t i = 0; i < got.size(); ++i) differ += got[i] != want[i];
          CHECK(differ == 0);

          const std::size_t batch = 65;
          const auto x_old = rows(batch, old_n, 0, rng);
          std::vector<float> x_new(batch * new_n, 0.0f);
          for (std::size_t b = 0; b < batch; ++b)
            for (std::size_t j = 0; j < old_n; ++j) x_new[b * new_n + j] = x_old[b * old_n + j];
          std::vector<float> f_old(batch), f_new(batch);
          small.forward(x_old, batch, f_old);
          wide.forward(x_new, batch, f_new);
          std::size_t out_differ = 0;
          for (std::size_t b = 0; b < batch; ++b) out_differ += f_old[b] != f_new[b];
          CHECK(out_differ == 0);
        }
}

TEST_CASE("widen_inputs: misuse throws with the prefix and leaves the target as it was", "[nn][widen]") {
  nn::mlp<float> net({.inputs = 20, .hidden = {16}}, 1);
  try {
    (void)nn::widened_config(net, 10);
    FAIL("no exception");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) == "sutro::nn::widened_config: new_n = 10 is below the network's 20 inputs");
  }

  const auto expect_throw = [](const nn::mlp<float>& from, nn::mlp<float>& to, nn::widen_options o,
                               const std::string& prefix) {
    const auto before = snapshot(to);
    try {
      nn::widen_inputs(from, to, o);
      FAIL("no exception");
    } catch (const std::invalid_argument& e) {
      CHECK(std::string(e.what()).rfind(prefix, 0) == 0);
    }
    CHECK(snapshot(to) == before);
  };
  nn::mlp<float> narrower({.inputs = 10, .hidden = {16}}, 2);
  expect_throw(net, narrower, {}, "sutro::nn::widen_inputs: new_n = 10 is below the old network's 20 inputs");
  nn::mlp<float> other_hidden({.inputs = 30, .hidden = {17}}, 2);
  expect_throw(net, other_hidden, {}, "sutro::nn::widen_inputs: hidden layers [16] widened into [17]");
  nn::mlp<float> other_act({.inputs = 30, .hidden = {16}, .act = nn::activation::tanh}, 2);
  expect_throw(net, other_act, {}, "sutro::nn::widen_inputs: hidden layers [16] widened into [16] with another");
  nn::mlp<float> fine({.inputs = 30, .hidden = {16}}, 2);
  expect_throw(net, fine, {.scale = -1.0}, "sutro::nn::widen_inputs: scale must be >= 0");
  expect_throw(net, fine, {.scale = NAN}, "sutro::nn::widen_inputs: scale must be >= 0");

  // Widening a network into itself (same inputs) changes nothing.
  const auto before = snapshot(net);
  nn::widen_inputs(net, net);
  CHECK(snapshot(net) == before);
}
