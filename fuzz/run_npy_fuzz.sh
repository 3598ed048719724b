#!/bin/sh
# Builds the .npy fuzzer with clang through CMake and runs it for a bounded time.
#   fuzz/run_npy_fuzz.sh [seconds=60] [build dir=build/fuzz]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
out=${2:-$root/build/fuzz}
cxx=${CXX_FUZZ:-$(command -v clang++ || command -v clang++-14)}
CXX=$cxx cmake -S "$root" -B "$out" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSUTRO_BUILD_FUZZERS=ON \
  -DSUTRO_BUILD_TESTS=OFF -DSUTRO_BUILD_EXAMPLES=OFF -DSUTRO_BUILD_BENCHMARKS=OFF \
  -DSUTRO_INSTALL=OFF -DSUTRO_ENABLE_SIMD=OFF >/dev/null
cmake --build "$out" --target npy_fuzz
mkdir -p "$out/corpus"
# Seeds: a valid file of each dtype and version.
printf '\223NUMPY\001\000v\000{'"'"'descr'"'"': '"'"'<f8'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (1,), }                                                            \n\000\000\000\000\000\000\360?' > "$out/corpus/f8_v1.npy"
printf '\223NUMPY\003\000\070\000\000\000{'"'"'descr'"'"': '"'"'|u1'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (2,)}\n\007\011' > "$out/corpus/u1_v3.npy"
printf '\223NUMPY\001\000\070\000{'"'"'descr'"'"': '"'"'<i4'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (1,)}\n\007\000\000\000' > "$out/corpus/i4_v1.npy"
printf '\223NUMPY\001\000\070\000{'"'"'descr'"'"': '"'"'|i1'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (2,)}\n\377\001' > "$out/corpus/i1_v1.npy"
printf '\223NUMPY\001\000\070\000{'"'"'descr'"'"': '"'"'>i2'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (1,)}\n\377\376' > "$out/corpus/i2_big_v1.npy"
printf '\223NUMPY\001\000\070\000{'"'"'descr'"'"': '"'"'<u8'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (1,)}\n\377\377\377\377\377\377\377\377' > "$out/corpus/u8_v1.npy"
printf '\223NUMPY\001\000\070\000{'"'"'descr'"'"': '"'"'|b1'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (2,)}\n\001\000' > "$out/corpus/b1_v1.npy"
printf '\223NUMPY\001\000\071\000{'"'"'descr'"'"': '"'"'|u1'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (2,2)}\n\377\200\001\000' > "$out/corpus/bits_v1.npy"
# Fortran order: a 2 x 3 float64 array and 3 packed rows, column-major.
printf '\223NUMPY\001\0009\000{'"'"'descr'"'"': '"'"'<f8'"'"', '"'"'fortran_order'"'"': True, '"'"'shape'"'"': (2, 3)}\012\000\000\000\000\000\000\360?\000\000\000\000\000\000\000@\000\000\000\000\000\000\010@\000\000\000\000\000\000\020@\000\000\000\000\000\000\024@\000\000\000\000\000\000\030@' > "$out/corpus/f8_fortran.npy"
printf '\223NUMPY\001\0009\000{'"'"'descr'"'"': '"'"'|u1'"'"', '"'"'fortran_order'"'"': True, '"'"'shape'"'"': (3, 2)}\012\377\200\001@\000\300' > "$out/corpus/bits_fortran.npy"
# 2^60 rows of no columns: a file of a few bytes whose row count is vast.
printf '\223NUMPY\001\000\166\000{'"'"'descr'"'"': '"'"'|u1'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (1152921504606846976, 0), }                                        \n' > "$out/corpus/bits_empty_rows.npy"
# -timeout: an input that runs for seconds is a hang (every valid one takes
# microseconds); libFuzzer's default would wait 20 minutes per input.
exec "$out/fuzz/npy_fuzz" -max_total_time="$secs" -timeout=10 -max_len=4096 -print_final_stats=1 \
  -artifact_prefix="$out/" "$out/corpus"
