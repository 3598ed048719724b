#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#include "sutro/tasks/batch.hpp"
#include "sutro/tasks/philox.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro::tasks;

TEST_CASE("philox4x32-10 matches the Random123 known-answer vectors", "[tasks][philox]") {
  auto r = philox4x32_10(philox_block{{0, 0, 0, 0}}, 0, 0);
  CHECK(r.v[0] == 0x6627e8d5u);
  CHECK(r.v[1] == 0xe169c58du);
  CHECK(r.v[2] == 0xbc57ac4cu);
  CHECK(r.v[3] == 0x9b00dbd8u);
  r = philox4x32_10(philox_block{{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}}, 0xffffffffu, 0xffffffffu);
  CHECK(r.v[0] == 0x408f276du);
  CHECK(r.v[1] == 0x41c83b0eu);
  CHECK(r.v[2] == 0xa20bc7c6u);
  CHECK(r.v[3] == 0x6d5451fdu);
  r = philox4x32_10(philox_block{{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}}, 0xa4093822u, 0x299f31d0u);
  CHECK(r.v[0] == 0xd16cfe09u);
  CHECK(r.v[1] == 0x94fdccebu);
  CHECK(r.v[2] == 0x5001e420u);
  CHECK(r.v[3] == 0x24126ea1u);
}

TEST_CASE("secret: k distinct sorted indices in [0, n), deterministic, roughly uniform", "[tasks]") {
  for (std::size_t n : {1u, 2u, 3u, 20u, 63u, 64u, 65u, 100u, 1000u})
    for (std::size_t k : {1u, 2u, 3u, 5u, 20u}) {
      if (k > n) continue;
      for (std::uint64_t seed = 0; seed < 20; ++seed) {
        auto s = make_secret(seed, n, k);
        REQUIRE(s.size() == k);
        REQUIRE(std::is_sorted(s.begin(), s.end()));
        REQUIRE(std::adjacent_find(s.begin(), s.end()) == s.end());
        REQUIRE(s.back() < n);
        REQUIRE(s == make_secret(seed, n, k));
      }
    }
  // Each index of [0, 20) is chosen with probability 3/20 over seeds.
  std::vector<int> hits(20, 0);
  const int seeds = 4000;
  for (int seed = 0; seed < seeds; ++seed)
    for (auto j : make_secret(static_cast<std::uint64_t>(seed), 20, 3)) ++hits[j];
  for (int h : hits) CHECK(std::abs(h - seeds * 3 / 20) < 5 * std::sqrt(seeds * 0.15 * 0.85));
}

TEST_CASE("bad parameters throw invalid_argument naming the values", "[tasks]") {
  CHECK_THROWS_AS(sparse_parity(0, 1, 1), std::invalid_argument);
  CHECK_THROWS_AS(sparse_parity(20, 0, 1), std::invalid_argument);
  CHECK_THROWS_AS(sparse_parity(3, 4, 1), std::invalid_argument);
  CHECK_THROWS_AS(sparse_parity(20, 3, 1, {.noise = 0.5}), std::invalid_argument);
  CHECK_THROWS_AS(sparse_parity(20, 3, 1, {.noise = -0.01}), std::invalid_argument);
  CHECK_THROWS_AS(sparse_sum(20, 3, 1, {.noise = std::nan("")}), std::invalid_argument);
  CHECK_THROWS_AS(sparse_parity(20, 3, 1).packed(split::train, 0), std::invalid_argument);
  try {
    (void)sparse_parity(3, 4, 1);
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();  // plain find: works with Catch2 v2 and v3
    CHECK(what.find("n=3") != std::string::npos);
    CHECK(what.find("k=4") != std::string::npos);
  }
}

