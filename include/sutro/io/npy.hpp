#pragma once
// Reading and writing numpy's .npy files (format versions 1.0, 2.0 and 3.0)
// of the common dtypes: float32 '<f4', float64 '<f8', int8 '|i1', int16
// '<i2', int32 '<i4', int64 '<i8', uint8 '|u1', uint16 '<u2', uint32 '<u4',
// uint64 '<u8' and bool '|b1' (either byte order and either C or Fortran
// order on reading, always C order in memory and on writing), so the
// arrays of a Python experiment can be loaded exactly and ours exported; and
// bit-packed GF(2) rows in numpy.packbits order (a uint8 array).
//
//   sutro::io::npy::write("X.npy", {500, 20}, std::span<const double>(x));
//   auto X = sutro::io::npy::read<double>("X.npy");   // X.shape == {500, 20}, X.data
//   auto y = sutro::io::npy::read_any("y.npy");       // std::variant over the eleven element types
//   auto b = sutro::io::npy::read_bits("A.npy", 20);  // np.save("A.npy", np.packbits(A, axis=1)), A 0/1 of 20 columns
//   b.row(3)[0] & 1;                                  // A[3, 0]: column j is bit j % 64 of word j / 64
//
// bool arrays are array<bool> (std::vector<bool> storage); a bool byte other
// than 0 or 1 is refused.
//
// np.save writes a Fortran-contiguous array (a transpose, np.asfortranarray)
// with 'fortran_order': True and its elements in column-major order; reading
// puts them in C order, so X.data[i * cols + j] is X[i, j] either way.
//
// The reader trusts nothing: bad magic, unknown version, a header longer than
// the file or than 1 MiB, a malformed header dict, an unsupported dtype, a
// shape whose size overflows, and data shorter or longer than the shape all
// throw io::npy::format_error (a std::invalid_argument) naming the problem.
// It never reads outside the given bytes.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
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

// New types go at the end: a dtype's value and its any_array index stay put.
enum class dtype { float64, uint8, float32, int32, int64, bool_, int8, int16, uint16, uint32, uint64 };

[[nodiscard]] inline const char* to_string(dtype t) noexcept {
  switch (t) {
    case dtype::float64:
      return "float64";
    case dtype::uint8:
      return "uint8";
    case dtype::float32:
      return "float32";
    case dtype::int32:
      return "int32";
    case dtype::int64:
      return "int64";
    case dtype::bool_:
      return "bool";
    case dtype::int8:
      return "int8";
    case dtype::int16:
      return "int16";
    case dtype::uint16:
      return "uint16";
    case dtype::uint32:
      return "uint32";
    case dtype::uint64:
      return "uint64";
  }
  return "?";
}

template <class T>
struct array {
  std::vector<std::size_t> shape;
  std::vector<T> data;  ///< C order
  [[nodiscard]] std::size_t size() const noexcept { return data.size(); }
};

/// Alternative i holds dtype i (the enum's order).
using any_array = std::variant<array<double>, array<std::uint8_t>, array<float>, array<std::int32_t>,
                               array<std::int64_t>, array<bool>, array<std::int8_t>, array<std::int16_t>,
                               array<std::uint16_t>, array<std::uint32_t>, array<std::uint64_t>>;

/// Rows of GF(2) bits in sutro::gf2's layout: row i is words_per_row() words,
/// column j bit j % 64 of word j / 64, bits beyond cols zero.
struct bit_rows {
  std::size_t rows = 0, cols = 0;
  std::vector<std::uint64_t> words;
  [[nodiscard]] std::size_t words_per_row() const noexcept { return cols / 64 + (cols % 64 != 0); }
  [[nodiscard]] const std::uint64_t* row(std::size_t i) const noexcept { return words.data() + i * words_per_row(); }
  [[nodiscard]] bool get(std::size_t i, std::size_t j) const noexcept { return (row(i)[j / 64] >> (j % 64)) & 1u; }
};

/// numpy.packbits' bitorder: big puts column 8b of a row in the most significant bit of byte b (the default).
enum class bit_order { big, little };

