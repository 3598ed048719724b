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
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

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

  /// This thread's current team (see team_scope) if it has `members` members
  /// and is not running a job; else null.
  [[nodiscard]] static thread_team* current(unsigned members) noexcept {
    thread_team* t = innermost();
    return t != nullptr && t->size() == members && !t->running_ ? t : nullptr;
  }

  /// Calls job(member, size()) on every member and returns when all have returned.
  template <class Job>
  void run(Job&& job) {
    using J = std::remove_reference_t<Job>;
    if (workers_.empty()) return job(0u, 1u);
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
        relax();
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

  // PAUSEs before a waiting member sleeps: about 0.1 ms on a Zen 4 (25 ns
  // each). Waking a sleeping member took 30 to 50 us on a virtual machine.
  static constexpr unsigned spin_limit = 1u << 12;

  static void relax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
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
          relax();
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
  void (*call_)(void*, unsigned, unsigned) = nullptr;
  void* job_ = nullptr;
  std::mutex error_mutex_;
  std::exception_ptr error_;
};

/// The current team of `threads` members (thread_team::current); else, where
/// `start` holds and threads > 1, a team started in `own`; else null.
[[nodiscard]] inline thread_team* current_or_own(unsigned threads, bool start, std::optional<thread_team>& own) {
  if (thread_team* team = thread_team::current(threads)) return team;
  return start && threads > 1 ? &own.emplace(threads) : nullptr;
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
  explicit team_scope(thread_team& team) noexcept : previous_(std::exchange(thread_team::innermost(), &team)) {}
  team_scope(const team_scope&) = delete;
  team_scope& operator=(const team_scope&) = delete;
  ~team_scope() { thread_team::innermost() = previous_; }

 private:
  thread_team* previous_;
};

}  // namespace sutro::cpu
