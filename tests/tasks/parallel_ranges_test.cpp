// tasks::detail::parallel_ranges, under generate_batch and solve_batch: an
// exception in a worker's piece reaches the caller (it had terminated the
// process), after every piece has run and every thread has joined.
#include <atomic>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/tasks/batch.hpp"

TEST_CASE("parallel_ranges covers every item once and passes a worker's exception to the caller", "[tasks][batch]") {
  for (unsigned threads : {1u, 2u, 3u, 8u}) {
    INFO("threads " << threads);
    std::vector<std::atomic<int>> seen(1000);
    sutro::tasks::detail::parallel_ranges(seen.size(), threads, [&](std::size_t lo, std::size_t hi) {
      for (std::size_t i = lo; i < hi; ++i) seen[i].fetch_add(1);
    });
    for (const auto& s : seen) REQUIRE(s.load() == 1);

    // Every piece but the caller's own (the first) throws.
    std::atomic<std::size_t> covered{0};
    std::string what;
    try {
      sutro::tasks::detail::parallel_ranges(seen.size(), threads, [&](std::size_t lo, std::size_t hi) {
        covered += hi - lo;
        if (lo != 0) throw std::length_error("piece from " + std::to_string(lo));
      });
    } catch (const std::length_error& e) {
      what = e.what();
    }
    CHECK(covered.load() == seen.size());
    if (threads > 1)
      CHECK(what.rfind("piece from ", 0) == 0);
    else
      CHECK(what.empty());  // one piece, the caller's
  }
}
