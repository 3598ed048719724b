# Install rules: headers, the sutro::sutro target, and a relocatable package
# config whose components (simd, cuda) are created on demand by the consumer's
# find_package, so one install serves builds with and without xsimd or CUDA.
include(CMakePackageConfigHelpers)

set(SUTRO_INSTALL_CMAKEDIR "${CMAKE_INSTALL_DATADIR}/cmake/sutro"
    CACHE STRING "Where sutroConfig.cmake is installed, relative to the prefix")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/sutro" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
install(TARGETS sutro EXPORT sutroTargets)
install(EXPORT sutroTargets NAMESPACE sutro:: DESTINATION "${SUTRO_INSTALL_CMAKEDIR}")

configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/sutroConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/sutroConfig.cmake"
  INSTALL_DESTINATION "${SUTRO_INSTALL_CMAKEDIR}")
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/sutroConfigVersion.cmake"
  COMPATIBILITY SameMajorVersion
  ARCH_INDEPENDENT)
install(FILES
  "${PROJECT_BINARY_DIR}/sutroConfig.cmake"
  "${PROJECT_BINARY_DIR}/sutroConfigVersion.cmake"
  "${PROJECT_SOURCE_DIR}/cmake/SutroFindXsimd.cmake"
  DESTINATION "${SUTRO_INSTALL_CMAKEDIR}")
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE" DESTINATION "${CMAKE_INSTALL_DATADIR}/doc/sutro")
