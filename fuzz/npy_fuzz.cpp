// libFuzzer target for the .npy reader: any byte string must either parse or
// throw npy::format_error; ASan catches any read outside the input.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

#include "sutro/io/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto a = sutro::io::npy::parse_any(std::span<const unsigned char>(data, size));
    std::visit([](const auto& arr) { (void)arr.size(); }, a);
  } catch (const sutro::io::npy::format_error&) {
  }
  return 0;
}
