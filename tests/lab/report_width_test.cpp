// print_table never cuts a row: a long task or method name widens it, and
// its numbers and newline stay (a fixed 320-byte line lost them).
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include "support/catch.hpp"
#include "sutro/lab/experiment.hpp"
#include "sutro/lab/report.hpp"
#include "sutro/solvers/exhaustive.hpp"

using namespace sutro;

namespace {
std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}
/// The one line that starts with `prefix`, or "" when none or several do.
std::string line_starting(const std::string& text, const std::string& prefix) {
  std::string found;
  int hits = 0;
  for (const auto& l : lines_of(text))
    if (l.rfind(prefix, 0) == 0) found = l, ++hits;
  return hits == 1 ? found : std::string();
}
}  // namespace

TEST_CASE("lab: print_table keeps a 300-character method or task name and the row's numbers", "[lab][report]") {
  lab::config cfg = lab::challenge();
  cfg.seeds = {42};
  cfg.repeats = 1;
  const std::string long_method(300, 'm');
  lab::report rep = lab::run(cfg, {lab::from_solver(solvers::exhaustive{}, long_method)});
  REQUIRE(rep.summaries.size() == 1);
  const std::string alloc = lab::format_bytes(rep.summaries[0].max_bytes_allocated);

  std::ostringstream table;
  lab::print_table(table, rep);
  const std::string row = line_starting(table.str(), rep.summaries[0].task + " ");
  INFO(table.str());
  REQUIRE(!row.empty());
  CHECK(row.find(" " + long_method + " ") != std::string::npos);
  CHECK(row.find("1/1") != std::string::npos);
  CHECK(row.find("100.0%") != std::string::npos);
  CHECK(row.find(alloc) != std::string::npos);
  CHECK(row.find(" yes ") != std::string::npos);
  CHECK(row.find("(no traced run)") == std::string::npos);  // exhaustive has one: its numbers end the row
  // The row ended where it should: the next line is the footer's blank line, not a glued continuation.
  CHECK(table.str().find(row + "\n\n") != std::string::npos);

  // A long task label and a declined row likewise.
  const std::string long_task(300, 't');
  lab::report declined = rep;
  declined.summaries[0].task = long_task;
  declined.summaries[0].not_applicable = "a reason";
  rep.summaries[0].task = long_task;
  std::ostringstream t2, t3;
  lab::print_table(t2, rep);
  lab::print_table(t3, declined);
  const std::string row2 = line_starting(t2.str(), long_task);
  REQUIRE(!row2.empty());
  CHECK(row2.rfind(long_task + " " + long_method, 0) == 0);
  CHECK(row2.find("100.0%") != std::string::npos);
  CHECK(row2.find(" yes ") != std::string::npos);
  const std::string row3 = line_starting(t3.str(), long_task);
  REQUIRE(!row3.empty());
  CHECK(row3.rfind(long_task + " " + long_method, 0) == 0);
  CHECK(row3.find("does not apply: not run, nothing measured (reason below)") != std::string::npos);
  CHECK(t3.str().find(long_method + " on " + long_task + ": a reason\n") != std::string::npos);
}

TEST_CASE("lab: the table's number formats are never cut either", "[lab][report]") {
  // 1e300 printed in full: about 290 digits, where the 32-byte buffers kept 31.
  CHECK(lab::format_count(1e300).size() > 250);
  CHECK(lab::format_time(1e300).size() > 250);
  CHECK(lab::format_energy(1e300).size() > 250);
  CHECK(lab::format_count(12345) == "12.3k");
  CHECK(lab::format_time(2.5e-6) == "2.50 us");
  CHECK(lab::format_bytes(1600) == "1600 B");
}
