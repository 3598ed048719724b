#pragma once
// Bit-by-bit references for the gf2 tests: a dense 0/1 byte matrix and the
// textbook algorithms on it, sharing no code with the library.
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace gf2ref {

struct dense {
  std::size_t rows = 0, cols = 0;
  std::vector<std::uint8_t> v;  // row-major 0/1
  dense(std::size_t r, std::size_t c) : rows(r), cols(c), v(r * c, 0) {}
  std::uint8_t& at(std::size_t i, std::size_t j) { return v[i * cols + j]; }
  std::uint8_t at(std::size_t i, std::size_t j) const { return v[i * cols + j]; }
  bool operator==(const dense&) const = default;
};

template <class M>
dense of(const M& m) {
  dense d(m.rows(), m.cols());
  for (std::size_t i = 0; i < m.rows(); ++i)
    for (std::size_t j = 0; j < m.cols(); ++j) d.at(i, j) = m.get(i, j) ? 1 : 0;
  return d;
}

inline dense mul(const dense& a, const dense& b) {
  dense c(a.rows, b.cols);
  for (std::size_t i = 0; i < a.rows; ++i)
    for (std::size_t k = 0; k < a.cols; ++k)
      if (a.at(i, k))
        for (std::size_t j = 0; j < b.cols; ++j) c.at(i, j) ^= b.at(k, j);
  return c;
}

inline dense add(const dense& a, const dense& b) {
  dense c = a;
  for (std::size_t i = 0; i < c.v.size(); ++i) c.v[i] ^= b.v[i];
  return c;
}

inline dense transpose(const dense& a) {
  dense t(a.cols, a.rows);
  for (std::size_t i = 0; i < a.rows; ++i)
    for (std::size_t j = 0; j < a.cols; ++j) t.at(j, i) = a.at(i, j);
  return t;
}

/// Reduced (or plain) row echelon form by the textbook rule: leftmost column
/// with a nonzero at or below the current row, first such row as pivot.
inline std::pair<dense, std::vector<std::size_t>> echelon(dense a, bool reduced) {
  std::vector<std::size_t> pivots;
  std::size_t r = 0;
  for (std::size_t c = 0; c < a.cols && r < a.rows; ++c) {
    std::size_t p = r;
    while (p < a.rows && !a.at(p, c)) ++p;
    if (p == a.rows) continue;
    for (std::size_t j = 0; j < a.cols; ++j) std::swap(a.at(p, j), a.at(r, j));
    for (std::size_t i = reduced ? 0 : r + 1; i < a.rows; ++i)
      if (i != r && a.at(i, c))
        for (std::size_t j = 0; j < a.cols; ++j) a.at(i, j) ^= a.at(r, j);
    pivots.push_back(c);
    ++r;
  }
  return {a, pivots};
}

inline std::size_t rank(const dense& a) { return echelon(a, false).second.size(); }

inline dense identity(std::size_t n) {
  dense d(n, n);
  for (std::size_t i = 0; i < n; ++i) d.at(i, i) = 1;
  return d;
}

/// P A = L E by the same pivot rule: perm[i] is the row of A moved to row i.
struct ple_result {
  std::vector<std::size_t> perm;
  dense l, e;
};
inline ple_result ple(dense a) {
  const std::size_t m = a.rows;
  dense l(m, m);
  std::vector<std::size_t> perm(m);
  for (std::size_t i = 0; i < m; ++i) perm[i] = i;
  std::size_t r = 0;
  for (std::size_t c = 0; c < a.cols && r < m; ++c) {
    std::size_t p = r;
    while (p < m && !a.at(p, c)) ++p;
    if (p == m) continue;
    for (std::size_t j = 0; j < a.cols; ++j) std::swap(a.at(p, j), a.at(r, j));
    for (std::size_t j = 0; j < m; ++j) std::swap(l.at(p, j), l.at(r, j));
    std::swap(perm[p], perm[r]);
    for (std::size_t i = r + 1; i < m; ++i)
      if (a.at(i, c)) {
        for (std::size_t j = 0; j < a.cols; ++j) a.at(i, j) ^= a.at(r, j);
        l.at(i, r) = 1;
      }
    l.at(r, r) = 1;
    ++r;
  }
  dense lt(m, r), e(r, a.cols);
  for (std::size_t i = 0; i < m; ++i)
    for (std::size_t j = 0; j < r; ++j) lt.at(i, j) = l.at(i, j);
  for (std::size_t i = 0; i < r; ++i)
    for (std::size_t j = 0; j < a.cols; ++j) e.at(i, j) = a.at(i, j);
  return {perm, lt, e};
}

/// Basis of {x : A x = 0} from the reduced form of a matrix whose first n
/// columns are A's: one column per free variable f (in order), 1 at f and
/// at each pivot column whose row has a 1 at f.
inline dense nullspace(const dense& rref, const std::vector<std::size_t>& pivots, std::size_t n) {
  std::size_t rank = 0;
  while (rank < pivots.size() && pivots[rank] < n) ++rank;
  std::vector<std::uint8_t> is_pivot(n, 0);
  for (std::size_t t = 0; t < rank; ++t) is_pivot[pivots[t]] = 1;
  dense basis(n, n - rank);
  std::size_t j = 0;
  for (std::size_t f = 0; f < n; ++f) {
    if (is_pivot[f]) continue;
    basis.at(f, j) = 1;
    for (std::size_t t = 0; t < rank; ++t)
      if (rref.at(t, f)) basis.at(pivots[t], j) = 1;
    ++j;
  }
  return basis;
}

/// A X = B: whether it is consistent, the solution with every free variable
/// zero (zero when inconsistent), the nullspace basis, and rank(A).
struct solve_result {
  bool consistent = true;
  dense x, nullspace;
  std::size_t rank = 0;
};
inline solve_result solve(const dense& a, const dense& b) {
  dense ab(a.rows, a.cols + b.cols);
  for (std::size_t i = 0; i < a.rows; ++i) {
    for (std::size_t j = 0; j < a.cols; ++j) ab.at(i, j) = a.at(i, j);
    for (std::size_t j = 0; j < b.cols; ++j) ab.at(i, a.cols + j) = b.at(i, j);
  }
  auto [r, piv] = echelon(ab, true);
  solve_result out{true, dense(a.cols, b.cols), nullspace(r, piv, a.cols), 0};
  for (std::size_t t = 0; t < piv.size(); ++t) {
    if (piv[t] >= a.cols) {
      out.consistent = false;
      out.x = dense(a.cols, b.cols);
      break;
    }
    ++out.rank;
    for (std::size_t j = 0; j < b.cols; ++j) out.x.at(piv[t], j) = r.at(t, a.cols + j);
  }
  return out;
}

/// L X = B (lower) or U X = B: bit by bit, one column of B at a time, reading
/// only the named triangle and assuming a diagonal of ones.
inline dense triangular_solve(const dense& t, const dense& b, bool lower) {
  const std::size_t n = t.rows;
  dense x(n, b.cols);
  for (std::size_t c = 0; c < b.cols; ++c)
    for (std::size_t s = 0; s < n; ++s) {
      const std::size_t i = lower ? s : n - 1 - s;
      std::uint8_t v = b.at(i, c);
      for (std::size_t j = 0; j < n; ++j)
        if ((lower ? j < i : j > i) && t.at(i, j)) v ^= x.at(j, c);
      x.at(i, c) = v;
    }
  return x;
}

}  // namespace gf2ref
