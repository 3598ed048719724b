// The adapter from sutro::tasks samples to nn datasets, against the tasks'
// own dense form and the packed bits read one by one.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/task_data.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/optim/optimizers.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace nn = sutro::nn;
namespace tasks = sutro::tasks;

namespace {
float expected_label(const tasks::packed_samples& p, std::size_t i, bool signed_form) {
  const std::int32_t y = p.labels[i];
  return signed_form && y == 0 ? -1.0f : static_cast<float>(y);
}

void check_task(const tasks::sparse_task& task, std::size_t count) {
  const auto packed = task.packed(tasks::split::train, count);
  const auto dense = task.dense(tasks::split::train, count);
  const std::size_t n = packed.spec.n;
  const bool signed_form = packed.spec.kind != tasks::task_kind::sum;
  const bool pm = packed.spec.enc == tasks::encoding::plus_minus_one;
  const auto a = nn::to_dataset<float>(packed);
  const auto b = nn::to_dataset<float>(dense);
  const auto c = nn::to_dataset<double>(packed);
  REQUIRE(a.rows() == count);
  REQUIRE(a.features == n);
  REQUIRE(a.x.size() == count * n);
  CHECK(a.x == b.x);
  CHECK(a.y == b.y);
  CHECK(a.loss_kind == (signed_form ? nn::loss::hinge : nn::loss::mse));
  CHECK(a.regression == !signed_form);
  for (std::size_t i = 0; i < count; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      const float want = packed.bit(i, j) ? (pm ? -1.0f : 1.0f) : (pm ? 1.0f : 0.0f);
      CHECK(a.x[i * n + j] == want);
      CHECK(a.x[i * n + j] == dense.x[i * n + j]);
      CHECK(c.x[i * n + j] == static_cast<double>(want));
    }
    CHECK(a.y[i] == expected_label(packed, i, signed_form));
    CHECK(c.y[i] == static_cast<double>(expected_label(packed, i, signed_form)));
  }
  CHECK_NOTHROW(nn::check_labels(a.loss_kind, std::span<const float>(a.y)));
  const auto view = a.view();
  CHECK(view.rows() == count);
  CHECK(view.features == n);
  const auto raw = nn::view_of(dense);
  CHECK(raw.rows() == count);
  CHECK(raw.x.data() == dense.x.data());
  const auto as_is = nn::to_dataset<float>(packed, nn::label_form::as_is);
  for (std::size_t i = 0; i < count; ++i) CHECK(as_is.y[i] == static_cast<float>(packed.labels[i]));
}
}  // namespace

TEST_CASE("to_dataset decodes packed and dense samples, every kind and encoding", "[nn][tasks]") {
  for (const auto enc : {tasks::encoding::plus_minus_one, tasks::encoding::zero_one})
    for (const std::size_t n : {std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{65}, std::size_t{130}})
      for (const std::size_t count : {std::size_t{1}, std::size_t{63}, std::size_t{64}, std::size_t{65}}) {
        const std::size_t k = n == 1 ? 1 : 3;
        INFO("n " << n << " count " << count << " encoding " << tasks::to_string(enc));
        check_task(tasks::sparse_parity(n, k, 42, {.enc = enc}), count);
        check_task(tasks::sparse_sum(n, k, 42, {.enc = enc}), count);
        check_task(tasks::sparse_and(n, k, 42, {.enc = enc}), count);
        check_task(tasks::sparse_majority(n, k, 42, {.enc = enc}), count);
      }
  // No rows (tasks draws at least one; an empty set can still arrive from a caller).
  tasks::packed_samples none;
  none.spec.n = 65;
  none.row_words = 2;
  const auto empty = nn::to_dataset<float>(none);
  CHECK((empty.rows() == 0 && empty.x.empty() && empty.features == 65 && empty.view().rows() == 0));
  CHECK_THROWS_AS(nn::to_dataset<float>(tasks::sparse_sum(20, 3, 1).packed(tasks::split::train, 10),
                                        nn::label_form::plus_minus_one),
                  std::invalid_argument);
  auto broken = tasks::sparse_parity(20, 3, 1).packed(tasks::split::train, 10);
  broken.labels.pop_back();
  CHECK_THROWS_AS(nn::to_dataset<float>(broken), std::invalid_argument);
  // A row_words whose product with count wraps, and a bit at or above n
  // (which decoding would drop), are refused.
  auto wrapping = tasks::sparse_parity(20, 3, 1).packed(tasks::split::train, 2);
  wrapping.row_words = (std::size_t{1} << 63) + 1;
  CHECK_THROWS_AS(nn::to_dataset<float>(wrapping), std::invalid_argument);
  auto past_n = tasks::sparse_parity(20, 3, 1).packed(tasks::split::train, 2);
  past_n.words[1] |= std::uint64_t{1} << 40;
  try {
    (void)nn::to_dataset<float>(past_n);
    FAIL("a bit at column 40 of a 20-bit row was accepted");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) == "sutro::nn::to_dataset: row 1 has bits set at or above n = 20");
  }
}

TEST_CASE("tasks data trains through the adapter; sparse AND's 0/1 labels need it", "[nn][tasks]") {
  const auto task = tasks::sparse_and(20, 3, 7);
  const auto train = task.dense(tasks::split::train, 200);
  const auto test = task.dense(tasks::split::test, 100);
  nn::mlp<float> net({.inputs = 20, .hidden = {32}}, 1);
  const nn::train_options o{.epochs = 2, .stop_when_solved = false};
  // The raw view keeps AND's 0/1 labels, which the hinge loss does not take.
  CHECK_THROWS_AS(nn::train(net, sutro::optim::sgd({.lr = 0.1}), nn::view_of(train), nn::view_of(test), o),
                  std::invalid_argument);
  const auto a = nn::to_dataset<float>(train), b = nn::to_dataset<float>(test);
  const auto r = nn::train(net, sutro::optim::sgd({.lr = 0.1}), a.view(), b.view(), o);
  CHECK(r.epochs == 2);
  CHECK(r.status == nn::train_status::trained);

  // Sparse sum: mse and regression, as the dataset says.
  const auto sum = tasks::sparse_sum(20, 3, 7);
  const auto s_train = nn::to_dataset<float>(sum.packed(tasks::split::train, 200));
  const auto s_test = nn::to_dataset<float>(sum.packed(tasks::split::test, 100));
  REQUIRE(s_train.regression);
  const auto rs = nn::train(
      net, sutro::optim::sgd({.lr = 0.01}), s_train.view(), s_test.view(),
      {.epochs = 2, .loss_kind = s_train.loss_kind, .target = nn::target_kind::regression, .stop_when_solved = false});
  CHECK(rs.epochs == 2);
}
