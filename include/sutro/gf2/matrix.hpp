#pragma once
// sutro::gf2::matrix: a dense bit matrix over GF(2), and windows into one.
//
//   using M = sutro::gf2::matrix<>;                    // default backend and allocator
//   M a = M::from_rows({"0110", "1011", "0001"});
//   M b = M::random(4, 130, /*seed=*/7);
//   M c = a * b;                                       // sutro/gf2/multiply.hpp
//   a.set(0, 0, true); a.flip(2, 3); bool x = a(1, 2);
//   auto top = b.window(sutro::gf2::row_range{0, 2},   // rows [0,2), columns [0,64), no copy
//                       sutro::gf2::col_range{0, 64});
//   std::cout << a;                                    // one line of 0/1 per row
//
// Layout (others rely on it): row-major, 64 bits per std::uint64_t word, column
// j of a row is bit (j % 64) of word (j / 64). Each row occupies stride() words,
// a multiple of 8 (64 bytes, one AVX-512 register), and with the default
// allocator every row starts 64-byte aligned. INVARIANT: every bit beyond cols()
// in a row, up to the end of its stride, is zero. Every operation keeps it, and
// code writing through row_words() must keep it too (kernels XOR whole words).
//
// Windows (matrix_view / const_matrix_view) select a row range and a column
// range [c0, c1) with c0 a multiple of 64 and c1 a multiple of 64 or the
// parent's cols(): so the bits beyond a window's cols() in its last word are
// zero too, and words past ceil(cols()/64) belong to other columns (kernels on
// windows touch only the first words_used() words of each row).

#include <algorithm>
#include <bit>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <initializer_list>
#include <limits>
#include <ostream>
#include <random>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sutro/backend/traits.hpp"
#include "sutro/memory/accounting_allocator.hpp"
#include "sutro/memory/aligned_allocator.hpp"

namespace sutro::gf2 {

using word = std::uint64_t;
inline constexpr std::size_t word_bits = 64;
/// Rows are padded to a multiple of this many words (64 bytes).
inline constexpr std::size_t row_alignment_words = 8;

namespace detail {
// Written so that no size_t, however large, wraps (bits + 63 would).
inline constexpr std::size_t words_for(std::size_t bits) noexcept { return bits / 64 + (bits % 64 != 0); }
/// The most words (and rows) one matrix or vector may hold: 2^44 words is
/// 128 TiB, x86-64's whole user address space, so a larger request can only
/// fail; refusing it names the shape (an allocator's bad_alloc would not),
/// and a matrix of 2^64 rows of no words never gets loops over its rows.
inline constexpr std::size_t max_words = std::size_t{1} << 44;
inline constexpr std::size_t padded_words(std::size_t bits) noexcept {
  return (words_for(bits) + row_alignment_words - 1) / row_alignment_words * row_alignment_words;
}
/// Mask of the valid bits of the last word of a row of `bits` columns.
inline constexpr word tail_mask(std::size_t bits) noexcept {
  return bits % 64 == 0 ? ~word{0} : (word{1} << (bits % 64)) - 1;
}
inline std::string shape(std::size_t r, std::size_t c) { return std::to_string(r) + "x" + std::to_string(c); }

/// The raw window every kernel works on.
template <class Word>
struct block {
  Word* data = nullptr;
  std::size_t rows = 0, cols = 0, stride = 0;
  Word* row(std::size_t i) const noexcept { return data + i * stride; }
  std::size_t words() const noexcept { return words_for(cols); }
  // A template, so that block<const word> gets no conversion to its own type
  // (nvcc warns about such an operator, #554).
  template <class W = Word, std::enable_if_t<!std::is_const_v<W>, int> = 0>
  operator block<const word>() const noexcept {
    return {data, rows, cols, stride};
  }
};
using mblock = block<word>;
using cblock = block<const word>;

[[nodiscard]] inline bool bit_of(cblock b, std::size_t i, std::size_t j) noexcept {
  return (b.row(i)[j / 64] >> (j % 64)) & 1u;
}
[[nodiscard]] inline std::vector<std::uint8_t> to_bytes(cblock b) {
  std::vector<std::uint8_t> out(b.rows * b.cols);
  for (std::size_t i = 0; i < b.rows; ++i)
    for (std::size_t j = 0; j < b.cols; ++j) out[i * b.cols + j] = bit_of(b, i, j) ? 1 : 0;
  return out;
}
[[nodiscard]] inline std::string to_string(cblock b) {
  std::string s;
  s.reserve(b.rows * (b.cols + 1));
  for (std::size_t i = 0; i < b.rows; ++i) {
    for (std::size_t j = 0; j < b.cols; ++j) s += bit_of(b, i, j) ? '1' : '0';
    s += '\n';
  }
  return s;
}

/// Where kernel scratch (tables, packing buffers, index lists, Strassen
/// temporaries) is counted: the counter of the output's accounting allocator
/// while an operation on such a matrix runs (see scratch_scope), else
/// memory::default_stats(). Per thread; kernels pass it on to the members of
/// the thread team they run on.
inline memory::stats*& scratch_stats_slot() noexcept {
  thread_local memory::stats* current = nullptr;
  return current;
}
[[nodiscard]] inline memory::stats& scratch_stats() noexcept {
  memory::stats* s = scratch_stats_slot();
  return s != nullptr ? *s : memory::default_stats();
}

/// The allocator of kernel scratch: 64-byte aligned, counted into the
/// scratch_stats() of the thread that created it (and freed into the same).
template <class T>
class scratch_allocator : public memory::accounting_allocator<T, memory::aligned_allocator<T, simd_alignment>> {
  using base = memory::accounting_allocator<T, memory::aligned_allocator<T, simd_alignment>>;

