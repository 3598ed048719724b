#pragma once
// cpu::thread_team: the calling thread plus threads - 1 workers, started once,
// that run one job after another. Starting a std::thread costs tens of
// microseconds; handing a started team its next job costs about one, so a
// loop of short parallel steps (an elimination's passes, a hundred
// microseconds each) can share the work. Between jobs the workers spin
// briefly, then sleep until the next one.
//
//   sutro::cpu::thread_team team(2);
//   for (int step = 0; step < 100; ++step)
//     team.run([&](unsigned member, unsigned members) { work(step, member, members); });
//
// Member 0 is the caller. A job's exception (the first one, if several
// members throw) is rethrown by run() once every member has finished.
//
// A team_scope makes a team this thread's current one, so that kernels deep
// in a computation (the products inside an elimination) find it through
// thread_team::current() instead of starting threads of their own:
//
//   sutro::cpu::thread_team team(2);
//   const sutro::cpu::team_scope scope(team);
//   ... sutro::cpu::thread_team::current(2) == &team while no job runs on it

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#include <unistd.h>
#endif

namespace sutro::cpu {

class thread_team {
 public:
  /// threads - 1 workers besides the caller (threads 0 or 1: none).
  explicit thread_team(unsigned threads) {
    const unsigned workers = threads > 1 ? threads - 1 : 0;
    workers_.reserve(workers);
    try {
      for (unsigned t = 1; t <= workers; ++t) workers_.emplace_back([this, t] { serve(t); });
    } catch (...) {  // a thread that could not start: stop the others, then report it
      stop();
      throw;
    }
  }
  thread_team(const thread_team&) = delete;
  thread_team& operator=(const thread_team&) = delete;
  ~thread_team() { stop(); }

  /// Members, the caller included.
  [[nodiscard]] unsigned size() const noexcept { return static_cast<unsigned>(workers_.size()) + 1; }

  /// Whether a job runs on the team now (its caller is inside run()); for
  /// the thread that owns the team (runs its jobs as member 0).
  [[nodiscard]] bool running() const noexcept { return running_; }

  /// Whether a team_scope on the owning thread names this team now.
  [[nodiscard]] bool in_scope() const noexcept { return scopes_ != 0; }

  /// This thread's current team (see team_scope) if it has `members` members
  /// and is not running a job; else null.
  [[nodiscard]] static thread_team* current(unsigned members) noexcept {
    thread_team* t = innermost();
    return t != nullptr && t->size() == members && !t->running_ ? t : nullptr;
  }

  /// Calls job(member, size()) on every member and returns when all have returned.
  /// Throws std::logic_error when called from inside one of this team's jobs
  /// (it would wait for members busy with the outer job).
  template <class Job>
  void run(Job&& job) {
    using J = std::remove_reference_t<Job>;
    if (workers_.empty()) return job(0u, 1u);
    if (running_)
      throw std::logic_error(
          "sutro::cpu::thread_team::run: the team is running a job (a call from inside one of its jobs would wait for "
          "itself; start another team, as current_or_own does)");
    running_ = true;
    job_ = const_cast<void*>(static_cast<const void*>(&job));
    call_ = [](void* j, unsigned member, unsigned members) { (*static_cast<J*>(j))(member, members); };
    pending_.store(size() - 1, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    guarded(0);
    for (unsigned left = pending_.load(std::memory_order_acquire), spins = 0; left != 0;
         left = pending_.load(std::memory_order_acquire))
      if (++spins < spin_limit)
        relax(spins);
      else
        pending_.wait(left, std::memory_order_acquire);
    running_ = false;
    if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
  }

 private:
  friend class team_scope;
  static thread_team*& innermost() noexcept {
    thread_local thread_team* team = nullptr;
    return team;
  }

  // A waiter checks pause_limit times with a PAUSE between, then up to
  // spin_limit with a yield of its CPU between, then sleeps. The yields
  // matter when a member shares its CPU with the one it waits for: a new
  // thread often starts on its creator's CPU and stays there for the first
  // 15 to 25 ms (Intel Xeon VM), and with pauses alone each job of a team then
  // cost a whole spin, about 100 us, before the other could run. On an
  // otherwise idle CPU a yield returns at once. Waking a sleeping member took
  // 30 to 50 us on a virtual machine.
  static constexpr unsigned pause_limit = 1u << 8;
  static constexpr unsigned spin_limit = pause_limit + (1u << 8);

  static void relax(unsigned spins) noexcept {
    if (spins < pause_limit) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    } else {
      std::this_thread::yield();
    }
  }

  void guarded(unsigned member) noexcept {
    try {
      call_(job_, member, size());
    } catch (...) {
      const std::lock_guard<std::mutex> lock(error_mutex_);
      if (!error_) error_ = std::current_exception();
    }
  }

  void serve(unsigned member) {
    for (unsigned seen = 0;;) {
      unsigned now = generation_.load(std::memory_order_acquire);
      for (unsigned spins = 0; now == seen; now = generation_.load(std::memory_order_acquire))
        if (++spins < spin_limit)
          relax(spins);
        else
          generation_.wait(seen, std::memory_order_acquire);
      seen = now;
      if (stopping_.load(std::memory_order_acquire)) return;
      guarded(member);
      if (pending_.fetch_sub(1, std::memory_order_acq_rel) == 1) pending_.notify_one();
    }
  }

