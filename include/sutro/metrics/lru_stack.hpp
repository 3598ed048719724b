#pragma once
// The LRU stack engine under every stack metric (reuse distance, DMD, the
// miss-ratio curve, ByteDMD's stack walks): marks on a time axis, one per
// live item at the slot of its latest push; the depth of an item is the
// number of marks from its slot on (1 = top of the stack).
//
//   sutro::metrics::lru_stack s;
//   auto a = s.push(), b = s.push(), c = s.push();   // stack, top first: c b a
//   s.depth(a);                 // 3
//   s.take(b);                  // 2, and b leaves the stack
//   if (s.full()) s.compact([&](auto renumber) { a = renumber(a); c = renumber(c); });
//   a = s.push();               // a back on top: a c
//
// Slots are handed out in time order; when the window of slots is used up,
// compact() renumbers the live marks densely (the caller rewrites the slots it
// holds through the function it is given) and makes the window at least 8x
// the live marks, so memory follows the live items, not the trace, and the
// renumbering pass is paid once per 7 x live pushes or more.
//
// Counting: a bitmap over slots; masked popcounts inside the 512-bit block of
// a slot (one cache line) plus a fixed-height tree of 16-way nodes over the
// blocks holding exclusive prefix counts (one load per level to query, one
// 16-lane add per level to update, no data-dependent branches). The block
// being filled at the end of the window enters the tree only once it is full,
// so a push costs no tree update. Popcounts are plain C++ (no instruction-set
// extension is needed, the build's own target is used); take<K>() also has
// POPCNT and AVX-512 VPOPCNTDQ kernels that batched callers select at run
// time (see popcount_kernel and metrics::reuse_distance).
//
// id_lru_stack puts small integer ids (0 .. n-1) on the stack, with a slot
// per id in a vector the caller owns: ByteDMD's stacks of values.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif
// SUTRO_LRU_VPOPCNT: this translation unit can compile AVX-512 VPOPCNTDQ code
// in functions with a target attribute, whatever -march it was given.
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && !defined(__CUDACC__)
#define SUTRO_LRU_VPOPCNT 1
#include <immintrin.h>
#else
#define SUTRO_LRU_VPOPCNT 0
#endif

