// libFuzzer target for the .npy reader: any byte string must either parse or
// throw npy::format_error; ASan catches any read outside the input. A uint8
// array is also read as packed GF(2) rows (numpy.packbits layout), with a
// column count and bit order taken from the input's size.
#include <cstddef>
#include <cstdint>
#include <span>
#include <variant>

#include "sutro/io/npy.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace npy = sutro::io::npy;
  const std::span<const unsigned char> bytes(data, size);
  try {
    auto a = npy::parse_any(bytes);
    std::visit([](const auto& arr) { (void)arr.size(); }, a);
    if (const auto* u = std::get_if<npy::array<std::uint8_t>>(&a); u && !u->shape.empty()) {
      const std::size_t row_bytes = u->shape.back();
      const std::size_t cols = row_bytes == 0 ? 0 : row_bytes * 8 - size % 8;
      const auto r = npy::parse_bits(bytes, cols, size % 2 ? npy::bit_order::little : npy::bit_order::big);
      (void)r.words.size();
    }
  } catch (const npy::format_error&) {
  }
  return 0;
}
