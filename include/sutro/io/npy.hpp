#pragma once
// Reading and writing numpy's .npy files (float64 and uint8, C order, format
// versions 1.0, 2.0 and 3.0), so the arrays of a Python experiment can be
// loaded exactly and ours exported.
//
//   sutro::io::npy::write("X.npy", {500, 20}, std::span<const double>(x));
//   auto X = sutro::io::npy::read<double>("X.npy");   // X.shape == {500, 20}, X.data
//   auto y = sutro::io::npy::read_any("y.npy");       // std::variant of array<double> / array<uint8_t>
//
// The reader trusts nothing: bad magic, unknown version, a header longer than
// the file or than 1 MiB, a malformed header dict, an unsupported dtype,
// Fortran order, a shape whose size overflows, and data shorter or longer
// than the shape all throw io::npy::format_error (a std::invalid_argument)
// naming the problem. It never reads outside the given bytes.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

namespace sutro::io::npy {

struct format_error : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

enum class dtype { float64, uint8 };

inline const char* to_string(dtype t) noexcept { return t == dtype::float64 ? "float64" : "uint8"; }

template <class T>
struct array {
  std::vector<std::size_t> shape;
  std::vector<T> data;  ///< C order
  [[nodiscard]] std::size_t size() const noexcept { return data.size(); }
};

using any_array = std::variant<array<double>, array<std::uint8_t>>;

struct header {
  int major = 1, minor = 0;
  dtype type = dtype::float64;
  bool big_endian = false;
  std::vector<std::size_t> shape;
  std::size_t data_offset = 0;  ///< bytes before the data
  std::size_t count = 0;        ///< product of shape
};

inline constexpr std::size_t max_header_bytes = std::size_t{1} << 20;
inline constexpr std::size_t max_dims = 64;

namespace detail {
template <class T>
constexpr dtype dtype_of() {
  static_assert(std::is_same_v<T, double> || std::is_same_v<T, std::uint8_t>,
                "npy: only double (float64) and std::uint8_t arrays are supported");
  return std::is_same_v<T, double> ? dtype::float64 : dtype::uint8;
}
inline std::size_t item_size(dtype t) noexcept { return t == dtype::float64 ? 8 : 1; }

[[noreturn]] inline void fail(const std::string& what) { throw format_error("npy: " + what); }

/// Recursive-descent parser of the header dict (a Python literal).
class dict_parser {
 public:
  explicit dict_parser(std::string_view s) : s_(s) {}

  void parse(header& h) {
    bool have_descr = false, have_order = false, have_shape = false;
    expect('{');
    for (;;) {
      skip_ws();
      if (peek() == '}') break;
      const std::string key = string_literal();
      expect(':');
      if (key == "descr") {
        if (have_descr) fail("header repeats 'descr'");
        have_descr = true;
        set_dtype(h, string_literal());
      } else if (key == "fortran_order") {
        if (have_order) fail("header repeats 'fortran_order'");
        have_order = true;
        skip_ws();
        if (consume_word("False")) {
        } else if (consume_word("True")) {
          fail("Fortran-order arrays are not supported (save with C order)");
        } else {
          fail("'fortran_order' must be True or False");
        }
      } else if (key == "shape") {
        if (have_shape) fail("header repeats 'shape'");
        have_shape = true;
        h.shape = tuple();
      } else {
        fail("unexpected header key '" + key + "'");
      }
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') break;
      fail("expected ',' or '}' in the header at offset " + std::to_string(pos_));
    }
    expect('}');
    while (pos_ < s_.size()) {
      const char c = s_[pos_++];
      if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\0') fail("trailing characters after the header dict");
    }
    if (!have_descr || !have_order || !have_shape)
      fail("header lacks one of 'descr', 'fortran_order', 'shape'");
  }

