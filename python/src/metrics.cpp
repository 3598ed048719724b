// Data-movement metrics over numpy address arrays, the energy estimate,
// ByteDMD pricing of a recorded event list, and .npy files through sutro::io::npy.
#include "common.hpp"

#include <nanobind/stl/optional.h>
#include <nanobind/stl/variant.h>

#include <numeric>

#include "sutro/io/npy.hpp"
#include "sutro/metrics/dmd/bytedmd.hpp"
#include "sutro/metrics/energy_estimate.hpp"
#include "sutro/metrics/reuse_distance.hpp"

namespace sutro::python {
namespace {

metrics::granularity parse_unit(const std::string& s) {
  if (s == "element") return metrics::granularity::element;
  if (s == "byte") return metrics::granularity::byte;
  if (s == "word") return metrics::granularity::word;
  if (s == "line") return metrics::granularity::line;
  throw std::invalid_argument("sutro::metrics::reuse_distance: unknown unit '" + s + "' (element, byte, word, line)");
}

metrics::cold_policy parse_cold(const std::string& s) {
  if (s == "separate") return metrics::cold_policy::separate;
  if (s == "stack_depth") return metrics::cold_policy::stack_depth;
  throw std::invalid_argument("sutro::metrics::reuse_distance: unknown cold policy '" + s +
                              "' (separate, stack_depth)");
}

nb::dict reuse(nb::handle addresses_in, const std::string& unit, const std::string& cold, bool distances) {
  const auto addresses = integer_array<std::uint64_t>(addresses_in, "sutro::metrics::reuse_distance", "addresses");
  const auto g = parse_unit(unit);
  metrics::reuse_distance rd({.unit = g, .cold = parse_cold(cold)});
  const std::uint64_t div = g == metrics::granularity::element ? 1 : static_cast<std::uint64_t>(g);
  const std::size_t n = addresses.shape(0);
  std::vector<std::uint64_t> per;
  std::vector<double> mrc;
  {
    nb::gil_scoped_release release;
    const std::uint64_t* a = addresses.data();
    if (distances) {
      per.resize(n);
      for (std::size_t i = 0; i < n; ++i) per[i] = rd.access(a[i] / div);
    } else if (div == 1) {
      rd.access(a, n);
    } else {
      std::vector<std::uint64_t> keys(a, a + n);
      for (auto& k : keys) k /= div;
      rd.access(keys.data(), n);
    }
    mrc = rd.miss_ratio_curve();
  }
  nb::dict d;
  d["histogram"] = adopt(std::vector<std::uint64_t>(rd.histogram()));
  d["accesses"] = rd.accesses();
  d["cold"] = rd.cold_accesses();
  d["distinct"] = rd.distinct();
  d["reuses"] = rd.reuses();
  d["dmd"] = rd.dmd();
  d["mean_reuse_distance"] = rd.mean_reuse_distance();
  d["mean_reuse_time"] = rd.mean_reuse_time();
  d["miss_ratio_curve"] = adopt(std::move(mrc));
  d["unit_bytes"] = div;
  if (distances) d["distances"] = adopt(std::move(per));
  return d;
}

constexpr const char* tier_form = "(name, capacity_bytes or None, picojoules)";

/// tiers[i] = (name, capacity_bytes or None, picojoules), each part checked: a
/// wrong type is a TypeError, a negative or too large capacity a ValueError,
/// both naming the tier and the value (never std::bad_cast).
metrics::tier parse_tier(nb::handle item, std::size_t i) {
  const std::string at = "sutro::metrics::hierarchy: tiers[" + std::to_string(i) + "]";
  if (!PyTuple_Check(item.ptr()))
    throw nb::type_error((at + " must be a tuple " + tier_form + ", got " + describe(item)).c_str());
  nb::tuple tup = nb::borrow<nb::tuple>(item);
  if (tup.size() != 3)
    throw std::invalid_argument(at + " must be a tuple " + tier_form + ", got " + std::to_string(tup.size()) +
                                " items: " + nb::repr(item).c_str());
  nb::handle name = tup[0], cap = tup[1], pj = tup[2];
  if (!PyUnicode_Check(name.ptr()))
    throw nb::type_error((at + ": the name must be a string, got " + describe(name)).c_str());
  std::uint64_t capacity = metrics::hierarchy::unbounded;
  if (!cap.is_none()) {
    if (PyBool_Check(cap.ptr()) || PyFloat_Check(cap.ptr()) || !PyIndex_Check(cap.ptr()))
      throw nb::type_error(
          (at + ": the capacity must be a non-negative integer (bytes) or None, got " + describe(cap)).c_str());
    if (negative_integer(cap))
      throw std::invalid_argument(at + ": the capacity must be non-negative, got " + nb::repr(cap).c_str());
    if (!nb::try_cast<std::uint64_t>(cap, capacity))
      throw std::invalid_argument(at + ": the capacity " + std::string(nb::repr(cap).c_str()) +
                                  " is out of range (at most 2^64 - 1 bytes; None for an unbounded tier)");
  }
  // A number: int, float or a numpy scalar (anything float() takes but a string or bool).
  double e = -1.0;
  if (!PyBool_Check(pj.ptr()) && !PyUnicode_Check(pj.ptr()) && !PyBytes_Check(pj.ptr())) e = PyFloat_AsDouble(pj.ptr());
  if (PyBool_Check(pj.ptr()) || PyUnicode_Check(pj.ptr()) || PyBytes_Check(pj.ptr()) ||
      (e == -1.0 && PyErr_Occurred())) {
    PyErr_Clear();
    throw nb::type_error((at + ": the energy must be a number (picojoules), got " + describe(pj)).c_str());
  }
  return {nb::cast<std::string>(name), capacity, e};
}

metrics::hierarchy make_hierarchy(std::optional<nb::list> tiers, std::uint64_t unit_bytes,
                                  std::uint64_t register_bytes) {
  if (!tiers) return metrics::hierarchy::pebble_game(register_bytes).with_unit(unit_bytes);
  std::vector<metrics::tier> t;
  std::size_t i = 0;
  for (auto item : *tiers) t.push_back(parse_tier(item, i++));
  return metrics::hierarchy(std::move(t), unit_bytes);
}

nb::dict tiers_dict(const metrics::hierarchy& h) {
  nb::list out;
  for (const auto& t : h.tiers()) {
    nb::dict d;
    d["name"] = t.name;
    d["capacity_bytes"] = t.capacity_bytes == metrics::hierarchy::unbounded ? nb::none() : nb::cast(t.capacity_bytes);
    d["picojoules_per_access"] = t.picojoules_per_access;
    out.append(d);
  }
  nb::dict r;
  r["tiers"] = out;
  r["unit_bytes"] = h.unit_bytes();
  r["capacities_in_units"] = adopt(h.capacities_in_units());
  return r;
}

nb::dict estimate(nb::handle hist_in, unsigned_arg<std::uint64_t> cold_in, std::optional<nb::list> tiers,
                  unsigned_arg<std::uint64_t> unit_bytes, unsigned_arg<std::uint64_t> register_bytes) {
  constexpr const char* who = "sutro::metrics::energy_estimate";
  const auto hist = integer_array<std::uint64_t>(hist_in, who, "histogram");
  const std::uint64_t cold = cold_in.get(who, "cold");
  const auto h = make_hierarchy(tiers, unit_bytes.get(who, "unit_bytes"), register_bytes.get(who, "register_bytes"));
  const std::vector<std::uint64_t> hv(hist.data(), hist.data() + hist.shape(0));
  const auto e = h.apply(hv, cold);
  nb::list out;
  for (const auto& t : e.tiers) {
    nb::dict d;
    d["name"] = t.name;
    d["accesses"] = t.accesses;
    d["joules"] = t.joules;
    out.append(d);
  }
  nb::dict r;
  r["tiers"] = out;
  r["total_joules"] = e.total_joules;
  return r;
}

// The event list of a recorded program: value ids 0..n_inputs-1 are the
// inputs; instruction t reads reads[offset_t .. offset_t + counts[t]) and
// defines outputs[t] new values, numbered in order after the inputs.
// preload None is the inputs in id order, built only after every other
// argument has been checked: for n_inputs near 2^32 that order alone takes
// 16 GiB, which a call that fails on a cheap argument must not allocate.
nb::dict price_events(unsigned_arg<std::uint32_t> n_inputs_in, nb::handle reads_in, nb::handle counts_in,
                      nb::handle outputs_in, nb::handle results_in, nb::handle preload_in, const std::string& variant,
                      unsigned_arg<std::uint64_t> bytes_per_element_in, bool keep_events) {
  // Checked, not converted: a float id would be truncated, a negative one wrap.
  constexpr const char* who = "sutro::metrics::dmd::price";
  const std::uint32_t n_inputs = n_inputs_in.get(who, "n_inputs");
  const std::uint64_t bytes_per_element = bytes_per_element_in.get(who, "bytes_per_element");
  const auto reads = integer_array<std::uint32_t>(reads_in, who, "reads");
  const auto counts = integer_array<std::uint32_t>(counts_in, who, "counts");
  const auto outputs = integer_array<std::uint32_t>(outputs_in, who, "outputs");
  const auto results = integer_array<std::uint32_t>(results_in, who, "results");
  std::optional<in_array<std::uint32_t>> preload;
  if (!preload_in.is_none()) preload = integer_array<std::uint32_t>(preload_in, who, "preload");
  const std::size_t T = counts.shape(0);
  if (outputs.shape(0) != T)
    throw std::invalid_argument("sutro::metrics::dmd::price: " + std::to_string(T) + " instructions but " +
                                std::to_string(outputs.shape(0)) + " output counts");
  std::uint64_t total = 0;
  for (std::size_t t = 0; t < T; ++t) total += counts.data()[t];
  if (total != reads.shape(0))
    throw std::invalid_argument("sutro::metrics::dmd::price: the read counts sum to " + std::to_string(total) +
                                ", reads has " + std::to_string(reads.shape(0)));
  const auto v = metrics::dmd::parse_variant(variant);
  metrics::dmd::bytedmd_result r;
  {
    nb::gil_scoped_release release;
    metrics::dmd::context ctx;
    for (std::uint32_t i = 0; i < n_inputs; ++i) (void)ctx.new_value();
    std::size_t at = 0;
    for (std::size_t t = 0; t < T; ++t) {
      const std::uint32_t c = counts.data()[t], o = outputs.data()[t];
      // A plain read (no output) is what a branch or conversion records.
      if (o == 1 || o == 0)
        (void)ctx.record("op", reads.data() + at, c, o == 1);
      else
        (void)ctx.operation("op", reads.data() + at, c, o, nullptr, 0);
      at += c;
    }
    ctx.flush();
    for (std::size_t i = 0; i < results.shape(0); ++i) ctx.keep_live(results.data()[i]);
    std::vector<std::uint32_t> order;
    if (preload) {
      order.assign(preload->data(), preload->data() + preload->shape(0));
    } else {
      order.resize(n_inputs);
      std::iota(order.begin(), order.end(), std::uint32_t{0});
    }
    ctx.set_preload(std::move(order));
    r = metrics::dmd::price(ctx, bytes_per_element, keep_events, v);
  }
  nb::dict d;
  d["cost"] = r.cost;
  d["bytes_per_element"] = r.bytes_per_element;
  d["inputs"] = r.inputs;
  d["results"] = r.results;
  d["max_live"] = r.max_live;
  if (keep_events) {
    std::vector<std::uint64_t> depth, cost;
    std::vector<std::uint32_t> value;
    for (const auto& e : r.events)
      for (const auto& x : e.reads) depth.push_back(x.depth), cost.push_back(x.cost), value.push_back(x.value);
    d["depths"] = adopt(std::move(depth));
    d["costs"] = adopt(std::move(cost));
    d["values"] = adopt(std::move(value));
  }
  return d;
}

// .npy through sutro::io::npy (the C++ reader and writer, for round trips with numpy).
nb::object npy_read(const std::string& path) {
  auto any = io::npy::read_any(path);
  const bool scalar = std::visit([](const auto& a) { return a.shape.empty(); }, any);
  // A 0-d array crosses as one element, reshaped to () by numpy.
  if (scalar) std::visit([](auto& a) { a.shape = {1}; }, any);
  nb::object out = std::visit(
      [](auto&& a) -> nb::object {
        using A = std::decay_t<decltype(a)>;
        if constexpr (std::is_same_v<A, io::npy::array<bool>>) {
          std::vector<bool> b = std::move(a.data);
          std::vector<std::uint8_t> bytes(b.begin(), b.end());
          return nb::cast(adopt(std::move(bytes), a.shape)).attr("view")("bool");
        } else {
          return nb::cast(adopt(std::move(a.data), a.shape));
        }
      },
      std::move(any));
  return scalar ? out.attr("reshape")(nb::tuple()) : out;
}

template <class T>
void write_typed(const std::string& path, const nb::ndarray<nb::c_contig, nb::device::cpu>& a,
                 const std::vector<std::size_t>& shape) {
  const auto* p = static_cast<const T*>(a.data());
  io::npy::write<T>(path, shape, std::span<const T>(p, a.size()));
}

// The shape travels apart: a 0-d array arrives here as one element.
void npy_write(const std::string& path, const nb::ndarray<nb::c_contig, nb::device::cpu>& a,
               const std::vector<std::size_t>& shape) {
  const auto t = a.dtype();
  if (t == nb::dtype<double>()) return write_typed<double>(path, a, shape);
  if (t == nb::dtype<float>()) return write_typed<float>(path, a, shape);
  if (t == nb::dtype<std::int32_t>()) return write_typed<std::int32_t>(path, a, shape);
  if (t == nb::dtype<std::int64_t>()) return write_typed<std::int64_t>(path, a, shape);
  if (t == nb::dtype<std::uint8_t>()) return write_typed<std::uint8_t>(path, a, shape);
  if (t == nb::dtype<std::int8_t>()) return write_typed<std::int8_t>(path, a, shape);
  if (t == nb::dtype<std::int16_t>()) return write_typed<std::int16_t>(path, a, shape);
  if (t == nb::dtype<std::uint16_t>()) return write_typed<std::uint16_t>(path, a, shape);
  if (t == nb::dtype<std::uint32_t>()) return write_typed<std::uint32_t>(path, a, shape);
  if (t == nb::dtype<std::uint64_t>()) return write_typed<std::uint64_t>(path, a, shape);
  if (t == nb::dtype<bool>()) {
    const auto* p = static_cast<const bool*>(a.data());
    return io::npy::write_bytes(path, io::npy::serialize(shape, std::vector<bool>(p, p + a.size())));
  }
  throw std::invalid_argument(
      "sutro::io::npy::write: dtype not supported (float32, float64, int8, int16, int32, int64, uint8, uint16, "
      "uint32, uint64, bool)");
}

nb::object npy_read_bits(const std::string& path, unsigned_arg<std::size_t> cols_in, const std::string& order) {
  const std::size_t cols = cols_in.get("sutro::io::npy::read_bits", "cols");
  if (order != "big" && order != "little")
    throw std::invalid_argument("sutro::io::npy::read_bits: bitorder must be 'big' or 'little', got '" + order + "'");
  auto b = io::npy::read_bits(path, cols, order == "big" ? io::npy::bit_order::big : io::npy::bit_order::little);
  const std::size_t rows = b.rows, w = b.words_per_row();
  return nb::cast(adopt(std::move(b.words), {rows, w}));
}

void npy_write_bits(const std::string& path, const in_array<std::uint64_t, 2>& words, unsigned_arg<std::size_t> cols_in,
                    const std::string& order) {
  const std::size_t cols = cols_in.get("sutro::io::npy::write_bits", "cols");
  if (order != "big" && order != "little")
    throw std::invalid_argument("sutro::io::npy::write_bits: bitorder must be 'big' or 'little', got '" + order + "'");
  io::npy::write_bits(path, words.shape(0), cols, std::span<const std::uint64_t>(words.data(), words.size()),
                      words.shape(1), order == "big" ? io::npy::bit_order::big : io::npy::bit_order::little);
}

}  // namespace

void bind_metrics(nb::module_& m) {
  m.def("reuse_distance", &reuse, nb::arg("addresses"), nb::arg("unit") = "element", nb::arg("cold") = "separate",
        nb::arg("distances") = false,
        nb::sig("def reuse_distance(addresses: numpy.typing.ArrayLike, unit: str = 'element', "
                "cold: str = 'separate', distances: bool = False) -> dict[str, typing.Any]"),
        "LRU stack distances of a uint64 address trace (sutro::metrics::reuse_distance): histogram, DMD, "
        "miss-ratio curve, counts; distances=True adds each access's distance (0: cold).");
  m.def("energy_estimate", &estimate, nb::arg("histogram"), nb::arg("cold"), nb::arg("tiers") = nb::none(),
        nb::arg("unit_bytes") = 4, nb::arg("register_bytes") = 256,
        nb::sig("def energy_estimate(histogram: numpy.typing.ArrayLike, cold: int, "
                "tiers: list[tuple[str, int | None, float]] | None = None, unit_bytes: int = 4, "
                "register_bytes: int = 256) -> dict[str, typing.Any]"),
        "Energy of a reuse-distance histogram on a tier hierarchy (default: the pebble game's).");
  m.def(
      "hierarchy",
      [](std::optional<nb::list> tiers, unsigned_arg<std::uint64_t> unit_bytes,
         unsigned_arg<std::uint64_t> register_bytes) {
        constexpr const char* who = "sutro::metrics::hierarchy";
        return tiers_dict(
            make_hierarchy(tiers, unit_bytes.get(who, "unit_bytes"), register_bytes.get(who, "register_bytes")));
      },
      nb::arg("tiers") = nb::none(), nb::arg("unit_bytes") = 4, nb::arg("register_bytes") = 256,
      nb::sig("def hierarchy(tiers: list[tuple[str, int | None, float]] | None = None, unit_bytes: int = 4, "
              "register_bytes: int = 256) -> dict[str, typing.Any]"),
      "The tiers of a hierarchy (checked), with their capacities in histogram units.");
  m.def("price_events", &price_events, nb::arg("n_inputs"), nb::arg("reads"), nb::arg("counts"), nb::arg("outputs"),
        nb::arg("results"), nb::arg("preload").none(), nb::arg("variant") = "main", nb::arg("bytes_per_element") = 1,
        nb::arg("keep_events") = true,
        nb::sig("def price_events(n_inputs: int, reads: numpy.typing.ArrayLike, counts: numpy.typing.ArrayLike, "
                "outputs: numpy.typing.ArrayLike, results: numpy.typing.ArrayLike, "
                "preload: numpy.typing.ArrayLike | None, variant: str = 'main', bytes_per_element: int = 1, "
                "keep_events: bool = True) -> dict[str, typing.Any]"),
        "ByteDMD price of a recorded event list (sutro::metrics::dmd::price).");
  m.def("npy_read", &npy_read, nb::arg("path"), nb::sig("def npy_read(path: str) -> numpy.typing.NDArray[typing.Any]"),
        "Reads a .npy file with sutro::io::npy.");
  m.def("npy_write", &npy_write, nb::arg("path"), nb::arg("array"), nb::arg("shape"),
        nb::sig("def npy_write(path: str, array: typing.Annotated[numpy.typing.NDArray[typing.Any], "
                "dict(order='C', device='cpu')], shape: collections.abc.Sequence[int]) -> None"),
        "Writes a .npy file with sutro::io::npy.");
  m.def("npy_read_bits", &npy_read_bits, nb::arg("path"), nb::arg("cols"), nb::arg("bitorder") = "big",
        nb::sig("def npy_read_bits(path: str, cols: int, bitorder: str = 'big') -> "
                "numpy.typing.NDArray[numpy.uint64]"),
        "Packed GF(2) rows (numpy.packbits layout) as uint64 words [rows, ceil(cols/64)].");
  m.def("npy_write_bits", &npy_write_bits, nb::arg("path"), nb::arg("words"), nb::arg("cols"),
        nb::arg("bitorder") = "big", "Writes uint64 word rows as a numpy.packbits .npy file.");
}

}  // namespace sutro::python
