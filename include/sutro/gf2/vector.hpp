#pragma once
// sutro::gf2::vector: a bit vector over GF(2), the operand of A * x and x * A.
//
//   using V = sutro::gf2::vector<>;
//   V x = V::from_string("10110");
//   V y = V::random(130, /*seed=*/3);
//   x.flip(1); bool b = x[0]; std::size_t ones = y.weight();
//   std::vector<std::uint8_t> bits = x.to_bytes();   // {1,1,1,1,0}
//
// Layout as one row of gf2::matrix: 64 bits per word, bit j in word j / 64,
// storage padded to a multiple of 8 words; bits beyond size() are always zero.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "sutro/gf2/matrix.hpp"

namespace sutro::gf2 {

template <class Backend = sutro::default_backend, class Alloc = sutro::backend_allocator_t<Backend, word>>
class vector {
  static_assert(sutro::is_host_backend_v<Backend>,
                "gf2::vector holds host memory: use a host backend (scalar or simd)");

 public:
  using backend_type = Backend;
  using allocator_type = Alloc;

  explicit vector(const Alloc& alloc = Alloc()) : words_(alloc) {}
  /// n zero bits.
  explicit vector(std::size_t n, const Alloc& alloc = Alloc()) : size_(n), words_(alloc) {
    const std::size_t most = std::min(detail::max_words, words_.max_size());
    if (detail::padded_words(n) > most)
      throw std::length_error("sutro::gf2::vector::vector: " + std::to_string(n) + " bits need more than " +
                              std::to_string(most) + " words");
    words_.assign(detail::padded_words(n), 0);
  }
  vector(const vector&) = default;
  /// The words first: if copying them throws, the size still matches them.
  vector& operator=(const vector& other) {
    if (this != &other) {
      words_ = other.words_;
      size_ = other.size_;
    }
    return *this;
  }
  /// The moved-from vector has size 0: its size leaves with its words.
  vector(vector&& other) noexcept : size_(std::exchange(other.size_, 0)), words_(std::move(other.words_)) {
    other.words_.clear();
  }
  vector& operator=(vector&& other) noexcept(std::is_nothrow_move_assignable_v<std::vector<word, Alloc>>) {
    if (this != &other) {
      words_ = std::move(other.words_);
      other.words_.clear();
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }

  [[nodiscard]] static vector from_string(std::string_view bits, const Alloc& alloc = Alloc()) {
    vector v(bits.size(), alloc);
    for (std::size_t j = 0; j < bits.size(); ++j) {
      if (bits[j] != '0' && bits[j] != '1')
        throw std::invalid_argument("sutro::gf2::vector::from_string: character " + std::to_string(j) + " is '" +
                                    std::string(1, bits[j]) + "', expected '0' or '1'");
      v.set_unchecked(j, bits[j] == '1');
    }
    return v;
  }
  [[nodiscard]] static vector from_bytes(std::span<const std::uint8_t> bytes, const Alloc& alloc = Alloc()) {
    vector v(bytes.size(), alloc);
    for (std::size_t j = 0; j < bytes.size(); ++j) {
      if (bytes[j] > 1)
        throw std::invalid_argument("sutro::gf2::vector::from_bytes: byte " + std::to_string(j) + " is " +
                                    std::to_string(bytes[j]) + ", expected 0 or 1");
      v.set_unchecked(j, bytes[j] != 0);
    }
    return v;
  }
  [[nodiscard]] static vector random(std::size_t n, std::uint64_t seed, const Alloc& alloc = Alloc()) {
    vector v(n, alloc);
    std::mt19937_64 rng(seed);
    const std::size_t used = detail::words_for(n);
    for (std::size_t w = 0; w < used; ++w) v.words_[w] = rng();
    if (used) v.words_[used - 1] &= detail::tail_mask(n);
    return v;
  }

  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] std::size_t words_used() const noexcept { return detail::words_for(size_); }
  [[nodiscard]] allocator_type get_allocator() const { return words_.get_allocator(); }
  word* data() noexcept { return words_.data(); }
  [[nodiscard]] const word* data() const noexcept { return words_.data(); }
  /// All words, padding included (keep bits beyond size() zero).
  std::span<word> words() noexcept { return {words_.data(), words_.size()}; }
  [[nodiscard]] std::span<const word> words() const noexcept { return {words_.data(), words_.size()}; }

  [[nodiscard]] bool get(std::size_t j) const {
    check(j, "get");
    return get_unchecked(j);
  }
  bool operator[](std::size_t j) const { return get(j); }
  [[nodiscard]] bool operator()(std::size_t j) const { return get(j); }
  void set(std::size_t j, bool value) {
    check(j, "set");
    set_unchecked(j, value);
  }
  void flip(std::size_t j) {
    check(j, "flip");
    words_[j / 64] ^= word{1} << (j % 64);
  }
  [[nodiscard]] bool get_unchecked(std::size_t j) const noexcept { return (words_[j / 64] >> (j % 64)) & 1u; }
  void set_unchecked(std::size_t j, bool value) noexcept {
    const word bit = word{1} << (j % 64);
    words_[j / 64] = value ? (words_[j / 64] | bit) : (words_[j / 64] & ~bit);
  }
  [[nodiscard]] std::size_t weight() const noexcept {
    std::size_t n = 0;
    for (word w : words_) n += static_cast<std::size_t>(std::popcount(w));
    return n;
  }
  /// this ^= other.
  vector& operator+=(const vector& other) {
    if (other.size_ != size_)
      throw std::invalid_argument("sutro::gf2::vector::operator+=: sizes " + std::to_string(size_) + " and " +
                                  std::to_string(other.size_) + " differ");
    for (std::size_t w = 0; w < words_.size(); ++w) words_[w] ^= other.words_[w];
    return *this;
  }
  friend vector operator+(vector a, const vector& b) { return a += b; }

  [[nodiscard]] std::vector<std::uint8_t> to_bytes() const {
    std::vector<std::uint8_t> out(size_);
    for (std::size_t j = 0; j < size_; ++j) out[j] = get_unchecked(j) ? 1 : 0;
    return out;
  }
  [[nodiscard]] std::string to_string() const {
    std::string s(size_, '0');
    for (std::size_t j = 0; j < size_; ++j) s[j] = get_unchecked(j) ? '1' : '0';
    return s;
  }

  template <class A2>
  bool operator==(const vector<Backend, A2>& o) const noexcept {
    return size_ == o.size() && std::equal(data(), data() + words_used(), o.data());
  }
  friend std::ostream& operator<<(std::ostream& os, const vector& v) { return os << v.to_string(); }

 private:
  void check(std::size_t j, const char* what) const {
    if (j >= size_)
      throw std::out_of_range(std::string("sutro::gf2::vector::") + what + ": index " + std::to_string(j) +
                              " of a vector of size " + std::to_string(size_));
  }
  std::size_t size_ = 0;
  std::vector<word, Alloc> words_;
};

}  // namespace sutro::gf2