 public:
  template <class U>
  struct rebind {
    using other = scratch_allocator<U>;
  };
  scratch_allocator() noexcept : base(scratch_stats()) {}
  explicit scratch_allocator(memory::stats& counter) noexcept : base(counter) {}
  template <class U>
  scratch_allocator(const scratch_allocator<U>& other) noexcept : base(other.counter()) {}
};

template <class T>
using scratch_vector = std::vector<T, scratch_allocator<T>>;

/// Makes scratch_stats() `counter` for the scope's lifetime (nullptr: unchanged).
class scratch_scope {
 public:
  explicit scratch_scope(memory::stats* counter) noexcept : saved_(scratch_stats_slot()), active_(counter != nullptr) {
    if (active_) scratch_stats_slot() = counter;
  }
  scratch_scope(const scratch_scope&) = delete;
  scratch_scope& operator=(const scratch_scope&) = delete;
  ~scratch_scope() {
    if (active_) scratch_stats_slot() = saved_;
  }

 private:
  memory::stats* saved_;
  bool active_;
};

/// The counter behind an accounting allocator, or nullptr for any other.
template <class Alloc>
memory::stats* counter_of(const Alloc& alloc) noexcept {
  if constexpr (requires {
                  { alloc.counter() } -> std::same_as<memory::stats&>;
                })
    return &alloc.counter();
  else
    return nullptr;
}
/// The scratch counter for an operation writing into m: its allocator's
/// counter for a matrix, nullptr (leave it) for a window, which has none.
template <class M>
memory::stats* scratch_counter_for(const M& m) noexcept {
  if constexpr (requires { m.get_allocator(); })
    return counter_of(m.get_allocator());
  else
    return nullptr;
}

/// Whether two blocks share a word. Blocks of one stride (windows of one
/// matrix) are compared row by row and word by word, so disjoint column
/// ranges of the same rows do not overlap; blocks of different strides by
/// their address ranges (exact for blocks of different matrices).
template <class W1, class W2>
[[nodiscard]] bool overlaps(block<W1> x, block<W2> y) noexcept {
  const std::size_t xw = x.words(), yw = y.words();
  if (x.rows == 0 || y.rows == 0 || xw == 0 || yw == 0) return false;
  const auto xa = reinterpret_cast<std::uintptr_t>(x.data), ya = reinterpret_cast<std::uintptr_t>(y.data);
  if (x.stride != y.stride || x.stride == 0) {
    const std::uintptr_t xe = reinterpret_cast<std::uintptr_t>(x.row(x.rows - 1) + xw);
    const std::uintptr_t ye = reinterpret_cast<std::uintptr_t>(y.row(y.rows - 1) + yw);
    return xa < ye && ya < xe;
  }
  if ((xa > ya ? xa - ya : ya - xa) % sizeof(word) != 0) return false;
  // y starts d words after x: row dr, word dc (0 <= dc < stride) in x's terms;
  // a y row may run on into the next x row when dc + yw > stride.
  const std::size_t s = x.stride;
  const bool after = ya >= xa;
  const std::size_t ad = (after ? ya - xa : xa - ya) / sizeof(word);
  // Work in signed row indices; |dr| is at most the rows of a matrix.
  long long dr;
  std::size_t dc;
  if (after) {
    dr = static_cast<long long>(ad / s);
    dc = ad % s;
  } else {
    dr = -static_cast<long long>((ad + s - 1) / s);
    dc = (s - ad % s) % s;
  }
  const long long xr = static_cast<long long>(x.rows), yr = static_cast<long long>(y.rows);
  // Rows of x that y's rows start in: [dr, dr + yr); wrapped parts fall in the next row.
  const bool same_row = dc < xw && dr < xr && dr + yr > 0;
  const bool wrapped = dc + yw > s && dr + 1 < xr && dr + 1 + yr > 0;
  return same_row || wrapped;
}
}  // namespace detail

template <class Backend, class Word>
class basic_matrix_view;
/// Rows [begin, end) of a window. window() takes named ranges, not four
/// integers, so that another library's argument order (M4RI's
/// mzd_init_window(M, lowr, lowc, highr, highc)) does not compile:
///
///   auto top = b.window(gf2::row_range{0, 2}, gf2::col_range{0, 64});
struct row_range {
  std::size_t begin, end;
  constexpr explicit row_range(std::size_t first, std::size_t last) noexcept : begin(first), end(last) {}
};

/// Columns [begin, end) of a window: begin a multiple of 64, end a multiple of
/// 64 or the last column.
struct col_range {
  std::size_t begin, end;
  constexpr explicit col_range(std::size_t first, std::size_t last) noexcept : begin(first), end(last) {}
};

template <class Backend = sutro::default_backend, class Alloc = sutro::backend_allocator_t<Backend, word>>
class matrix {
  static_assert(std::is_same_v<typename std::allocator_traits<Alloc>::value_type, word>,
                "gf2::matrix allocates std::uint64_t words");
  static_assert(sutro::is_host_backend_v<Backend>,
                "gf2::matrix holds host memory: use a host backend (scalar or simd)");

