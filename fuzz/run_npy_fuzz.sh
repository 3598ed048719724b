#!/bin/sh
# Builds the .npy fuzzer by hand with clang++ and runs it for a bounded time.
#   fuzz/run_npy_fuzz.sh [seconds=60] [build dir=build-fuzz]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
out=${2:-$root/build-fuzz}
cxx=${CXX_FUZZ:-$(command -v clang++ || command -v clang++-14)}
mkdir -p "$out/corpus"
"$cxx" -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -I"$root/include" "$root/fuzz/npy_fuzz.cpp" -o "$out/npy_fuzz"
# Seeds: a valid file of each dtype and version.
printf '\223NUMPY\001\000v\000{'"'"'descr'"'"': '"'"'<f8'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (1,), }                                                            \n\000\000\000\000\000\000\360?' > "$out/corpus/f8_v1.npy"
printf '\223NUMPY\003\000\064\000\000\000{'"'"'descr'"'"': '"'"'|u1'"'"', '"'"'fortran_order'"'"': False, '"'"'shape'"'"': (2,)}\n\007\011' > "$out/corpus/u1_v3.npy"
exec "$out/npy_fuzz" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 "$out/corpus"
