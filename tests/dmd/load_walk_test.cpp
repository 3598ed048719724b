// The dev branch's bytedmd_ir.py family (classic, live, belady): hand cases
// and the experiment grid's programs with the numbers bytedmd_ir.py gives
// (dev branch 5676476), and the fast walks against literal transcriptions
// of _lru_cost and opt_reuse_distances on random logs.
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <vector>

#include "support/catch.hpp"
#include "sutro/metrics/dmd/bytedmd.hpp"
#include "sutro/metrics/dmd/reference_kernels.hpp"

using sutro::metrics::dmd::bytedmd;
using sutro::metrics::dmd::bytedmd_variant;
using sutro::metrics::dmd::tracked;
using depths = std::vector<std::uint64_t>;
using num = tracked<double>;
using vec = std::vector<num>;
using mat = std::vector<vec>;

namespace {
struct costs {
  std::uint64_t classic, live, belady;
  bool operator==(const costs&) const = default;
};
template <class F, class... Args>
costs all_three(F f, const Args&... args) {
  auto one = [&](bytedmd_variant v) { return bytedmd({.keep_events = false, .variant = v}, f, args...).cost; };
  return {one(bytedmd_variant::classic), one(bytedmd_variant::live), one(bytedmd_variant::belady)};
}
std::ostream& operator<<(std::ostream& os, const costs& c) {
  return os << "{classic " << c.classic << ", live " << c.live << ", belady " << c.belady << "}";
}
depths belady_depths(auto f, const auto&... args) {
  return bytedmd({.variant = bytedmd_variant::belady}, f, args...).depths();
}

// ---- the grid's programs (experiments/grid/algorithms.py, bytedmd_ir.py), as written there
mat transpose_naive(const mat& A) {
  const std::size_t n = A.size();
  mat B(n, vec(n));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) B[i][j] = A[j][i] + 0;
  return B;
}
mat matmul_naive_abt(const mat& A, const mat& B) {
  const std::size_t n = A.size();
  mat C(n, vec(n));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      num s = A[i][0] * B[j][0];
      for (std::size_t k = 1; k < n; ++k) s = s + A[i][k] * B[j][k];
      C[i][j] = s;
    }
  return C;
}
mat matmul_tiled(const mat& A, const mat& B) {
  const std::size_t n = A.size(), tile = 4;  // round(sqrt(16))
  std::vector<std::vector<std::optional<num>>> C(n, std::vector<std::optional<num>>(n));
  for (std::size_t bi = 0; bi < n; bi += tile)
    for (std::size_t bj = 0; bj < n; bj += tile)
      for (std::size_t bk = 0; bk < n; bk += tile)
        for (std::size_t i = bi; i < std::min(bi + tile, n); ++i)
          for (std::size_t j = bj; j < std::min(bj + tile, n); ++j)
            for (std::size_t k = bk; k < std::min(bk + tile, n); ++k) {
              if (!C[i][j])
                C[i][j] = A[i][k] * B[k][j];
              else
                C[i][j] = *C[i][j] + A[i][k] * B[k][j];
            }
  mat out(n, vec(n));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) out[i][j] = *C[i][j];
  return out;
}
vec matvec_col(const mat& A, const vec& x) {
  const std::size_t n = A.size();
  vec y(n);
  for (std::size_t i = 0; i < n; ++i) y[i] = A[i][0] * x[0];
  for (std::size_t j = 1; j < n; ++j)
    for (std::size_t i = 0; i < n; ++i) y[i] = y[i] + A[i][j] * x[j];
  return y;
}
vec fft_iterative(const vec& x_in) {
  vec x;
  for (const auto& v : x_in) x.push_back(v + 0);
  const std::size_t N = x.size();
  std::size_t j = 0;
  for (std::size_t i = 1; i < N; ++i) {
    std::size_t bit = N >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      num t = x[i] + 0;
      x[i] = x[j] + 0;
      x[j] = t;
    }
  }
  for (std::size_t m = 1; m < N; m *= 2)
    for (std::size_t k = 0; k < N; k += 2 * m)
      for (std::size_t jj = 0; jj < m; ++jj) {
        num t = x[k + jj + m] * 1.5;
        num u = x[k + jj];
        x[k + jj] = u + t;
        x[k + jj + m] = u - t;
      }
  return x;
}
vec layernorm_unfused(const vec& x) {
  const std::size_t N = x.size();
  num s = x[0] + 0;
  for (std::size_t i = 1; i < N; ++i) s = s + x[i];
  num mean = s + 0;
  num v = (x[0] + mean) * (x[0] + mean);
  for (std::size_t i = 1; i < N; ++i) v = v + (x[i] + mean) * (x[i] + mean);
  num inv_std = v + 0;
  vec y(N);
  for (std::size_t i = 0; i < N; ++i) y[i] = (x[i] + mean) * inv_std;
  return y;
}
vec layernorm_fused(const vec& x) {
  const std::size_t N = x.size();
  num mu = x[0] + 0;
  num m2 = x[0] + 0;
  for (std::size_t i = 1; i < N; ++i) {
    num delta = x[i] + mu;
    mu = mu + delta;
    num delta2 = x[i] + mu;
    m2 = m2 + delta * delta2;
  }
  num inv_std = m2 + 0;
  vec y(N);
  for (std::size_t i = 0; i < N; ++i) y[i] = (x[i] + mu) * inv_std;
  return y;
}
std::vector<std::vector<double>> ones(std::size_t r, std::size_t c) {
  return std::vector<std::vector<double>>(r, std::vector<double>(c, 1.0));
}
}  // namespace