namespace sutro::metrics {

namespace detail {
/// Asks for the cache line at p. GCC drops a __builtin_prefetch whose address
/// comes out of a loop it may delete (a hash probe: -ffinite-loops), so on
/// x86 the instruction is written out; elsewhere the builtin.
inline void prefetch_line(const void* p) noexcept {
#if (defined(__GNUC__) || defined(__clang__)) && defined(__x86_64__) && !defined(__CUDACC__)
  asm volatile("prefetcht0 %0" : : "m"(*static_cast<const char*>(p)));
#elif defined(__GNUC__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}
/// popcount without a libgcc call on targets without POPCNT (the bit trick
/// there; one instruction where the function is compiled for POPCNT).
[[nodiscard]] inline std::uint32_t ones(std::uint64_t x) noexcept {
#if defined(__POPCNT__) || !defined(__GNUC__)
  return static_cast<std::uint32_t>(std::popcount(x));
#else
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return static_cast<std::uint32_t>((x * 0x0101010101010101ull) >> 56);
#endif
}
// lanes_after.m[k][j] = all ones where j > k: the lanes of a 16-way node that
// child k's count enters.
struct lane_table {
  alignas(64) std::uint32_t m[16][16];
};
[[nodiscard]] constexpr lane_table make_lanes() noexcept {
  lane_table t{};
  for (std::size_t k = 0; k < 16; ++k)
    for (std::size_t j = 0; j < 16; ++j) t.m[k][j] = j > k ? ~0u : 0u;
  return t;
}
inline constexpr lane_table lanes_after = make_lanes();

#if SUTRO_LRU_VPOPCNT
// Set bits in words 0 .. wi-1 of w: one masked VPOPCNTQ; the eight counts
// (each at most 64) narrowed to bytes and summed by one PSADBW.
[[nodiscard]] __attribute__((target("avx512f,avx512vpopcntdq"), always_inline)) inline std::uint64_t
sum_popcounts_before(const std::uint64_t* w, std::uint64_t wi) noexcept {
  const __m512i c = _mm512_popcnt_epi64(_mm512_maskz_loadu_epi64(static_cast<__mmask8>((1u << wi) - 1), w));
  return static_cast<std::uint64_t>(
      _mm_cvtsi128_si64(_mm_sad_epu8(_mm512_maskz_cvtepi64_epi8(0xff, c), _mm_setzero_si128())));
}
#endif
// Marks before bit `s % 512` of the 8-word block w: all words before its
// word, the bits below it in its word (masks by arithmetic: no branches).
// Popcount: Pop{}(x).
template <class Pop>
[[nodiscard]] inline std::uint64_t block_rank_scalar(const std::uint64_t* w, std::uint32_t s) noexcept {
  const std::uint64_t wi = (s >> 6) & 7, low = (std::uint64_t{1} << (s & 63)) - 1;
  std::uint64_t r = 0;
  for (std::uint64_t j = 0; j < 8; ++j) {
    const std::uint64_t m =
        (std::uint64_t{0} - std::uint64_t(j < wi)) | (low & (std::uint64_t{0} - std::uint64_t(j == wi)));
    r += Pop{}(w[j] & m);
  }
  return r;
}
struct ones_op {
  std::uint64_t operator()(std::uint64_t x) const noexcept { return ones(x); }
};
struct builtin_popcount_op {  // one POPCNT where the calling function is compiled for it
  std::uint64_t operator()(std::uint64_t x) const noexcept { return static_cast<std::uint64_t>(std::popcount(x)); }
};
[[nodiscard]] inline std::uint64_t block_rank_plain(const std::uint64_t* w, std::uint32_t s) noexcept {
#if defined(__AVX512VPOPCNTDQ__) && SUTRO_LRU_VPOPCNT  // the build's own target has it
  const std::uint64_t wi = (s >> 6) & 7, low = (std::uint64_t{1} << (s & 63)) - 1;
  return sum_popcounts_before(w, wi) + ones(w[wi] & low);
#else
  return block_rank_scalar<ones_op>(w, s);
#endif
}
#if SUTRO_LRU_VPOPCNT
// The same with one masked VPOPCNTQ over the words before s's word; callable
// only from code compiled for these extensions, on a CPU that has them.
[[nodiscard]] __attribute__((target("avx512f,avx512vpopcntdq,popcnt"))) inline std::uint64_t block_rank_vpopcnt(
    const std::uint64_t* w, std::uint32_t s) noexcept {
  const std::uint64_t wi = (s >> 6) & 7, low = (std::uint64_t{1} << (s & 63)) - 1;
  return sum_popcounts_before(w, wi) + static_cast<std::uint64_t>(std::popcount(w[wi] & low));
}
#endif

/// A fixed-size array of a trivially copyable T starting on a cache line (a
/// 512-bit block of the bitmap is then one line, not two). From 2 MiB on it
/// starts on a 2 MiB boundary and Linux is asked to back it with transparent
/// huge pages: random accesses into a table of 10^7 keys then miss the TLB far
/// less often.
template <class T>
class line_array {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  line_array() noexcept = default;
  line_array(const line_array& o) : line_array() {
    allocate(o.n_);
    if (n_) std::memcpy(static_cast<void*>(p_), o.p_, n_ * sizeof(T));
  }
  line_array(line_array&& o) noexcept { swap(o); }
  line_array& operator=(line_array o) noexcept {
    swap(o);
    return *this;
  }
  ~line_array() { release(); }
  void swap(line_array& o) noexcept {
    std::swap(p_, o.p_);
    std::swap(n_, o.n_);
    std::swap(align_, o.align_);
  }
  /// n copies of value (the memory is kept when n is unchanged).
  void assign(std::size_t n, const T& value) {
    if (n != n_) {
      release();
      allocate(n);
    }
    std::fill_n(p_, n_, value);
  }
  [[nodiscard]] T& operator[](std::size_t i) noexcept { return p_[i]; }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept { return p_[i]; }
  [[nodiscard]] T* data() noexcept { return p_; }
  [[nodiscard]] const T* data() const noexcept { return p_; }
  [[nodiscard]] std::size_t size() const noexcept { return n_; }
  [[nodiscard]] T* begin() noexcept { return p_; }
  [[nodiscard]] T* end() noexcept { return p_ + n_; }
  [[nodiscard]] const T* begin() const noexcept { return p_; }
  [[nodiscard]] const T* end() const noexcept { return p_ + n_; }
  /// Bytes allocated.
  [[nodiscard]] std::size_t bytes() const noexcept { return n_ ? round_up(n_ * sizeof(T), align_) : 0; }

 private:
  static constexpr std::size_t huge = std::size_t{1} << 21;
  static constexpr std::size_t round_up(std::size_t x, std::size_t a) noexcept { return (x + a - 1) / a * a; }
  void allocate(std::size_t n) {
    if (n == 0) return;
    if (n > std::size_t(-1) / 2 / sizeof(T)) throw std::bad_alloc();
    const std::size_t want = n * sizeof(T);
    const std::size_t align = want >= huge ? huge : 64;
    const std::size_t bytes = round_up(want, align);
    p_ = static_cast<T*>(::operator new (bytes, std::align_val_t{align}));
    n_ = n;
    align_ = align;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (align == huge) (void)::madvise(static_cast<void*>(p_), bytes, MADV_HUGEPAGE);  // a hint: failure is harmless
#endif
  }
  void release() noexcept {
    if (p_) ::operator delete (static_cast<void*>(p_), std::align_val_t{align_});
    p_ = nullptr;
    n_ = 0;
  }
  T* p_ = nullptr;
  std::size_t n_ = 0, align_ = 64;
};
}  // namespace detail

/// How take() counts inside a block: plain C++ (any target), POPCNT or AVX-512
/// VPOPCNTDQ; the last two for callers compiled for them (a function with
/// __attribute__((target("popcnt"))) or target("avx512f,avx512vpopcntdq,popcnt"),
/// with flatten so that take() inlines there) on a CPU that has them: the
/// batched paths choose at run time (metrics::reuse_distance).
enum class popcount_kernel { plain, popcnt, vpopcnt };

class lru_stack {
 public:
  using slot_type = std::uint32_t;
  static constexpr std::size_t block_bits = 512;  // one cache line of bitmap
  /// Largest window: slots are 32-bit, and callers keep the top two values as markers.
  static constexpr std::size_t max_window = std::size_t{1} << 31;

