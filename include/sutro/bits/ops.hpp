#pragma once
// Word-wise binary operations shared by the bit kernels of every backend.
// Templated on the word type so the same functor works on std::uint64_t, on an
// xsimd batch and in device code.

#include "sutro/config/macros.hpp"

namespace sutro::bits {

struct xor_op {
  template <class Word>
  SUTRO_HOST_DEVICE Word operator()(const Word& a, const Word& b) const {
    return a ^ b;
  }
};

struct and_op {
  template <class Word>
  SUTRO_HOST_DEVICE Word operator()(const Word& a, const Word& b) const {
    return a & b;
  }
};

}  // namespace sutro::bits