TEST_CASE("load walk: hand cases equal bytedmd_ir.py", "[dmd][variants][load_walk]") {
  // a * a: the argument's position, then depth 1 after its own bump; the epilogue reads the result.
  CHECK(all_three([](num a) { return a * a; }, 5.0) == costs{3, 3, 3});
  CHECK(belady_depths([](num a) { return a * a; }, 5.0) == depths{1, 1, 1});
  auto my_add = [](num a, num b, num c) { return (a + b) + c; };
  CHECK(all_three(my_add, 1.0, 2.0, 3.0) == costs{7, 7, 7});
  CHECK(belady_depths(my_add, 1.0, 2.0, 3.0) == depths{1, 2, 1, 3, 1});
  auto dot = [](const vec& a, const vec& b) { return a[0] * b[0] + a[1] * b[1]; };
  CHECK(all_three(dot, std::vector{0.0, 1.0}, std::vector{2.0, 3.0}) == costs{12, 11, 10});
  CHECK(belady_depths(dot, std::vector{0.0, 1.0}, std::vector{2.0, 3.0}) == depths{1, 3, 2, 4, 1, 1, 1});
  auto abcde = [](num a, num b, num c, num d, num e) { return a * b + c * d + e; };
  CHECK(all_three(abcde, 1.0, 2.0, 3.0, 4.0, 5.0) == costs{16, 15, 14});
  CHECK(belady_depths(abcde, 1.0, 2.0, 3.0, 4.0, 5.0) == depths{1, 2, 3, 4, 1, 1, 1, 5, 1});
  // A returned argument never read before: its first load is the epilogue's, at its position.
  CHECK(all_three([](const vec& xs) { return xs[1]; }, std::vector{10.0, 20.0, 30.0}) == costs{2, 2, 2});
  auto unused = [](const vec& xs) { return vec{xs[2] + xs[0], xs[0] * 2}; };
  CHECK(all_three(unused, std::vector{1.0, 2.0, 3.0, 4.0}) == costs{9, 8, 6});
  CHECK(belady_depths(unused, std::vector{1.0, 2.0, 3.0, 4.0}) == depths{3, 1, 1, 1, 1});
  // A dead intermediate stays on classic's stack; live drops it; belady is no floor under live.
  auto dead = [](num a, num b, num c) {
    [[maybe_unused]] num t = a * b;
    num u = b + c;
    return vec{u, u, a};
  };
  CHECK(all_three(dead, 1.0, 2.0, 3.0) == costs{12, 9, 10});
  CHECK(belady_depths(dead, 1.0, 2.0, 3.0) == depths{1, 2, 1, 3, 1, 1, 2});
}