 private:
  [[nodiscard]] char peek() const noexcept { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void skip_ws() noexcept {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  void expect(char c) {
    skip_ws();
    if (peek() != c) fail(std::string("expected '") + c + "' in the header at offset " + std::to_string(pos_));
    ++pos_;
  }
  bool consume_word(std::string_view w) noexcept {
    if (s_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }
  std::string string_literal() {
    skip_ws();
    const char q = peek();
    if (q != '\'' && q != '"') fail("expected a quoted string in the header at offset " + std::to_string(pos_));
    const std::size_t start = ++pos_;
    while (pos_ < s_.size() && s_[pos_] != q) ++pos_;
    if (pos_ >= s_.size()) fail("unterminated string in the header");
    return std::string(s_.substr(start, pos_++ - start));
  }
  std::vector<std::size_t> tuple() {
    expect('(');
    std::vector<std::size_t> dims;
    for (;;) {
      skip_ws();
      if (peek() == ')') break;
      if (peek() < '0' || peek() > '9') fail("shape entries must be non-negative integers");
      std::size_t v = 0;
      while (peek() >= '0' && peek() <= '9') {
        const auto digit = static_cast<std::size_t>(peek() - '0');
        if (v > (std::numeric_limits<std::size_t>::max() - digit) / 10) fail("shape entry overflows");
        v = v * 10 + digit;
        ++pos_;
      }
      skip_ws();
      if (peek() == 'L') ++pos_;  // Python 2 long suffix
      dims.push_back(v);
      if (dims.size() > max_dims) fail("more than " + std::to_string(max_dims) + " dimensions");
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != ')') fail("expected ',' or ')' in the shape");
    }
    ++pos_;
    return dims;
  }
  static void set_dtype(header& h, const std::string& d) {
    if (d == "<f8" || d == "=f8" || d == "f8" || d == "float64") {
      h.type = dtype::float64;
    } else if (d == ">f8") {
      h.type = dtype::float64;
      h.big_endian = true;
    } else if (d == "|u1" || d == "<u1" || d == ">u1" || d == "=u1" || d == "u1" || d == "uint8") {
      h.type = dtype::uint8;
    } else {
      fail("unsupported dtype '" + d + "' (float64 '<f8' and uint8 '|u1' are supported)");
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

inline std::uint32_t le(const unsigned char* p, std::size_t n) noexcept {
  std::uint32_t v = 0;
  for (std::size_t i = n; i-- > 0;) v = v << 8 | p[i];
  return v;
}
} // namespace detail

/// Parses and checks the header of a whole .npy file held in `bytes`.
inline header parse_header(std::span<const unsigned char> bytes) {
  static constexpr unsigned char magic[6] = {0x93, 'N', 'U', 'M', 'P', 'Y'};
  if (bytes.size() < 10 || std::memcmp(bytes.data(), magic, 6) != 0)
    detail::fail("not a .npy file (bad magic or shorter than 10 bytes; " + std::to_string(bytes.size()) + " bytes)");
  header h;
  h.major = bytes[6];
  h.minor = bytes[7];
  if (h.major < 1 || h.major > 3 || h.minor != 0)
    detail::fail("unsupported format version " + std::to_string(h.major) + "." + std::to_string(h.minor));
  const std::size_t len_bytes = h.major == 1 ? 2 : 4;
  if (bytes.size() < 8 + len_bytes) detail::fail("file truncated inside the header length");
  const std::size_t len = detail::le(bytes.data() + 8, len_bytes);
  if (len > max_header_bytes) detail::fail("header length " + std::to_string(len) + " is absurd (over 1 MiB)");
  h.data_offset = 8 + len_bytes + len;
  if (h.data_offset > bytes.size())
    detail::fail("header length " + std::to_string(len) + " runs past the end of the file (" +
                 std::to_string(bytes.size()) + " bytes)");
  const std::string_view text(reinterpret_cast<const char*>(bytes.data()) + 8 + len_bytes, len);
  detail::dict_parser(text).parse(h);
  std::size_t count = 1;
  for (std::size_t d : h.shape) {
    if (d != 0 && count > std::numeric_limits<std::size_t>::max() / d) detail::fail("shape size overflows");
    count *= d;
  }
  const std::size_t item = detail::item_size(h.type);
  if (count > std::numeric_limits<std::size_t>::max() / item) detail::fail("shape byte size overflows");
  const std::size_t need = count * item, have = bytes.size() - h.data_offset;
  if (have < need)
    detail::fail("data truncated: the shape needs " + std::to_string(need) + " bytes, the file has " + std::to_string(have));
  if (have > need)
    detail::fail("file has " + std::to_string(have - need) + " bytes beyond the data the shape describes");
  h.count = count;
  return h;
}

/// The array in `bytes` (a whole .npy file); its dtype must be T's.
template <class T>
array<T> parse(std::span<const unsigned char> bytes) {
  const header h = parse_header(bytes);
  if (h.type != detail::dtype_of<T>())
    detail::fail(std::string("file holds ") + to_string(h.type) + ", asked for " + to_string(detail::dtype_of<T>()));
  array<T> out;
  out.shape = h.shape;
  out.data.resize(h.count);
  if (h.count) std::memcpy(out.data.data(), bytes.data() + h.data_offset, h.count * sizeof(T));
  if constexpr (sizeof(T) > 1) {
    if (h.big_endian != (std::endian::native == std::endian::big))
      for (auto& v : out.data) {
        std::uint64_t u;
        std::memcpy(&u, &v, 8);
        u = __builtin_bswap64(u);
        std::memcpy(&v, &u, 8);
      }
  }
  return out;
}

inline any_array parse_any(std::span<const unsigned char> bytes) {
  const header h = parse_header(bytes);
  if (h.type == dtype::float64) return parse<double>(bytes);
  return parse<std::uint8_t>(bytes);
}

inline std::vector<unsigned char> read_bytes(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("npy: cannot open '" + path + "'");
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}

template <class T>
array<T> read(const std::string& path) {
  const auto bytes = read_bytes(path);
  try {
    return parse<T>(bytes);
  } catch (const format_error& e) {
    throw format_error(std::string(e.what()) + " in '" + path + "'");
  }
}

inline any_array read_any(const std::string& path) {
  const auto bytes = read_bytes(path);
  try {
    return parse_any(bytes);
  } catch (const format_error& e) {
    throw format_error(std::string(e.what()) + " in '" + path + "'");
  }
}

/// The bytes of a .npy file (version 1.0, or 2.0 for a huge header) for `data` of `shape`.
template <class T>
std::vector<unsigned char> serialize(std::span<const std::size_t> shape, std::span<const T> data) {
  constexpr dtype t = detail::dtype_of<T>();
  std::size_t count = 1;
  for (auto d : shape) {
    if (d != 0 && count > std::numeric_limits<std::size_t>::max() / d) throw std::invalid_argument("npy::write: shape size overflows");
    count *= d;
  }
  if (count != data.size())
    throw std::invalid_argument("npy::write: shape holds " + std::to_string(count) + " elements, data has " +
                                std::to_string(data.size()));
  std::string dict = std::string("{'descr': '") + (t == dtype::float64 ? "<f8" : "|u1") +
                     "', 'fortran_order': False, 'shape': (";
  for (std::size_t i = 0; i < shape.size(); ++i) dict += (i ? ", " : "") + std::to_string(shape[i]);
  dict += shape.size() == 1 ? ",), }" : "), }";
  const bool v2 = dict.size() + 1 + 10 > 65535;
  const std::size_t prefix = v2 ? 12 : 10;
  const std::size_t total = (prefix + dict.size() + 1 + 63) / 64 * 64;
  dict.append(total - prefix - dict.size() - 1, ' ');
  dict += '\n';
  std::vector<unsigned char> out = {0x93, 'N', 'U', 'M', 'P', 'Y', static_cast<unsigned char>(v2 ? 2 : 1), 0};
  const std::size_t len = dict.size();
  for (std::size_t i = 0; i < (v2 ? 4u : 2u); ++i) out.push_back(static_cast<unsigned char>(len >> (8 * i)));
  out.insert(out.end(), dict.begin(), dict.end());
  const std::size_t off = out.size();
  out.resize(off + count * sizeof(T));
  if (count) std::memcpy(out.data() + off, data.data(), count * sizeof(T));
  static_assert(std::endian::native == std::endian::little || sizeof(T) == 1,
                "npy::serialize writes little-endian float64; add a byte swap for this platform");
  return out;
}

template <class T>
void write(const std::string& path, std::span<const std::size_t> shape, std::span<const T> data) {
  const auto bytes = serialize<T>(shape, data);
  std::ofstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("npy: cannot create '" + path + "'");
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("npy: writing '" + path + "' failed");
}
template <class T>
void write(const std::string& path, std::initializer_list<std::size_t> shape, std::span<const T> data) {
  const std::vector<std::size_t> s(shape);
  write<T>(path, std::span<const std::size_t>(s), data);
}

} // namespace sutro::io::npy
