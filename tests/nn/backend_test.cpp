// nn::mlp<T, Backend>: the tag picks the kernels of the passes and of the
// optimizer rules train() runs (cpu::last_kernel_level() says which simd level
// ran, and a scalar network runs none), and every host backend trains to the
// scalar reference's bits, for every rule, raw and recorded.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "support/catch.hpp"
#include "sutro/backend/cpu.hpp"
#include "sutro/backend/dispatch.hpp"
#include "sutro/memory/trace.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/task_data.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace nn = sutro::nn;
namespace optim = sutro::optim;
namespace cpu = sutro::cpu;
namespace tasks = sutro::tasks;

namespace {

const nn::mlp_config config{.inputs = 16, .hidden = {24}};

struct data {
  nn::task_dataset<float> train, test;
};
const data& parity_data() {
  static const data d = [] {
    const auto task = tasks::sparse_parity(16, 3, 42);
    return data{nn::to_dataset<float>(task.packed(tasks::split::train, 160)),
                nn::to_dataset<float>(task.dense(tasks::split::test, 64))};
  }();
  return d;
}

bool same_bits(std::span<const float> a, std::span<const float> b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0);
}

struct trained {
  std::vector<float> params;
  nn::train_result result;
};

template <class Backend, class Rule>
trained train_on(const Rule& rule, std::size_t epochs) {
  nn::mlp<float, Backend> net(config, 7);
  const nn::train_options opt{.epochs = epochs, .batch = 32, .seed = 5, .stop_when_solved = false};
  const auto r = nn::train(net, rule, parity_data().train.view(), parity_data().test.view(), opt);
  return {std::vector<float>(net.flat_params().begin(), net.flat_params().end()), r};
}

// A level no kernel reports for this test: generic if the CPU runs a simd level.
cpu::level sentinel() { return cpu::active_level() == cpu::level::generic ? cpu::level::sse2 : cpu::level::generic; }

template <cpu::level L>
using pinned = sutro::simd_on<sutro::level_arch<L>>;
using all_levels = std::integer_sequence<cpu::level, cpu::level::generic, cpu::level::sse2, cpu::level::avx2,
                                         cpu::level::avx512, cpu::level::avx512_gfni>;

template <class Rule>
void check_backends_agree(const Rule& rule, const char* name) {
  INFO(name);
  const trained ref = train_on<sutro::scalar>(rule, 3);
  REQUIRE(ref.result.epochs == 3);
  const trained best = train_on<sutro::simd>(rule, 3);
  CHECK(same_bits(best.params, ref.params));
  CHECK(best.result.test_accuracy == ref.result.test_accuracy);
  CHECK(best.result.train_loss == ref.result.train_loss);
  if constexpr (cpu::dispatch_compiled) {
    [&]<cpu::level... L>(std::integer_sequence<cpu::level, L...>) {
      (([&] {
         if (!cpu::supports(L)) return;
         INFO("pinned to " << cpu::name(L));
         const trained t = train_on<pinned<L>>(rule, 3);
         CHECK(cpu::last_kernel_level() == L);
         CHECK(same_bits(t.params, ref.params));
       }()),
       ...);
    }
    (all_levels{});
  }
}

}  // namespace

TEST_CASE("nn::mlp: the backend tag is the network's type, named or deduced", "[nn][backend]") {
  static_assert(std::is_same_v<nn::mlp<float>, nn::mlp<float, sutro::default_backend>>);
  nn::mlp by_tag(sutro::scalar{}, config, 1);
  static_assert(std::is_same_v<decltype(by_tag), nn::mlp<float, sutro::scalar>>);
  static_assert(std::is_same_v<decltype(by_tag)::backend_type, sutro::scalar>);
  nn::mlp<float, sutro::scalar> named(config, 1);
  CHECK(same_bits(by_tag.flat_params(), named.flat_params()));
}

TEST_CASE("nn::mlp: a scalar network runs no simd kernel, a pinned one runs its level", "[nn][backend]") {
  const auto& d = parity_data();
  const std::size_t batch = 32;
  std::vector<float> out(batch);
  const std::span<const float> x(d.train.view().x.data(), batch * config.inputs);
  const std::span<const float> y(d.train.view().y.data(), batch);

  nn::mlp<float, sutro::scalar> ref(config, 3);
  cpu::detail::note_kernel(sentinel());
  ref.forward(x, batch, out);
  const float ref_loss = ref.loss_and_gradient(x, y, batch, nn::loss::hinge);
  CHECK(cpu::last_kernel_level() == sentinel());

  if constexpr (cpu::dispatch_compiled) {
    for (const cpu::level l : cpu::all_levels) {
      if (!cpu::supports(l)) continue;
      INFO("level " << cpu::name(l));
      cpu::detail::note_kernel(l == sentinel() ? cpu::level::sse2 : sentinel());
      float loss = 0;
      [&]<cpu::level... L>(std::integer_sequence<cpu::level, L...>) {
        ((l == L ? void(loss = nn::mlp<float, pinned<L>>(config, 3).loss_and_gradient(x, y, batch, nn::loss::hinge))
                 : void()),
         ...);
      }
      (all_levels{});
      CHECK(cpu::last_kernel_level() == l);
      CHECK(loss == ref_loss);
    }
  }
}

TEST_CASE("nn::mlp: every host backend trains to the scalar bits, for every rule", "[nn][backend]") {
  check_backends_agree(optim::sgd({.lr = 0.05}), "sgd");
  check_backends_agree(optim::nesterov({.lr = 0.02, .beta = 0.9}), "nesterov");
  check_backends_agree(optim::adam({.lr = 0.01}), "adam");
  check_backends_agree(optim::egd({.lr = 0.05}), "egd");
  check_backends_agree(optim::muon({.lr = 0.02}), "muon");
}

TEST_CASE("nn::mlp: a recorded scalar training gives the raw scalar bits", "[nn][backend][trace]") {
  const auto rule = optim::egd({.lr = 0.05});
  const trained raw = train_on<sutro::scalar>(rule, 2);
  nn::mlp<float, sutro::scalar> net(config, 7);
  sutro::memory::trace t;
  const nn::train_options opt{.epochs = 2, .batch = 32, .seed = 5, .stop_when_solved = false};
  const auto rec = nn::train_recorded(net, rule, parity_data().train.view(), parity_data().test.view(), opt, t);
  CHECK(rec.update_recorded);
  CHECK(t.reads() > 0);
  CHECK(same_bits(net.flat_params(), raw.params));
  CHECK(rec.result.test_accuracy == raw.result.test_accuracy);
}
