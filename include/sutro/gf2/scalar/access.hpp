#pragma once
// The scalar kernels index rows through whatever `block.row(i)` returns: a
// raw word* for detail::block (the default accessor, the code that always
// ran), or a memory::accessed_ptr for accessed_block<Word, Accessor>, whose
// every word read and write goes through the accessor (recording_accessor
// records it). Same kernel text, two instantiations.

#include <algorithm>
#include <cstddef>
#include <type_traits>

#include "sutro/backend/tags.hpp"
#include "sutro/gf2/matrix.hpp"
#include "sutro/memory/accessor.hpp"

namespace sutro::gf2 {
namespace detail {

/// block<Word> seen through an accessor (gf2::recorded_matrix builds these).
/// Unlike block<Word> it keeps its pointer private: row(i) is the only way in.
template <class Word, class Accessor>
class accessed_block {
 public:
  std::size_t rows = 0, cols = 0, stride = 0;
  accessed_block(Word* data, std::size_t r, std::size_t c, std::size_t s, Accessor acc) noexcept
      : rows(r), cols(c), stride(s), data_(data), acc_(acc) {}
  memory::handle_t<Word, Accessor> row(std::size_t i) const noexcept(memory::exposes_data_v<Accessor>) {
    return memory::make_handle(data_ + i * stride, acc_);
  }
  std::size_t words() const noexcept { return words_for(cols); }

 private:
  Word* data_;
  Accessor acc_;
};

template <class Word>
using recorded_block = accessed_block<Word, memory::recording_accessor<Word>>;

template <class R>
inline constexpr bool is_accessed_row_v = false;
template <class T, class A>
inline constexpr bool is_accessed_row_v<memory::accessed_ptr<T, A>> = true;

}  // namespace detail

namespace kernels {

/// dst[w] ^= src[w]: one read of src, one read and one write of dst per word.
template <class D, class S>
inline void xor_words(D dst, S src, std::size_t n) {
  for (std::size_t w = 0; w < n; ++w) {
    const word s = src[w];
    dst[w] ^= s;
  }
}

/// Swaps n words: two reads and two writes per word.
template <class R>
inline void swap_words(R x, R y, std::size_t n) {
  if constexpr (std::is_pointer_v<R>) {
    std::swap_ranges(x, x + n, y);  // the raw code as it always was
  } else {
    for (std::size_t w = 0; w < n; ++w) {
      const word t = x[w];
      x[w] = word(y[w]);
      y[w] = t;
    }
  }
}

/// Row XOR on accessed rows (the raw-pointer overload is in scalar/add.hpp).
template <class D, class S>
requires detail::is_accessed_row_v<D>
inline void xor_row(scalar, D dst, S src, std::size_t n) { xor_words(dst, src, n); }

}  // namespace kernels
}  // namespace sutro::gf2
