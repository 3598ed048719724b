// The lab (challenge protocol) returning its JSON report, and MLP training
// with every sutro::optim optimizer, with per-epoch history.
#include "common.hpp"
#include "solver_dispatch.hpp"

#include <functional>

#include <nanobind/stl/optional.h>

#include "sutro/lab/experiment.hpp"
#include "sutro/lab/mlp_method.hpp"
#include "sutro/lab/report.hpp"
#include "sutro/lab/solver_traces.hpp"
#include "sutro/nn/mlp.hpp"
#include "sutro/nn/train.hpp"
#include "sutro/optim/optimizers.hpp"

namespace sutro::python {
namespace {

const char* optimizer_names = "sgd, momentum, nesterov, adam, adamw, sign_sgd, egd, muon";

/// Calls f(rule) with the optimizer `name` built from keyword options (lr, wd, beta, b1, b2, eps).
template <class F>
decltype(auto) with_optimizer(const std::string& name, nb::dict kwargs, F&& f) {
  const std::string who = "sutro::optim::" + name;
  options o(std::move(kwargs), who.c_str());
  const double lr = o.get<double>("lr", name == "adam" || name == "adamw" ? 0.01 : name == "muon" ? 0.02 : 0.1);
  const double wd = o.get<double>("wd", name == "adamw" ? 0.01 : 0.0);
  if (name == "sgd") return o.finish(), f(optim::sgd({.lr = lr, .weight_decay = wd}));
  if (name == "sign_sgd") return o.finish(), f(optim::sign_sgd({.lr = lr, .weight_decay = wd}));
  if (name == "egd") return o.finish(), f(optim::egd({.lr = lr, .weight_decay = wd}));
  if (name == "momentum" || name == "nesterov") {
    const double beta = o.get<double>("beta", 0.9);
    o.finish();
    return name == "momentum" ? f(optim::momentum({.lr = lr, .beta = beta, .weight_decay = wd}))
                              : f(optim::nesterov({.lr = lr, .beta = beta, .weight_decay = wd}));
  }
  if (name == "muon") {
    const double beta = o.get<double>("beta", 0.95);
    o.finish();
    return f(optim::muon({.lr = lr, .beta = beta, .weight_decay = wd}));
  }
  if (name == "adam" || name == "adamw") {
    const double b1 = o.get<double>("b1", 0.9), b2 = o.get<double>("b2", 0.999), eps = o.get<double>("eps", 1e-8);
    o.finish();
    return name == "adam" ? f(optim::adam({.lr = lr, .beta1 = b1, .beta2 = b2, .eps = eps, .weight_decay = wd}))
                          : f(optim::adamw({.lr = lr, .beta1 = b1, .beta2 = b2, .eps = eps, .weight_decay = wd}));
  }
  throw std::invalid_argument("sutro::optim: unknown optimizer '" + name + "' (" + optimizer_names + ")");
}

nn::loss parse_loss(const std::string& s) {
  if (s == "hinge") return nn::loss::hinge;
  if (s == "mse") return nn::loss::mse;
  if (s == "logistic") return nn::loss::logistic;
  throw std::invalid_argument("sutro::nn: unknown loss '" + s + "' (hinge, mse, logistic)");
}

nb::dict train_mlp(const in_array<float, 2>& x_train, const in_array<float, 1>& y_train,
                   const in_array<float, 2>& x_test, const in_array<float, 1>& y_test, std::vector<std::size_t> hidden,
                   const std::string& optimizer, nb::dict optimizer_options, unsigned_arg<std::size_t> epochs_in,
                   unsigned_arg<std::size_t> batch_in, unsigned_arg<std::uint64_t> seed_in,
                   unsigned_arg<std::uint64_t> init_seed_in, const std::string& loss, bool regression,
                   double solve_accuracy, bool stop_when_solved) {
  constexpr const char* who = "sutro::nn::train";
  const std::size_t epochs = epochs_in.get(who, "epochs"), batch = batch_in.get(who, "batch");
  const std::uint64_t seed = seed_in.get(who, "seed"), init_seed = init_seed_in.get(who, "init_seed");
  const std::size_t n = x_train.shape(1);
  if (x_test.shape(1) != n)
    throw std::invalid_argument("sutro::nn::train: train rows have " + std::to_string(n) + " features, test rows " +
                                std::to_string(x_test.shape(1)));
  const nn::dataset_view<float> train(std::span<const float>(x_train.data(), x_train.size()),
                                      std::span<const float>(y_train.data(), y_train.size()), n);
  const nn::dataset_view<float> test(std::span<const float>(x_test.data(), x_test.size()),
                                     std::span<const float>(y_test.data(), y_test.size()), n);
  nn::train_options to;
  to.epochs = epochs;
  to.batch = batch;
  to.seed = seed;
  to.loss_kind = parse_loss(loss);
  to.target = regression ? nn::target_kind::regression : nn::target_kind::classification;
  to.solve_accuracy = solve_accuracy;
  to.stop_when_solved = stop_when_solved;
  std::vector<double> loss_h, acc_h, sec_h;
  nn::callbacks cb;
  cb.on_epoch = [&](const nn::epoch_info& e) {
    loss_h.push_back(e.train_loss);
    acc_h.push_back(e.test_accuracy);
    sec_h.push_back(e.seconds);
    return nn::action::proceed;
  };
  nn::train_result r = with_optimizer(optimizer, std::move(optimizer_options), [&](const auto& rule) {
    nb::gil_scoped_release release;
    nn::mlp<float> net(nn::mlp_config{.inputs = n, .hidden = hidden}, init_seed);
    return nn::train(net, rule, train, test, to, cb);
  });
  nb::dict d;
  d["status"] = std::string(nn::to_string(r.status));
  d["epochs"] = r.epochs;
  d["steps"] = r.steps;
  d["epochs_to_milestone"] = r.epochs_to_milestone ? nb::cast(*r.epochs_to_milestone) : nb::none();
  d["epochs_to_solve"] = r.epochs_to_solve ? nb::cast(*r.epochs_to_solve) : nb::none();
  d["test_accuracy"] = r.test_accuracy;
  d["train_loss"] = r.train_loss;
  d["seconds"] = r.seconds;
  d["loss_history"] = adopt(std::move(loss_h));
  d["accuracy_history"] = adopt(std::move(acc_h));
  d["seconds_history"] = adopt(std::move(sec_h));
  return d;
}

/// One lab method from its description: {"solver": name, "options": {...}, "name": label}
/// or {"mlp": optimizer, "options": {...}, "name": label, "hidden": [...], "epochs": ..., ...}.
lab::method make_method(nb::dict spec) {
  options o(spec, "sutro::lab::method");
  const std::string label = o.get<std::string>("name", "");
  const nb::dict opts = o.get<nb::dict>("options", nb::dict());
  const std::string solver = o.get<std::string>("solver", "");
  const std::string mlp = o.get<std::string>("mlp", "");
  const std::vector<std::string> kinds = o.get<std::vector<std::string>>("kinds", {});
  lab::mlp_method_options mo;
  mo.hidden = o.get<std::vector<std::size_t>>("hidden", mo.hidden);
  mo.epochs = o.get<std::size_t>("epochs", mo.epochs);
  mo.batch = o.get<std::size_t>("batch", mo.batch);
  mo.seed = o.get<std::uint64_t>("seed", mo.seed);
  mo.validation_fraction = o.get<double>("validation_fraction", mo.validation_fraction);
  mo.stop_accuracy = o.get<double>("stop_accuracy", mo.stop_accuracy);
  mo.trace_every_epochs = o.get<std::size_t>("trace_every_epochs", mo.trace_every_epochs);
  o.finish();
  if (solver.empty() == mlp.empty())
    throw std::invalid_argument("sutro::lab::method: give exactly one of 'solver' and 'mlp'");
  std::vector<tasks::task_kind> ks;
  for (const auto& k : kinds) ks.push_back(parse_kind(k));
  if (!solver.empty()) {
    if (ks.empty()) ks = {solver.rfind("sum_", 0) == 0 ? tasks::task_kind::sum : tasks::task_kind::parity};
    if (solver == "correlation" && kinds.empty())
      ks = {tasks::task_kind::majority, tasks::task_kind::threshold, tasks::task_kind::and_};
    return with_solver(solver, opts, [&](auto s) { return lab::from_solver(std::move(s), label, ks); });
  }
  return with_optimizer(mlp, opts, [&](auto rule) {
    auto m = lab::mlp_method(label.empty() ? mlp + "_mlp" : label, std::move(rule), mo);
    m.kinds = ks;
    return m;
  });
}

std::string lab_run(nb::dict config, nb::list methods) {
  options o(config, "sutro::lab::config");
  lab::config c;
  c.label = o.get<std::string>("label", "");
  const std::string kind = o.get<std::string>("kind", "parity");
  const std::size_t n = o.get<std::size_t>("n", 20), k = o.get<std::size_t>("k", 3);
  const double noise = o.get<double>("noise", 0.0);
  const std::string enc = o.get<std::string>("encoding", "pm1");
  const auto threshold = o.get<std::optional<std::int32_t>>("threshold", std::nullopt);
  c.task = make_spec(kind, n, k, noise, enc, threshold ? *threshold : tasks::threshold_k_minus_1);
  c.seeds = o.get<std::vector<std::uint64_t>>("seeds", c.seeds);
  c.train = o.get<std::size_t>("train", c.train);
  c.test = o.get<std::size_t>("test", c.test);
  c.test_seed_offset = o.get<std::uint64_t>("test_seed_offset", c.test_seed_offset);
  c.repeats = o.get<std::size_t>("repeats", c.repeats);
  c.pass_accuracy = o.get<double>("pass_accuracy", c.pass_accuracy);
  c.max_trace_bytes = o.get<std::uint64_t>("max_trace_bytes", c.max_trace_bytes);
  o.finish();
  std::vector<lab::method> ms;
  for (auto m : methods) {
    nb::dict spec;
    if (!nb::try_cast<nb::dict>(m, spec))
      throw nb::type_error(("sutro::lab::run: a method must be a dict, got " + describe(m)).c_str());
    ms.push_back(make_method(spec));
  }
  nb::gil_scoped_release release;
  return lab::to_json(lab::run(c, ms));
}

}  // namespace

void bind_lab(nb::module_& m) {
  m.def("train_mlp", &train_mlp, nb::arg("x_train"), nb::arg("y_train"), nb::arg("x_test"), nb::arg("y_test"),
        nb::arg("hidden"), nb::arg("optimizer"), nb::arg("optimizer_options"), nb::arg("epochs"), nb::arg("batch"),
        nb::arg("seed"), nb::arg("init_seed"), nb::arg("loss"), nb::arg("regression"), nb::arg("solve_accuracy"),
        nb::arg("stop_when_solved"),
        nb::sig("def train_mlp("
                "x_train: typing.Annotated[numpy.typing.NDArray[numpy.float32], "
                "dict(shape=(None, None), order='C', device='cpu', writable=False)], "
                "y_train: typing.Annotated[numpy.typing.NDArray[numpy.float32], "
                "dict(shape=(None,), order='C', device='cpu', writable=False)], "
                "x_test: typing.Annotated[numpy.typing.NDArray[numpy.float32], "
                "dict(shape=(None, None), order='C', device='cpu', writable=False)], "
                "y_test: typing.Annotated[numpy.typing.NDArray[numpy.float32], "
                "dict(shape=(None,), order='C', device='cpu', writable=False)], "
                "hidden: collections.abc.Sequence[int], optimizer: str, optimizer_options: dict[str, typing.Any], "
                "epochs: int, batch: int, seed: int, init_seed: int, loss: str, regression: bool, "
                "solve_accuracy: float, stop_when_solved: bool) -> dict[str, typing.Any]"),
        "Trains an MLP (sutro::nn::train) and returns the result with per-epoch history.");
  m.def("lab_run", &lab_run, nb::arg("config"), nb::arg("methods"),
        nb::sig("def lab_run(config: dict[str, typing.Any], methods: list[dict[str, typing.Any]]) -> str"),
        "Runs the lab (sutro::lab::run) and returns its JSON report (sutro::lab::to_json).");
  m.attr("optimizers") = nb::make_tuple("sgd", "momentum", "nesterov", "adam", "adamw", "sign_sgd", "egd", "muon");
  m.attr("solvers") = nb::make_tuple("gf2_elimination", "gf2_general", "exhaustive", "robust_gf2", "noisy_parity",
                                     "bucket_search", "correlation", "sum_correlation", "sum_least_squares");
}

}  // namespace sutro::python
