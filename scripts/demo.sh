#!/usr/bin/env bash
# Fresh machine -> the main demo: installs what is missing, builds, runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh

cmake --preset default >/dev/null
cmake --build --preset default --target sparse_parity_lab -j "$(nproc)"
./build/default/examples/sparse_parity_lab
