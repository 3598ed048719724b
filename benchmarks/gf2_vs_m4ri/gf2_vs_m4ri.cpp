// sutro::gf2 against M4RI, same random inputs, alternating runs.
//
//   gf2_vs_m4ri [--reps 5] [--threads 1] [--ops multiply,echelonize,transpose,inverse,pluq] [--rank r]
//               [--input S] [n ...]
//
// --rank r: every input A but inverse's is the product of random n x r and
// r x n matrices (rank at most r) instead of a random n x n one.
// --input S: every input A but inverse's is S = random (default), identity or
// density:p (each entry one with probability p, 0 < p <= 1, seeded by n).
// --inverse-of S: inverse's input is S = invertible (default: random unit
// lower times unit upper triangular), identity, permutation or upper (unit
// upper triangular, random above the diagonal).
//
// Built against the M4RI pkg-config finds (gf2_vs_m4ri) and, when CMake is
// given -DM4RI_ROOT=<prefix of an M4RI installed from source>, against that
// one too (gf2_vs_m4ri_root, run path set to <prefix>/lib).
//
// Prints `op n sutro_seconds m4ri_seconds ratio` per case (medians of the reps,
// ratio = m4ri / sutro) and exits 1 when an answer differs from M4RI's.
// Default sizes: 4096 8192 16384.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

extern "C" {
#include <m4ri/m4ri.h>
}

#include "sutro/gf2/all.hpp"

namespace gf2 = sutro::gf2;
using M = gf2::matrix<>;

namespace {

mzd_t* to_m4ri(const M& a) {
  mzd_t* m = mzd_init(static_cast<rci_t>(a.rows()), static_cast<rci_t>(a.cols()));
  for (std::size_t i = 0; i < a.rows(); ++i)
    std::memcpy(mzd_row(m, static_cast<rci_t>(i)), a.row_ptr(i), a.words_used() * sizeof(word));
  return m;
}

bool same(const M& a, const mzd_t* m) {
  if (a.rows() != static_cast<std::size_t>(m->nrows) || a.cols() != static_cast<std::size_t>(m->ncols)) return false;
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t w = 0; w < a.words_used(); ++w) {
      word x =
          mzd_row(const_cast<mzd_t*>(m), static_cast<rci_t>(i))[w];  // M4RI 20200125 takes const, later versions not
      if (w + 1 == a.words_used()) x &= gf2::detail::tail_mask(a.cols());
      if (x != a.row_ptr(i)[w]) return false;
    }
  return true;
}

double seconds(const std::function<void()>& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

// An invertible matrix: the product of random unit lower and upper triangular ones.
M invertible(std::size_t n, std::uint64_t seed) {
  M l = M::random(n, n, seed), u = M::random(n, n, seed + 1);
  for (std::size_t i = 0; i < n; ++i) {
    word* lr = l.row_ptr(i);
    word* ur = u.row_ptr(i);
    for (std::size_t w = 0; w < l.words_used(); ++w) {
      const std::size_t lo = w * 64;
      if (lo > i)
        lr[w] = 0;
      else if (i < lo + 64)
        lr[w] &= (i % 64 == 63) ? ~word{0} : ((word{1} << (i % 64 + 1)) - 1);
      if (lo + 64 <= i)
        ur[w] = 0;
      else if (i >= lo)
        ur[w] &= ~((word{1} << (i % 64)) - 1);
    }
    l.set(i, i, true);
    u.set(i, i, true);
  }
  return l * u;
}

// A by name (see --input); p > 0 for density:p.
M sparse_input(std::size_t n, double p) {
  M a(n, n);
  std::mt19937_64 rng(5 * n + 3);
  std::bernoulli_distribution one(p);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j)
      if (one(rng)) a.set(i, j, true);
  return a;
}

