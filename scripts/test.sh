#!/usr/bin/env bash
# Fresh machine -> the whole test suite: installs what is missing, then builds
# and runs every test in three configurations:
#   cuda      the CUDA parts compiled by nvcc (their tests skip without a GPU)
#   sanitize  AddressSanitizer + UndefinedBehaviorSanitizer over unit tests and examples
#   fuzz      the .npy reader under libFuzzer for a bounded 60 seconds (clang)
#   default   Release: unit tests, examples, packaging (install, find_package,
#             add_subdirectory, vcpkg port, conan create); benchmarks are built, not run
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
jobs=$(nproc)

if command -v nvcc >/dev/null 2>&1 || [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH="$PATH:/usr/local/cuda/bin"
  echo "== cuda: compile the CUDA parts"
  cmake --preset cuda >/dev/null
  cmake --build --preset cuda -j "$jobs"
  ctest --preset cuda -j "$jobs" --verbose  # shows why a test skipped
else
  echo "== cuda: skipped, nvcc not found"
fi

echo "== sanitize: address + undefined"
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize -j "$jobs"
ctest --preset sanitize -j "$jobs"

echo "== fuzz: the .npy reader under libFuzzer + ASan + UBSan, 60 s"
bash fuzz/run_npy_fuzz.sh 60

echo "== default: Release"
cmake --preset default >/dev/null
cmake --build --preset default -j "$jobs"
ctest --preset default -j "$jobs"