 public:
  using backend_type = Backend;
  using allocator_type = Alloc;

  explicit matrix(const Alloc& alloc = Alloc()) : words_(alloc) {}
  /// A zero matrix of rows x cols.
  matrix(std::size_t rows, std::size_t cols, const Alloc& alloc = Alloc())
      : rows_(rows), cols_(cols), stride_(detail::padded_words(cols)), words_(alloc) {
    // Rows and columns alike (a transpose turns one into the other; loops
    // run over both), and the words.
    const std::size_t most = std::min(detail::max_words, words_.max_size());
    if (rows > most || cols > most || (stride_ != 0 && rows > most / stride_))
      throw std::length_error("sutro::gf2::matrix::matrix: " + detail::shape(rows, cols) + " is over the limit of " +
                              std::to_string(most) + " words, rows and columns");
    words_.assign(rows * stride_, 0);
  }
  matrix(const matrix&) = default;
  /// The words first: if copying them throws, the shape still matches them.
  matrix& operator=(const matrix& other) {
    if (this != &other) {
      words_ = other.words_;
      rows_ = other.rows_;
      cols_ = other.cols_;
      stride_ = other.stride_;
    }
    return *this;
  }
  /// The moved-from matrix is 0 x 0: its shape leaves with its words, so that
  /// get(), to_string() or a kernel on it cannot reach rows it no longer has.
  matrix(matrix&& other) noexcept
      : rows_(std::exchange(other.rows_, 0)),
        cols_(std::exchange(other.cols_, 0)),
        stride_(std::exchange(other.stride_, 0)),
        words_(std::move(other.words_)) {
    other.words_.clear();
  }
  matrix& operator=(matrix&& other) noexcept(std::is_nothrow_move_assignable_v<std::vector<word, Alloc>>) {
    if (this != &other) {
      words_ = std::move(other.words_);
      other.words_.clear();
      rows_ = std::exchange(other.rows_, 0);
      cols_ = std::exchange(other.cols_, 0);
      stride_ = std::exchange(other.stride_, 0);
    }
    return *this;
  }

