// EGD's polar factor against a float64 one-sided Jacobi SVD and across its
// three routes; Muon's iteration.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "reference_svd.hpp"
#include "support/catch.hpp"
#include "sutro/memory/access_policy.hpp"
#include "sutro/memory/trace.hpp"
#include "sutro/nn/random.hpp"
#include "sutro/nn/tensor.hpp"
#include "sutro/optim/muon.hpp"
#include "sutro/optim/polar.hpp"

#if defined(SUTRO_CATCH2_V3)
using Catch::Approx;
#endif

namespace nn = sutro::nn;
namespace optim = sutro::optim;

namespace {
// rows x cols of rank `rank` (product of Gaussian factors); rank >= min: full rank.
std::vector<double> random_matrix(std::size_t rows, std::size_t cols, std::size_t rank, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> a(rows * cols, 0.0);
  if (rank >= std::min(rows, cols)) {
    for (auto& v : a) v = nn::standard_normal(rng);
    return a;
  }
  std::vector<double> l(rows * rank), r(rank * cols);
  for (auto& v : l) v = nn::standard_normal(rng);
  for (auto& v : r) v = nn::standard_normal(rng);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t k = 0; k < rank; ++k)
      for (std::size_t j = 0; j < cols; ++j) a[i * cols + j] += l[i * rank + k] * r[k * cols + j];
  return a;
}
}  // namespace

TEST_CASE("polar_factor matches a float64 SVD, full rank and rank deficient", "[optim][polar]") {
  struct shape {
    std::size_t rows, cols, rank;
  };
  const auto s = GENERATE(shape{1, 1, 1}, shape{1, 5, 1}, shape{5, 1, 1}, shape{7, 7, 7}, shape{200, 20, 20},
                          shape{20, 200, 20}, shape{63, 20, 20}, shape{64, 64, 64}, shape{65, 3, 3}, shape{200, 20, 3},
                          shape{20, 200, 5}, shape{64, 64, 10}, shape{30, 12, 1});
  const auto a = random_matrix(s.rows, s.cols, s.rank, 1000 + s.rows * 7 + s.cols + s.rank);
  const double rcond = static_cast<double>(std::max(s.rows, s.cols)) * std::numeric_limits<float>::epsilon();
  const auto ref = sutro::testing::reference_polar(a, s.rows, s.cols, rcond);
  INFO(s.rows << " x " << s.cols << " rank " << s.rank);
  CHECK(ref.rank == s.rank);

  nn::tensor<double> g(s.rows, s.cols);
  std::copy(a.begin(), a.end(), g.data());
  optim::polar_workspace ws;
  CHECK(optim::polar_factor(g.ref(), ws) == s.rank);
  double err = 0;
  for (std::size_t i = 0; i < a.size(); ++i) err = std::max(err, std::abs(g.data()[i] - ref.q[i]));
  CHECK(err < 1e-8);
  // Scale invariant over the whole double range: the Gram matrix of 1e200 G
  // would be inf and that of 1e-160 G subnormal.
  for (double scale : {1e200, 1e-160, 1e300, 1e-300}) {
    INFO("scale " << scale);
    for (std::size_t i = 0; i < a.size(); ++i) g.data()[i] = a[i] * scale;
    CHECK(optim::polar_factor(g.ref(), ws) == s.rank);
    double e = 0;
    for (std::size_t i = 0; i < a.size(); ++i) e = std::max(e, std::abs(g.data()[i] - ref.q[i]));
    CHECK(e < 1e-8);
  }

  nn::tensor<float> gf(s.rows, s.cols);
  for (std::size_t i = 0; i < a.size(); ++i) gf.data()[i] = static_cast<float>(a[i]);
  const auto reff =
      sutro::testing::reference_polar(std::vector<double>(gf.data(), gf.data() + gf.size()), s.rows, s.cols, rcond);
  CHECK(optim::polar_factor(gf.ref(), ws) == s.rank);
  double errf = 0;
  for (std::size_t i = 0; i < a.size(); ++i) errf = std::max(errf, std::abs(gf.data()[i] - reff.q[i]));
  CHECK(errf < 1e-5);
}

