#!/usr/bin/env bash
# conan create with its test_package, offline: a private CONAN_HOME with no
# remote, and xsimd declared as provided by the system ([platform_requires]).
# Usage: conan_create.sh <sutro source dir> <scratch conan home>
set -euo pipefail
source_dir=$1
export CONAN_HOME=$2
if ! command -v conan >/dev/null 2>&1; then
  echo "SKIPPED: conan is not installed (pip install conan)"
  exit 77
fi
xsimd_version=$(sed -n 's/.*set(PACKAGE_VERSION "\([0-9.]*\)").*/\1/p' \
  /usr/lib/*/cmake/xsimd/xsimdConfigVersion.cmake /usr/share/cmake/xsimd/xsimdConfigVersion.cmake \
  /usr/local/share/cmake/xsimd/xsimdConfigVersion.cmake 2>/dev/null | head -n 1 || true)
if [ -z "$xsimd_version" ]; then
  echo "SKIPPED: no system xsimd to declare in [platform_requires]"
  exit 77
fi
rm -rf "$CONAN_HOME"
mkdir -p "$CONAN_HOME"
conan profile detect >/dev/null
conan remote remove conancenter >/dev/null 2>&1 || true
sed -i 's/^compiler.cppstd=.*/compiler.cppstd=20/' "$CONAN_HOME/profiles/default"
cat >>"$CONAN_HOME/profiles/default" <<PROFILE

[conf]
tools.cmake.cmaketoolchain:generator=Unix Makefiles

[platform_requires]
xsimd/$xsimd_version
PROFILE
conan create "$source_dir/packaging/conan" -o "&:simd=True"
