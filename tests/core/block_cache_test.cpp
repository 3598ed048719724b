#include <cstddef>
#include <cstdint>
#include <limits>
#include <random>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#endif

#include "support/catch.hpp"
#include "sutro/memory/accounting_allocator.hpp"
#include "sutro/memory/aligned_allocator.hpp"
#include "sutro/memory/block_cache.hpp"

namespace {

using sutro::memory::huge_page_bytes;
using words = sutro::memory::aligned_allocator<std::uint64_t>;
constexpr std::size_t mib = std::size_t{1} << 20;

/// Sets the cache's limit for one test case, empty, and restores the default after it.
struct cache_limit {
  explicit cache_limit(std::size_t bytes) {
    sutro::memory::release_block_cache();
    sutro::memory::set_block_cache_limit(bytes);
  }
  cache_limit(const cache_limit&) = delete;
  cache_limit& operator=(const cache_limit&) = delete;
  ~cache_limit() {
    sutro::memory::release_block_cache();
    sutro::memory::set_block_cache_limit(sutro::memory::detail::block_cache::default_limit);
  }
};

std::size_t words_of(std::size_t bytes) { return bytes / sizeof(std::uint64_t); }

}  // namespace

TEST_CASE("aligned_allocator rounds large blocks up to whole huge pages", "[memory][block_cache]") {
  STATIC_REQUIRE(words::block_bytes(huge_page_bytes - 8) == huge_page_bytes - 8);
  STATIC_REQUIRE(words::block_bytes(huge_page_bytes) == huge_page_bytes);
  STATIC_REQUIRE(words::block_bytes(huge_page_bytes + 8) == 2 * huge_page_bytes);
  STATIC_REQUIRE(words::block_bytes(3 * mib) == 4 * mib);
  // Never past the largest object size (GCC's -Walloc-size-larger-than), and no wrap-around.
  constexpr auto largest = static_cast<std::size_t>(std::numeric_limits<std::ptrdiff_t>::max());
  STATIC_REQUIRE(words::block_bytes(largest - 8) == largest - 8);
  STATIC_REQUIRE(words::block_bytes(largest - huge_page_bytes - 8) <= largest);
  STATIC_REQUIRE(words::block_bytes(std::size_t(-1) - 8) == std::size_t(-1) - 8);
}

TEST_CASE("a freed large block is handed to the next request of its rounded size", "[memory][block_cache]") {
  const cache_limit limit(64 * mib);
  words a;
  std::uint64_t* p = a.allocate(words_of(3 * mib));
  p[words_of(3 * mib) - 1] = 7;
  a.deallocate(p, words_of(3 * mib));
  auto state = sutro::memory::block_cache_state();
  CHECK(state.blocks == 1);
  CHECK(state.bytes == 4 * mib);
  CHECK(state.limit == 64 * mib);

  const std::size_t hits = state.hits;
  std::uint64_t* q = a.allocate(words_of(4 * mib) - 1);  // rounds to the same 4 MiB
  CHECK(q == p);
  CHECK(reinterpret_cast<std::uintptr_t>(q) % huge_page_bytes == 0);
  q[words_of(4 * mib) - 1] = 1;  // the whole rounded block is there, past the request
  state = sutro::memory::block_cache_state();
  CHECK(state.hits == hits + 1);
  CHECK(state.blocks == 0);
  CHECK(state.bytes == 0);

  std::uint64_t* r = a.allocate(words_of(6 * mib));  // another size: from the system
  CHECK(sutro::memory::block_cache_state().misses == state.misses + 1);
  a.deallocate(r, words_of(6 * mib));
  a.deallocate(q, words_of(4 * mib) - 1);
  CHECK(sutro::memory::block_cache_state().blocks == 2);
  sutro::memory::release_block_cache();
  CHECK(sutro::memory::block_cache_state().blocks == 0);
  CHECK(sutro::memory::block_cache_state().bytes == 0);
}

TEST_CASE("small blocks never enter the cache", "[memory][block_cache]") {
  const cache_limit limit(64 * mib);
  words a;
  const auto before = sutro::memory::block_cache_state();
  std::uint64_t* p = a.allocate(words_of(huge_page_bytes) - 1);
  a.deallocate(p, words_of(huge_page_bytes) - 1);
  const auto after = sutro::memory::block_cache_state();
  CHECK(after.blocks == 0);
  CHECK(after.misses == before.misses);
}

TEST_CASE("the cache keeps at most its limit, the newest blocks first", "[memory][block_cache]") {
  words a;
  SECTION("limit 0 keeps nothing") {
    const cache_limit limit(0);
    std::uint64_t* p = a.allocate(words_of(2 * mib));
    a.deallocate(p, words_of(2 * mib));
    CHECK(sutro::memory::block_cache_state().blocks == 0);
  }
  SECTION("a block larger than the limit goes straight back") {
    const cache_limit limit(4 * mib);
    std::uint64_t* p = a.allocate(words_of(6 * mib));
    a.deallocate(p, words_of(6 * mib));
    CHECK(sutro::memory::block_cache_state().blocks == 0);
  }
  SECTION("older blocks are handed back to make room") {
    const cache_limit limit(8 * mib);
    std::vector<std::uint64_t*> blocks;
    for (int i = 0; i < 3; ++i) blocks.push_back(a.allocate(words_of(4 * mib)));
    for (std::uint64_t* p : blocks) a.deallocate(p, words_of(4 * mib));
    const auto state = sutro::memory::block_cache_state();
    CHECK(state.blocks == 2);
    CHECK(state.bytes == 8 * mib);
    // The two kept are the last two freed: the next two requests get them, newest first.
    CHECK(a.allocate(words_of(4 * mib)) == blocks[2]);
    CHECK(a.allocate(words_of(4 * mib)) == blocks[1]);
    a.deallocate(blocks[1], words_of(4 * mib));
    a.deallocate(blocks[2], words_of(4 * mib));
  }
  SECTION("at most max_blocks blocks") {
    const cache_limit limit(std::size_t{1} << 30);
    const std::size_t n = sutro::memory::detail::block_cache::max_blocks + 4;
    std::vector<std::uint64_t*> blocks;
    for (std::size_t i = 0; i < n; ++i) blocks.push_back(a.allocate(words_of(2 * mib)));
    for (std::uint64_t* p : blocks) a.deallocate(p, words_of(2 * mib));
    CHECK(sutro::memory::block_cache_state().blocks == sutro::memory::detail::block_cache::max_blocks);
  }
  SECTION("lowering the limit hands the excess back at once") {
    const cache_limit limit(16 * mib);
    std::vector<std::uint64_t*> blocks;
    for (int i = 0; i < 4; ++i) blocks.push_back(a.allocate(words_of(4 * mib)));
    for (std::uint64_t* p : blocks) a.deallocate(p, words_of(4 * mib));
    CHECK(sutro::memory::block_cache_state().bytes == 16 * mib);
    sutro::memory::set_block_cache_limit(6 * mib);
    const auto state = sutro::memory::block_cache_state();
    CHECK(state.blocks == 1);
    CHECK(state.bytes == 4 * mib);
    CHECK(state.limit == 6 * mib);
  }
}

TEST_CASE("a kept block counts as freed in the accounting above it", "[memory][block_cache]") {
  const cache_limit limit(64 * mib);
  sutro::memory::stats counter;
  sutro::memory::accounting_allocator<std::uint64_t, words> a(counter);
  for (int round = 0; round < 3; ++round) {
    std::uint64_t* p = a.allocate(words_of(4 * mib));
    CHECK(counter.snapshot().bytes_in_use == 4 * mib);
    a.deallocate(p, words_of(4 * mib));
    CHECK(counter.snapshot().bytes_in_use == 0);
  }
  CHECK(counter.snapshot().allocations == 3);
  CHECK(counter.snapshot().total_bytes == 12 * mib);
  CHECK(sutro::memory::block_cache_state().blocks == 1);
}

TEST_CASE("threads allocating and freeing large blocks share the cache safely", "[memory][block_cache][threads]") {
  const cache_limit limit(24 * mib);
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < 4; ++t)
    threads.emplace_back([t] {
      words a;
      std::mt19937_64 rng(t);
      std::vector<std::pair<std::uint64_t*, std::size_t>> held;
      for (int i = 0; i < 300; ++i) {
        if (held.size() < 3 && rng() % 2 == 0) {
          const std::size_t n = words_of((1 + rng() % 4) * huge_page_bytes) - rng() % 3;
          std::uint64_t* p = a.allocate(n);
          p[0] = t;  // a block is owned by one thread at a time: a shared one would show
          p[n - 1] = t;
          held.emplace_back(p, n);
        } else if (!held.empty()) {
          auto [p, n] = held.back();
          held.pop_back();
          CHECK((p[0] == t && p[n - 1] == t));
          a.deallocate(p, n);
        }
      }
      for (auto [p, n] : held) a.deallocate(p, n);
    });
  for (auto& th : threads) th.join();
  const auto state = sutro::memory::block_cache_state();
  CHECK(state.bytes <= 24 * mib);
  CHECK(state.blocks <= sutro::memory::detail::block_cache::max_blocks);
}

#if defined(__linux__) && !SUTRO_ADDRESS_SANITIZER
namespace {
std::size_t address_space_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0;
  statm >> pages;
  return pages * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}
}  // namespace

TEST_CASE("a large allocation that fails hands the kept blocks back and tries again", "[memory][block_cache]") {
  // In a child process whose address space is capped 32 MiB above what it
  // uses with 256 MiB of freed blocks kept: a 64 MiB block fits only once
  // they are handed back. (AddressSanitizer's shadow memory rules out RLIMIT_AS.)
  const pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    sutro::memory::set_block_cache_limit(std::size_t{1} << 30);
    words a;
    std::vector<std::uint64_t*> blocks;
    for (int i = 0; i < 8; ++i) blocks.push_back(a.allocate(words_of(32 * mib)));
    for (std::uint64_t* p : blocks) a.deallocate(p, words_of(32 * mib));
    if (sutro::memory::block_cache_state().bytes != 256 * mib) _exit(3);
    rlimit cap{};
    cap.rlim_cur = cap.rlim_max = address_space_bytes() + 32 * mib;
    if (setrlimit(RLIMIT_AS, &cap) != 0) _exit(4);
    try {
      std::uint64_t* p = a.allocate(words_of(64 * mib));
      p[words_of(64 * mib) - 1] = 1;
      a.deallocate(p, words_of(64 * mib));
    } catch (const std::bad_alloc&) {
      _exit(1);
    }
    _exit(sutro::memory::block_cache_state().bytes <= 64 * mib ? 0 : 5);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);  // 1: bad_alloc although the kept blocks would have made room
}
#endif