  /// `min_window`: slots before the first compaction, and the fewest kept by
  /// one (rounded up to a power of two, at least 512).
  explicit lru_stack(std::size_t min_window = std::size_t{1} << 12) {
    min_window_ = std::bit_ceil(std::clamp<std::size_t>(min_window, block_bits, max_window));
    reset(min_window_);
  }

  /// Items on the stack.
  [[nodiscard]] std::uint64_t size() const noexcept { return live_; }
  /// True when the next push() needs compact() first.
  [[nodiscard]] bool full() const noexcept { return next_ == window_; }
  /// Slots handed out since the last compaction (the next push gets this one).
  [[nodiscard]] std::size_t used() const noexcept { return next_; }
  [[nodiscard]] std::size_t window() const noexcept { return window_; }

  /// Depth of the live mark at `s`: 1 for the top of the stack.
  [[nodiscard]] std::uint64_t depth(slot_type s) const noexcept { return live_ - rank(s); }

  /// Removes the live mark at `s` and returns the depth it had.
  template <popcount_kernel K = popcount_kernel::plain>
  std::uint64_t take(slot_type s) noexcept {
    const std::size_t b = s / block_bits;
    const std::uint32_t delta =
        0u - std::uint32_t(b < next_ / block_bits);  // the block being filled is not in the tree
    std::uint64_t r = 0;
    std::size_t i = b;
    for (std::size_t l = 0; l < levels_; ++l, i /= 16) {
      node& nd = tree_[level_at_[l] + i / 16];
      r += nd.c[i % 16];
      add_after(nd, i % 16, delta);
    }
    const std::uint64_t* w = &bits_[(s >> 6) & ~std::size_t{7}];
#if SUTRO_LRU_VPOPCNT
    if constexpr (K == popcount_kernel::vpopcnt)
      r += detail::block_rank_vpopcnt(w, s);
    else
#endif
        if constexpr (K == popcount_kernel::popcnt)
      r += detail::block_rank_scalar<detail::builtin_popcount_op>(w, s);
    else
      r += detail::block_rank_plain(w, s);
    bits_[s >> 6] &= ~(std::uint64_t{1} << (s & 63));
    return live_-- - r;
  }
  /// Removes the live mark at `s`.
  void erase(slot_type s) noexcept {
    bits_[s >> 6] &= ~(std::uint64_t{1} << (s & 63));
    --live_;
    const std::size_t b = s / block_bits;
    tree_add(b, 0u - std::uint32_t(b < next_ / block_bits));
  }
  /// Puts a new mark on top of the stack and returns its slot; needs !full().
  slot_type push() noexcept {
    const std::size_t t = next_++;
    bits_[t >> 6] |= std::uint64_t{1} << (t & 63);
    ++live_;
    if (next_ % block_bits == 0) tree_add(t / block_bits, block_count(t / block_bits));  // block full
    return static_cast<slot_type>(t);
  }

