// sutro-lab refuses a traced run estimated past --max-trace-gb as bad input
// (exit 2) before any run, naming the estimate, the task and the option.
#include <sstream>
#include <string>
#include <string_view>

#include "support/catch.hpp"
#include "support/thrown.hpp"
#if defined(SUTRO_HAS_CLI11)
#include "lab_cli_app.hpp"
#else
#include "lab_cli.hpp"
#endif

using namespace sutro;
using apps::lab_options;

namespace {
bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("apps: a trace past --max-trace-gb is bad input, named before anything runs", "[apps]") {
  const auto msg = [](lab_options o) { return testing::thrown_message([&] { (void)apps::translate(o); }); };
  lab_options o;
  o.methods = {"exhaustive"};
  o.tasks = {"parity:20:3", "parity:100:5"};  // the second refuses before the first runs
  const auto m = msg(o);
  INFO(m);
  CHECK(m.find("sutro::lab::check_trace_sizes: exhaustive's traced run at (n, k) = (100, 5) would record at least") ==
        0);
  CHECK(contains(m, "about 15.9 GB kept for ByteDMD-tr, over max_trace_bytes = 4 GB"));
  CHECK(contains(m, "(sutro-lab: --max-trace-gb)"));
  o.tasks = {"parity:20:3"};
  o.max_trace_gb = 0.0001;  // (20, 3) at 500 rows: about 0.45 MB
  CHECK(contains(msg(o), "over max_trace_bytes = 0.1 MB"));
  o.max_trace_gb = 0.01;
  CHECK_NOTHROW((void)apps::translate(o));
  for (double bad : {0.0, -1.0, 1e30}) {
    o.max_trace_gb = bad;
    CHECK(msg(o).find("sutro::apps::translate: max-trace-gb = ") == 0);
  }
}

#if defined(SUTRO_HAS_CLI11)
TEST_CASE("apps: sutro-lab exits 2 on a trace past --max-trace-gb", "[apps]") {
  std::ostringstream out, err;
  const char* argv[] = {"sutro-lab", "--task", "parity:100:5", "--method", "exhaustive", "--seeds", "42"};
  CHECK(apps::lab_main(7, argv, out, err, false) == 2);
  CHECK(err.str().find("sutro-lab: sutro::lab::check_trace_sizes: exhaustive's traced run at (n, k) = (100, 5)") == 0);
  CHECK(!contains(err.str(), "--train"));
  CHECK(out.str().empty());
}
#endif
