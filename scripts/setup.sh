#!/usr/bin/env bash
# Installs what sutro's build, tests and benchmarks need on Debian bookworm,
# skipping whatever is already there. Sourced by demo.sh and test.sh.
set -euo pipefail

sutro_apt_packages=(g++ cmake make pkg-config libxsimd-dev xtl-dev catch2 libbenchmark-dev
                    libm4ri-dev libcli11-dev clang clang-format libclang-rt-14-dev python3-pip)
missing=()
for package in "${sutro_apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "sutro setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

if ! command -v conan >/dev/null 2>&1; then
  echo "sutro setup: installing conan (PyPI)"
  python3 -m pip install --quiet --disable-pip-version-check conan ||
    python3 -m pip install --quiet --disable-pip-version-check --break-system-packages conan
fi

# --- python -------------------------------------------------------------------
# The Python package's stage needs venv and the interpreter's headers.
sutro_python_packages=(python3-venv python3-dev)
missing=()
for package in "${sutro_python_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" ||
    missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ] && { ! python3 -c 'import ensurepip, sysconfig, os; assert os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h"))' 2>/dev/null; }; then
  echo "sutro setup: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi
