#pragma once
// The host gf2 headers the device code builds on, included with two nvcc
// front-end diagnostics silenced (CUDA tests build with -Werror=all-warnings):
// 554, a conversion operator of a view to its own const type "will not be
// called" (true, and harmless), and 1675, GCC-only loop pragmas in host code.
// Include this before any other sutro/gf2 header in a .cu file.

#if !defined(__CUDACC__)
#error "sutro/gf2/cuda/host_headers.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#pragma nv_diagnostic push
#pragma nv_diag_suppress 554
#pragma nv_diag_suppress 1675
#include "sutro/gf2/add.hpp"
#include "sutro/gf2/echelon.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/multiply.hpp"
#include "sutro/gf2/solve.hpp"
#include "sutro/gf2/transpose.hpp"
#pragma nv_diagnostic pop
