// nn::recorded_mlp: the traced forward, backward and optimizer step give the untraced
// results bit for bit (against the build's default kernels), count exactly the
// element accesses a hand count predicts, and offer no way to a raw pointer.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/recorded_mlp.hpp"
#include "sutro/optim/optimizers.hpp"

namespace nn = sutro::nn;
namespace mem = sutro::memory;

namespace {
template <class X>
concept has_flat_params = requires(X& x) {
  x.flat_params();
};
template <class X>
concept has_param_refs = requires(X& x) {
  x.params()[0].data;
};
template <class X>
concept has_data = requires(X& x) {
  x.data();
};
template <class X>
concept releasable_from_lvalue = requires(X& x) {
  x.release();
};
template <class X>
concept addressable = requires(X x) {
  &x;
};

struct batch_data {
  std::vector<float> x, y;
};
batch_data make_batch(std::size_t batch, std::size_t n, std::uint64_t seed, bool with_zeros) {
  batch_data d{std::vector<float>(batch * n), std::vector<float>(batch)};
  std::uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
  auto next = [&] { return (s = s * 6364136223846793005ull + 1442695040888963407ull) >> 33; };
  for (auto& v : d.x) v = with_zeros && next() % 4 == 0 ? 0.0f : (next() % 2 ? 1.0f : -1.0f);
  for (auto& v : d.y) v = next() % 2 ? 1.0f : -1.0f;
  return d;
}

// Bit for bit in optimized (NDEBUG) builds: there GCC contracts the raw
// kernels' a * b + c into fused multiply-adds, as the traced kernels and the
// simd ones fuse explicitly. Unoptimized-contraction builds (the -O1 sanitizer
// build) round those sums once more: equal to rounding there (gradients
// that cancel to near 0 get an absolute 1e-6).
bool same_value(float a, float b) {
#if defined(NDEBUG)
  return a == b;
#else
  return a == b || std::fabs(a - b) <= 1e-4f * (std::fabs(a) + std::fabs(b)) + 1e-6f;
#endif
}
template <class A, class B>
bool same_bits(const A& a, const B& b, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (!same_value(float(a[i]), float(b[i]))) return false;
  return true;
}
}  // namespace

TEST_CASE("traced mlp: no raw pointer", "[nn][traced]") {
  using TN = nn::recorded_mlp<float>;
  STATIC_REQUIRE(!has_flat_params<TN>);
  STATIC_REQUIRE(!has_param_refs<TN>);
  STATIC_REQUIRE(!has_data<TN::flat_view>);
  STATIC_REQUIRE(!releasable_from_lvalue<TN>);
  STATIC_REQUIRE(!addressable<TN::flat_view::reference>);
  STATIC_REQUIRE(!std::is_convertible_v<TN::flat_view::reference, float&>);
  STATIC_REQUIRE(std::is_same_v<mem::handle_t<float, mem::default_accessor<float>>, float*>);
}

TEST_CASE("traced mlp: loss, gradients and SGD step bit-identical to the untraced network", "[nn][traced]") {
  for (auto act : {nn::activation::relu, nn::activation::tanh, nn::activation::leaky_relu, nn::activation::sigmoid})
    for (const std::vector<std::size_t>& hidden :
         {std::vector<std::size_t>{1}, std::vector<std::size_t>{17}, std::vector<std::size_t>{64},
          std::vector<std::size_t>{65, 33}, std::vector<std::size_t>{200}})
      for (std::size_t batch : {1u, 7u, 32u})
        for (auto kind : {nn::loss::hinge, nn::loss::mse}) {
          INFO(nn::to_string(act) << " hidden " << hidden[0] << (hidden.size() > 1 ? "+" : "") << " batch " << batch);
          const nn::mlp_config cfg{.inputs = 20, .hidden = hidden, .act = act};
          const auto d = make_batch(batch, 20, hidden[0] + batch, act == nn::activation::relu);
          nn::mlp<float> ref(cfg, 5);
          mem::trace t;
          nn::recorded_mlp<float> net(cfg, 5, t);
          for (int step = 0; step < 2; ++step) {
            const float l_ref = ref.loss_and_gradient(d.x, d.y, batch, kind);
            const float l = net.loss_and_gradient(d.x, d.y, batch, kind);
            CHECK(same_value(l, l_ref));
            CHECK(same_bits(net.grads(), ref.flat_grads(), ref.parameter_count()));
            const auto rule = sutro::optim::sgd({.lr = 0.1, .weight_decay = 0.01});
            auto state = rule.init(ref.params());
            rule.update_and_apply(ref.grads(), state, ref.params());
            auto traced_state = net.init_state(rule);
            net.step(rule, traced_state);
            CHECK(same_bits(net.params(), ref.flat_params(), ref.parameter_count()));
            CHECK(same_bits(net.grads(), ref.flat_grads(), ref.parameter_count()));
          }
          std::vector<float> f_ref(batch), f(batch);
          ref.forward(d.x, batch, f_ref);
          net.forward(d.x, batch, f);
          CHECK(same_bits(f, f_ref, batch));
          CHECK(t.reads() > 0);
        }
}

TEST_CASE("traced mlp: forward hand count (2-3-1 ReLU, one sample)", "[nn][traced]") {
  // Narrow layer (3 outputs): 3 bias reads and 3 writes of z; per nonzero
  // input x_i: 1 read of x_i, then axpy: 3 reads of W's row, 3 reads and 3
  // writes of z (a zero input costs its 1 read only); ReLU: 3 reads, 3
  // writes; output: 1 read of b_out, 3 reads of z and 3 of w_out, 1 write of
  // f; copy to out: 1 read of f, 1 write.
  for (bool zero : {false, true}) {
    mem::trace t;
    nn::recorded_mlp<float> net({.inputs = 2, .hidden = {3}}, 1, t);
    net.reserve(1);
    const std::vector<float> x{1.0f, zero ? 0.0f : -1.0f};
    float out = 0;
    net.forward(x, 1, std::span<float>(&out, 1));
    const std::uint64_t nz = zero ? 1 : 2;
    CHECK(t.reads() == 3 + 2 + nz * 6 + 3 + 1 + 6 + 1);
    CHECK(t.writes() == 3 + nz * 3 + 3 + 1 + 1);
    nn::mlp<float> ref({.inputs = 2, .hidden = {3}}, 1);
    float out_ref = 0;
    ref.forward(x, 1, std::span<float>(&out_ref, 1));
    CHECK(same_value(out, out_ref));
  }
}

TEST_CASE("traced mlp: SGD step hand count and release", "[nn][traced]") {
  mem::trace t;
  nn::recorded_mlp<float> net({.inputs = 4, .hidden = {5}}, 2, t);
  const std::size_t n = net.parameter_count();
  const auto rule = sutro::optim::sgd({.lr = 0.1, .weight_decay = 0.0});
  auto state = net.init_state(rule);
  net.step(rule, state);  // one fused pass: read u and W, write both
  CHECK(t.reads() == 2 * n);
  CHECK(t.writes() == 2 * n);
  std::unique_ptr<nn::mlp<float>> plain = std::move(net).release();
  REQUIRE(plain);
  CHECK(plain->parameter_count() == n);
  CHECK_THROWS_AS(nn::recorded_mlp<float>(std::unique_ptr<nn::mlp<float>>(), t), std::invalid_argument);
}
