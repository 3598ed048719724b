# Settings for sutro's own tests, examples and benchmarks (never exported).
set(SUTRO_SANITIZE "" CACHE STRING "Sanitizers for sutro's own programs, e.g. address,undefined")

add_library(sutro_dev INTERFACE)
if(TARGET sutro_simd)
  target_link_libraries(sutro_dev INTERFACE sutro_simd)
else()
  target_link_libraries(sutro_dev INTERFACE sutro)
endif()
target_compile_options(sutro_dev INTERFACE
  $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wimplicit-fallthrough>)
if(SUTRO_WARNINGS_AS_ERRORS)
  target_compile_options(sutro_dev INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Werror>)
endif()
# SUTRO_MARCH names the target of sutro's own programs (x86-64-v2, znver4,
# ...); empty means SUTRO_NATIVE decides (-march=native or the compiler's
# default). The hot kernels choose their instruction set at run time either way
# (sutro/backend/cpu.hpp), so a binary built for a baseline target still uses
# AVX-512 and GFNI where the CPU has them.
set(SUTRO_MARCH "" CACHE STRING "-march for sutro's own programs (empty: SUTRO_NATIVE decides)")
if(SUTRO_MARCH)
  target_compile_options(sutro_dev INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-march=${SUTRO_MARCH}>)
elseif(SUTRO_NATIVE)
  target_compile_options(sutro_dev INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-march=native>)
endif()
if(SUTRO_SANITIZE)
  target_compile_options(sutro_dev INTERFACE
    $<$<COMPILE_LANGUAGE:CXX>:-fsanitize=${SUTRO_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer>)
  # Sanitizer instrumentation makes GCC 12 report false -Wmaybe-uninitialized
  # inside libstdc++ (std::regex, std::function); the Release build keeps it.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(sutro_dev INTERFACE $<$<COMPILE_LANGUAGE:CXX>:-Wno-maybe-uninitialized>)
  endif()
  target_link_options(sutro_dev INTERFACE -fsanitize=${SUTRO_SANITIZE})
endif()

# sutro_add_program(<target> <sources>...): an executable of sutro's own.
function(sutro_add_program target)
  add_executable(${target} ${ARGN})
  target_link_libraries(${target} PRIVATE sutro_dev)
endfunction()
