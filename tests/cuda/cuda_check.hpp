#pragma once
// A minimal harness for tests compiled by nvcc (Catch2 is not nvcc-friendly):
// CHECK records failures, the runner prints "N passed, N failed" and returns
// 77 (CTest's skip code) when no CUDA device is visible.
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string_view>

namespace sutro::testing {

struct cuda_results {
  int passed = 0;
  int failed = 0;
};

inline cuda_results& cuda_tally() {
  static cuda_results r;
  return r;
}

inline void cuda_expect(bool ok, const char* what, const char* file, int line) {
  if (ok) {
    ++cuda_tally().passed;
  } else {
    ++cuda_tally().failed;
    std::printf("%s:%d: FAILED: %s\n", file, line, what);
  }
}

inline int cuda_summary() {
  std::printf("%d passed, %d failed\n", cuda_tally().passed, cuda_tally().failed);
  return cuda_tally().failed == 0 ? 0 : 1;
}

/// The largest matrix dimension a run uses: no cap without arguments, 130
/// with --small, the size at which compute-sanitizer's racecheck (which slows
/// kernels by orders of magnitude) finishes. Any other argument exits with a
/// usage line and status 2.
inline std::size_t size_cap(int argc, char** argv) {
  if (argc == 1) return std::numeric_limits<std::size_t>::max();
  if (argc == 2 && std::string_view(argv[1]) == "--small") return 130;
  std::fprintf(stderr, "usage: %s [--small]\n", argv[0]);
  std::exit(2);
}

}  // namespace sutro::testing

#define SUTRO_CUDA_EXPECT(cond) ::sutro::testing::cuda_expect((cond), #cond, __FILE__, __LINE__)
