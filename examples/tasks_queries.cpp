// The group's newer tasks (sparse majority vote, sparse threshold), independent
// random streams, query access and the Kushilevitz-Mansour method (KM, KM-min),
// with a table of how often KM is certified over many seeds.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <vector>

#include <iostream>

#include "sutro/lab/experiment.hpp"
#include "sutro/lab/report.hpp"
#include "sutro/solvers/correlation.hpp"
#include "sutro/solvers/kushilevitz_mansour.hpp"
#include "sutro/tasks/query.hpp"
#include "sutro/tasks/sparse_task.hpp"

using namespace sutro;

int main() {
  using namespace sutro::tasks;
  // [kinds]
  auto vote = sparse_majority(20, 3, 42);                     // y = sign(sum of x_i over S), 0 -> +1
  auto high = sparse_threshold(20, 3, 42);                    // y = +1 iff sum >= t = k - 1 (all three +1)
  auto low = sparse_threshold(20, 3, 42, {.threshold = -1});  // any t in [-k, k]
  auto bits = sparse_majority(20, 3, 42, {.noise = 0.1, .enc = encoding::zero_one});  // 0/1, noisy train labels
  // [kinds]
  const auto v = vote.packed(split::train, 1000), h = high.packed(split::train, 1000);
  std::size_t vote_pos = 0, high_pos = 0;
  for (std::size_t i = 0; i < 1000; ++i) {
    vote_pos += v.labels[i] == 1;
    high_pos += h.labels[i] == 1;
  }
  std::printf("+1 labels in 1000 rows: majority %zu, threshold t=2 %zu; t=-1 first label %d, 0/1 first label %d\n",
              vote_pos, high_pos, low.packed(split::train, 1).labels[0], bits.packed(split::train, 1).labels[0]);

  // [streams]
  // Same seed, other (n, k) or kind: unrelated secret, inputs and noise.
  auto a = sparse_parity(20, 3, 42), b = sparse_parity(20, 5, 42), c = sparse_parity(50, 3, 42);
  // The challenge's convention: the test inputs are the train inputs of the same task drawn with seed + 1000.
  bool same = a.packed(split::test, 500).words == sparse_parity(20, 3, 1042).packed(split::train, 500).words;
  // [streams]
  std::printf(
      "secrets with seed 42: (20,3) {%u %u %u}, (20,5) {%u %u %u %u %u}, (50,3) {%u %u %u}; "
      "test(42) == train(1042): %s\n",
      a.secret()[0], a.secret()[1], a.secret()[2], b.secret()[0], b.secret()[1], b.secret()[2], b.secret()[3],
      b.secret()[4], c.secret()[0], c.secret()[1], c.secret()[2], same ? "yes" : "no");

  // [oracle]
  query_oracle oracle(sparse_parity(20, 3, 42));
  std::vector<std::uint64_t> x(oracle.row_words(), 0);  // all x_i = +1
  std::int32_t y0 = oracle.label(x);
  x[0] ^= 1u << 6;                    // flip bit 6
  std::int32_t y6 = oracle.label(x);  // differs iff 6 is in the secret
  std::printf("f(x) = %d, f(x with bit 6 flipped) = %d, after %llu queries\n", y0, y6,
              static_cast<unsigned long long>(oracle.queries()));
  // [oracle]

  // [km]
  query_oracle fresh(sparse_parity(20, 3, 42));
  auto r = solvers::km_min(fresh);  // one bit-flip pair per bit: 40 queries
  std::printf("KM-min: %s {%u %u %u} in %llu queries (%s)\n", solvers::to_string(r.status), r.subset[0], r.subset[1],
              r.subset[2], static_cast<unsigned long long>(r.queries), r.reason.c_str());
  query_oracle conj(sparse_and(20, 3, 42));
  auto s = solvers::kushilevitz_mansour(conj, {.pairs_per_bit = 20});  // the group's AND setting: 800 queries
  // [km]
  std::printf("KM on sparse AND, 20 pairs per bit: %s in %llu queries\n", solvers::to_string(s.status),
              static_cast<unsigned long long>(s.queries));

  // [lab]
  // Passive data: the correlation solver (the group's first-order Fourier method, certified) in the lab.
  lab::config cfg;
  cfg.task = task_spec{task_kind::majority, 20, 3};
  const std::vector<lab::method> methods = {lab::from_solver(
      solvers::correlation{}, "correlation", {task_kind::majority, task_kind::threshold, task_kind::and_})};
  lab::report rep = lab::run(cfg, methods);
  cfg.task = task_spec{task_kind::threshold, 20, 3};
  lab::append(rep, lab::run(cfg, methods));
  lab::print_table(std::cout, rep);
  // [lab]
  for (const auto& sm : rep.summaries)
    if (!sm.pass) return 1;

  // Certified success over seeds 0..999, and how often the group's answer (top k by influence) is right.
  struct row {
    const char* name;
    task_kind kind;
    std::size_t n, k;
    double noise;
    std::size_t pairs;
  };
  std::printf(
      "\n| task | pairs per bit | queries | found | ambiguous | failed | wrong found | top-k right | time per run |\n"
      "|---|---|---|---|---|---|---|---|---|\n");
  for (const row w :
       {row{"parity (20,3)", task_kind::parity, 20, 3, 0.0, 1},
        row{"parity (100,3)", task_kind::parity, 100, 3, 0.0, 1},
        row{"parity (20,5)", task_kind::parity, 20, 5, 0.0, 1}, row{"sum (20,3)", task_kind::sum, 20, 3, 0.0, 1},
        row{"and (20,3)", task_kind::and_, 20, 3, 0.0, 5}, row{"and (20,3)", task_kind::and_, 20, 3, 0.0, 20},
        row{"majority (20,3)", task_kind::majority, 20, 3, 0.0, 5},
        row{"majority (20,3)", task_kind::majority, 20, 3, 0.0, 20},
        row{"threshold (20,3), t = 2", task_kind::threshold, 20, 3, 0.0, 20},
        row{"parity (20,3), p = 0.1", task_kind::parity, 20, 3, 0.1, 20},
        row{"parity (20,3), p = 0.1", task_kind::parity, 20, 3, 0.1, 40}}) {
    int counts[3] = {0, 0, 0}, wrong = 0, top = 0;
    std::uint64_t queries = 0;
    const int seeds = 1000;
    const auto t0 = std::chrono::steady_clock::now();
    for (int seed = 0; seed < seeds; ++seed) {
      const auto task = make_task(w.kind, w.n, w.k, std::uint64_t(seed), {.noise = w.noise});
      query_oracle q(task);
      const auto res = solvers::kushilevitz_mansour(q, {.pairs_per_bit = w.pairs, .seed = std::uint64_t(seed)});
      ++counts[res.status == solvers::solve_status::found ? 0 : res.status == solvers::solve_status::ambiguous ? 1 : 2];
      wrong += res.status == solvers::solve_status::found && res.subset != task.secret();
      top += res.ranked == task.secret();
      queries = res.queries;
    }
    const double us = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count() / seeds;
    std::printf("| %s | %zu | %llu | %d | %d | %d | %d | %d | %.1f us |\n", w.name, w.pairs,
                static_cast<unsigned long long>(queries), counts[0], counts[1], counts[2], wrong, top, us);
    if (wrong) return 1;
  }
  return r.status == solvers::solve_status::found && r.subset == sparse_parity(20, 3, 42).secret() ? 0 : 1;
}