  [[nodiscard]] static matrix identity(std::size_t n, const Alloc& alloc = Alloc()) {
    matrix m(n, n, alloc);
    for (std::size_t i = 0; i < n; ++i) m.set_unchecked(i, i, true);
    return m;
  }
  /// Uniform random bits from std::mt19937_64(seed): the same on every platform.
  [[nodiscard]] static matrix random(std::size_t rows, std::size_t cols, std::uint64_t seed,
                                     const Alloc& alloc = Alloc()) {
    matrix m(rows, cols, alloc);
    m.fill_random(seed);
    return m;
  }
  /// One string of '0'/'1' per row, all of equal length.
  [[nodiscard]] static matrix from_rows(std::initializer_list<std::string_view> rows, const Alloc& alloc = Alloc()) {
    return from_rows(std::span<const std::string_view>(rows.begin(), rows.size()), alloc);
  }
  [[nodiscard]] static matrix from_rows(const std::vector<std::string>& rows, const Alloc& alloc = Alloc()) {
    std::vector<std::string_view> views(rows.begin(), rows.end());
    return from_rows(std::span<const std::string_view>(views), alloc);
  }
  [[nodiscard]] static matrix from_rows(std::span<const std::string_view> rows, const Alloc& alloc = Alloc()) {
    const std::size_t cols = rows.empty() ? 0 : rows[0].size();
    matrix m(rows.size(), cols, alloc);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].size() != cols)
        throw std::invalid_argument("sutro::gf2::matrix::from_rows: row " + std::to_string(i) + " has " +
                                    std::to_string(rows[i].size()) + " characters, row 0 has " + std::to_string(cols));
      for (std::size_t j = 0; j < cols; ++j) {
        const char ch = rows[i][j];
        if (ch != '0' && ch != '1')
          throw std::invalid_argument("sutro::gf2::matrix::from_rows: row " + std::to_string(i) + " column " +
                                      std::to_string(j) + " is '" + std::string(1, ch) + "', expected '0' or '1'");
        m.set_unchecked(i, j, ch == '1');
      }
    }
    return m;
  }
  /// rows*cols bytes, row-major, each 0 or 1 (anything else is rejected).
  [[nodiscard]] static matrix from_bytes(std::size_t rows, std::size_t cols, std::span<const std::uint8_t> bytes,
                                         const Alloc& alloc = Alloc()) {
    if (cols != 0 && rows > std::numeric_limits<std::size_t>::max() / cols)
      throw std::invalid_argument("sutro::gf2::matrix::from_bytes: a " + detail::shape(rows, cols) +
                                  " matrix has more entries than a size_t counts (" + std::to_string(bytes.size()) +
                                  " bytes given)");
    if (bytes.size() != rows * cols)
      throw std::invalid_argument("sutro::gf2::matrix::from_bytes: " + std::to_string(bytes.size()) + " bytes for a " +
                                  detail::shape(rows, cols) + " matrix");
    matrix m(rows, cols, alloc);
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < cols; ++j) {
        const std::uint8_t b = bytes[i * cols + j];
        if (b > 1)
          throw std::invalid_argument("sutro::gf2::matrix::from_bytes: byte " + std::to_string(i * cols + j) + " is " +
                                      std::to_string(b) + ", expected 0 or 1");
        m.set_unchecked(i, j, b != 0);
      }
    return m;
  }

  void fill_random(std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    const std::size_t used = words_used();
    for (std::size_t i = 0; i < rows_; ++i) {
      word* r = row_ptr(i);
      for (std::size_t w = 0; w < used; ++w) r[w] = rng();
      if (used) r[used - 1] &= detail::tail_mask(cols_);
    }
  }

  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  [[nodiscard]] std::size_t cols() const noexcept { return cols_; }
  /// Words per row including padding (a multiple of 8); the distance between rows.
  [[nodiscard]] std::size_t words_per_row() const noexcept { return stride_; }
  [[nodiscard]] std::size_t stride() const noexcept { return stride_; }
  /// Words that hold columns: ceil(cols / 64).
  [[nodiscard]] std::size_t words_used() const noexcept { return detail::words_for(cols_); }
  [[nodiscard]] bool empty() const noexcept { return rows_ == 0 || cols_ == 0; }
  [[nodiscard]] allocator_type get_allocator() const { return words_.get_allocator(); }

  word* data() noexcept { return words_.data(); }
  [[nodiscard]] const word* data() const noexcept { return words_.data(); }
  word* row_ptr(std::size_t i) noexcept { return words_.data() + i * stride_; }
  [[nodiscard]] const word* row_ptr(std::size_t i) const noexcept { return words_.data() + i * stride_; }
  /// The words_per_row() words of row i, padding included (keep padding bits zero).
  std::span<word> row_words(std::size_t i) {
    check_row(i, "row_words");
    return {row_ptr(i), stride_};
  }
  [[nodiscard]] std::span<const word> row_words(std::size_t i) const {
    check_row(i, "row_words");
    return {row_ptr(i), stride_};
  }

  [[nodiscard]] bool get(std::size_t i, std::size_t j) const {
    check(i, j, "get");
    return get_unchecked(i, j);
  }
  bool operator()(std::size_t i, std::size_t j) const { return get(i, j); }
  void set(std::size_t i, std::size_t j, bool value) {
    check(i, j, "set");
    set_unchecked(i, j, value);
  }
  void flip(std::size_t i, std::size_t j) {
    check(i, j, "flip");
    row_ptr(i)[j / 64] ^= word{1} << (j % 64);
  }
  [[nodiscard]] bool get_unchecked(std::size_t i, std::size_t j) const noexcept {
    return (row_ptr(i)[j / 64] >> (j % 64)) & 1u;
  }
  void set_unchecked(std::size_t i, std::size_t j, bool value) noexcept {
    const word bit = word{1} << (j % 64);
    word& w = row_ptr(i)[j / 64];
    w = value ? (w | bit) : (w & ~bit);
  }

  void swap_rows(std::size_t i, std::size_t k) {
    check_row(i, "swap_rows");
    check_row(k, "swap_rows");
    if (i != k) std::swap_ranges(row_ptr(i), row_ptr(i) + stride_, row_ptr(k));
  }
  /// row[dst] ^= row[src].
  void xor_row(std::size_t dst, std::size_t src) {
    check_row(dst, "xor_row");
    check_row(src, "xor_row");
    word* d = row_ptr(dst);
    const word* s = row_ptr(src);
    for (std::size_t w = 0; w < stride_; ++w) d[w] ^= s[w];
  }
  /// Number of ones in the matrix.
  [[nodiscard]] std::size_t weight() const noexcept {
    std::size_t n = 0;
    for (word w : words_) n += static_cast<std::size_t>(std::popcount(w));
    return n;
  }
  [[nodiscard]] std::size_t row_weight(std::size_t i) const {
    check_row(i, "row_weight");
    std::size_t n = 0;
    for (std::size_t w = 0; w < stride_; ++w) n += static_cast<std::size_t>(std::popcount(row_ptr(i)[w]));
    return n;
  }

  /// rows*cols bytes of 0/1, row-major.
  [[nodiscard]] std::vector<std::uint8_t> to_bytes() const { return detail::to_bytes(block()); }
  /// One line of '0'/'1' per row, each ended by '\n'.
  [[nodiscard]] std::string to_string() const { return detail::to_string(block()); }

  /// A view of rows r and columns c, no copy (see col_range for the alignment).
  basic_matrix_view<Backend, word> window(row_range r, col_range c);
  [[nodiscard]] basic_matrix_view<Backend, const word> window(row_range r, col_range c) const;
  basic_matrix_view<Backend, word> view() { return window(row_range{0, rows_}, col_range{0, cols_}); }
  [[nodiscard]] basic_matrix_view<Backend, const word> view() const {
    return window(row_range{0, rows_}, col_range{0, cols_});
  }

  detail::mblock block() noexcept { return {data(), rows_, cols_, stride_}; }
  [[nodiscard]] detail::cblock block() const noexcept { return {data(), rows_, cols_, stride_}; }

  friend std::ostream& operator<<(std::ostream& os, const matrix& m) { return os << m.to_string(); }

 private:
  void check_row(std::size_t i, const char* what) const {
    if (i >= rows_)
      throw std::out_of_range(std::string("sutro::gf2::matrix::") + what + ": row " + std::to_string(i) + " of a " +
                              detail::shape(rows_, cols_) + " matrix");
  }
  void check(std::size_t i, std::size_t j, const char* what) const {
    if (i >= rows_ || j >= cols_)
      throw std::out_of_range(std::string("sutro::gf2::matrix::") + what + ": (" + std::to_string(i) + ", " +
                              std::to_string(j) + ") outside a " + detail::shape(rows_, cols_) + " matrix");
  }

  std::size_t rows_ = 0, cols_ = 0, stride_ = 0;
  std::vector<word, Alloc> words_;
};

