# Two fake NVML libraries (tests/energy/fake), loaded by path by nvml_test.cpp.
foreach(_fake IN ITEMS sutro_fake_nvml sutro_fake_nvml_partial)
  add_library(${_fake} MODULE "${dir}/fake/fake_nvml.cpp")
  target_link_libraries(${_fake} PRIVATE sutro_dev)
  add_dependencies(${target} ${_fake})
endforeach()
target_compile_definitions(sutro_fake_nvml_partial PRIVATE FAKE_NVML_PARTIAL=1)
target_compile_definitions(${target} PRIVATE
  SUTRO_FAKE_NVML="$<TARGET_FILE:sutro_fake_nvml>"
  SUTRO_FAKE_NVML_PARTIAL="$<TARGET_FILE:sutro_fake_nvml_partial>")
