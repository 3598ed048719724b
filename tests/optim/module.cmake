# Where the target lacks FMA, the element loops run in an x86-64-v3 copy on
# CPUs with FMA (SUTRO_FMA_CLONES); the "default" copy, for CPUs without it,
# runs on no CI machine. test_optim_default_copy is the bits test built with
# that copy's code in place of the clones (std::fma through libm), so that
# copy's bits are checked too.
include(CheckCXXSourceCompiles)
set(CMAKE_REQUIRED_FLAGS "${CMAKE_CXX_FLAGS}")
if(SUTRO_MARCH)
  string(APPEND CMAKE_REQUIRED_FLAGS " -march=${SUTRO_MARCH}")
elseif(SUTRO_NATIVE)
  string(APPEND CMAKE_REQUIRED_FLAGS " -march=native")
endif()
check_cxx_source_compiles("#ifdef __FMA__\n#error FMA\n#endif\nint main() { return 0; }" SUTRO_TARGET_LACKS_FMA)
unset(CMAKE_REQUIRED_FLAGS)
if(SUTRO_TARGET_LACKS_FMA)
  sutro_add_program(test_optim_default_copy "${dir}/build_independence_test.cpp")
  target_link_libraries(test_optim_default_copy PRIVATE sutro_test_main)
  target_compile_definitions(test_optim_default_copy PRIVATE "SUTRO_FMA_CLONES=")
  add_test(NAME optim_default_copy COMMAND test_optim_default_copy)
  set_tests_properties(optim_default_copy PROPERTIES LABELS "unit")
endif()
