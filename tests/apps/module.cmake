# sutro-lab's translation (apps/lab_cli.hpp) always; its CLI11 layer and
# in-process runs (apps/lab_cli_app.hpp) when CLI11 is installed.
target_include_directories(${target} PRIVATE "${PROJECT_SOURCE_DIR}/apps")
find_package(CLI11 CONFIG QUIET)
if(TARGET CLI11::CLI11)
  target_link_libraries(${target} PRIVATE CLI11::CLI11)
  target_compile_definitions(${target} PRIVATE SUTRO_HAS_CLI11=1)
endif()
