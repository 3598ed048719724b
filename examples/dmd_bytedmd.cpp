// ByteDMD of functions written against tracked<T>: the brief's published
// examples, and the inspection listing (every read with its depth and cost).
#include <cstdio>
#include <vector>

#include "sutro/metrics/dmd/bytedmd.hpp"
#include "sutro/metrics/dmd/reference_kernels.hpp"

using sutro::metrics::dmd::tracked;

using sutro::metrics::dmd::reference::matmul;  // the brief's functions, sutro/metrics/dmd/reference_kernels.hpp
using sutro::metrics::dmd::reference::matvec;

int main() {
  auto add3 = [](tracked<double> a, tracked<double> b, tracked<double> c) { return (a + b) + c; };
  const auto r = sutro::metrics::dmd::bytedmd(add3, 1.0, 2.0, 3.0);
  std::printf("%s", sutro::metrics::dmd::listing(r).c_str());
  std::printf("(a + b) + c: %llu, at 2 bytes per element: %llu\n", static_cast<unsigned long long>(r.cost),
              static_cast<unsigned long long>(
                  sutro::metrics::dmd::bytedmd({.bytes_per_element = 2}, add3, 1.0, 2.0, 3.0).cost));

  bool ok = r.cost == 6;
  // Python's left-to-right order inside one expression (GCC evaluates b * c first).
  auto g = [](tracked<double> a, tracked<double> b, tracked<double> c) { return a * a + b * c - a; };
  const auto rg = sutro::metrics::dmd::bytedmd(g, 1.0, 2.0, 3.0);
  std::printf("a*a + b*c - a: %llu (the tool: 12)\n", static_cast<unsigned long long>(rg.cost));
  ok = ok && rg.cost == 12;
  const unsigned long long mv[] = {26, 157, 896}, mm[] = {57, 720, 8867, 109783};
  int i = 0;
  for (std::size_t n : {2, 4, 8}) {
    const std::vector<std::vector<double>> A(n, std::vector<double>(n, 1.0));
    const auto c = sutro::metrics::dmd::bytedmd(matvec, A, std::vector<double>(n, 1.0)).cost;
    std::printf("matvec N = %2zu: %llu (published %llu)\n", n, static_cast<unsigned long long>(c), mv[i]);
    ok = ok && c == mv[i++];
  }
  i = 0;
  for (std::size_t n : {2, 4, 8, 16}) {
    // Two matrices: the same object passed twice would be one set of values
    // (the tool tracks its lists by identity), a different program.
    const std::vector<std::vector<double>> A(n, std::vector<double>(n, 1.0)), B = A;
    const auto c = sutro::metrics::dmd::bytedmd(matmul, A, B).cost;
    std::printf("matmul N = %2zu: %llu (published %llu)\n", n, static_cast<unsigned long long>(c), mm[i]);
    ok = ok && c == mm[i++];
  }
  return ok ? 0 : 1;
}
