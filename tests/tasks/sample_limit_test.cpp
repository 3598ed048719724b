// Sample counts past what a packed_samples / dense_samples can hold are
// refused by sutro with the count and the limit, not by std::vector's
// "cannot create std::vector larger than max_size()".
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro;
using sutro::testing::thrown_message;
using tasks::split;

TEST_CASE("tasks: a sample count past the packed or dense limit names the count and the limit", "[tasks][misuse]") {
  const auto task = tasks::sparse_parity(20, 3, 1);
  const std::size_t huge = std::size_t{1} << 62;
  const std::size_t packed_limit = tasks::sparse_task::max_packed_count(20);
  const std::size_t dense_limit = tasks::sparse_task::max_dense_count(20);
  REQUIRE(huge > packed_limit);
  CHECK(packed_limit == tasks::sample_vector<std::uint64_t>().max_size());  // one word a row
  CHECK(dense_limit == tasks::sample_vector<float>().max_size() / 20);
  CHECK(tasks::sparse_task::max_packed_count(200) == tasks::sample_vector<std::uint64_t>().max_size() / 4);

  CHECK(thrown_message<std::length_error>([&] { (void)task.packed(split::train, huge); }) ==
        "sutro::tasks::sparse_task::packed: count = 4611686018427387904 samples exceeds the limit of " +
            std::to_string(packed_limit) + " for n = 20 (packed rows within std::vector's max_size)");
  CHECK(thrown_message<std::length_error>([&] { (void)task.dense(split::test, huge); }) ==
        "sutro::tasks::sparse_task::dense: count = 4611686018427387904 samples exceeds the limit of " +
            std::to_string(dense_limit) + " for n = 20 (dense rows within std::vector's max_size)");
  // Past the dense limit but within the packed one: dense() refuses before making the packed rows.
  CHECK(thrown_message<std::length_error>([&] {
          (void)task.dense(split::train, dense_limit + 1);
        }).find("sutro::tasks::sparse_task::dense: count = " + std::to_string(dense_limit + 1)) == 0);
  CHECK(thrown_message<std::length_error>([&] {
          task.for_each_chunk(split::train, huge, huge, [](std::uint64_t, const tasks::packed_samples&) {});
        }).find("sutro::tasks::sparse_task::for_each_chunk: chunk = 4611686018427387904 samples exceeds the limit") ==
        0);
  // A count whose words wrap size_t keeps its own message.
  CHECK(thrown_message<std::length_error>([] {
          (void)tasks::sparse_parity(200, 3, 1).packed(split::train, std::size_t{1} << 62);
        }) == "sutro::tasks::sparse_task::packed: 4611686018427387904 samples x 4 words overflow size_t");
  // Counts within the limits are untouched.
  CHECK(task.packed(split::train, 3).count == 3);
  CHECK(task.dense(split::train, 3).count == 3);
}