struct header {
  int major = 1, minor = 0;
  dtype type = dtype::float64;
  bool big_endian = false;
  bool fortran_order = false;  ///< the file's elements are in column-major order
  std::vector<std::size_t> shape;
  std::size_t data_offset = 0;  ///< bytes before the data
  std::size_t count = 0;        ///< product of shape
};

inline constexpr std::size_t max_header_bytes = std::size_t{1} << 20;
inline constexpr std::size_t max_dims = 64;
/// numpy's largest dimension (npy_intp).
inline constexpr std::size_t max_dim = static_cast<std::size_t>(std::numeric_limits<std::int64_t>::max());

namespace detail {
template <class T>
[[nodiscard]] constexpr dtype dtype_of() {
  static_assert(std::is_same_v<T, double> || std::is_same_v<T, float> || std::is_same_v<T, std::int8_t> ||
                    std::is_same_v<T, std::int16_t> || std::is_same_v<T, std::int32_t> ||
                    std::is_same_v<T, std::int64_t> || std::is_same_v<T, std::uint8_t> ||
                    std::is_same_v<T, std::uint16_t> || std::is_same_v<T, std::uint32_t> ||
                    std::is_same_v<T, std::uint64_t> || std::is_same_v<T, bool>,
                "npy: element types are double, float, std::int8_t, std::int16_t, std::int32_t, std::int64_t, "
                "std::uint8_t, std::uint16_t, std::uint32_t, std::uint64_t and bool");
  if constexpr (std::is_same_v<T, double>)
    return dtype::float64;
  else if constexpr (std::is_same_v<T, float>)
    return dtype::float32;
  else if constexpr (std::is_same_v<T, std::int32_t>)
    return dtype::int32;
  else if constexpr (std::is_same_v<T, std::int64_t>)
    return dtype::int64;
  else if constexpr (std::is_same_v<T, bool>)
    return dtype::bool_;
  else if constexpr (std::is_same_v<T, std::int8_t>)
    return dtype::int8;
  else if constexpr (std::is_same_v<T, std::int16_t>)
    return dtype::int16;
  else if constexpr (std::is_same_v<T, std::uint16_t>)
    return dtype::uint16;
  else if constexpr (std::is_same_v<T, std::uint32_t>)
    return dtype::uint32;
  else if constexpr (std::is_same_v<T, std::uint64_t>)
    return dtype::uint64;
  else
    return dtype::uint8;
}
template <class... T>
consteval bool alternative_i_is_dtype_i(const std::variant<array<T>...>*) {
  return (std::is_same_v<std::variant_alternative_t<static_cast<std::size_t>(dtype_of<T>()), any_array>, array<T>> &&
          ...);
}
// any_array::index() may be read as a dtype (the docs say so): the two orders must agree.
static_assert(alternative_i_is_dtype_i(static_cast<const any_array*>(nullptr)));
[[nodiscard]] inline std::size_t item_size(dtype t) noexcept {
  switch (t) {
    case dtype::float64:
    case dtype::int64:
    case dtype::uint64:
      return 8;
    case dtype::float32:
    case dtype::int32:
    case dtype::uint32:
      return 4;
    case dtype::int16:
    case dtype::uint16:
      return 2;
    case dtype::uint8:
    case dtype::int8:
    case dtype::bool_:
      return 1;
  }
  return 1;
}
/// The descr numpy writes for t on a little-endian machine.
[[nodiscard]] inline const char* descr_of(dtype t) noexcept {
  switch (t) {
    case dtype::float64:
      return "<f8";
    case dtype::float32:
      return "<f4";
    case dtype::int32:
      return "<i4";
    case dtype::int64:
      return "<i8";
    case dtype::uint8:
      return "|u1";
    case dtype::bool_:
      return "|b1";
    case dtype::int8:
      return "|i1";
    case dtype::int16:
      return "<i2";
    case dtype::uint16:
      return "<u2";
    case dtype::uint32:
      return "<u4";
    case dtype::uint64:
      return "<u8";
  }
  return "?";
}

[[noreturn]] inline void fail(const std::string& what) { throw format_error("sutro::io::npy::parse: " + what); }

/// Header text quoted in a message, bytes outside printable ASCII written
/// \xHH: a corrupt header must not make the message itself invalid text
/// (Python cannot decode such a message, and raises UnicodeDecodeError instead).
[[nodiscard]] inline std::string quoted_text(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "'";
  for (const char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7f && b != '\\') {
      out += c;
    } else {
      out += "\\x";
      out += hex[b >> 4];
      out += hex[b & 15];
    }
  }
  return out + "'";
}

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
          h.fortran_order = false;
        } else if (consume_word("True")) {
          h.fortran_order = true;
        } else {
          fail("'fortran_order' must be True or False");
        }
      } else if (key == "shape") {
        if (have_shape) fail("header repeats 'shape'");
        have_shape = true;
        h.shape = tuple();
      } else {
        fail("unexpected header key " + quoted_text(key));
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
      if (c != ' ' && c != '\n' && c != '\t' && c != '\r')  // numpy's eval refuses NUL too
        fail("trailing characters after the header dict");
    }
    if (!have_descr || !have_order || !have_shape) fail("header lacks one of 'descr', 'fortran_order', 'shape'");
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
  // A Python tuple literal, as numpy's literal_eval reads it: (3) is the
  // int 3, not a shape, and 03 is not a Python 3 integer.
  std::vector<std::size_t> tuple() {
    expect('(');
    std::vector<std::size_t> dims;
    bool comma = false;
    for (;;) {
      skip_ws();
      if (peek() == ')') break;
      if (peek() < '0' || peek() > '9') fail("shape entries must be non-negative integers");
      const std::size_t start = pos_;
      std::size_t v = 0;
      while (peek() >= '0' && peek() <= '9') {
        const auto digit = static_cast<std::size_t>(peek() - '0');
        if (v > (std::numeric_limits<std::size_t>::max() - digit) / 10) fail("shape entry overflows");
        v = v * 10 + digit;
        ++pos_;
      }
      if (s_[start] == '0' && v != 0)
        fail("shape entry " + std::string(s_.substr(start, pos_ - start)) +
             " has a leading zero (not a Python integer)");
      skip_ws();
      if (peek() == 'L') ++pos_;  // Python 2 long suffix
      if (v > max_dim) fail("shape entry " + std::to_string(v) + " exceeds numpy's maximum 2^63 - 1");
      dims.push_back(v);
      if (dims.size() > max_dims) fail("more than " + std::to_string(max_dims) + " dimensions");
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        comma = true;
        continue;
      }
      if (peek() != ')') fail("expected ',' or ')' in the shape");
    }
    ++pos_;
    if (dims.size() == 1 && !comma)
      fail("shape (" + std::to_string(dims[0]) + ") is not a tuple; write (" + std::to_string(dims[0]) + ",)");
    return dims;
  }
  static void set_dtype(header& h, const std::string& d) {
    // A byte-order mark ('<', '>', '=', '|') then a type code, or a bare code or name.
    std::string_view code = d;
    char order = '=';
    if (!code.empty() && (code[0] == '<' || code[0] == '>' || code[0] == '=' || code[0] == '|')) {
      order = code[0];
      code.remove_prefix(1);
    }
    struct known {
      std::string_view code, name;
      dtype type;
    };
    static constexpr known table[] = {
        {"f8", "float64", dtype::float64}, {"f4", "float32", dtype::float32}, {"i1", "int8", dtype::int8},
        {"i2", "int16", dtype::int16},     {"i4", "int32", dtype::int32},     {"i8", "int64", dtype::int64},
        {"u1", "uint8", dtype::uint8},     {"u2", "uint16", dtype::uint16},   {"u4", "uint32", dtype::uint32},
        {"u8", "uint64", dtype::uint64},   {"b1", "bool", dtype::bool_}};
    for (const auto& k : table) {
      if (code != k.code && !(order == '=' && d == k.name)) continue;
      if (order == '|' && item_size(k.type) > 1) break;  // '|' means "not applicable": only for bytes
      h.type = k.type;
      h.big_endian = order == '>' && item_size(k.type) > 1;
      return;
    }
    fail("unsupported dtype " + quoted_text(d) + " (f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 and b1 are supported)");
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

inline std::uint32_t le(const unsigned char* p, std::size_t n) noexcept {
  std::uint32_t v = 0;
  for (std::size_t i = n; i-- > 0;) v = v << 8 | p[i];
  return v;
}
}  // namespace detail

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
    detail::fail("data truncated: the shape needs " + std::to_string(need) + " bytes, the file has " +
                 std::to_string(have));
  if (have > need)
    detail::fail("file has " + std::to_string(have - need) + " bytes beyond the data the shape describes");
  h.count = count;
  return h;
}

