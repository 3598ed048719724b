# The `format` test: every tracked C++ source must equal clang-format's output
# under the root .clang-format. Run as
#   cmake -DCLANG_FORMAT=<path> -DSOURCE_DIR=<repository root> -P check_format.cmake
# Prints "format: skipped" (CTest's SKIP_REGULAR_EXPRESSION) outside a git
# checkout or with a clang-format other than major version 14: other versions
# lay out some constructs differently.
cmake_minimum_required(VERSION 3.20)
execute_process(COMMAND "${CLANG_FORMAT}" --version OUTPUT_VARIABLE version RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR NOT version MATCHES "version 14\\.")
  message("format: skipped, the house format is clang-format 14 (found: ${version})")
  return()
endif()
execute_process(COMMAND git ls-files -- "*.hpp" "*.cpp" "*.inl" "*.cuh" "*.cu"
                WORKING_DIRECTORY "${SOURCE_DIR}" OUTPUT_VARIABLE files RESULT_VARIABLE rc ERROR_QUIET)
if(NOT rc EQUAL 0 OR files STREQUAL "")
  message("format: skipped, ${SOURCE_DIR} is not a git checkout")
  return()
endif()
string(REPLACE "\n" ";" files "${files}")
list(FILTER files EXCLUDE REGEX "^$")
set(unformatted "")
foreach(file IN LISTS files)
  execute_process(COMMAND "${CLANG_FORMAT}" --dry-run -Werror "${file}" WORKING_DIRECTORY "${SOURCE_DIR}"
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
  if(NOT rc EQUAL 0)
    list(APPEND unformatted "${file}")
  endif()
endforeach()
if(unformatted)
  list(JOIN unformatted " " shown)
  message(FATAL_ERROR "format: these files differ from clang-format's layout; run\n  clang-format -i ${shown}")
endif()
list(LENGTH files count)
message("format: ${count} files follow .clang-format")