/// A window into a matrix: no copy, same layout, rows r0..r1, columns c0..c1.
/// Word is `word` (writable) or `const word`. Valid while the matrix lives
/// and is not resized.
template <class Backend, class Word>
class basic_matrix_view {
 public:
  using backend_type = Backend;

  basic_matrix_view(detail::block<Word> b) noexcept : b_(b) {}
  /// A writable view converts to a read-only one (a template, so the read-only
  /// view has no conversion to its own type: nvcc warns about one, #554).
  template <class W = Word, std::enable_if_t<!std::is_const_v<W>, int> = 0>
  operator basic_matrix_view<Backend, const word>() const noexcept {
    return {b_};
  }

  [[nodiscard]] std::size_t rows() const noexcept { return b_.rows; }
  [[nodiscard]] std::size_t cols() const noexcept { return b_.cols; }
  [[nodiscard]] std::size_t stride() const noexcept { return b_.stride; }
  [[nodiscard]] std::size_t words_used() const noexcept { return b_.words(); }
  [[nodiscard]] Word* data() const noexcept { return b_.data; }
  [[nodiscard]] Word* row_ptr(std::size_t i) const noexcept { return b_.row(i); }
  /// The words_used() words of row i (words past it belong to other columns).
  [[nodiscard]] std::span<Word> row_words(std::size_t i) const {
    check(i, 0, "row_words", true);
    return {b_.row(i), b_.words()};
  }
  [[nodiscard]] detail::block<Word> block() const noexcept { return b_; }

