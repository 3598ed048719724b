// Task generators: every kind, both encodings, noise; packed, dense and 0/1 forms.
#include "common.hpp"

#include <climits>

#include <nanobind/stl/optional.h>

#include "sutro/tasks/query.hpp"
#include "sutro/tasks/sparse_task.hpp"

namespace sutro::python {

tasks::task_kind parse_kind(const std::string& s) {
  using tasks::task_kind;
  if (s == "parity" || s == "sparse_parity") return task_kind::parity;
  if (s == "sum" || s == "sparse_sum") return task_kind::sum;
  if (s == "and" || s == "sparse_and") return task_kind::and_;
  if (s == "majority" || s == "sparse_majority") return task_kind::majority;
  if (s == "threshold" || s == "sparse_threshold") return task_kind::threshold;
  throw std::invalid_argument("sutro::tasks: unknown task kind '" + s + "' (parity, sum, and, majority, threshold)");
}

tasks::encoding parse_encoding(const std::string& s) {
  if (s == "pm1" || s == "+-1" || s == "plus_minus_one") return tasks::encoding::plus_minus_one;
  if (s == "01" || s == "0/1" || s == "zero_one") return tasks::encoding::zero_one;
  throw std::invalid_argument("sutro::tasks: unknown encoding '" + s + "' (pm1, 01)");
}

std::string kind_name(tasks::task_kind k) {
  switch (k) {
    case tasks::task_kind::parity:
      return "parity";
    case tasks::task_kind::sum:
      return "sum";
    case tasks::task_kind::and_:
      return "and";
    case tasks::task_kind::majority:
      return "majority";
    case tasks::task_kind::threshold:
      return "threshold";
  }
  return "?";
}

tasks::task_spec make_spec(const std::string& kind, std::size_t n, std::size_t k, double noise,
                           const std::string& encoding, std::int32_t threshold) {
  tasks::task_spec s{parse_kind(kind), n, k, noise, parse_encoding(encoding), threshold};
  tasks::validate(s);
  return s;
}

namespace {
tasks::split parse_split(const std::string& s) {
  if (s == "train") return tasks::split::train;
  if (s == "test") return tasks::split::test;
  throw std::invalid_argument("sutro::tasks: unknown split '" + s + "' (train, test)");
}

std::int32_t threshold_arg(std::optional<std::int32_t> t) { return t ? *t : tasks::threshold_k_minus_1; }

nb::tuple packed(const tasks::sparse_task& t, const std::string& s, unsigned_arg<std::size_t> count_in,
                 unsigned_arg<std::uint64_t> first_in) {
  const std::size_t count = count_in.get("sutro::tasks::packed", "count");
  const std::uint64_t first = first_in.get("sutro::tasks::packed", "first");
  const auto sp = parse_split(s);
  tasks::packed_samples p;
  {
    nb::gil_scoped_release release;
    p = t.packed(sp, count, first);
  }
  const std::size_t rw = p.row_words;
  return nb::make_tuple(adopt(std::move(p.words), {count, rw}), adopt(std::move(p.labels)));
}

nb::tuple dense(const tasks::sparse_task& t, const std::string& s, unsigned_arg<std::size_t> count_in,
                unsigned_arg<std::uint64_t> first_in) {
  const std::size_t count = count_in.get("sutro::tasks::dense", "count");
  const std::uint64_t first = first_in.get("sutro::tasks::dense", "first");
  const auto sp = parse_split(s);
  tasks::dense_samples d;
  {
    nb::gil_scoped_release release;
    d = t.dense(sp, count, first);
  }
  const std::size_t n = t.spec().n;
  return nb::make_tuple(adopt(std::move(d.x), {count, n}), adopt(std::move(d.y)));
}

/// Input bits b (0/1 bytes, one per column) and the labels in the task's encoding.
nb::tuple bits(const tasks::sparse_task& t, const std::string& s, unsigned_arg<std::size_t> count_in,
               unsigned_arg<std::uint64_t> first_in) {
  const std::size_t count = count_in.get("sutro::tasks::bits", "count");
  const std::uint64_t first = first_in.get("sutro::tasks::bits", "first");
  const auto sp = parse_split(s);
  const std::size_t n = t.spec().n;
  std::vector<std::uint8_t> b(count * n);
  tasks::packed_samples p;
  {
    nb::gil_scoped_release release;
    p = t.packed(sp, count, first);
    for (std::size_t i = 0; i < count; ++i)
      for (std::size_t j = 0; j < n; ++j) b[i * n + j] = p.bit(i, j) ? 1 : 0;
  }
  return nb::make_tuple(adopt(std::move(b), {count, n}), adopt(std::move(p.labels)));
}
}  // namespace

void bind_tasks(nb::module_& m) {
  nb::class_<tasks::sparse_task>(
      m, "Task",
      "A sparse task (sutro::tasks::sparse_task): sample i of a split is a pure "
      "function of (seed, kind, n, k, i); the test split comes from seed + test_seed_offset.")
      .def(
          "__init__",
          [](tasks::sparse_task* self, const std::string& kind, unsigned_arg<std::size_t> n,
             unsigned_arg<std::size_t> k, unsigned_arg<std::uint64_t> seed, double noise, const std::string& encoding,
             unsigned_arg<std::uint64_t> test_seed_offset, std::optional<std::int32_t> threshold) {
            constexpr const char* who = "sutro::tasks::sparse_task";
            const auto spec =
                make_spec(kind, n.get(who, "n"), k.get(who, "k"), noise, encoding, threshold_arg(threshold));
            const std::uint64_t s = seed.get(who, "seed"), off = test_seed_offset.get(who, "test_seed_offset");
            new (self) tasks::sparse_task(spec, s, off);
          },
          nb::arg("kind"), nb::arg("n"), nb::arg("k"), nb::arg("seed"), nb::arg("noise") = 0.0,
          nb::arg("encoding") = "pm1", nb::arg("test_seed_offset") = 1000, nb::arg("threshold") = nb::none())
      .def_prop_ro("kind", [](const tasks::sparse_task& t) { return kind_name(t.spec().kind); })
      .def_prop_ro("n", [](const tasks::sparse_task& t) { return t.spec().n; })
      .def_prop_ro("k", [](const tasks::sparse_task& t) { return t.spec().k; })
      .def_prop_ro("noise", [](const tasks::sparse_task& t) { return t.spec().noise; })
      .def_prop_ro("encoding", [](const tasks::sparse_task& t) { return std::string(tasks::to_string(t.spec().enc)); })
      .def_prop_ro("threshold", [](const tasks::sparse_task& t) { return tasks::threshold_of(t.spec()); })
      .def_prop_ro("seed", &tasks::sparse_task::seed)
      .def_prop_ro("test_seed_offset", &tasks::sparse_task::test_seed_offset)
      .def_prop_ro("row_words", &tasks::sparse_task::row_words)
      .def_prop_ro(
          "secret", [](const tasks::sparse_task& t) { return adopt(std::vector<std::uint32_t>(t.secret())); },
          nb::rv_policy::reference, "The hidden subset, sorted (uint32).")
      .def("packed", &packed, nb::arg("split"), nb::arg("count"), nb::arg("first") = 0,
           nb::sig("def packed(self, split: str, count: int, first: int = 0) -> "
                   "tuple[numpy.typing.NDArray[numpy.uint64], numpy.typing.NDArray[numpy.int32]]"),
           "(words uint64 [count, row_words], labels int32 [count]): bit j of a row is b_j (gf2 layout).")
      .def("dense", &dense, nb::arg("split"), nb::arg("count"), nb::arg("first") = 0,
           nb::sig("def dense(self, split: str, count: int, first: int = 0) -> "
                   "tuple[numpy.typing.NDArray[numpy.float32], numpy.typing.NDArray[numpy.float32]]"),
           "(x float32 [count, n], y float32 [count]) in the task's encoding.")
      .def("bits", &bits, nb::arg("split"), nb::arg("count"), nb::arg("first") = 0,
           nb::sig("def bits(self, split: str, count: int, first: int = 0) -> "
                   "tuple[numpy.typing.NDArray[numpy.uint8], numpy.typing.NDArray[numpy.int32]]"),
           "(b uint8 0/1 [count, n], labels int32 [count]); the +-1 form is x = 1 - 2 b.")
      .def(
          "query",
          [](const tasks::sparse_task& t, nb::handle rows_in) {
            const auto rows = integer_array<std::uint64_t, 2>(rows_in, "sutro::tasks::query", "rows");
            if (rows.shape(1) != t.row_words())
              throw std::invalid_argument("sutro::tasks::query: rows of " + std::to_string(rows.shape(1)) +
                                          " words for n = " + std::to_string(t.spec().n) + " (need " +
                                          std::to_string(t.row_words()) + ")");
            tasks::query_oracle oracle(t);
            std::vector<std::int32_t> y(rows.shape(0));
            for (std::size_t i = 0; i < y.size(); ++i)
              y[i] = oracle.label(std::span<const std::uint64_t>(rows.data() + i * t.row_words(), t.row_words()));
            return adopt(std::move(y));
          },
          nb::arg("rows"),
          nb::sig("def query(self, rows: numpy.typing.ArrayLike) -> numpy.typing.NDArray[numpy.int32]"),
          "Labels of chosen packed inputs through the query oracle (noisy when the task is).");
}

}  // namespace sutro::python
