#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "support/catch.hpp"
#include "sutro/io/npy.hpp"

namespace npy = sutro::io::npy;
using bytes_t = std::vector<unsigned char>;

namespace {
// A file built by hand: version, header text (padded here to 64-byte total), payload.
bytes_t hand_made(int major, const std::string& dict, const bytes_t& payload, bool pad = true) {
  const std::size_t prefix = major == 1 ? 10 : 12;
  std::string h = dict;
  if (pad) {
    while ((prefix + h.size() + 1) % 64) h += ' ';
    h += '\n';
  }
  // Assembled as a std::string and copied into the vector once: growing the
  // vector piecewise (push_back, then insert) made GCC 12 at -O3
  // -march=sapphirerapids report a false -Wstringop-overflow in the insert.
  std::string file = "\x93NUMPY";
  file += static_cast<char>(major);
  file += '\0';
  for (std::size_t i = 0; i < (major == 1 ? 2u : 4u); ++i) file += static_cast<char>(h.size() >> (8 * i));
  file += h;
  file.append(payload.begin(), payload.end());
  return bytes_t(file.begin(), file.end());
}
bytes_t doubles(std::initializer_list<double> v) {
  bytes_t b(v.size() * 8);
  std::memcpy(b.data(), std::data(v), b.size());
  return b;
}
void expect_error(const bytes_t& file, const std::string& fragment) {
  INFO("expected error containing: " << fragment);
  try {
    (void)npy::parse_any(file);
    FAIL("no error");
  } catch (const npy::format_error& e) {
    const std::string what = e.what();
    INFO("message: " << what);
    CHECK(what.find(fragment) != std::string::npos);
  }
}
}  // namespace

TEST_CASE("npy: round trip of float64 and uint8 in many shapes", "[io]") {
  std::mt19937_64 rng(3);
  for (auto shape : std::vector<std::vector<std::size_t>>{
           {}, {0}, {1}, {3}, {63}, {64}, {65}, {3, 4}, {0, 5}, {2, 3, 4}, {500, 20}}) {
    std::size_t count = 1;
    for (auto d : shape) count *= d;
    std::vector<double> x(count);
    std::vector<std::uint8_t> u(count);
    for (auto& v : x) v = std::ldexp(static_cast<double>(rng() >> 11), -20) - 1000.0;
    for (auto& v : u) v = static_cast<std::uint8_t>(rng());
    auto fx = npy::serialize<double>(shape, x);
    auto fu = npy::serialize<std::uint8_t>(shape, u);
    CHECK(npy::parse_header(fx).data_offset % 64 == 0);
    auto rx = npy::parse<double>(fx);
    auto ru = npy::parse<std::uint8_t>(fu);
    CHECK(rx.shape == shape);
    CHECK(rx.data == x);
    CHECK(ru.shape == shape);
    CHECK(ru.data == u);
    CHECK(std::holds_alternative<npy::array<std::uint8_t>>(npy::parse_any(fu)));
    CHECK_THROWS_AS(npy::parse<std::uint8_t>(fx), npy::format_error);
  }
  const auto path = (std::filesystem::temp_directory_path() / "sutro_npy_test.npy").string();
  const std::vector<double> v = {1.5, -2.0, 3.25, 0.0, 1e300, -0.0};
  npy::write<double>(path, {2, 3}, std::span<const double>(v));
  auto back = npy::read<double>(path);
  CHECK(back.shape == std::vector<std::size_t>{2, 3});
  CHECK(back.data == v);
  std::filesystem::remove(path);
  CHECK_THROWS_AS(npy::read<double>(path), std::runtime_error);
  CHECK_THROWS_AS(npy::serialize<double>(std::vector<std::size_t>{2, 2}, v), std::invalid_argument);
}

TEST_CASE("npy: the exact bytes numpy writes for np.save(f, np.arange(3.0))", "[io]") {
  const std::vector<double> v = {0.0, 1.0, 2.0};
  const std::vector<std::size_t> shape = {3};
  auto f = npy::serialize<double>(shape, v);
  REQUIRE(f.size() == 128 + 24);
  const std::string head(f.begin() + 10, f.begin() + 128);
  CHECK(head.substr(0, 57) == "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }");
  CHECK(f[8] == 118);
  CHECK(f[9] == 0);
  CHECK(head.back() == '\n');
}