namespace {
// Definition straight from the brief, on the +-1 values.
double reference_label(task_kind kind, encoding enc, const std::vector<double>& x_pm,
                       const std::vector<std::uint32_t>& secret, int t = 0) {
  double prod = 1, sum = 0, andv = 1;
  for (auto j : secret) {
    prod *= x_pm[j];
    sum += x_pm[j];
    andv *= (x_pm[j] + 1) / 2;
  }
  const bool pm = enc == encoding::plus_minus_one;
  switch (kind) {
    case task_kind::parity:
      return pm ? prod : (1 - prod) / 2;
    case task_kind::sum: {
      double s01 = 0;
      for (auto j : secret) s01 += (1 - x_pm[j]) / 2;
      return pm ? sum : s01;
    }
    case task_kind::and_: {
      double a01 = 1;
      for (auto j : secret) a01 *= (1 - x_pm[j]) / 2;
      return pm ? andv : a01;
    }
    case task_kind::majority:
    case task_kind::threshold: {
      // The group's rule on the +-1 sum; in 0/1 bit j = (1 - x_j) / 2 votes 2 b_j - 1.
      double votes01 = 0;
      for (auto j : secret) votes01 += 2 * ((1 - x_pm[j]) / 2) - 1;
      const int tt = kind == task_kind::majority ? 0 : t;
      return pm ? (sum >= tt ? 1 : -1) : (votes01 >= tt ? 1 : 0);
    }
  }
  return 0;
}
}  // namespace

TEST_CASE("labels match the definition in both encodings, odd and even k, every n", "[tasks]") {
  for (auto kind : {task_kind::parity, task_kind::sum, task_kind::and_, task_kind::majority, task_kind::threshold})
    for (auto enc : {encoding::plus_minus_one, encoding::zero_one})
      for (std::size_t n : {1u, 2u, 20u, 63u, 64u, 65u, 127u, 128u, 129u, 200u})
        for (std::size_t k : {1u, 2u, 3u, 4u, 5u}) {
          if (k > n) continue;
          auto task = make_task(kind, n, k, 7 + n + k, {.enc = enc});
          const int t = kind == task_kind::threshold ? int(k) - 1 : 0;
          for (auto s : {split::train, split::test}) {
            auto p = task.packed(s, 64);
            auto d = task.dense(s, 64);
            REQUIRE(p.row_words == (n + 63) / 64);
            for (std::size_t i = 0; i < 64; ++i) {
              std::vector<double> xpm(n);
              for (std::size_t j = 0; j < n; ++j) {
                xpm[j] = p.bit(i, j) ? -1.0 : 1.0;
                const float want = enc == encoding::plus_minus_one ? float(xpm[j]) : float(p.bit(i, j));
                REQUIRE(d.row(i)[j] == want);
              }
              if (n % 64) REQUIRE((p.row(i)[p.row_words - 1] >> (n % 64)) == 0u);  // padding zero
              const double y = reference_label(kind, enc, xpm, task.secret(), t);
              INFO(to_string(kind) << " " << to_string(enc) << " n=" << n << " k=" << k);
              REQUIRE(double(p.labels[i]) == y);
              REQUIRE(double(d.y[i]) == y);
              if (kind == task_kind::parity)
                REQUIRE(p.label_bit(i) == unsigned((1 - (enc == encoding::plus_minus_one ? y : 1 - 2 * y)) / 2));
            }
          }
        }
}

TEST_CASE("both encodings describe the same bits: y01 = (1 - ypm) / 2 for parity", "[tasks]") {
  for (std::size_t k : {1u, 2u, 3u, 4u, 5u, 6u}) {
    auto a = sparse_parity(30, k, 99, {.enc = encoding::plus_minus_one}).dense(split::train, 200);
    auto b = sparse_parity(30, k, 99, {.enc = encoding::zero_one}).dense(split::train, 200);
    for (std::size_t i = 0; i < 200; ++i) {
      REQUIRE(b.y[i] == (1 - a.y[i]) / 2);
      for (std::size_t j = 0; j < 30; ++j) REQUIRE(b.row(i)[j] == (1 - a.row(i)[j]) / 2);
    }
  }
}

TEST_CASE("input bits are balanced", "[tasks]") {
  auto p = sparse_parity(100, 3, 5).packed(split::train, 4000);
  std::uint64_t ones = 0;
  for (auto w : p.words) ones += static_cast<std::uint64_t>(std::popcount(w));
  const double total = 4000.0 * 100;
  CHECK(std::abs(double(ones) - total / 2) < 5 * std::sqrt(total / 4));
}

