// The experiment shown in README.md, kept here so CI builds and runs it.
#include <sutro/sutro.hpp>

#include <cstdio>
#include <vector>

int main() {
  std::vector<std::uint64_t> a(1024, 0xff), b(1024, 0x0f);
  sutro::memory::scoped_measurement memory;  // counts the library's allocations
  // simd if compiled in
  auto d = sutro::bits::xor_popcount(sutro::default_backend{}, a, b);
  std::printf("distance %llu, %llu bytes at peak\n", (unsigned long long)d,
              (unsigned long long)memory.finish().peak_bytes);
}
