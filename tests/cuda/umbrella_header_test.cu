// Every public host header, compiled by nvcc: a .cu file that includes
// sutro/sutro.hpp must build warning-free (nvcc's front end has rejected
// constructs GCC accepts: GCC-only pragmas, nested requires on parameters).
// Runs on the host only, so it needs no device.
#include <cstdio>

#include "sutro/sutro.hpp"

int main() {
  const auto m = sutro::gf2::matrix<sutro::scalar>::identity(65);
  const bool ok = sutro::gf2::rank(m) == 65;
  std::printf("%s: sutro/sutro.hpp compiled by nvcc; host rank check\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
