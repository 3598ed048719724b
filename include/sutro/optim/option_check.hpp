#pragma once
// The range checks every optimizer option goes through, so that a factory
// and the building block it chains refuse a value with the same words:
//   sutro::optim::scale_by_adam: beta1 must be in [0, 1), got 1

#include <cmath>
#include <stdexcept>
#include <string>
#include "sutro/config/number_text.hpp"

namespace sutro::optim::detail {

[[nodiscard]] inline std::string option_value(double v) { return sutro::detail::number_text(v); }
[[noreturn]] inline void refuse_option(const char* who, const char* name, const char* rule, double v) {
  throw std::invalid_argument(std::string("sutro::optim::") + who + ": " + name + " must be " + rule + ", got " +
                              option_value(v));
}

inline void check_positive(const char* who, const char* name, double v) {
  if (!(v > 0.0) || !std::isfinite(v)) refuse_option(who, name, "positive and finite", v);
}
inline void check_nonnegative(const char* who, const char* name, double v) {
  if (!(v >= 0.0) || !std::isfinite(v)) refuse_option(who, name, ">= 0 and finite", v);
}
inline void check_finite(const char* who, const char* name, double v) {
  if (!std::isfinite(v)) refuse_option(who, name, "finite", v);
}
/// A double option applied as a T: finite as a double but past T's range
/// (lr = 1e39 for float) it would turn every parameter into inf; nonzero but
/// below it (lr = 1e-50, eps = 1e-50 for float) it would round to 0, and
/// training would do nothing or divide 0 by 0.
template <class T>
void check_fits(const char* who, const char* name, double v) {
  if (std::isfinite(v) && !std::isfinite(static_cast<T>(v)))
    refuse_option(who, name, "within the parameters' floating type's range", v);
  if (v != 0.0 && static_cast<T>(v) == T(0))
    refuse_option(who, name, "nonzero in the parameters' floating type (it rounds to 0)", v);
}
inline void check_beta(const char* who, const char* name, double beta) {
  if (!(beta >= 0.0 && beta < 1.0)) refuse_option(who, name, "in [0, 1)", beta);
}
/// A beta below 1 as a double that rounds to 1 as a T (float: above
/// 1 - 2^-25): momentum would keep every past gradient undecayed, and Adam's
/// 1 - beta2 would be 0, so v stays 0 and each step is m / eps.
template <class T>
void check_beta_fits(const char* who, const char* name, double beta) {
  if (static_cast<T>(beta) == T(1))
    refuse_option(who, name, "below 1 in the parameters' floating type (it rounds to 1)", beta);
}
inline void check_lr(const char* who, double lr) { check_positive(who, "lr", lr); }
inline void check_eps(const char* who, double eps) { check_positive(who, "eps", eps); }
inline void check_weight_decay(const char* who, double wd) { check_nonnegative(who, "weight_decay", wd); }

}  // namespace sutro::optim::detail