TEST_CASE("polar_factor of zero and empty matrices", "[optim][polar]") {
  optim::polar_workspace ws;
  nn::tensor<float> z(20, 4);
  CHECK(optim::polar_factor(z.ref(), ws) == 0);
  CHECK(ws.route == optim::polar_route::none);
  for (float v : z.ref().span()) CHECK(v == 0.0f);
  nn::tensor<float> e(0, 5);
  ws.route = optim::polar_route::newton;  // as a previous call leaves it
  CHECK(optim::polar_factor(e.ref(), ws) == 0);
  CHECK(ws.route == optim::polar_route::none);
  // An exactly orthogonal input is a fixed point; a scaled one maps back to it.
  nn::tensor<double> q(3, 2);
  q(0, 0) = 3.0;  // columns (3,0,0) and (0,0,5): U V^T = (e1, e3)
  q(2, 1) = 5.0;
  CHECK(optim::polar_factor(q.ref(), ws) == 2);
  CHECK(ws.route == optim::polar_route::newton);
  CHECK(ws.newton_iterations > 0);
  CHECK(q(0, 0) == Approx(1.0));
  CHECK(q(2, 1) == Approx(1.0));
  CHECK(q(1, 0) == 0.0);
}

TEST_CASE("Newton-Schulz equals the quintic iteration written out", "[optim][muon]") {
  const std::size_t rows = 6, cols = 3;
  const auto a = random_matrix(rows, cols, 3, 77);
  // Reference: X = G^T / ||G|| (3 x 6), five steps X <- aX + (bA + cA^2) X, A = X X^T.
  double norm = 0;
  for (double v : a) norm += v * v;
  norm = std::sqrt(norm) + 1e-7;
  std::vector<double> x(cols * rows);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) x[j * rows + i] = a[i * cols + j] / norm;
  for (int s = 0; s < 5; ++s) {
    double A[3][3] = {}, A2[3][3] = {};
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t j = 0; j < 3; ++j)
        for (std::size_t k = 0; k < rows; ++k) A[i][j] += x[i * rows + k] * x[j * rows + k];
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t j = 0; j < 3; ++j)
        for (std::size_t k = 0; k < 3; ++k) A2[i][j] += A[i][k] * A[k][j];
    std::vector<double> y(x.size());
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t k = 0; k < rows; ++k) {
        double v = 3.4445 * x[i * rows + k];
        for (std::size_t j = 0; j < 3; ++j) v += (-4.7750 * A[i][j] + 2.0315 * A2[i][j]) * x[j * rows + k];
        y[i * rows + k] = v;
      }
    x = y;
  }
  nn::tensor<double> g(rows, cols);
  std::copy(a.begin(), a.end(), g.data());
  optim::newton_schulz_workspace ws;
  optim::newton_schulz(g.ref(), ws);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) CHECK(g(i, j) == Approx(x[j * rows + i]).margin(1e-12));
  // Five steps land near the polar factor: singular values in about [0.7, 1.2].
  const auto ref =
      sutro::testing::reference_polar(std::vector<double>(g.data(), g.data() + g.size()), rows, cols, 1e-12);
  for (double s : ref.sigma) CHECK((s > 0.6 && s < 1.25));
}

TEST_CASE("tridiagonal QL and Jacobi eigendecompositions agree", "[optim][polar]") {
  for (std::size_t n : {1u, 2u, 3u, 20u, 33u, 65u}) {
    const auto b = random_matrix(n, n, n, 50 + n);
    std::vector<double> a(n * n), a2, vt1(n * n), vt2(n * n), w1(n), w2(n), e(n);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < n; ++j) a[i * n + j] = (b[i * n + j] + b[j * n + i]) / 2;
    a2 = a;
    const auto orig = a;
    optim::jacobi_eigen(n, a.data(), vt1.data(), w1.data());
    optim::tridiagonal_ql_eigen(n, a2.data(), vt2.data(), w2.data(), e.data());
    auto s1 = w1, s2 = w2;
    std::sort(s1.begin(), s1.end());
    std::sort(s2.begin(), s2.end());
    for (std::size_t i = 0; i < n; ++i) CHECK(s1[i] == Approx(s2[i]).margin(1e-10));
    // Each row of vt2 is an eigenvector: A v = w v.
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t r = 0; r < n; ++r) {
        double av = 0;
        for (std::size_t c = 0; c < n; ++c) av += orig[r * n + c] * vt2[i * n + c];
        CHECK(av == Approx(w2[i] * vt2[i * n + r]).margin(1e-9));
      }
  }
}

