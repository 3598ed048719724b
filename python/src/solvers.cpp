// Every exact solver of sutro::solvers on numpy samples, and Kushilevitz-Mansour on a task's oracle.
#include "common.hpp"
#include "solver_dispatch.hpp"

#include <nanobind/stl/optional.h>

#include "sutro/solvers/kushilevitz_mansour.hpp"
#include "sutro/tasks/query.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace sutro::python {
namespace {

nb::dict result_dict(solvers::solve_result r) {
  nb::dict d;
  d["subset"] = adopt(std::move(r.subset));
  d["status"] = std::string(solvers::to_string(r.status));
  d["reason"] = std::move(r.reason);
  nb::dict st;
  st["samples_used"] = r.stats.samples_used;
  st["rank"] = r.stats.rank;
  st["candidates"] = r.stats.candidates;
  st["disagreements"] = r.stats.disagreements;
  d["stats"] = st;
  return d;
}

nb::dict solve_packed(const std::string& method, nb::handle words_in, nb::handle labels_in, const std::string& kind,
                      unsigned_arg<std::size_t> n_in, unsigned_arg<std::size_t> k_in, double noise,
                      const std::string& encoding, std::optional<std::int32_t> threshold, nb::dict kwargs) {
  const std::string who = "sutro::solvers::" + method;
  const std::size_t n = n_in.get(who, "n"), k = k_in.get(who, "k");
  const auto words = integer_array<std::uint64_t, 2>(words_in, who, "words");
  const auto labels = integer_array<std::int32_t, 1>(labels_in, who, "labels");
  tasks::packed_samples d;
  d.spec = make_spec(kind, n, k, noise, encoding, threshold ? *threshold : tasks::threshold_k_minus_1);
  d.count = words.shape(0);
  d.row_words = (n + 63) / 64;
  if (words.shape(1) != d.row_words)
    throw std::invalid_argument("sutro::solvers::" + method + ": rows of " + std::to_string(words.shape(1)) +
                                " words for n = " + std::to_string(n) + " (need " + std::to_string(d.row_words) + ")");
  if (labels.shape(0) != d.count)
    throw std::invalid_argument("sutro::solvers::" + method + ": " + std::to_string(d.count) + " rows but " +
                                std::to_string(labels.shape(0)) + " labels");
  d.words.assign(words.data(), words.data() + d.count * d.row_words);
  d.labels.assign(labels.data(), labels.data() + d.count);
  if (n % 64)
    for (std::size_t i = 0; i < d.count; ++i)
      if (d.row(i)[d.row_words - 1] >> (n % 64))
        throw std::invalid_argument("sutro::solvers::" + method + ": row " + std::to_string(i) +
                                    " has bits set beyond column n = " + std::to_string(n));
  solvers::solve_result r = with_solver(method, std::move(kwargs), [&](const auto& solver) {
    nb::gil_scoped_release release;
    return solver.solve(d);
  });
  return result_dict(std::move(r));
}

nb::dict km(const tasks::sparse_task& task, unsigned_arg<std::size_t> pairs_per_bit_in,
            unsigned_arg<std::uint64_t> seed_in, double false_positive, bool stop_at_k,
            unsigned_arg<std::uint64_t> budget_in) {
  constexpr const char* who = "sutro::solvers::kushilevitz_mansour";
  const std::size_t pairs_per_bit = pairs_per_bit_in.get(who, "pairs_per_bit");
  const std::uint64_t seed = seed_in.get(who, "seed"), budget = budget_in.get(who, "budget");
  solvers::km_result r;
  {
    nb::gil_scoped_release release;
    tasks::query_options qo;
    if (budget) qo.budget = budget;
    tasks::query_oracle oracle(task, qo);
    r = solvers::kushilevitz_mansour(
        oracle,
        {.pairs_per_bit = pairs_per_bit, .seed = seed, .false_positive = false_positive, .stop_at_k = stop_at_k});
  }
  nb::dict d;
  d["subset"] = adopt(std::move(r.subset));
  d["status"] = std::string(solvers::to_string(r.status));
  d["reason"] = std::move(r.reason);
  d["ranked"] = adopt(std::move(r.ranked));
  d["influence"] = adopt(std::move(r.influence));
  d["queries"] = r.queries;
  d["cut"] = r.cut;
  return d;
}

}  // namespace

void bind_solvers(nb::module_& m) {
  m.def("solve_packed", &solve_packed, nb::arg("method"), nb::arg("words"), nb::arg("labels"), nb::arg("kind"),
        nb::arg("n"), nb::arg("k"), nb::arg("noise"), nb::arg("encoding"), nb::arg("threshold").none(),
        nb::arg("options"),
        nb::sig("def solve_packed(method: str, words: object, labels: object, kind: str, n: int, k: int, "
                "noise: float, encoding: str, threshold: int | None, options: dict[str, typing.Any]) -> "
                "dict[str, typing.Any]"),
        "Runs solver `method` on packed samples (uint64 [m, ceil(n/64)], int32 labels); returns "
        "{subset, status, reason, stats}.");
  m.def("kushilevitz_mansour", &km, nb::arg("task"), nb::arg("pairs_per_bit") = 1, nb::arg("seed") = 0,
        nb::arg("false_positive") = 1e-6, nb::arg("stop_at_k") = false, nb::arg("budget") = 0,
        nb::sig("def kushilevitz_mansour(task: Task, pairs_per_bit: int = 1, seed: int = 0, "
                "false_positive: float = 1e-06, stop_at_k: bool = False, budget: int = 0) -> dict[str, typing.Any]"),
        "Kushilevitz-Mansour on the task's query oracle (pairs_per_bit = 1: KM-min).");
}

}  // namespace sutro::python