TEST_CASE("npy: hand-made headers of versions 1.0, 2.0 and 3.0 and other spellings", "[io]") {
  const auto payload = doubles({1, 2, 3, 4});
  for (int major : {1, 2, 3}) {
    auto a =
        npy::parse<double>(hand_made(major, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", payload));
    CHECK(a.shape == std::vector<std::size_t>{2, 2});
    CHECK(a.data == std::vector<double>{1, 2, 3, 4});
  }
  // Key order, double quotes, no trailing comma, Python 2 long suffix.
  auto b =
      npy::parse<double>(hand_made(1, "{\"shape\": (4L,), \"fortran_order\": False, \"descr\": \"<f8\"}", payload));
  CHECK(b.shape == std::vector<std::size_t>{4});
  // Big-endian float64 is swapped on load.
  bytes_t be = doubles({1.5});
  std::reverse(be.begin(), be.end());
  CHECK(npy::parse<double>(hand_made(1, "{'descr': '>f8', 'fortran_order': False, 'shape': (1,), }", be)).data[0] ==
        1.5);
  // Unpadded header (older writers) is fine.
  CHECK(npy::parse<std::uint8_t>(hand_made(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2,)}", {7, 9}, false))
            .data == std::vector<std::uint8_t>{7, 9});
}

TEST_CASE("npy: malformed files are rejected with a clear error", "[io]") {
  const auto ok = hand_made(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", doubles({1, 2}));
  REQUIRE_NOTHROW(npy::parse_any(ok));
  auto bad_magic = ok;
  bad_magic[1] = 'X';
  expect_error(bad_magic, "bad magic");
  expect_error(bytes_t{0x93, 'N', 'U'}, "bad magic");
  auto v4 = ok;
  v4[6] = 4;
  expect_error(v4, "version 4.0");
  auto v11 = ok;
  v11[7] = 1;
  expect_error(v11, "version 1.1");
  auto long_header = ok;
  long_header[8] = 0xff;
  long_header[9] = 0xff;
  expect_error(long_header, "runs past the end");
  auto absurd = hand_made(2, "{}", {});
  absurd[8] = 0xff;
  absurd[9] = 0xff;
  absurd[10] = 0xff;
  absurd[11] = 0x7f;
  expect_error(absurd, "absurd");
  expect_error(hand_made(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (3,), }", doubles({1, 2})), "truncated");
  expect_error(hand_made(1, "{'descr': '|b1', 'fortran_order': True, 'shape': (2, 2), }", {1, 0, 2, 1}),
               "bool element 2 (in the file's column-major order) is byte 2");
  expect_error(hand_made(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }", doubles({1})),
               "unsupported dtype '<c16'");
  expect_error(hand_made(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (2,), }", doubles({1, 2})),
               "unsupported dtype '<f2' (f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 and b1 are supported)");
  expect_error(hand_made(1, "{'descr': '|u2', 'fortran_order': False, 'shape': (2,), }", doubles({1, 2})),
               "unsupported dtype");
  expect_error(hand_made(1, "{'descr': '|f8', 'fortran_order': False, 'shape': (2,), }", doubles({1, 2})),
               "unsupported dtype");
  expect_error(hand_made(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", doubles({1})), "truncated");
  expect_error(hand_made(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", {1, 2}), "expected 0 or 1");
  expect_error(hand_made(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", doubles({1, 2})), "truncated");
  expect_error(hand_made(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", doubles({1, 2})),
               "beyond the data");
  expect_error(hand_made(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4), }", {}),
               "overflows");
  expect_error(hand_made(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999999,), }", {}),
               "overflows");
  expect_error(hand_made(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,), }", {}),
               "overflows");
  expect_error(hand_made(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (-2,), }", {}), "non-negative");
  expect_error(hand_made(1, "{'descr': '<f8', 'fortran_order': False}", {}), "lacks");
  expect_error(hand_made(1, "{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (), }", doubles({1})),
               "repeats");
  expect_error(hand_made(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1}", {}),
               "unexpected header key");
  expect_error(hand_made(1, "{'descr': '<f8, 'fortran_order': False, 'shape': (2,)}", {}), "unsupported dtype");
  expect_error(hand_made(1, "{'descr' '<f8'}", {}), "expected ':'");
  expect_error(hand_made(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)} junk", {}), "trailing");
  expect_error(hand_made(1, "{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2,)}", {}), "True or False");
  expect_error(hand_made(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2", {}), "shape");
  expect_error(hand_made(1, "{'descr", {}), "unterminated");
}

TEST_CASE("npy: every truncation and random corruption fails cleanly (never out of bounds)", "[io]") {
  const std::vector<double> v = {1, 2, 3, 4, 5, 6};
  const std::vector<std::size_t> shape = {2, 3};
  const auto ok = npy::serialize<double>(shape, v);
  for (std::size_t len = 0; len < ok.size(); ++len) {
    const bytes_t cut(ok.begin(), ok.begin() + static_cast<std::ptrdiff_t>(len));
    CHECK_THROWS_AS(npy::parse_any(cut), npy::format_error);
  }
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 20000; ++trial) {
    auto f = ok;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) f[rng() % f.size()] = static_cast<unsigned char>(rng());
    try {
      (void)npy::parse_any(f);
    } catch (const npy::format_error&) {
    }
  }
}

namespace {
template <class T>
std::vector<T> random_values(std::mt19937_64& rng, std::size_t count) {
  std::vector<T> v(count);
  for (auto& x : v) {
    if constexpr (std::is_floating_point_v<T>)
      x = static_cast<T>(std::ldexp(static_cast<double>(rng() >> 11), -30) - 4000.0);
    else
      x = static_cast<T>(rng());
  }
  return v;
}
template <class T>
void round_trip_all_shapes(const char* descr) {
  std::mt19937_64 rng(5);
  for (auto shape :
       std::vector<std::vector<std::size_t>>{{}, {0}, {1}, {63}, {64}, {65}, {3, 4}, {3, 5}, {0, 5}, {2, 3, 4}}) {
    std::size_t count = 1;
    for (auto d : shape) count *= d;
    const auto v = random_values<T>(rng, count);
    const auto f = npy::serialize<T>(shape, v);
    const std::string text(f.begin() + 10, f.begin() + static_cast<std::ptrdiff_t>(npy::parse_header(f).data_offset));
    CHECK(text.find(descr) != std::string::npos);
    CHECK(npy::parse_header(f).data_offset % 64 == 0);
    const auto back = npy::parse<T>(f);
    CHECK(back.shape == shape);
    CHECK(back.data == v);
    CHECK(std::holds_alternative<npy::array<T>>(npy::parse_any(f)));
  }
}
template <class T>
void big_endian_reads(const char* descr) {
  std::mt19937_64 rng(9);
  const auto v = random_values<T>(rng, 5);
  bytes_t payload(v.size() * sizeof(T));
  for (std::size_t i = 0; i < v.size(); ++i) {
    unsigned char b[sizeof(T)];
    std::memcpy(b, &v[i], sizeof(T));
    for (std::size_t j = 0; j < sizeof(T); ++j) payload[i * sizeof(T) + j] = b[sizeof(T) - 1 - j];
  }
  const auto a = npy::parse<T>(
      hand_made(1, std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (5,), }", payload));
  CHECK(a.data == v);
}
// The reference packbits: row-major 0/1 bytes -> bytes of each row, 8 columns per byte.
bytes_t packbits(const std::vector<std::uint8_t>& bits, std::size_t rows, std::size_t cols, bool big) {
  const std::size_t rb = (cols + 7) / 8;
  bytes_t out(rows * rb, 0);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j)
      if (bits[i * cols + j]) out[i * rb + j / 8] |= static_cast<unsigned char>(big ? 0x80u >> (j % 8) : 1u << (j % 8));
  return out;
}
template <class F>
bool bits_error(F f, const std::string& fragment) {
  try {
    f();
  } catch (const npy::format_error& e) {
    INFO("message: " << e.what());
    return std::string(e.what()).find(fragment) != std::string::npos;
  }
  return false;
}
}  // namespace

TEST_CASE("npy: round trip of every dtype in many shapes", "[io]") {
  round_trip_all_shapes<double>("<f8");
  round_trip_all_shapes<float>("<f4");
  round_trip_all_shapes<std::int32_t>("<i4");
  round_trip_all_shapes<std::int64_t>("<i8");
  round_trip_all_shapes<std::uint8_t>("|u1");
  std::mt19937_64 rng(2);
  for (std::size_t count : {0u, 1u, 63u, 64u, 65u, 1000u}) {
    std::vector<bool> b(count);
    for (std::size_t i = 0; i < count; ++i) b[i] = rng() & 1;
    const std::vector<std::size_t> shape = {count};
    const auto f = npy::serialize(shape, b);
    CHECK(npy::parse<bool>(f).data == b);
    CHECK(std::holds_alternative<npy::array<bool>>(npy::parse_any(f)));
    CHECK_THROWS_AS(npy::parse<std::uint8_t>(f), npy::format_error);
  }
}

TEST_CASE("npy: big-endian and spelled-out dtypes are read", "[io]") {
  big_endian_reads<double>(">f8");
  big_endian_reads<float>(">f4");
  big_endian_reads<std::int32_t>(">i4");
  big_endian_reads<std::int64_t>(">i8");
  const bytes_t one = {1, 0, 0, 0};
  CHECK(npy::parse<std::int32_t>(hand_made(1, "{'descr': 'int32', 'fortran_order': False, 'shape': (1,), }", one))
            .data[0] == 1);
  CHECK(npy::parse<bool>(hand_made(1, "{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", {1, 0})).data ==
        std::vector<bool>{true, false});
}

TEST_CASE("npy: GF(2) rows in numpy.packbits order, both bit orders", "[io]") {
  std::mt19937_64 rng(17);
  for (std::size_t rows : {0u, 1u, 3u, 64u})
    for (std::size_t cols : {0u, 1u, 7u, 8u, 9u, 63u, 64u, 65u, 130u})
      for (bool big : {true, false}) {
        INFO("rows " << rows << " cols " << cols << " big " << big);
        std::vector<std::uint8_t> bits(rows * cols);
        for (auto& b : bits) b = rng() & 1;
        const auto packed = packbits(bits, rows, cols, big);
        const std::vector<std::size_t> shape = {rows, (cols + 7) / 8};
        const auto file = npy::serialize<std::uint8_t>(shape, packed);
        const auto order = big ? npy::bit_order::big : npy::bit_order::little;
        const auto r = npy::parse_bits(file, cols, order);
        REQUIRE(r.rows == rows);
        REQUIRE(r.words.size() == rows * r.words_per_row());
        for (std::size_t i = 0; i < rows; ++i)
          for (std::size_t j = 0; j < cols; ++j) CHECK(r.get(i, j) == (bits[i * cols + j] != 0));
        for (std::size_t i = 0; i < rows; ++i)
          if (cols % 64) CHECK((r.row(i)[r.words_per_row() - 1] >> (cols % 64)) == 0);
        // Written back through a wider stride with junk in the padding words: the same file.
        const std::size_t stride = r.words_per_row() + 2;
        std::vector<std::uint64_t> wide(rows * stride, ~std::uint64_t{0});
        for (std::size_t i = 0; i < rows; ++i)
          for (std::size_t w = 0; w < r.words_per_row(); ++w) wide[i * stride + w] = r.row(i)[w];
        for (std::size_t i = 0; i < rows; ++i)
          if (cols % 64) wide[i * stride + r.words_per_row() - 1] |= ~std::uint64_t{0} << (cols % 64);
        CHECK(npy::serialize_bits(rows, cols, wide, stride, order) == file);
      }
}

TEST_CASE("npy: packed bits are checked", "[io]") {
  const std::vector<std::size_t> shape = {2, 2};
  const bytes_t ok = {0xff, 0x80, 0x01, 0x00};
  CHECK_NOTHROW(npy::parse_bits(npy::serialize<std::uint8_t>(shape, ok), 9));
  const bytes_t pad = {0xff, 0xc0, 0x01, 0x00};  // column 9 set in a 9-column row
  CHECK(bits_error([&] { (void)npy::parse_bits(npy::serialize<std::uint8_t>(shape, pad), 9); }, "beyond column 9"));
  CHECK(bits_error([&] { (void)npy::parse_bits(npy::serialize<std::uint8_t>(shape, ok), 17); }, "take 3 bytes"));
  const std::vector<double> d = {1, 2};
  const std::vector<std::size_t> s1 = {2};
  CHECK(bits_error([&] { (void)npy::parse_bits(npy::serialize<double>(s1, d), 8); }, "uint8"));
  // Rows of no columns: a header may claim 2^62 of them in a few bytes; the
  // parse returns at once (a loop over the rows would run for years).
  const std::vector<std::size_t> many_empty = {std::size_t{1} << 62, 0};
  const auto empty = npy::parse_bits(npy::serialize<std::uint8_t>(many_empty, bytes_t{}), 0);
  CHECK(empty.rows == (std::size_t{1} << 62));
  CHECK(empty.cols == 0);
  CHECK(empty.words.empty());
  // The writer too: 2^62 rows of no columns serialize at once.
  CHECK(npy::serialize_bits(std::size_t{1} << 62, 0, std::span<const std::uint64_t>{}, 0) ==
        npy::serialize<std::uint8_t>(many_empty, bytes_t{}));
  // A column count near SIZE_MAX: (cols + 7) / 8 would wrap to 0 bytes a row and match a (5, 0) array.
  const std::vector<std::size_t> five_empty = {5, 0};
  CHECK(bits_error([&] { (void)npy::parse_bits(npy::serialize<std::uint8_t>(five_empty, bytes_t{}), SIZE_MAX); },
                   "the file's rows have 0"));
  std::vector<std::uint64_t> w(1);
  CHECK_THROWS_AS(npy::serialize_bits(1, SIZE_MAX, w, 1), std::invalid_argument);
  CHECK_THROWS_AS(npy::serialize_bits(2, 64, w, 1), std::invalid_argument);
  CHECK_THROWS_AS(npy::serialize_bits(1, 65, w, 1), std::invalid_argument);
}

TEST_CASE("npy: the writer keeps to the limits of the reader and numpy; bad paths are named", "[io]") {
  const auto message = [](auto f) -> std::string {
    try {
      f();
    } catch (const std::exception& e) {
      return e.what();
    }
    return {};
  };
  // (rows - 1) stride + words per row past size_t: refused, never read past the span.
  const std::vector<std::uint64_t> w = {1};
  CHECK(message([&] { (void)npy::serialize_bits(17, 1, w, std::size_t{1} << 60); }) ==
        "sutro::io::npy::serialize_bits: 1 words for 17 rows of stride 1152921504606846976");
  CHECK(npy::serialize_bits(1, 1, w, std::size_t{1} << 60).size() == 129);  // one row: the stride is never used
  // The writer refuses what parse (and numpy) refuse: more than 64 dimensions.
  const std::vector<std::size_t> dims65(65, 1);
  const std::vector<double> one = {1.0};
  CHECK(message([&] { (void)npy::serialize<double>(dims65, one); }) ==
        "sutro::io::npy::write: 65 dimensions (numpy and the reader take at most 64)");
  const std::vector<std::size_t> dims64(64, 1);
  CHECK(npy::parse<double>(npy::serialize<double>(dims64, one)).shape == dims64);
  const std::vector<std::size_t> huge_dim = {0, SIZE_MAX};
  CHECK(message([&] { (void)npy::serialize<double>(huge_dim, std::vector<double>{}); }) ==
        "sutro::io::npy::write: dimension 18446744073709551615 exceeds numpy's maximum 2^63 - 1");
  // The reader refuses the same dimension in a hand-made header.
  std::string dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 18446744073709551615), }";
  dict.append(118 - dict.size() - 1, ' ');
  dict += '\n';
  bytes_t file = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<unsigned char>(dict.size()), 0};
  file.insert(file.end(), dict.begin(), dict.end());
  CHECK(message([&] { (void)npy::parse<double>(file); }).find("exceeds numpy's maximum 2^63 - 1") != std::string::npos);
  // Headers numpy's literal_eval refuses: an int where a tuple goes, a
  // leading zero, a NUL in the padding.
  const auto payload = doubles({1, 2, 3});
  CHECK(message([&] {
          (void)npy::parse<double>(hand_made(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3), }", payload));
        }).find("shape (3) is not a tuple; write (3,)") != std::string::npos);
  CHECK(message([&] {
          (void)npy::parse<double>(hand_made(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (03,), }", payload));
        }).find("shape entry 03 has a leading zero") != std::string::npos);
  CHECK(npy::parse<double>(hand_made(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 00), }", {})).shape ==
        std::vector<std::size_t>{0, 0});  // 00 is a Python integer
  CHECK(message([&] {
          (void)npy::parse<double>(
              hand_made(1, std::string("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }") + '\0', payload));
        }).find("trailing characters after the header dict") != std::string::npos);
  // A directory: a clear error, not the stream's own exception.
  const auto dir = std::filesystem::temp_directory_path();
  CHECK(message([&] { (void)npy::read<double>(dir.string()); }) ==
        "sutro::io::npy::read: '" + dir.string() + "' is a directory, not a file");
}

TEST_CASE("npy: header bytes quoted in a message are printable ASCII", "[io]") {
  // A corrupt header key or descr is echoed as \xHH, so the message stays
  // valid text (Python decodes it as UTF-8: a raw 0xf5 made it fail).
  const auto message = [](const bytes_t& f) {
    try {
      (void)npy::parse_any(f);
    } catch (const npy::format_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const auto printable = [](const std::string& s) {
    for (const char c : s)
      if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) return false;
    return true;
  };
  const std::string key =
      message(hand_made(1, "{'desc\xf5': '<f8', 'fortran_order': False, 'shape': (1,), }", doubles({1})));
  CHECK(key.find("unexpected header key 'desc\\xf5'") != std::string::npos);
  CHECK(printable(key));
  const std::string descr =
      message(hand_made(1, "{'descr': '<f\n\\\x80', 'fortran_order': False, 'shape': (1,), }", doubles({1})));
  CHECK(descr.find("unsupported dtype '<f\\x0a\\x5c\\x80'") != std::string::npos);
  CHECK(printable(descr));
}

namespace {
// The C-order index of each element a column-major file holds, by the
// definition: C index sum_d i_d prod_{e > d} n_e, Fortran index sum_d i_d prod_{e < d} n_e.
std::vector<std::size_t> fortran_positions(const std::vector<std::size_t>& shape) {
  std::size_t count = 1;
  for (auto d : shape) count *= d;
  std::vector<std::size_t> f_of_c(count);
  std::vector<std::size_t> idx(shape.size());
  for (std::size_t c = 0; c < count; ++c) {
    std::size_t rest = c;
    for (std::size_t d = shape.size(); d-- > 0;) {
      idx[d] = rest % shape[d];
      rest /= shape[d];
    }
    std::size_t f = 0, stride = 1;
    for (std::size_t d = 0; d < shape.size(); ++d) {
      f += idx[d] * stride;
      stride *= shape[d];
    }
    f_of_c[c] = f;
  }
  return f_of_c;
}

// Appended piecewise: "literal" + std::string made GCC 12 report a false
// -Wrestrict in the inlined memcpy.
std::string dict_of(const char* descr, bool fortran, const std::string& dims) {
  std::string d = "{'descr': '";
  d += descr;
  d += "', 'fortran_order': ";
  d += fortran ? "True" : "False";
  d += ", 'shape': ";
  d += dims;
  d += "}";
  return d;
}

std::string shape_text(const std::vector<std::size_t>& shape) {
  std::string t = "(";
  for (auto d : shape) t += std::to_string(d) + ", ";
  return t + ")";
}
}  // namespace

TEST_CASE("npy: Fortran-order files are read into C order", "[io]") {
  std::mt19937_64 rng(11);
  for (auto shape : std::vector<std::vector<std::size_t>>{{},
                                                          {0},
                                                          {5},
                                                          {2, 3},
                                                          {3, 2},
                                                          {1, 7},
                                                          {7, 1},
                                                          {0, 4},
                                                          {4, 0},
                                                          {2, 3, 4},
                                                          {4, 1, 3},
                                                          {2, 1, 1, 3, 2},
                                                          {63, 65},
                                                          {65, 64}}) {
    INFO("shape " << shape_text(shape));
    const auto f_of_c = fortran_positions(shape);
    std::vector<double> c_order(f_of_c.size());
    for (auto& v : c_order) v = static_cast<double>(rng() % 1000) - 500.0;
    // The file's payload: element c goes to Fortran position f_of_c[c].
    bytes_t payload(c_order.size() * 8), big(c_order.size() * 8), flags(c_order.size()), ints(c_order.size() * 4),
        bytes(c_order.size());
    for (std::size_t c = 0; c < c_order.size(); ++c) {
      std::memcpy(payload.data() + f_of_c[c] * 8, &c_order[c], 8);
      for (std::size_t b = 0; b < 8; ++b) big[f_of_c[c] * 8 + b] = payload[f_of_c[c] * 8 + 7 - b];
      flags[f_of_c[c]] = c_order[c] > 0 ? 1 : 0;
      const auto i32 = static_cast<std::int32_t>(c_order[c]);
      std::memcpy(ints.data() + f_of_c[c] * 4, &i32, 4);
      bytes[f_of_c[c]] = static_cast<unsigned char>(static_cast<int>(c_order[c]) & 0xff);
    }
    const std::string dims = shape_text(shape);
    const auto got = npy::parse<double>(hand_made(1, dict_of("<f8", true, dims), payload));
    CHECK(got.shape == shape);
    CHECK(got.data == c_order);
    CHECK(npy::parse<double>(hand_made(3, dict_of(">f8", true, dims), big)).data == c_order);
    const auto i = npy::parse<std::int32_t>(hand_made(1, dict_of("<i4", true, dims), ints));
    const auto u = npy::parse<std::uint8_t>(hand_made(1, dict_of("|u1", true, dims), bytes));
    REQUIRE(i.data.size() == c_order.size());
    REQUIRE(u.data.size() == c_order.size());
    for (std::size_t c = 0; c < c_order.size(); ++c) {
      CHECK(i.data[c] == static_cast<std::int32_t>(c_order[c]));
      CHECK(u.data[c] == static_cast<std::uint8_t>(static_cast<int>(c_order[c]) & 0xff));
    }
    const auto b = npy::parse<bool>(hand_made(1, dict_of("|b1", true, dims), flags));
    REQUIRE(b.data.size() == c_order.size());
    for (std::size_t c = 0; c < c_order.size(); ++c) CHECK(b.data[c] == (c_order[c] > 0));
    // The same array in C order reads the same.
    bytes_t c_payload(c_order.size() * 8);
    if (!c_order.empty()) std::memcpy(c_payload.data(), c_order.data(), c_payload.size());
    CHECK(npy::parse<double>(hand_made(1, dict_of("<f8", false, dims), c_payload)).data == c_order);
  }
}

TEST_CASE("npy: Fortran-order packed bits are read by rows", "[io]") {
  std::mt19937_64 rng(12);
  for (std::size_t rows : {1u, 2u, 5u, 64u}) {
    for (std::size_t cols : {1u, 8u, 9u, 20u, 64u, 65u, 130u}) {
      INFO(rows << " x " << cols);
      const std::size_t row_bytes = (cols + 7) / 8;
      std::vector<std::vector<bool>> a(rows, std::vector<bool>(cols));
      for (auto& r : a)
        for (std::size_t j = 0; j < cols; ++j) r[j] = (rng() & 1) != 0;
      bytes_t c_bytes(rows * row_bytes, 0), f_bytes(rows * row_bytes, 0);
      for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j)
          if (a[i][j]) c_bytes[i * row_bytes + j / 8] |= static_cast<unsigned char>(0x80u >> (j % 8));
      for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t b = 0; b < row_bytes; ++b) f_bytes[b * rows + i] = c_bytes[i * row_bytes + b];
      const std::string dims = shape_text({rows, row_bytes});
      const auto got = npy::parse_bits(hand_made(1, dict_of("|u1", true, dims), f_bytes), cols);
      REQUIRE(got.rows == rows);
      for (std::size_t i = 0; i < rows; ++i)
        for (std::size_t j = 0; j < cols; ++j) CHECK(got.get(i, j) == a[i][j]);
      if (cols % 8 != 0) {  // a padding bit set in the last byte of the last row
        f_bytes[(row_bytes - 1) * rows + rows - 1] |= 1u;
        try {
          (void)npy::parse_bits(hand_made(1, dict_of("|u1", true, dims), f_bytes), cols);
          FAIL("no error");
        } catch (const npy::format_error& e) {
          CHECK(std::string(e.what()).find("packed row " + std::to_string(rows - 1) + " has bits set") !=
                std::string::npos);
        }
      }
    }
  }
}

namespace {
// Extremes and random values of an integer type.
template <class T>
std::vector<T> integer_values(std::size_t count) {
  std::mt19937_64 rng(21);
  std::vector<T> v(count);
  for (auto& x : v) x = static_cast<T>(rng());
  if (count > 0) v[0] = std::numeric_limits<T>::min();
  if (count > 1) v[1] = std::numeric_limits<T>::max();
  if (count > 2) v[2] = T{0};
  return v;
}
template <class T>
void narrow_and_unsigned_round_trip(const char* descr, npy::dtype type, const char* name) {
  INFO(descr);
  CHECK(std::string(npy::to_string(type)) == name);
  for (auto shape : std::vector<std::vector<std::size_t>>{{0}, {1}, {3, 5}}) {
    std::size_t count = 1;
    for (auto d : shape) count *= d;
    const auto v = integer_values<T>(count);
    const auto f = npy::serialize<T>(shape, v);
    const auto h = npy::parse_header(f);
    CHECK(h.type == type);
    CHECK(h.data_offset % 64 == 0);
    CHECK(f.size() == h.data_offset + count * sizeof(T));
    const auto back = npy::parse<T>(f);
    CHECK(back.shape == shape);
    CHECK(back.data == v);
    const auto any = npy::parse_any(f);
    REQUIRE(std::holds_alternative<npy::array<T>>(any));
    CHECK(any.index() == static_cast<std::size_t>(type));
    CHECK(std::get<npy::array<T>>(any).data == v);
  }
  // The header numpy writes for np.save(f, np.zeros(3, dtype)): its descr exactly.
  const std::vector<std::size_t> shape = {3};
  const auto f = npy::serialize<T>(shape, std::vector<T>(3));
  REQUIRE(f.size() == 128 + 3 * sizeof(T));
  const std::string head(f.begin() + 10, f.begin() + 128);
  CHECK(head.substr(0, 57) == std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': (3,), }");
  // numpy's name for the dtype is read as its code is.
  bytes_t payload(sizeof(T), 0);
  payload[0] = 7;
  CHECK(npy::parse<T>(hand_made(1, dict_of(name, false, "(1,)"), payload)).data == std::vector<T>{T{7}});
}
template <class T>
void fortran_reads(const char* descr) {
  INFO(descr);
  const bool big = descr[0] == '>';
  for (auto shape : std::vector<std::vector<std::size_t>>{{2, 3}, {3, 2}, {3, 5}, {2, 3, 4}, {4, 1, 3}}) {
    const auto f_of_c = fortran_positions(shape);
    const auto v = integer_values<T>(f_of_c.size());
    bytes_t payload(v.size() * sizeof(T));
    for (std::size_t c = 0; c < v.size(); ++c) {
      unsigned char b[sizeof(T)];
      std::memcpy(b, &v[c], sizeof(T));
      for (std::size_t j = 0; j < sizeof(T); ++j) payload[f_of_c[c] * sizeof(T) + j] = b[big ? sizeof(T) - 1 - j : j];
    }
    const auto got = npy::parse<T>(hand_made(1, dict_of(descr, true, shape_text(shape)), payload));
    CHECK(got.shape == shape);
    CHECK(got.data == v);
  }
}
std::string mismatch(const bytes_t& file, bool (*read)(const bytes_t&)) {
  try {
    (void)read(file);
  } catch (const npy::format_error& e) {
    return e.what();
  }
  return "no error";
}
template <class T>
bool read_as(const bytes_t& f) {
  return !npy::parse<T>(f).data.empty();
}
}  // namespace

TEST_CASE("npy: int8, int16, uint16, uint32 and uint64 round trip with numpy's descr", "[io]") {
  narrow_and_unsigned_round_trip<std::int8_t>("|i1", npy::dtype::int8, "int8");
  narrow_and_unsigned_round_trip<std::int16_t>("<i2", npy::dtype::int16, "int16");
  narrow_and_unsigned_round_trip<std::uint16_t>("<u2", npy::dtype::uint16, "uint16");
  narrow_and_unsigned_round_trip<std::uint32_t>("<u4", npy::dtype::uint32, "uint32");
  narrow_and_unsigned_round_trip<std::uint64_t>("<u8", npy::dtype::uint64, "uint64");
  round_trip_all_shapes<std::int8_t>("|i1");
  round_trip_all_shapes<std::int16_t>("<i2");
  round_trip_all_shapes<std::uint16_t>("<u2");
  round_trip_all_shapes<std::uint32_t>("<u4");
  round_trip_all_shapes<std::uint64_t>("<u8");
  // The alternatives that were there first keep their indices.
  const std::vector<std::size_t> one = {1};
  CHECK(npy::parse_any(npy::serialize<double>(one, std::vector<double>{1})).index() == 0);
  CHECK(npy::parse_any(npy::serialize<std::uint8_t>(one, std::vector<std::uint8_t>{1})).index() == 1);
  CHECK(npy::parse_any(npy::serialize<float>(one, std::vector<float>{1})).index() == 2);
  CHECK(npy::parse_any(npy::serialize<std::int32_t>(one, std::vector<std::int32_t>{1})).index() == 3);
  CHECK(npy::parse_any(npy::serialize<std::int64_t>(one, std::vector<std::int64_t>{1})).index() == 4);
  CHECK(npy::parse_any(npy::serialize(one, std::vector<bool>{true})).index() == 5);
  // Through a file too.
  const auto path = (std::filesystem::temp_directory_path() / "sutro_npy_u4_test.npy").string();
  const std::vector<std::uint32_t> u = {0, 1, 0xffffffffu, 0x80000000u, 12345, 7};
  npy::write<std::uint32_t>(path, {2, 3}, std::span<const std::uint32_t>(u));
  const auto back = npy::read<std::uint32_t>(path);
  CHECK(back.shape == std::vector<std::size_t>{2, 3});
  CHECK(back.data == u);
  CHECK(std::get<npy::array<std::uint32_t>>(npy::read_any(path)).data == u);
  std::filesystem::remove(path);
}

TEST_CASE("npy: int8, int16, uint16, uint32 and uint64 in either byte order and Fortran order", "[io]") {
  big_endian_reads<std::int16_t>(">i2");
  big_endian_reads<std::uint16_t>(">u2");
  big_endian_reads<std::uint32_t>(">u4");
  big_endian_reads<std::uint64_t>(">u8");
  // A single byte has no order: every mark reads the same.
  for (const char* descr : {"|i1", "<i1", ">i1", "=i1", "i1"})
    CHECK(npy::parse<std::int8_t>(hand_made(1, dict_of(descr, false, "(2,)"), {0xff, 0x80})).data ==
          std::vector<std::int8_t>{-1, -128});
  // Little-endian marks and the bare code are not swapped.
  for (const char* descr : {"<u4", "=u4", "u4"})
    CHECK(npy::parse<std::uint32_t>(hand_made(1, dict_of(descr, false, "(1,)"), {1, 2, 3, 4})).data ==
          std::vector<std::uint32_t>{0x04030201u});
  CHECK(npy::parse<std::uint32_t>(hand_made(1, dict_of(">u4", false, "(1,)"), {1, 2, 3, 4})).data ==
        std::vector<std::uint32_t>{0x01020304u});
  CHECK(npy::parse<std::int16_t>(hand_made(1, dict_of(">i2", false, "(1,)"), {0xff, 0xfe})).data ==
        std::vector<std::int16_t>{-2});
  fortran_reads<std::int8_t>("|i1");
  fortran_reads<std::int16_t>("<i2");
  fortran_reads<std::int16_t>(">i2");
  fortran_reads<std::uint16_t>("<u2");
  fortran_reads<std::uint16_t>(">u2");
  fortran_reads<std::uint32_t>("<u4");
  fortran_reads<std::uint32_t>(">u4");
  fortran_reads<std::uint64_t>("<u8");
  fortran_reads<std::uint64_t>(">u8");
}

TEST_CASE("npy: a file of one integer type read as another is refused, naming both", "[io]") {
  const std::vector<std::size_t> two = {2};
  const auto i1 = npy::serialize<std::int8_t>(two, std::vector<std::int8_t>{-1, 1});
  const auto i2 = npy::serialize<std::int16_t>(two, std::vector<std::int16_t>{-1, 1});
  const auto u2 = npy::serialize<std::uint16_t>(two, std::vector<std::uint16_t>{1, 2});
  const auto u4 = npy::serialize<std::uint32_t>(two, std::vector<std::uint32_t>{1, 2});
  const auto u8 = npy::serialize<std::uint64_t>(two, std::vector<std::uint64_t>{1, 2});
  const auto i8 = npy::serialize<std::int64_t>(two, std::vector<std::int64_t>{1, 2});
  const std::string prefix = "sutro::io::npy::parse: ";
  CHECK(mismatch(i1, read_as<std::uint8_t>) == prefix + "file holds int8, asked for uint8");
  CHECK(mismatch(i1, read_as<bool>) == prefix + "file holds int8, asked for bool");
  CHECK(mismatch(i2, read_as<std::uint16_t>) == prefix + "file holds int16, asked for uint16");
  CHECK(mismatch(u2, read_as<std::int16_t>) == prefix + "file holds uint16, asked for int16");
  CHECK(mismatch(u4, read_as<std::int32_t>) == prefix + "file holds uint32, asked for int32");
  CHECK(mismatch(u4, read_as<float>) == prefix + "file holds uint32, asked for float32");
  CHECK(mismatch(u8, read_as<std::int64_t>) == prefix + "file holds uint64, asked for int64");
  CHECK(mismatch(u8, read_as<double>) == prefix + "file holds uint64, asked for float64");
  CHECK(mismatch(i8, read_as<std::uint64_t>) == prefix + "file holds int64, asked for uint64");
  CHECK(mismatch(u2, read_as<std::int8_t>) == prefix + "file holds uint16, asked for int8");
}