TEST_CASE("polar_factor and Newton-Schulz terminate on non-finite input", "[optim][polar]") {
  nn::tensor<float> g(20, 6);
  for (std::size_t i = 0; i < g.size(); ++i) g.data()[i] = static_cast<float>(i % 7) - 3.0f;
  g(3, 2) = std::numeric_limits<float>::quiet_NaN();
  optim::polar_workspace ws;
  (void)optim::polar_factor(g.ref(), ws);  // all NaN, so that training sees the divergence
  CHECK(ws.route == optim::polar_route::none);
  CHECK(std::isnan(g(0, 0)));
  for (std::size_t i = 0; i < g.size(); ++i) g.data()[i] = static_cast<float>(i % 7) - 3.0f;
  g(3, 2) = std::numeric_limits<float>::infinity();
  ws.route = optim::polar_route::newton;  // as a previous call leaves it
  (void)optim::polar_factor(g.ref(), ws);
  CHECK(ws.route == optim::polar_route::none);
  optim::newton_schulz_workspace nws;
  optim::newton_schulz(g.ref(), nws);
  SUCCEED();
}

TEST_CASE("polar_factor of finite matrices whose columns differ by up to 1e300 in scale", "[optim][polar]") {
  optim::polar_workspace ws;
  {  // one column 1e155 times the others: U V^T = e0 e0^T (rank 1)
    for (const double big : {1e100, 1e155, 1e160, 1e300}) {
      std::vector<double> g(4 * 3);
      for (std::size_t i = 0; i < g.size(); ++i) g[i] = 0.1 * double(i + 1);
      g[0] = big;
      const std::size_t rank = optim::polar_factor(nn::tensor_ref<double>{g.data(), 4, 3}, ws);
      CHECK(rank == 1);
      for (std::size_t i = 0; i < g.size(); ++i) CHECK(g[i] == Approx(i == 0 ? 1.0 : 0.0).margin(1e-12));
    }
  }
  // Random shapes and column scales 10^u, u in [-300, 300]: the result is a
  // finite partial isometry Q (Q Q^T Q = Q) with Q^T G symmetric.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> unit(-1.0, 1.0), exponent(-300.0, 300.0);
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t rows = 1 + rng() % 12, cols = 1 + rng() % 12;
    std::vector<double> scale(cols), g(rows * cols);
    for (auto& s : scale) s = std::pow(10.0, exponent(rng));
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < cols; ++j) g[i * cols + j] = unit(rng) * scale[j];
    std::vector<double> q = g;
    const std::size_t rank = optim::polar_factor(nn::tensor_ref<double>{q.data(), rows, cols}, ws);
    INFO("trial " << trial << ": " << rows << " x " << cols << ", rank " << rank);
    CHECK(rank >= 1);
    CHECK(std::all_of(q.begin(), q.end(), [](double x) { return std::isfinite(x); }));
    // Q^T Q is a projector: (Q^T Q) (Q^T Q) = Q^T Q, and its trace is the
    // rank. Loosely: a singular value just above the cut (ratio near 1e-6)
    // comes from a Gram eigenvalue near 1e-12 of the largest, known to about
    // eps / 1e-12, so its direction's norm may be off by 1e-4.
    constexpr double loose = 1e-3;
    std::vector<double> p(cols * cols, 0.0);
    for (std::size_t a = 0; a < cols; ++a)
      for (std::size_t b = 0; b < cols; ++b)
        for (std::size_t i = 0; i < rows; ++i) p[a * cols + b] += q[i * cols + a] * q[i * cols + b];
    double trace = 0;
    for (std::size_t a = 0; a < cols; ++a) {
      trace += p[a * cols + a];
      for (std::size_t b = 0; b < cols; ++b) {
        double pp = 0;
        for (std::size_t c = 0; c < cols; ++c) pp += p[a * cols + c] * p[c * cols + b];
        CHECK(pp == Approx(p[a * cols + b]).margin(loose));
      }
    }
    CHECK(trace == Approx(double(rank)).margin(loose));
    // Q^T G symmetric, column pair by column pair at their own scale.
    for (std::size_t a = 0; a < cols; ++a)
      for (std::size_t b = a + 1; b < cols; ++b) {
        double ab = 0, ba = 0;
        for (std::size_t i = 0; i < rows; ++i) {
          ab += q[i * cols + a] * g[i * cols + b];
          ba += q[i * cols + b] * g[i * cols + a];
        }
        CHECK(std::abs(ab - ba) <= 1e-9 * (scale[a] + scale[b]) * double(rows));
      }
  }
}