TEST_CASE(
    "load walk: the grid's transpose_naive(n=32) row as published (grid.csv: opt 44704, live 44704, classic 62799)",
    "[dmd][variants][load_walk]") {
  CHECK(all_three([](const mat& A) { return transpose_naive(A); }, ones(32, 32)) == costs{62799, 44704, 44704});
}

TEST_CASE("load walk: the grid's algorithms equal bytedmd_ir.py on their own traces", "[dmd][variants][load_walk]") {
  // grid.csv's other rows price the hand schedule's trace (run_grid.py since
  // 6d11f28), not the algorithm's; these are bytedmd_ir.py's trace(FN, ARGS).
  const auto A16 = ones(16, 16), A64 = ones(64, 64);
  const std::vector<double> x64(64, 1.0), x256(256, 1.0);
  CHECK(all_three([](const mat& A, const mat& B) { return matmul_naive_abt(A, B); }, A16, ones(16, 16)) ==
        costs{181258, 109217, 111132});
  CHECK(all_three([](const mat& A, const mat& B) { return matmul_tiled(A, B); }, A16, ones(16, 16)) ==
        costs{143812, 78708, 79329});
  CHECK(all_three(sutro::metrics::dmd::reference::matvec, A64, x64) ==  // the grid's matvec_row
        costs{266353, 229527, 229752});
  CHECK(all_three([](const mat& A, const vec& x) { return matvec_col(A, x); }, A64, x64) ==
        costs{270193, 229716, 229667});
  CHECK(all_three([](const vec& x) { return fft_iterative(x); }, x256) == costs{71317, 47088, 46033});
  CHECK(all_three([](const vec& x) { return layernorm_unfused(x); }, x256) == costs{30891, 19022, 19050});
  CHECK(all_three([](const vec& x) { return layernorm_fused(x); }, x256) == costs{24400, 15172, 14721});
}

TEST_CASE("load walk: one matrix passed twice is two sets of values, as bytedmd_ir.py's trace wraps them",
          "[dmd][variants][load_walk]") {
  const auto A = ones(4, 4);
  auto f = [](const mat& X, const mat& Y) { return matmul_naive_abt(X, Y); };
  CHECK(all_three(f, A, A) == all_three(f, A, ones(4, 4)));
}