namespace detail {
/// For each element in C order, its index in the column-major order of
/// `shape`, passed to `visit(c_index, f_index)` (an odometer over the C
/// index whose last digit moves fastest, carrying the Fortran offset along).
template <class Visit>
void for_each_fortran_index(const std::vector<std::size_t>& shape, std::size_t count, Visit&& visit) {
  if (count == 0) return;
  const std::size_t dims = shape.size();
  std::vector<std::size_t> stride(dims), digit(dims, 0);
  std::size_t s = 1;
  for (std::size_t d = 0; d < dims; ++d) {
    stride[d] = s;
    s *= shape[d];
  }
  std::size_t f = 0;
  for (std::size_t c = 0; c < count; ++c) {
    visit(c, f);
    for (std::size_t d = dims; d-- > 0;) {
      if (++digit[d] < shape[d]) {
        f += stride[d];
        break;
      }
      f -= (shape[d] - 1) * stride[d];
      digit[d] = 0;
    }
  }
}

/// Whether the file's element order differs from C order (Fortran order
/// with two or more dimensions longer than 1).
[[nodiscard]] inline bool needs_reorder(const header& h) noexcept {
  if (!h.fortran_order) return false;
  std::size_t longer = 0;
  for (std::size_t d : h.shape) longer += d > 1 ? 1 : 0;
  return longer > 1;
}
}  // namespace detail

