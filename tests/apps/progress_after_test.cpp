// --progress-after is checked like the other numbers: a NaN never compares
// true against an elapsed time, so it would turn the progress line off silently.
#include <cmath>
#include <limits>
#include <string>

#include "lab_cli.hpp"
#include "support/catch.hpp"
#include "support/thrown.hpp"

using namespace sutro;

TEST_CASE("apps: translate refuses a progress-after that is NaN or negative", "[apps]") {
  const auto msg = [](double after) {
    apps::lab_options o;
    o.methods = {"gf2_elimination"};
    o.progress_after = after;
    return testing::thrown_message([&] { (void)apps::translate(o); });
  };
  CHECK(msg(std::numeric_limits<double>::quiet_NaN()) ==
        "sutro::apps::translate: progress-after = nan seconds must be >= 0");
  CHECK(msg(-1.0) == "sutro::apps::translate: progress-after = -1 seconds must be >= 0");
  CHECK(msg(0.0).empty());
  CHECK(msg(std::numeric_limits<double>::infinity()).empty());  // never shown
}
