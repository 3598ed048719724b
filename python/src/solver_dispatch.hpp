#pragma once
// From a solver's name and keyword options to the sutro::solvers object:
// with_solver(name, options, f) calls f(solver) with the concrete type, so the
// solvers binding and the lab share one list.
#include "common.hpp"

#include "sutro/solvers/bucket_search.hpp"
#include "sutro/solvers/correlation.hpp"
#include "sutro/solvers/exhaustive.hpp"
#include "sutro/solvers/gf2_elimination.hpp"
#include "sutro/solvers/gf2_general.hpp"
#include "sutro/solvers/noisy_parity.hpp"
#include "sutro/solvers/robust_gf2.hpp"
#include "sutro/solvers/sparse_sum.hpp"

namespace sutro::python {

inline solvers::parity_method parse_method(const std::string& s) {
  using solvers::parity_method;
  for (auto m :
       {parity_method::automatic, parity_method::exhaustive, parity_method::bucket_search, parity_method::prange})
    if (s == solvers::to_string(m)) return m;
  throw std::invalid_argument("sutro::solvers::noisy_parity: unknown method '" + s +
                              "' (automatic, exhaustive, bucket_search, prange)");
}

inline const char* solver_names =
    "gf2_elimination, gf2_general, exhaustive, robust_gf2, noisy_parity, bucket_search, correlation, "
    "sum_correlation, sum_least_squares";

template <class F>
decltype(auto) with_solver(const std::string& method, nb::dict kwargs, F&& f) {
  const std::string who = "sutro::solvers::" + method;
  options o(std::move(kwargs), who.c_str());
  if (method == "gf2_elimination") {
    solvers::gf2_elimination_options x;
    x.max_samples = o.get<std::size_t>("max_samples", x.max_samples);
    x.verify_all = o.get<bool>("verify_all", x.verify_all);
    o.finish();
    return f(solvers::gf2_elimination(x));
  } else if (method == "gf2_general") {
    o.finish();
    return f(solvers::gf2_general{});
  } else if (method == "exhaustive") {
    solvers::exhaustive_options x;
    x.max_samples = o.get<std::size_t>("max_samples", x.max_samples);
    x.stop_at_first = o.get<bool>("stop_at_first", x.stop_at_first);
    x.alpha = o.get<double>("alpha", x.alpha);
    x.max_cost = o.get<double>("max_cost", x.max_cost);
    o.finish();
    return f(solvers::exhaustive(x));
  } else if (method == "robust_gf2") {
    solvers::robust_gf2_options x;
    x.trials = o.get<std::size_t>("trials", x.trials);
    x.seed = o.get<std::uint64_t>("seed", x.seed);
    x.require_weight_k = o.get<bool>("require_weight_k", x.require_weight_k);
    x.exit_z = o.get<double>("exit_z", x.exit_z);
    x.alpha = o.get<double>("alpha", x.alpha);
    o.finish();
    return f(solvers::robust_gf2(x));
  } else if (method == "noisy_parity") {
    solvers::noisy_parity_options x;
    x.method = parse_method(o.get<std::string>("method", "automatic"));
    x.alpha = o.get<double>("alpha", x.alpha);
    x.miss = o.get<double>("miss", x.miss);
    x.seed = o.get<std::uint64_t>("seed", x.seed);
    x.max_trials = o.get<std::size_t>("max_trials", x.max_trials);
    x.max_cost = o.get<double>("max_cost", x.max_cost);
    o.finish();
    return f(solvers::noisy_parity(x));
  } else if (method == "bucket_search") {
    solvers::bucket_search_options x;
    x.seed = o.get<std::uint64_t>("seed", x.seed);
    x.alpha = o.get<double>("alpha", x.alpha);
    x.miss = o.get<double>("miss", x.miss);
    x.key_bits = o.get<std::size_t>("key_bits", x.key_bits);
    x.max_cost = o.get<double>("max_cost", x.max_cost);
    o.finish();
    return f(solvers::bucket_search(x));
  } else if (method == "correlation") {
    solvers::correlation x;
    x.alpha = o.get<double>("alpha", x.alpha);
    o.finish();
    return f(x);
  } else if (method == "sum_correlation") {
    o.finish();
    return f(solvers::sum_correlation{});
  } else if (method == "sum_least_squares") {
    o.finish();
    return f(solvers::sum_least_squares{});
  }
  throw std::invalid_argument("sutro::solvers: unknown solver '" + method + "' (" + solver_names + ")");
}

}  // namespace sutro::python
