# The static-address differential suite's data (tests/dmd_models/data, made by scripts/static_address_differential.py).
target_compile_definitions(${target} PRIVATE SUTRO_DMD_MODELS_DATA_DIR="${dir}/data")
