# Overlay port: builds the sutro checkout that contains it.
#   vcpkg install sutro --overlay-ports=<sutro>/packaging/vcpkg/ports
set(VCPKG_BUILD_TYPE release)  # header-only: one configuration is all there is
get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../../../.." ABSOLUTE)

vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
  FEATURES
    simd SUTRO_ENABLE_SIMD
    cuda SUTRO_ENABLE_CUDA)

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    ${FEATURE_OPTIONS}
    -DSUTRO_INSTALL=ON
    -DSUTRO_BUILD_TESTS=OFF
    -DSUTRO_BUILD_EXAMPLES=OFF
    -DSUTRO_BUILD_BENCHMARKS=OFF
    -DSUTRO_INSTALL_CMAKEDIR=share/${PORT})
vcpkg_cmake_install()
vcpkg_cmake_config_fixup()

file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/share/doc")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
