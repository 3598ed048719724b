// GF(2) matrices from and to numpy (0/1 bytes, bool, numpy.packbits rows, raw
// words), with the sutro::gf2 operations.
#include "common.hpp"

#include "sutro/gf2/all.hpp"
#include "sutro/io/npy.hpp"

namespace sutro::python {
namespace {
using M = gf2::matrix<>;
namespace npy = io::npy;

npy::bit_order parse_order(const std::string& s) {
  if (s == "big") return npy::bit_order::big;
  if (s == "little") return npy::bit_order::little;
  throw std::invalid_argument("sutro::gf2: bitorder must be 'big' or 'little', got '" + s + "'");
}

M from_bits(const in_array<std::uint8_t, 2>& a) {
  const std::size_t r = a.shape(0), c = a.shape(1);
  M m(r, c);
  for (std::size_t i = 0; i < r; ++i)
    for (std::size_t j = 0; j < c; ++j) {
      const std::uint8_t b = a.data()[i * c + j];
      if (b > 1)
        throw std::invalid_argument("sutro::gf2::matrix: entry (" + std::to_string(i) + ", " + std::to_string(j) +
                                    ") is " + std::to_string(b) + ", expected 0 or 1");
      if (b) m.set_unchecked(i, j, true);
    }
  return m;
}

M from_packbits(const in_array<std::uint8_t, 2>& a, unsigned_arg<std::size_t> cols_in, const std::string& order) {
  const std::size_t cols = cols_in.get("sutro::gf2::matrix::from_packbits", "cols");
  const auto o = parse_order(order);
  const std::size_t r = a.shape(0), rb = (cols + 7) / 8;
  if (a.shape(1) != rb)
    throw std::invalid_argument("sutro::gf2::matrix::from_packbits: rows of " + std::to_string(cols) +
                                " columns take " + std::to_string(rb) + " bytes, the array has " +
                                std::to_string(a.shape(1)));
  M m(r, cols);
  for (std::size_t i = 0; i < r; ++i)
    if (!npy::unpack_row(a.data() + i * rb, cols, m.row_ptr(i), o))
      throw std::invalid_argument("sutro::gf2::matrix::from_packbits: row " + std::to_string(i) +
                                  " has bits set beyond column " + std::to_string(cols));
  return m;
}

M from_words(nb::handle words, unsigned_arg<std::size_t> cols_in) {
  const std::size_t cols = cols_in.get("sutro::gf2::matrix::from_words", "cols");
  // Checked, not converted: float words would be truncated.
  const auto a = integer_array<std::uint64_t, 2>(words, "sutro::gf2::matrix::from_words", "words");
  const std::size_t r = a.shape(0), w = (cols + 63) / 64;
  if (a.shape(1) != w)
    throw std::invalid_argument("sutro::gf2::matrix::from_words: rows of " + std::to_string(cols) + " columns take " +
                                std::to_string(w) + " words, the array has " + std::to_string(a.shape(1)));
  M m(r, cols);
  for (std::size_t i = 0; i < r; ++i) {
    const std::uint64_t* src = a.data() + i * w;
    if (cols % 64 && (src[w - 1] & ~gf2::detail::tail_mask(cols)))
      throw std::invalid_argument("sutro::gf2::matrix::from_words: row " + std::to_string(i) +
                                  " has bits set beyond column " + std::to_string(cols));
    std::copy(src, src + w, m.row_ptr(i));
  }
  return m;
}

auto to_bits(const M& m) { return adopt(m.to_bytes(), {m.rows(), m.cols()}); }

auto to_packbits(const M& m, const std::string& order) {
  const auto o = parse_order(order);
  const std::size_t rb = (m.cols() + 7) / 8;
  std::vector<std::uint8_t> out(m.rows() * rb);
  for (std::size_t i = 0; i < m.rows(); ++i) npy::pack_row(m.row_ptr(i), m.cols(), out.data() + i * rb, o);
  return adopt(std::move(out), {m.rows(), rb});
}

}  // namespace

void bind_gf2(nb::module_& m) {
  nb::class_<M>(m, "GF2Matrix",
                "A dense bit matrix over GF(2) (sutro::gf2::matrix): row-major, column j of a row is bit j % 64 "
                "of word j / 64, rows padded to 8 words.")
      .def(
          "__init__",
          [](M* self, unsigned_arg<std::size_t> rows, unsigned_arg<std::size_t> cols) {
            constexpr const char* who = "sutro::gf2::matrix";
            const std::size_t r = rows.get(who, "rows"), c = cols.get(who, "cols");
            new (self) M(r, c);
          },
          nb::arg("rows"), nb::arg("cols"), "The zero matrix.")
      .def_static("from_bits", &from_bits, nb::arg("bits"), "From a 2-D uint8 array of 0/1 (bool viewed as uint8).")
      .def_static("from_packbits", &from_packbits, nb::arg("packed"), nb::arg("cols"), nb::arg("bitorder") = "big",
                  "From numpy.packbits(A, axis=1, bitorder=...) of a matrix with `cols` columns.")
      .def_static("from_words", &from_words, nb::arg("words"), nb::arg("cols"),
                  nb::sig("def from_words(words: numpy.typing.ArrayLike, cols: int) -> GF2Matrix"),
                  "From uint64 words [rows, ceil(cols/64)] in sutro's layout (a task's packed rows).")
      .def_static(
          "identity",
          [](unsigned_arg<std::size_t> n) { return M::identity(n.get("sutro::gf2::matrix::identity", "n")); },
          nb::arg("n"))
      .def_static(
          "random",
          [](unsigned_arg<std::size_t> r, unsigned_arg<std::size_t> c, unsigned_arg<std::uint64_t> seed) {
            constexpr const char* who = "sutro::gf2::matrix::random";
            const std::size_t rows = r.get(who, "rows"), cols = c.get(who, "cols");
            return M::random(rows, cols, seed.get(who, "seed"));
          },
          nb::arg("rows"), nb::arg("cols"), nb::arg("seed"))
      .def_prop_ro("rows", &M::rows)
      .def_prop_ro("cols", &M::cols)
      .def_prop_ro(
          "shape", [](const M& a) { return nb::make_tuple(a.rows(), a.cols()); },
          nb::for_getter(nb::sig("def shape(self, /) -> tuple[int, int]")))
      .def_prop_ro("stride", &M::stride, "Words per row in storage (a multiple of 8).")
      .def_prop_ro(
          "words",
          [](nb::handle self) {
            const M& a = nb::cast<const M&>(self);
            const std::size_t shape[2] = {a.rows(), a.words_used()};
            const std::int64_t strides[2] = {static_cast<std::int64_t>(a.stride()), 1};
            return nb::ndarray<nb::numpy, const std::uint64_t>(a.data(), 2, shape, self, strides);
          },
          nb::rv_policy::reference, "A read-only view (no copy) of the words in use: uint64 [rows, ceil(cols/64)].")
      .def("to_bits", &to_bits, "uint8 0/1 [rows, cols].")
      .def("to_packbits", &to_packbits, nb::arg("bitorder") = "big",
           "uint8 [rows, ceil(cols/8)] as numpy.packbits(A, axis=1, bitorder=...) gives.")
      .def("get", &M::get, nb::arg("i"), nb::arg("j"))
      .def("set", &M::set, nb::arg("i"), nb::arg("j"), nb::arg("value"))
      .def("weight", &M::weight, "Number of ones.")
      // Any object compares (False, not a TypeError, for another type), and the stub
      // says so: __eq__(self, other: object) overrides object.__eq__ soundly.
      .def(
          "__eq__",
          [](const M& a, nb::handle b) {
            const M* other = nullptr;
            return nb::try_cast<const M*>(b, other, false) && other && a == *other;
          },
          nb::arg("other"), nb::sig("def __eq__(self, other: object, /) -> bool"))
      .def("__repr__",
           [](const M& a) { return "GF2Matrix(" + std::to_string(a.rows()) + "x" + std::to_string(a.cols()) + ")"; })
      .def("__str__", &M::to_string)
      .def("__matmul__",
           [](const M& a, const M& b) {
             nb::gil_scoped_release r;
             return gf2::mul(a, b);
           })
      .def(
          "__add__", [](const M& a, const M& b) { return gf2::add(a, b); }, "Sum over GF(2) (XOR).")
      .def("__xor__", [](const M& a, const M& b) { return gf2::add(a, b); })
      .def("copy", [](const M& a) { return M(a); })
      .def("transpose", [](const M& a) { return gf2::transpose(a); })
      .def("rank",
           [](const M& a) {
             nb::gil_scoped_release r;
             return gf2::rank(a);
           })
      .def(
          "echelon",
          [](const M& a, bool reduced) {
            gf2::echelon_result<M> e;
            {
              nb::gil_scoped_release r;
              e = reduced ? gf2::reduced_row_echelon(a) : gf2::row_echelon(a);
            }
            return nb::make_tuple(std::move(e.form), adopt(std::vector<std::size_t>(e.info.pivots)), e.info.rank);
          },
          nb::arg("reduced") = true,
          nb::sig("def echelon(self, reduced: bool = True) -> "
                  "tuple[GF2Matrix, numpy.typing.NDArray[numpy.uint64], int]"),
          "(form, pivot columns, rank).")
      .def(
          "ple",
          [](const M& a) {
            gf2::ple_result<M> f;
            {
              nb::gil_scoped_release r;
              f = gf2::ple(a);
            }
            nb::dict d;
            d["perm"] = adopt(std::move(f.perm));
            d["l"] = std::move(f.l);
            d["e"] = std::move(f.e);
            d["pivots"] = adopt(std::move(f.pivots));
            d["rank"] = f.rank;
            return d;
          },
          nb::sig("def ple(self) -> dict[str, typing.Any]"),
          "P A = L E: {perm (row perm[i] of A is row i of P A), l (m x r), e (r x n echelon), pivots, rank}.")
      .def(
          "pluq",
          [](const M& a) {
            gf2::pluq_result<M> f;
            {
              nb::gil_scoped_release r;
              f = gf2::pluq(a);
            }
            nb::dict d;
            d["pivots"] = adopt(std::vector<std::size_t>(f.col_perm.begin(), f.col_perm.begin() + f.rank));
            d["row_perm"] = adopt(std::move(f.row_perm));
            d["col_perm"] = adopt(std::move(f.col_perm));
            d["l"] = std::move(f.l);
            d["u"] = std::move(f.u);
            d["rank"] = f.rank;
            return d;
          },
          nb::sig("def pluq(self) -> dict[str, typing.Any]"),
          "P A Q = L U: {row_perm (row row_perm[i] of A is row i of P A), col_perm (column col_perm[j] of A is "
          "column j of A Q), l (m x r unit lower trapezoidal), u (r x n unit upper trapezoidal), pivots (the column "
          "rank profile), rank}.")
      .def(
          "right_kernel",
          [](const M& a) {
            nb::gil_scoped_release r;
            return gf2::right_kernel(a);
          },
          "Columns spanning {x : A x = 0} (n x (n - rank)), from the PLUQ decomposition.")
      .def(
          "left_kernel",
          [](const M& a) {
            nb::gil_scoped_release r;
            return gf2::left_kernel(a);
          },
          "Rows spanning {y : y A = 0} ((m - rank) x m), from the PLUQ decomposition.")
      .def(
          "permute_columns",
          [](const M& a, const std::vector<std::size_t>& perm) {
            nb::gil_scoped_release r;
            return gf2::permute_columns(a, perm);
          },
          nb::arg("perm"), "Column j of the result is column perm[j] of A.")
      .def(
          "solve",
          [](const M& a, const M& b) {
            gf2::solve_matrix_result<> s;
            {
              nb::gil_scoped_release r;
              s = gf2::solve(a, b);
            }
            return nb::make_tuple(s.consistent, std::move(s.solution), std::move(s.nullspace));
          },
          nb::arg("b"), nb::sig("def solve(self, b: GF2Matrix) -> tuple[bool, GF2Matrix, GF2Matrix]"),
          "A X = B: (consistent, one solution X, nullspace basis as columns).")
      .def("kernel",
           [](const M& a) {
             nb::gil_scoped_release r;
             return gf2::kernel(a);
           })
      .def("inverse", [](const M& a) {
        nb::gil_scoped_release r;
        return gf2::inverse(a);
      });
}

}  // namespace sutro::python