  /// Brings the cache lines that take(s) and depth(s) read close (a hint).
  void prefetch(slot_type s) const noexcept {
    detail::prefetch_line(&bits_[(s >> 6) & ~std::size_t{7}]);
    detail::prefetch_line(&tree_[s / (block_bits * 16)]);  // level 0 comes first in tree_
  }

  /// f(slot) for every live mark, bottom of the stack first.
  template <class F>
  void for_each_live(F&& f) const {
    for (std::size_t i = 0; i < (next_ + 63) / 64; ++i)
      for (std::uint64_t x = bits_[i]; x; x &= x - 1) f(i * 64 + static_cast<std::size_t>(std::countr_zero(x)));
  }

  /// Renumbers the live marks 0 .. size()-1, bottom first. `remap(renumber)`
  /// must rewrite every live slot the caller holds as renumber(slot) (called
  /// before the marks move). Throws std::length_error when the live marks do
  /// not fit the largest window.
  template <class Remap>
  void compact(Remap&& remap) {
    std::size_t w = std::max(min_window_, std::bit_ceil(std::min<std::size_t>(8 * (live_ + 1), max_window)));
    if (w < 2 * (live_ + 1))
      throw std::length_error("sutro::metrics::lru_stack::compact: " + std::to_string(live_) +
                              " live items exceed the largest window of " + std::to_string(max_window) + " slots");
    std::vector<slot_type> before((next_ + 63) / 64);  // marks in words 0 .. i-1
    slot_type run = 0;
    for (std::size_t i = 0; i < before.size(); ++i) {
      before[i] = run;
      run += detail::ones(bits_[i]);
    }
    remap([&](slot_type s) -> slot_type {
      return before[s >> 6] + detail::ones(bits_[s >> 6] & ((std::uint64_t{1} << (s & 63)) - 1));
    });
    const std::size_t n = run;
    reset(w);
    for (std::size_t i = 0; i < n / 64; ++i) bits_[i] = ~std::uint64_t{0};
    if (n % 64) bits_[n / 64] = (std::uint64_t{1} << (n % 64)) - 1;
    next_ = n;
    live_ = n;
    build_tree();
  }

  /// Bytes of bookkeeping held.
  [[nodiscard]] std::size_t memory_bytes() const noexcept { return tree_.bytes() + bits_.bytes(); }

 private:
  struct alignas(64) node {  // c[j] = marks in children 0 .. j-1 (exclusive prefix)
    std::uint32_t c[16];
  };
  static void add_after(node& nd, std::size_t k, std::uint32_t delta) noexcept {  // delta modulo 2^32
    const std::uint32_t* after = detail::lanes_after.m[k];
#if defined(__GNUC__)  // one 16-lane add, lowered to the widest vectors the target has
                       // (masks from a table: GCC compares wide vectors lane by lane)
    using v16 = std::uint32_t __attribute__((vector_size(64)));
    v16 x, m;
    std::memcpy(&x, nd.c, sizeof x);
    std::memcpy(&m, after, sizeof m);
    x += m & delta;
    std::memcpy(nd.c, &x, sizeof x);
#else
    for (std::size_t j = 0; j < 16; ++j) nd.c[j] += after[j] & delta;
#endif
  }
  void tree_add(std::size_t b, std::uint32_t delta) noexcept {
    std::size_t i = b;
    for (std::size_t l = 0; l < levels_; ++l, i /= 16) add_after(tree_[level_at_[l] + i / 16], i % 16, delta);
  }
  // Marks at slots < s: the tree over the blocks before s's block, then masked
  // popcounts of the words of its block.
  [[nodiscard]] std::uint64_t rank(slot_type s) const noexcept {
    std::uint64_t r = 0;
    std::size_t i = s / block_bits;
    for (std::size_t l = 0; l < levels_; ++l, i /= 16) r += tree_[level_at_[l] + i / 16].c[i % 16];
    return r + detail::block_rank_plain(&bits_[(s >> 6) & ~std::size_t{7}], s);
  }
  [[nodiscard]] std::uint32_t block_count(std::size_t b) const noexcept {
    std::uint32_t r = 0;
    for (std::size_t j = 0; j < 8; ++j) r += detail::ones(bits_[b * 8 + j]);
    return r;
  }
  void reset(std::size_t w) {
    window_ = w;
    bits_.assign(w / 64, 0);
    next_ = 0;
    live_ = 0;
    build_tree();
  }
  // Levels of 16-way nodes over the window's blocks up to a single root, level
  // 0 first; the full blocks before next_'s block are counted.
  void build_tree() {
    const std::size_t blocks = window_ / block_bits;
    std::size_t total = 0;
    levels_ = 0;
    for (std::size_t m = blocks; levels_ == 0 || m > 1; ++levels_) {
      m = (m + 15) / 16;
      level_at_[levels_] = total;
      total += m;
    }
    tree_.assign(total, node{});
    std::vector<std::uint32_t> cnt(blocks, 0), up;
    for (std::size_t b = 0; b < next_ / block_bits; ++b) cnt[b] = block_count(b);
    for (std::size_t l = 0; l < levels_; ++l) {
      up.assign((cnt.size() + 15) / 16, 0);
      for (std::size_t k = 0; k < cnt.size(); ++k) {
        node& nd = tree_[level_at_[l] + k / 16];
        for (std::size_t j = k % 16 + 1; j < 16; ++j) nd.c[j] += cnt[k];
        up[k / 16] += cnt[k];
      }
      cnt.swap(up);
    }
  }

