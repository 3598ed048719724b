# Runs packaging/vcpkg/ports/sutro/portfile.cmake as vcpkg would, with the
# vcpkg helper functions it calls emulated by their documented behaviour, since
# vcpkg itself cannot be downloaded here. What this verifies: the portfile's
# own logic, sutro's configure and install with the port's options, the
# share/sutro layout and copyright. What it does not: vcpkg's manifest
# resolution, its toolchain file and its post-build lint.
#
#   cmake -DPORT_DIR=... -DWORK_DIR=... -DFEATURES=simd -P vcpkg_port_emulation.cmake
cmake_minimum_required(VERSION 3.21)
set(PORT sutro)
set(CURRENT_PACKAGES_DIR "${WORK_DIR}/packages")
set(CURRENT_BUILDTREES_DIR "${WORK_DIR}/buildtrees")
string(REPLACE "," ";" FEATURES "${FEATURES}")
file(REMOVE_RECURSE "${WORK_DIR}")

function(vcpkg_check_features)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "OUT_FEATURE_OPTIONS" "FEATURES")
  set(options "")
  list(LENGTH arg_FEATURES count)
  math(EXPR last "${count} - 1")
  foreach(i RANGE 0 ${last} 2)
    math(EXPR j "${i} + 1")
    list(GET arg_FEATURES ${i} feature)
    list(GET arg_FEATURES ${j} option)
    if(feature IN_LIST FEATURES)
      list(APPEND options "-D${option}=ON")
    else()
      list(APPEND options "-D${option}=OFF")
    endif()
  endforeach()
  set(${arg_OUT_FEATURE_OPTIONS} "${options}" PARENT_SCOPE)
endfunction()

function(vcpkg_cmake_configure)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "SOURCE_PATH" "OPTIONS")
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -S "${arg_SOURCE_PATH}" -B "${CURRENT_BUILDTREES_DIR}/rel"
            -DCMAKE_BUILD_TYPE=Release "-DCMAKE_INSTALL_PREFIX=${CURRENT_PACKAGES_DIR}" ${arg_OPTIONS}
    RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "vcpkg_cmake_configure: configure failed")
  endif()
endfunction()

function(vcpkg_cmake_install)
  execute_process(COMMAND "${CMAKE_COMMAND}" --install "${CURRENT_BUILDTREES_DIR}/rel" RESULT_VARIABLE result)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "vcpkg_cmake_install: install failed")
  endif()
endfunction()

# Only the default CONFIG_PATH (share/${PORT}) is emulated: the port installs
# its config there directly, so the real function has nothing to move.
function(vcpkg_cmake_config_fixup)
  if(ARGN)
    message(FATAL_ERROR "vcpkg_cmake_config_fixup: only the default CONFIG_PATH is emulated")
  endif()
  if(NOT EXISTS "${CURRENT_PACKAGES_DIR}/share/${PORT}/sutroConfig.cmake")
    message(FATAL_ERROR "vcpkg_cmake_config_fixup: no share/${PORT}/sutroConfig.cmake")
  endif()
  if(EXISTS "${CURRENT_PACKAGES_DIR}/lib/cmake" OR EXISTS "${CURRENT_PACKAGES_DIR}/share/cmake")
    message(FATAL_ERROR "vcpkg_cmake_config_fixup: config files left outside share/${PORT}")
  endif()
endfunction()

function(vcpkg_install_copyright)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "" "FILE_LIST")
  file(READ "${arg_FILE_LIST}" text)
  file(WRITE "${CURRENT_PACKAGES_DIR}/share/${PORT}/copyright" "${text}")
endfunction()

include("${PORT_DIR}/portfile.cmake")

foreach(expected IN ITEMS include/sutro/sutro.hpp share/sutro/sutroConfig.cmake share/sutro/copyright share/sutro/usage)
  if(NOT EXISTS "${CURRENT_PACKAGES_DIR}/${expected}")
    message(FATAL_ERROR "the port's install lacks ${expected}")
  endif()
endforeach()
message(STATUS "vcpkg port installed into ${CURRENT_PACKAGES_DIR}")
