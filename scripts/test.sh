#!/usr/bin/env bash
# Fresh machine -> the whole test suite: installs what is missing, then builds
# and runs every test in these stages (each prints its wall time):
#   cuda      the CUDA parts compiled by nvcc (their tests skip without a GPU)
#   baseline  AddressSanitizer + UndefinedBehaviorSanitizer over unit tests,
#             examples and apps, built for x86-64-v2: the kernels are chosen at
#             run time, so it runs the CPU's best path (AVX-512, GFNI where the
#             CPU has them), then the unit tests again capped at the AVX2 path
#             (SUTRO_CPU_LEVEL), as on a CPU without AVX-512. A second sanitizer
#             build with -march=native would run the same kernels and cost as
#             long again (the sanitize preset is there for development)
#   fuzz      the .npy reader under libFuzzer for a bounded 60 seconds (clang)
#   default   Release: unit tests, examples, packaging (install, find_package,
#             add_subdirectory, vcpkg port, conan create); benchmarks are built, not run
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
jobs=$(nproc)
# Each stage's wall time, so a slow stage is seen before the run's limit is.
stage_start=$SECONDS
stage() {
  echo "   ($((SECONDS - stage_start)) s)"
  stage_start=$SECONDS
  echo "== $1"
}
echo "== setup: scripts/setup.sh"

if command -v nvcc >/dev/null 2>&1 || [ -x /usr/local/cuda/bin/nvcc ]; then
  export PATH="$PATH:/usr/local/cuda/bin"
  stage "cuda: compile the CUDA parts"
  cmake --preset cuda >/dev/null
  cmake --build --preset cuda -j "$jobs"
  ctest --preset cuda -j "$jobs" --verbose  # shows why a test skipped
else
  stage "cuda: skipped, nvcc not found"
fi

stage "baseline: -march=x86-64-v2, address + undefined"
cmake --preset baseline >/dev/null
cmake --build --preset baseline -j "$jobs"
ctest --preset baseline -j "$jobs"
stage "baseline: unit tests on the AVX2 path (SUTRO_CPU_LEVEL=avx2)"
SUTRO_CPU_LEVEL=avx2 ctest --preset baseline -j "$jobs" -L unit

stage "fuzz: the .npy reader under libFuzzer + ASan + UBSan, 60 s"
bash fuzz/run_npy_fuzz.sh 60

stage "default: Release"
cmake --preset default >/dev/null
cmake --build --preset default -j "$jobs"
ctest --preset default -j "$jobs"

# --- python -------------------------------------------------------------------
# The Python package from a fresh venv, as a user installs it: pip builds the
# extension (nanobind and scikit-build-core from PyPI), then pytest and the
# example that draws docs/images/python_*.png.
stage "python: pip install .[test] in a fresh venv, pytest, the plot example"
python3 -m venv --clear build/py/venv
build/py/venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
build/py/venv/bin/python -m pip install --quiet --disable-pip-version-check ".[test]"
build/py/venv/bin/python -m pytest -q
build/py/venv/bin/python examples/python/plots.py docs/images
# The images are committed and drawn deterministically (no version or date in
# the files): a difference means the library's numbers moved since they were
# last committed, which is worth a look, not a failure.
if git rev-parse --is-inside-work-tree >/dev/null 2>&1 && [ -n "$(git status --porcelain -- docs/images)" ]; then
  echo "== python: docs/images changed (the plotted numbers moved); commit the regenerated images:"
  git status --short -- docs/images
fi
echo "   ($((SECONDS - stage_start)) s; whole run $SECONDS s)"