// ---- the fast walks against literal transcriptions on random logs --------------
namespace {
struct event {
  enum kind_t { load, store, op } kind;
  std::uint32_t var;
};
/// The walk: per instruction its loads, an op, its stores; then the epilogue's loads.
std::vector<event> walk(const sutro::metrics::dmd::context& ctx) {
  std::vector<event> ev;
  for (std::size_t t = 0; t < ctx.logged(); ++t) {
    const auto& I = ctx.logged(t);
    for (std::uint32_t k = 0; k < I.count; ++k) ev.push_back({event::load, ctx.inputs()[I.first + k]});
    ev.push_back({event::op, 0});
    if (I.output != sutro::metrics::dmd::no_value)
      for (std::uint32_t k = 0; k < I.outputs; ++k) ev.push_back({event::store, I.output + k});
  }
  for (auto v : ctx.results()) ev.push_back({event::load, v});
  return ev;
}
std::map<std::uint32_t, std::uint64_t> arg_index(const sutro::metrics::dmd::context& ctx) {
  std::map<std::uint32_t, std::uint64_t> idx;
  for (std::size_t i = 0; i < ctx.preload().size(); ++i) idx[ctx.preload()[i]] = i + 1;
  return idx;
}
/// _lru_cost, as a list (front = top).
depths lru_reference(const sutro::metrics::dmd::context& ctx, bool compact) {
  const auto ev = walk(ctx);
  auto pending = arg_index(ctx);
  std::map<std::uint32_t, std::size_t> last;
  for (std::size_t i = 0; i < ev.size(); ++i)
    if (ev[i].kind == event::load) last[ev[i].var] = i;
  std::vector<std::uint32_t> stack;
  depths out;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    const auto [kind, v] = ev[i];
    if (kind == event::store) {
      if (!compact || last.count(v)) stack.insert(stack.begin(), v);
    } else if (kind == event::load) {
      if (auto it = pending.find(v); it != pending.end()) {
        out.push_back(it->second);
        pending.erase(it);
      } else {
        const auto at = std::find(stack.begin(), stack.end(), v);
        out.push_back(static_cast<std::uint64_t>(at - stack.begin()) + 1);
        stack.erase(at);
      }
      if (!(compact && last[v] == i)) stack.insert(stack.begin(), v);
    }
  }
  return out;
}
/// opt_reuse_distances, the quadratic sweep as written there.
depths belady_reference(const sutro::metrics::dmd::context& ctx) {
  const auto ev = walk(ctx);
  const auto iidx = arg_index(ctx);
  std::map<std::uint32_t, std::vector<std::int64_t>> loads;
  std::map<std::uint32_t, std::int64_t> stores;
  for (std::size_t i = 0; i < ev.size(); ++i) {
    if (ev[i].kind == event::load) loads[ev[i].var].push_back(static_cast<std::int64_t>(i));
    if (ev[i].kind == event::store && !stores.count(ev[i].var)) stores[ev[i].var] = static_cast<std::int64_t>(i);
  }
  struct pair_t {
    std::int64_t b, a;
    std::uint32_t w;
  };
  std::vector<pair_t> pairs;
  for (const auto& [w, times] : loads) {
    if (auto s = stores.find(w); s != stores.end() && s->second < times[0]) pairs.push_back({times[0], s->second, w});
    for (std::size_t j = 0; j + 1 < times.size(); ++j) pairs.push_back({times[j + 1], times[j], w});
  }
  depths out;
  for (std::size_t ii = 0; ii < ev.size(); ++ii) {
    if (ev[ii].kind != event::load) continue;
    const auto i = static_cast<std::int64_t>(ii);
    const std::uint32_t v = ev[ii].var;
    const auto& vts = loads[v];
    const auto pos = std::lower_bound(vts.begin(), vts.end(), i) - vts.begin();
    std::int64_t t_prev;
    if (pos == 0) {
      if (auto it = iidx.find(v); it != iidx.end()) {
        out.push_back(it->second);
        continue;
      }
      t_prev = stores.at(v);
    } else {
      t_prev = vts[static_cast<std::size_t>(pos - 1)];
    }
    std::vector<std::pair<std::int64_t, int>> sw;
    for (const auto& p : pairs) {
      if (!(p.b > t_prev && p.b < i) || p.w == v) continue;
      const std::int64_t s = p.a > t_prev ? p.a : t_prev + 1, e = std::min(p.b - 1, i - 1);
      if (s > e) continue;
      sw.push_back({s, 1});
      sw.push_back({e + 1, -1});
    }
    std::sort(sw.begin(), sw.end());
    std::int64_t cur = 1, rank = 1;
    for (const auto& [x, d] : sw) rank = std::max(rank, cur += d);
    out.push_back(static_cast<std::uint64_t>(rank));
  }
  return out;
}
/// A random log: `args` preloaded values, instructions reading 1-3 values (repeats
/// allowed, recent values favoured) and defining 0-2, some values returned.
void random_log(sutro::metrics::dmd::context& ctx, std::mt19937_64& rng, std::uint32_t args, std::uint32_t steps) {
  std::vector<std::uint32_t> pre, all;
  for (std::uint32_t i = 0; i < args; ++i) pre.push_back(ctx.new_value()), all.push_back(pre.back());
  ctx.set_preload(pre);
  static const char* names[] = {"add", "mul", "sub"};
  for (std::uint32_t s = 0; s < steps && !all.empty(); ++s) {
    std::uint32_t ids[3];
    const std::uint32_t n = 1 + static_cast<std::uint32_t>(rng() % 3);
    for (std::uint32_t k = 0; k < n; ++k) {
      const std::size_t back = std::min<std::size_t>(all.size(), rng() % 2 ? 4 : all.size());
      ids[k] = all[all.size() - 1 - rng() % back];
    }
    const auto out = ctx.record(names[s % 3], ids, n, rng() % 8 != 0);
    if (out != sutro::metrics::dmd::no_value) all.push_back(out);
  }
  for (std::uint32_t k = 0, r = static_cast<std::uint32_t>(rng() % 5); k < r && !all.empty(); ++k)
    ctx.keep_live(all[rng() % all.size()]);
}
}  // namespace

