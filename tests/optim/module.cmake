# Where the build's target lacks FMA, the element loops run in an x86-64-v3
# copy on CPUs with FMA (SUTRO_FMA_CLONES, config/macros.hpp); the "default"
# copy, for CPUs without it, runs on no CI machine. test_optim_default_copy is
# the bits test built with that copy's code in place of the clones (std::fma
# through libm), so that copy's bits are checked too. Only where the clones
# exist: the check repeats config/macros.hpp's condition under the flags of
# sutro's own programs, again at every configure (SUTRO_MARCH may change).
include(CheckCXXSourceCompiles)
include(CMakePushCheckState)
cmake_push_check_state(RESET)
if(SUTRO_MARCH)
  set(CMAKE_REQUIRED_FLAGS "-march=${SUTRO_MARCH}")
elseif(SUTRO_NATIVE)
  set(CMAKE_REQUIRED_FLAGS "-march=native")
endif()
set(CMAKE_REQUIRED_QUIET ON)
unset(SUTRO_FMA_CLONES_BUILT CACHE)
check_cxx_source_compiles([=[
#include <cstdlib>
#if !(defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && defined(__GLIBC__) && !defined(__FMA__))
#error "no FMA clones on this target"
#endif
int main() { return 0; }
]=] SUTRO_FMA_CLONES_BUILT)
cmake_pop_check_state()
if(SUTRO_FMA_CLONES_BUILT)
  sutro_add_program(test_optim_default_copy "${dir}/build_independence_test.cpp")
  target_link_libraries(test_optim_default_copy PRIVATE sutro_test_main)
  target_compile_definitions(test_optim_default_copy PRIVATE "SUTRO_FMA_CLONES=")
  add_test(NAME optim_default_copy COMMAND test_optim_default_copy)
  set_tests_properties(optim_default_copy PROPERTIES LABELS "unit")
endif()
