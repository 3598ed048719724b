#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if defined(__unix__)
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#endif
#if defined(__linux__)
#include <dirent.h>
#include <sched.h>

#include <cerrno>
#endif

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

TEST_CASE("kept_team: one started team per thread and size, another one while it runs a job", "[backend][threads]") {
  thread_team& two = sutro::cpu::kept_team(2);
  CHECK(two.size() == 2);
  CHECK(&sutro::cpu::kept_team(2) == &two);
  CHECK(&sutro::cpu::kept_team(3) != &two);
  CHECK(sutro::cpu::kept_team(1).size() == 1);
  bool distinct_on_another_thread = false;
  std::thread([&] { distinct_on_another_thread = &sutro::cpu::kept_team(2) != &two; }).join();
  CHECK(distinct_on_another_thread);
  // Inside a job of the kept team, current_or_own starts a team of its own.
  std::optional<thread_team> own;
  thread_team* nested = nullptr;
  std::atomic<unsigned> inner_calls{0};
  two.run([&](unsigned member, unsigned) {
    if (member != 0) return;
    nested = sutro::cpu::current_or_own(2, true, own);
    if (nested == &two) return;  // running it again from inside its own job would hang
    nested->run([&](unsigned, unsigned) { ++inner_calls; });
  });
  REQUIRE(own.has_value());
  CHECK(nested == &*own);
  CHECK(inner_calls == 2);
  // Outside a job the kept team is the answer.
  std::optional<thread_team> unused;
  CHECK(sutro::cpu::current_or_own(2, true, unused) == &two);
  CHECK(!unused.has_value());
}

#if defined(__unix__)
namespace {
// waitpid with a deadline: the child's exit status; 124 once it is killed for
// running past `seconds` (a child waiting on workers it lacks never ends),
// 125 when a signal ended it, 126 when waitpid fails.
int exit_status_within(pid_t pid, int seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  for (;;) {
    int status = 0;
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : 125;
    if (done < 0) return 126;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return 124;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}
}  // namespace

TEST_CASE("kept_team: a child of fork starts its own workers", "[backend][threads]") {
  thread_team& parent_team = sutro::cpu::kept_team(2);
  parent_team.run([](unsigned, unsigned) {});
  const pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    std::atomic<unsigned> calls{0};
    thread_team& mine = sutro::cpu::kept_team(2);
    mine.run([&](unsigned, unsigned) { ++calls; });
    _exit(&mine != &parent_team && calls == 2 ? 0 : 1);
  }
  const int status = exit_status_within(child, 10);
  INFO("exit status " << status
                      << " (124: the child waited on its parent's team, whose workers it does not have; 1: it was "
                         "given the parent's team, or its job ran on the wrong members)");
  CHECK(status == 0);
}
#endif

#if defined(__linux__)

