#pragma once
// Everything in sutro::gf2: matrices, vectors, add, multiply, transpose,
// elimination (rank, echelon forms, PLE, PLUQ and the kernels from it),
// solve, kernel, inverse and triangular solves.
//
//   #include "sutro/gf2/all.hpp"
//   auto a = sutro::gf2::matrix<>::random(64, 64, 1);
//   auto r = sutro::gf2::rank(a);

#include "sutro/gf2/add.hpp"
#include "sutro/gf2/echelon.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/gf2/multiply.hpp"
#include "sutro/gf2/pluq.hpp"
#include "sutro/gf2/solve.hpp"
#include "sutro/gf2/transpose.hpp"
#include "sutro/gf2/triangular.hpp"
#include "sutro/gf2/vector.hpp"
