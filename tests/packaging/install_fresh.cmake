cmake_minimum_required(VERSION 3.21)
# cmake -DBINARY_DIR=... -DPREFIX=... -P install_fresh.cmake
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BINARY_DIR}" --prefix "${PREFIX}"
                RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "cmake --install failed: ${result}")
endif()
foreach(expected IN ITEMS include/sutro/sutro.hpp share/cmake/sutro/sutroConfig.cmake
                          share/cmake/sutro/sutroConfigVersion.cmake share/cmake/sutro/sutroTargets.cmake)
  if(NOT EXISTS "${PREFIX}/${expected}")
    message(FATAL_ERROR "the install lacks ${expected}")
  endif()
endforeach()