namespace {
// rows x cols with orthonormal columns scaled by s (singular values exactly s
// up to rounding): a Gaussian matrix, columns orthonormalized (modified
// Gram-Schmidt), column j times s[j]. rows >= cols.
std::vector<double> with_singular_values(std::size_t rows, const std::vector<double>& s, std::uint64_t seed) {
  const std::size_t cols = s.size();
  auto a = random_matrix(rows, cols, cols, seed);
  for (std::size_t j = 0; j < cols; ++j) {
    for (std::size_t p = 0; p < j; ++p) {
      double d = 0;
      for (std::size_t i = 0; i < rows; ++i) d += a[i * cols + j] * a[i * cols + p];
      for (std::size_t i = 0; i < rows; ++i) a[i * cols + j] -= d * a[i * cols + p];
    }
    double norm = 0;
    for (std::size_t i = 0; i < rows; ++i) norm += a[i * cols + j] * a[i * cols + j];
    for (std::size_t i = 0; i < rows; ++i) a[i * cols + j] /= std::sqrt(norm);
  }
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) a[i * cols + j] *= s[j];
  return a;
}

double max_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double e = 0;
  for (std::size_t i = 0; i < a.size(); ++i) e = std::max(e, std::abs(a[i] - b[i]));
  return e;
}
}  // namespace

