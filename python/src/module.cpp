// sutro._sutro: the compiled layer of the Python package (python/sutro wraps it).
#include "common.hpp"

#include <string>

#include "sutro/config/version.hpp"

NB_MODULE(_sutro, m) {
  m.doc() = "sutro's C++ core: tasks, solvers, GF(2), metrics, ByteDMD, the lab and MLP training";
  m.attr("__version__") = std::to_string(SUTRO_VERSION_MAJOR) + "." + std::to_string(SUTRO_VERSION_MINOR) + "." +
                          std::to_string(SUTRO_VERSION_PATCH);
  sutro::python::bind_tasks(m);
  sutro::python::bind_solvers(m);
  sutro::python::bind_gf2(m);
  sutro::python::bind_metrics(m);
  sutro::python::bind_lab(m);
}
