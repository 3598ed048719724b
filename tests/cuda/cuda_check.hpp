#pragma once
// A minimal harness for tests compiled by nvcc (Catch2 is not nvcc-friendly):
// CHECK records failures, the runner prints "N passed, N failed" and returns
// 77 (CTest's skip code) when no CUDA device is visible.
#include <cstdio>

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

}  // namespace sutro::testing

#define SUTRO_CUDA_EXPECT(cond) ::sutro::testing::cuda_expect((cond), #cond, __FILE__, __LINE__)