TEST_CASE("noise: train flip rate within 5 sigma, test labels clean", "[tasks]") {
  for (double p : {0.0, 0.01, 0.1, 0.25, 0.49}) {
    for (auto kind : {task_kind::parity, task_kind::sum, task_kind::and_, task_kind::majority, task_kind::threshold}) {
      auto noisy = make_task(kind, 40, 3, 11, {.noise = p});
      auto clean = make_task(kind, 40, 3, 11);
      const std::size_t m = 20000;
      auto a = noisy.packed(split::train, m), b = clean.packed(split::train, m);
      REQUIRE(a.words == b.words);
      std::size_t flips = 0;
      for (std::size_t i = 0; i < m; ++i) {
        REQUIRE(b.labels[i] == clean.label_of(b.row(i)));
        if (a.labels[i] != b.labels[i]) {
          ++flips;
          if (kind == task_kind::sum) REQUIRE(std::abs(a.labels[i] - b.labels[i]) == 2);
        }
      }
      const double sd = std::sqrt(m * p * (1 - p));
      INFO("p = " << p << " " << to_string(kind) << " flips = " << flips);
      CHECK(std::abs(double(flips) - m * p) <= 5 * sd + 1);
      auto t = noisy.packed(split::test, 1000);
      for (std::size_t i = 0; i < 1000; ++i) REQUIRE(t.labels[i] == noisy.label_of(t.row(i)));
    }
  }
}

TEST_CASE("same seed, same data whatever the order or chunking", "[tasks]") {
  for (std::size_t n : {20u, 64u, 65u, 130u}) {
    auto task = sparse_parity(n, 3, 1234, {.noise = 0.2});
    auto whole = task.packed(split::train, 1000);
    auto again = sparse_parity(n, 3, 1234, {.noise = 0.2}).packed(split::train, 1000);
    REQUIRE(whole.words == again.words);
    REQUIRE(whole.labels == again.labels);
    // Offsets: rows [300, 700) generated alone are rows 300..699 of the whole.
    auto part = task.packed(split::train, 400, 300);
    for (std::size_t i = 0; i < 400; ++i) {
      REQUIRE(std::equal(part.row(i), part.row(i) + part.row_words, whole.row(300 + i)));
      REQUIRE(part.labels[i] == whole.labels[300 + i]);
    }
    // Chunked streaming, odd chunk sizes, and generation in reverse order.
    for (std::size_t chunk : {1u, 7u, 64u, 333u, 5000u}) {
      std::size_t seen = 0;
      task.for_each_chunk(split::train, 1000, chunk, [&](std::uint64_t first, const packed_samples& c) {
        REQUIRE(first == seen);
        for (std::size_t i = 0; i < c.count; ++i) {
          REQUIRE(std::equal(c.row(i), c.row(i) + c.row_words, whole.row(first + i)));
          REQUIRE(c.labels[i] == whole.labels[first + i]);
        }
        seen += c.count;
      });
      REQUIRE(seen == 1000);
    }
    std::vector<std::uint64_t> row(task.row_words());
    for (std::size_t i = 1000; i-- > 0;) {
      std::int32_t y;
      task.generate(split::train, i, 1, row.data(), &y);
      REQUIRE(std::equal(row.begin(), row.end(), whole.row(i)));
      REQUIRE(y == whole.labels[i]);
    }
    // Different seed or split: different data.
    CHECK(sparse_parity(n, 3, 1235).packed(split::train, 10).words != whole.words);
    CHECK(task.packed(split::test, 1000).words != whole.words);
  }
}

TEST_CASE("the test split is the train split of the same task with seed + 1000 (challenge protocol)", "[tasks]") {
  auto t = sparse_parity(20, 3, 42).packed(split::test, 500);
  auto other = sparse_parity(20, 3, 1042);  // same data stream, different secret
  auto u = other.packed(split::train, 500);
  CHECK(t.words == u.words);
  CHECK(sparse_parity(20, 3, 42, {.test_seed_offset = 7}).packed(split::test, 5).words ==
        sparse_parity(20, 3, 49).packed(split::train, 5).words);
  // Only the same (kind, n, k): another task's seed + 1000 is another stream.
  CHECK(sparse_sum(20, 3, 1042).packed(split::train, 5).words != t.words);
}

TEST_CASE("test_seed_offset = 0 (test = train) is refused with a clear message", "[tasks]") {
  CHECK_THROWS_AS(sparse_parity(20, 3, 42, {.test_seed_offset = 0}), std::invalid_argument);
  CHECK_THROWS_AS(sparse_task(task_spec{}, 42, 0), std::invalid_argument);
  try {
    (void)sparse_majority(20, 3, 42, {.test_seed_offset = 0});
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    CHECK(what.find("sutro::tasks::sparse_task") != std::string::npos);
    CHECK(what.find("test_seed_offset = 0") != std::string::npos);
  }
}

