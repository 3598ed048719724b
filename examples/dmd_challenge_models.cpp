// The group's two challenge cost models: a sutro-problems program scored by
// its static addresses, and a C++ solver re-scored under the sparse-parity
// challenge evaluator's clock DMC. docs/metrics.md shows this file.
#include <cstdint>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "sutro/metrics/dmd/clock_dmc_challenge.hpp"
#include "sutro/metrics/dmd/static_address_problems.hpp"

int main() {
  using namespace sutro::metrics::dmd;

  // [static] The README's 1x1 product: A at 1, B at 2, C = A * B at 3.
  const auto p = parse_static("1,2\nmul 3,1,2\n3", ir_dialect::v0);
  std::printf("1x1 matmul: cost %llu over %llu reads, C = %lld\n", static_cast<unsigned long long>(p.cost),
              static_cast<unsigned long long>(p.reads),
              static_cast<long long>(run_static(p, std::vector<std::int64_t>{1, 3})[0]));
  std::printf("score_matmul: %llu\n", static_cast<unsigned long long>(score_matmul("1,2;mul 3,1,2;3", 1)));  // 5
  // Mirror pairs compared in place, ANDed into address 1 (symmetry's baseline).
  const char* six = "1,2,3,4,5,6\ncmp 1,1,6,eq\ncmp 2,2,5,eq\ncmp 3,3,4,eq\nand 1,2\nand 1,3\n1";
  std::printf("score_symmetry: %llu\n", static_cast<unsigned long long>(score_symmetry(six, 6)));  // 20
  try {
    (void)parse_static("1,2\nmul 3,1,7\n3", ir_dialect::v0);
  } catch (const std::invalid_argument& e) {
    std::printf("%s\n", e.what());  // ...: line 2, token '7': reads an address never written
  }
  // [static]

  // [clock] A solver prices its own tracked accesses. The passive 22-row
  // entry reads x[:22] and y[:22] (TrackedArray writes each slice as a new
  // buffer) and works on the copies untracked; a brute-force check over the
  // 22 rows stands in for its elimination (same accesses, same DMC).
  auto passive = [](clock_dmc& t, const challenge_data& d) {
    t.read(d.x_buffer, 22 * 20);
    t.write("_slice_1", 22 * 20);
    t.read(d.y_buffer, 22);
    t.write("_slice_2", 22);
    for (int a = 0; a < 20; ++a)
      for (int b = a + 1; b < 20; ++b)
        for (int c = b + 1; c < 20; ++c) {
          bool all = true;
          for (int r = 0; r < 22 && all; ++r) {
            const double* x = &d.x[static_cast<std::size_t>(r * 20)];
            all = x[a] * x[b] * x[c] == d.y[static_cast<std::size_t>(r)];
          }
          if (all) return std::vector<int>{a, b, c};
        }
    return std::vector<int>{};
  };
  const auto r = evaluate_sparse_parity_challenge(passive);
  std::printf("clock DMC %.1f, accuracy %.2f, passed %d\n", r.dmc, r.accuracy, r.passed);  // 45903.8, 1.00, 1
  // [clock]
  return 0;
}
