#pragma once
// What a call throws, as text, so that a test can check that the message
// names the values (the house rule for errors).
#include <stdexcept>
#include <string>
#include <utility>

namespace sutro::testing {

/// The what() of the E that f throws, or `none` when f returns normally.
/// Another exception type propagates, so the test fails on it.
///
///   CHECK(thrown_message([] { (void)optim::sgd({.lr = -0.1}); }).find("sutro::optim::sgd: lr") == 0);
template <class E = std::invalid_argument, class F>
std::string thrown_message(F&& f, std::string none = {}) {
  try {
    std::forward<F>(f)();
  } catch (const E& e) {
    return e.what();
  }
  return none;
}

}  // namespace sutro::testing
