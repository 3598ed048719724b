#pragma once
// Everything of gf2 on the CUDA backend: gf2::matrix<sutro::cuda> with explicit
// host <-> device copies, add, multiply, transpose, echelon forms and rank, solve.
//
//   #include "sutro/gf2/cuda/all.cuh"
//   auto a = sutro::gf2::to_device(host_a), b = sutro::gf2::to_device(host_b);
//   auto c = (a * b).to_host<sutro::scalar>();   // == host_a * host_b, bit for bit

#if !defined(__CUDACC__)
#error "sutro/gf2/cuda/all.cuh is CUDA code: include it only when compiling with nvcc"
#endif

#include "sutro/gf2/cuda/add.cuh"
#include "sutro/gf2/cuda/echelon.cuh"
#include "sutro/gf2/cuda/matrix.cuh"
#include "sutro/gf2/cuda/multiply.cuh"
#include "sutro/gf2/cuda/solve.cuh"
#include "sutro/gf2/cuda/transpose.cuh"