TEST_CASE("philox lanes (the portable loop) == one block at a time", "[tasks][philox]") {
  std::uint32_t c16[4][16], c5[4][5];
  for (int l = 0; l < 16; ++l)
    for (int w = 0; w < 4; ++w) c16[w][l] = 0x9e3779b9u * static_cast<std::uint32_t>(l * 4 + w + 1);
  for (int l = 0; l < 5; ++l)
    for (int w = 0; w < 4; ++w) c5[w][l] = c16[w][l];
  const std::uint32_t k0 = 0xdeadbeefu, k1 = 0x01234567u;
  std::uint32_t orig[4][16];
  std::memcpy(orig, c16, sizeof orig);
  philox4x32_10_lanes<16>(c16, k0, k1);
  philox4x32_10_lanes<5>(c5, k0, k1);
  for (int l = 0; l < 16; ++l) {
    const auto r = philox4x32_10(philox_block{{orig[0][l], orig[1][l], orig[2][l], orig[3][l]}}, k0, k1);
    for (int w = 0; w < 4; ++w) {
      REQUIRE(c16[w][l] == r.v[w]);
      if (l < 5) REQUIRE(c5[w][l] == r.v[w]);
    }
  }
}

TEST_CASE("specs cast from integers, buffer sizes that wrap and masks past n are refused", "[tasks]") {
  using sutro::testing::thrown_message;
  task_spec bad_kind{};
  bad_kind.kind = static_cast<task_kind>(9);
  CHECK(thrown_message([&] { validate(bad_kind); }) ==
        "sutro::tasks::validate: task_kind 9 is not one of parity, sum, and_, majority, threshold");
  task_spec bad_enc{};
  bad_enc.enc = static_cast<encoding>(2);
  CHECK(thrown_message([&] { validate(bad_enc); }).find("sutro::tasks::validate: encoding 2 ") == 0);
  task_spec tiny_noise{};
  tiny_noise.noise = -1e-9;  // printed as it reads back, not as -0.000000
  CHECK(thrown_message([&] { validate(tiny_noise); }).find("p=-1e-09)") != std::string::npos);
  tiny_noise.noise = 0.1 + 0.4;
  CHECK(thrown_message([&] { validate(tiny_noise); }).find("p=0.5)") != std::string::npos);

  // Rows x words past size_t: refused before any buffer is sized from a wrapped product.
  CHECK(thrown_message<std::length_error>([] {
          (void)sparse_parity(200, 3, 1).packed(split::train, std::size_t{1} << 62);
        }) == "sutro::tasks::sparse_task::packed: 4611686018427387904 samples x 4 words overflow size_t");
  const std::vector<std::uint64_t> seeds{1, 2, 3, 4};
  CHECK(thrown_message<std::length_error>([&] {
          (void)generate_batch(sutro::scalar{}, task_spec{}, seeds, split::train, std::size_t{1} << 62);
        }) == "sutro::tasks::generate_batch: 4 systems x 4611686018427387904 samples x 1 words overflow size_t");
  CHECK(generate_batch(sutro::scalar{}, task_spec{}, seeds, split::train, 0).labels.empty());  // 0 rows: allowed

  // A subset mask with a bit at or above n counted toward k and read no input.
  const auto sum = sparse_sum(20, 3, 7);
  const auto rows = sum.packed(split::train, 4);
  auto mask = sum.secret_mask();
  CHECK(sum.label_with(rows.row(0), mask) == sum.label_of(rows.row(0)));
  mask[0] |= std::uint64_t{1} << 40;
  CHECK(thrown_message([&] { (void)sum.label_with(rows.row(0), mask); }) ==
        "sutro::tasks::sparse_task::label_with: the mask has bit 40 set, at or above n = 20");
  auto two_words = sum.secret_mask();
  two_words.push_back(1);  // a second word, past the row's one
  CHECK(thrown_message([&] { (void)sum.label_with(rows.row(0), two_words); }).find("bit 64 set") != std::string::npos);
  two_words.back() = 0;
  CHECK(sum.label_with(rows.row(0), two_words) == sum.label_of(rows.row(0)));
  const auto wide = sparse_parity(64, 3, 7);  // n a multiple of 64: the last word is all inputs
  const auto wide_rows = wide.packed(split::train, 1);
  auto full = wide.secret_mask();
  CHECK(wide.label_with(wide_rows.row(0), full) == wide.label_of(wide_rows.row(0)));
}
