#include <algorithm>
#include <cstdint>
#include <random>
#include <unordered_map>
#include <vector>

#include "support/catch.hpp"
#include "sutro/metrics/key_slots.hpp"
#include "sutro/metrics/reuse_distance.hpp"

using sutro::metrics::key_slots;

namespace {

// Every key of the reference is found with its value, and nothing else is there.
void require_same(key_slots& m, const std::unordered_map<std::uint64_t, std::uint32_t>& ref) {
  REQUIRE(m.size() == ref.size());
  for (const auto& [k, v] : ref) {
    const std::uint32_t* p = m.find(k);
    REQUIRE(p != nullptr);
    REQUIRE(*p == v);
  }
  std::size_t visited = 0;
  m.for_each_value([&](std::uint32_t&) { ++visited; });
  REQUIRE(visited == ref.size());
}

}  // namespace

TEST_CASE("key_slots: dense keys stay paged at 4 bytes a key", "[metrics]") {
  key_slots m;
  std::unordered_map<std::uint64_t, std::uint32_t> ref;
  const std::uint64_t base = 0x7ffd12345678ull / 8;  // a stack address in words
  for (std::uint64_t k = 0; k < 100000; ++k) {
    std::uint32_t* p = m.insert(base + k);
    REQUIRE(*p == key_slots::fresh);
    *p = static_cast<std::uint32_t>(k);
    ref[base + k] = static_cast<std::uint32_t>(k);
  }
  CHECK(m.paged());
  require_same(m, ref);
  CHECK(m.find(base - 1) == nullptr);
  CHECK(m.find(base + 100000) == nullptr);
  CHECK(m.memory_bytes() < 100000 * 4 + 2 * key_slots::page_keys * 4 + 4096);
  // insert() of a present key returns its entry unchanged.
  CHECK(*m.insert(base + 5) == 5);
  CHECK(m.size() == 100000);
}

TEST_CASE("key_slots: sparse keys turn the map into a hash table, values kept", "[metrics]") {
  key_slots m;
  std::unordered_map<std::uint64_t, std::uint32_t> ref;
  std::mt19937_64 rng(7);
  for (std::uint64_t k = 0; k < 1000; ++k)
    *m.insert(k) = static_cast<std::uint32_t>(k), ref[k] = static_cast<std::uint32_t>(k);
  REQUIRE(m.paged());
  const std::uint64_t before = m.generation();
  bool turned = false;
  for (std::uint32_t i = 0; i < 20000; ++i) {
    const std::uint64_t k = rng() | (std::uint64_t{1} << 63);  // one key per page
    std::uint32_t* p = m.insert(k);
    *p = 1000000 + i;
    ref[k] = 1000000 + i;
    if (i == 2000) {  // still paged, one key a page: the runs visited are the used ones
      REQUIRE(m.paged());
      require_same(m, ref);
    }
    if (!turned && !m.paged()) {
      turned = true;
      // The pages may hold 64 MB whatever their use.
      CHECK(i + 1 > key_slots::allowance / key_slots::page_keys - 1);
      CHECK(m.generation() != before);
      require_same(m, ref);
    }
  }
  REQUIRE(turned);
  require_same(m, ref);
  CHECK(m.memory_bytes() < 64 * ref.size() + 65536);  // 16-byte entries, at most 3/4 full
}

TEST_CASE("key_slots: erase leaves every other key where it was, in both forms", "[metrics]") {
  for (const bool sparse : {false, true}) {
    key_slots m;
    std::unordered_map<std::uint64_t, std::uint32_t> ref;
    std::mt19937_64 rng(9);
    if (sparse)  // turn it into a table first
      for (std::uint32_t i = 0; m.paged(); ++i) {
        const std::uint64_t k = rng();
        *m.insert(k) = i;
        ref[k] = i;
      }
    REQUIRE(m.paged() == !sparse);
    std::vector<std::uint64_t> keys;
    for (std::uint32_t i = 0; i < 5000; ++i) {
      const std::uint64_t k =
          sparse ? rng() % 7919 * 0x9E3779B97F4A7C15ull : rng() % 7919;  // collisions in the probe runs
      if (ref.count(k)) continue;
      *m.insert(k) = i;
      ref[k] = i;
      keys.push_back(k);
    }
    for (std::size_t j = 0; j < keys.size(); j += 3) {
      m.erase(keys[j]);
      ref.erase(keys[j]);
      REQUIRE(m.find(keys[j]) == nullptr);
    }
    require_same(m, ref);
    // An erased key comes back fresh.
    CHECK(*m.insert(keys[0]) == key_slots::fresh);
  }
}

