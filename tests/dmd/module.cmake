# The differential suite's data (tests/dmd/data, made by scripts/bytedmd_differential.py).
target_compile_definitions(${target} PRIVATE SUTRO_DMD_DATA_DIR="${dir}/data")