  void stop() noexcept {
    stopping_.store(true, std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    for (auto& w : workers_) w.join();
    workers_.clear();
  }

  std::vector<std::thread> workers_;
  std::atomic<unsigned> generation_{0};
  std::atomic<unsigned> pending_{0};
  std::atomic<bool> stopping_{false};
  bool running_ = false;  // touched by the caller's thread only
  unsigned scopes_ = 0;   // team_scopes naming the team, on the caller's thread
  void (*call_)(void*, unsigned, unsigned) = nullptr;
  void* job_ = nullptr;
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

namespace detail {
/// How many fork()s lie between this process and the first one that asked: a
/// child of fork() counts one more than its parent did when it forked.
[[nodiscard]] inline unsigned long fork_generation() noexcept {
  // The child's handler may only do what is async-signal-safe: a lock-free add.
  static_assert(std::atomic<unsigned long>::is_always_lock_free);
  static std::atomic<unsigned long> forks{0};
#if defined(__unix__) || defined(__APPLE__)
  // Registered before any team exists (the first kept_teams asks first), so
  // every fork() that could copy a team is counted.
  [[maybe_unused]] static const int registered =
      ::pthread_atfork(nullptr, nullptr, [] { forks.fetch_add(1, std::memory_order_relaxed); });
#endif
  return forks.load(std::memory_order_relaxed);
}

[[nodiscard]] inline long process_id() noexcept {
#if defined(__unix__) || defined(__APPLE__)
  return static_cast<long>(::getpid());
#else
  return 0;
#endif
}

/// A thread's kept teams, and the process they were started in: a child of
/// fork() has none of their workers, so there they are given up unjoined.
/// Either sign tells a child: the fork count misses forks that skip the
/// atfork handlers (_Fork, a raw clone), the pid misses a child that has its
/// parent's pid (the first process of a nested pid namespace is 1 again, and a
/// pid freed by an exited parent can come back in a grandchild).
struct kept_teams {
  std::vector<std::unique_ptr<thread_team>> teams;
  unsigned long generation = fork_generation();
  long pid = process_id();
  void forget_if_forked() noexcept {
    if (generation == fork_generation() && pid == process_id()) return;
    for (auto& t : teams) (void)t.release();  // leaked: their workers live in the parent only
    teams.clear();
    generation = fork_generation();
    pid = process_id();
  }
  kept_teams() = default;
  kept_teams(const kept_teams&) = delete;
  kept_teams& operator=(const kept_teams&) = delete;
  ~kept_teams() { forget_if_forked(); }
};

[[nodiscard]] inline kept_teams& this_threads_kept_teams() noexcept {
  thread_local kept_teams kept;
  return kept;
}
}  // namespace detail

/// This thread's kept team of `threads` members: started on first use and
/// joined when the thread exits (or by release_kept_teams). Reusing it spares
/// each parallel call the start of its workers (tens of microseconds) and
/// their first 15 to 25 ms, in which a new thread often shares its creator's
/// CPU, so that a team started per call can be slower than one thread
/// (docs/performance.md measures both).
///
///   sutro::cpu::thread_team& team = sutro::cpu::kept_team(2);
///   team.run([](unsigned member, unsigned members) { /* member's share */ });
[[nodiscard]] inline thread_team& kept_team(unsigned threads) {
  detail::kept_teams& kept = detail::this_threads_kept_teams();
  kept.forget_if_forked();
  for (const auto& t : kept.teams)
    if (t->size() == (threads > 1 ? threads : 1)) return *t;
  kept.teams.push_back(std::make_unique<thread_team>(threads));
  return *kept.teams.back();
}

/// Joins the workers of this thread's kept teams now rather than at the
/// thread's exit (the next parallel call starts a team again). Throws
/// std::logic_error, releasing none, while one of them runs a job or is the
/// current team of a team_scope on this thread.
///
///   sutro::gf2::echelonize(m, false, 2);   // keeps a team of two on this thread
///   sutro::cpu::release_kept_teams();      // its worker thread is joined here
inline void release_kept_teams() {
  detail::kept_teams& kept = detail::this_threads_kept_teams();
  kept.forget_if_forked();
  for (const auto& t : kept.teams)
    if (t->running() || t->in_scope())
      throw std::logic_error("sutro::cpu::release_kept_teams: a kept team of " + std::to_string(t->size()) +
                             " members is in use on this thread (running a job, or current in a team_scope)");
  kept.teams.clear();
}

/// The current team of `threads` members (thread_team::current); else, where
/// `start` holds and threads > 1, this thread's kept team (kept_team), or a
/// team started in `own` while that one runs a job; else null.
[[nodiscard]] inline thread_team* current_or_own(unsigned threads, bool start, std::optional<thread_team>& own) {
  if (thread_team* team = thread_team::current(threads)) return team;
  if (!start || threads <= 1) return nullptr;
  thread_team& kept = kept_team(threads);
  return kept.running() ? &own.emplace(threads) : &kept;
}

/// Splits [0, count) into team.size() contiguous shares and calls
/// f(begin, end) on each share's member (none for an empty share).
template <class F>
void share_range(thread_team& team, std::size_t count, F&& f) {
  team.run([&](unsigned member, unsigned members) {
    const std::size_t begin = count * member / members, end = count * (member + 1) / members;
    if (end > begin) f(begin, end);
  });
}

/// Makes `team` the current team of this thread until the scope ends.
class team_scope {
 public:
  explicit team_scope(thread_team& team) noexcept
      : team_(team), previous_(std::exchange(thread_team::innermost(), &team)) {
    ++team_.scopes_;
  }
  team_scope(const team_scope&) = delete;
  team_scope& operator=(const team_scope&) = delete;
  ~team_scope() {
    --team_.scopes_;
    thread_team::innermost() = previous_;
  }

 private:
  thread_team& team_;
  thread_team* previous_;
};

}  // namespace sutro::cpu