TEST_CASE("kept_team: a forked child whose pid equals its parent's still starts its own workers",
          "[backend][threads]") {
  // The first process of a pid namespace is pid 1, and so is the first one
  // of a namespace nested in it: a parent and its child with the same pid.
  // Without CAP_SYS_ADMIN a user namespace of its own grants it (the outer
  // child is single-threaded, as CLONE_NEWUSER requires); a runner that
  // refuses both (seccomp, no user namespaces) skips the case.
  constexpr int not_permitted = 77, unshare_failed = 78;
  const auto unshare_code = [] { return errno == EPERM ? not_permitted : unshare_failed; };
  const pid_t outer = fork();
  REQUIRE(outer >= 0);
  if (outer == 0) {
    if (unshare(CLONE_NEWPID) != 0 && (errno != EPERM || unshare(CLONE_NEWUSER | CLONE_NEWPID) != 0))
      _exit(unshare_code());
    const pid_t parent = fork();
    if (parent < 0) _exit(2);
    if (parent == 0) {
      thread_team& parent_team = sutro::cpu::kept_team(2);
      parent_team.run([](unsigned, unsigned) {});
      if (unshare(CLONE_NEWPID) != 0) _exit(unshare_code());
      const pid_t child = fork();
      if (child < 0) _exit(2);
      if (child == 0) {
        if (getpid() != 1) _exit(3);
        std::atomic<unsigned> calls{0};
        thread_team& mine = sutro::cpu::kept_team(2);
        mine.run([&](unsigned, unsigned) { ++calls; });
        _exit(&mine != &parent_team && calls == 2 ? 0 : 1);
      }
      _exit(getpid() == 1 ? exit_status_within(child, 10) : 3);
    }
    _exit(exit_status_within(parent, 20));
  }
  const int status = exit_status_within(outer, 30);
  if (status == not_permitted) {
    WARN(
        "SKIPPED: unshare(CLONE_NEWPID) refused with EPERM, also inside a new user namespace: the pid-reuse case "
        "did not run");
    return;
  }
  INFO("exit status " << status
                      << " (124: the child waited on its parent's team, whose workers it does not have; 1: it was "
                         "given the parent's team; 2: a fork failed; 3: parent and child were not both pid 1; "
                         "78: unshare failed other than with EPERM)");
  CHECK(status == 0);
}
#endif

TEST_CASE("thread_team::run from inside one of its own jobs throws rather than waiting for itself",
          "[backend][threads]") {
  thread_team team(2);
  std::atomic<unsigned> inner_calls{0};
  CHECK_THROWS_AS(team.run([&](unsigned member, unsigned) {
    if (member == 0) team.run([&](unsigned, unsigned) { ++inner_calls; });
  }),
                  std::logic_error);
  CHECK(inner_calls == 0);
  std::atomic<unsigned> calls{0};
  team.run([&](unsigned, unsigned) { ++calls; });  // still usable
  CHECK(calls == 2);
  thread_team alone(1);  // no workers: a nested call has nothing to wait for
  unsigned nested = 0;
  alone.run([&](unsigned, unsigned) { alone.run([&](unsigned, unsigned) { ++nested; }); });
  CHECK(nested == 1);
}

#if defined(__linux__)
namespace {
// Threads of this process, from /proc/self/task.
std::size_t task_count() {
  std::size_t n = 0;
  if (DIR* d = opendir("/proc/self/task")) {
    while (const dirent* e = readdir(d))
      if (e->d_name[0] != '.') ++n;
    closedir(d);
  }
  return n;
}
}  // namespace

TEST_CASE("release_kept_teams joins this thread's kept workers, and refuses a team in use", "[backend][threads]") {
  // On a thread of its own, whose kept teams no other test has started.
  std::size_t before = 0, started = 0, released = 0;
  unsigned calls_after = 0;
  bool refused_in_job = false, refused_in_scope = false, kept_after_refusals = false;
  std::thread([&] {
    before = task_count();
    sutro::cpu::kept_team(3).run([](unsigned, unsigned) {});
    started = task_count();
    thread_team& team = sutro::cpu::kept_team(3);
    team.run([&](unsigned member, unsigned) {
      if (member != 0) return;
      try {
        sutro::cpu::release_kept_teams();
      } catch (const std::logic_error&) {
        refused_in_job = true;
      }
    });
    {
      const sutro::cpu::team_scope scope(team);
      try {
        sutro::cpu::release_kept_teams();
      } catch (const std::logic_error&) {
        refused_in_scope = true;
      }
    }
    kept_after_refusals = task_count() == started;
    sutro::cpu::release_kept_teams();
    released = task_count();
    std::atomic<unsigned> calls{0};
    sutro::cpu::kept_team(3).run([&](unsigned, unsigned) { ++calls; });  // started again
    calls_after = calls;
  }).join();
  CHECK(started == before + 2);
  CHECK(refused_in_job);
  CHECK(refused_in_scope);
  CHECK(kept_after_refusals);
  CHECK(released == before);
  CHECK(calls_after == 3);
}
#endif