  detail::line_array<std::uint64_t> bits_;  // 1 at the slot of each live mark
  detail::line_array<node> tree_;           // levels_ levels, level l from tree_[level_at_[l]]
  std::size_t level_at_[8] = {};            // 16^7 blocks of 512 slots exceed any window
  std::size_t levels_ = 0;
  std::size_t min_window_ = 0, window_ = 0, next_ = 0;
  std::uint64_t live_ = 0;
};

/// An LRU stack of ids 0 .. n-1: pos[v] is v's slot while v is on the stack
/// and id_lru_stack::off (~0) otherwise (the caller's vector, sized n, filled
/// with off).
///
///   std::vector<std::uint32_t> pos(3, sutro::metrics::id_lru_stack::off);
///   sutro::metrics::id_lru_stack s(pos);
///   s.push(0); s.push(1); s.push(2);
///   s.depth(0);   // 3
///   s.drop(1);    // the stack, top first: 2 0
class id_lru_stack {
 public:
  static constexpr std::uint32_t off = ~std::uint32_t{0};
  explicit id_lru_stack(std::vector<std::uint32_t>& pos, std::size_t min_window = 1024)
      : pos_(pos), stack_(min_window), owner_(stack_.window()) {}
  [[nodiscard]] std::uint64_t live() const noexcept { return stack_.size(); }
  [[nodiscard]] std::uint64_t depth(std::uint32_t v) const noexcept { return stack_.depth(pos_[v]); }
  /// Puts v on top (v must not be on the stack).
  void push(std::uint32_t v) {
    if (stack_.full()) compact();
    const auto s = stack_.push();
    pos_[v] = s;
    owner_[s] = v;
  }
  /// Takes v (on the stack) off it.
  void drop(std::uint32_t v) noexcept {
    stack_.erase(pos_[v]);
    pos_[v] = off;
  }
  /// Takes v (on the stack) off it and returns the depth it had.
  std::uint64_t take(std::uint32_t v) noexcept {
    const std::uint64_t d = stack_.take(pos_[v]);
    pos_[v] = off;
    return d;
  }

 private:
  void compact() {
    std::vector<std::uint32_t> order;  // live ids, bottom first
    order.reserve(stack_.size());
    stack_.for_each_live([&](std::size_t s) { order.push_back(owner_[s]); });
    stack_.compact([](auto&&) {});  // the ids' slots are rewritten below, in order
    owner_.assign(stack_.window(), 0);
    for (std::uint32_t k = 0; k < order.size(); ++k) {
      owner_[k] = order[k];
      pos_[order[k]] = k;
    }
  }
  std::vector<std::uint32_t>& pos_;
  lru_stack stack_;
  std::vector<std::uint32_t> owner_;  // slot -> id
};

}  // namespace sutro::metrics