  [[nodiscard]] bool get(std::size_t i, std::size_t j) const {
    check(i, j, "get");
    return (b_.row(i)[j / 64] >> (j % 64)) & 1u;
  }
  bool operator()(std::size_t i, std::size_t j) const { return get(i, j); }
  void set(std::size_t i, std::size_t j, bool value) const requires(!std::is_const_v<Word>) {
    check(i, j, "set");
    const word bit = word{1} << (j % 64);
    word& w = b_.row(i)[j / 64];
    w = value ? (w | bit) : (w & ~bit);
  }
  void flip(std::size_t i, std::size_t j) const requires(!std::is_const_v<Word>) {
    check(i, j, "flip");
    b_.row(i)[j / 64] ^= word{1} << (j % 64);
  }
  /// As matrix's: rows*cols bytes of 0/1, and one line of '0'/'1' per row.
  [[nodiscard]] std::vector<std::uint8_t> to_bytes() const { return detail::to_bytes(detail::cblock(b_)); }
  [[nodiscard]] std::string to_string() const { return detail::to_string(detail::cblock(b_)); }
  friend std::ostream& operator<<(std::ostream& os, const basic_matrix_view& m) { return os << m.to_string(); }

  /// A window of this window (same alignment rule, relative coordinates).
  [[nodiscard]] basic_matrix_view window(row_range r, col_range c) const { return make_window(b_, r, c); }

  static basic_matrix_view make_window(detail::block<Word> p, row_range r, col_range c) {
    const std::size_t r0 = r.begin, r1 = r.end, c0 = c.begin, c1 = c.end;
    if (r0 > r1 || r1 > p.rows || c0 > c1 || c1 > p.cols || c0 % 64 != 0 || (c1 % 64 != 0 && c1 != p.cols))
      throw std::out_of_range("sutro::gf2::window: rows [" + std::to_string(r0) + ", " + std::to_string(r1) +
                              ") columns [" + std::to_string(c0) + ", " + std::to_string(c1) + ") of a " +
                              detail::shape(p.rows, p.cols) +
                              " matrix (columns must start at a multiple of 64 and end at one "
                              "or at the last column)");
    return basic_matrix_view({p.data + r0 * p.stride + c0 / 64, r1 - r0, c1 - c0, p.stride});
  }