// inverse's input by name (see --inverse-of).
M inverse_input(const std::string& kind, std::size_t n) {
  if (kind == "identity") return M::identity(n);
  if (kind == "permutation") {
    M a(n, n);
    for (std::size_t i = 0; i < n; ++i) a.set(i, (n - 1 - i + n / 3) % n, true);
    return a;
  }
  if (kind == "upper") {
    M a = M::random(n, n, 3 * n + 1);
    for (std::size_t i = 0; i < n; ++i) {
      word* row = a.row_ptr(i);
      for (std::size_t w = 0; w < i / 64; ++w) row[w] = 0;
      row[i / 64] &= ~word{0} << (i % 64);
      a.set(i, i, true);
    }
    return a;
  }
  return invertible(n, 2 * n + 1);
}

}  // namespace

int main(int argc, char** argv) {
  int reps = 5;
  unsigned threads = 1;
  std::vector<std::string> ops{"multiply", "echelonize", "transpose", "inverse"};
  std::vector<std::size_t> sizes;
  std::size_t rank_of_a = 0;  // 0: random
  std::string inverse_of = "invertible";
  std::string input = "random";
  double input_density = 0.0;  // density:p
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--rank" && i + 1 < argc) {
      const std::string value = argv[++i];
      char* end = nullptr;
      rank_of_a = std::strtoull(value.c_str(), &end, 10);
      if (value.empty() || *end != '\0' || rank_of_a == 0) {
        std::fprintf(stderr, "gf2_vs_m4ri: --rank takes a positive integer, got '%s'\n", value.c_str());
        return 2;
      }
    } else if (arg == "--inverse-of" && i + 1 < argc) {
      inverse_of = argv[++i];
      if (inverse_of != "invertible" && inverse_of != "identity" && inverse_of != "permutation" &&
          inverse_of != "upper") {
        std::fprintf(stderr, "gf2_vs_m4ri: --inverse-of takes invertible, identity, permutation or upper, got '%s'\n",
                     inverse_of.c_str());
        return 2;
      }
    } else if (arg == "--input" && i + 1 < argc) {
      input = argv[++i];
      input_density = 0.0;  // the last --input decides
      if (input.rfind("density:", 0) == 0) {
        const std::string value = input.substr(8);
        char* end = nullptr;
        input_density = std::strtod(value.c_str(), &end);
        if (value.empty() || *end != '\0' || !(input_density > 0.0 && input_density <= 1.0)) {
          std::fprintf(stderr, "gf2_vs_m4ri: --input density:p takes 0 < p <= 1, got '%s'\n", value.c_str());
          return 2;
        }
      } else if (input != "random" && input != "identity") {
        std::fprintf(stderr, "gf2_vs_m4ri: --input takes random, identity or density:p, got '%s'\n", input.c_str());
        return 2;
      }
    } else if (arg == "--reps" && i + 1 < argc)
      reps = std::atoi(argv[++i]);
    else if (arg == "--threads" && i + 1 < argc)
      threads = static_cast<unsigned>(std::atoi(argv[++i]));
    else if (arg == "--ops" && i + 1 < argc) {
      ops.clear();
      std::stringstream ss(argv[++i]);
      for (std::string op; std::getline(ss, op, ',');) ops.push_back(op);
    } else
      sizes.push_back(std::strtoull(arg.c_str(), nullptr, 10));
  }
  if (sizes.empty()) sizes = {4096, 8192, 16384};
  if (rank_of_a != 0 && input != "random") {
    std::fprintf(stderr, "gf2_vs_m4ri: --rank and --input %s are exclusive\n", input.c_str());
    return 2;
  }
  std::printf("# sutro::simd kernels: level %s (this CPU: %s)\n", sutro::cpu::name(sutro::cpu::active_level()).data(),
              sutro::cpu::name(sutro::cpu::detected_level()).data());
  std::printf(
      "# op n sutro_seconds m4ri_seconds ratio   (medians of %d alternating runs, sutro threads %u, M4RI single "
      "thread)\n",
      reps, threads);
  if (rank_of_a != 0) std::printf("# A of rank %zu (inverse: invertible as always)\n", rank_of_a);
  if (input != "random") std::printf("# A is %s (inverse: as --inverse-of says)\n", input.c_str());
  bool all_agree = true;
  for (const std::string& op : ops)
    for (std::size_t n : sizes) {
      std::vector<double> ts, tm;
      bool agree = true;
      const M a = op == "inverse"       ? inverse_input(inverse_of, n)
                  : input == "identity" ? M::identity(n)
                  : input_density > 0.0 ? sparse_input(n, input_density)
                  : rank_of_a == 0
                      ? M::random(n, n, n)
                      : gf2::mul(M::random(n, std::min(rank_of_a, n), n), M::random(std::min(rank_of_a, n), n, n + 1));
      const M b = M::random(n, n, n + 7);
      mzd_t* ma = to_m4ri(a);
      mzd_t* mb = to_m4ri(b);
      for (int r = 0; r < reps; ++r) {
        if (op == "multiply") {
          M c;
          ts.push_back(seconds([&] { c = gf2::mul(a, b, threads); }));
          mzd_t* mc = nullptr;
          tm.push_back(seconds([&] { mc = mzd_mul(nullptr, ma, mb, 0); }));
          agree = agree && same(c, mc);
          mzd_free(mc);
        } else if (op == "echelonize") {
          M e = a;
          mzd_t* me = mzd_copy(nullptr, ma);
          std::size_t rank = 0;
          rci_t mrank = 0;
          ts.push_back(seconds([&] { rank = gf2::echelonize(e, false, threads).rank; }));
          tm.push_back(seconds([&] { mrank = mzd_echelonize(me, 0); }));
          agree = agree && rank == static_cast<std::size_t>(mrank);
          mzd_free(me);
        } else if (op == "transpose") {
          M t;
          ts.push_back(seconds([&] { t = gf2::transpose(a); }));
          mzd_t* mt = nullptr;
          tm.push_back(seconds([&] { mt = mzd_transpose(nullptr, ma); }));
          agree = agree && same(t, mt);
          mzd_free(mt);
        } else if (op == "inverse") {
          M inv;
          ts.push_back(seconds([&] { inv = gf2::inverse(a, threads); }));
          mzd_t* mi = nullptr;
          tm.push_back(seconds([&] { mi = mzd_inv_m4ri(nullptr, ma, 0); }));
          agree = agree && same(inv, mi);
          mzd_free(mi);
        } else if (op == "pluq") {
          // Agreement: rank and the column rank profile (the first rank entries of Q).
          mzd_t* mp = mzd_copy(nullptr, ma);
          mzp_t* p = mzp_init(static_cast<rci_t>(n));
          mzp_t* q = mzp_init(static_cast<rci_t>(n));
          gf2::pluq_result<M> f;
          rci_t mrank = 0;
          ts.push_back(seconds([&] { f = gf2::pluq(a, threads); }));
          tm.push_back(seconds([&] { mrank = mzd_pluq(mp, p, q, 0); }));
          agree = agree && f.rank == static_cast<std::size_t>(mrank);
          for (std::size_t j = 0; agree && j < f.rank; ++j)
            agree = static_cast<std::size_t>(q->values[j]) == f.pivots()[j];
          mzp_free(p);
          mzp_free(q);
          mzd_free(mp);
        } else {
          std::fprintf(stderr, "unknown op %s\n", op.c_str());
          return 2;
        }
      }
      mzd_free(ma);
      mzd_free(mb);
      const double s = median(ts), m = median(tm);
      std::printf("%s %zu %.6f %.6f %.2f%s\n", op.c_str(), n, s, m, m / s, agree ? "" : "  DISAGREE");
      std::fflush(stdout);
      all_agree = all_agree && agree;
    }
  return all_agree ? 0 : 1;
}