TEST_CASE("load walk: classic, live and belady equal the literal transcriptions on random logs",
          "[dmd][variants][load_walk]") {
  std::mt19937_64 rng(20261202);
  for (int trial = 0; trial < 400; ++trial) {
    sutro::metrics::dmd::context ctx;
    random_log(ctx, rng, static_cast<std::uint32_t>(rng() % 6), static_cast<std::uint32_t>(rng() % 120));
    INFO("trial " << trial);
    const auto classic = sutro::metrics::dmd::price(ctx, 1, true, bytedmd_variant::classic);
    const auto live = sutro::metrics::dmd::price(ctx, 1, true, bytedmd_variant::live);
    const auto belady = sutro::metrics::dmd::price(ctx, 1, true, bytedmd_variant::belady);
    REQUIRE(classic.depths() == lru_reference(ctx, false));
    REQUIRE(live.depths() == lru_reference(ctx, true));
    REQUIRE(belady.depths() == belady_reference(ctx));
    // Belady's floor under classic (the group's envelope claim), and 4 bytes per element agree with depths.
    CHECK(belady.cost <= classic.cost);
    CHECK(sutro::metrics::dmd::price(ctx, 4, false, bytedmd_variant::belady).cost ==
          sutro::metrics::dmd::trace_cost(belady.depths(), 4));
  }
}

TEST_CASE("load walk: belady compacts its positions to the live values without changing a distance",
          "[dmd][variants][load_walk]") {
  std::mt19937_64 rng(77);
  for (int trial = 0; trial < 40; ++trial) {
    sutro::metrics::dmd::context ctx;
    random_log(ctx, rng, 1 + static_cast<std::uint32_t>(rng() % 40), 200 + static_cast<std::uint32_t>(rng() % 2000));
    INFO("trial " << trial);
    const auto whole = sutro::metrics::dmd::price(ctx, 1, true, bytedmd_variant::belady);
    if (trial < 8) REQUIRE(whole.depths() == belady_reference(ctx));
    for (std::size_t capacity : {2, 3, 16, 100}) {
      INFO("capacity " << capacity);
      REQUIRE(sutro::metrics::dmd::detail::price_load_walk(ctx, 1, true, bytedmd_variant::belady, capacity).depths() ==
              whole.depths());
    }
  }
}

TEST_CASE("load walk: errors", "[dmd][variants][load_walk]") {
  CHECK_THROWS_AS(sutro::metrics::dmd::parse_variant("lru"), std::invalid_argument);
  CHECK(sutro::metrics::dmd::parse_variant("belady") == bytedmd_variant::belady);
  {
    sutro::metrics::dmd::context ctx;
    const std::uint32_t ghost = 3;
    (void)ctx.new_value();
    CHECK_THROWS_AS(ctx.record("add", &ghost, 1), std::invalid_argument);
    CHECK_THROWS_AS(ctx.keep_live(ghost), std::invalid_argument);
  }
  for (auto variant : {bytedmd_variant::classic, bytedmd_variant::live, bytedmd_variant::belady}) {
    INFO(sutro::metrics::dmd::to_string(variant));
    sutro::metrics::dmd::context escape;
    escape.read(escape.new_value());  // neither preloaded nor defined by an instruction
    CHECK_THROWS_AS(sutro::metrics::dmd::price(escape, 1, true, variant), std::logic_error);
    sutro::metrics::dmd::context deep;
    const std::uint32_t a = deep.new_value(), b = deep.new_value();
    deep.set_preload({a, b});
    deep.read(b);  // argument position 2
    CHECK_THROWS_AS(sutro::metrics::dmd::price(deep, std::uint64_t{1} << 40, true, variant), std::overflow_error);
    CHECK(sutro::metrics::dmd::price(deep, std::uint64_t{1} << 39, true, variant).cost ==
          sutro::metrics::dmd::read_cost(2, std::uint64_t{1} << 39));
    CHECK_THROWS_AS(sutro::metrics::dmd::price(deep, 0, true, variant), std::invalid_argument);
  }
}
