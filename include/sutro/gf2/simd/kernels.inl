// Every simd GF(2) kernel of one instruction-set level, in dependency order
// (included once per level by kernels.hpp through foreach_level.inl).
// Each file uses the ones above it, so the order is not alphabetical.
// clang-format off
#include "sutro/gf2/simd/add.inl"
#include "sutro/gf2/simd/m4rm.inl"
#include "sutro/gf2/simd/gfni.inl"
#include "sutro/gf2/simd/multiply.inl"
#include "sutro/gf2/simd/transpose.inl"
#include "sutro/gf2/simd/echelon.inl"
#include "sutro/gf2/simd/triangular.inl"
#include "sutro/gf2/simd/ple.inl"
// clang-format on
