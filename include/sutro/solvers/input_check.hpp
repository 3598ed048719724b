#pragma once
// The one check every solver runs at entry: hand-built packed_samples reach
// the solvers' word loops unguarded otherwise (a k of 0 or above n, a count
// beyond the stored rows, bits set past n all index outside their buffers).
//
//   sutro::solvers::check_samples(train, sutro::tasks::task_kind::parity, "sutro::solvers::mine");
//   // throws std::invalid_argument("sutro::solvers::mine: ...") naming the bad values
//
// Checked: the spec (tasks::validate), its kind, row_words == ceil(n / 64),
// words and labels holding `count` rows, zero padding bits past n, and every
// label a value the task can produce in its encoding (parity: +-1 or 0/1;
// sum: k - 2 * ones in +-1, ones in 0/1, with ones in [0, k]).

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "sutro/tasks/samples.hpp"
#include "sutro/tasks/spec.hpp"

namespace sutro::solvers {

inline void check_samples(const tasks::packed_samples& d, tasks::task_kind kind, const char* who) {
  // Built on the throwing paths only: this check runs before every solve.
  const auto fail = [who](const std::string& what) { throw std::invalid_argument(std::string(who) + ": " + what); };
  tasks::check_layout(d, who);
  if (d.spec.kind != kind)
    fail(std::string("needs ") + tasks::to_string(kind) + " samples, got " + tasks::to_string(d.spec.kind));
  const bool pm = d.spec.enc == tasks::encoding::plus_minus_one;
  const auto k = static_cast<long>(d.spec.k);
  for (std::size_t i = 0; i < d.count; ++i) {
    const long y = d.labels[i];
    bool ok = false;
    if (kind == tasks::task_kind::parity)
      ok = pm ? (y == 1 || y == -1) : (y == 0 || y == 1);
    else if (kind == tasks::task_kind::sum)
      ok = pm ? (y >= -k && y <= k && (k - y) % 2 == 0) : (y >= 0 && y <= k);
    else
      ok = y == 0 || y == 1;
    if (!ok)
      fail(std::string("label ") + std::to_string(y) + " of row " + std::to_string(i) + " is not a " +
           tasks::to_string(kind) + " label in the " + tasks::to_string(d.spec.enc) +
           " encoding (k = " + std::to_string(k) + ")");
  }
}

}  // namespace sutro::solvers
