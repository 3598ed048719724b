#include <atomic>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "support/catch.hpp"
#include "sutro/backend/thread_team.hpp"

using sutro::cpu::thread_team;

TEST_CASE("thread_team runs every member once per job, job after job", "[backend][threads]") {
  for (const unsigned threads : {0u, 1u, 2u, 3u, 5u}) {
    thread_team team(threads);
    const unsigned n = team.size();
    CHECK(n == (threads > 1 ? threads : 1u));
    std::vector<std::atomic<unsigned>> calls(n);
    std::atomic<unsigned> wrong_size{0};
    const std::thread::id caller = std::this_thread::get_id();
    bool member0_on_caller = true;
    for (unsigned job = 0; job < 500; ++job)
      team.run([&](unsigned member, unsigned members) {
        if (members != n) ++wrong_size;
        if (member == 0 && std::this_thread::get_id() != caller) member0_on_caller = false;
        ++calls[member];
      });
    CHECK(wrong_size == 0);
    CHECK(member0_on_caller);
    for (unsigned t = 0; t < n; ++t) CHECK(calls[t] == 500);
  }
}

TEST_CASE("thread_team returns only after every member finished", "[backend][threads]") {
  thread_team team(3);
  std::vector<int> out(3, 0);
  for (int job = 1; job <= 50; ++job) {
    team.run([&](unsigned member, unsigned) {
      if (member != 0 && job % 10 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      out[member] = job;  // written without atomics: run() must order it before the checks
    });
    for (int v : out) REQUIRE(v == job);
  }
}

TEST_CASE("thread_team wakes workers that went to sleep between jobs", "[backend][threads]") {
  thread_team team(2);
  std::atomic<int> sum{0};
  for (int job = 0; job < 3; ++job) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // past the spinning
    team.run([&](unsigned member, unsigned) { sum += static_cast<int>(member) + 1; });
  }
  CHECK(sum == 9);
}

TEST_CASE("thread_team rethrows a member's exception after the job and stays usable", "[backend][threads]") {
  thread_team team(2);
  std::atomic<int> finished{0};
  const auto failing = [&](unsigned member, unsigned) {
    if (member == 1) throw std::runtime_error("member 1 failed");
    ++finished;
  };
  CHECK_THROWS_WITH(team.run(failing), "member 1 failed");
  CHECK(finished == 1);  // member 0 ran to the end
  CHECK_THROWS_WITH(team.run([](unsigned member, unsigned) {
    if (member == 0) throw std::invalid_argument("the caller failed");
  }),
                    "the caller failed");
  int ran = 0;
  std::atomic<int> ran_workers{0};
  team.run([&](unsigned member, unsigned) { member == 0 ? void(++ran) : void(++ran_workers); });
  CHECK(ran == 1);
  CHECK(ran_workers == 1);
}
