#!/usr/bin/env bash
# The main tables of docs/performance.md in one run on this machine: GF(2) vs
# M4RI (in the same process, alternating), the solvers, MLP training and the
# reuse-distance engine, each from a Release build for -march=native and the
# GF(2) table again from an x86-64-v2 build (the kernels dispatch at run time,
# so both should match). Prints the CPU, the compiler and the commit first.
#
#   bash scripts/bench_tables.sh [out-file]      # default: bench-tables.txt
#   SIZES="4096 8192" bash scripts/bench_tables.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
out=${1:-bench-tables.txt}
sizes=${SIZES:-4096 8192 16384}
jobs=$(nproc)
programs=(gf2_vs_m4ri solvers_parity nn_train metrics_speed)

for march in native x86-64-v2; do
  cmake -S . -B "build/bench-$march" -DCMAKE_BUILD_TYPE=Release -DSUTRO_MARCH="$march" \
        -DSUTRO_BUILD_TESTS=OFF -DSUTRO_BUILD_EXAMPLES=OFF -DSUTRO_INSTALL=OFF >/dev/null
done
cmake --build build/bench-native -j "$jobs" --target "${programs[@]}"
cmake --build build/bench-x86-64-v2 -j "$jobs" --target gf2_vs_m4ri

bench=(--benchmark_repetitions=5 --benchmark_report_aggregates_only=true)
{
  echo "# $(date -u +%Y-%m-%dT%H:%MZ), commit $(git rev-parse --short HEAD)"
  echo "# CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
       "(family $(grep -m1 'cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' '), model $(grep -m1 '^model' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')), $(nproc) cores;" \
       "flags: $(grep -m1 -o -w -E 'avx512f|gfni|avx512vbmi|avx512_vpopcntdq|amx_tile' /proc/cpuinfo | sort -u | tr '\n' ' ')"
  echo "# compiler: $(c++ --version | head -1); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  for march in native x86-64-v2; do
    echo "## GF(2) vs M4RI, sutro built with -march=$march"
    # shellcheck disable=SC2086
    "build/bench-$march/benchmarks/gf2_vs_m4ri/gf2_vs_m4ri" $sizes
  done
  echo "## solvers (-march=native)"
  build/bench-native/benchmarks/solvers_parity "${bench[@]}" | grep -E '^(Benchmark|-|.*_median)'
  echo "## MLP training (-march=native)"
  build/bench-native/benchmarks/nn_train "${bench[@]}" | grep -E '^(Benchmark|-|.*_median)'
  echo "## reuse distance (-march=native)"
  build/bench-native/benchmarks/metrics_speed "${bench[@]}" --benchmark_filter=BM_reuse_distance |
    grep -E '^(Benchmark|-|.*_median)'
  echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$out"
