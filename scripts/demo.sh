#!/usr/bin/env bash
# Fresh machine -> the main demo: installs what is missing, builds, runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

demo=sparse_parity_lab
[ -f "examples/$demo.cpp" ] || demo=backend_dispatch  # until the lab demo lands
jobs=$(nproc)
cmake --preset default >/dev/null
cmake --build --preset default --target "$demo" -j "$jobs"
./build/default/examples/"$demo"