TEST_CASE("polar_factor's Newton route agrees with its eigen route", "[optim][polar]") {
  optim::polar_workspace ws;
  const auto both = [&](std::vector<double> a, std::size_t rows, std::size_t cols) {
    auto q = a;
    const std::size_t rank_eigen = optim::polar_factor_eigen(nn::tensor_ref<double>{a.data(), rows, cols}, ws);
    CHECK(ws.route == optim::polar_route::eigen);
    CHECK(ws.newton_iterations == 0);
    const std::size_t rank = optim::polar_factor(nn::tensor_ref<double>{q.data(), rows, cols}, ws);
    CHECK(rank == rank_eigen);
    CHECK(ws.route == (rank == std::min(rows, cols) ? optim::polar_route::newton : optim::polar_route::deflated));
    return std::pair{max_difference(a, q), ws.newton_iterations};
  };
  SECTION("full-rank Gaussian matrices of every register count, both orientations") {
    struct shape {
      std::size_t rows, cols;
    };
    for (const auto s : {shape{1, 1}, shape{1, 5}, shape{5, 1}, shape{2, 2}, shape{63, 20}, shape{64, 64}, shape{65, 3},
                         shape{200, 20}, shape{20, 200}, shape{3, 65}, shape{100, 33}, shape{9, 40}}) {
      INFO(s.rows << " x " << s.cols);
      const auto [diff, iterations] =
          both(random_matrix(s.rows, s.cols, std::min(s.rows, s.cols), 7 + s.rows), s.rows, s.cols);
      CHECK(iterations > 0);
      // A square Gaussian matrix's condition grows with its size (64 x 64: 5.7e-12 here).
      CHECK(diff < (s.rows == s.cols ? 1e-10 : 1e-12));
    }
  }
  SECTION("nearly orthogonal: one iteration reaches the linear finishing step") {
    std::vector<double> s(20);
    for (std::size_t j = 0; j < s.size(); ++j) s[j] = 1.0 + 1e-9 * double(j);
    const auto [diff, iterations] = both(with_singular_values(200, s, 3), 200, 20);
    CHECK(iterations == 1);
    CHECK(diff < 1e-14);
  }
  SECTION("ill-conditioned: the routes differ by the Gram matrix's rounding, about 1e-16 kappa^2") {
    for (const double kappa : {1e2, 1e3, 1e4}) {
      std::vector<double> s(20);
      for (std::size_t j = 0; j < s.size(); ++j) s[j] = std::pow(kappa, -double(j) / 19.0);
      INFO("condition " << kappa);
      const auto [diff, iterations] = both(with_singular_values(200, s, 5), 200, 20);
      CHECK(iterations > 0);
      CHECK(diff < 100 * 1e-16 * kappa * kappa);
    }
  }
  SECTION("near the cut the eigen route decides: the rank is the same either side of it") {
    // Default rcond for 200 x 20: 200 float epsilons, 2.4e-5.
    for (const auto& [smallest, rank] : {std::pair{3e-5, 20u}, std::pair{1e-5, 19u}}) {
      std::vector<double> s(20, 1.0);
      s[7] = smallest;
      INFO("smallest singular value " << smallest);
      auto a = with_singular_values(200, s, 9);
      CHECK(optim::polar_factor(nn::tensor_ref<double>{a.data(), 200, 20}, ws) == rank);
      CHECK(ws.route == optim::polar_route::eigen);
      CHECK(ws.newton_iterations == 0);
    }
    // Well clear of the cut, above (1e-3 s_max) or below (1e-9 s_max): a Newton route.
    for (const auto& [smallest, rank] : {std::pair{1e-3, 20u}, std::pair{1e-9, 19u}}) {
      std::vector<double> s(20, 1.0);
      s[7] = smallest;
      INFO("smallest singular value " << smallest);
      const auto [diff, iterations] = both(with_singular_values(200, s, 9), 200, 20);
      CHECK(iterations > 0);
      CHECK(diff < 1e-10);
      auto a = with_singular_values(200, s, 9);
      CHECK(optim::polar_factor(nn::tensor_ref<double>{a.data(), 200, 20}, ws) == rank);
    }
  }
  SECTION("rank-deficient matrices: the deflated Newton route, certified within 1e-10 of the eigen route") {
    struct shape {
      std::size_t rows, cols, rank;
    };
    for (const auto s : {shape{200, 20, 3}, shape{20, 200, 5}, shape{64, 64, 10}, shape{30, 12, 1}, shape{40, 33, 32},
                         shape{9, 40, 8}, shape{200, 20, 19}}) {
      INFO(s.rows << " x " << s.cols << " rank " << s.rank);
      const auto [diff, iterations] = both(random_matrix(s.rows, s.cols, s.rank, 4 + s.rank), s.rows, s.cols);
      CHECK(iterations > 0);
      CHECK(diff < 1e-10);
    }
  }
}

namespace {
// (I + E)^-1/2 by its series to degree 40 in long double (|E| <= 2e-3 here:
// the first dropped term is below 1e-100).
std::vector<long double> inverse_sqrt_series(std::size_t k, const std::vector<double>& e) {
  std::vector<long double> power(k * k, 0.0L), next(k * k), sum(k * k, 0.0L);
  for (std::size_t i = 0; i < k; ++i) power[i * k + i] = 1.0L;
  long double c = 1.0L;
  for (int n = 0; n <= 40; ++n) {
    for (std::size_t i = 0; i < k * k; ++i) sum[i] += c * power[i];
    c *= -(2.0L * n + 1.0L) / (2.0L * n + 2.0L);  // binomial(-1/2, n + 1)
    for (std::size_t i = 0; i < k; ++i)
      for (std::size_t j = 0; j < k; ++j) {
        long double x = 0.0L;
        for (std::size_t t = 0; t < k; ++t) x += power[i * k + t] * static_cast<long double>(e[t * k + j]);
        next[i * k + j] = x;
      }
    power.swap(next);
  }
  return sum;
}
}  // namespace

