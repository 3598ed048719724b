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
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "sutro/tasks/samples.hpp"
#include "sutro/tasks/spec.hpp"

namespace sutro::solvers {

inline void check_samples(const tasks::packed_samples& d, tasks::task_kind kind, const char* who) {
  // Built on the throwing paths only: this check runs before every solve.
  const auto fail = [who](const std::string& what) { throw std::invalid_argument(std::string(who) + ": " + what); };
  // tasks::validate is a pure function of the spec but costs about as much
  // as a small GF(2) solve (it formats its message up front), so each thread
  // remembers the bytes of the last spec that passed. Equal bytes mean equal
  // values (a NaN noise never passes), so a hit is never a wrong skip.
  static_assert(std::is_trivially_copyable_v<tasks::task_spec>);
  thread_local unsigned char last_valid[sizeof(tasks::task_spec)] = {};
  thread_local bool have_valid = false;
  if (!have_valid || std::memcmp(last_valid, &d.spec, sizeof d.spec) != 0) {
    try {
      tasks::validate(d.spec);
    } catch (const std::invalid_argument& e) {
      fail(e.what());
    }
    std::memcpy(last_valid, &d.spec, sizeof d.spec);
    have_valid = true;
  }
  if (d.spec.kind != kind)
    fail(std::string("needs ") + tasks::to_string(kind) + " samples, got " + tasks::to_string(d.spec.kind));
  const std::size_t n = d.spec.n, rw = (n + 63) / 64;
  if (d.row_words != rw)
    fail("row_words = " + std::to_string(d.row_words) + " but n = " + std::to_string(n) + " needs " +
         std::to_string(rw));
  if (d.count > d.words.size() / rw || d.count > d.labels.size())
    fail("count = " + std::to_string(d.count) + " rows but " + std::to_string(d.words.size()) + " words (" +
         std::to_string(rw) + " a row) and " + std::to_string(d.labels.size()) + " labels");
  if (n % 64) {
    const std::uint64_t pad = ~std::uint64_t{0} << (n % 64);
    for (std::size_t i = 0; i < d.count; ++i)
      if (d.row(i)[rw - 1] & pad)
        fail("row " + std::to_string(i) + " has bits set at or above n = " + std::to_string(n));
  }
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