TEST_CASE("reuse_distance: a batch whose keys turn the map into a table mid-way equals one by one", "[metrics]") {
  std::mt19937_64 rng(21);
  std::vector<std::uint64_t> keys;
  for (int i = 0; i < 30000; ++i) keys.push_back(rng() % 2000);  // dense: paged
  for (int i = 0; i < 30000; ++i)
    keys.push_back(i % 3 ? rng() % 2000 : rng() % 9000 * 0xC2B2AE3D27D4EB4Full);  // sparse join
  for (int i = 0; i < 30000; ++i) keys.push_back(keys[rng() % keys.size()]);
  for (const std::size_t window : {std::size_t{512}, std::size_t{1} << 16}) {
    sutro::metrics::reuse_distance a({.initial_window = window}), b({.initial_window = window});
    a.access(keys.data(), keys.size());
    for (const std::uint64_t k : keys) b.access(k);
    std::vector<std::uint64_t> ha = a.histogram(), hb = b.histogram();
    ha.resize(std::max(ha.size(), hb.size()));
    hb.resize(ha.size());
    CHECK(ha == hb);
    CHECK(a.cold_accesses() == b.cold_accesses());
    CHECK(a.distinct() == b.distinct());
    CHECK(a.mean_reuse_time() == b.mean_reuse_time());
  }
}

TEST_CASE("key_slots and reuse_distance copy and move, paged and as a table", "[metrics]") {
  for (const bool sparse : {false, true}) {
    std::mt19937_64 rng(31);
    std::vector<std::uint64_t> keys(60000);
    for (auto& k : keys) k = sparse ? (rng() % 6000) * 0x9E3779B97F4A7C15ull : rng() % 6000;
    sutro::metrics::reuse_distance a;
    a.access(keys.data(), keys.size() / 2);
    sutro::metrics::reuse_distance b = a;  // a copy continues as the original does
    a.access(keys.data() + keys.size() / 2, keys.size() - keys.size() / 2);
    b.access(keys.data() + keys.size() / 2, keys.size() - keys.size() / 2);
    CHECK(a.histogram() == b.histogram());
    CHECK(a.mean_reuse_time() == b.mean_reuse_time());
    sutro::metrics::reuse_distance c = std::move(a);
    CHECK(c.histogram() == b.histogram());
    c.access(keys.data(), 1000);
    b.access(keys.data(), 1000);
    CHECK(c.histogram() == b.histogram());
  }
  key_slots m;
  *m.insert(3) = 7;
  key_slots moved = std::move(m);
  CHECK(*moved.find(3) == 7);
  CHECK(m.size() == 0);  // NOLINT(bugprone-use-after-move): left empty and usable
  CHECK(m.find(3) == nullptr);
  *m.insert(3) = 8;
  CHECK(*m.find(3) == 8);
  CHECK(*moved.find(3) == 7);
}

TEST_CASE("key_slots: pages arriving in any order are found, near each other and far apart", "[metrics]") {
  key_slots m;
  std::unordered_map<std::uint64_t, std::uint32_t> ref;
  std::uint32_t next = 0;
  const auto fill_page = [&](std::uint64_t page) {  // a few keys of one page, its ends included
    for (const std::uint64_t k : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{777}, key_slots::page_keys - 1}) {
      const std::uint64_t key = (page << key_slots::page_bits) | k;
      *m.insert(key) = next;
      ref[key] = next++;
    }
  };
  // Below and above the first page (the table of nearby pages grows both
  // ways), then one far away (it gives way to the directory), then more.
  for (const std::uint64_t page : {10u, 5u, 30u, 2u, 11u}) fill_page(page);
  require_same(m, ref);
  CHECK(m.find(std::uint64_t{9} << key_slots::page_bits) == nullptr);   // a page between, never made
  CHECK(m.find(std::uint64_t{31} << key_slots::page_bits) == nullptr);  // beyond the last
  CHECK(m.find(std::uint64_t{1} << key_slots::page_bits) == nullptr);   // below the first
  key_slots near_copy = m;
  require_same(near_copy, ref);
  fill_page(std::uint64_t{1} << 40);
  for (const std::uint64_t page : {3u, 12u, 100u}) fill_page(page);
  REQUIRE(m.paged());
  require_same(m, ref);
  CHECK(m.find(std::uint64_t{9} << key_slots::page_bits) == nullptr);
  key_slots far_copy = m;
  require_same(far_copy, ref);
  // The copy taken while the pages were near continues on its own.
  *near_copy.insert((std::uint64_t{40} << key_slots::page_bits) | 5) = 1;
  CHECK(*near_copy.find((std::uint64_t{40} << key_slots::page_bits) | 5) == 1);
  CHECK(m.find((std::uint64_t{40} << key_slots::page_bits) | 5) == nullptr);
}