TEST_CASE("the Newton route's finishing series is exact to rounding up to each degree's bound", "[optim][polar]") {
  struct tier {
    int degree;
    double bound;
  };
  const tier tiers[] = {{1, optim::detail::newton_finish_linear},
                        {2, optim::detail::newton_finish_quadratic},
                        {3, optim::detail::newton_finish_cubic},
                        {5, optim::detail::newton_finish_quintic}};
  CHECK(optim::detail::newton_finish_degree(0.0) == 1);
  for (const auto& t : tiers) {
    CHECK(optim::detail::newton_finish_degree(t.bound * t.bound) == t.degree);
    CHECK(optim::detail::newton_finish_degree(1.0001 * t.bound * t.bound) != t.degree);
  }
  CHECK(optim::detail::newton_finish_degree(1.0001 * optim::detail::newton_finish_quintic *
                                            optim::detail::newton_finish_quintic) == 0);
  CHECK(optim::detail::newton_finish_degree(std::numeric_limits<double>::quiet_NaN()) == 0);

  optim::polar_workspace ws;
  std::mt19937_64 rng(17);
  for (const std::size_t k : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{20}, std::size_t{33}}) {
    ws.reserve(k, k);
    for (const auto& t : tiers)
      for (int draw = 0; draw < 3; ++draw) {
        // E symmetric with ||E||_F just inside the bound, mostly one direction
        // v v^T with v near a unit vector (so E's powers keep large entries,
        // and a wrong coefficient or bound shows), plus a random symmetric part.
        std::vector<double> v(k), r(k * k), e(k * k);
        for (auto& x : v) x = 0.1 * nn::standard_normal(rng);
        v[std::size_t(draw) % k] += 1.0;
        for (auto& x : r) x = nn::standard_normal(rng);
        double vv = 0, rr = 0;
        for (const double x : v) vv += x * x;
        for (std::size_t i = 0; i < k; ++i)
          for (std::size_t j = 0; j < k; ++j) {
            e[i * k + j] = 0.9 * v[i] * v[j] / vv + 0.05 * (r[i * k + j] + r[j * k + i]);
            rr += e[i * k + j] * e[i * k + j];
          }
        const double scale = 0.999 * t.bound / std::sqrt(rr);
        double dev = 0;
        for (std::size_t i = 0; i < k * k; ++i) {
          e[i] *= scale;
          dev += e[i] * e[i];
        }
        INFO("k " << k << ", degree " << t.degree << ", ||E||_F " << std::sqrt(dev));
        REQUIRE(optim::detail::newton_finish_degree(dev) == t.degree);
        for (std::size_t i = 0; i < k; ++i)
          for (std::size_t j = 0; j < k; ++j) ws.m[i * k + j] = e[i * k + j] + (i == j ? 1.0 : 0.0);
        // M = I + E rounds E's entries on the diagonal: the reference takes E as M holds it.
        for (std::size_t i = 0; i < k; ++i) e[i * k + i] = ws.m[i * k + i] - 1.0;
        optim::detail::newton_finish(k, t.degree, ws, sutro::memory::raw_access{}, ws.zn.data());
        const auto want = inverse_sqrt_series(k, e);
        double worst = 0;
        for (std::size_t i = 0; i < k * k; ++i)
          worst = std::max(worst, double(std::abs(static_cast<long double>(ws.s[i]) - want[i])));
        CHECK(worst < 4e-16);
      }
  }
}