  /// A copy with its own storage.
  template <class Alloc = sutro::backend_allocator_t<Backend, word>>
  [[nodiscard]] matrix<Backend, Alloc> to_matrix(const Alloc& alloc = Alloc()) const {
    matrix<Backend, Alloc> m(b_.rows, b_.cols, alloc);
    for (std::size_t i = 0; i < b_.rows; ++i) std::copy_n(b_.row(i), b_.words(), m.row_ptr(i));
    return m;
  }
  /// Overwrite this window with a matrix of the same shape. src may be a
  /// window of the same matrix overlapping this one: the result is src as it
  /// was before the call (rows go last to first when this one lies after src,
  /// as memmove does).
  template <class Src>
  void assign(const Src& src) const requires(!std::is_const_v<Word>) {
    if (src.rows() != rows() || src.cols() != cols())
      throw std::invalid_argument("sutro::gf2::window::assign: shapes " + detail::shape(rows(), cols()) + " and " +
                                  detail::shape(src.rows(), src.cols()) + " differ");
    if (b_.rows == 0 || b_.words() == 0) return;
    const auto copy_row = [&](std::size_t i) { std::memmove(b_.row(i), src.row_ptr(i), b_.words() * sizeof(word)); };
    if (std::less<const word*>{}(src.row_ptr(0), b_.row(0))) {
      for (std::size_t i = b_.rows; i-- > 0;) copy_row(i);
    } else {
      for (std::size_t i = 0; i < b_.rows; ++i) copy_row(i);
    }
  }

 private:
  void check(std::size_t i, std::size_t j, const char* what, bool row_only = false) const {
    if (i >= b_.rows || (!row_only && j >= b_.cols))
      throw std::out_of_range(std::string("sutro::gf2::window::") + what + ": (" + std::to_string(i) + ", " +
                              std::to_string(j) + ") outside a " + detail::shape(b_.rows, b_.cols) + " window");
  }
  detail::block<Word> b_;
};

template <class Backend>
using matrix_view = basic_matrix_view<Backend, word>;
template <class Backend>
using const_matrix_view = basic_matrix_view<Backend, const word>;

template <class Backend, class Alloc>
basic_matrix_view<Backend, word> matrix<Backend, Alloc>::window(row_range r, col_range c) {
  return basic_matrix_view<Backend, word>::make_window(block(), r, c);
}
template <class Backend, class Alloc>
basic_matrix_view<Backend, const word> matrix<Backend, Alloc>::window(row_range r, col_range c) const {
  return basic_matrix_view<Backend, const word>::make_window(block(), r, c);
}

/// Anything with the matrix layout: a matrix or a window of one.
template <class M>
concept matrix_like = requires(const M& m) {
  typename M::backend_type;
  { m.rows() } -> std::convertible_to<std::size_t>;
  { m.cols() } -> std::convertible_to<std::size_t>;
  { m.block() } -> std::convertible_to<detail::cblock>;
};

/// Same shape and bits, for matrices and windows alike (any allocators).
/// Whole words compare: a window ends at a multiple of 64 or at its matrix's
/// last column, so its tail bits are the matrix's zero padding.
template <matrix_like A, matrix_like B>
requires std::same_as<typename A::backend_type, typename B::backend_type>
[[nodiscard]] bool operator==(const A& a, const B& b) noexcept {
  const detail::cblock x = a.block(), y = b.block();
  if (x.rows != y.rows || x.cols != y.cols) return false;
  for (std::size_t i = 0; i < x.rows; ++i)
    if (!std::equal(x.row(i), x.row(i) + x.words(), y.row(i))) return false;
  return true;
}

namespace detail {
template <class M>
struct result_of {
  using type = matrix<typename M::backend_type>;
  static type make(const M&, std::size_t r, std::size_t c) { return type(r, c); }
};
template <class B, class A>
struct result_of<matrix<B, A>> {
  using type = matrix<B, A>;
  static type make(const matrix<B, A>& m, std::size_t r, std::size_t c) { return type(r, c, m.get_allocator()); }
};
/// The matrix type an operation on M returns (a window's results use the default allocator).
template <class M>
using result_t = typename result_of<std::remove_cvref_t<M>>::type;
template <class M>
result_t<M> make_result(const M& m, std::size_t r, std::size_t c) {
  return result_of<std::remove_cvref_t<M>>::make(m, r, c);
}
}  // namespace detail

/// A copy with its own storage (the allocator of a matrix, the default one for a window).
template <matrix_like M>
[[nodiscard]] detail::result_t<M> copy_of(const M& a) {
  auto out = detail::make_result(a, a.rows(), a.cols());
  const detail::cblock b = a.block();
  for (std::size_t i = 0; i < b.rows; ++i)
    for (std::size_t w = 0; w < b.words(); ++w) out.row_ptr(i)[w] = b.row(i)[w];
  return out;
}

}  // namespace sutro::gf2