/// The array in `bytes` (a whole .npy file) in C order; its dtype must be T's.
template <class T>
array<T> parse(std::span<const unsigned char> bytes) {
  const header h = parse_header(bytes);
  if (h.type != detail::dtype_of<T>())
    detail::fail(std::string("file holds ") + to_string(h.type) + ", asked for " + to_string(detail::dtype_of<T>()));
  array<T> out;
  out.shape = h.shape;
  const unsigned char* p = bytes.data() + h.data_offset;
  const bool reorder = detail::needs_reorder(h);
  if constexpr (std::is_same_v<T, bool>) {
    out.data.resize(h.count);
    const auto flag = [&](std::size_t f) {  // f: the element's position in the file
      if (p[f] > 1)
        detail::fail("bool element " + std::to_string(f) + (reorder ? " (in the file's column-major order)" : "") +
                     " is byte " + std::to_string(p[f]) + ", expected 0 or 1");
      return p[f] != 0;
    };
    if (reorder)
      detail::for_each_fortran_index(h.shape, h.count, [&](std::size_t c, std::size_t f) { out.data[c] = flag(f); });
    else
      for (std::size_t i = 0; i < h.count; ++i) out.data[i] = flag(i);
  } else {
    out.data.resize(h.count);
    if (reorder)
      detail::for_each_fortran_index(h.shape, h.count, [&](std::size_t c, std::size_t f) {
        std::memcpy(out.data.data() + c, p + f * sizeof(T), sizeof(T));
      });
    else if (h.count)
      std::memcpy(out.data.data(), p, h.count * sizeof(T));
    if constexpr (sizeof(T) > 1) {
      if (h.big_endian != (std::endian::native == std::endian::big))
        for (auto& v : out.data) {
          unsigned char b[sizeof(T)];
          std::memcpy(b, &v, sizeof(T));
          for (std::size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(b[i], b[sizeof(T) - 1 - i]);
          std::memcpy(&v, b, sizeof(T));
        }
    }
  }
  return out;
}

inline any_array parse_any(std::span<const unsigned char> bytes) {
  switch (parse_header(bytes).type) {
    case dtype::float64:
      return parse<double>(bytes);
    case dtype::float32:
      return parse<float>(bytes);
    case dtype::int32:
      return parse<std::int32_t>(bytes);
    case dtype::int64:
      return parse<std::int64_t>(bytes);
    case dtype::bool_:
      return parse<bool>(bytes);
    case dtype::int8:
      return parse<std::int8_t>(bytes);
    case dtype::int16:
      return parse<std::int16_t>(bytes);
    case dtype::uint16:
      return parse<std::uint16_t>(bytes);
    case dtype::uint32:
      return parse<std::uint32_t>(bytes);
    case dtype::uint64:
      return parse<std::uint64_t>(bytes);
    case dtype::uint8:
      break;
  }
  return parse<std::uint8_t>(bytes);
}

namespace detail {
inline unsigned reverse_byte(unsigned v) noexcept {
  v = ((v & 0xF0u) >> 4) | ((v & 0x0Fu) << 4);
  v = ((v & 0xCCu) >> 2) | ((v & 0x33u) << 2);
  return ((v & 0xAAu) >> 1) | ((v & 0x55u) << 1);
}
}  // namespace detail

/// One row of `cols` GF(2) columns from its ceil(cols / 8) packbits bytes into
/// ceil(cols / 64) words (gf2 layout, overwritten). False when a padding bit
/// (a column at or beyond cols) is set; the words then hold only the columns below cols.
inline bool unpack_row(const unsigned char* bytes, std::size_t cols, std::uint64_t* words, bit_order order) noexcept {
  const std::size_t row_bytes = (cols + 7) / 8;
  for (std::size_t w = 0; w < (cols + 63) / 64; ++w) words[w] = 0;
  const unsigned pad = static_cast<unsigned>(row_bytes * 8 - cols);
  bool clean = true;
  for (std::size_t b = 0; b < row_bytes; ++b) {
    unsigned v = bytes[b];
    if (order == bit_order::big) v = detail::reverse_byte(v);  // column 8b + t sits at bit 7 - t
    if (b + 1 == row_bytes && pad && (v >> (8 - pad)) != 0) {
      clean = false;
      v &= 0xFFu >> pad;
    }
    words[b / 8] |= std::uint64_t{v} << (8 * (b % 8));
  }
  return clean;
}

/// The ceil(cols / 8) packbits bytes of a row of `cols` columns held in gf2
/// layout (bits beyond cols in the words are ignored).
inline void pack_row(const std::uint64_t* words, std::size_t cols, unsigned char* bytes, bit_order order) noexcept {
  const std::size_t row_bytes = (cols + 7) / 8;
  const unsigned pad = static_cast<unsigned>(row_bytes * 8 - cols);
  for (std::size_t b = 0; b < row_bytes; ++b) {
    unsigned v = static_cast<unsigned>(words[b / 8] >> (8 * (b % 8))) & 0xFFu;
    if (b + 1 == row_bytes && pad) v &= 0xFFu >> pad;
    bytes[b] = static_cast<unsigned char>(order == bit_order::big ? detail::reverse_byte(v) : v);
  }
}

/// GF(2) rows of `cols` columns from a uint8 array of shape (rows, ceil(cols / 8))
/// as numpy.packbits(A, axis=1, bitorder=order) writes it (1-D: one row). The
/// padding bits of each row's last byte must be zero.
inline bit_rows parse_bits(std::span<const unsigned char> bytes, std::size_t cols, bit_order order = bit_order::big) {
  const header h = parse_header(bytes);
  if (h.type != dtype::uint8)
    detail::fail(std::string("packed bits must be a uint8 array, the file holds ") + to_string(h.type));
  if (h.shape.empty() || h.shape.size() > 2)
    detail::fail("packed bits must be a 1-D or 2-D array, the file has " + std::to_string(h.shape.size()) +
                 " dimensions");
  const std::size_t row_bytes = cols / 8 + (cols % 8 != 0), last = h.shape.back();  // (cols + 7) / 8 wraps
  if (last != row_bytes)
    detail::fail("packed rows of " + std::to_string(cols) + " columns take " + std::to_string(row_bytes) +
                 " bytes, the file's rows have " + std::to_string(last));
  bit_rows out;
  out.rows = h.shape.size() == 2 ? h.shape[0] : 1;
  out.cols = cols;
  const bool reorder = detail::needs_reorder(h);  // byte b of row i at b * rows + i
  const std::size_t wpr = out.words_per_row();
  if (out.rows && wpr > std::numeric_limits<std::size_t>::max() / out.rows) detail::fail("packed bits: too many words");
  out.words.assign(out.rows * wpr, 0);
  const unsigned char* p = bytes.data() + h.data_offset;
  // Rows of no columns hold no bytes, so a header may claim any number of
  // them (numpy writes shape (2**60, 0) in a few bytes): nothing to unpack.
  if (row_bytes == 0) return out;
  std::vector<unsigned char> row(reorder ? row_bytes : 0);
  for (std::size_t i = 0; i < out.rows; ++i) {
    const unsigned char* bytes_of_row = p + i * row_bytes;
    if (reorder) {
      for (std::size_t b = 0; b < row_bytes; ++b) row[b] = p[b * out.rows + i];
      bytes_of_row = row.data();
    }
    if (!unpack_row(bytes_of_row, cols, out.words.data() + i * wpr, order))
      detail::fail("packed row " + std::to_string(i) + " has bits set beyond column " + std::to_string(cols));
  }
  return out;
}

inline std::vector<unsigned char> read_bytes(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw std::runtime_error("sutro::io::npy::read: '" + path + "' is a directory, not a file");
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("sutro::io::npy::read: cannot open '" + path + "'");
  try {
    return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
  } catch (const std::ios_base::failure& e) {  // a read error the stream reports by throwing
    throw std::runtime_error("sutro::io::npy::read: reading '" + path + "' failed: " + e.what());
  }
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

inline bit_rows read_bits(const std::string& path, std::size_t cols, bit_order order = bit_order::big) {
  const auto bytes = read_bytes(path);
  try {
    return parse_bits(bytes, cols, order);
  } catch (const format_error& e) {
    throw format_error(std::string(e.what()) + " in '" + path + "'");
  }
}

namespace detail {
/// The header of a version 1.0 file (2.0 for a huge header), data 64-byte aligned; checks count.
inline std::vector<unsigned char> header_bytes(dtype t, std::span<const std::size_t> shape, std::size_t count) {
  // The limits parse() and numpy apply, so that every file written reads back.
  if (shape.size() > max_dims)
    throw std::invalid_argument("sutro::io::npy::write: " + std::to_string(shape.size()) +
                                " dimensions (numpy and the reader take at most " + std::to_string(max_dims) + ")");
  std::size_t want = 1;
  for (auto d : shape) {
    if (d > max_dim)
      throw std::invalid_argument("sutro::io::npy::write: dimension " + std::to_string(d) +
                                  " exceeds numpy's maximum 2^63 - 1");
    if (d != 0 && want > std::numeric_limits<std::size_t>::max() / d)
      throw std::invalid_argument("sutro::io::npy::write: shape size overflows");
    want *= d;
  }
  if (want != count)
    throw std::invalid_argument("sutro::io::npy::write: shape holds " + std::to_string(want) + " elements, data has " +
                                std::to_string(count));
  std::string dict = std::string("{'descr': '") + descr_of(t) + "', 'fortran_order': False, 'shape': (";
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
  return out;
}
}  // namespace detail

/// The bytes of a .npy file (version 1.0, or 2.0 for a huge header) for `data` of `shape`.
template <class T>
std::vector<unsigned char> serialize(std::span<const std::size_t> shape, std::span<const T> data) {
  constexpr dtype t = detail::dtype_of<T>();
  std::vector<unsigned char> out = detail::header_bytes(t, shape, data.size());
  const std::size_t off = out.size();
  out.resize(off + data.size() * sizeof(T));
  if constexpr (std::is_same_v<T, bool>) {
    for (std::size_t i = 0; i < data.size(); ++i) out[off + i] = data[i] ? 1 : 0;
  } else if (!data.empty()) {
    std::memcpy(out.data() + off, data.data(), data.size() * sizeof(T));
  }
  static_assert(std::endian::native == std::endian::little || sizeof(T) == 1,
                "npy::serialize writes little-endian data; add a byte swap for this platform");
  return out;
}
/// std::vector<bool> has no contiguous bools to span: this overload writes it.
inline std::vector<unsigned char> serialize(std::span<const std::size_t> shape, const std::vector<bool>& data) {
  std::vector<unsigned char> out = detail::header_bytes(dtype::bool_, shape, data.size());
  for (bool b : data) out.push_back(b ? 1 : 0);
  return out;
}

/// A uint8 .npy of shape (rows, ceil(cols / 8)) holding GF(2) rows as
/// numpy.packbits(A, axis=1, bitorder=order) would: `words` holds rows rows of
/// `stride` words (at least ceil(cols / 64)) in sutro::gf2's layout.
inline std::vector<unsigned char> serialize_bits(std::size_t rows, std::size_t cols,
                                                 std::span<const std::uint64_t> words, std::size_t stride,
                                                 bit_order order = bit_order::big) {
  const std::size_t wpr = cols / 64 + (cols % 64 != 0), row_bytes = cols / 8 + (cols % 8 != 0);
  if (stride < wpr)
    throw std::invalid_argument("sutro::io::npy::serialize_bits: stride " + std::to_string(stride) + " words for " +
                                std::to_string(cols) + " columns (need " + std::to_string(wpr) + ")");
  // (rows - 1) stride + wpr <= size, without the product wrapping.
  if (rows && (words.size() < wpr || (stride && rows - 1 > (words.size() - wpr) / stride)))
    throw std::invalid_argument("sutro::io::npy::serialize_bits: " + std::to_string(words.size()) + " words for " +
                                std::to_string(rows) + " rows of stride " + std::to_string(stride));
  const std::size_t shape[2] = {rows, row_bytes};
  std::vector<unsigned char> out = detail::header_bytes(dtype::uint8, shape, rows * row_bytes);
  const std::size_t off = out.size();
  out.resize(off + rows * row_bytes);
  if (row_bytes == 0) return out;  // rows of no columns: nothing to pack, however many rows
  for (std::size_t i = 0; i < rows; ++i)
    pack_row(words.data() + i * stride, cols, out.data() + off + i * row_bytes, order);
  return out;
}

inline void write_bytes(const std::string& path, const std::vector<unsigned char>& bytes) {
  std::ofstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("sutro::io::npy::write: cannot create '" + path + "'");
  f.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("sutro::io::npy::write: writing '" + path + "' failed");
}

template <class T>
void write(const std::string& path, std::span<const std::size_t> shape, std::span<const T> data) {
  write_bytes(path, serialize<T>(shape, data));
}
template <class T>
void write(const std::string& path, std::initializer_list<std::size_t> shape, std::span<const T> data) {
  const std::vector<std::size_t> s(shape);
  write<T>(path, std::span<const std::size_t>(s), data);
}
/// np.load(path) gives numpy.packbits(A, axis=1, bitorder=order) of the rows (see serialize_bits).
inline void write_bits(const std::string& path, std::size_t rows, std::size_t cols,
                       std::span<const std::uint64_t> words, std::size_t stride, bit_order order = bit_order::big) {
  write_bytes(path, serialize_bits(rows, cols, words, stride, order));
}

}  // namespace sutro::io::npy
