// Generating sparse parity / sum / AND data: packed and dense forms, splits,
// streaming in chunks, and export to / import from numpy's .npy.
#include <cstdio>
#include <filesystem>
#include <vector>

#include "sutro/io/npy.hpp"
#include "sutro/tasks/sparse_task.hpp"

int main() {
  using namespace sutro::tasks;
  // [generate]
  auto task = sparse_parity(20, 3, /*seed=*/42);  // +-1 encoding, noiseless
  std::printf("secret: %u %u %u\n", task.secret()[0], task.secret()[1], task.secret()[2]);
  packed_samples train = task.packed(split::train, 500);  // bits + int32 labels
  dense_samples test = task.dense(split::test, 500);      // floats, from seed + 1000, clean
  std::printf("train row 0: word %016llx label %d; test row 0: x0 = %+.0f, y = %+.0f\n",
              static_cast<unsigned long long>(train.row(0)[0]), train.labels[0], test.row(0)[0], test.y[0]);
  // [generate]

  // [variants]
  auto noisy = sparse_parity(20, 3, 42, {.noise = 0.1});              // 10% train labels flipped
  auto bits = sparse_parity(20, 3, 42, {.enc = encoding::zero_one});  // y = XOR of b_i
  auto sum = sparse_sum(20, 3, 42);                                   // y = sum of x_i in {-3..3}
  auto conj = sparse_and(20, 3, 42);                                  // y = prod (x_i + 1) / 2
  std::printf("first labels: noisy %d, 0/1 %d, sum %d, and %d\n", noisy.packed(split::train, 1).labels[0],
              bits.packed(split::train, 1).labels[0], sum.packed(split::train, 1).labels[0],
              conj.packed(split::train, 1).labels[0]);
  // [variants]

  // [stream]
  // A million samples in chunks of 65536 rows; sample i is the same however it is chunked.
  std::uint64_t ones = 0;
  task.for_each_chunk(split::train, 1'000'000, 65536, [&](std::uint64_t /*first*/, const packed_samples& c) {
    for (std::size_t i = 0; i < c.count; ++i) ones += c.label_bit(i);
  });
  std::printf("odd-parity labels in 10^6 samples: %llu\n", static_cast<unsigned long long>(ones));
  // [stream]

  // [npy]
  namespace npy = sutro::io::npy;
  const auto dir = std::filesystem::temp_directory_path();
  auto d = sparse_task::to_dense(train);
  std::vector<double> x(d.x.begin(), d.x.end()), y(d.y.begin(), d.y.end());
  npy::write<double>((dir / "sutro_X.npy").string(), {d.count, d.spec.n}, std::span<const double>(x));
  npy::write<double>((dir / "sutro_y.npy").string(), {d.count}, std::span<const double>(y));
  auto X = npy::read<double>((dir / "sutro_X.npy").string());  // np.load("sutro_X.npy") in Python
  std::printf("X.npy: %zu x %zu, equal: %s\n", X.shape[0], X.shape[1], X.data == x ? "yes" : "no");
  // [npy]
  std::filesystem::remove(dir / "sutro_X.npy");
  std::filesystem::remove(dir / "sutro_y.npy");
  return X.data == x ? 0 : 1;
}
