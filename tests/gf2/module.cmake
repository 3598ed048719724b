# M4RI cross-check: linked when pkg-config finds m4ri, else the test skips.
find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(SUTRO_GF2_M4RI QUIET IMPORTED_TARGET m4ri)
endif()
if(SUTRO_GF2_M4RI_FOUND)
  target_link_libraries(${target} PRIVATE PkgConfig::SUTRO_GF2_M4RI)
  target_compile_definitions(${target} PRIVATE SUTRO_TEST_HAVE_M4RI=1)
endif()