TEST_CASE("polar_factor recorded equals raw on every route", "[optim][polar][recorded]") {
  std::vector<double> near_cut(20, 1.0);
  near_cut[3] = 3e-5;  // just above the default cut (2.4e-5): only the eigen route decides it
  struct input {
    std::vector<double> a;
    std::size_t rows, rank;
    bool newton;
  };
  std::vector<double> wide(20 * 200);  // 20 x 200, the layout of a layer's in_out gradient
  const auto tall = random_matrix(200, 20, 6, 32);
  for (std::size_t i = 0; i < 200; ++i)
    for (std::size_t j = 0; j < 20; ++j) wide[j * 200 + i] = tall[i * 20 + j];
  for (const auto& [a, rows, rank, newton] :
       {input{random_matrix(200, 20, 20, 31), 200, 20, true}, input{random_matrix(200, 20, 4, 31), 200, 4, true},
        input{with_singular_values(200, near_cut, 31), 200, 20, false}, input{wide, 20, 6, true}}) {
    const std::size_t cols = a.size() / rows;
    INFO(rows << " x " << cols << ", rank " << rank << (newton ? ", a Newton route" : ", the eigen route"));
    nn::tensor<float> raw(rows, cols), rec(rows, cols);
    for (std::size_t i = 0; i < a.size(); ++i) raw.data()[i] = rec.data()[i] = static_cast<float>(a[i]);
    optim::polar_workspace ws, ws_rec;  // each run fills its own buffers
    CHECK(optim::polar_factor(raw.ref(), ws) == rank);
    const std::size_t iterations = ws.newton_iterations;
    CHECK((iterations > 0) == newton);
    sutro::memory::trace t;
    CHECK(optim::polar_factor(rec.ref(), ws_rec, -1.0, sutro::memory::recording_access{&t}) == rank);
    CHECK(ws_rec.newton_iterations == iterations);
    CHECK(t.reads() > 0);
    CHECK(std::memcmp(raw.data(), rec.data(), raw.size() * sizeof(float)) == 0);
  }
}

TEST_CASE("polar_factor recorded equals raw bit for bit on random inputs of many shapes", "[optim][polar][recorded]") {
  // Raw and recorded runs share the arithmetic, and none of its a * b + c is
  // left for the compiler to contract (GCC's default on FMA targets), which
  // could round the two instantiations differently. Compared in double: a
  // last-bit difference of the double result rarely survives rounding to float.
  struct shape {
    std::size_t rows, cols, rank;
  };
  const auto both = [](const std::vector<double>& a, std::size_t rows, std::size_t cols, bool newton, auto zero) {
    using T = decltype(zero);
    nn::tensor<T> raw(rows, cols), rec(rows, cols);
    for (std::size_t i = 0; i < a.size(); ++i) raw.data()[i] = rec.data()[i] = static_cast<T>(a[i]);
    optim::polar_workspace ws_raw, ws_rec;  // each run fills its own buffers
    sutro::memory::trace t;
    const sutro::memory::recording_access recording{&t};
    const std::size_t rank_raw =
        newton ? optim::polar_factor(raw.ref(), ws_raw) : optim::polar_factor_eigen(raw.ref(), ws_raw);
    const std::size_t rank_rec = newton ? optim::polar_factor(rec.ref(), ws_rec, -1.0, recording)
                                        : optim::polar_factor_eigen(rec.ref(), ws_rec, -1.0, recording);
    CHECK(rank_rec == rank_raw);
    CHECK(ws_rec.route == ws_raw.route);
    CHECK(ws_rec.newton_iterations == ws_raw.newton_iterations);
    CHECK(t.reads() > 0);
    CHECK(std::memcmp(raw.data(), rec.data(), raw.size() * sizeof(T)) == 0);
  };
  std::size_t seed = 500;
  for (const auto s : {shape{1, 1, 1}, shape{2, 3, 2}, shape{5, 1, 1}, shape{7, 7, 7}, shape{9, 40, 8},
                       shape{17, 17, 17}, shape{33, 12, 12}, shape{40, 33, 32}, shape{63, 20, 20}, shape{64, 64, 10},
                       shape{65, 3, 3}, shape{200, 20, 20}, shape{200, 20, 5}, shape{20, 200, 20}}) {
    for (int draw = 0; draw < 4; ++draw) {
      const auto a = random_matrix(s.rows, s.cols, s.rank, ++seed);
      for (const bool newton : {true, false}) {
        INFO(s.rows << " x " << s.cols << " rank " << s.rank << " seed " << seed
                    << (newton ? ", polar_factor" : ", polar_factor_eigen"));
        both(a, s.rows, s.cols, newton, 0.0);
        both(a, s.rows, s.cols, newton, 0.0f);
      }
    }
  }
}
