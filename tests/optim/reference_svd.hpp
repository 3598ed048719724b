#pragma once
// Float64 reference: one-sided (Hestenes) Jacobi SVD, and the polar factor
// U V^T built from it with zero singular values mapped to 0.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace sutro::testing {

struct reference_polar_result {
  std::vector<double> q;      // rows x cols
  std::vector<double> sigma;  // singular values
  std::size_t rank = 0;
};

// a: rows x cols row-major. rcond relative to the largest singular value.
inline reference_polar_result reference_polar(std::vector<double> a, std::size_t rows, std::size_t cols, double rcond) {
  const bool wide = rows < cols;
  std::size_t m = rows, n = cols;
  if (wide) {  // work on the transpose so that m >= n
    std::vector<double> t(a.size());
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < cols; ++j) t[j * rows + i] = a[i * cols + j];
    a = t;
    std::swap(m, n);
  }
  std::vector<double> v(n * n, 0.0);
  for (std::size_t i = 0; i < n; ++i) v[i * n + i] = 1.0;
  for (int sweep = 0; sweep < 100; ++sweep) {
    bool rotated = false;
    for (std::size_t p = 0; p + 1 < n; ++p)
      for (std::size_t q = p + 1; q < n; ++q) {
        double alpha = 0, beta = 0, gamma = 0;
        for (std::size_t r = 0; r < m; ++r) {
          alpha += a[r * n + p] * a[r * n + p];
          beta += a[r * n + q] * a[r * n + q];
          gamma += a[r * n + p] * a[r * n + q];
        }
        if (gamma == 0.0 || std::abs(gamma) <= 1e-15 * std::sqrt(alpha * beta)) continue;
        rotated = true;
        const double zeta = (beta - alpha) / (2 * gamma);
        const double t = (zeta >= 0 ? 1.0 : -1.0) / (std::abs(zeta) + std::sqrt(1 + zeta * zeta));
        const double c = 1 / std::sqrt(1 + t * t), s = c * t;
        for (std::size_t r = 0; r < m; ++r) {
          const double x = a[r * n + p], y = a[r * n + q];
          a[r * n + p] = c * x - s * y;
          a[r * n + q] = s * x + c * y;
        }
        for (std::size_t r = 0; r < n; ++r) {
          const double x = v[r * n + p], y = v[r * n + q];
          v[r * n + p] = c * x - s * y;
          v[r * n + q] = s * x + c * y;
        }
      }
    if (!rotated) break;
  }
  reference_polar_result out;
  out.sigma.resize(n);
  double smax = 0;
  for (std::size_t j = 0; j < n; ++j) {
    double s = 0;
    for (std::size_t r = 0; r < m; ++r) s += a[r * n + j] * a[r * n + j];
    out.sigma[j] = std::sqrt(s);
    smax = std::max(smax, out.sigma[j]);
  }
  std::vector<double> q(m * n, 0.0);  // sum_j (a_j / sigma_j) v_j^T
  for (std::size_t j = 0; j < n; ++j) {
    if (!(out.sigma[j] > rcond * smax) || smax == 0) continue;
    ++out.rank;
    for (std::size_t r = 0; r < m; ++r)
      for (std::size_t c = 0; c < n; ++c) q[r * n + c] += a[r * n + j] / out.sigma[j] * v[c * n + j];
  }
  if (wide) {
    out.q.resize(q.size());
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < n; ++j) out.q[j * m + i] = q[i * n + j];
  } else {
    out.q = q;
  }
  return out;
}

}  // namespace sutro::testing
