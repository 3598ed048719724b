// The group's challenge protocol in the lab harness, with a solver and a
// hand-written method that answers through a predictor (as a trained MLP would).
#include <iostream>

#include "sutro/lab/experiment.hpp"
#include "sutro/lab/report.hpp"
#include "sutro/solvers/gf2_elimination.hpp"

int main() {
  namespace lab = sutro::lab;
  // [challenge]
  lab::config cfg = lab::challenge();  // (20,3), seeds 42/123/456, 500/500, test from seed + 1000
  // A deliberately weak method that answers through `predict` (a trained MLP
  // returns its forward pass here): the parity of bits 0, 1, 2, whatever the data.
  lab::method guess{"first_bits_guess", [](const lab::problem&) {
                      lab::method_output out;
                      out.predict = [](const float* row) { return row[0] * row[1] * row[2]; };
                      return out;
                    }};
  lab::report rep = lab::run(cfg, {lab::from_solver(sutro::solvers::gf2_elimination{}), guess});
  lab::print_table(std::cout, rep);
  std::cout << lab::to_json(rep);
  // [challenge]
  return rep.summaries[0].pass ? 0 : 1;
}
