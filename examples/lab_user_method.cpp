// A user's lab method and its allocation columns. The lab counts only what goes
// through sutro's accounting allocators or resource; a method that allocates
// elsewhere (plain std containers) shows "n/m" (not measured, JSON null), never
// a 0 that was not measured. Opting in: allocate through
// memory::accounting_allocator or memory::accounting_resource (both count into
// memory::default_stats(), which the lab measures) and say so.
#include <cstddef>
#include <cstdint>
#include <iostream>
#include <memory_resource>
#include <vector>

#include "sutro/lab/experiment.hpp"
#include "sutro/lab/report.hpp"
#include "sutro/memory/accounting_allocator.hpp"
#include "sutro/memory/accounting_resource.hpp"

namespace {
namespace lab = sutro::lab;

// The bit most correlated with the label, predicted as the label (a weak
// method; what matters here is where its counts live).
template <class Counts>
lab::method_output best_single_bit(const lab::problem& p, Counts& agree) {
  const auto& d = p.train_dense;
  agree.assign(d.spec.n, 0);
  for (std::size_t r = 0; r < d.count; ++r)
    for (std::size_t j = 0; j < d.spec.n; ++j) agree[j] += d.x[r * d.spec.n + j] == d.y[r] ? 1 : 0;
  std::size_t best = 0;
  for (std::size_t j = 1; j < d.spec.n; ++j)
    if (agree[j] > agree[best]) best = j;
  lab::method_output out;
  out.predict = [best](const float* row) { return row[best]; };
  return out;
}
}  // namespace

int main() {
  lab::config cfg = lab::challenge();
  cfg.seeds = {42};
  cfg.repeats = 1;

  // Plain std::vector: the lab cannot see it; the columns say n/m.
  lab::method plain{"std_vector", [](const lab::problem& p) {
                      std::vector<std::uint32_t> agree;
                      return best_single_bit(p, agree);
                    }};

  // [opt_in]
  // Through the accounting allocator ...
  lab::method counted{"accounting_alloc", [](const lab::problem& p) {
                        std::vector<std::uint32_t, sutro::memory::accounting_allocator<std::uint32_t>> agree;
                        return best_single_bit(p, agree);
                      }};
  counted.allocations_accounted = true;
  // ... or through the pmr resource (std::pmr containers).
  lab::method counted_pmr{"accounting_pmr", [](const lab::problem& p) {
                            sutro::memory::accounting_resource resource;  // counts into default_stats()
                            std::pmr::vector<std::uint32_t> agree{&resource};
                            return best_single_bit(p, agree);
                          }};
  counted_pmr.allocations_accounted = true;
  // [opt_in]

  const lab::report rep = lab::run(cfg, {plain, counted, counted_pmr});
  lab::print_table(std::cout, rep);
  std::cout << lab::to_json(rep);
  const auto& s = rep.summaries;
  const bool ok = !s[0].allocations_measured && s[1].allocations_measured && s[1].max_bytes_allocated == 20 * 4 &&
                  s[2].allocations_measured && s[2].max_bytes_allocated == 20 * 4;
  return ok ? 0 : 1;
}
